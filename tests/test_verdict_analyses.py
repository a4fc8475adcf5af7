"""The analyses' sentences (`skills`, `voi` and its research coverage), worked by hand.

Each function reads finished numbers and writes text, so each test gives it round numbers
and compares whole sentences: which params are named, in what order, against which
threshold (half a percent of EVPI), and in the decision's currency.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from crossroads.verdict import coverage_sentences, skill_sentences, voi_sentences


def ranked(*rows: tuple[str, float, float]) -> list[SimpleNamespace]:
    return [SimpleNamespace(param=p, evppi=v, share=s) for p, v, s in rows]


def voi(evpi: float, evpi_params: float, rows: list[SimpleNamespace],
        evsi: dict[str, float] | None = None) -> Any:
    return SimpleNamespace(evpi=evpi, evpi_params=evpi_params, ranking=rows, evsi=evsi or {})


USD, EUR = SimpleNamespace(currency="USD"), SimpleNamespace(currency="EUR")

# EVPI 10k: a param is named when its EVPPI is above half a percent of it, $50
ROWS = ranked(("salary", 4000.0, 0.40), ("exit", 1500.0, 0.15), ("raise", 60.0, 0.006),
              ("bonus", 55.0, 0.0055), ("tiny", 50.0, 0.005))


def test_voi_says_what_the_params_are_worth_what_stays_luck_and_the_top_three() -> None:
    assert voi_sentences(USD, voi(10_000.0, 6_000.0, ROWS), None) == [  # type: ignore[arg-type]
        "Learning every param at once would be worth $6k: research on the params can buy no "
        "more than that.",
        "Foresight of everything would be worth $10k (EVPI); the $4k beyond the params is the "
        "luck of the path (moves, failures, exits) and the estimates written inline, which no "
        "conversation about a param resolves.",
        "What to find out next: `salary` ($4k, 40% of EVPI); `exit` ($1.5k, 15% of EVPI); "
        "`raise` ($60, 1% of EVPI)."]


def test_voi_names_no_param_at_or_below_half_a_percent_of_evpi() -> None:
    # $50 is exactly half a percent of $10k: not named
    got = voi_sentences(EUR, voi(10_000.0, 100.0, ROWS[-1:]), None)  # type: ignore[arg-type]
    assert got == [
        "Learning every param at once would be worth 100 EUR: research on the params can buy "
        "no more than that.",
        "Foresight of everything would be worth 10k EUR (EVPI); the 9.9k EUR beyond the params "
        "is the luck of the path (moves, failures, exits) and the estimates written inline, "
        "which no conversation about a param resolves.",
        "No single param is worth finding out: what is left is the luck of the path (moves, "
        "failures, exits), which no conversation resolves."]


def test_voi_never_calls_a_negative_difference_luck() -> None:
    # the params' estimate can come out above EVPI by sampling error: the luck is $0
    got = voi_sentences(USD, voi(1_000.0, 1_200.0, []), None)  # type: ignore[arg-type]
    assert got[1].startswith("Foresight of everything would be worth $1k (EVPI); the $0 "
                             "beyond the params")


def test_more_conversations_name_the_best_param_and_one_not_worth_having() -> None:
    # EVSI: exit $2.5k, raise $50 (= the floor, half a percent of $10k), salary $900
    got = voi_sentences(EUR, voi(10_000.0, 6_000.0, ROWS[:1],  # type: ignore[arg-type]
                                 {"salary": 900.0, "exit": 2500.0, "raise": 50.0}), 5.0)
    assert got[-1] == ("5 more conversations about `exit` are worth about 2.5k EUR; none "
                       "about `raise` is worth having.")
    every = voi_sentences(USD, voi(10_000.0, 6_000.0, ROWS[:1],  # type: ignore[arg-type]
                                   {"raise": 900.0, "bonus": 2500.0}), 2.5)
    assert every[-1] == "2.5 more conversations about `bonus` are worth about $2.5k."


def test_a_small_evpi_still_names_a_param_above_half_a_percent_of_it() -> None:
    # EVPI 0.5 EUR: the floor is 0.0025 EUR, and a param worth 0.004 EUR is above it
    got = voi_sentences(EUR, voi(0.5, 0.4, ranked(("salary", 0.004, 0.008))),  # type: ignore[arg-type]
                        None)
    assert got[-1] == "What to find out next: `salary` (0 EUR, 1% of EVPI)."
    # and so is more conversations' worth: 0.004 EUR of EVSI is above the 0.0025 EUR floor
    asked = voi_sentences(EUR, voi(0.5, 0.4, [], {"salary": 0.004}), 5.0)  # type: ignore[arg-type]
    assert asked[-1] == "5 more conversations about `salary` are worth about 0 EUR."


def test_more_conversations_worth_nothing_when_the_best_is_at_the_floor() -> None:
    got = voi_sentences(USD, voi(10_000.0, 6_000.0, ROWS[:1],  # type: ignore[arg-type]
                                 {"salary": 50.0, "exit": 10.0}), 5.0)
    assert got[-1] == ("5 more conversations about any one param would not change the choice "
                       "(EVSI about $0).")
    assert len(voi_sentences(USD, voi(10_000.0, 6_000.0, ROWS[:1],  # type: ignore[arg-type]
                                      {"salary": 2500.0}), None)) == 3


def test_coverage_speaks_of_the_top_three_params_with_research() -> None:
    rows = ranked(("salary", 4.0, 0.4), ("exit", 3.0, 0.3), ("raise", 2.0, 0.2),
                  ("bonus", 1.0, 0.1))
    research = {
        "exit": {"people": 4, "missing_markets": ["London"], "missing_stages": ["seed"]},
        "raise": {"people": 7, "missing_markets": [], "missing_stages": []},
        "bonus": {"people": 2, "missing_markets": [], "missing_stages": []},
    }
    assert coverage_sentences(SimpleNamespace(ranking=rows), research) == [
        "You heard from 4 people about `exit`; nobody from London, seed.",
        "You heard from 7 people about `raise`."]


def skills_model(horizon: int) -> Any:
    return SimpleNamespace(horizon=horizon, baseline=1, intersection=("ml", "product"),
                           options=[SimpleNamespace(id="move"), SimpleNamespace(id="stay")])


def test_skills_quote_the_intersection_by_year_four_against_the_baseline() -> None:
    # a 10-year decision reads year 4 (index 4 of each list); the baseline is `stay`
    options = {"stay": {"label": "Stay", "intersection_top_pct": [30, 25, 20, 15, 12.5, 9]},
               "move": {"label": "Move", "intersection_top_pct": [30, 20, 10, 5, 3.25, 1]}}
    assert skill_sentences(skills_model(10), options) == [  # type: ignore[arg-type]
        "Stay: by year 4 you are in the top 12.5% at ml x product.",
        "Move: by year 4 you are in the top 3.2% at ml x product, against the top 12.5% on "
        "Stay."]


def test_skills_quote_the_strongest_skill_in_the_last_year_of_a_short_decision() -> None:
    # 3 years: year min(4, 3 - 1) = 2; ml leads in year 2 though sql leads in year 1
    options = {"stay": {"label": "Stay", "skills": {
        "ml": {"percentile": [40, 70, 81.4]}, "sql": {"percentile": [50, 90, 60]}}}}
    assert skill_sentences(skills_model(3), options) == [  # type: ignore[arg-type]
        "Stay: by year 2 your strongest skill is ml (percentile 81)."]
