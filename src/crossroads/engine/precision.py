"""`samples: auto`: draw block after block until the decision's numbers are as precise as
stated (docs/performance.md).

It draws :data:`AUTO_FLOOR` draws, then as many more as the standard errors so far say
are missing (rounded up to whole blocks of :data:`AUTO_BLOCK`, at most one chunk at a
time), each step its own chunk of the streams, and checks again. Sizes and the stopping
rule read only the drawn numbers, so the same file and seed stop at the same count and
give the same bytes. It stops at the first check where

* every option's P(best) has a Monte Carlo standard error of at most
  :data:`P_BEST_TARGET` (0.5 percentage points): sqrt(p (1 - p) / n), largest at p = 1/2,
  so an option with no real chance never holds the run back; and
* the mean gap between the two leading options has a standard error of at most 1% of the
  gap itself (:data:`GAP_SHARE`), or of :data:`GAP_FLOOR_SHARE` (0.1%) of the leader's mean
  value when the gap is near 0 (two options tied: 1% of nothing cannot be reached);

or at :data:`AUTO_CAP` draws (less if the memory budget holds fewer), whichever is first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from crossroads._types import FloatArray

#: Draws per block; each block is one chunk of the random streams (seed, block, key).
AUTO_BLOCK = 4_000
#: Draws an auto run makes at least: two blocks.
AUTO_FLOOR = 8_000
#: Draws an auto run makes at most (fewer when the memory budget holds fewer).
AUTO_CAP = 200_000
#: The largest standard error of any option's P(best): 0.5 percentage points.
P_BEST_TARGET = 0.005
#: The gap's standard error as a share of the gap.
GAP_SHARE = 0.01
#: ... or, when the gap is near 0, as a share of the leader's mean value.
GAP_FLOOR_SHARE = 0.001
#: What the analyses draw when the file says `samples: auto` (they choose no count of
#: their own yet): enough for their own screens, within seconds.
AUTO_ANALYSIS_SAMPLES = 20_000


@dataclass(frozen=True)
class Precision:
    """What the draws so far say about the decision's two headline quantities."""

    n: int
    p_best_se: float       # the largest standard error of any option's P(best)
    gap: float             # mean value of the leader minus the runner-up
    gap_se: float
    gap_target: float      # money: max(1% of the gap, 0.1% of the leader's mean value)

    @property
    def met(self) -> bool:
        return self.p_best_se <= P_BEST_TARGET and self.gap_se <= self.gap_target

    def more(self, cap: int, most: int) -> int:
        """The draws to add next: as many as the standard errors so far say are missing
        (a standard error falls as 1/sqrt(n)), rounded up to whole blocks, at least one
        block, at most ``most`` at a time and never beyond ``cap`` in all.

        >>> Precision(8_000, 0.004, 20_000.0, 223.0, 200.0).more(200_000, 50_000)
        4000
        """
        ratios = [self.p_best_se / P_BEST_TARGET]
        ratios.append(self.gap_se / self.gap_target if self.gap_target > 0 else
                      (math.inf if self.gap_se > 0 else 0.0))
        need = self.n * max(ratios) ** 2 - self.n
        blocks = math.ceil(need / AUTO_BLOCK) if math.isfinite(need) else cap
        return max(0, min(max(blocks, 1) * AUTO_BLOCK, most, cap - self.n))

    def to_dict(self, *, stopped: str) -> dict[str, Any]:
        """The `precision` object of `run --json` (docs/cli.md)."""
        return {"rule": "auto", "stopped": stopped, "block": AUTO_BLOCK, "floor": AUTO_FLOOR,
                "cap": AUTO_CAP, "p_best_se": self.p_best_se, "p_best_target": P_BEST_TARGET,
                "gap": self.gap, "gap_se": self.gap_se, "gap_target": self.gap_target}


def measure(n: int, best: FloatArray, total: FloatArray, cross: FloatArray,
            shift: FloatArray) -> Precision:
    """Precision after ``n`` draws from running sums.

    ``best`` sums each option's best-indicator (ties split); ``total`` and ``cross`` are
    the sums of the values and of their pairwise products, both centred on ``shift`` (any
    fixed value per option: the first block's means keep the sums stable), so the gap's
    variance is var_i + var_j - 2 cov_ij.

    >>> m = measure(10_000, np.array([5_000.0, 5_000.0]), np.zeros(2),
    ...             np.eye(2) * 1e4 * 10_000, np.array([10.0, 0.0]))
    >>> round(m.p_best_se, 4), round(m.gap_se, 4), m.gap_target, m.met
    (0.005, 1.4143, 0.1, False)
    """
    p = best / n
    p_best_se = float(np.sqrt(np.clip(p * (1.0 - p), 0.0, None) / n).max())
    mean = total / n + shift
    if mean.size < 2:
        return Precision(n, p_best_se, 0.0, 0.0, 0.0)
    i, j = (int(k) for k in np.argsort(-mean, kind="stable")[:2])
    m_i, m_j = total[i] / n, total[j] / n   # centred means
    cov = (cross[i, i] / n - m_i * m_i) + (cross[j, j] / n - m_j * m_j) \
        - 2.0 * (cross[i, j] / n - m_i * m_j)
    var = max(float(cov), 0.0) * n / max(n - 1, 1)
    gap = float(mean[i] - mean[j])
    target = max(GAP_SHARE * abs(gap), GAP_FLOOR_SHARE * abs(float(mean[i])))
    return Precision(n, p_best_se, gap, math.sqrt(var / n), target)


class Sums:
    """Running sums for :func:`measure`, block by block: per option the best count, and
    the values and their pairwise products centred on the first block's means."""

    def __init__(self, options: int) -> None:
        self.best = np.zeros(options)
        self.total = np.zeros(options)
        self.cross = np.zeros((options, options))
        self.shift: FloatArray | None = None
        self.n = 0

    def add(self, value: FloatArray, best: FloatArray) -> None:
        """One block's values (options x draws) and its best counts per option."""
        x = value.astype(np.float64)
        if self.shift is None:
            self.shift = x.mean(axis=1)
        x -= self.shift[:, np.newaxis]
        for a in range(x.shape[0]):  # einsum: one thread, the same sums whatever BLAS does
            for b in range(a, x.shape[0]):
                self.cross[a, b] += float(np.einsum("i,i->", x[a], x[b]))
                self.cross[b, a] = self.cross[a, b]
        self.total += x.sum(axis=1)
        self.best += best
        self.n += x.shape[1]

    def measure(self) -> Precision:
        """The precision of the draws added so far."""
        assert self.shift is not None, "no block added"
        return measure(self.n, self.best, self.total, self.cross, self.shift)
