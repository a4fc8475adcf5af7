"""Every kind of bad input gets FILE:LINE:COL, a plain message and, where it helps, a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

import crossroads
from crossroads.errors import DecisionError

GOOD = """\
decision: test
horizon: 5
params:
  cash_now: 40k
  multiple: 3 to 4
options:
  a:
    roles:
      lead:
        cash: cash_now * multiple
        next:
          - {to: head, after: 2, chance: 40%}
      head:
        cash: previous * 1.2
"""


def problem(text: str) -> DecisionError:
    with pytest.raises(DecisionError) as info:
        crossroads.load(text)
    return info.value


CASES = [
    # (what, text, line, column, words in the message)
    ("yaml syntax", "decision: [unclosed\noptions: {}\n", 1, 11, "never closed"),
    ("empty file", "", 1, 1, "empty"),
    ("comments only", "# nothing\n", 1, 1, "empty"),
    ("unknown key", GOOD.replace("horizon: 5", "horizn: 5"), 2, 1, "unknown key `horizn`"),
    ("wrong type", GOOD.replace("horizon: 5", "horizon: [5]"), 2, 10, "whole number"),
    ("bad number", GOOD.replace("40k", "40kk"), 4, 16, "suffix"),
    ("reversed range", GOOD.replace("3 to 4", "4 to 3"), 5, 13, "revers"),
    ("probability above 100%", GOOD.replace("chance: 40%", "chance: 140%"), 12, 42,
     "between 0% and 100%"),
    ("negative scale", GOOD + "criteria:\n  fun: {scale: [10, 0]}\n", 16, 16, "scale"),
    ("horizon too long", GOOD.replace("horizon: 5", "horizon: 61"), 2, 10, "60"),
    ("horizon zero", GOOD.replace("horizon: 5", "horizon: 0"), 2, 10, "1"),
    ("unknown role in next", GOOD.replace("to: head", "to: haed"), 12, 18, "unknown role"),
    ("unknown param", GOOD.replace("cash_now * multiple", "cash_nwo * multiple"), 10, 15,
     "cash_nwo"),
    ("unknown function", GOOD.replace("previous * 1.2", "previous * foo(2)"), 14, 26, "foo"),
    ("duplicate key", GOOD.replace("horizon: 5", "horizon: 5\nhorizon: 6"), 3, 1, "duplicate"),
    ("cycle", GOOD.replace("cash_now: 40k", "cash_now: multiple * 2\n  x: y\n  y: x"), 5, 3,
     "cycle"),
    ("memory budget", GOOD + "samples: 2_000_000_000\n", 15, 10, "budget"),
    ("obsolete key", GOOD + "simulations: 5\n", 15, 1, "renamed `samples`"),
    ("baseline unknown", GOOD + "baseline: b\n", 15, 11, "baseline"),
    ("impossible correlations", GOOD.replace("multiple: 3 to 4", "multiple: 3 to 4\n  x: 1 to 2")
     + "correlations: [[multiple, x, 0.9], [x, cash_now, 0.9], [multiple, cash_now, -0.9]]\n",
     16, 15, "not positive semi-definite"),
    ("weights no vector can meet", GOOD + "weights: {intervals: {money: [20%, 50%]}}\n",
     15, 22, "upper bounds to 0.5"),
    ("view beyond the horizon", GOOD + "views: [2, 9]\n", 15, 12, "from 1 to the horizon (5)"),
    ("a pair correlated twice", GOOD.replace("multiple: 3 to 4", "multiple: 3 to 4\n  x: 1 to 2")
     + "correlations: [[multiple, x, 0.5], [x, multiple, -0.5]]\n", 16, 36,
     "`x` and `multiple` are correlated twice"),
    ("a raise below -100%", GOOD.replace("        cash: previous * 1.2",
                                         "        cash: previous * 1.2\n        raise: -150%"),
     15, 16, "raise must be above -100%"),
    ("mentor above 1", GOOD.replace("        cash: previous * 1.2",
                                    "        cash: previous * 1.2\n        mentor: 5"),
     15, 17, "mentor must be a share from 0 to 1"),
    ("mentor as a bare percentage", GOOD.replace(
        "        cash: previous * 1.2", "        cash: previous * 1.2\n        mentor: 30"),
     15, 17, "got 30 (did you mean 30%?)"),
    ("lone surrogate", GOOD.replace("decision: test", "decision: te\ud800st"), 1, 13,
     "U+D800 is not valid text"),
    ("a yes/no value", GOOD.replace("horizon: 5", "horizon: true"), 2, 10,
     "`true` is a yes/no value"),
    ("control character", GOOD.replace("decision: test", "decision: te\x1bst"), 1, 13,
     "U+001B is not allowed"),
    ("alias inside its own anchor", GOOD + "x: &a [*a]\n", 15, 4, "nested more than 64"),
    ("nested too deeply", GOOD + "x: " + "[" * 100 + "]" * 100 + "\n", 15, 68, "nested"),
    ("flow mapping comma", GOOD.replace("cash: previous * 1.2", "{cash: normal(1, 2)}")
     .replace("      head:\n        {", "      head: {"), 13, 30, "quote"),
]


@pytest.mark.parametrize(("what", "text", "line", "column", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_is_located(what: str, text: str, line: int, column: int, words: str) -> None:
    err = problem(text)
    assert (err.line, err.column) == (line, column), err.format()
    assert words.lower() in err.format().lower()


def _role(extra: str) -> str:
    """GOOD with lines added to the `head` role (line 15 on)."""
    return GOOD.replace("        cash: previous * 1.2", "        cash: previous * 1.2\n" + extra)


SCORED = GOOD.replace("options:", "criteria:\n  fun: {worth: 1k, default: 5}\noptions:")

#: (what, text, line, column, the whole message with its hint): the guard rails
RAILS = [
    ("a bare raise above 1", _role("        raise: 5"), 15, 16,
     "`raise: 5` is 500% a year (did you mean 5%?)"),
    ("a bare raise far above 1", _role("        raise: 500"), 15, 16,
     "`raise: 500` is 50000% a year (write 500% if you mean it; a bare number is a share, "
     "so 5% is 0.05 or 5%)"),
    ("a bare raise range", _role("        raise: 4 to 6"), 15, 16,
     "`raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)"),
    ("a bare raise through a param", GOOD.replace("multiple: 3 to 4", "multiple: 3 to 4\n"
                                                  "  rise: 3 to 5")
     + "", 6, 9, "`rise: 3 to 5` is 300% to 500% a year (did you mean 3% to 5%?)"),
    ("a raise written as a multiplier", _role("        raise: 1.02 to 1.04"), 15, 16,
     "`raise: 1.02 to 1.04` is 102% to 104% a year (did you mean 2% to 4%?; a raise is the "
     "growth, not the multiplier)"),
    ("a bare bonus above 1", _role("        bonus: 20"), 15, 16,
     "`bonus: 20` is 2000% of the base cash (did you mean 20%?; 150% would be one and a "
     "half times the base cash)"),
    ("a bare discount", GOOD + "discount: 5\n", 15, 11,
     "`discount: 5` is 500% a year (did you mean 5%?)"),
    ("a bare inflation", GOOD + "inflation: 3\n", 15, 12,
     "`inflation: 3` is 300% a year (did you mean 3%?)"),
    ("a bare flat tax", GOOD + "tax: 30\n", 15, 6,
     "`tax: 30` is 3000% of pay (did you mean 30%?)"),
    ("a bare retirement share", _role("        retirement: 5"), 15, 21,
     "`retirement: 5` is 500% of pay (did you mean 5%?)"),
    ("a bare chance", GOOD.replace("chance: 40%", "chance: 60"), 12, 42,
     "probability must be between 0% and 100%, got 6000% (did you mean 60%?)"),
    ("a bare chance range", GOOD.replace("chance: 40%", "chance: 30 to 50"), 12, 42,
     "probability must be between 0% and 100% (did you mean 30% to 50%?)"),
    ("a bare per_year", GOOD.replace("after: 2, chance: 40%", "per_year: 30"), 12, 34,
     "probability must be between 0% and 100%, got 3000% (did you mean 30%?)"),
    ("a bare practice share", GOOD.replace("options:", "skills:\n  ml: {now: 50%}\noptions:")
     .replace("        cash: previous * 1.2", "        cash: previous * 1.2\n"
              "        practice: {ml: 40}"), 17, 24,
     "practice of `ml` must be a share from 0 to 1 (0% to 100%), got 40 (did you mean 40%?)"),
    ("after below 0", GOOD.replace("after: 2", "after: -2"), 12, 31,
     "`after: -2` must be a positive number of years (the years spent in the role before "
     "the move, e.g. 2 or 2 to 4)"),
    ("after of 0", GOOD.replace("after: 2", "after: 0"), 12, 31,
     "`after: 0` must be a positive number of years"),
    ("an after range below 0", GOOD.replace("after: 2", "after: -1 to 3"), 12, 31,
     "`after: -1 to 3` reaches below 0 years"),
    ("per_year of 0", GOOD.replace("after: 2, chance: 40%", "per_year: 0"), 12, 34,
     "`per_year: 0` never happens: a yearly chance must be above 0% (give the chance of the "
     "move in a year, e.g. 20%, or delete the move)"),
    ("a score outside its scale", SCORED.replace("        cash: previous * 1.2",
                                                 "        cash: previous * 1.2\n"
                                                 "        criteria: {fun: 70}"), 17, 25,
     "`fun: 70` is outside the scale 0 to 10 (did you mean 7? or set the criterion's "
     "`scale:`)"),
    ("a score range leaving its scale", SCORED.replace(
        "        cash: previous * 1.2", "        cash: previous * 1.2\n"
        "        criteria: {fun: 5 to 12}"), 17, 25,
     "`fun: 5 to 12` leaves the scale 0 to 10 (keep both ends within 0 to 10, or set the "
     "criterion's `scale:`)"),
    ("a default score outside its scale", SCORED.replace("default: 5", "default: -1"),
     7, 29, "`fun: -1` is outside the scale 0 to 10 (keep it within 0 to 10, or set the "
     "criterion's `scale:`)"),
    ("a pert score leaving its scale", SCORED.replace(
        "        cash: previous * 1.2", "        cash: previous * 1.2\n"
        "        criteria: {fun: 'pert(2, 5, 11)'}"), 17, 25,
     "`fun: pert(2, 5, 11)` leaves the scale 0 to 10"),
    ("a tab", GOOD.replace("      head:", "\thead:"), 13, 1,
     "YAML indents with spaces, not tabs (replace the tab with spaces)"),
    ("digits grouped by a comma", GOOD.replace("40k", "180,000"), 4, 13,
     "`180,000`: a comma does not group digits in an estimate (write 180000 or 180k)"),
    ("digits grouped the Indian way", GOOD.replace("40k", "40,00,000 to 50,00,000"), 4, 13,
     "`40,00,000`: a comma does not group digits in an estimate (write 4000000 or 40L)"),
    ("grouped numbers in a flow mapping", GOOD.replace("cash: previous * 1.2",
                                                       "{cash: 1,80,000 to 2,00,000}")
     .replace("      head:\n        {", "      head: {"), 13, 37,
     "`2,00,000`: inside `{...}` a comma ends the value (write 200000 or 2L)"),
    ("a grouped number in a flow mapping", GOOD.replace("cash: previous * 1.2",
                                                        "{cash: 180,000}")
     .replace("      head:\n        {", "      head: {"), 13, 24,
     "`180,000`: inside `{...}` a comma ends the value (write 180000 or 180k)"),
]


@pytest.mark.parametrize(("what", "text", "line", "column", "message"), RAILS,
                         ids=[c[0] for c in RAILS])
def test_guard_rails(what: str, text: str, line: int, column: int, message: str) -> None:
    if what == "a bare raise through a param":
        text = text.replace("cash: previous * 1.2", "cash: previous * 1.2\n        raise: rise")
    err = problem(text)
    assert (err.line, err.column) == (line, column), err.format()
    assert err.format().startswith(f"<string>:{line}:{column}: {message}"), err.format()
    assert len(err.problems) == 1, err.format_all()


@pytest.mark.parametrize("text", [
    _role("        raise: 500%"),          # a percent sign says it on purpose
    _role("        raise: 1"),             # 100%: not above 1
    _role("        bonus: 150%"),
    _role("        raise: -2% to 2%"),
    GOOD.replace("after: 2", "after: 0 to 2"),   # from 0: never below it
    GOOD.replace("after: 2", "after: 2 to 4"),
    SCORED.replace("        cash: previous * 1.2", "        cash: previous * 1.2\n"
                   "        criteria: {fun: 8 to 10}"),   # its tails beyond 10 are allowed
    SCORED.replace("{worth: 1k,", "{worth: 1k, scale: [0, 100],").replace(
        "        cash: previous * 1.2", "        cash: previous * 1.2\n"
        "        criteria: {fun: 70}"),
    GOOD.replace("40k", "40L").replace("cash: previous * 1.2", "cash: 40 to 50 lakh"),
])
def test_what_the_rails_let_through(text: str) -> None:
    crossroads.load(text)


def test_hint_names_the_closest_param() -> None:
    err = problem(GOOD.replace("cash_now * multiple", "cash_nwo * multiple"))
    assert err.hint == "did you mean `cash_now`?"


def test_hint_names_the_closest_key() -> None:
    err = problem(GOOD.replace("horizon: 5", "horizn: 5"))
    assert err.hint == "did you mean `horizon`?"


def test_several_problems_are_reported_together() -> None:
    text = GOOD.replace("horizon: 5", "horizon: 99").replace("decision: test", "decisoin: x")
    err = problem(text)
    assert len(err.problems) >= 2
    assert err.format_all().splitlines()[0].startswith("<string>:1:1:")


def test_missing_file(tmp_path: Path) -> None:
    err = problem(str(tmp_path / "nope.yaml"))
    assert err.format() == f"{tmp_path / 'nope.yaml'}:1:1: no such file"


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"decision: caf\xe9\noptions: {}\n")
    with pytest.raises(DecisionError) as info:
        crossroads.load(path)
    assert (info.value.line, info.value.column) == (1, 14)
    assert "UTF-8" in info.value.message


def test_impossible_correlations_are_refused_when_the_file_is_read() -> None:
    """`check` and the web's editor catch them, not only a run (CASES has the position)."""
    text = GOOD.replace("multiple: 3 to 4", "multiple: 3 to 4\n  b: 1 to 2\n  c: 1 to 2") + \
        "correlations:\n  - [multiple, b, 0.9]\n  - [b, c, 0.9]\n  - [multiple, c, -0.9]\n"
    with pytest.raises(DecisionError, match="positive semi-definite"):
        crossroads.load(text)


def test_the_founding_case_is_valid(examples: Path) -> None:
    model = crossroads.load(examples / "why-i-quit-data-science.yaml")
    assert [o.id for o in model.options] == ["ml_lead", "platform", "bigco_mle", "sabbatical"]
    assert model.options[model.baseline].id == "ml_lead"


def test_a_decision_error_survives_pickling_with_all_its_problems() -> None:
    """Web workers send it across processes: unpickling it once broke the whole pool."""
    import pickle

    err = problem(GOOD.replace("horizon: 5", "horizon: 99")
                  .replace("decision: test", "decisoin: x"))
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is DecisionError and back.format_all() == err.format_all()
    assert back.problems[0] is back and len(back.problems) == len(err.problems) >= 2


SKILLS = """\
decision: s
skills:
  ml: {now: 50%, FIELD}
  p: {now: 50%}
  q: {now: 40%}
  correlation: CORR
  intersection: [ml, p, q]
options:
  a: {roles: {r: {cash: 1, practice: {ml: 1}}}}
"""


@pytest.mark.parametrize(("field", "corr", "line", "column", "words"), [
    ("half_life: 0", "0.3", 3, 29, "half_life must be positive, got 0"),
    ("years_to_top_quartile: 0", "0.3", 3, 41, "years_to_top_quartile must be positive"),
    ("half_life: 2", "-0.9", 6, 16, "must lie in [-0.5, 1] for 3 skills"),
])
def test_skill_fields_a_run_would_refuse_are_refused_when_read(
        field: str, corr: str, line: int, column: int, words: str) -> None:
    err = problem(SKILLS.replace("FIELD", field).replace("CORR", corr))
    assert (err.line, err.column) == (line, column) and words in err.format()


def test_a_skill_range_that_leaves_its_domain_is_a_located_error_at_run_time() -> None:
    model = crossroads.load(SKILLS.replace("FIELD", "half_life: -1 to 3").replace("CORR", "0"))
    with pytest.raises(DecisionError) as info:
        crossroads.run(model, samples=1_000)
    assert (info.value.line, info.value.column) == (3, 29)
    assert "half_life must be positive years" in info.value.format()


def test_an_alias_bomb_is_refused_quickly() -> None:
    """Nine aliases of nine: 387 million values from eleven lines (billion laughs)."""
    lines = ["x:", '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    err = problem(GOOD + "\n".join(lines) + "\n")
    assert "more than 100,000 values" in err.format() and err.line >= 15


def test_thousands_of_brackets_are_refused_before_the_yaml_composer() -> None:
    """ruamel's C composer crashed the process (a segfault) past about 20,000 levels."""
    err = problem(GOOD + "x: " + "[" * 30_000 + "]" * 30_000 + "\n")
    assert (err.line, err.column) == (15, 1004) and "nested more than" in err.format()
