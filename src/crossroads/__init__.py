"""crossroads: a local-first career-decision engine.

Write your options down with honest uncertainty; crossroads simulates each path year by
year and says what each is worth, how likely each is to be best and when a switch breaks
even.

    import crossroads
    decision = crossroads.load("decision.yaml")
    result = crossroads.run(decision)
    result.to_dict()
    crossroads.voi(decision), crossroads.sensitivity(decision, method="sobol"),
    crossroads.smaa(decision), crossroads.skills(decision)   # each with .to_dict()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crossroads.errors import DecisionError

if TYPE_CHECKING:
    from crossroads.api import (
        load,
        option_value,
        prices,
        risk,
        run,
        sensitivity,
        skills,
        smaa,
        voi,
    )

__version__ = "0.1.0"

#: Names bound on first use (PEP 562). Each analysis imports what it needs (SciPy's stats and
#: optimisers, the analysis modules) inside its function: `crossroads run` loads none of it.
#: `load` and `run` too, so that `import crossroads` (and the command line, which imports it
#: first) imports no NumPy until a decision is loaded: `crossroads.cli.main` sets the BLAS
#: threads of `run` before NumPy starts them.
_LAZY = {name: "crossroads.api" for name in
         ("load", "option_value", "prices", "risk", "run", "sensitivity", "skills", "smaa",
          "voi")}

__all__ = [
    "DecisionError",
    "__version__",
    "load",
    "option_value",
    "prices",
    "risk",
    "run",
    "sensitivity",
    "skills",
    "smaa",
    "voi",
]


_RESOLVED: set[str] = set()


def __getattr__(name: str) -> Any:
    # Resolved once, then an ordinary attribute: `del crossroads.voi` removes it for good,
    # as it would an eagerly imported name.
    module = _LAZY.get(name)
    if module is None or name in _RESOLVED:
        raise AttributeError(f"module 'crossroads' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    _RESOLVED.add(name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *(_LAZY.keys() - _RESOLVED)})
