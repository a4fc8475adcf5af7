"""The default resolver: the research log in a database, the shipped market data."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from crossroads.estimate.dists import Empirical
from crossroads.estimate.expr import RandomNode
from crossroads.evidence.research import Conversation
from crossroads.evidence.resolve import load_log, make_default_resolver
from crossroads.store import import_conversations, transaction

LOG = [Conversation("senior", 30, market="SG", estimates={"p_em": "30% to 50%",
                                                          "half_life": "normal(10, 2)"}),
       Conversation("junior", 5, market="US", estimates={"half_life": "normal(20, 3)"})]


def node(call: str, *args: object, **kwargs: object) -> RandomNode:
    return RandomNode(0, call, None, False, args, MappingProxyType(kwargs))


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    with transaction(url) as conn:
        import_conversations(conn, LOG)
    return url


def test_reads_the_log_and_pools(db: str) -> None:
    assert load_log(db) == LOG
    resolve = make_default_resolver(db)
    assert resolve(node("research", "half_life")).mean() == pytest.approx(12.0)
    equal = make_default_resolver(db, weighting="equal")
    assert equal(node("research", "half_life")).mean() == pytest.approx(15.0)
    dist = resolve(node("market", title="Data Scientist", country="SG"))
    assert isinstance(dist, Empirical) and len(dist.values) > 0


def test_an_unreadable_log_fails_only_research_nodes() -> None:
    resolve = make_default_resolver("postgresql://u:secret@127.0.0.1:1/none")
    with pytest.raises(ValueError, match="research log, which cannot be read") as info:
        resolve(node("research", "half_life"))
    assert "secret" not in str(info.value)
    assert resolve(node("market", country="SG")).mean() > 0


def test_market_only_files_never_open_the_database() -> None:
    resolve = make_default_resolver("postgresql://u@127.0.0.1:1/none", needs_research=False)
    with pytest.raises(ValueError, match="no logged estimates of `x`"):
        resolve(node("research", "x"))


def test_a_decision_file_draws_from_the_log(db: str) -> None:
    import crossroads

    text = ("decision: Switch?\nhorizon: 2\nsamples: 2000\nseed: 1\n"
            "params:\n  hl: research(half_life)\n  hl_sg: research(half_life, market=SG)\n"
            "  pay: market(title='Data Scientist', level=SE, country=US)\n"
            "options:\n  stay: {roles: {job: {cash: pay + hl + hl_sg}}}\n")
    model = crossroads.load(text, db=db)
    assert model.params["hl"].expr.as_dist().mean() == pytest.approx(12.0)  # type: ignore[union-attr]
    assert model.params["hl_sg"].expr.as_dist().mean() == pytest.approx(10.0)  # type: ignore[union-attr]


def test_a_missing_param_is_a_located_decision_error(db: str) -> None:
    import crossroads
    from crossroads.errors import DecisionError

    text = ("decision: Switch?\nparams:\n  x: research(nobody_said)\n"
            "options:\n  stay: {roles: {job: {cash: 1 + x}}}\n")
    with pytest.raises(DecisionError, match="no logged estimates of `nobody_said`") as info:
        crossroads.load(text, db=db)
    assert info.value.line == 3
