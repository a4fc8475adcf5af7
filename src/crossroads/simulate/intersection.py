"""The intersection rank: how rare it is to stand where you stand on several skills at once.

``intersection_top_pct(z, corr)`` is the share of peers, in percent, who are at or above you
on *every* intersection skill, peers' latent standings being standard normal with the given
correlation. "Top 25% in three things" with correlation 0 is ``100 * 0.25**3 = 1.6``: one peer
in 64 matches or beats you on all three, which is the point of building an intersection.

How it is computed, and why (the caller asks for millions of points per run):

* closed forms: one skill ``100 * (1 - Phi(z))``; correlation 0 ``100 * prod_i (1 - Phi(z_i))``;
  correlation 1 ``100 * (1 - Phi(max z))``;
* an equicorrelation ``rho`` in ``[0, 1)``: the exact one-dimensional representation
  ``P(all Z_i >= z_i) = integral phi(t) prod_i Phi((sqrt(rho) t - z_i) / sqrt(1 - rho)) dt``
  (peers share one common factor ``t``), integrated by the trapezoid rule on ``[-9, 9]``;
* a general correlation matrix, or a negative ``rho``: the orthant probabilities of 2**22
  quasi-Monte Carlo peers (an unscrambled, centred Sobol' sequence: deterministic);
* for 2 to 4 skills the probability is tabulated once per correlation on a uniform grid of
  ``z`` in ``[-5, 5]`` (cached) and its logarithm interpolated multilinearly, so each point
  costs ``2**k`` table look-ups instead of a quadrature, and the result is monotone in every
  ``z_i`` by construction; ``z`` outside the grid is clipped, which moves the answer by at
  most ``100 * Phi(-5) = 3e-5`` percentage points. Beyond 4 skills an equicorrelation is
  integrated point by point (slower; quadrature error below 1e-14).

Measured errors (absolute, in percentage points) are in docs/skills.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from crossroads._types import FloatArray
from crossroads.estimate.normal import ALGORITHM as NORMAL_ALGORITHM
from crossroads.estimate.normal import ndtr, ndtri

__all__ = ["intersection_top_pct", "validate_correlation"]

_Z_MAX = 5.0  # half-width of the tabulated grid in z
_GRID_POINTS = {2: 513, 3: 161, 4: 57}  # per axis; 4.2M cells at k = 3 (17 MB in float32)
_T_MAX = 9.0  # the common factor's range: phi(9) / phi(0) = 3e-18
_QMC_LOG2 = 22  # 2**22 quasi-random peers for a general correlation matrix
_CHUNK = 1 << 16  # points per vectorised block: keeps temporaries in cache
_TOL = 1e-10  # symmetry, unit diagonal and eigenvalue tolerance of a correlation matrix

LogTable = npt.NDArray[np.float32]  # log P on the grid; float32 halves the cache footprint


def intersection_top_pct(z: FloatArray, corr: float | FloatArray) -> FloatArray:
    """Percent of peers at or above you on every skill: ``100 * P(Z_i >= z_i for all i)``.

    Usage: ``intersection_top_pct(np.stack([z_ml, z_platform, z_product], axis=-1), 0.3)``;
    smaller is rarer (1.6 means one peer in 64 matches or beats you everywhere).

    Args:
        z: your latent standings, shape ``(..., k)`` (``percentile = Phi(z)``).
        corr: the population correlation between skills: a number (the same for every pair,
            from ``-1/(k-1)`` to 1) or a ``(k, k)`` correlation matrix (symmetric, unit
            diagonal, positive semi-definite; at most 4 skills).

    Returns:
        shape ``z.shape[:-1]``, in ``[0, 100]``.

    Raises:
        ValueError: a NaN in ``z`` or an invalid correlation.

    >>> z = np.full(3, 0.6744897501960817)             # top 25% in three things
    >>> print(np.round(intersection_top_pct(z, 0.0), 3))
    1.562
    """
    points = np.asarray(z, dtype=np.float64)
    if points.ndim == 0 or points.shape[-1] == 0:
        raise ValueError("z needs a last axis with one entry per intersection skill")
    if np.isnan(points).any():
        raise ValueError("z contains NaN")
    lead, k = points.shape[:-1], points.shape[-1]
    flat = points.reshape(-1, k)
    rho, matrix = validate_correlation(corr, k)
    if k == 1 or rho == 0.0:
        prob = ndtr(-flat).prod(axis=1)
    elif rho is not None and rho >= 1.0:
        prob = ndtr(-flat.max(axis=1))
    elif k in _GRID_POINTS:
        table = _table(k, rho, matrix)
        prob = _interp_prob(table, flat)
    elif rho is not None and rho >= 0.0:
        prob = _equicorr_direct(flat, rho)
    else:
        raise ValueError(
            f"a negative or general correlation needs at most 4 skills, got {k}; "
            "give one number from 0 to 1"
        )
    return np.asarray(np.clip(100.0 * prob, 0.0, 100.0).reshape(lead), dtype=np.float64)


def validate_correlation(corr: float | FloatArray, k: int) -> tuple[float | None, bytes]:
    """``(rho, b"")`` for an equicorrelation, else ``(None, matrix bytes)`` (hashable).

    Raises ValueError for a correlation ``k`` skills cannot have; loading a file calls it
    too, so that `check` refuses what a run would.
    """
    c = np.asarray(corr, dtype=np.float64)
    if c.ndim == 0:
        rho = float(c)
        low = -1.0 / (k - 1) if k > 1 else -1.0
        if not low <= rho <= 1.0:  # also rejects NaN
            raise ValueError(f"correlation {rho} must lie in [{low:.4g}, 1] for {k} skills")
        return (rho, b"") if rho >= 0.0 or k == 1 else (None, _equicorr_matrix(k, rho).tobytes())
    if c.shape != (k, k):
        raise ValueError(f"correlation matrix has shape {c.shape}, expected ({k}, {k})")
    if not np.isfinite(c).all():
        raise ValueError("correlation matrix has a non-finite entry")
    if np.abs(c - c.T).max() > _TOL:
        raise ValueError("correlation matrix is not symmetric")
    if np.abs(np.diag(c) - 1.0).max() > _TOL:
        raise ValueError("correlation matrix needs ones on its diagonal")
    smallest = float(np.linalg.eigvalsh(c).min())
    if smallest < -_TOL:
        raise ValueError(
            f"correlation matrix is not positive semi-definite (eigenvalue {smallest:.3g})"
        )
    off = c[~np.eye(k, dtype=bool)]
    if off.size and np.ptp(off) <= _TOL and off[0] >= 0.0:
        return float(off.mean()), b""  # an equicorrelation: take the exact route
    return None, ((c + c.T) / 2.0).tobytes()


def _equicorr_matrix(k: int, rho: float) -> FloatArray:
    return np.full((k, k), rho) + (1.0 - rho) * np.eye(k)


def _factor_nodes(rho: float) -> tuple[FloatArray, FloatArray]:
    """Trapezoid nodes and weights (summing to 1) for the common factor ``t ~ N(0, 1)``.

    The integrand's steps in ``t`` have width ``sigma = sqrt((1 - rho) / rho)``; a spacing of
    a quarter of it (at most 0.25, at least 18/4000) keeps the quadrature error below 1e-14
    (measured against adaptive quadrature for rho from 0.05 to 0.999).
    """
    sigma = np.sqrt((1.0 - rho) / rho) if rho > 0.0 else np.inf
    n = int(np.clip(np.ceil(2.0 * _T_MAX / min(0.25, sigma / 4.0)), 72, 4000)) + 1
    t = np.linspace(-_T_MAX, _T_MAX, n)
    w = np.exp(-0.5 * t * t)
    return t, w / w.sum()


def _factor_probs(t: FloatArray, z: FloatArray, rho: float) -> FloatArray:
    """``P(Z_i >= z | t) = Phi((sqrt(rho) t - z) / sqrt(1 - rho))``, shape ``t.shape + z.shape``."""
    shift = np.sqrt(rho) * t.reshape(t.shape + (1,) * z.ndim)
    return np.asarray(ndtr((shift - z) / np.sqrt(1.0 - rho)), dtype=np.float64)


def _table(k: int, rho: float | None, matrix: bytes) -> LogTable:
    """The log table for ``k`` skills: in memory once built, on disk between runs."""
    return _equicorr_table(k, rho) if rho is not None else _matrix_table(k, matrix)


def _on_disk(kind: str, args: tuple[object, ...], k: int,
             build: Callable[[], LogTable]) -> LogTable:
    """``build()``, or its copy from an earlier run (:mod:`.table_cache`); the grid's
    constants are part of the name, as is this module's source and the version of the normal
    functions the table is computed with (:data:`crossroads.estimate.normal.ALGORITHM`: a
    table computed with SciPy's, or an earlier version of the project's, is never read)."""
    from crossroads.simulate.table_cache import cached

    consts = (_Z_MAX, _GRID_POINTS[k], _T_MAX, _QMC_LOG2, NORMAL_ALGORITHM)
    return cached(kind, (*args, consts), (_GRID_POINTS[k],) * k, Path(__file__), build)


def _grid(k: int) -> FloatArray:
    return np.linspace(-_Z_MAX, _Z_MAX, _GRID_POINTS[k])


@lru_cache(maxsize=4)
def _equicorr_table(k: int, rho: float) -> LogTable:
    return _on_disk("equicorr", (k, float(rho)), k, lambda: _build_equicorr_table(k, rho))


def _build_equicorr_table(k: int, rho: float) -> LogTable:
    """log P on the grid from ``P = sum_j w_j g_j(z_1) ... g_j(z_k)``, a GEMM a block.

    Built in single precision, the table's own: about three times faster than in double
    (a run pays it once per correlation), and log P moves by at most 4e-6 (measured for
    k = 2 to 4, rho from 0.05 to 0.9); the smallest P on the grid, about 1e-26 for four
    skills, is far above float32's underflow.
    """
    t, w64 = _factor_nodes(rho)
    g = _factor_probs(t, _grid(k), rho).astype(np.float32)  # (nodes, G)
    w = w64.astype(np.float32)
    size = g.shape[1]
    total = np.zeros((size ** (k - 1), size), dtype=np.float32)
    for lo in range(0, len(t), 32):
        block = g[lo : lo + 32]
        outer = block
        for _ in range(k - 2):  # the row-wise outer product over the first k - 1 axes
            outer = (outer[:, :, None] * block[:, None, :]).reshape(len(block), -1)
        total += outer.T @ (w[lo : lo + 32, None] * block)
    np.maximum(total, np.float32(1e-38), out=total)
    np.log(total, out=total)
    return total.reshape((size,) * k)


@lru_cache(maxsize=4)
def _matrix_table(k: int, matrix: bytes) -> LogTable:
    return _on_disk("matrix", (k, matrix.hex()), k, lambda: _build_matrix_table(k, matrix))


def _build_matrix_table(k: int, matrix: bytes) -> LogTable:
    """log P on the grid, from the orthant counts of 2**22 deterministic Sobol' peers."""
    corr = np.frombuffer(matrix, dtype=np.float64).reshape(k, k)
    vals, vecs = np.linalg.eigh(corr)
    root = vecs * np.sqrt(np.clip(vals, 0.0, None))  # root @ root.T == corr, even if singular
    size = _GRID_POINTS[k]
    counts = np.zeros(size**k)
    strides = size ** np.arange(k - 1, -1, -1)
    for peers in _sobol_normals(k):
        cell = np.floor((peers @ root.T + _Z_MAX) * ((size - 1) / (2 * _Z_MAX)))
        keep = (cell >= 0).all(axis=1)  # below the grid on any axis: above no grid node
        index = np.minimum(cell[keep], size - 1).astype(np.intp) @ strides
        counts += np.bincount(index, minlength=size**k)
    survival = counts.reshape((size,) * k)
    for axis in range(k):  # peers at or above each node = reversed cumulative sums
        survival = np.flip(np.cumsum(np.flip(survival, axis), axis=axis), axis)
    n = float(2**_QMC_LOG2)
    return np.log(np.maximum(survival / n, 0.5 / n)).astype(np.float32)


def _sobol_normals(k: int) -> Iterator[FloatArray]:
    """2**22 standard normal points in blocks: Sobol' points centred in their dyadic cells."""
    from scipy.stats import qmc  # here: scipy.stats takes a second to import

    engine = qmc.Sobol(d=k, scramble=False)
    n, block = 2**_QMC_LOG2, 2**20
    for _ in range(n // block):
        yield ndtri(engine.random(block) + 0.5 / n)


def _interp_prob(log_table: LogTable, points: FloatArray) -> FloatArray:
    """``exp`` of the multilinear interpolation of ``log P``, ``z`` clipped to the grid.

    Monotone in each ``z_i`` by construction: the table decreases along every axis, and
    along an axis the interpolant is a convex mix of piecewise-linear decreasing functions.
    The ``2**k`` corners of every point are gathered in one ``take`` and blended axis by
    axis in single precision, the table's own precision.
    """
    size, k = log_table.shape[0], log_table.ndim
    flat = log_table.ravel()
    strides = [size ** (k - 1 - d) for d in range(k)]
    # corner offsets in C order of (bit_0, ..., bit_{k-1}): axis 0 is the slowest bit
    bits = (np.arange(2**k)[:, None] >> np.arange(k - 1, -1, -1)[None, :]) & 1
    offsets = bits @ np.array(strides, dtype=np.intp)
    scale = (size - 1) / (2.0 * _Z_MAX)
    out = np.empty(len(points))
    for lo in range(0, len(points), _CHUNK):
        block = points[lo : lo + _CHUNK]
        m = len(block)
        base = np.zeros(m, dtype=np.intp)
        frac = np.empty((k, m), dtype=np.float32)
        for d in range(k):  # one axis at a time: every array is contiguous
            pos = np.clip(block[:, d], -_Z_MAX, _Z_MAX)
            pos += _Z_MAX
            pos *= scale
            cell = np.minimum(pos.astype(np.intp), size - 2)  # pos >= 0: the cast floors
            frac[d] = pos - cell
            cell *= strides[d]
            base += cell
        values = flat.take(offsets[:, None] + base[None, :])  # (2**k, m), float32
        for d in range(k):  # blend the slowest remaining axis: halves the corners
            half = values.shape[0] // 2
            low, high = values[:half], values[half:]
            values = low + frac[d] * (high - low)
        out[lo : lo + m] = np.exp(values[0])  # in single precision, as the table
    return out


def _equicorr_direct(points: FloatArray, rho: float) -> FloatArray:
    """The factor integral point by point (more than 4 skills): ``nodes * k`` Phi each."""
    t, w = _factor_nodes(rho)
    out = np.empty(len(points))
    step = max(1, _CHUNK // len(t))
    for lo in range(0, len(points), step):
        probs = _factor_probs(t, points[lo : lo + step], rho)  # (nodes, block, k)
        out[lo : lo + step] = w @ probs.prod(axis=-1)
    return out
