"""Every refusal of the estimate compiler says what is wrong, where, and how to fix it.

A person reads these messages in the CLI, the web editor and a `load` error: the offset
places the caret under the problem, the hint says what to write instead. Each row is
written from the language's rules (docs/estimates.md), the offset counted by hand in the
text. Written from the survivors of a mutation run on the compiler (docs/testing.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from crossroads.estimate.expr import ExprError, compile_estimate

ARITH = "write the arithmetic outside, e.g. x * (1 to 2)"


@pytest.mark.parametrize(("text", "offset", "message", "hint"), [
    # expressions the language has no use for, named by their Python node
    ("await x", 0, "`Await` expressions are not allowed in an estimate", None),
    ("(yield)", 1, "`Yield` expressions are not allowed in an estimate", None),
    ("1 if x else 2", 0, "`if ... else` is not supported", "use where(cond, a, b)"),
    ("(1, 2)", 0, "tuples are not allowed", "did you put a comma outside a call?"),
    # a comma inside brackets is indexing, not a digit group: the caret on the bracket
    ("x[1,000]", 1, "indexing (`[...]`) is not allowed", None),
    ("1 + x.y", 5, "attribute access (`.`) is not allowed", None),
    # comparisons: the caret on the operator; a chain past the limit at its start
    ("x in y", 2, "only < <= > >= == != comparisons are supported", None),
    ("1 + (" + "1 < " * 21 + "1)", 5,
     "a chain of 21 comparisons; the limit is 20 (MAX_COMPARISONS)",
     "split the chain with where(...) or params"),
    # mixtures take distributions, ranges and plain numbers
    ("mixture(x, 1 to 2)", 8,
     "mixture components must be distributions, `a to b` ranges or numbers", None),
    ("mixture(2 * x, 1 to 2)", 8,
     "mixture components must be numbers, not params or random values", ARITH),
    # keywords and arity, each function by its name
    ("each_year(1 to 2, x=1)", 18, "each_year(...) takes no argument `x=`", None),
    ("each_year()", 0, "each_year takes 1 argument (an estimate), got 0", None),
    ("min(1, x=2)", 7, "min(...) takes no argument `x=`", None),
    ("research(x, foo=1)", 12, "research(...) takes no argument `foo=`",
     "allowed: market, stage, role"),
    ("research()", 0, "research takes 1 argument (the param name), got 0", None),
    ("market(x)", 0, "market takes 0 arguments, got 1", None),
    ("skill(ml, x=1)", 10, "skill(...) takes no argument `x=`", None),
    ("1 + skill()", 4, "skill takes 1 argument (a skill name), got 0", None),
    ("intersection(1)", 0, "intersection takes 0 arguments, got 1", None),
    # names starting with __ are refused wherever they appear
    ("research(__class__)", 9, "`__class__`: names starting with `__` are not allowed", None),
    ("skill(__x)", 6, "skill(...) takes a skill name, e.g. skill(ml)", None),
    ("market(level=uniform(1, 2))", 13,
     "research(...) and market(...) arguments must be numbers, not params or random values",
     ARITH),
    # distributions: keywords by their parameter names, the count said in words
    ("normal(1, 2, x=3)", 13, "normal(...) takes no argument `x=`", "allowed: mean, sd"),
    ("1 + normal(1)", 4, "normal takes 2 arguments (mean, sd), got 1", None),
    ("normal(mean=1)", 0, "normal takes 2 arguments (mean, sd), got 1", None),
    ("bernoulli(0.1, 0.2)", 0, "bernoulli takes 1 argument (p), got 2", None),
    ("normal(x, 1)", 7,
     "the arguments of normal(...) must be numbers, not params or random values", ARITH),
    # mixtures: at least one component, at most 20 counting nested ones, weights a list
    ("mixture()", 0, "mixture takes at least one argument (distributions), got 0", None),
    ("mixture(1 to 2, foo=1)", 16, "mixture(...) takes no argument `foo=`", "allowed: weights"),
    ("1 + mixture(" + ", ".join(["1"] * 21) + ")", 4,
     "a mixture of 21 components; the limit is 20 (MAX_MIXTURE_COMPONENTS)",
     "a few components describe any belief"),
    ("1 + mixture(mixture(" + ", ".join(["1"] * 15) + "), mixture(" + ", ".join(["2"] * 15)
     + "))", 4, "a mixture of 30 components; the limit is 20 (MAX_MIXTURE_COMPONENTS)",
     "a few components describe any belief"),
    ("mixture(1, 2, weights=0.5)", 22, "weights must be a list, e.g. weights=[0.3, 0.7]", None),
    ("mixture(1, 2, weights=[x, 0.5])", 23,
     "mixture weights must be numbers, not params or random values", ARITH),
    ("1 + mixture(1, 2, weights=[0.5])", 4, "mixture has 2 components but 1 weights", None),
    # what is not a number, a name or a call
    ("1 + 'a'", 4, "strings are only allowed as arguments of research(...) and market(...)",
     None),
    ("1 + ...", 4, "`Ellipsis` is not a number", None),
    ("1 + __x", 4, "`__x`: names starting with `__` are not allowed", None),
    ("1 + exp", 4, "`exp` is a function: call it, e.g. `exp(...)`", None),
    ("1 + x.y(1)", 5, "attribute access (`.`) is not allowed", None),
    ("1 + (2)(3)", 4, "only named functions can be called", None),
    ("min(1, **x)", 7, "min(...) takes no argument `**`", None),
    ("1 + nrmal(1, 2)", 4, "unknown function `nrmal`; allowed: abs, bernoulli, beta, clip, "
     "cos, each_year, exp, intersection, log, lognormal, market, max, min, mixture, normal, "
     "pert, research, sin, skill, sqrt, triangular, uniform, where", "did you mean `normal`?"),
    # operators the language leaves out, the caret on the operator
    ("not x", 0, "`not` is not supported", "comparisons give 1 or 0"),
    ("1 + ~x", 4, "`~` is not supported", "comparisons give 1 or 0"),
    ("x % 2", 2, "`%` is only a percent sign right after a number (5%)",
     "modulo is not supported"),
    ("x // 2", 2, "operator `/` is not supported", "use + - * / ** and comparisons"),
    ("x and y", 2, "`and` is not supported", "use min(...) or a product of comparisons"),
    ("1 to 2 to 3", 7, "only one `to` per range", "use parentheses: (a to b) + (c to d)"),
    ("1 + (3 to 2)", 5, "range is reversed (3 to 2): write the smaller bound first", None),
    # 100 operators deep is the limit: the 101st minus sign is refused
    ("-" * 100 + "1", 100, "the estimate is nested too deeply (limit 100)", None),
    # a constant part that overflows is refused where it starts
    ("1 + exp(1000)", 4, "this part evaluates to infinity or an undefined number (overflow, "
     "division by zero or log of a negative)", None),
])
def test_a_refusal_says_what_where_and_how(text: str, offset: int, message: str,
                                           hint: str | None) -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate(text)
    assert (e.value.offset, e.value.message, e.value.hint) == (offset, message, hint)


@pytest.mark.parametrize(("text", "message"), [
    ("1 + intersection()", "unknown name `intersection`"),
    ("1 + skill(ml)", "unknown skill `ml`"),
])
def test_an_unknown_skill_or_intersection_is_placed_where_it_is_called(text: str,
                                                                      message: str) -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate(text, known_names={"x"})
    assert (e.value.offset, e.value.message, e.value.hint) == (4, message, None)


def test_skills_and_the_intersection_are_names_the_caller_fills() -> None:
    c = compile_estimate("skill(ml) + skill('sql') + 10 * intersection()")
    assert c.names == frozenset({"skill:ml", "skill:sql", "intersection"})
    assert c.evaluate({"skill:ml": 1.0, "skill:sql": 2.0, "intersection": 0.5}, []) == 8.0


def test_twenty_components_are_allowed_and_weights_pick_between_them() -> None:
    assert len(compile_estimate("mixture(" + ", ".join(["1 to 2"] * 20) + ")")
               .random_nodes) == 1
    # 1 with weight 1/4, 3 with 3/4: the quantile is 1 up to u = 0.25, then 3
    c = compile_estimate("mixture(1, 3, weights=[0.25, 0.75])")
    got = c.evaluate({}, [np.array([0.1, 0.2, 0.3, 0.9])])
    assert got.tolist() == pytest.approx([1.0, 1.0, 3.0, 3.0], abs=1e-12)


def test_only_the_argument_of_each_year_is_drawn_every_year() -> None:
    # `(3 to 4)` after the each_year(...) call is drawn once per draw: each_year is False
    c = compile_estimate("each_year(1 to 2) + (3 to 4)")
    assert [n.each_year for n in c.random_nodes] == [True, False]
    assert c.random_nodes[1].each_year is False
    yearly = np.full((2, 3), 0.5)
    once = np.full(2, 0.5)
    got = c.evaluate({}, [yearly, once])
    assert np.shape(got) == (2, 3)


@pytest.mark.parametrize(("text", "offset", "message", "hint"), [
    ("150% to 50%", 0, "probability must be between 0% and 100%", None),
    ("1 + (2 to 3)", 5, "probability must be between 0% and 100%",
     "did you mean 1% + (2% to 3%)?"),
])
def test_a_probability_range_outside_0_to_1_is_refused(text: str, offset: int, message: str,
                                                       hint: str | None) -> None:
    with pytest.raises(ExprError) as e:
        compile_estimate(text, probability=True)
    assert (e.value.offset, e.value.message, e.value.hint) == (offset, message, hint)


@pytest.mark.parametrize(("text", "value"), [("0 to 0", 0.0), ("1 to 1", 1.0)])
def test_a_probability_range_may_touch_0_and_1(text: str, value: float) -> None:
    assert compile_estimate(text, probability=True).evaluate({}, []) == value
    for edge in ("0 to 0.5", "0.5 to 1"):  # a beta on [0, 1]
        assert len(compile_estimate(edge, probability=True).random_nodes) == 1


def test_a_number_that_is_not_one_is_refused_with_what_it_got() -> None:
    for value, message in ((True, "expected a number or an estimate, got True"),
                           (float("inf"), "expected a finite number, got inf")):
        with pytest.raises(ExprError) as e:
            compile_estimate(value)
        assert (e.value.offset, e.value.message) == (0, message)


def test_depth_is_counted_down_every_branch_not_only_the_first() -> None:
    # -( 1 + ---...-1 ): the minus, the sum, then 98 more minus signs and the 1 on the
    # right are 101 deep; the left 1 (3 deep) is walked first and must not reset the count
    with pytest.raises(ExprError) as e:
        compile_estimate("-(1 + " + "-" * 98 + "1)")
    assert e.value.message == "the estimate is nested too deeply (limit 100)"
    assert compile_estimate("-(1 + " + "-" * 97 + "1)").evaluate({}, []) == 0.0


def test_nesting_up_to_the_limit_and_many_arguments_compile() -> None:
    assert compile_estimate("-" * 99 + "1").evaluate({}, []) == -1.0  # 99 signs: depth 100
    # 150 arguments side by side are 2 deep each, not 300
    assert compile_estimate("min(" + ", ".join(["1"] * 150) + ")").evaluate({}, []) == 1.0


def test_a_random_node_remembers_where_it_was_written() -> None:
    assert compile_estimate("1 + mixture(1 to 2, 3 to 4)").random_nodes[0].offset == 4
    with pytest.raises(ExprError) as e:
        compile_estimate("1 + research(x)").evaluate({}, [np.array([0.5])])
    assert (e.value.offset, e.value.message) == (
        4, "research(...) has no distribution yet; resolve it with with_resolved()")


def test_integer_values_are_read_as_floats() -> None:
    # NumPy refuses an integer to a negative integer power; as floats 2 ** -1 is 0.5
    got = compile_estimate("x ** y").evaluate({"x": np.array([2, 4]), "y": np.array([-1, -2])},
                                              [])
    assert got.tolist() == [0.5, 0.0625]
