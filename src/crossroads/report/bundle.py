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

    ``samples`` and ``seed`` override the decision file's, for the run and for each analysis
    that accepts them. ``skills`` is left out when the decision declares no skills. A sample
    count the analyses' memory budget refuses raises DecisionError before anything runs.
    ``on_progress(stage, fraction)`` hears the share of the work done (the web app's
    progress bar), the run's chunks included.
    """
    say = on_progress or (lambda _stage, _fraction: None)
    import crossroads
    from crossroads.engine import budget

    # the analyses keep more per draw than `run`: refuse before the run, not after it
    budget.check(model, samples if samples is not None else model.samples, "report")
    steps = 1 + len(ANALYSES)
    bundle: dict[str, Any] = {"run": crossroads.run(
        model, samples=samples, seed=seed,
        on_progress=lambda f: say("run", f / steps)).to_dict()}
    from crossroads.engine.collect import collect, one_sample

    with one_sample():  # the analyses read one sample of the same draws
        if model.skills and "skills" in ANALYSES:  # kept with the skills: one sample for all
            collect(model, samples, seed, keep_skills=True)
        for done, (key, kwargs) in enumerate(ANALYSES.items(), 1):
            analysis = getattr(crossroads, key, None)
            if not callable(analysis) or (key == "skills" and not model.skills):
                continue
            say(key, done / steps)
            extra = _accepted(analysis, {"samples": samples, "seed": seed})
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
