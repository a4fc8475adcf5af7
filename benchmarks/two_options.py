"""The two-option model: the engine against hand-written NumPy, squigglepy and the RNG floor.

All in one process, on ``models/two_options.yaml``. Every comparison first checks that the
implementations agree on the mean NPVs within Monte Carlo error; the hand-written version
that computes the whole report must also agree on P(best) and on P(break-even within the
horizon).
"""

from __future__ import annotations

import importlib
import inspect
import math
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import handwritten
import numpy as np
import numpy.typing as npt
from timing import Section, Timing, repeat, seconds, timed

import crossroads

FloatArray = npt.NDArray[np.float64]

#: Agreement: |difference of means| within this many combined standard errors.
Z_AGREE = 4.0


@dataclass(frozen=True)
class Means:
    """Mean NPV of stay and switch and the mean value difference, with standard errors."""

    values: tuple[float, ...]
    errors: tuple[float, ...]

    HEADER = ("mean NPV stay | mean NPV switch | mean value difference (switch - stay), "
              "each +- its Monte Carlo standard error")
    FORMAT = ",.0f"

    @classmethod
    def of(cls, stay: FloatArray, switch: FloatArray) -> Means:
        diff = switch - stay

        def se(x: FloatArray) -> float:
            return float(x.std() / math.sqrt(x.size))

        return cls((float(stay.mean()), float(switch.mean()), float(diff.mean())),
                   (se(stay), se(switch), se(diff)))

    @classmethod
    def of_report(cls, report: dict[str, Any], diff_error: float) -> Means:
        """From a `run --json`-shaped dict, which does not report the difference's error:
        the same model at the same n has the same error, so ``diff_error`` stands in."""
        stay, switch = report["options"]["stay"], report["options"]["switch"]
        return cls((stay["npv"]["mean"], switch["npv"]["mean"],
                    switch["vs_baseline"]["value_mean"]),
                   (stay["mcse"]["npv_mean"], switch["mcse"]["npv_mean"], diff_error))

    def z(self, other: Means) -> list[float]:
        """Differences in combined standard errors, for each value."""
        return [(a - b) / math.hypot(ea, eb) for a, b, ea, eb in
                zip(self.values, other.values, self.errors, other.errors, strict=True)]

    def text(self) -> str:
        return " | ".join(f"{v:{self.FORMAT}} +- {e:{self.FORMAT}}"
                          for v, e in zip(self.values, self.errors, strict=True))


@dataclass(frozen=True)
class Chances(Means):
    """P(switch has the highest value) and P(switch breaks even within the horizon)."""

    HEADER = ("P(switch best) | P(switch breaks even with stay within the horizon), each +- "
              "its binomial standard error sqrt(p (1 - p) / n)")
    FORMAT = ".4f"

    @classmethod
    def of_report(cls, report: dict[str, Any], diff_error: float = 0.0) -> Chances:
        switch, n = report["options"]["switch"], report["samples"]
        values = (switch["p_best"], switch["break_even"]["p_within_horizon"])
        return cls(values, tuple(math.sqrt(p * (1.0 - p) / n) for p in values))


@dataclass
class Probe:
    """Where the engine's time goes, and which random numbers it draws."""

    stages: dict[str, float] = field(default_factory=dict)
    slots: list[tuple[int, str, str, tuple[int, ...]]] = field(default_factory=list)

    def counts(self) -> tuple[int, int]:
        """(normals, uniforms) drawn, counting each cached stream once."""
        sizes = {"u": 0, "z": 0}
        for _, kind, _, shape in set(self.slots):
            sizes[kind] += math.prod(shape)
        return sizes["z"], sizes["u"]


def engine_report(model: Any, n: int) -> tuple[float, dict[str, Any]]:
    """One engine run: (seconds, ``to_dict()``); the dict is built outside the timing."""
    seconds_, result = timed(lambda: crossroads.run(model, samples=n))
    return seconds_, result.to_dict()


@contextmanager
def patched(obj: Any, name: str, wrap: Callable[[Any], Any]) -> Iterator[None]:
    """Replace ``obj.name`` by ``wrap(obj.name)`` for the block; restore it exactly."""
    raw = inspect.getattr_static(obj, name)
    setattr(obj, name, wrap(getattr(obj, name)))
    try:
        yield
    finally:
        setattr(obj, name, raw)


def _stage(probe: Probe, name: str) -> Callable[[Any], Any]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                probe.stages[name] = probe.stages.get(name, 0.0) + time.perf_counter() - start
        return timed_call
    return wrap


def _recorder(probe: Probe) -> Callable[[Any], Any]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def get(self: Any, kind: str, key: str, shape: tuple[int, ...]) -> Any:
            probe.slots.append((self.chunk, kind, key, shape))
            return fn(self, kind, key, shape)
        return get
    return wrap


def probe_engine(model: Any, n: int) -> Probe:
    """One instrumented run: time per stage and every random stream drawn.

    Wraps the stages ``crossroads.engine.loop.run_model`` calls; a stage it no longer calls
    by that name is simply missing from the breakdown.
    """
    loop = importlib.import_module("crossroads.engine.loop")
    sample = importlib.import_module("crossroads.simulate.sampling")
    summary = importlib.import_module("crossroads.analysis.summary")

    probe = Probe()
    with ExitStack() as stack:
        for obj, name, label in ((loop, "draw", "draw params"),
                                 (loop, "simulate", "simulate paths"),
                                 (summary, "reduce", "reduce years"),
                                 (loop, "summarise", "summarise")):
            if hasattr(obj, name):
                stack.enter_context(patched(obj, name, _stage(probe, label)))
        stack.enter_context(patched(sample.Streams, "_get", _recorder(probe)))
        total, _ = timed(lambda: crossroads.run(model, samples=n))
    probe.stages["other (collect, loop)"] = total - sum(probe.stages.values())
    probe.stages["total"] = total
    return probe


def stage_note(path: Path, n: int) -> str:
    """One warm in-process run of ``path``: the engine's time by stage, as a sentence."""
    model = crossroads.load(path)
    crossroads.run(model, samples=10_000)  # warm-up: lazy imports, tables built on first use
    stages = probe_engine(model, n).stages
    total = stages.pop("total")
    parts = ", ".join(f"{name} {seconds(t)} ({t / total:.0%})" for name, t in stages.items())
    return (f"Where the time goes at {n:,} draws (one warm in-process run, "
            f"{seconds(total)}): {parts}.")


@dataclass
class Comparison:
    """Section 2's measurements, reused by sections 3 and 4."""

    model: Any
    n: int
    engine: Timing
    hand: Timing     # hand-written, NPVs and means only
    report: Timing   # hand-written, the same report as `run`
    probe: Probe
    means: Means
    same_report: Means   # the hand-written report's, for section 3's note


@dataclass
class Runs:
    """Alternating runs of the engine and the two hand-written versions, and what they found."""

    engine: list[float] = field(default_factory=list)
    hand: list[float] = field(default_factory=list)
    report: list[float] = field(default_factory=list)
    means: dict[str, Means] = field(default_factory=dict)
    chances: dict[str, Means] = field(default_factory=dict)

    def paired(self, other: list[float]) -> float:
        """Median of the per-round ratios engine / other."""
        return float(np.median([e / o for e, o in zip(self.engine, other, strict=True)]))


NPV_ONLY = "hand-written NumPy, NPVs and means only (`handwritten.simulate`)"
SAME_REPORT = "hand-written NumPy, the same report as `run` (`handwritten.report`)"


def versus_handwritten(path: Path, n: int, repeats: int) -> tuple[Section, Comparison]:
    """Section 2: the engine against the two hand-written NumPy versions, alternating runs.

    The target is judged against the version that computes the same report as `run`.
    """
    model = crossroads.load(path)
    crossroads.run(model, samples=50_000)  # warm-up: lazy imports, first-call costs
    handwritten.simulate(50_000, 0)
    handwritten.report(50_000, 0)
    runs = _alternate(model, n, repeats)
    cmp = Comparison(model, n, Timing(tuple(runs.engine)), Timing(tuple(runs.hand)),
                     Timing(tuple(runs.report)), probe_engine(model, n), runs.means["engine"],
                     runs.means["hand-written, same report"])
    ratio = cmp.engine.median / cmp.report.median
    sec = Section(2, f"Two-option 10-year model ({path.name}) at {n:,} draws: engine vs "
                  "hand-written NumPy", "engine within 1.5x of the hand-written version "
                  "computing the same report", met=ratio <= 1.5,
                  header=("implementation", "time (median [spread])", "ratio engine / this"))
    sec.rows += [("engine: `crossroads.run(model, samples=N)`", str(cmp.engine), "1.00"),
                 (NPV_ONLY, str(cmp.hand), f"{cmp.engine.median / cmp.hand.median:.2f} "
                  f"(paired runs: median {runs.paired(runs.hand):.2f})"),
                 (SAME_REPORT, str(cmp.report),
                  f"**{ratio:.2f}** (paired runs: median {runs.paired(runs.report):.2f})")]
    sec.rows += _stage_rows(cmp)
    sec.notes += agreement(runs.means["engine"], {k: v for k, v in runs.means.items()
                                                   if k != "engine"})
    sec.notes += agreement(runs.chances["engine"], {"hand-written, same report":
                                                    runs.chances["hand-written, same report"]})
    sec.notes += _section2_notes(ratio)
    return sec, cmp


def _section2_notes(ratio: float) -> list[str]:
    threads = getattr(importlib.import_module("crossroads.simulate.paths"), "THREADS", 1)
    return [
        f"The target is judged on the same-report row (ratio {ratio:.2f}): an apples-to-apples "
        "comparison, both sides computing everything `run --json` reports for this model "
        "(NPV, value and first-year base cash mean/p5/p50/p95, P(best) with ties split and "
        "its standard error, the means' standard errors, regret, the comparison with the "
        "baseline, the break-even distribution, the 40-bin value histogram, the cash fan "
        "and the input screen over the first 200,000 draws). The NPV-only row is the "
        "simulation alone and stays for reference.",
        "Not in the hand-written report: the verdict sentences the engine writes from these "
        "numbers (well under a millisecond). The model has no criteria and no market "
        "reference, so the engine runs no quick SMAA and no salary comparison either.",
        f"The engine walks and settles the options, and runs the summary's independent "
        f"parts, in {threads} thread(s) (`crossroads.simulate.paths.THREADS`); the "
        "hand-written versions in one.",
        "Engine stage rows: one instrumented run, each stage's share of that run's total.",
    ]


def _alternate(model: Any, n: int, repeats: int) -> Runs:
    """Engine and both hand-written versions in turn (so that load changes hit all alike)."""
    runs = Runs()
    for i in range(repeats):
        t_eng, eng = engine_report(model, n)
        t_hand, h = timed(partial(handwritten.simulate, n, 1 + i))
        t_rep, rep = timed(partial(handwritten.report, n, 1 + i))
        runs.engine.append(t_eng)
        runs.hand.append(t_hand)
        runs.report.append(t_rep)
    m_hand = Means.of(h.stay, h.switch)
    runs.means = {"engine": Means.of_report(eng, m_hand.errors[2]), "hand-written": m_hand,
                  "hand-written, same report": Means.of_report(rep, m_hand.errors[2])}
    runs.chances = {"engine": Chances.of_report(eng),
                    "hand-written, same report": Chances.of_report(rep)}
    return runs


def _stage_rows(cmp: Comparison) -> list[tuple[str, ...]]:
    """The engine's time by stage, from one instrumented run."""
    total = cmp.probe.stages["total"]
    return [(f"engine stage: {name} (one instrumented run)",
             f"{seconds(t)} ({t / total:.0%})", "") for name, t in cmp.probe.stages.items()]


def agreement(engine: Means, others: dict[str, Means]) -> list[str]:
    """Notes saying whether each implementation agrees with the engine's estimates."""
    header = (f"{engine.HEADER}; z = difference from the engine in combined standard "
              f"errors (agreement: |z| < {Z_AGREE:.0f})")
    notes = [header, "engine: " + engine.text()]
    for name, m in others.items():
        z = m.z(engine)
        ok = "agree" if max(abs(x) for x in z) < Z_AGREE else "DISAGREE"
        notes.append(f"{name}: {m.text()}; z = {', '.join(f'{x:+.1f}' for x in z)}: {ok}")
    for line in notes:
        print("  " + line, flush=True)
    return notes


def versus_squigglepy(cmp: Comparison, n_function: int, repeats: int) -> Section:
    """Section 3: squigglepy 0.30, model-function style and array style, against the engine."""
    sec = Section(3, f"The same model in squigglepy at {cmp.n:,} draws",
                  "none (a reference point): the engine's time against a probabilistic-"
                  "programming library's two documented styles",
                  header=("implementation", "draws", "time (median [spread])",
                          "per draw", f"time at {cmp.n:,} / engine's"))
    try:
        import squigglepy as sq
    except ImportError:
        sec.notes.append("squigglepy is not installed (`pip install -e '.[bench]'`): skipped.")
        return sec
    from squiggle import sample_arrays, sample_model_function

    eng = cmp.engine.median
    sec.rows.append(("engine", f"{cmp.n:,}", str(cmp.engine), seconds(eng / cmp.n), "1.00"))
    sample_arrays(sq, 10_000, 0)  # warm-up
    t_arr = _repeat_keep(lambda seed: sample_arrays(sq, cmp.n, seed), repeats)
    sec.rows.append((f"squigglepy {sq.__version__} array style", f"{cmp.n:,}", str(t_arr[0]),
                     seconds(t_arr[0].median / cmp.n), f"{t_arr[0].median / eng:.2f}"))
    t_fn = _repeat_keep(lambda seed: sample_model_function(sq, n_function, seed), repeats)
    per_draw = t_fn[0].median / n_function
    sec.rows.append((f"squigglepy {sq.__version__} model function (`sq.sample(fn, n=N)`)",
                     f"{n_function:,}", str(t_fn[0]), seconds(per_draw),
                     f"{per_draw * cmp.n / eng:.0f} (extrapolated: {seconds(per_draw * cmp.n)} "
                     f"at {cmp.n:,})"))
    if n_function < cmp.n:
        sec.notes.append(f"The model-function style runs {n_function:,} draws only (one "
                         "Python call per future, about a millisecond each); its time at "
                         f"{cmp.n:,} is EXTRAPOLATED linearly from the per-draw cost.")
    arrays = _means(t_arr[1])
    sec.notes += agreement(cmp.means, {"squigglepy arrays": arrays,
                                       "squigglepy model function": _means(t_fn[1])})
    if np.allclose(arrays.values, cmp.same_report.values, rtol=1e-12, atol=1e-6):
        sec.notes.append("The array style draws the same PCG64 numbers in the same order as "
                         "`handwritten.report` (same seed), so its means equal that version's "
                         "to the last digit: one model, two independent codings.")
    return sec


def _repeat_keep(fn: Callable[[int], FloatArray], repeats: int) -> tuple[Timing, FloatArray]:
    """Time ``fn(seed)`` ``repeats`` times; keep the last result."""
    values: list[float] = []
    out = np.empty(0)
    for i in range(repeats):
        t, out = timed(partial(fn, 1 + i))
        values.append(t)
    return Timing(tuple(values)), out


def _means(npv: FloatArray) -> Means:
    return Means.of(npv[:, 0], npv[:, 1])


def rng_floor(cmp: Comparison, repeats: int) -> Section:
    """Section 4: drawing the engine's random numbers alone, the floor of any version."""
    normals, uniforms = cmp.probe.counts()
    by_chunk: dict[int, list[tuple[str, str, tuple[int, ...]]]] = {}
    for chunk, kind, key, shape in sorted(set(cmp.probe.slots)):
        by_chunk.setdefault(chunk, []).append((kind, key, shape))
    bulk = repeat(lambda: _bulk(by_chunk), repeats)
    keyed = repeat(lambda: _keyed(by_chunk), repeats)
    h_norm, h_unif = handwritten.random_count(cmp.n)
    sec = Section(4, f"RNG floor at {cmp.n:,} draws of the two-option model",
                  "none (the lower bound any implementation pays)",
                  header=("what", "time (median [spread])", "engine / this",
                          "hand-written NPV-only / this"))
    for name, t in (("one PCG64 generator, the engine's array shapes", bulk),
                    ("the engine's keyed streams (`Streams`, one per key and chunk)", keyed),
                    ("engine, whole run (section 2)", cmp.engine),
                    ("hand-written NumPy, NPVs and means only (section 2)", cmp.hand),
                    ("hand-written NumPy, the same report as `run` (section 2)", cmp.report)):
        sec.rows.append((name, str(t), f"{cmp.engine.median / t.median:.2f}",
                         f"{cmp.hand.median / t.median:.2f}"))
    sec.notes.append(f"The engine draws {normals:,} standard normals and {uniforms:,} "
                     f"uniforms ({(normals + uniforms) / cmp.n:.0f} per draw), counted by "
                     f"instrumenting `Streams`; both hand-written versions draw {h_norm:,} "
                     f"and {h_unif:,}.")
    return sec


def _bulk(by_chunk: dict[int, list[tuple[str, str, tuple[int, ...]]]]) -> None:
    rng = np.random.default_rng(0)
    for slots in by_chunk.values():
        for kind, _, shape in slots:
            rng.random(shape) if kind == "u" else rng.standard_normal(shape)


def _keyed(by_chunk: dict[int, list[tuple[str, str, tuple[int, ...]]]]) -> None:
    from crossroads.simulate.sampling import Streams

    for chunk, slots in by_chunk.items():
        streams = Streams(0, chunk)
        for kind, key, shape in slots:
            streams.uniform(key, shape) if kind == "u" else streams.normal(key, shape)
