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

from crossroads.analyses import (
    option_value,
    prices,
    risk,
    sensitivity,
    skills,
    smaa,
    voi,
)
from crossroads.api import load, run
from crossroads.model.errors import DecisionError

__version__ = "0.1.0"

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
