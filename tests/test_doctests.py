"""Every docstring example in the package runs and says what it shows (once: the web
package's are in tests/web/test_doctests.py)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import crossroads

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(crossroads.__path__, "crossroads.")
    if not m.name.startswith("crossroads.web")
)


#: Modules whose examples are their documentation: losing them all is a failure, not a pass.
WITH_EXAMPLES = {f"crossroads.analysis.{m}" for m in ("voi", "smaa", "sensitivity", "risk",
                                                       "prices")} | {"crossroads.format"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring examples failed in {name}"
    assert result.attempted > 0 or name not in WITH_EXAMPLES, f"{name} lost its examples"
