"""The estimate compiler: values, ranges, random nodes, shapes, names and error offsets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crossroads.estimate.dists import (
    Bernoulli,
    Beta,
    Constant,
    LogNormal,
    Mixture,
    Normal,
    Pert,
    Triangular,
    Uniform,
    fit_range,
)
from crossroads.estimate.expr import (
    FUNCTIONS,
    MAX_LENGTH,
    Compiled,
    ExprError,
    RandomNode,
    compile_estimate,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("160k", 160_000.0),
    ("1.2M", 1_200_000.0),
    ("100_000", 100_000.0),
    ("1_000k", 1_000_000.0),
    ("1.5K", 1500.0),
    ("5%", 0.05),
    ("2.5%", 0.025),
    ("-10%", -0.1),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("2 ** 3", 8.0),
    ("-2 ** 2", -4.0),
    ("2 ** -1", 0.5),
    ("(1 + 2) * 3", 9.0),
    ("1 + 2 * 3", 7.0),
    ("10 / 4", 2.5),
    ("7 - 2 - 1", 4.0),
    ("+3", 3.0),
    ("min(1, 2, 0.5)", 0.5),
    ("max(1, 2, 0.5)", 2.0),
    ("min(4)", 4.0),
    ("clip(5, 0, 3)", 3.0),
    ("clip(-1, 0, 3)", 0.0),
    ("where(1 > 0, 2, 3)", 2.0),
    ("where(0, 2, 3)", 3.0),
    ("abs(-2)", 2.0),
    ("exp(0)", 1.0),
    ("log(1)", 0.0),
    ("sqrt(16)", 4.0),
    ("sin(0)", 0.0),
    ("cos(0)", 1.0),
    ("1 < 2", 1.0),
    ("2 <= 1", 0.0),
    ("3 == 3", 1.0),
    ("3 != 3", 0.0),
    ("3 >= 3", 1.0),
    ("1 < 2 < 3", 1.0),
    ("3 > 2 > 2", 0.0),
    ("5 to 5", 5.0),
    ("  1\n +\t2 ", 3.0),
    ("40k * 3", 120_000.0),
])
def test_constant_values(text: str, expected: float) -> None:
    c = compile_estimate(text)
    assert c.is_constant
    assert c.evaluate({}, []) == expected
    assert c.as_dist() == Constant(expected)


@pytest.mark.parametrize(("value", "expected"), [(160000, 160000.0), (0.5, 0.5), (-3, -3.0),
                                                 (1e-7, 1e-7), (2.5e20, 2.5e20)])
def test_plain_numbers(value: float, expected: float) -> None:
    assert compile_estimate(value).as_dist() == Constant(expected)


@pytest.mark.parametrize("value", [True, None, float("nan"), float("inf"), [1]])
def test_plain_non_numbers_are_rejected(value) -> None:
    with pytest.raises(ExprError):
        compile_estimate(value)


def test_names_from_env() -> None:
    c = compile_estimate("x * 2")
    assert c.names == frozenset({"x"})
    assert not c.is_constant and c.as_dist() is None
    assert c.evaluate({"x": 3.0}, []) == 6.0
    np.testing.assert_array_equal(c.evaluate({"x": np.array([1.0, 2.0])}, []), [2.0, 4.0])


def test_missing_env_name() -> None:
    with pytest.raises(ExprError, match="no value given for `y`") as e:
        compile_estimate("x + y").evaluate({"x": 1.0}, [])
    assert e.value.offset == 4


@pytest.mark.parametrize(("text", "probability", "expected"), [
    ("3 to 4", False, fit_range(3, 4, probability=False)),
    ("30% to 50%", False, fit_range(0.3, 0.5, probability=False)),
    ("30% to 50%", True, fit_range(0.3, 0.5, probability=True)),
    ("100k to 150k", False, LogNormal.from_interval(100e3, 150e3)),
    ("-10 to 10", False, fit_range(-10, 10, probability=False)),
    ("-2% to 2%", False, fit_range(-0.02, 0.02, probability=False)),
    ("2 * 3 to 10 - 1", False, fit_range(6, 9, probability=False)),
])
def test_ranges(text: str, probability: bool, expected) -> None:
    c = compile_estimate(text, probability=probability)
    assert c.as_dist() == expected
    (node,) = c.random_nodes
    assert (node.index, node.call, node.each_year, node.offset) == (0, "to", False, 0)


def test_probability_range_is_a_beta() -> None:
    assert isinstance(compile_estimate("30% to 50%", probability=True).as_dist(), Beta)


def test_range_inside_arithmetic() -> None:
    c = compile_estimate("(3 to 4) * 1000")
    assert c.as_dist() is None and len(c.random_nodes) == 1
    assert c.random_nodes[0].offset == 1
    assert c.evaluate({}, [np.array([0.5])])[0] == pytest.approx(1000 * math.sqrt(12))


@pytest.mark.parametrize(("text", "expected"), [
    ("normal(10, 2)", Normal(10, 2)),
    ("normal(mean=10, sd=2)", Normal(10, 2)),
    ("normal(10, sd=2)", Normal(10, 2)),
    ("lognormal(1, 0.5)", LogNormal(1, 0.5)),
    ("uniform(0, 10k)", Uniform(0, 10_000)),
    ("beta(2, 6)", Beta(2, 6)),
    ("triangular(0, 3, 6)", Triangular(0, 3, 6)),
    ("pert(5, 8, 9)", Pert(5, 8, 9)),
    ("pert(5, 4 * 2, 3 ** 2)", Pert(5, 8, 9)),
    ("bernoulli(30%)", Bernoulli(0.3)),
    ("mixture(normal(0, 1), 3 to 4, weights=[1, 3])",
     Mixture((Normal(0, 1), fit_range(3, 4, probability=False)), (0.25, 0.75))),
    ("mixture(normal(0, 1), pert(1, 2, 3))", Mixture((Normal(0, 1), Pert(1, 2, 3)))),
    ("mixture(0, 100k to 200k, weights=[30%, 70%])",
     Mixture((Constant(0), LogNormal.from_interval(1e5, 2e5)), (0.3, 0.7))),
    ("mixture(mixture(beta(1, 2), beta(2, 1)), uniform(0, 1))",
     Mixture((Mixture((Beta(1, 2), Beta(2, 1))), Uniform(0, 1)))),
])
def test_distribution_calls(text: str, expected) -> None:
    c = compile_estimate(text)
    assert c.as_dist() == expected
    assert c.random_nodes[0].call == text.split("(")[0]
    u = np.array([0.1, 0.5, 0.9])
    np.testing.assert_array_equal(c.evaluate({}, [u]), expected.ppf(u))


def test_random_nodes_in_source_order() -> None:
    text = "normal(0, 1) + uniform(0, 1) * (3 to 4) - x"
    c = compile_estimate(text)
    assert [n.call for n in c.random_nodes] == ["normal", "uniform", "to"]
    assert [n.index for n in c.random_nodes] == [0, 1, 2]
    assert [n.offset for n in c.random_nodes] == [0, 15, 32]
    u = [np.array([0.5]), np.array([0.25]), np.array([0.5])]
    assert c.evaluate({"x": 1.0}, u)[0] == pytest.approx(0.25 * math.sqrt(12) - 1.0)


def test_each_call_is_its_own_node() -> None:
    c = compile_estimate("normal(0, 1) - normal(0, 1)")
    assert len(c.random_nodes) == 2
    assert c.evaluate({}, [np.array([0.9]), np.array([0.9])])[0] == 0.0


def test_each_year_shapes() -> None:
    n, horizon = 5, 4
    c = compile_estimate("x * (1 + each_year(-2% to 2%))")
    (node,) = c.random_nodes
    assert node.each_year and node.call == "to"
    out = c.evaluate({"x": np.arange(n, dtype=float)}, [np.full((n, horizon), 0.5)])
    assert out.shape == (n, horizon)
    np.testing.assert_allclose(out, np.arange(n, dtype=float)[:, None] * np.ones(horizon))


def test_each_year_marks_only_what_is_inside() -> None:
    c = compile_estimate("normal(0, 1) + each_year(uniform(0, 1) * pert(1, 2, 3))")
    assert [n.each_year for n in c.random_nodes] == [False, True, True]


@pytest.mark.parametrize(("env", "shape"), [
    ({"x": 2.0, "y": 3.0}, ()),
    ({"x": np.ones(6), "y": 3.0}, (6,)),
    ({"x": np.ones(6), "y": np.ones((6, 4))}, (6, 4)),
    ({"x": np.ones((6, 4)), "y": np.ones(6)}, (6, 4)),
    ({"x": np.ones((6, 4)), "y": np.ones((6, 4))}, (6, 4)),
])
def test_broadcasting(env, shape) -> None:
    for text in ("x * y", "min(x, y, 1)", "where(x > 0, y, x)", "clip(x, 0, y)", "x < y"):
        assert np.shape(compile_estimate(text).evaluate(env, [])) == shape


def test_previous_times_yearly_noise() -> None:
    c = compile_estimate("previous * 1.3 + each_year(normal(0, 1))")
    out = c.evaluate({"previous": np.full(3, 10.0)}, [np.full((3, 2), 0.5)])
    np.testing.assert_allclose(out, np.full((3, 2), 13.0))


def test_scalar_result_is_a_float() -> None:
    out = compile_estimate("x + 1").evaluate({"x": 1.0}, [])
    assert type(out) is float


def test_runtime_ieee_without_warnings() -> None:
    out = compile_estimate("log(x) + 1 / y").evaluate({"x": np.array([-1.0, 1.0]),
                                                       "y": np.array([1.0, 0.0])}, [])
    assert math.isnan(out[0]) and math.isinf(out[1])


def test_uniform_count_must_match() -> None:
    with pytest.raises(ValueError, match="has 2 random nodes, got 1"):
        compile_estimate("normal(0, 1) + (1 to 2)").evaluate({}, [np.array([0.5])])


def test_skills_and_intersection_are_names() -> None:
    c = compile_estimate("skill(ml) * 2 + skill('platform') + intersection()")
    assert c.names == frozenset({"skill:ml", "skill:platform", "intersection"})
    env = {"skill:ml": 0.5, "skill:platform": 0.25, "intersection": 0.125}
    assert c.evaluate(env, []) == 1.375


def test_research_node() -> None:
    c = compile_estimate("research(half_life_ml, market=US, stage='Series B')")
    (node,) = c.random_nodes
    assert node == RandomNode(0, "research", None, False, ("half_life_ml",),
                              {"market": "US", "stage": "Series B"}, 0)
    assert c.as_dist() is None and c.names == frozenset()
    with pytest.raises(ExprError, match="no distribution yet"):
        c.evaluate({}, [np.array([0.5])])
    resolved = c.with_resolved(lambda n: Normal(float(len(n.args[0])), 1.0))
    assert resolved.as_dist() == Normal(12.0, 1.0)
    assert resolved.evaluate({}, [np.array([0.5])])[0] == 12.0
    assert c.random_nodes[0].dist is None  # the original is unchanged


def test_market_node_inside_each_year() -> None:
    c = compile_estimate('1.1 * each_year(market(title="Data Scientist", level=SE, '
                         'country=US, since=2022))')
    (node,) = c.random_nodes
    assert (node.call, node.each_year, node.args, node.offset) == ("market", True, (), 16)
    assert dict(node.kwargs) == {"title": "Data Scientist", "level": "SE", "country": "US",
                                 "since": 2022.0}


def test_with_resolved_only_touches_unresolved_nodes() -> None:
    seen: list[str] = []
    c = compile_estimate("normal(0, 1) + research(x) + market(country=DE)")

    def resolve(node: RandomNode):
        seen.append(node.call)
        return Constant(1.0)

    r = c.with_resolved(resolve)
    assert seen == ["research", "market"]
    assert [n.dist for n in r.random_nodes] == [Normal(0, 1), Constant(1.0), Constant(1.0)]
    assert isinstance(r, Compiled) and r.source == c.source


def test_known_names() -> None:
    known = {"cash_now", "previous", "skill:ml", "intersection"}
    c = compile_estimate("cash_now * skill(ml) + intersection()", known_names=known)
    assert c.names == frozenset({"cash_now", "skill:ml", "intersection"})


@pytest.mark.parametrize(("text", "offset", "message", "hint"), [
    ("2 * cash_nw", 4, "unknown name `cash_nw`", "did you mean `cash_now`?"),
    ("skill(mll)", 0, "unknown skill `mll`", "did you mean `skill(ml)`?"),
    ("zzz", 0, "unknown name `zzz`", None),
    ("intersection()", 0, "unknown name `intersection`", None),
])
def test_unknown_names(text: str, offset: int, message: str, hint: str | None) -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate(text, known_names={"cash_now", "skill:ml"})
    assert (e.value.offset, e.value.message, e.value.hint) == (offset, message, hint)


def test_unknown_function_names_the_allowed_ones() -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate("1 + nrmal(1, 2)")
    assert e.value.offset == 4
    assert e.value.hint == "did you mean `normal`?"
    assert all(f in e.value.message for f in FUNCTIONS)


def test_probability_context() -> None:
    assert compile_estimate("40%", probability=True).as_dist() == Constant(0.4)
    assert compile_estimate("0", probability=True).as_dist() == Constant(0.0)
    for text in ("150%", "-1%", "2", "30% to 150%"):
        with pytest.raises(ExprError, match="probability must be between 0% and 100%"):
            compile_estimate(text, probability=True)


@pytest.mark.parametrize(("text", "offset", "message"), [
    ("1 + foo(2)", 4, "unknown function `foo`"),
    ("x.y", 1, "attribute access"),
    ("().__class__", 2, "attribute access"),
    ("x[0]", 1, "indexing"),
    ("2 % 3", 2, "percent sign"),
    ("2 // 3", 2, "operator `/` is not supported"),
    ("1 to 2 to 3", 7, "only one `to`"),
    ("160kg", 4, "unexpected `g` after the number `160k`"),
    ("0x10", 1, "unexpected `x`"),
    ("1__0", 1, "unexpected `_`"),
    ("1.2.3", 3, "unexpected `.`"),
    ("normal(0, -1)", 0, "sd must be > 0, got -1"),
    ("1 + pert(3, 1, 2)", 4, "pert needs lo <= mode <= hi"),
    ("beta(0, 1)", 0, "beta parameters must be > 0"),
    ("5 to 3", 0, "range is reversed"),
    ("1 +", 3, "ends unexpectedly"),
    ("(1", 0, "'(' was never closed"),
    ("1 2", 2, "unexpected `2`"),
    ("a or b", 2, "`or` is not part of the estimate language"),
    ("a and b", 2, "`and` is not supported"),
    ("not a", 0, "`not` is not supported"),
    ("x + 1 to 2", 0, "the bounds of `a to b` must be numbers"),
    ("normal(x, 1)", 7, "must be numbers"),
    ("normal(1, 2, 3)", 0, "normal takes 2 arguments (mean, sd), got 3"),
    ("normal(1, mean=2)", 10, "got `mean` twice"),
    ("normal(1, sigma=2)", 10, "takes no argument `sigma=`"),
    ("log(0)", 0, "infinity or an undefined number"),
    ("1 / (2 - 2)", 2, "infinity or an undefined number"),
    ("10**10**10", 2, "infinity or an undefined number"),
    ("1e999", 0, "too large"),
    ("'a'", 0, "strings are only allowed"),
    ("lambda: 1", 0, "`lambda` is not allowed"),
    ("x if y else z", 0, "`if ... else` is not supported"),
    ("1 # hi", 2, "comments"),
    ("1é", 1, "unexpected `é`"),
    ("x + é", 4, "unexpected character 'é'"),
    ("f'{x}'", 1, "unexpected `'` right after `f`"),
    ("mixture(x, 1)", 8, "mixture components must be"),
    ("mixture(1 to 2, 3, weights=[1, -1])", 0, "weights must be >= 0"),
    ("mixture(1 to 2, 3 to 4, weights=[1])", 0, "2 components but 1 weights"),
    ("mixture(1 to 2, weights=2)", 24, "weights must be a list"),
    ("mixture()", 0, "at least one argument"),
    ("[1, 2]", 0, "lists are only allowed as mixture"),
    ("each_year(1, 2)", 0, "each_year takes 1 argument"),
    ("research(x, foo=1)", 12, "takes no argument `foo=`"),
    ("research()", 0, "research takes 1 argument"),
    ("skill(1)", 6, "skill(...) takes a skill name"),
    ("normal + 1", 0, "`normal` is a function"),
    ("__import__", 0, "names starting with `__`"),
    ("True", 0, "is not a number"),
    ("   \n", 0, "empty estimate"),
    ("normal(0, 1)(2)", 0, "only named functions"),
    ("min(*x)", 4, "unpacking"),
    ("abs(x, y)", 0, "abs takes 1 argument"),
    ('"unclosed', 0, "never closed"),
])
def test_error_offsets(text: str, offset: int, message: str) -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate(text)
    assert message in e.value.message
    assert e.value.offset == offset
    assert isinstance(e.value, ValueError)


def test_length_limit() -> None:
    with pytest.raises(ExprError, match="too long") as e:
        compile_estimate("1" + " " * MAX_LENGTH)
    assert e.value.offset == MAX_LENGTH
    compile_estimate("1" + " " * (MAX_LENGTH - 1))


@pytest.mark.parametrize("text", ["-" * 5000 + "1", "(" * 4000 + "1" + ")" * 4000,
                                  "abs(" * 300 + "1" + ")" * 300, "1" + "+1" * 4000,
                                  "2**" * 3000 + "2"])
def test_deep_nesting_is_an_error_not_a_crash(text: str) -> None:
    with pytest.raises(ExprError, match="nested"):
        compile_estimate(text)


def test_error_message_carries_the_hint() -> None:
    e = ExprError("unknown name `x`", 3, "did you mean `y`?")
    assert str(e) == "unknown name `x` (did you mean `y`?)"
    assert (e.message, e.offset, e.hint) == ("unknown name `x`", 3, "did you mean `y`?")
    assert ExprError("boom").offset == 0 and ExprError("boom").hint is None


def test_evaluate_drawn_reuses_values_already_drawn() -> None:
    c = compile_estimate("x * (1 + each_year(normal(0, 1)))")
    u = np.full((3, 2), 0.8)
    drawn = [c.random_nodes[0].dist.ppf(u)]
    np.testing.assert_array_equal(c.evaluate_drawn({"x": np.ones(3)}, drawn),
                                  c.evaluate({"x": np.ones(3)}, [u]))


def test_compiled_estimates_are_cached_per_text_field_kind_and_names() -> None:
    assert compile_estimate("3 to 5") is compile_estimate("3 to 5")
    assert compile_estimate("x * 2", known_names=["x"]) is compile_estimate(
        "x * 2", known_names={"x"})
    assert compile_estimate("30% to 50%", probability=True) is not compile_estimate(
        "30% to 50%")
    with pytest.raises(ExprError, match="did you mean `x`"):
        compile_estimate("x * 2 + xx", known_names=["x"])
