"""research(...) params end to end: the log feeds the prior, VoI says whom to ask next."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import crossroads
from crossroads.cli import app
from tests.conftest import decision_text

runner = CliRunner()

TEXT = decision_text("""
stay: {roles: {r: {cash: 100k}}}
move:
  roles:
    s: {cash: 80k, next: [{to: em, after: 2, chance: p_em}]}
    em: {cash: previous * 1.6}
""", horizon=6, extra="params:\n  p_em: research(p_em)\n")


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    for person, years, market, estimate in [("ana", 30, "SG", "40% to 60%"),
                                            ("raj", 5, "IN", "20% to 30%")]:
        result = runner.invoke(app, ["research", "add", "--db", url, "--person", person,
                                     "--years", str(years), "--market", market,
                                     "--stage", "series-b", "--estimate", f"p_em={estimate}"])
        assert result.exit_code == 0, result.output
    return url


def test_pooled_prior_weights_people_by_capped_experience(db: str) -> None:
    model = crossroads.load(TEXT, db=db)
    dist = model.params["p_em"].expr.as_dist()
    assert dist is not None
    # ana: 30 years -> weight 20 (the cap); raj: 5 years -> weight 5
    means = sorted(c.mean() for c in dist.components)
    expected = (5 * means[0] + 20 * means[1]) / 25
    assert dist.mean() == pytest.approx(expected, rel=1e-9)


def test_voi_counts_the_people_behind_a_research_param(db: str) -> None:
    model = crossroads.load(TEXT, db=db)
    report = crossroads.voi(model, samples=5000, ask=3, db=db).to_dict()
    assert report["people"] == {"p_em": 2}
    assert report["research"]["p_em"]["people"] == 2


def test_a_research_param_nobody_estimated_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(crossroads.DecisionError, match="p_em"):
        crossroads.load(TEXT, db=url)
