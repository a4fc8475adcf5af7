"""Gather everything a report shows into one plain dict: the *bundle*.

    import crossroads
    from crossroads.report.bundle import build_bundle
    bundle = build_bundle(crossroads.load("decision.yaml"), samples=20_000)
    bundle["run"]["options"]["ml_lead"]["p_best"]

The bundle is ``{"run": ..., "voi": ..., "sensitivity": ..., "smaa": ..., "skills": ...,
"coverage": ..., "market": ...}``, each value the JSON of that analysis exactly as
docs/cli.md shapes it; every key but ``run`` is optional, and the report draws a section
only for the keys present. Being plain JSON, a bundle can be saved, sent to the web app, or
built by hand in a test.

This module is an edge: it runs the simulations (through the public API, which creates the
random streams from the seed).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crossroads.model.compile import Model

__all__ = ["ANALYSES", "build_bundle"]

#: Bundle key -> extra keyword arguments, for each analysis of the public API the report
#: uses. An analysis the installed ``crossroads`` does not have yet is skipped, not faked.
ANALYSES: dict[str, dict[str, Any]] = {
    "voi": {},
    "sensitivity": {"method": "tornado"},
    "smaa": {},
    "skills": {},
}


def build_bundle(model: Model, *, samples: int | None = None, seed: int | None = None,
                 on_progress: Callable[[str, float], None] | None = None) -> dict[str, Any]:
    """Run ``model`` and every available analysis; return the bundle a report is built from.

    ``samples`` and ``seed`` override the decision file's. The run and the analyses read
    one sample, drawn and simulated once: the run keeps each draw the analyses read as it
    goes, and each analysis that accepts ``samples`` is asked for the run's count (with
    ``samples: auto``, the count the run chose, in its own blocks of draws). ``skills`` is
    left out when the decision declares no skills. A sample count whose kept numbers (the
    run's and the analyses') the memory budget refuses raises DecisionError before
    anything runs.
    ``on_progress(stage, fraction)`` hears the share of the work done (the web app's
    progress bar), the run's chunks included.
    """
    say = on_progress or (lambda _stage, _fraction: None)
    import crossroads
    from crossroads.api import samples_for_run
    from crossroads.engine import budget
    from crossroads.engine.collect import SampleKeeper, one_sample, share
    from crossroads.engine.precision import AUTO_FLOOR

    # one pass: the run's draws are kept for the analyses as they are simulated, so both
    # read the same futures (an auto run's: its own count, in its own blocks). What both
    # keep is refused before the run, not after it.
    keep_skills = bool(model.skills) and "skills" in ANALYSES
    keeper = SampleKeeper(model, keep_skills=keep_skills)
    n = samples_for_run(model, samples)
    budget.check(model, AUTO_FLOOR if n == "auto" else n, keeper.purpose)
    steps = 1 + len(ANALYSES)
    result = crossroads.run(model, samples=samples, seed=seed, keep=keeper,
                            on_progress=lambda f: say("run", f / steps))
    bundle: dict[str, Any] = {"run": result.to_dict()}
    with one_sample():  # the analyses read the run's sample
        share(model, result.seed, keeper.sample(), keep_skills=keep_skills)
        del keeper
        for done, (key, kwargs) in enumerate(ANALYSES.items(), 1):
            analysis = getattr(crossroads, key, None)
            if not callable(analysis) or (key == "skills" and not model.skills):
                continue
            say(key, done / steps)
            extra = _accepted(analysis, {"samples": result.samples, "seed": result.seed})
            bundle[key] = analysis(model, **kwargs, **extra).to_dict()
    say("done", 1.0)
    return bundle


def _accepted(func: Callable[..., Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """The items of ``wanted`` that are set and that ``func`` takes as keywords."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):  # a builtin or C function without a signature
        return {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    return {k: v for k, v in wanted.items()
            if v is not None and (takes_any or k in params)}
