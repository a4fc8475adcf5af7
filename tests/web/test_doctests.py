"""The examples in the web package's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["crossroads.web.catalog", "crossroads.web.dashboard", "crossroads.web.formatting",
           "crossroads.web.compiled",
           "crossroads.web.routes.market", "crossroads.web.routes.new",
           "crossroads.web.routes.research", "crossroads.web.starters",
           "crossroads.web.security", "crossroads.web.settings"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
