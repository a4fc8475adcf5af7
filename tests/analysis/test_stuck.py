"""Roles left only by one-shot chances: check's warning, run's stuck share, option-value's
stranded draws (docs/simulation.md, "Paths")."""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.api import option_value
from crossroads.model.warn import one_shot_roles
from tests.conftest import EXAMPLES, decision_text

ONE_SHOT = """
a:
  roles:
    job: {cash: 1, next: [{to: senior, after: 3, chance: 40%}]}
    senior: {cash: 2}
"""


def test_check_warns_about_a_role_left_only_by_one_shot_chances() -> None:
    model = crossroads.load(decision_text(ONE_SHOT, horizon=10))
    (warning,) = one_shot_roles(model)
    assert "`a.job` can be left only by one-shot chances" in warning.message
    assert "per_year" in (warning.hint or "")
    assert (warning.line, warning.column) == (10, 28)  # the list of the role's moves


@pytest.mark.parametrize("moves", [
    "[{to: senior, after: 3, per_year: 40%}]",                       # retries
    "[{to: senior, per_year: 10%}]",                                 # a hazard
    "[{to: senior, after: 3}]",                                      # sure
    "[{to: senior, after: 3, chance: 40%}, {to: senior, per_year: 5%}]",  # another way out
])
def test_no_warning_when_there_is_a_way_out(moves: str) -> None:
    body = f"a: {{roles: {{job: {{cash: 1, next: {moves}}}, senior: {{cash: 2}}}}}}"
    assert one_shot_roles(crossroads.load(decision_text(body, horizon=10))) == []


@pytest.mark.parametrize("name", ["grad-school", "two-offers", "why-i-quit-data-science"])
def test_the_examples_have_no_one_shot_roles(name: str) -> None:
    assert one_shot_roles(crossroads.load(EXAMPLES / f"{name}.yaml")) == []


def test_run_says_what_share_of_draws_stays_in_the_role() -> None:
    # the one chance is tried at the end of year 2 (tenure 3): 60% stay to the horizon
    n = 40_000
    result = crossroads.run(crossroads.load(decision_text(ONE_SHOT, horizon=10)), samples=n)
    share = result.options["a"]["stuck"]["job"]
    assert share == pytest.approx(0.6, abs=4 * np.sqrt(0.24 / n))
    assert result.notes[0].startswith(f"{share:.1%} of draws of a stay `job` to the horizon")


def test_a_chance_not_yet_tried_at_the_horizon_is_not_stuck() -> None:
    # after: 3 in a 3-year horizon: the try would come at the end of year 2, the last year
    result = crossroads.run(crossroads.load(decision_text(ONE_SHOT, horizon=3)), samples=100)
    assert result.options["a"]["stuck"] == {}


def test_option_value_says_how_many_draws_it_strands() -> None:
    body = """
    phd:
      roles:
        student: {cash: 30k, next: [{to: scientist, after: 5}]}
        scientist: {cash: 120k, next: [{to: senior, after: 3, per_year: 30%}]}
        senior: {cash: 160k}
    """
    model = crossroads.load(decision_text(body, horizon=15))
    report = option_value(model, ("scientist", "senior"), samples=200).to_dict()
    assert report["options"]["phd"]["stranded"] == {"student": 1.0}
    assert report["sentences"][0].startswith(
        "Without scientist / senior, 100.0% of the draws of phd end the horizon in "
        "`student`, left with no move out")
    kept = option_value(model, ("senior",), samples=200).to_dict()
    assert kept["options"]["phd"]["stranded"] == {"scientist": pytest.approx(1.0)}


def test_the_stranded_sentence_names_every_role() -> None:
    from crossroads.verdict import stranded_sentence

    assert stranded_sentence("PhD", {"student": 0.5, "postdoc": 0.25}, ("prof",)) == (
        "Without prof, the draws of PhD end the horizon in roles `student` (50.0%) and "
        "`postdoc` (25.0%), left with no move out: the figure values those years at its pay.")
