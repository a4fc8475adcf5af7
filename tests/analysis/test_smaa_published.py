"""JSMAA's published benefit-risk case still holds: our SMAA-2 core against the figures the
JSMAA authors publish for their antidepressant model.

The case: four second-generation antidepressants (fluoxetine, paroxetine, sertraline,
venlafaxine) on treatment response and five adverse drug reactions, from Tervonen, van
Valkenhoef, Buskens, Hillege & Postmus, "A state-of-the-art multi-criteria model for drug
benefit-risk analysis", SOM Research Report 10001, University of Groningen (2010); the
same model ships with JSMAA as ``models/smaa2-benefitrisk.jsmaa``.

The figures: JSMAA 1.0.3 (Tervonen, van Valkenhoef, Kuiper, Reid, Vermaas; 2009-2015,
github.com/tommite/jsmaa), its unit test ``SMAA2SimulationTest.testCorrectResultsWithBRModel``
in ``lib/src/test/java/fi/smaa/jsmaa/simulator``: rank acceptabilities and central weights
to two decimals, held to +-0.02, confidence factors to +-0.03, from 10,000 JSMAA iterations.
We hold ours to the same precision (our own sampling error at 200,000 draws is about
0.001, so the tolerance is theirs, not ours). Only the published inputs and figures are
used here; no JSMAA code.

The model as JSMAA defines it (its docs and the test's own scale checks):

* efficacy: the log odds ratio of response against fluoxetine, drawn normal and
  exponentiated (an odds ratio; fluoxetine exactly 1), higher is better;
* each adverse reaction: its incidence in %, drawn normal, lower is better;
* each criterion's scale: from the lowest to the highest end of the options' 95% intervals
  (mean +- 1.96 sd, exponentiated for efficacy); partial values linear on that scale and
  not clipped outside it;
* no preference information: weights uniform on the simplex.
"""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.analysis.smaa import Criterion, smaa

IDS = ["fluoxetine", "paroxetine", "sertraline", "venlafaxine"]
#: (mean, sd) per drug in IDS order: the published inputs.
EFFICACY = [(0.0, 0.0), (0.086, 0.056), (0.095, 0.044), (0.113, 0.048)]
REACTIONS = {
    "diarrhea": [(11.7, 2.5), (9.2, 1.86), (15.4, 2.65), (5.5, 2.32)],
    "dizziness": [(7.2, 1.45), (10.6, 1.58), (7.5, 1.48), (15.7, 4.44)],
    "headache": [(16.6, 3.27), (21.2, 5.15), (20.2, 3.78), (12.8, 2.45)],
    "insomnia": [(13.7, 1.89), (14.3, 2.93), (15.0, 3.21), (11.2, 3.98)],
    "nausea": [(18.6, 1.79), (18.3, 3.7), (19.5, 2.6), (31.0, 1.68)],
}
CRITERIA = ["efficacy", *REACTIONS]

#: Published rank acceptabilities, rows in IDS order, columns rank 1..4.
RANKS = [[0.20, 0.28, 0.30, 0.22],
         [0.25, 0.29, 0.27, 0.19],
         [0.17, 0.25, 0.29, 0.30],
         [0.39, 0.18, 0.15, 0.29]]
#: Published central weights, rows in IDS order, columns in CRITERIA order.
CENTRAL = [[0.08, 0.14, 0.23, 0.18, 0.16, 0.22],
           [0.18, 0.17, 0.15, 0.13, 0.15, 0.22],
           [0.21, 0.10, 0.22, 0.13, 0.15, 0.20],
           [0.18, 0.21, 0.12, 0.21, 0.19, 0.09]]
#: Published confidence factors, in IDS order.
CONFIDENCE = [0.48, 0.44, 0.34, 0.74]
#: The published precision: JSMAA's own tolerances for these figures.
RANK_AND_WEIGHT_PRECISION, CONFIDENCE_PRECISION = 0.02, 0.03

N = 200_000


def _interval_ends(inputs: list[tuple[float, float]]) -> tuple[float, float]:
    """Lowest and highest end of the options' 95% intervals, mean +- 1.96 sd."""
    m = np.array(inputs)
    return float((m[:, 0] - 1.96 * m[:, 1]).min()), float((m[:, 0] + 1.96 * m[:, 1]).max())


def _normal(inputs: list[tuple[float, float]], rng: np.random.Generator) -> np.ndarray:
    m = np.array(inputs)
    return m[:, :1] + m[:, 1:] * rng.standard_normal((len(inputs), N))


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(2010)
    lo, hi = _interval_ends(EFFICACY)
    perf = {"efficacy": np.exp(_normal(EFFICACY, rng))}
    crit = [Criterion("efficacy", scale=(float(np.exp(lo)), float(np.exp(hi))))]
    for c, inputs in REACTIONS.items():
        perf[c] = _normal(inputs, rng)
        crit.append(Criterion(c, scale=_interval_ends(inputs), better="lower"))
    return smaa(perf, crit, IDS, np.random.default_rng(11), n_weights=N)


def test_the_scales_are_the_ones_jsmaa_derives() -> None:
    # JSMAA's test checks these ends: efficacy 0.98 to 1.23 (+-0.01), the reactions to +-1
    lo, hi = _interval_ends(EFFICACY)
    assert np.exp(lo) == pytest.approx(0.98, abs=0.01)
    assert np.exp(hi) == pytest.approx(1.23, abs=0.01)
    published = {"diarrhea": (1.0, 20.6), "dizziness": (4.4, 24.4), "headache": (8.0, 31.3),
                 "insomnia": (3.4, 21.3), "nausea": (11.1, 34.0)}
    for c, ends in published.items():
        np.testing.assert_allclose(_interval_ends(REACTIONS[c]), ends, atol=1.0)


def test_rank_acceptabilities_match_the_published_figures(result) -> None:
    assert result.criteria == tuple(CRITERIA) and result.dropped == ()
    np.testing.assert_allclose(result.rank_acceptability, RANKS,
                               atol=RANK_AND_WEIGHT_PRECISION)


def test_central_weights_match_the_published_figures(result) -> None:
    np.testing.assert_allclose(result.central_weights, CENTRAL, atol=RANK_AND_WEIGHT_PRECISION)


def test_confidence_factors_match_the_published_figures(result) -> None:
    np.testing.assert_allclose(result.confidence, CONFIDENCE, atol=CONFIDENCE_PRECISION)


def test_the_published_reading_holds(result) -> None:
    """The case's story as well as its digits: venlafaxine is first most often, and the
    weights that make it first put the least on nausea, where it is worst (31% against
    18-20%), as in the published central weights."""
    venlafaxine, nausea = IDS.index("venlafaxine"), CRITERIA.index("nausea")
    assert int(np.argmax(result.rank_acceptability[:, 0])) == venlafaxine
    assert int(np.argmin(result.central_weights[:, nausea])) == venlafaxine
    assert int(np.argmin(np.array(CENTRAL)[:, nausea])) == venlafaxine
