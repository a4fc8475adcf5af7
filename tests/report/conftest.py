"""A real small run shared by the report tests (simulated once per session)."""

from __future__ import annotations

from typing import Any

import pytest

import crossroads
from tests.conftest import decision_text

#: Three options, two criteria (one priced), a step up and a failure hazard: every part of
#: the run JSON the report reads is present.
SMALL = decision_text("""
stay:
  label: Stay as ML lead
  roles:
    lead:
      cash: 150k
      raise: 2% to 5%
      criteria: {fun: 3 to 5, growth: 3}
      next: [{to: gone, per_year: 5% to 10%}]
    gone: {cash: previous * 0.5, criteria: {fun: 2, growth: 2}, next: [{to: lead, after: 1}]}
move:
  label: Platform engineer
  roles:
    eng:
      cash: 60k to 80k
      raise: 5% to 10%
      criteria: {fun: 7 to 9, growth: 8}
      next: [{to: em, after: 2 to 3, chance: 40% to 60%}]
    em: {cash: previous * (1.5 to 2), criteria: {fun: 6, growth: 6}}
rest:
  label: A year off
  roles:
    off: {cash: 0, criteria: {fun: 9, growth: 5}, next: [{to: back, after: 1}]}
    back: {cash: 120k to 140k, raise: 3%, criteria: {fun: 4, growth: 3}}
""", horizon=6, discount="5%", extra="""
views: [3]
criteria:
  fun: {worth: 5k to 10k}
  growth: {}
""")


def small_run(text: str = SMALL, samples: int = 2000) -> dict[str, Any]:
    """``run.to_dict()`` of ``text``."""
    return crossroads.run(crossroads.load(text), samples=samples).to_dict()


@pytest.fixture(scope="session")
def run_dict() -> dict[str, Any]:
    return small_run()
