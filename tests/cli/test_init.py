"""`crossroads init`: scripted answers make a file that loads and runs; the pure
questionnaire (answers -> YAML) over a table of answer sets; each answer is validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from crossroads.questionnaire import (
    Alternative,
    Answers,
    Criterion,
    Number,
    Person,
    StepUp,
    currency_problem,
    decision_yaml,
    estimate_problem,
    horizon_problem,
    ident,
    parse_priorities,
)

runner = CliRunner()

#: One answer per line, in the order `crossroads init` asks; the bad answers ("120k to",
#: "1O%", "4 to 6", "-10k to 50k", "70", "150%", "-1", "20 to 40") must be asked again
#: with the error.
SCRIPT = [
    "Leave the ML lead track?", "", "8",            # question, currency, horizon
    "Talked to seven people in four markets",       # research
    "Asha", "15", "SG", "EM is a coin flip", "",    # people, then Enter
    "SG, US",                                       # markets
    "a 75% cut", "",                                # considerations
    "enjoyment, money, learning",                   # priorities
    "5k to 15k", "",                                # enjoyment priced, learning ranked
    "ML lead", "best in one thing",                 # alternatives and why not
    "Platform engineer", "a big cut", "",
    "learn faster", "", "the cut is real", "",      # evidence for, against
    "", "", "120k to", "120k to 160k", "offer letter",  # ML lead: role, currency, cash
    "1O%", "4 to 6", "3% to 8%", "3 to 5", "70", "3", "n",  # raise, scores, no step up
    "Platform engineer (L3)", "inr", "-10k to 50k", "40 to 50 lakh", "", "", "7 to 9", "8",
    "y", "Senior", "150%", "60% to 85%", "-1", "", "20 to 40", "", "senior people",
    "y", "EM", "", "", "", "",                                       # another, all defaults
    "n",
]


def _init(tmp_path: Path, *args: str, script: list[str] = SCRIPT) -> tuple[Path, object]:
    out = tmp_path / "decision.yaml"
    result = runner.invoke(app, ["init", "-o", str(out), *args],
                           input="\n".join(script) + "\n")
    return out, result


def test_init_writes_a_file_that_loads_and_runs(tmp_path: Path) -> None:
    out, result = _init(tmp_path)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout
    model = crossroads.load(out)
    assert model.title == "Leave the ML lead track?" and model.horizon == 8
    assert [o.label for o in model.options] == ["ML lead", "Platform engineer"]
    assert crossroads.run(model, samples=500).samples == 500
    text = out.read_text()
    assert "ml_lead_cash: 120k to 160k  # offer letter: cash a year, in USD" in text
    assert "platform_engineer_cash: 40 to 50 lakh        # assumption: cash a year, in INR" \
        in text
    assert "    currency: INR" in text and text.count("currency: INR") == 1
    assert "platform_engineer_senior_chance: 60% to 85%" in text
    assert "# senior people: the chance a year of becoming Senior, once it can happen" in text
    assert "platform_engineer_em_chance: 30%" in text and "# assumption: the chance a year " \
        "of becoming EM" in text
    # a step up is tried every year once it can happen, as promotions are: `check` has no
    # role left only by one-shot chances to warn about
    assert "per_year: platform_engineer_senior_chance" in text
    assert " chance: " not in text.split("options:")[1]
    from crossroads.model.warn import one_shot_roles
    assert one_shot_roles(model) == []
    assert "# - Asha (15 years, SG): EM is a coin flip" in text
    assert "order: [enjoyment, money, learning]" in text


def test_init_asks_again_with_the_error(tmp_path: Path) -> None:
    _, result = _init(tmp_path)
    errors = result.stderr.splitlines()
    assert errors == [
        "  the estimate ends unexpectedly",
        errors[1],
        "  `raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)",
        "  `score: 70` is outside the scale 0 to 10 (did you mean 7? or set the criterion's "
        "`scale:`)",
        "  `cash: -10k to 50k` is below 0 in 13.6% of draws (a range that starts at 0 never "
        "goes below it, e.g. 0 to 50k)",
        "  probability must be between 0% and 100%, got 150%",
        "  `after: -1` must be a positive number of years (the years spent in the role before "
        "the move, e.g. 2 or 2 to 4)",
        "  `pay rise: 20 to 40` is 2000% to 4000% (did you mean 20% to 40%?)",
    ]
    assert errors[1].startswith("  unexpected `O` after the number `1`")
    assert "1O%" not in (tmp_path / "decision.yaml").read_text()


def test_a_control_character_is_asked_again_not_lost_at_the_end(tmp_path: Path) -> None:
    script = ["Leave \x1b[31mthe track?", *SCRIPT]  # the same question, asked again
    out, result = _init(tmp_path, script=script)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == ("  remove the control character U+001B (often "
                                             "pasted by accident)")
    assert crossroads.load(out).title == "Leave the ML lead track?"


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "decision.yaml"
    out.write_text("mine")
    _, result = _init(tmp_path)
    assert result.exit_code == 1
    assert "already exists: pass --force" in result.stderr
    assert out.read_text() == "mine"
    _, result = _init(tmp_path, "--force")
    assert result.exit_code == 0, result.output
    assert crossroads.load(out).title == "Leave the ML lead track?"


def test_running_out_of_answers_writes_nothing(tmp_path: Path) -> None:
    out, result = _init(tmp_path, script=SCRIPT[:20])
    assert result.exit_code != 0
    assert not out.exists() and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ the pure part ------

ONE = (Alternative("Stay", cash=Number("100k")),)
TWO = (Alternative("ML lead", "best in one thing", "Lead", Number("120k to 160k", "offer"),
                   Number("3% to 8%"), {"fun": Number("3 to 5")},
                   (StepUp("Head of ML", Number("30% to 50%"), Number("2 to 4"),
                           Number("20% to 40%")),)),
       Alternative("Platform", cash=Number("40k"), raise_=Number("5% to 12%"),
                   scores={"fun": Number("pert(6, 8, 9)")},
                   steps=(StepUp("Senior"), StepUp("EM", Number("p"[:0] + "40%")))))
ODD = '"quoted": a #hash, <script>alert(1)</script>\nnew line — ünïcode'

ANSWER_SETS = {
    "minimal": Answers("Go?", ONE),
    "founding": Answers(
        "Leave the ML lead track for platform engineering?", TWO, horizon=10,
        research="talked to seven people", people=(Person("Asha", 15, "SG", "coin flip"),
                                                   Person("Bo")),
        markets=("SG", "US"), considerations=("a 75% cut",),
        criteria=(Criterion("fun", Number("5k to 15k")), Criterion("Work-life balance")),
        money_rank=1, evidence_for=("learn faster",), evidence_against=("less money",)),
    "money is not a priority, EUR": Answers(
        "Gap year?", (Alternative("Work", cash=Number("50k")),
                      Alternative("Travel", cash=Number("-10k to 0"))),
        currency="eur", horizon=3, criteria=(Criterion("adventure"),), money_rank=None),
    "names that clash or need quoting": Answers(
        ODD, (Alternative(ODD, ODD, ODD, Number("normal(100k, 10k)")),
              Alternative(ODD, cash=Number("1.2M / 10")),
              Alternative("2nd offer", cash=Number("90_000"))),
        criteria=(Criterion("money"), Criterion("Fun!"), Criterion("fun")), money_rank=0),
}


@pytest.mark.parametrize("answers", ANSWER_SETS.values(), ids=ANSWER_SETS)
def test_every_answer_set_makes_a_file_that_loads_and_runs(answers: Answers) -> None:
    text = decision_yaml(answers)
    model = crossroads.load(text)
    assert model.title == " ".join(answers.decision.split())
    assert [o.label for o in model.options] == [" ".join(a.name.split())
                                                for a in answers.alternatives]
    assert model.options[model.baseline].label == model.options[0].label
    result = crossroads.run(model, samples=500, seed=1)
    assert set(result.options) == set(model.option_ids)
    assert all(len(line) <= 100 for line in text.splitlines() if line.startswith("#"))


def test_the_founding_answers_keep_reasons_and_mark_assumptions() -> None:
    text = decision_yaml(ANSWER_SETS["founding"])
    model = crossroads.load(text)
    assert set(model.params) == {
        "ml_lead_cash", "ml_lead_raise", "ml_lead_head_of_ml_chance",
        "ml_lead_head_of_ml_after", "ml_lead_head_of_ml_jump", "platform_cash",
        "platform_raise", "platform_senior_chance", "platform_senior_after",
        "platform_senior_jump", "platform_em_chance", "platform_em_after", "platform_em_jump"}
    assert "ml_lead_cash: 120k to 160k" in text and "# offer: cash a year" in text
    assert "ml_lead_raise: 3% to 8%" in text and "# assumption: yearly raise" in text
    assert 'note: "why not: best in one thing"' in text
    assert "cash: previous * (1 + platform_em_jump)" in text
    assert "work_life_balance:" in text and 'label: "Work-life balance"' in text
    assert "order: [fun, money, work_life_balance]" in text
    assert ("#   crossroads research add --person Asha --years 15 --market SG --edit-note"
            in text)
    assert "--person Bo --years YEARS" in text
    for heading in ("Research", "People you talked to", "Markets you looked at",
                    "Considerations", "What you optimise for", "Why not each alternative",
                    "Evidence for", "Evidence against"):
        assert f"# {heading}" in text
    assert model.criteria["fun"].worth is not None


def test_money_left_out_of_the_priorities_goes_last() -> None:
    text = decision_yaml(ANSWER_SETS["money is not a priority, EUR"])
    assert "order: [adventure, money]" in text and "currency: EUR" in text
    assert "money is not one of them" in text


def test_user_text_round_trips_through_yaml() -> None:
    model = crossroads.load(decision_yaml(ANSWER_SETS["names that clash or need quoting"]))
    flat = " ".join(ODD.split())
    assert model.options[0].label == flat and model.options[1].label == flat
    assert model.option_ids[2] == "x_2nd_offer"
    assert list(model.criteria) == ["fun", "fun_2"]


def test_no_alternatives_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one alternative"):
        decision_yaml(Answers("Go?", ()))


@pytest.mark.parametrize(("text", "probability", "problem"), [
    ("120k to 150k", False, None),
    ("30% to 50%", True, None),
    ("pert(5, 8, 9)", False, None),
    ("60k to", False, "the estimate ends unexpectedly"),
    ("150%", True, "probability must be between 0% and 100%, got 150%"),
    ("cash_now * 2", False, "unknown name `cash_now`"),
    ("", False, "empty estimate: expected a number, a range or an expression"),
    ("research(p_em)", True, "research(...) and market(...) need the research log"),
])
def test_estimates_are_checked_as_given(text: str, probability: bool,
                                        problem: str | None) -> None:
    got = estimate_problem(text, probability=probability)
    assert got == problem if problem is None else got.startswith(problem)


#: (field's rail, answer, the problem or None): the rails a file meets, while asking
RAILED = [
    ("rate", "4 to 6", "`raise: 4 to 6` is 400% to 600% a year (did you mean 4% to 6%?)"),
    ("rate", "5", "`raise: 5` is 500% a year (did you mean 5%?)"),
    ("rate", "3% to 8%", None),
    ("rate", "250%", None),                 # a percent sign means it
    ("jump", "20 to 40", "`pay rise: 20 to 40` is 2000% to 4000% (did you mean 20% to 40%?)"),
    ("jump", "1.2 to 1.4", "`pay rise: 1.2 to 1.4` is 120% to 140% (did you mean 20% to 40%?; "
     "a raise is the growth, not the multiplier)"),
    ("rate", "1.03", "`raise: 1.03` is 103% a year (did you mean 3%?; a raise is the growth"),
    ("years", "0", "`after: 0` must be a positive number of years"),
    ("years", "-2 to 3", "`after: -2 to 3` reaches below 0 years"),
    ("years", "2 to 4", None),
    ("score", "11", "`score: 11` is outside the scale 0 to 10"),
    ("score", "6 to 12", "`score: 6 to 12` leaves the scale 0 to 10"),
    ("score", "8 to 10", None),
    ("amount", "-10k to 50k", "`cash: -10k to 50k` is below 0 in 13.6% of draws"),
    ("amount", "-5k", "`cash: -5k` is below 0: pay is what you receive"),
    ("amount", "0 to 50k", None),           # floored at 0
    ("worth", "-5k to 5k", "`worth: -5k to 5k` can be below 0: a worth is the money one point "
     "more is worth to you a year (give it as a positive amount"),
    ("worth", "0 to 5k", None),
    ("amount", "40L to 50L", None),
    ("amount", "40 to 50 lakh", None),
    ("amount", "1.2Cr", None),
    ("amount", "1.2 crore", None),
    ("amount", "180,000", "`180,000`: a comma does not group digits in an estimate (write "
     "180000 or 180k)"),
]


@pytest.mark.parametrize(("kind", "text", "problem"), RAILED)
def test_answers_meet_the_files_guard_rails(kind: str, text: str, problem: str | None) -> None:
    got = estimate_problem(text, kind=kind)
    assert got == problem if problem is None else got.startswith(problem)


def test_an_alternative_in_its_own_currency_says_so() -> None:
    a = Answers("Bangalore or Singapore?", (
        Alternative("Bangalore", cash=Number("40 to 50 lakh"), currency="INR"),
        Alternative("Singapore", cash=Number("120k to 150k"), currency="SGD")),
        currency="INR")
    text = decision_yaml(a)
    assert "bangalore_cash: 40 to 50 lakh" in text and "cash a year, in INR" in text
    assert text.count("    currency: SGD") == 1 and "    currency: INR" not in text
    model = crossroads.load(text)
    assert model.currency == "INR"


@pytest.mark.parametrize(("check", "text", "ok"), [
    (currency_problem, "usd", True), (currency_problem, "US", False),
    (currency_problem, "US1", False), (horizon_problem, "10", True),
    (horizon_problem, "0", False), (horizon_problem, "61", False),
    (horizon_problem, "ten", False),
])
def test_simple_answers_are_checked(check: object, text: str, ok: bool) -> None:
    assert (check(text) is None) is ok  # type: ignore[operator]


@pytest.mark.parametrize(("text", "taken", "name"), [
    ("Work-life balance", (), "work_life_balance"), ("2nd offer", (), "x_2nd_offer"),
    ("ML lead", ("ml_lead",), "ml_lead_2"), ("ML lead", ("ml_lead", "ml_lead_2"), "ml_lead_3"),
    ("!!!", (), "x"), ("Ünïcode café", (), "n_code_caf"),
])
def test_ident(text: str, taken: tuple[str, ...], name: str) -> None:
    assert ident(text, taken) == name


@pytest.mark.parametrize(("text", "criteria", "rank"), [
    ("enjoyment, money, learning", ["enjoyment", "learning"], 1),
    ("Salary; fun", ["fun"], 0),
    ("fun, growth", ["fun", "growth"], None),
    ("", [], None),
])
def test_parse_priorities(text: str, criteria: list[str], rank: int | None) -> None:
    assert parse_priorities(text) == (criteria, rank)
