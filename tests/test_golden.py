"""The examples' headline numbers, pinned with their sampling tolerance.

Each pin is an option's mean value and P(best) from a 400,000-draw run (seed 20261207, on
2026-12-07), with the pin's own Monte Carlo standard error. The test runs 20,000 draws on
another seed and allows four standard errors of the difference, sqrt(se_test^2 + se_pin^2),
computed from the run, not guessed: a change that moves a headline by more than its
sampling noise fails here; re-pin only after checking the new number independently
(docs/testing.md says how).
"""

from __future__ import annotations

import math

import pytest

import crossroads
from tests.conftest import EXAMPLES

N = 20_000
PIN_N = 400_000
K = 4.0  # standard errors: a false alarm about once in 16,000 comparisons

#: file -> option -> (mean value, its MCSE at PIN_N draws, P(best))
PINS: dict[str, dict[str, tuple[float, float, float]]] = {
    "grad-school": {
        "keep_working": (2015234.65, 279.27, 0.3452525),
        "masters": (2083747.73, 361.76, 0.6547475),
    },
    "two-offers": {
        "bigco": (1828245.90, 198.79, 0.94484),
        "startup": (1213198.97, 1048.32, 0.05516),
    },
    "bangalore-or-singapore": {
        "bangalore": (43929815.44, 9951.55, 0.19998),
        "singapore": (50014551.50, 10630.73, 0.80002),
    },
    "why-i-quit-data-science": {  # pinned at the file of commit 3f6ea1d
        "ml_lead": (1614608.82, 444.39, 0.741075),
        "platform": (1322213.42, 372.11, 0.0997225),
        "bigco_mle": (1041797.00, 250.70, 0.0),
        "sabbatical": (1383815.33, 361.00, 0.1592025),
    },
}


def p_se(p: float, n: int) -> float:
    """The standard error of a share, never 0 (a share of 0 or 1 is known to 1/n)."""
    return math.sqrt(max(p * (1 - p), 1.0 / n) / n)


@pytest.mark.parametrize("name", sorted(PINS))
def test_headline_numbers_hold_within_their_sampling_error(name: str) -> None:
    model = crossroads.load(EXAMPLES / f"{name}.yaml")
    result = crossroads.run(model, samples=N, seed=1).to_dict()
    assert set(result["options"]) == set(PINS[name])
    for oid, (mean, pin_se, p_best) in PINS[name].items():
        got = result["options"][oid]
        se = math.hypot(got["mcse"]["value_mean"], pin_se)
        assert got["value"]["mean"] == pytest.approx(mean, abs=K * se), oid
        assert got["p_best"] == pytest.approx(p_best, abs=K * math.hypot(
            p_se(got["p_best"], N), p_se(p_best, PIN_N))), oid
