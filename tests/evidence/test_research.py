"""Conversations, pooled priors, the resolver and coverage (all pure)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import numpy as np
import pytest

from crossroads.estimate.dists import Beta, Constant, Empirical, LogNormal, Mixture, Normal
from crossroads.estimate.expr import RandomNode
from crossroads.evidence.research import (
    Conversation,
    FieldError,
    coverage,
    estimate_dist,
    latest_by_person,
    make_conversation,
    make_resolver,
    people_for,
    pool,
    pool_weights,
    select,
    seniority,
)


def conv(person: str, years: int, **kw: object) -> Conversation:
    return Conversation(person, years, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- records ---------------

def test_fields_are_normalised() -> None:
    c = conv("  Ana   Lúcia ", 12, market="sg", stage="Series B", role=" EM ",
             stances={"x": " Agree "}, estimates={"p": "  30%   to 50% "})
    assert (c.person, c.market, c.stage, c.role) == ("Ana Lúcia", "SG", "series-b", "EM")
    assert c.stances == {"x": "agree"} and c.estimates == {"p": "30% to 50%"}
    assert conv("a", 1, market="Remote EU").market == "Remote EU"


def test_notes_are_kept_exactly() -> None:
    notes = "  two spaces,\r\nthen a tab\t"
    assert conv("a", 1, notes=notes).notes == notes


@pytest.mark.parametrize("raw, field, message", [
    ({"person": "a", "years": "ten"}, "years", "expected a whole number of years, got 'ten'"),
    ({"person": "a", "years": 2.5}, "years", "whole number"),
    ({"person": "a", "years": True}, "years", "whole number"),
    ({"person": "a", "years": 81}, "years", "0 to 80"),
    ({"person": "a"}, "years", "missing"),
    ({"person": " ", "years": 3}, "person", "missing"),
    ({"person": "a", "years": 3, "date": "2024-13-01"}, "date", "not a calendar date"),
    ({"person": "a", "years": 3, "date": "01/02/2024"}, "date", "YYYY-MM-DD"),
    ({"person": "a", "years": 3, "market": "S!"}, "market", "ISO country code"),
    ({"person": "a", "years": 3, "stances": {"c": "maybe"}}, "stance:c", "agree, disagree"),
    ({"person": "a", "years": 3, "estimates": {"p": "3 too 4"}}, "estimate:p",
     "cannot read estimate"),
    ({"person": "a", "years": 3, "estimates": {"p": "cash_now * 2"}}, "estimate:p",
     "refers to cash_now"),
    ({"person": "a", "years": 3, "estimates": {"p": "normal(1, 2) * 2"}}, "estimate:p",
     "expression"),
    ({"person": "a", "years": 3, "estimates": {"p": "research(p)"}}, "estimate:p",
     "uses research()"),
    ({"person": "a", "years": 3, "estimates": {"bad name": "1"}}, "estimates", "param names"),
    ({"person": "a", "years": 3, "notes": "a\x00b"}, "notes", "NUL"),
    ({"person": "a", "years": 3, "colour": "red"}, "colour", "unknown field"),
])
def test_bad_values_name_their_field(raw: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as info:
        make_conversation(raw)
    assert info.value.field == field


def test_make_conversation_reads_text_values() -> None:
    c = make_conversation({"person": "bo", "years": "7", "date": "2024-02-29",
                           "market": "", "estimates": {"x": 3}})
    assert (c.years, c.date, c.market, c.estimates) == (7, dt.date(2024, 2, 29), None,
                                                        {"x": "3"})


@pytest.mark.parametrize("years, band", [(0, "<5"), (4, "<5"), (5, "5-10"), (9, "5-10"),
                                          (10, "10-20"), (19, "10-20"), (20, "20+"),
                                          (45, "20+")])
def test_seniority_bands(years: int, band: str) -> None:
    assert seniority(years) == band


@pytest.mark.parametrize("text, kind", [
    ("30% to 50%", Beta), ("3 to 5", LogNormal), ("-1 to 1", Normal), ("160k", Constant),
    ("150%", Constant), ("normal(5, 1)", Normal),
    ("mixture(normal(0, 1), normal(5, 1))", Mixture),
])
def test_estimate_dist_reads_probabilities_in_percent(text: str, kind: type) -> None:
    assert isinstance(estimate_dist(text), kind)


# ---------------------------------------------------------------- pooling ---------------

TWO = [conv("senior", 30, market="SG", stage="series-b", estimates={"x": "normal(10, 2)"}),
       conv("junior", 5, market="US", stage="seed", estimates={"x": "normal(20, 3)"})]


def test_two_person_pool_caps_experience_at_twenty() -> None:
    chosen = pool_weights(TWO, "x")
    assert [(c.person, w) for c, w in chosen] == [("senior", 0.8), ("junior", 0.2)]
    prior = pool(TWO, "x")
    assert isinstance(prior, Mixture)
    m1, m2 = 10.0, 20.0
    assert [c.mean() for c in prior.components] == [m1, m2]
    assert prior.mean() == pytest.approx((20 * m1 + 5 * m2) / 25, abs=1e-12)  # 12.0


def test_two_person_pool_mean_against_a_large_sample() -> None:
    prior = pool(TWO, "x")
    rng = np.random.default_rng(2021)
    draws = prior.ppf(rng.random(400_000))
    # Mixture sd: sqrt(E[var] + var of means) = sqrt(0.8*4 + 0.2*9 + 0.16*100).
    sd = np.sqrt(0.8 * 4 + 0.2 * 9 + 0.8 * 0.2 * 100)
    se = sd / np.sqrt(draws.size)
    assert abs(draws.mean() - 12.0) < 4 * se
    assert np.mean(draws > 15.0) == pytest.approx(
        0.8 * (1 - 0.99379033) + 0.2 * 0.95220965, abs=0.005)  # from the normal cdf


def test_equal_weighting_and_a_lower_cap() -> None:
    assert pool(TWO, "x", weighting="equal").mean() == pytest.approx(15.0)
    assert pool(TWO, "x", cap=5).mean() == pytest.approx(15.0)
    assert pool(TWO, "x", cap=10).mean() == pytest.approx((10 * 10 + 5 * 20) / 15)


def test_filters_select_the_people() -> None:
    assert pool(TWO, "x", filters={"market": "sg"}).mean() == pytest.approx(10.0)
    assert pool(TWO, "x", filters={"stage": "Seed"}).mean() == pytest.approx(20.0)
    assert [c.person for c in select(TWO, {"market": "US", "stage": "seed"})] == ["junior"]
    with pytest.raises(ValueError, match="unknown research filter 'colour'"):
        select(TWO, {"colour": "red"})


def test_one_voice_per_person_the_latest() -> None:
    log = [conv("ana", 10, date=dt.date(2024, 5, 1), estimates={"x": "1"}),
           conv("ANA", 10, date=dt.date(2023, 1, 1), estimates={"x": "100"}),
           conv("bo", 10, estimates={"x": "3"}),
           conv("ana", 10, date=dt.date(2024, 5, 1), notes="same day, later", estimates={})]
    assert [c.estimates["x"] for c in latest_by_person(log, "x")] == ["1", "3"]
    assert pool(log, "x").mean() == pytest.approx(2.0)


@pytest.mark.parametrize("log, kwargs, message", [
    ([], {}, "no logged estimates of `x`: the research log is empty"),
    ([conv("a", 3, estimates={"y": "1"})], {}, "no logged estimates of `x`; the log has "
     "estimates of y"),
    (TWO, {"filters": {"market": "GB"}}, "no logged estimates of `x` with market=GB; 2 "
     "conversation.s. estimate it, in markets SG, US and stages seed, series-b"),
    ([conv("a", 0, estimates={"x": "1"})], {}, "0 years of experience"),
    (TWO, {"weighting": "votes"}, "weighting must be"),
    (TWO, {"cap": 0}, "cap must be > 0"),
])
def test_pool_errors_say_what_exists(log: list[Conversation], kwargs: dict[str, object],
                                     message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pool(log, "x", **kwargs)  # type: ignore[arg-type]


def test_zero_years_is_left_out_of_experience_weighting() -> None:
    log = [conv("new", 0, estimates={"x": "100"}), conv("old", 8, estimates={"x": "4"})]
    assert pool(log, "x").mean() == pytest.approx(4.0)
    assert pool(log, "x", weighting="equal").mean() == pytest.approx(52.0)


# ---------------------------------------------------------------- resolver --------------

def node(call: str, *args: object, **kwargs: object) -> RandomNode:
    return RandomNode(0, call, None, False, args, MappingProxyType(kwargs))


def test_resolver_pools_research_nodes() -> None:
    resolve = make_resolver(TWO, None)
    assert resolve(node("research", "x")).mean() == pytest.approx(12.0)
    assert resolve(node("research", "x", market="US")).mean() == pytest.approx(20.0)
    assert make_resolver(TWO, None, weighting="equal")(node("research", "x")).mean() == 15.0
    with pytest.raises(ValueError, match="no logged estimates of `nope`"):
        resolve(node("research", "nope"))
    with pytest.raises(ValueError, match="takes the param name"):
        resolve(node("research"))
    with pytest.raises(ValueError, match="cannot resolve normal"):
        resolve(node("normal", 1.0, 2.0))


def test_resolver_resamples_matching_salaries() -> None:
    from crossroads.evidence.market import parse_salaries

    table = parse_salaries(
        "work_year,experience_level,job_title,salary_in_usd,employee_residence\n"
        "2024,SE,Data Scientist,100000,SG\n2023,SE,Data Scientist,200000,SG\n"
        "2024,MI,Data Scientist,50000,SG\n2024,SE,Data Scientist,900000,US\n")
    resolve = make_resolver([], table)
    dist = resolve(node("market", title="data scientist", level="SE", country="SG"))
    assert isinstance(dist, Empirical) and dist.values == (100000.0, 200000.0)
    assert resolve(node("market", country="SG", since=2024.0)).values == (50000.0, 100000.0)
    with pytest.raises(ValueError, match="no row has country=GB"):
        resolve(node("market", title="Data Scientist", country="GB"))
    with pytest.raises(ValueError, match="unknown market.. filter 'city'"):
        resolve(node("market", city="Paris"))


def test_resolver_through_the_compiler() -> None:
    from crossroads.estimate.expr import compile_estimate

    compiled = compile_estimate("research(x, market=SG)").with_resolved(make_resolver(TWO))
    assert compiled.as_dist() is not None
    assert compiled.as_dist().mean() == pytest.approx(10.0)  # type: ignore[union-attr]


# ---------------------------------------------------------------- coverage --------------

LOG = [conv("a", 3, market="SG", stage="seed", estimates={"p_em": "40%", "hl": "3 to 5"}),
       conv("b", 12, market="US", stage="series-b", estimates={"p_em": "30%"}),
       conv("c", 25, market="US", stage="series-b", estimates={"hl": "2 to 4"}),
       conv("d", 7, estimates={"hl": "4 to 6"})]


def test_coverage_counts_and_gaps() -> None:
    result = coverage(LOG, ["p_em"])
    assert result.markets == ("SG", "US") and result.stages == ("seed", "series-b")
    assert dict(result.counts) == {("SG", "seed", "<5"): 1, ("US", "series-b", "10-20"): 1,
                                   ("US", "series-b", "20+"): 1, ("?", "?", "5-10"): 1}
    assert [(g.param, g.market, g.stage) for g in result.gaps] == [
        ("p_em", "SG", "series-b"), ("p_em", "US", "seed")]
    assert list(result.params) == ["p_em"]


def test_coverage_universe_includes_markets_the_decision_cares_about() -> None:
    result = coverage(LOG, ["hl"], markets=["gb"], stages=["Growth"])
    assert result.markets == ("GB", "SG", "US")
    assert result.stages == ("seed", "series-b", "growth")
    assert ("hl", "GB", "growth") in {(g.param, g.market, g.stage) for g in result.gaps}
    assert ("hl", "US", "series-b") not in {(g.param, g.market, g.stage) for g in result.gaps}


def test_coverage_defaults_to_every_param_and_serialises() -> None:
    data = coverage(LOG).to_dict()
    assert list(data["params"]) == ["hl", "p_em"]
    assert data["seniority"] == ["<5", "5-10", "10-20", "20+"]
    assert {"market": "SG", "stage": "seed", "seniority": "<5", "conversations": 1} in (
        data["cells"])


def test_people_for_summarises_one_param() -> None:
    pc = people_for(LOG, "p_em")
    assert (pc.people, pc.weight) == (2, 15.0)
    assert pc.markets == ("SG", "US") and pc.missing_markets == ()
    assert pc.missing_seniority == ("5-10", "20+")
    hl = coverage(LOG).people_for("hl")
    assert (hl.people, hl.weight, hl.missing_stages) == (3, 30.0, ())
    assert people_for(LOG, "nobody").people == 0
