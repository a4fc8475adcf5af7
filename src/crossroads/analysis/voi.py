"""Value of information: what it is worth to find out before choosing.

Usage::

    evpi(values)                                   # perfect information on everything
    evppi(values, params, rng=rng)                 # {param: Evppi} one param at a time
    evppi_group(values, [params["a"], params["b"]], rng=rng)
    evsi(values, params["p_em"], n_new=5, n0=10)   # five more conversations about p_em
    analyse_voi(values, params, rng, groups=[("a", "b")], ask=5).to_dict()

Definitions (docs/analysis.md): EVPI = E[max_a V_a] - max_a E[V_a];
EVPPI(p) = E_p[max_a E[V_a | p]] - max_a E[V_a]. docs/analysis.md has the full story.

E[. | p] is a regression on the existing draws (Strong, Oakley & Brennan 2014, Med Decis
Making 34:311) of the increments D_a = V_a - V_0: the same EVPPI, far less noise.
Single param: penalised cubic regression spline (O'Sullivan; knots at quantiles, penalty
lambda * int f''^2, lambda by GCV per option); at most 20 distinct values: exact group
means. Group: each member's basis plus rank-Legendre interactions, one GCV lambda.
Standard error: coefficients drawn from their approximate posterior (as Strong et al.).
Guarantees by clipping (``Evppi.clipped``): 0 <= EVPPI <= EVPI; group >= each member.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from crossroads._types import FloatArray
from crossroads.analysis.expected import best_share

N_KNOTS = 12          # interior knots of a single param's spline
DISCRETE_MAX = 20     # at most this many distinct values: exact group means
SE_DRAWS = 100        # posterior coefficient draws for a standard error
_SE_GRID = 1000       # quantiles of p at which each posterior draw is evaluated
_CHUNK = 8192         # rows per block when streaming over draws
_LOG_LAMBDAS = np.linspace(-9.0, 6.0, 61)   # log10 lambda, relative to 1 / mean(s)
#: With a precision asked of it (``analyse_voi(se_share=...)``), the single-input EVPPIs
#: (and EVSIs) are fitted on the first VOI_FLOOR draws, then on as many as their largest
#: standard error says are missing (it falls as 1/sqrt(draws)), up to every draw. Not
#: fewer: most of a fit's cost (its 100 posterior curves on a 1,000-point grid, its
#: eigenproblem) does not shrink with the draws (on the founding case, 55 fits take
#: 0.40 s of CPU on 5,000 draws and 0.62 s on 20,000), so a smaller first fit that falls
#: short would cost more than it saves.
VOI_FLOOR = 20_000
#: ``voi``'s precision: every single-input EVPPI's standard error at most this share of
#: EVPI (half the 0.5% of EVPI below which the sentences call an EVPPI immaterial).
VOI_SE_SHARE = 0.0025


@dataclass(frozen=True)
class Evppi:
    """One EVPPI estimate, in the units of ``values``.

    ``se`` is None when no generator was given; ``method`` is "spline", "groups" (exact
    group means), "constant" or "group-spline"; ``edf`` the effective degrees of freedom
    of the fit (mean over options); ``clipped`` says a guarantee had to be enforced.
    """

    value: float
    se: float | None
    method: str
    edf: float
    clipped: bool = False


@dataclass(frozen=True)
class Ranked:
    """One line of "what to find out next": a param's EVPPI and its share of EVPI."""

    param: str
    evppi: float
    share: float


@dataclass(frozen=True)
class VoiResult:
    """Everything ``crossroads voi`` reports; ``to_dict()`` is its JSON object."""

    evpi: float
    evppi: Mapping[str, Evppi]
    groups: Mapping[str, Evppi]
    evsi: Mapping[str, float]
    ranking: tuple[Ranked, ...]
    ask: float | None = None
    #: EVPPI of every param as one group: what research can buy, apart from luck
    evpi_params: float = 0.0
    evpi_params_se: float | None = None
    #: the draws the single-input fits used, the largest standard error they reached and
    #: its target (None: every draw, no target asked)
    precision: Mapping[str, float] | None = None

    def to_dict(self, currency: str = "USD") -> dict[str, object]:
        """The ``voi --json`` shape of docs/cli.md plus standard errors and the ranking."""
        data: dict[str, object] = {
            "currency": currency, "evpi": self.evpi, "evpi_params": self.evpi_params,
            "evpi_params_se": self.evpi_params_se,
            "evppi": {k: e.value for k, e in self.evppi.items()},
            "evppi_se": {k: e.se for k, e in self.evppi.items()},
            "groups": {k: e.value for k, e in self.groups.items()},
            "evsi": dict(self.evsi), "ask": self.ask,
            "ranking": [{"param": r.param, "evppi": r.evppi, "share": r.share}
                        for r in self.ranking]}
        if self.precision is not None:
            data["precision"] = dict(self.precision)
        return data


@dataclass(frozen=True)
class _Fit:
    """A penalised least-squares fit of the incremental values on one basis."""

    basis: _Basis
    beta: FloatArray          # (k, m) coefficients of the centred fit, m = n_options - 1
    offset: FloatArray        # (m,) mean incremental value, added back to the fit
    mean: FloatArray          # (m,) mean fitted incremental value
    edf: float
    se_sampler: _Sampler | None
    method: str


@dataclass(frozen=True)
class _Sampler:
    """What is needed to draw fitted curves from the coefficients' posterior."""

    basis: FloatArray         # (g, k) basis at evaluation points
    weights: FloatArray       # (g,) probability of each evaluation point
    to_beta: FloatArray       # (k, k) V: maps whitened coefficients to beta
    gamma: FloatArray         # (k, m) posterior means, whitened
    scale: FloatArray         # (k, m) posterior sd per whitened coefficient / residual sd
    chol_resid: FloatArray    # (m, m) Cholesky factor of the residual covariance
    offset: FloatArray        # (m,) mean increment, added to every fitted curve


@functools.cache
def _openblas() -> tuple[ctypes.CDLL, ...]:
    """The OpenBLAS libraries loaded in this process (NumPy's and SciPy's wheels each bring
    one) that can set a thread's number of BLAS threads; none off Linux or elsewhere."""
    if not sys.platform.startswith("linux"):
        return ()
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
    except OSError:
        return ()
    found = []
    for path in sorted(p for p in paths if p.startswith("/")):
        try:
            lib = ctypes.CDLL(path)  # already loaded: the same library, not a second copy
        except OSError:
            continue
        if hasattr(lib, "openblas_set_num_threads_local"):
            found.append(lib)
    return tuple(found)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within it, this thread's BLAS calls run on one thread (OpenBLAS's thread-local
    setting; other threads are untouched).

    The regressions' products (a 20,000 x 361 Gram matrix, eigenproblems, posterior
    draws) are small enough that OpenBLAS's threads mostly wait for each other: on the
    2-core machine under load, the founding case's all-params fit took 1.16 s of CPU with
    two threads and 0.35 s with one. The arithmetic per number is the same.
    """
    libs = _openblas()
    previous = [int(lib.openblas_set_num_threads_local(1)) for lib in libs]
    try:
        yield
    finally:
        for lib, n in zip(libs, previous, strict=True):
            lib.openblas_set_num_threads_local(n)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _on_one_blas_thread(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func`` run within :func:`one_blas_thread`."""
    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with one_blas_thread():
            return func(*args, **kwargs)
    return wrapper


def evpi(values: FloatArray) -> float:
    """Expected value of perfect information: E[max_a V] - max_a E[V].

    Args:
        values: value per option and draw, shape ``(n_options, n_draws)``.

    >>> evpi(np.array([[1.0, 0.0], [0.0, 1.0]]))
    0.5
    """
    v = np.asarray(values, dtype=np.float64)
    return max(float(v.max(axis=0).mean() - v.mean(axis=1).max()), 0.0)


@dataclass(frozen=True)
class _Target:
    """The regression target, computed once for all params: centred increments."""

    y: FloatArray             # (n, m) D_a - mean(D_a), D_a = V_a - V_0, a = 1..n_options-1
    mean: FloatArray          # (m,)
    yty: FloatArray           # (m, m) y'y

    @property
    def n(self) -> int:
        return int(self.y.shape[0])


def _increments(values: FloatArray) -> _Target:
    """Centred incremental values: centring keeps RSS = y'y - z'z free of cancellation."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 2:
        raise ValueError("values must have shape (n_options >= 2, n_draws)")
    d = np.ascontiguousarray((v[1:] - v[0]).T)
    mean = d.mean(axis=0)
    d -= mean
    return _Target(d, mean, d.T @ d)


def _knots(xs: FloatArray, n_interior: int) -> FloatArray:
    """Cubic B-spline knot vector from sorted draws: ends at min/max, interior at quantiles."""
    lo, hi = float(xs[0]), float(xs[-1])
    at = np.linspace(0.0, 1.0, n_interior + 2)[1:-1] * (xs.shape[0] - 1)
    inner = np.unique(xs[np.round(at).astype(np.int64)])
    inner = inner[(inner > lo) & (inner < hi)]
    return np.concatenate([[lo] * 4, inner, [hi] * 4])


def _curvature_penalty(t: FloatArray) -> FloatArray:
    """Omega_ij = integral B_i''(x) B_j''(x) dx, exact, in closed form.

    The second derivative of a cubic spline with coefficients c is a linear spline whose
    coefficients are two scaled differences of c (de Boor's derivative formula,
    c'_i = 3 (c_i - c_{i-1}) / (t_{i+3} - t_i), then c''_i = 2 (c'_i - c'_{i-1}) /
    (t_{i+2} - t_i)), and the integral of a product of two hat functions is h/3 on their
    own span and h/6 where neighbours overlap: Omega = D' G D. NumPy only (the same matrix
    as integrating SciPy's ``BSpline`` derivatives, to rounding, without importing
    ``scipy.interpolate``, a second of start-up).
    """
    k = len(t) - 4
    i1 = np.arange(1, k)
    w1 = 3.0 / (t[i1 + 3] - t[i1])
    d1 = np.zeros((k - 1, k))
    d1[i1 - 1, i1], d1[i1 - 1, i1 - 1] = w1, -w1
    i2 = np.arange(2, k)
    w2 = 2.0 / (t[i2 + 2] - t[i2])
    d2 = np.zeros((k - 2, k - 1))
    d2[i2 - 2, i2 - 1], d2[i2 - 2, i2 - 2] = w2, -w2
    gram = np.diag((t[i2 + 2] - t[i2]) / 3.0)
    side = (t[i2[:-1] + 2] - t[i2[:-1] + 1]) / 6.0
    gram[np.arange(k - 3), np.arange(1, k - 2)] = side
    gram[np.arange(1, k - 2), np.arange(k - 3)] = side
    d = d2 @ d1
    omega = d.T @ gram @ d
    return np.asarray((omega + omega.T) / 2.0, dtype=np.float64)


def _row_chunks(n: int) -> list[slice]:
    """Row blocks small enough that temporaries stay in cache (no page-faulting 8 MB
    arrays per operation; on a busy 2-core machine that alone was 3x the run time)."""
    return [slice(i, min(i + _CHUNK, n)) for i in range(0, n, _CHUNK)]


class _Dense:
    """A design matrix held in full (group fits)."""

    def __init__(self, matrix: FloatArray) -> None:
        self.matrix = matrix
        self.n, self.k = matrix.shape

    def normal_equations(self, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """X'X, X'y and the column means of X, summed over row blocks that stay in cache
        (one product over every row spreads across BLAS threads, slow on a busy machine)."""
        x = self.matrix
        gram, xty = np.zeros((self.k, self.k)), np.zeros((self.k, y.shape[1]))
        for rows in _row_chunks(self.n):
            gram += x[rows].T @ x[rows]
            xty += x[rows].T @ y[rows]
        return gram, xty, x.mean(axis=0)

    def apply(self, beta: FloatArray, rows: slice) -> FloatArray:
        return np.asarray(self.matrix[rows] @ beta)


class _Banded:
    """A design matrix whose row i is nonzero only in columns start[i] .. start[i]+w-1.

    Cubic B-splines (w = 4) and one-hot group indicators (w = 1) are both banded. The
    normal equations come from bincounts over the band, O(n w^2), with no BLAS call: on a
    busy 2-core machine, threaded BLAS on many thin products was slower than the arithmetic.
    """

    def __init__(self, start: npt.NDArray[np.int64], vals: FloatArray, k: int) -> None:
        self.start, self.vals, self.k = start, vals, k
        self.n = start.shape[0]

    def normal_equations(self, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """X'X, X'y and the column means of X."""
        w, k = self.vals.shape[1], self.k
        gram, xty = np.zeros((k, k)), np.zeros((k, y.shape[1]))
        for p in range(w):
            for q in range(p, w):
                diag = np.bincount(self.start, self.vals[:, p] * self.vals[:, q], k)
                idx = np.arange(k - q)
                gram[idx + p, idx + q] += diag[: k - q]
            for c in range(y.shape[1]):
                xty[p:, c] += np.bincount(self.start, self.vals[:, p] * y[:, c], k)[: k - p]
        gram = np.triu(gram) + np.triu(gram, 1).T
        colmean = np.zeros(k)
        for p in range(w):
            colmean[p:] += np.bincount(self.start, self.vals[:, p], k)[: k - p]
        return gram, xty, colmean / self.n

    def apply(self, beta: FloatArray, rows: slice) -> FloatArray:
        start, vals = self.start[rows], self.vals[rows]
        out = vals[:, :1] * beta[start]
        for p in range(1, vals.shape[1]):
            out += vals[:, p : p + 1] * beta[start + p]
        return out

    def dense(self) -> FloatArray:
        out = np.zeros((self.n, self.k))
        idx = np.arange(self.n)
        for p in range(self.vals.shape[1]):
            out[idx, self.start + p] = self.vals[:, p]
        return out


_Basis = _Dense | _Banded


def _fit_gain(fit: _Fit, factor: float = 1.0) -> float:
    """E[max(0, max_a f_a)] - max(0, max_a E[f_a]) with f = mean + factor (fitted - mean).

    ``factor`` = 1 is EVPPI; sqrt(n / (n + n0)) is the EVSI preposterior shrinkage.
    """
    total = 0.0
    for rows in _row_chunks(fit.basis.n):
        f = fit.basis.apply(fit.beta, rows) + fit.offset
        if factor != 1.0:
            f = fit.mean + factor * (f - fit.mean)
        total += float(_positive_max(f).sum())
    return float(total / fit.basis.n - max(float(fit.mean.max()), 0.0))


def _positive_max(f: FloatArray) -> FloatArray:
    """``max(0, max over the last axis)``, one option at a time: the last axis holds a few
    options, and NumPy's reduction along so short an axis costs more than the arithmetic
    (a third of the single-input fits' time)."""
    out = np.maximum(f[..., 0], 0.0)
    for j in range(1, f.shape[-1]):
        np.maximum(out, f[..., j], out=out)
    return out


def _cubic_bspline(x: FloatArray, t: FloatArray) -> _Banded:
    """The four nonzero cubic B-splines at each x, computed block by block."""
    k = len(t) - 4
    start = np.empty(x.shape[0], dtype=np.int64)
    vals = np.empty((x.shape[0], 4))
    for rows in _row_chunks(x.shape[0]):
        start[rows], vals[rows] = _de_boor(x[rows], t)
    return _Banded(start, vals, k)


def _de_boor(x: FloatArray, t: FloatArray) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """First nonzero column and the four nonzero cubic B-splines (de Boor's recurrence)."""
    k = len(t) - 4
    xc = np.clip(x, t[3], t[k])
    j = np.clip(np.searchsorted(t, xc, side="right") - 1, 3, k - 1)
    basis = [np.ones_like(xc)]
    left = [np.zeros_like(xc)] + [xc - t[j + 1 - r] for r in (1, 2, 3)]
    right = [np.zeros_like(xc)] + [t[j + r] - xc for r in (1, 2, 3)]
    for r in (1, 2, 3):
        saved = np.zeros_like(xc)
        for s in range(r):
            temp = basis[s] / (right[s + 1] + left[r - s])
            basis[s] = saved + right[s + 1] * temp
            saved = left[r - s] * temp
        basis.append(saved)
    return (j - 3).astype(np.int64), np.stack(basis, axis=1)


def _spline_basis(x: FloatArray, t: FloatArray) -> FloatArray:
    """Dense cubic B-spline design matrix (rows sum to one)."""
    return _cubic_bspline(x, t).dense()


def _whiten(gram: FloatArray, omega: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Demmler-Reinsch basis: V and s with V' X'X V = I and V' Omega V = diag(s).

    In these coordinates the penalised fit for any lambda is a diagonal shrinkage
    1 / (1 + lambda s_j), so every lambda on the grid costs O(k). The generalised
    symmetric eigenproblem is reduced as LAPACK's sygvd reduces it: X'X = L L'
    (Cholesky), the ordinary eigenproblem of L^-1 Omega L^-T, V = L^-T U (NumPy only:
    ``scipy.linalg`` is a fifth of a second of start-up).
    """
    k = gram.shape[0]
    ridge = 1e-10 * max(float(np.trace(gram)), 1e-300) / k   # empty columns stay solvable
    inv = np.linalg.inv(np.linalg.cholesky(gram + ridge * np.eye(k)))
    reduced = inv @ omega @ inv.T
    s, u = np.linalg.eigh((reduced + reduced.T) / 2.0)
    return np.asarray(inv.T @ u), np.clip(s, 0.0, None)


def _choose_shrinkage(z: FloatArray, s: FloatArray, rss0: FloatArray, n: int) -> FloatArray:
    """Per option, the shrinkage 1/(1 + lambda s) whose lambda minimises GCV; (k, m).

    RSS(lambda) = RSS(0) + sum_j z_j^2 (lambda s_j / (1 + lambda s_j))^2 and
    edf(lambda) = sum_j 1 / (1 + lambda s_j); GCV = n RSS / (n - edf)^2.
    """
    scale = 1.0 / max(float(s.mean()), 1e-300)
    lam = scale * 10.0 ** _LOG_LAMBDAS
    shrink = 1.0 / (1.0 + lam[:, None] * s[None, :])            # (L, k)
    rss = rss0[None, :] + ((1.0 - shrink) ** 2) @ (z**2)        # (L, m)
    edf = shrink.sum(axis=1)
    room = np.where(n - edf > 0.5, n - edf, np.nan)
    gcv = n * rss / room[:, None] ** 2
    best = np.nanargmin(np.where(np.isnan(gcv), np.inf, gcv), axis=0)
    return np.asarray(shrink[best].T)                           # (k, m)


def _penalised_fit(basis: _Basis, target: _Target, omega: FloatArray, method: str,
                   evaluate: tuple[FloatArray, FloatArray] | None) -> _Fit:
    """Fit every option's increment on ``basis`` with penalty lambda * Omega, lambda by GCV.

    ``evaluate`` is (basis at evaluation points, their probabilities), used to draw
    posterior fitted curves for the standard error.
    """
    n = target.n
    gram, xty, colmean = basis.normal_equations(target.y)
    to_beta, s = _whiten(gram, omega)
    z = to_beta.T @ xty                                         # (k, m)
    rss0 = np.clip(np.diag(target.yty) - (z**2).sum(axis=0), 0.0, None)
    shrink = _choose_shrinkage(z, s, rss0, n)
    gamma = shrink * z
    beta = to_beta @ gamma
    edf = float(shrink.sum(axis=0).mean())
    sampler = None
    if evaluate is not None:
        cross = beta.T @ xty
        resid = target.yty - cross - cross.T + beta.T @ gram @ beta     # R'R
        sampler = _Sampler(evaluate[0], evaluate[1], to_beta, gamma, np.sqrt(shrink),
                           _safe_cholesky(resid / max(n - edf, 1.0)), target.mean)
    return _Fit(basis, beta, target.mean, colmean @ beta + target.mean, edf, sampler, method)


def _safe_cholesky(cov: FloatArray) -> FloatArray:
    """Cholesky factor of a residual covariance that may be singular (identical options)."""
    m = cov.shape[0]
    jitter = 1e-12 * max(float(np.trace(cov)) / m, 1e-300)
    try:
        return np.asarray(np.linalg.cholesky(cov + jitter * np.eye(m)))
    except np.linalg.LinAlgError:
        return np.diag(np.sqrt(np.clip(np.diag(cov), 0.0, None)))


def _standard_error(sampler: _Sampler, rng: np.random.Generator, draws: int) -> float:
    """SD of EVPPI over fitted curves drawn from the coefficients' approximate posterior."""
    k, m = sampler.gamma.shape
    noise = rng.standard_normal((draws, k, m)) @ sampler.chol_resid.T
    whitened = sampler.gamma + noise * sampler.scale                      # (draws, k, m)
    # one product over every draw's coefficients (k, draws * m), not one per draw
    beta = sampler.to_beta @ whitened.transpose(1, 0, 2).reshape(k, draws * m)
    fitted = (sampler.basis @ beta).reshape(-1, draws, m) + sampler.offset  # (g, draws, m)
    best = sampler.weights @ _positive_max(fitted)                          # (draws,)
    # the curves' means: the weights' mean of the basis times the coefficients
    means = ((sampler.weights @ sampler.basis) @ beta).reshape(draws, m) + sampler.offset
    gains = best - _positive_max(means)
    return float(gains.std(ddof=1))


def _one_hot(codes: npt.NDArray[np.integer], levels: int) -> FloatArray:
    out = np.zeros((codes.shape[0], levels))
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out


def _fit_single(x: FloatArray, target: _Target, with_se: bool) -> _Fit:
    """E[D | x] by exact group means (few distinct values) or a penalised spline."""
    xs = np.sort(x)
    distinct = 1 + int(np.count_nonzero(np.diff(xs)))
    if distinct <= DISCRETE_MAX:
        levels, codes = np.unique(x, return_inverse=True)
        ev = (np.eye(len(levels)), np.bincount(codes) / x.shape[0]) if with_se else None
        band = _Banded(codes.astype(np.int64), np.ones((x.shape[0], 1)), len(levels))
        return _penalised_fit(band, target, np.zeros((distinct,) * 2),
                              "constant" if distinct == 1 else "groups", ev)
    t = _knots(xs, N_KNOTS)
    ev = None
    if with_se:
        grid = xs[((np.arange(_SE_GRID) + 0.5) * x.shape[0] / _SE_GRID).astype(np.int64)]
        ev = (_spline_basis(grid, t), np.full(_SE_GRID, 1.0 / _SE_GRID))
    return _penalised_fit(_cubic_bspline(x, t), target, _curvature_penalty(t), "spline", ev)


def _check_param(x: FloatArray, n: int, name: str = "param") -> FloatArray:
    arr = np.asarray(x, dtype=np.float64).reshape(-1)
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} draws, values have {n}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite draws")
    return arr


def _estimate(fit: _Fit, ceiling: float, rng: np.random.Generator | None) -> Evppi:
    raw = _fit_gain(fit)
    value = min(max(raw, 0.0), ceiling)
    se = None
    if rng is not None and fit.se_sampler is not None:
        se = _standard_error(fit.se_sampler, rng, SE_DRAWS)
    return Evppi(value, se, fit.method, fit.edf, clipped=_material(value, raw, ceiling))


def _material(value: float, raw: float, scale: float) -> bool:
    """Whether clipping moved an estimate by more than rounding (1e-9 of EVPI)."""
    return abs(value - raw) > 1e-9 * max(scale, abs(raw), 1e-300)


@_on_one_blas_thread
def evppi(values: FloatArray, params: Mapping[str, FloatArray],
          rng: np.random.Generator | None = None) -> dict[str, Evppi]:
    """EVPPI of each param on its own: E_p[max_a E[V_a | p]] - max_a E[V_a].

    Args:
        values: value per option and draw, ``(n_options, n)``.
        params: each param's draws, ``(n,)``, drawn jointly with ``values``.
        rng: for the standard errors (posterior coefficient draws); None skips them.

    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(size=4000)
    >>> values = np.stack([np.zeros(4000), theta])
    >>> round(evppi(values, {"theta": theta})["theta"].value, 1)   # phi(0) = 0.3989
    0.4
    """
    target = _increments(values)
    ceiling = evpi(values)
    out: dict[str, Evppi] = {}
    for name, draws in params.items():
        x = _check_param(draws, target.n, name)
        out[name] = _estimate(_fit_single(x, target, rng is not None), ceiling, rng)
    return out


def _interaction_degrees(d: int) -> dict[int, int]:
    """Interaction order -> polynomial degree per member, shrinking as groups grow.

    2 members: pairs up to cubic x cubic (9 columns); 3: plus triples up to quadratic;
    4: pairs quadratic, triples linear; 5-6: pairs quadratic; 7+: pairs linear.
    """
    table = {2: {2: 3}, 3: {2: 3, 3: 2}, 4: {2: 2, 3: 1}}
    if d in table:
        return table[d]
    return {2: 2} if d <= 6 else {2: 1}


def _main_block(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """A member's single-param basis minus one column (the intercept is shared).

    Dropping the first B-spline column loses nothing (the basis sums to one) and the
    curvature penalty is unchanged, because a constant has no curvature.
    """
    levels, codes = np.unique(x, return_inverse=True)
    if len(levels) == 1:
        return np.zeros((x.shape[0], 0)), np.zeros((0, 0))
    if len(levels) <= DISCRETE_MAX:
        return _one_hot(codes, len(levels))[:, 1:], np.zeros((len(levels) - 1,) * 2)
    t = _knots(np.sort(x), N_KNOTS)
    return _spline_basis(x, t)[:, 1:], _curvature_penalty(t)[1:, 1:]


def _interaction_block(columns: Sequence[FloatArray]) -> FloatArray:
    """Products of shifted Legendre polynomials of the members' ranks (pairs, triples)."""
    n = columns[0].shape[0]
    ranks = [(np.argsort(np.argsort(x, kind="stable")) + 0.5) / n for x in columns]
    blocks = []
    for order, degree in _interaction_degrees(len(columns)).items():
        for subset in combinations(range(len(columns)), order):
            polys = [_shifted_legendre(ranks[i], degree) for i in subset]
            prod = polys[0]
            for nxt in polys[1:]:
                prod = (prod[:, :, None] * nxt[:, None, :]).reshape(n, -1)
            blocks.append(prod)
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0))


def _shifted_legendre(r: FloatArray, degree: int) -> FloatArray:
    """Shifted Legendre polynomials of degree 1 to ``degree`` at ``r`` in [0, 1],
    ``(len(r), degree)``, by Bonnet's recurrence on y = 2r - 1.

    >>> from scipy.special import eval_sh_legendre
    >>> r = np.array([0.1, 0.5, 0.93])
    >>> bool(np.allclose(_shifted_legendre(r, 4),
    ...                  np.stack([eval_sh_legendre(p, r) for p in (1, 2, 3, 4)], axis=1)))
    True
    """
    y = 2.0 * r - 1.0
    polys = [np.ones_like(y), y]
    for n in range(1, degree):
        polys.append(((2 * n + 1) * y * polys[n] - n * polys[n - 1]) / (n + 1))
    return np.stack(polys[1:degree + 1], axis=1)


def _block_diag(blocks: Sequence[FloatArray]) -> FloatArray:
    """The blocks along the diagonal of one square matrix, zeros elsewhere."""
    size = sum(b.shape[0] for b in blocks)
    out = np.zeros((size, size))
    at = 0
    for b in blocks:
        out[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    return out


def _normalised(block: FloatArray, penalty: FloatArray) -> FloatArray:
    """Scale a block's penalty to its Gram trace so one lambda serves every block."""
    tr = float(np.trace(penalty))
    return penalty * (float(np.einsum("ij,ij->", block, block)) / tr) if tr > 0 else penalty


def _fit_group(xs: Sequence[FloatArray], target: _Target, with_se: bool) -> _Fit:
    """E[D | group] on intercept + each member's basis + rank-polynomial interactions."""
    n = target.n
    blocks, penalties = [np.ones((n, 1))], [np.zeros((1, 1))]
    for x in xs:
        b, p = _main_block(x)
        blocks.append(b)
        penalties.append(_normalised(b, p))
    varying = [x for x in xs if np.ptp(x) > 0]
    if len(varying) >= 2:
        inter = _interaction_block(varying)
        blocks.append(inter)
        penalties.append(_normalised(inter, np.eye(inter.shape[1])))
    basis = np.concatenate(blocks, axis=1)
    omega = _block_diag(penalties)
    ev = None
    if with_se:
        rows = np.arange(0, n, max(1, n // _SE_GRID))
        ev = (basis[rows], np.full(rows.shape[0], 1.0 / rows.shape[0]))
    return _penalised_fit(_Dense(basis), target, omega, "group-spline", ev)


@_on_one_blas_thread
def evppi_group(values: FloatArray, params: Sequence[FloatArray],
                rng: np.random.Generator | None = None) -> Evppi:
    """EVPPI of learning several params together; at least each member's EVPPI.

    Args:
        values: value per option and draw, ``(n_options, n)``.
        params: the members' draws, each ``(n,)``.
        rng: for the standard error; None skips it.

    >>> rng = np.random.default_rng(1)
    >>> a, b = rng.normal(size=(2, 4000))
    >>> values = np.stack([np.zeros(4000), a * b])
    >>> round(evppi_group(values, [a, b]).value, 1)   # E[max(0, ab)] = 1/pi = 0.318
    0.3
    """
    target = _increments(values)
    xs = [_check_param(x, target.n, f"member {i}") for i, x in enumerate(params)]
    if not xs:
        raise ValueError("a group needs at least one param")
    ceiling = evpi(values)
    members = [_estimate(_fit_single(x, target, False), ceiling, None).value for x in xs]
    if len(xs) == 1:
        return _estimate(_fit_single(xs[0], target, rng is not None), ceiling, rng)
    est = _estimate(_fit_group(xs, target, rng is not None), ceiling, rng)
    floor = max(members)
    if est.value >= floor:
        return est
    return Evppi(floor, est.se, est.method, est.edf,
                 clipped=est.clipped or _material(floor, est.value, ceiling))


@_on_one_blas_thread
def evsi(values: FloatArray, param: FloatArray, n_new: float, n0: float) -> float:
    """Expected value of sample information: n_new more observations about one param.

    Jalal & Alarid-Escudero (2018, Med Decis Making 38:174), Gaussian approximation on
    the EVPPI fit: the preposterior mean of E[D | data] is the fitted E[D | p] shrunk
    toward its mean by sqrt(n_new / (n_new + n0)), where n0 is the prior's effective
    sample size (how many observations the current estimate is worth). Then
    EVSI = E[max_a shrunk_a] - max_a E[D_a]; 0 <= EVSI <= EVPPI.

    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(size=4000)
    >>> values = np.stack([np.zeros(4000), theta])
    >>> round(evsi(values, theta, n_new=3, n0=1), 1)   # sqrt(3/4) * phi(0) = 0.345
    0.3
    """
    if n_new < 0 or n0 <= 0:
        raise ValueError("evsi needs n_new >= 0 and n0 > 0")
    target = _increments(values)
    fit = _fit_single(_check_param(param, target.n), target, False)
    full = min(max(_fit_gain(fit), 0.0), evpi(values))
    return min(max(_fit_gain(fit, float(np.sqrt(n_new / (n_new + n0)))), 0.0), full)


def rank_params(evpi_value: float, estimates: Mapping[str, Evppi]) -> tuple[Ranked, ...]:
    """What to find out next: params by EVPPI, largest first, with their share of EVPI.

    >>> rank_params(2.0, {"a": Evppi(0.5, None, "spline", 3.0),
    ...                   "b": Evppi(1.0, None, "spline", 3.0)})[0]
    Ranked(param='b', evppi=1.0, share=0.5)
    """
    order = sorted(estimates.items(), key=lambda kv: (-kv[1].value, kv[0]))
    return tuple(Ranked(k, e.value, e.value / evpi_value if evpi_value > 0 else 0.0)
                 for k, e in order)


@_on_one_blas_thread
def analyse_voi(values: FloatArray, params: Mapping[str, FloatArray],
                rng: np.random.Generator | None = None, *,
                groups: Sequence[Sequence[str]] = (), ask: float | None = None,
                n0: float | Mapping[str, float] | None = None,
                inline: Mapping[str, FloatArray] | None = None,
                inert: frozenset[str] = frozenset(),
                se_share: float | None = None) -> VoiResult:
    """EVPI, every param's EVPPI, the groups' EVPPI and (with ``ask``) EVSI in one result.

    ``ask`` is the number of new observations per param (``voi --ask N``); ``n0`` the
    prior effective sample size, one number or one per param (required with ``ask``).
    ``inline`` are the inline ranges' draws (``a.r.cash``): ranked beside the params, but
    not part of ``evpi_params``, which is what learning the params is worth. ``inert``
    names inputs the value does not depend on: their EVPPI is 0, without a fit.
    ``se_share`` (with ``rng``) asks every single-input EVPPI for a standard error of at
    most that share of EVPI, and fits them (and the EVSIs) on as few of the first draws as
    reach it (:data:`VOI_FLOOR`; ``precision`` in the result says how many).

    >>> theta = np.random.default_rng(0).normal(size=2000)
    >>> r = analyse_voi(np.stack([np.zeros(2000), theta]), {"theta": theta})
    >>> r.ranking[0].param, round(r.ranking[0].share, 1)
    ('theta', 1.0)
    """
    total = evpi(values)
    inputs = {k: v for k, v in {**params, **(inline or {})}.items() if k not in inert}
    m, fitted, precision = _precise_singles(values, inputs, rng, total, se_share)
    singles = {**fitted, **{k: Evppi(0.0, 0.0, "inert", 0.0) for k in sorted(inert)}}
    grouped = {",".join(g): _within(total, evppi_group(  # on the singles' draws: >= each
        values[:, :m], [np.asarray(params[p])[:m] for p in g], rng)) for g in groups}
    evsis: dict[str, float] = {}
    if ask is not None:
        if n0 is None:
            raise ValueError("EVSI needs n0, the prior's effective sample size")
        for name, draws in inputs.items():
            prior = n0[name] if isinstance(n0, Mapping) else n0
            got = evsi(values[:, :m], np.asarray(draws)[:m], ask, prior)
            evsis[name] = min(got, singles[name].value)  # 0 <= EVSI <= EVPPI
    everything = expected_given_params(values, params, rng).evppi
    return VoiResult(total, singles, grouped, evsis, rank_params(total, singles), ask,
                     everything.value, everything.se, precision)


def _precise_singles(values: FloatArray, inputs: Mapping[str, FloatArray],
                     rng: np.random.Generator | None, total: float, se_share: float | None
                     ) -> tuple[int, dict[str, Evppi], dict[str, float] | None]:
    """Each input's EVPPI on the first ``m`` draws: every draw without a precision asked;
    with one, :data:`VOI_FLOOR` draws first, then as many as the largest standard error
    says are missing, until it is at most ``se_share`` of EVPI (or every draw is used).
    An estimate is clipped to the EVPI of every draw as well as to its own draws'."""
    v = np.asarray(values, dtype=np.float64)
    n = v.shape[1]
    if se_share is None or rng is None:
        return n, evppi(v, inputs, rng), None
    target = se_share * total
    m = min(n, VOI_FLOOR)
    while True:
        got = evppi(v[:, :m], {k: np.asarray(x)[:m] for k, x in inputs.items()}, rng)
        largest = max((e.se or 0.0 for e in got.values()), default=0.0)
        if largest <= target or m >= n:
            break
        need = m * (largest / max(target, 1e-300)) ** 2
        m = min(n, max(2 * m, int(np.ceil(need / 1_000.0)) * 1_000))
    return m, {k: _within(total, e) for k, e in got.items()}, {
        "draws": m, "largest_se": largest, "target": target}


def _within(total: float, e: Evppi) -> Evppi:
    """``e`` clipped to the EVPI of every draw (it was to the EVPI of its own draws)."""
    return e if e.value <= total else Evppi(total, e.se, e.method, e.edf, clipped=True)


# -- E[V | params] on every param at once: voi's `evpi_params` ---------------------------------

#: Draws the regression on every param is fitted on: enough for a few hundred
#: coefficients, few enough that a run's summary stays cheap.
FIT_DRAWS = 50_000
#: At most this many numbers in the all-params design matrix (128 MB): with many params the
#: basis grows (15 spline columns each, plus their pairs), so fewer draws are fitted.
FIT_CELLS = 16_000_000


@dataclass(frozen=True)
class Expected:
    """E[V | params] summarised: each option's share of draws where it is best given the
    params, and what learning every param at once is worth (in the units of the values).

    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(size=4000)
    >>> luck = rng.normal(size=4000)
    >>> values = np.stack([np.zeros(4000), theta + luck])
    >>> e = expected_given_params(values, {"theta": theta})
    >>> round(e.evppi.value, 1), e.p_best.round(1).tolist()   # phi(0) = 0.399; a coin flip
    (0.4, [0.5, 0.5])
    """

    p_best: FloatArray        # (n_options,) shares, summing to 1
    evppi: Evppi              # EVPPI of all params as one group
    draws: int                # how many draws the regression was fitted on


@_on_one_blas_thread  # small products: OpenBLAS's threads would mostly wait
def expected_given_params(values: FloatArray, params: Mapping[str, FloatArray],
                          rng: np.random.Generator | None = None) -> Expected:
    """``p_best_expected`` and ``evpi_params`` from one regression on every param.

    Args:
        values: value per option and draw, ``(n_options, n)``.
        params: each param's draws, ``(n,)``, drawn jointly with ``values``; params that
            do not vary are left out (they carry no information).
        rng: for the standard error of ``evpi_params``; None skips it.
    """
    v = np.asarray(values, dtype=np.float64)
    varying = [name for name, x in params.items() if np.ptp(np.asarray(x)) > 0]
    m = min(v.shape[1], FIT_DRAWS, max(2_000, FIT_CELLS // _columns(len(varying))))
    v = v[:, :m]
    xs = [_check_param(np.asarray(params[name])[:m], m, name) for name in varying]
    xs = [x for x in xs if np.ptp(x) > 0]
    if v.shape[0] < 2 or not xs:
        return Expected(best_share(v.mean(axis=1)[:, None]),
                        Evppi(0.0, None, "constant", 1.0), m)
    target = _increments(v)
    with_se = rng is not None
    fit = _fit_single(xs[0], target, with_se) if len(xs) == 1 else _fit_group(xs, target,
                                                                               with_se)
    return Expected(best_share(_fitted(fit)), _estimate(fit, evpi(v), rng), m)


def _columns(d: int) -> int:
    """About how many columns the all-params fit has for ``d`` params (voi's group basis:
    15 spline columns each, plus the interactions of :func:`_interaction_degrees`)."""
    if d <= 1:
        return 16
    from math import comb

    inter = sum(comb(d, order) * degree**order
                for order, degree in _interaction_degrees(d).items())
    return int(1 + (N_KNOTS + 3) * d + inter)


def _fitted(fit: _Fit) -> FloatArray:
    """E[V_a - V_0 | params] per option and draw, (n_options, n): row 0 is all zeros."""
    n = fit.basis.n
    out = np.zeros((fit.beta.shape[1] + 1, n))
    for rows in _row_chunks(n):
        out[1:, rows] = (fit.basis.apply(fit.beta, rows) + fit.offset).T
    return out


