"""The numbers inside the runner-up and cash sentences are the right quantities.

A decision where every quantity a sentence could quote differs: value is not NPV (fun is
priced), the leader's and the runner-up's P(best) differ, and the cash leader is not the
value leader. A sentence quoting NPV for value, or one option's number for another's,
fails here (docs/testing.md).
"""

from __future__ import annotations

import math

import pytest

import crossroads
from crossroads.format import money, pct
from tests.conftest import decision_text

N = 4000
# a: cash x ~ U(100, 200), fun 5; b: cash y ~ U(140, 200), fun 1; a point-year of fun is
# worth 10, 3 years, no discount. NPV: a 3 x 150 = 450, b 3 x 170 = 510.
# value: a 450 + 3 x 5 x 10 = 600, b 510 + 3 x 1 x 10 = 540.
BODY = """
a: {roles: {r: {cash: x, criteria: {fun: 5}}}}
b: {roles: {r: {cash: y, criteria: {fun: 1}}}}
"""
EXTRA = "params:\n  x: uniform(100, 200)\n  y: uniform(140, 200)\ncriteria:\n  fun: {worth: 10}\n"


@pytest.fixture(scope="module")
def result():
    text = decision_text(BODY, extra=EXTRA).replace("samples: 2000", f"samples: {N}")
    return crossroads.run(crossroads.load(text))


def test_the_case_has_the_hand_worked_means(result) -> None:
    o = result.options
    for oid, npv, value in (("a", 450, 600), ("b", 510, 540)):
        se = o[oid]["mcse"]["npv_mean"]
        assert o[oid]["npv"]["mean"] == pytest.approx(npv, abs=4 * se)
        assert o[oid]["value"]["mean"] == pytest.approx(value, abs=4 * se)
    # P(a best) = P(3x + 150 > 3y + 30) = P(y - x < 40) = 1 - (100 - 40)^2 / (2 x 6000) = 0.7
    p = o["a"]["p_best"]
    assert p == pytest.approx(0.7, abs=4 * math.sqrt(0.21 / N))
    assert o["b"]["p_best"] == pytest.approx(1 - p, abs=1e-12)


def test_the_runner_up_sentence_quotes_p_best_of_each_and_the_value_gap(result) -> None:
    a, b = result.options["a"], result.options["b"]
    gap = a["value"]["mean"] - b["value"]["mean"]  # 60 in value; NPV would say -60
    (s,) = [s for s in result.verdict if "runner-up" in s]
    assert s.startswith(f"It is the best option in {pct(a['p_best'])} of {N:,} simulated")
    assert f"sampling error ± {pct(a['mcse']['p_best'], 1)})" in s
    assert s.endswith(f"the runner-up, b, is best in {pct(b['p_best'])} and trails by "
                      f"{money(gap)} on average.")
    se = math.hypot(a["mcse"]["value_mean"], b["mcse"]["value_mean"])
    assert gap == pytest.approx(60, abs=4 * se)


def test_the_cash_sentence_quotes_npv_of_the_cash_leader_then_the_value_leader(result) -> None:
    a, b = result.options["a"], result.options["b"]
    (s,) = [s for s in result.verdict if s.startswith("On cash alone")]
    assert s == (f"On cash alone b is ahead ({money(b['npv']['mean'])} against "
                 f"{money(a['npv']['mean'])} in today's money): a leads because of what you "
                 "said you value.")
    assert money(b["npv"]["mean"]) != money(b["value"]["mean"])
