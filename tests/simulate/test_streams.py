"""Honest randomness: what options share (params, `same_as`) and what they do not.

Every number an option writes inline, and every event it has, is keyed by the option,
role, field and a move's target (docs/simulation.md, "Random numbers"), so names and the
order of moves change nothing beyond sampling error, and two options only share what the
file says they share.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML
from scipy import integrate, stats

import crossroads
from crossroads.analysis.voi import evpi
from crossroads.engine.collect import collect
from crossroads.estimate.expr import compile_estimate
from crossroads.model.fields import move_field, stream_key
from tests.conftest import EXAMPLES, decision_text

TWO_RAISES = decision_text("""
a: {roles: {job: {cash: 100k, raise: 2% to 6%}}}
b: {roles: {job: {cash: 100k, raise: 0% to 12%}}}
""", horizon=10)


def test_keys_name_the_option_the_role_the_field_and_a_moves_target() -> None:
    model = crossroads.load(decision_text("""
    a:
      roles:
        r: {cash: 1 to 2, next: [{to: s, after: 1 to 3}, {to: s, per_year: 10%}]}
        s: {cash: 3}
    """))
    role = model.options[0].roles[0]
    assert role.cash.key == stream_key("a", "r", "cash") == "opt.a.role.r.cash"
    assert [m.key for m in role.next] == ["opt.a.role.r.move->s", "opt.a.role.r.move->s.2"]
    assert role.next[0].after is not None
    assert role.next[0].after.key == f"opt.a.role.r.{move_field('s')}.after"


def test_same_named_roles_with_different_estimates_are_independent() -> None:
    got = collect(crossroads.load(TWO_RAISES), 100_000)
    rho = stats.spearmanr(got.npv[0], got.npv[1]).statistic
    assert abs(rho) < 0.02


def test_two_raises_give_the_independent_p_best() -> None:
    """P(b best) = P(raise_b > raise_a) for independent raises, by quadrature."""
    a = compile_estimate("2% to 6%").as_dist()
    b = compile_estimate("0% to 12%").as_dist()
    assert a is not None and b is not None
    lo, hi = float(a.ppf(np.array([1e-12]))[0]), float(a.ppf(np.array([1 - 1e-12]))[0])
    xs = np.linspace(lo, hi, 20_001)
    cdf_a = a.cdf(xs)
    # P(b > a) = integral (1 - F_b(x)) dF_a(x)
    exact = float(integrate.trapezoid(1.0 - b.cdf(xs), cdf_a))
    result = crossroads.run(crossroads.load(TWO_RAISES), samples=100_000).to_dict()
    assert result["options"]["b"]["p_best"] == pytest.approx(exact, abs=0.01)
    assert exact == pytest.approx(0.73, abs=0.01)  # the independent simulation


def test_a_shared_param_gives_identical_draws_and_inline_options_differ_by_noise() -> None:
    body = """
    a: {roles: {r: {cash: 50k to 90k, raise: g, next: [{to: q, per_year: 20%}]},
                q: {cash: previous * (1 to 2)}}}
    b: {roles: {r: {cash: 50k to 90k, raise: g, next: [{to: q, per_year: 20%}]},
                q: {cash: previous * (1 to 2)}}}
    c: {roles: {r: {cash: base, raise: g}}}
    d: {roles: {r: {cash: base, raise: g}}}
    """
    text = decision_text(body, horizon=6, extra="params: {g: 1% to 5%, base: 60k to 80k}\n")
    got = collect(crossroads.load(text), 20_000)
    assert np.array_equal(got.npv[2], got.npv[3])          # only shared params: exactly 0
    assert np.ptp(got.npv[2]) > 0
    diff = got.npv[0] - got.npv[1]                          # two independent employers
    assert not np.array_equal(got.npv[0], got.npv[1])
    assert abs(diff.mean()) < 4 * diff.std() / np.sqrt(diff.size)
    assert diff.std() == pytest.approx(np.sqrt(2) * got.npv[0].std(), rel=0.1)


def test_reordering_moves_that_cannot_fire_together_changes_nothing() -> None:
    moves = ["{to: b, after: 2, chance: 50%}", "{to: c, after: 4, chance: 20% to 60%}"]
    texts = [decision_text(f"""
    x: {{roles: {{a: {{cash: 10 to 20, next: [{order}]}}, b: {{cash: previous * 2}},
                  c: {{cash: previous * 3}}}}}}
    y: {{roles: {{a: {{cash: 15}}}}}}
    """, horizon=6) for order in (", ".join(moves), ", ".join(reversed(moves)))]
    first, second = (crossroads.run(crossroads.load(t), samples=5000).to_dict() for t in texts)
    assert first == second


def _renamed(data: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The decision with every option and role id renamed, and every reference to them.

    Inside an option, any string that is exactly one of its role ids (``to:``, ``start:``,
    a company's ``on_failure:``) names that role; ``same_as`` names an option and a role.
    """
    def follow(node: object, roles: set[str]) -> object:
        if isinstance(node, dict):
            return {k: follow(v, roles) for k, v in node.items()}
        if isinstance(node, list):
            return [follow(v, roles) for v in node]
        return node + suffix if isinstance(node, str) and node in roles else node

    options = {}
    for oid, opt in data["options"].items():
        roles = set(opt["roles"])
        renamed = follow({k: v for k, v in opt.items() if k != "roles"}, roles)
        assert isinstance(renamed, dict)
        renamed["roles"] = {}
        for rid, role in opt["roles"].items():
            role = follow(role, roles)
            assert isinstance(role, dict)
            if "same_as" in role:
                o, r = role["same_as"].split(".")
                role["same_as"] = f"{o}{suffix}.{r}{suffix}"
            renamed["roles"][rid + suffix] = role
        options[oid + suffix] = renamed
    out = {**data, "options": options}
    if "baseline" in data:
        out["baseline"] = data["baseline"] + suffix
    return out


@pytest.mark.parametrize("name", ["why-i-quit-data-science", "two-offers", "grad-school"])
def test_renaming_every_id_changes_nothing_beyond_sampling_error(name: str) -> None:
    data = YAML(typ="safe").load((EXAMPLES / f"{name}.yaml").read_text())
    n = 100_000
    before = collect(crossroads.load(json.dumps(data)), n)   # JSON is YAML
    after = collect(crossroads.load(json.dumps(_renamed(data, "_x"))), n)
    for i in range(before.value.shape[0]):
        p0 = (before.value.argmax(axis=0) == i).mean()
        p1 = (after.value.argmax(axis=0) == i).mean()
        assert p1 == pytest.approx(p0, abs=0.01)
    se = float(np.hypot(_evpi_se(before.value), _evpi_se(after.value)))
    assert evpi(after.value) == pytest.approx(evpi(before.value), abs=4 * se)


def _evpi_se(values: np.ndarray) -> float:
    """Standard error of EVPI = mean(max_a V) - mean(V_best): that of their per-draw gap."""
    best = int(values.mean(axis=1).argmax())
    gap = values.max(axis=0) - values[best]
    return float(gap.std(ddof=1) / np.sqrt(gap.size))


def test_same_as_shares_a_roles_numbers_visibly() -> None:
    text = decision_text("""
    a: {roles: {r: {cash: 50k to 90k, raise: 1% to 5%}}}
    b: {roles: {r: {same_as: a.r, cash: 40k to 80k, raise: 1% to 5%}}}
    """)
    model = crossroads.load(text)
    assert model.options[1].roles[0].keyed_by == ("a", "r")
    got = collect(model, 5000)
    assert stats.spearmanr(got.npv[0], got.npv[1]).statistic > 0.999  # comonotone


@pytest.mark.parametrize(("same_as", "message"), [
    ("b.r", r"<string>:\d+:\d+: unknown option `b` in `same_as` \(other options: a, d\)"),
    ("a.q", "unknown role `q` in option `a`"),
    ("c.r", "a role can only share another option's role"),
    ("d.r", "`d.r` is itself `same_as` `a.r`"),
])
def test_same_as_that_names_nothing_is_a_located_error(same_as: str, message: str) -> None:
    text = decision_text(f"""
    a: {{roles: {{r: {{cash: 1}}}}}}
    d: {{roles: {{r: {{same_as: a.r, cash: 1}}}}}}
    c: {{roles: {{r: {{same_as: {same_as}, cash: 1}}}}}}
    """)
    with pytest.raises(crossroads.DecisionError, match=message):
        crossroads.load(text)


def test_check_prints_what_options_share(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crossroads.cli import app

    text = decision_text("""
    a: {roles: {r: {cash: base * 1.1, raise: g}}}
    b: {roles: {r: {same_as: a.r, cash: 40k to 80k}, q: {cash: derived}}}
    c: {roles: {r: {cash: 1 to 2}}}
    """, extra="params: {base: 50k to 60k, g: 1% to 2%, derived: base * 2, h: 1 to 2}\n"
               "correlations: [[g, h, 0.5]]\n")
    path = tmp_path / "d.yaml"
    path.write_text(text)
    out = CliRunner().invoke(app, ["check", str(path)]).output
    assert "param `base` is one draw shared by a, b" in out   # b through `derived`
    assert "param `g` is" not in out                          # a alone
    assert "params `g` and `h` are correlated (Spearman 0.5)" in out
    assert "role `b.r` is same_as `a.r`" in out
    assert "everything else written in an option is drawn for it alone" in out


def test_the_worked_example_of_same_as_in_decision_file_md() -> None:
    """docs/decision-file.md: one quantile of both raises gives P(b best) = 0.83, by
    quadrature over the shared standard normal."""
    text = TWO_RAISES.replace("b: {roles: {job: {", "b: {roles: {job: {same_as: a.job, ")
    a = compile_estimate("2% to 6%").as_dist()
    b = compile_estimate("0% to 12%").as_dist()
    assert a is not None and b is not None
    z = np.linspace(-8.0, 8.0, 160_001)
    wins = b.ppf(stats.norm.cdf(z)) > a.ppf(stats.norm.cdf(z))
    exact = float(integrate.trapezoid(stats.norm.pdf(z) * wins, z))
    result = crossroads.run(crossroads.load(text), samples=100_000).to_dict()
    assert result["options"]["b"]["p_best"] == pytest.approx(exact, abs=0.01)
    assert exact == pytest.approx(0.83, abs=0.005)
