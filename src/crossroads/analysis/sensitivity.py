"""Which inputs move the answer: Sobol indices (variance-based) and a tornado.

Usage::

    def model(u):                 # u: (N, D) points of the unit hypercube
        draws = {p: quantile[p](u[:, j]) for j, p in enumerate(names)}
        return value_difference(draws)              # (N,)
    sobol(model, names, 4096, rng).to_dict(target="platform - ml_lead")

    tornado(lambda overrides: mean_difference(overrides), names, p5s, p95s)

Sobol: the caller maps uniforms through each param's quantile function, so the same
compiled model serves Monte Carlo and sensitivity. The design is Saltelli's (A, B and
the A-with-column-j-from-B matrices, from a scrambled Sobol' sequence) and the estimators
are SALib's ``SALib.analyze.sobol.analyze`` (Saltelli 2010 first order, Jansen total
order, bootstrap confidence intervals). S1_j = V(E[Y | X_j]) / V(Y) is the share of the
variance that X_j explains alone; ST_j = E[V(Y | X_~j)] / V(Y) counts its interactions too.

The sample matrix is built here, vectorised, with exactly SALib's layout and the same
scrambled sequence (``SALib.sample.sobol.sample`` fills it in a Python loop: 3 s for 40
params at N = 4096); a test checks the two agree point for point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from crossroads._types import FloatArray

_EDGE = 1e-12     # keep points off 0 and 1, where unbounded quantile functions are infinite


@dataclass(frozen=True, eq=False)
class SobolResult:
    """First-order and total Sobol indices with half-widths of their confidence intervals."""

    names: tuple[str, ...]
    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray
    n_evaluations: int

    def to_dict(self, target: str = "") -> dict[str, object]:
        """The ``sensitivity --json`` shape of docs/cli.md for ``method: sobol``."""
        return {
            "method": "sobol",
            "target": target,
            "indices": {p: {"S1": float(self.s1[j]), "ST": float(self.st[j]),
                            "S1_conf": float(self.s1_conf[j]),
                            "ST_conf": float(self.st_conf[j])}
                        for j, p in enumerate(self.names)},
            "n_evaluations": self.n_evaluations,
        }


@dataclass(frozen=True)
class TornadoBar:
    """The output with one param at its low input and at its high input, the rest base."""

    param: str
    low: float
    high: float
    low_input: float
    high_input: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


@dataclass(frozen=True)
class TornadoResult:
    """Bars sorted by swing, widest first, around the base output."""

    base: float
    bars: tuple[TornadoBar, ...]

    def to_dict(self, target: str = "") -> dict[str, object]:
        """The ``sensitivity --json`` shape of docs/cli.md for ``method: tornado``."""
        return {"method": "tornado", "target": target, "base": self.base,
                "bars": [{"param": b.param, "low": b.low, "high": b.high,
                          "low_input": b.low_input, "high_input": b.high_input}
                         for b in self.bars]}


def saltelli_points(d: int, n: int, rng: np.random.Generator, *,
                    second_order: bool = False) -> FloatArray:
    """Saltelli's design on the unit hypercube, SALib's row layout; ``n`` a power of two.

    Rows come in blocks of d + 2 (2d + 2 with ``second_order``) per base point:
    A, then A with column j taken from B for each j, [then B with column j from A], then B.

    >>> saltelli_points(2, 4, np.random.default_rng(0)).shape
    (16, 2)
    """
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two, got {n}")
    # here, not at the top: scipy.stats and SALib take a second to import, and the tornado
    # uses neither
    from scipy.stats import qmc

    base = qmc.Sobol(d=2 * d, scramble=True, rng=rng).random(n)
    a, b = base[:, :d], base[:, d:]
    idx = np.arange(d)
    blocks = [a[:, None, :], np.repeat(a[:, None, :], d, axis=1)]
    blocks[1][:, idx, idx] = b
    if second_order:
        ba = np.repeat(b[:, None, :], d, axis=1)
        ba[:, idx, idx] = a
        blocks.append(ba)
    blocks.append(b[:, None, :])
    return np.concatenate(blocks, axis=1).reshape(-1, d)


def sobol(func: Callable[[FloatArray], FloatArray], names: Sequence[str], n: int,
          rng: np.random.Generator, *, num_resamples: int = 100,
          conf_level: float = 0.95) -> SobolResult:
    """First-order and total Sobol indices of ``func`` over independent uniform inputs.

    ``func(u)`` takes ``u`` of shape ``(N, D)`` in (0, 1) and returns ``(N,)``; ``n`` base
    points (rounded up to a power of two) cost ``n * (D + 2)`` evaluations.

    >>> r = sobol(lambda u: u[:, 0] + 0.0 * u[:, 1], ["x", "y"], 1024,
    ...           np.random.default_rng(0))
    >>> np.round(r.s1, 2).tolist(), np.round(r.st, 2).tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    d = len(names)
    n2 = 1 << max(1, int(np.ceil(np.log2(max(n, 2)))))
    u = np.clip(saltelli_points(d, n2, rng), _EDGE, 1.0 - _EDGE)
    y = np.asarray(func(u), dtype=np.float64).reshape(-1)
    if y.shape[0] != u.shape[0] or not np.all(np.isfinite(y)):
        raise ValueError(f"func must return {u.shape[0]} finite values, one per row of u")
    if np.ptp(y) == 0:       # a constant output: nothing to apportion (SALib would warn)
        zeros = np.zeros(d)
        return SobolResult(tuple(names), zeros, zeros, zeros, zeros, int(y.shape[0]))
    problem = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    seed = int(rng.integers(1, 2**31 - 1))      # SALib treats a seed of 0 as "unseeded"
    from SALib.analyze import sobol as sobol_analyze

    res = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                num_resamples=num_resamples, conf_level=conf_level,
                                print_to_console=False, seed=seed)
    return SobolResult(tuple(names), np.asarray(res["S1"]), np.asarray(res["S1_conf"]),
                       np.asarray(res["ST"]), np.asarray(res["ST_conf"]), int(y.shape[0]))


def tornado(func: Callable[[Mapping[str, float]], float], names: Sequence[str],
            lows: Sequence[float], highs: Sequence[float]) -> TornadoResult:
    """One-at-a-time swings: ``func(overrides)`` with each param at its low and high.

    ``func({})`` is the base case; ``func({"p": 3.0})`` the output with p fixed at 3 and
    everything else as usual (for crossroads: the mean value difference).

    >>> r = tornado(lambda o: 2 * o.get("a", 1.0) - o.get("b", 1.0), ["a", "b"],
    ...             [0.0, 0.0], [2.0, 1.0])
    >>> r.base, [(b.param, b.low, b.high) for b in r.bars]
    (1.0, [('a', -1.0, 3.0), ('b', 2.0, 1.0)])
    """
    if not len(names) == len(lows) == len(highs):
        raise ValueError("names, lows and highs must have the same length")
    bars = [TornadoBar(p, float(func({p: lo})), float(func({p: hi})), float(lo), float(hi))
            for p, lo, hi in zip(names, lows, highs, strict=True)]
    bars.sort(key=lambda b: -b.swing)
    return TornadoResult(float(func({})), tuple(bars))
