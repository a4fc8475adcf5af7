"""Companies, equity and promotions on paths whose numbers can be worked out by hand.

Vesting timing (docs/simulation.md): a grant made in year s pays ``schedule[j]`` of it in
year s + j; a 4-year grant with a 1-year cliff vests a quarter in each of its first four
years. An exit in year E pays what vested up to E, times the multiple.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossroads
from crossroads.errors import DecisionError
from crossroads.simulate.paths import simulate
from crossroads.simulate.sampling import Streams, draw
from tests.conftest import decision_text


def outcomes_of(text: str, n: int = 1000, seed: int = 1):
    model = crossroads.load(text)
    return model, simulate(model, draw(model, n, Streams(seed)))


def startup(fate: str, *, horizon: int = 6, refresh: str = "", head: str = "") -> str:
    """One option: `lead` at company `s` with the given fate; `gap` between jobs."""
    return decision_text(f"""
    a:
      companies:
        s: {{{fate}}}
      roles:
        lead: {{company: s, cash: 0, equity: {{grant: 400, vest_years: 4, cliff: 1{refresh}}},
               {head}}}
        head: {{company: s, cash: 0}}
        gap: {{cash: 0, next: [{{to: lead, after: 1}}]}}
    """, horizon=horizon)


def test_a_startup_that_fails_in_year_one_pays_no_equity_ever() -> None:
    # it fails at the end of year 1, before its exit in year 3: nothing vested is paid,
    # and the draw is between jobs in year 2, then back (a new employment) in year 3
    text = startup("fails: 'where(year == 1, 1, 0)', on_failure: gap, exit: 1, exit_after: 3,"
                   " multiple: 2")
    _, out = outcomes_of(text, n=10)
    assert out.roles[0, 0].tolist() == [0, 0, 2, 0, 0, 0]
    # the first employment's 200 vested is gone; the new one (joined in year 3) exits in
    # year 6, beyond the horizon
    assert out.equity[0].sum() == 0.0


def test_an_exit_in_year_three_after_a_one_year_cliff_pays_vested_times_multiple() -> None:
    _, out = outcomes_of(startup("exit: 1, exit_after: 3, multiple: 2.5"), n=10)
    # years 0-2 vest 100 each into the pool; year 3 pays (300 + 100) x 2.5
    assert out.equity[0, 0].tolist() == [0.0, 0.0, 0.0, 1000.0, 0.0, 0.0]


@pytest.mark.parametrize(("rule", "cash"), [
    ("keep", [0.0, 0.0, 600.0, 200.0, 0.0, 0.0]),        # 3 x 100 x 2, then 100 x 2
    ("accelerate", [0.0, 0.0, 800.0, 0.0, 0.0, 0.0]),    # all 400 x 2 at the exit
    ("forfeit", [0.0, 0.0, 600.0, 0.0, 0.0, 0.0]),       # the last 100 is lost
])
def test_unvested_shares_at_an_exit_follow_the_declared_rule(rule: str,
                                                             cash: list[float]) -> None:
    _, out = outcomes_of(startup(f"exit: 1, exit_after: 2, multiple: 2, unvested: {rule}"),
                         n=10)
    assert out.equity[0, 0].tolist() == cash


def test_failure_and_exit_are_exclusive_with_the_competing_risks_closed_form() -> None:
    # exit chance p in year 3 unless a yearly failure h comes first (ends of years 0, 1, 2)
    p, h, n = 0.6, 0.2, 100_000
    text = startup(f"fails: {h}, on_failure: gap, exit: {p}, exit_after: 3, multiple: 1",
                   horizon=4)
    _, out = outcomes_of(text, n=n)
    paid = out.equity[0, :, 3] > 0
    failed = (out.roles[0] == 2).any(axis=1)
    assert not np.any(paid & failed)  # never both
    expected = p * (1 - h) ** 3
    assert paid.mean() == pytest.approx(expected, abs=4 * np.sqrt(expected * (1 - expected) / n))
    assert np.all(out.equity[0, paid, 3] == 400.0)


def test_promotion_inside_a_company_keeps_vesting() -> None:
    text = startup("shares: public", head="next: [{to: head, after: 1}]")
    _, out = outcomes_of(text, n=10)
    assert out.roles[0, 0].tolist() == [0, 1, 1, 1, 1, 1]
    assert out.equity[0, 0].tolist() == [100.0, 100.0, 100.0, 100.0, 0.0, 0.0]


def test_leaving_the_company_forfeits_unvested_shares() -> None:
    body = """
    a:
      companies: {s: {shares: public}}
      roles:
        lead: {company: s, cash: 0, equity: {grant: 400, vest_years: 4},
               next: [{to: other, after: 2}]}
        other: {cash: 0}
    """
    _, out = outcomes_of(decision_text(body, horizon=5), n=10)
    assert out.equity[0, 0].tolist() == [100.0, 100.0, 0.0, 0.0, 0.0]


def test_leaving_a_private_company_forfeits_vested_options() -> None:
    body = """
    a:
      companies: {s: {exit: 1, exit_after: 3}}
      roles:
        lead: {company: s, cash: 0, equity: {grant: 400, vest_years: 4},
               next: [{to: other, after: 2}]}
        other: {cash: 0}
    """
    _, out = outcomes_of(decision_text(body, horizon=5), n=10)
    assert out.equity[0].sum() == 0.0  # 200 vested, never exercised: lost at the move


def test_a_promotion_grant_adds_to_the_first() -> None:
    body = """
    a:
      companies: {s: {shares: public, multiple: 2}}
      roles:
        lead: {company: s, cash: 0, equity: {grant: 400, vest_years: 4},
               next: [{to: head, after: 2}]}
        head: {company: s, cash: 0, equity: {grant: 80, vest_years: 2}}
    """
    _, out = outcomes_of(decision_text(body, horizon=5), n=10)
    # 100 a year from year 0 to 3; 40 a year in years 2 and 3; all times 2
    assert out.equity[0, 0].tolist() == [200.0, 200.0, 280.0, 280.0, 0.0]


def test_joining_again_after_a_failure_is_a_new_grant_with_a_new_fate() -> None:
    # the first employment fails at the end of year 0 (its exit in year 1 never comes);
    # joined again in year 2, the new one exits in year 3 with its own grant only
    text = startup("fails: 'where(year == 0, 1, 0)', on_failure: gap, exit: 1, "
                   "exit_after: 1, multiple: 2")
    _, out = outcomes_of(text, n=10)
    assert out.roles[0, 0].tolist() == [0, 2, 0, 0, 0, 0]
    assert out.equity[0, 0].tolist() == [0.0, 0.0, 0.0, 400.0, 200.0, 200.0]


def test_each_employment_draws_its_own_exit() -> None:
    # fails at the end of the first year of each employment while year < 3, so draws are
    # in `lead` in years 0 and 2 (two employments); each exits in its first year with 50%
    text = startup("fails: 'where(year < 3, 1, 0)', on_failure: gap, exit: 50%, "
                   "exit_after: 0, multiple: 1", horizon=3)
    n = 100_000
    _, out = outcomes_of(text, n=n)
    first = out.equity[0, :, 0] > 0
    second = out.equity[0, :, 2] > 0
    # an exit in year 0 means no failure, so the second employment exists only without it
    again = ~first & (out.roles[0, :, 2] == 0)
    assert again.mean() == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / n))
    share = second[again].mean()
    m = again.sum()
    assert share == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / m))  # not tied to the first


def test_refresh_grants_vest_on_their_own_schedule() -> None:
    # 400 over 4 years from year 0, and 40 at the start of each year in the role after the
    # first, each vesting 10 a year for 4 years
    text = startup("shares: public", refresh=", refresh: 40")
    _, out = outcomes_of(text, n=10)
    assert out.equity[0, 0].tolist() == [100.0, 110.0, 120.0, 130.0, 40.0, 40.0]


def test_a_refresh_schedule_of_its_own() -> None:
    text = startup("shares: public", refresh=", refresh: 40, refresh_schedule: [50%, 50%]")
    _, out = outcomes_of(text, n=10)
    assert out.equity[0, 0].tolist() == [100.0, 120.0, 140.0, 140.0, 40.0, 40.0]


@pytest.mark.parametrize(("after", "p"), [(1, 0.3), (2, 0.3), (3, 0.15)])
def test_a_retrying_promotion_has_the_closed_form(after: int, p: float) -> None:
    """P(promoted by the end of tenure year k) = 1 - (1 - p)^(k - T + 1) for k >= T."""
    body = f"""
    a:
      roles:
        x: {{cash: 0, next: [{{to: y, after: {after}, per_year: {p}}}]}}
        y: {{cash: 1}}
    """
    n, horizon = 100_000, 8
    _, out = outcomes_of(decision_text(body, horizon=horizon), n=n)
    for k in range(1, horizon):
        # promoted by the end of tenure year k = in `y` in year index k
        expected = 1 - (1 - p) ** (k - after + 1) if k >= after else 0.0
        got = (out.roles[0, :, k] == 1).mean()
        assert got == pytest.approx(expected,
                                    abs=4 * np.sqrt(expected * (1 - expected) / n) + 1e-12)


@pytest.mark.parametrize(("fate", "message"), [
    ("fails: 10%, on_failure: head", "works at `s` itself"),
    ("fails: 10%, on_failure: nowhere", "unknown role `nowhere`"),
])
def test_bad_failure_targets_are_located_errors(fate: str, message: str) -> None:
    with pytest.raises(DecisionError, match=message):
        crossroads.load(startup(fate))


@pytest.mark.parametrize(("body", "message"), [
    ("a: {roles: {r: {cash: 1, equity: {grant: 1}}}}", "company `r` has no fate"),
    ("a: {roles: {r: {cash: 1, equity: {grant: 1, liquidity: 1}}}}", "`liquidity` moved"),
    ("a: {companies: {acme: {exit: 1}}, roles: {r: {cash: 1}}}", "no role of `a` works at"),
    ("a: {roles: {r: {cash: 1, next: [{to: r, per_year: 1, chance: 1}]}}}",
     "`chance` is for a one-shot"),
    ("a: {companies: {s: {shares: public, exit: 1}}, roles: {r: {company: s}}}",
     "a public company has no exit"),
    ("a: {companies: {s: {fails: 1}}, roles: {r: {company: s}}}", "go together"),
])
def test_company_mistakes_are_located_errors(body: str, message: str) -> None:
    with pytest.raises(DecisionError, match=message) as got:
        crossroads.load(decision_text(body))
    assert got.value.line > 1


def test_a_worth_is_per_point_of_better() -> None:
    """With `better: lower`, a point more costs the worth: value = NPV - worth x points."""
    text = decision_text("""
    calm: {roles: {r: {cash: 0, criteria: {stress: 2}}}}
    tense: {roles: {r: {cash: 0, criteria: {stress: 5}}}}
    """, extra="criteria:\n  stress: {worth: 1000, better: lower}\n")
    result = crossroads.run(crossroads.load(text), samples=10).to_dict()
    assert result["options"]["calm"]["value"]["mean"] == -3 * 2 * 1000.0
    assert result["options"]["tense"]["value"]["mean"] == -3 * 5 * 1000.0


@pytest.mark.parametrize("worth", ["-1000", "-2000 to 3000"])
def test_a_negative_worth_is_refused_with_the_direction_hint(worth: str) -> None:
    text = decision_text("a: {roles: {r: {cash: 0, criteria: {stress: 2}}}}",
                         extra=f"criteria:\n  stress: {{worth: {worth}, better: lower}}\n")
    with pytest.raises(DecisionError, match="cannot be negative") as got:
        crossroads.load(text)
    assert "a point less of `stress`" in str(got.value)
    assert got.value.line == 7


def test_a_same_as_role_shares_its_companys_fate() -> None:
    """`same_as` shares a role's numbers, and with them its company's fate (one employer)."""
    body = """
    a:
      companies: {s: {exit: 50%, multiple: 2}}
      roles: {r: {company: s, cash: 0, equity: {grant: 400, vest_years: 4}}}
    b:
      companies: {t: {exit: 50%, multiple: 2}}
      roles: {r: {company: t, same_as: a.r, cash: 0, equity: {grant: 400, vest_years: 4}}}
    c:
      companies: {s: {exit: 50%, multiple: 2}}
      roles: {r: {company: s, cash: 0, equity: {grant: 400, vest_years: 4}}}
    """
    _, out = outcomes_of(decision_text(body, horizon=6), n=2000)
    assert np.array_equal(out.equity[0], out.equity[1])
    assert not np.array_equal(out.equity[0], out.equity[2])  # another option: its own fate


def test_the_founding_case_startups_fail_or_exit_and_head_of_ml_keeps_the_grant() -> None:
    from tests.conftest import EXAMPLES

    model = crossroads.load(EXAMPLES / "why-i-quit-data-science.yaml")
    out = simulate(model, draw(model, 20_000, Streams(model.seed)))
    ids = [r.id for r in model.options[0].roles]
    lead, head, gap = ids.index("lead"), ids.index("head_of_ml"), ids.index("between_jobs")
    roles, equity = out.roles[0], out.equity[0]
    paid_in_spell = np.zeros(out.n, dtype=bool)
    for t in range(model.horizon):
        at_startup = np.isin(roles[:, t], (lead, head))
        paid_in_spell = np.where(at_startup, paid_in_spell | (equity[:, t] > 0), False)
        if t + 1 < model.horizon:
            failed = at_startup & (roles[:, t + 1] == gap)
            assert not np.any(failed & paid_in_spell)  # an employment that paid never fails
    # the lead's grant pays on after the promotion (Head of ML has no grant of its own)
    assert np.any((roles == head) & (equity > 0))
    assert model.options[0].roles[head].equity is None
