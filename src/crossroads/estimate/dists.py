"""Distributions of the estimate language and the fitting of ``a to b`` ranges.

Every distribution is a frozen dataclass drawn by inverse transform: the sampler hands it
uniforms (or standard normals, see :attr:`Dist.base`) and gets values back through
:meth:`Dist.ppf`. Drawing through the quantile function is what makes common random numbers
and Gaussian-copula correlations work: the same uniform gives the same rank in every run.

Hot paths use :mod:`scipy.special` (``ndtri``, ``betaincinv``...) rather than frozen
``scipy.stats`` objects, which cost tens of microseconds per call in argument checking.
:mod:`scipy.special` itself is imported on first use (:func:`_special`): its import costs
about 0.3 s, and a file whose estimates are all numbers, log-normal ranges or triangles
compiles without it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from crossroads._types import FloatArray

Z95: float = 1.6448536269514722
"""The standard normal 95th percentile, ``scipy.special.ndtri(0.95)`` to the last bit (a
test checks it): a 90% interval is mean +- Z95 sd. A literal, so that fitting ``a to b``
needs no SciPy."""

PROBABILITY_NUDGE = 1e-6
"""A beta cannot have its 5th percentile at exactly 0 (or its 95th at exactly 1): such
bounds are moved inside by this much before fitting."""

MIXTURE_GRID = 4097
"""Quantile points per mixture component used to invert the mixture CDF."""

__all__ = [
    "MIXTURE_GRID",
    "PROBABILITY_NUDGE",
    "Z95",
    "Bernoulli",
    "Beta",
    "Constant",
    "Dist",
    "Empirical",
    "FlooredNormal",
    "LogNormal",
    "Mixture",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "fit_range",
]


def _special() -> Any:
    """:mod:`scipy.special`, imported on first use rather than with this module.

    Its import pulls SciPy's array-API layer and costs about 0.3 s, a third of the start-up
    budget of `crossroads run`; files that need no normal or beta function never pay it.
    """
    from scipy import special

    return special


def _arr(x: FloatArray | float) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _fmt(x: float) -> str:
    """Short human number: 160000 -> '160k', 0.25 -> '0.25', 1.2e6 -> '1.2M'."""
    if not math.isfinite(x):
        return str(x)
    ax = abs(x)
    if 1e4 <= ax < 1e6:
        return f"{x / 1e3:.3g}k"
    if 1e6 <= ax < 1e12:
        return f"{x / 1e6:.3g}M"
    return f"{x:.3g}"


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")


def _check_range(kind: str, lo: float, hi: float) -> None:
    _finite("lo", lo)
    _finite("hi", hi)
    if not lo < hi:
        raise ValueError(f"{kind} needs lo < hi, got lo={lo:g}, hi={hi:g}")


@dataclass(frozen=True)
class Dist:
    """A distribution of the estimate language, drawn through its quantile function.

    Subclasses implement :meth:`ppf`, :meth:`cdf` and :meth:`mean`.
    ``base`` names the stream a sampler should draw for it: ``"normal"`` when
    :meth:`from_normal` is cheaper than ``ppf(ndtr(z))`` (no round trip through ``ndtr``).
    """

    base: ClassVar[Literal["uniform", "normal"]] = "uniform"
    kind: ClassVar[str] = "dist"

    def ppf(self, u: FloatArray) -> FloatArray:
        """Quantile function: monotone non-decreasing, vectorised over ``u`` in [0, 1]."""
        raise NotImplementedError

    def cdf(self, x: FloatArray) -> FloatArray:
        """Cumulative distribution function P(X <= x), vectorised (right-continuous)."""
        raise NotImplementedError

    def mean(self) -> float:
        """The exact mean."""
        raise NotImplementedError

    def from_normal(self, z: FloatArray) -> FloatArray:
        """Values for standard-normal draws ``z``: ``ppf(ndtr(z))``, used by copulas."""
        return self.ppf(_special().ndtr(_arr(z)))

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Central interval holding ``level`` of the probability.

        >>> Normal(0.0, 1.0).interval(0.9)
        (-1.6448536269514729, 1.6448536269514722)
        """
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be between 0 and 1, got {level}")
        q = self.ppf(np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0]))
        return float(q[0]), float(q[1])

    def describe(self) -> str:
        """Short human text, e.g. ``"lognormal, 90% in [3, 4]"``.

        >>> LogNormal.from_interval(3.0, 4.0).describe()
        'lognormal, 90% in [3, 4]'
        """
        lo, hi = self.interval(0.9)
        return f"{self.kind}, 90% in [{_fmt(lo)}, {_fmt(hi)}]"


@dataclass(frozen=True)
class Normal(Dist):
    """Normal distribution with the given mean and standard deviation.

    >>> float(Normal(10.0, 2.0).ppf(np.array([0.5]))[0])
    10.0
    """

    mu: float
    sd: float
    base: ClassVar[Literal["uniform", "normal"]] = "normal"
    kind: ClassVar[str] = "normal"

    def __post_init__(self) -> None:
        _finite("mean", self.mu)
        _finite("sd", self.sd)
        if not self.sd > 0:
            raise ValueError(f"sd must be > 0, got {self.sd:g}")

    def ppf(self, u: FloatArray) -> FloatArray:
        return _arr(self.mu + self.sd * _special().ndtri(_arr(u)))

    def from_normal(self, z: FloatArray) -> FloatArray:
        return self.mu + self.sd * _arr(z)

    def cdf(self, x: FloatArray) -> FloatArray:
        return _arr(_special().ndtr((_arr(x) - self.mu) / self.sd))

    def mean(self) -> float:
        return float(self.mu)


@dataclass(frozen=True)
class FlooredNormal(Dist):
    """``max(0, N(mu, sd))``: the fit of a range that starts at 0 (``0 to 50k``).

    Its quantiles above the floor are the normal's, so ``0 to b`` keeps 0 as its 5th
    percentile and ``b`` as its 95th; the draws the normal would put below 0 are exactly 0
    (an amount that is sometimes nothing, never negative). Mean: mu Phi(mu/sd) + sd phi(mu/sd).

    >>> d = FlooredNormal(4000.0, 2431.83)
    >>> [float(x) for x in d.ppf(np.array([0.01, 0.5]))], round(d.mean(), 1)
    ([0.0, 4000.0], 4050.8)
    """

    mu: float
    sd: float
    base: ClassVar[Literal["uniform", "normal"]] = "normal"
    kind: ClassVar[str] = "normal floored at 0"

    def __post_init__(self) -> None:
        Normal(self.mu, self.sd)  # the same checks

    def ppf(self, u: FloatArray) -> FloatArray:
        return np.maximum(Normal(self.mu, self.sd).ppf(u), 0.0)

    def from_normal(self, z: FloatArray) -> FloatArray:
        return np.maximum(self.mu + self.sd * _arr(z), 0.0)

    def cdf(self, x: FloatArray) -> FloatArray:
        x = _arr(x)
        return np.where(x < 0.0, 0.0, _special().ndtr((x - self.mu) / self.sd))

    def mean(self) -> float:
        t = self.mu / self.sd
        pdf = math.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
        return float(self.mu * 0.5 * math.erfc(-t / math.sqrt(2.0)) + self.sd * pdf)


@dataclass(frozen=True)
class LogNormal(Dist):
    """Log-normal: ``exp(N(mu, sigma))``; the default fit of a positive ``a to b``.

    >>> round(LogNormal(0.0, 1.0).mean(), 6)
    1.648721
    """

    mu: float
    sigma: float
    base: ClassVar[Literal["uniform", "normal"]] = "normal"
    kind: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        _finite("mu", self.mu)
        _finite("sigma", self.sigma)
        if not self.sigma > 0:
            raise ValueError(f"sigma must be > 0, got {self.sigma:g}")

    @classmethod
    def from_interval(cls, lo: float, hi: float) -> LogNormal:
        """The log-normal whose 5th and 95th percentiles are ``lo`` and ``hi`` (0 < lo < hi)."""
        if not 0 < lo < hi:
            raise ValueError(f"a lognormal interval needs 0 < lo < hi, got {lo:g} to {hi:g}")
        mu = (math.log(lo) + math.log(hi)) / 2.0
        width = math.log(hi) - math.log(lo)
        if width < 1e-8:  # hi within a few ulps of lo: ln hi - ln lo may round to 0
            width = math.log1p((hi - lo) / lo)
        return cls(mu, width / (2.0 * Z95))

    def ppf(self, u: FloatArray) -> FloatArray:
        return _arr(np.exp(self.mu + self.sigma * _special().ndtri(_arr(u))))

    def from_normal(self, z: FloatArray) -> FloatArray:
        return np.exp(self.mu + self.sigma * _arr(z))

    def cdf(self, x: FloatArray) -> FloatArray:
        x = _arr(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.log(np.where(x > 0, x, 1.0)) - self.mu) / self.sigma
        return np.where(x > 0, _special().ndtr(z), 0.0)

    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2.0)


@dataclass(frozen=True)
class Uniform(Dist):
    """Uniform on ``[lo, hi]``.

    >>> Uniform(0.0, 10.0).mean()
    5.0
    """

    lo: float
    hi: float
    kind: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        _check_range("uniform", self.lo, self.hi)

    def ppf(self, u: FloatArray) -> FloatArray:
        return self.lo + (self.hi - self.lo) * _arr(u)

    def cdf(self, x: FloatArray) -> FloatArray:
        return np.clip((_arr(x) - self.lo) / (self.hi - self.lo), 0.0, 1.0)

    def mean(self) -> float:
        return (self.lo + self.hi) / 2.0


@dataclass(frozen=True)
class Beta(Dist):
    """Beta(a, b) on [0, 1]; the default fit of a probability range ``30% to 50%``.

    >>> Beta(2.0, 6.0).mean()
    0.25
    """

    a: float
    b: float
    kind: ClassVar[str] = "beta"

    def __post_init__(self) -> None:
        _finite("a", self.a)
        _finite("b", self.b)
        if not (self.a > 0 and self.b > 0):
            raise ValueError(f"beta parameters must be > 0, got a={self.a:g}, b={self.b:g}")

    def ppf(self, u: FloatArray) -> FloatArray:
        return _arr(_special().betaincinv(self.a, self.b, _arr(u)))

    def cdf(self, x: FloatArray) -> FloatArray:
        return _arr(_special().betainc(self.a, self.b, np.clip(_arr(x), 0.0, 1.0)))

    def mean(self) -> float:
        return self.a / (self.a + self.b)


@dataclass(frozen=True)
class Triangular(Dist):
    """Triangular on ``[lo, hi]`` with its peak at ``mode``.

    >>> Triangular(0.0, 3.0, 6.0).mean()
    3.0
    """

    lo: float
    mode: float
    hi: float
    kind: ClassVar[str] = "triangular"

    def __post_init__(self) -> None:
        _finite("mode", self.mode)
        if not self.lo <= self.mode <= self.hi:
            raise ValueError("triangular needs lo <= mode <= hi, got "
                             f"{self.lo:g}, {self.mode:g}, {self.hi:g}")
        _check_range("triangular", self.lo, self.hi)

    def ppf(self, u: FloatArray) -> FloatArray:
        u = _arr(u)
        width = self.hi - self.lo
        c = (self.mode - self.lo) / width
        left = self.lo + np.sqrt(np.clip(u, 0.0, c) * width * (self.mode - self.lo))
        right = self.hi - np.sqrt(np.clip(1.0 - u, 0.0, 1.0 - c) * width * (self.hi - self.mode))
        return np.where(u < c, left, right)

    def cdf(self, x: FloatArray) -> FloatArray:
        x = np.clip(_arr(x), self.lo, self.hi)
        width = self.hi - self.lo
        with np.errstate(divide="ignore", invalid="ignore"):
            left = (x - self.lo) ** 2 / (width * (self.mode - self.lo))
            right = 1.0 - (self.hi - x) ** 2 / (width * (self.hi - self.mode))
        return np.where(x <= self.mode, np.where(x > self.lo, left, 0.0),
                        np.where(x < self.hi, right, 1.0))

    def mean(self) -> float:
        return (self.lo + self.mode + self.hi) / 3.0


@dataclass(frozen=True)
class Pert(Dist):
    """PERT: a beta scaled to ``[lo, hi]`` with alpha = 1 + 4(mode-lo)/(hi-lo) and
    beta = 1 + 4(hi-mode)/(hi-lo), so that its mean is (lo + 4 mode + hi) / 6.

    >>> Pert(5.0, 8.0, 9.0).mean()
    7.666666666666667
    """

    lo: float
    mode: float
    hi: float
    kind: ClassVar[str] = "pert"

    def __post_init__(self) -> None:
        _finite("mode", self.mode)
        if not self.lo <= self.mode <= self.hi:
            raise ValueError("pert needs lo <= mode <= hi, got "
                             f"{self.lo:g}, {self.mode:g}, {self.hi:g}")
        _check_range("pert", self.lo, self.hi)

    @property
    def alpha(self) -> float:
        return 1.0 + 4.0 * (self.mode - self.lo) / (self.hi - self.lo)

    @property
    def beta(self) -> float:
        return 1.0 + 4.0 * (self.hi - self.mode) / (self.hi - self.lo)

    def ppf(self, u: FloatArray) -> FloatArray:
        t = _special().betaincinv(self.alpha, self.beta, _arr(u))
        return _arr(self.lo + (self.hi - self.lo) * t)

    def cdf(self, x: FloatArray) -> FloatArray:
        t = np.clip((_arr(x) - self.lo) / (self.hi - self.lo), 0.0, 1.0)
        return _arr(_special().betainc(self.alpha, self.beta, t))

    def mean(self) -> float:
        return (self.lo + 4.0 * self.mode + self.hi) / 6.0


@dataclass(frozen=True)
class Bernoulli(Dist):
    """1.0 with probability ``p``, else 0.0 (``ppf(u) = 1.0`` where ``u > 1 - p``).

    >>> Bernoulli(0.3).ppf(np.array([0.5, 0.8])).tolist()
    [0.0, 1.0]
    """

    p: float
    kind: ClassVar[str] = "bernoulli"

    def __post_init__(self) -> None:
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"bernoulli needs 0 <= p <= 1, got {self.p:g}")

    def ppf(self, u: FloatArray) -> FloatArray:
        return np.where(_arr(u) > 1.0 - self.p, 1.0, 0.0)

    def cdf(self, x: FloatArray) -> FloatArray:
        x = _arr(x)
        return np.where(x < 0.0, 0.0, np.where(x < 1.0, 1.0 - self.p, 1.0))

    def mean(self) -> float:
        return float(self.p)

    def describe(self) -> str:
        return f"bernoulli, 1 with probability {self.p:.3g}"


@dataclass(frozen=True)
class Constant(Dist):
    """A plain number, seen as a distribution with all its mass on one value.

    >>> Constant(3.0).describe()
    'constant 3'
    """

    value: float
    kind: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        _finite("value", self.value)

    def ppf(self, u: FloatArray) -> FloatArray:
        return np.full_like(_arr(u), self.value)

    def from_normal(self, z: FloatArray) -> FloatArray:
        return np.full_like(_arr(z), self.value)

    def cdf(self, x: FloatArray) -> FloatArray:
        return np.where(_arr(x) >= self.value, 1.0, 0.0)

    def mean(self) -> float:
        return float(self.value)

    def describe(self) -> str:
        return f"constant {_fmt(self.value)}"


@dataclass(frozen=True)
class Empirical(Dist):
    """Resampling of observed values (market salaries, pooled research answers).

    Each value is drawn with probability 1/n: ``ppf(u) = sorted(values)[floor(u n)]``.

    >>> Empirical((3.0, 1.0, 2.0)).ppf(np.array([0.1, 0.5, 0.99])).tolist()
    [1.0, 2.0, 3.0]
    """

    values: tuple[float, ...]
    kind: ClassVar[str] = "empirical"
    _sorted: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        arr = np.sort(np.asarray(self.values, dtype=np.float64).ravel())
        if arr.size == 0:
            raise ValueError("empirical needs at least one value")
        if not np.all(np.isfinite(arr)):
            raise ValueError("empirical values must be finite numbers")
        arr.setflags(write=False)
        object.__setattr__(self, "values", tuple(arr.tolist()))
        object.__setattr__(self, "_sorted", arr)

    def ppf(self, u: FloatArray) -> FloatArray:
        n = self._sorted.size
        idx = np.clip(np.floor(_arr(u) * n), 0, n - 1).astype(np.intp)
        return self._sorted[idx]

    def cdf(self, x: FloatArray) -> FloatArray:
        found = np.searchsorted(self._sorted, _arr(x), side="right")
        return found / float(self._sorted.size)

    def mean(self) -> float:
        return float(np.mean(self._sorted))

    def describe(self) -> str:
        lo, hi = self.interval(0.9)
        return f"empirical ({len(self.values)} values), 90% in [{_fmt(lo)}, {_fmt(hi)}]"


def _u_grid(m: int) -> FloatArray:
    """Quantile levels dense in both tails: logistic spacing from 1e-12 to 1 - 1e-12."""
    t = np.linspace(-27.6, 27.6, m)
    return _arr(_special().expit(t))


@dataclass(frozen=True)
class Mixture(Dist):
    """Finite mixture: component ``i`` with probability ``weights[i]`` (normalised).

    ``ppf`` inverts the mixture CDF numerically: the CDF is evaluated at every component's
    quantiles on a grid of :data:`MIXTURE_GRID` logistic-spaced levels (plus the left limit
    at each point, so atoms stay atoms) and inverted with ``np.interp``. The result is
    monotone; between grid points it is linear in probability, so the quantile error is
    below one grid step of the component quantiles (about 1e-3 sd in the body of a normal).

    >>> Mixture((Constant(0.0), Constant(1.0)), (1.0, 3.0)).weights
    (0.25, 0.75)
    """

    components: tuple[Dist, ...]
    weights: tuple[float, ...] = ()
    kind: ClassVar[str] = "mixture"
    _grid: tuple[FloatArray, FloatArray] | None = field(
        default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        if not comps:
            raise ValueError("mixture needs at least one component")
        if not all(isinstance(c, Dist) for c in comps):
            raise ValueError("mixture components must be distributions")
        w = np.ones(len(comps)) if not self.weights else np.asarray(self.weights, float)
        if w.shape != (len(comps),):
            raise ValueError(f"mixture has {len(comps)} components but {w.size} weights")
        if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ValueError("mixture weights must be >= 0 and not all zero")
        object.__setattr__(self, "components", comps)
        object.__setattr__(self, "weights", tuple((w / w.sum()).tolist()))

    def cdf(self, x: FloatArray) -> FloatArray:
        x = _arr(x)
        total = np.zeros_like(x)
        for w, c in zip(self.weights, self.components, strict=True):
            total = total + w * c.cdf(x)
        return total

    def _curve(self) -> tuple[FloatArray, FloatArray]:
        if self._grid is None:
            u = _u_grid(MIXTURE_GRID)
            xs = np.unique(np.concatenate([c.ppf(u) for c in self.components]))
            xs = xs[np.isfinite(xs)]
            left = np.nextafter(xs, -np.inf)
            x_all = np.stack([left, xs], axis=1).ravel()
            f_all = np.maximum.accumulate(self.cdf(x_all))
            object.__setattr__(self, "_grid", (f_all, x_all))
        assert self._grid is not None
        return self._grid

    def ppf(self, u: FloatArray) -> FloatArray:
        f, x = self._curve()
        return np.interp(_arr(u), f, x)

    def mean(self) -> float:
        return float(sum(w * c.mean() for w, c in zip(self.weights, self.components,
                                                      strict=True)))


#: The beta fit keeps log a and log b within +-30: a and b from about 1e-13 to 1e13.
_LOG_BOUND = 30.0

_Residual = Callable[[float, float], tuple[float, float]]


@functools.lru_cache(maxsize=1024)
def _fit_beta(lo: float, hi: float) -> Beta:
    """The beta whose 5th and 95th percentiles are ``lo`` and ``hi`` (0 < lo < hi < 1).

    Solved in (log a, log b) with residuals on the logit scale, which keeps the problem
    well conditioned from 1e-6 to 1 - 1e-6. Two equations in two unknowns need no general
    least-squares solver: a damped Newton iteration (:func:`_newton_step`) from the beta
    with the interval's mean and variance converges in a handful of steps and needs only
    :mod:`scipy.special`, whereas importing :mod:`scipy.optimize` cost a quarter of a
    second at start-up. tests/estimate/test_fit.py checks it against the least-squares fit
    it replaced on a grid of intervals. Fits are cached: files repeat `30% to 50%`; and
    kept on disk between runs (:mod:`crossroads.simulate.table_cache`, beside the beta
    tables), so that a later run of the same file imports no :mod:`scipy.special`.
    """
    from crossroads.simulate.table_cache import beta_fit  # the disk is its business, not ours

    return Beta(*beta_fit(lo, hi, _solve_beta, __file__))


def _solve_beta(lo: float, hi: float) -> tuple[float, float]:
    """The shape ``(a, b)`` of :func:`_fit_beta`, solved (SciPy's inverse incomplete beta)."""
    residual = _beta_residual(lo, hi)
    m, sd = (lo + hi) / 2.0, (hi - lo) / (2.0 * Z95)
    k = max(m * (1.0 - m) / sd**2 - 1.0, 0.5)
    x, y = math.log(max(m * k, 0.05)), math.log(max((1.0 - m) * k, 0.05))
    r = residual(x, y)
    for _ in range(50):
        if max(abs(r[0]), abs(r[1])) < 1e-13:
            break
        step = _newton_step(residual, x, y, r)
        if step is None:  # no step lowers the residual: as close as rounding allows
            break
        x, y, r = step
    if not max(abs(r[0]), abs(r[1])) < 1e-6:
        raise ValueError(f"could not fit a beta to {lo:g} to {hi:g}")
    return _bounded_exp(x), _bounded_exp(y)


def _bounded_exp(t: float) -> float:
    return math.exp(min(max(t, -_LOG_BOUND), _LOG_BOUND))


def _logit(q: float) -> float:
    q = min(max(q, 1e-300), 1.0 - 1e-16)
    return math.log(q) - math.log1p(-q)


def _beta_residual(lo: float, hi: float) -> _Residual:
    """(log a, log b) -> logit of the beta's 5th and 95th percentiles minus logit lo, hi."""
    inverse = _special().betaincinv
    t_lo, t_hi = _logit(lo), _logit(hi)

    def residual(x: float, y: float) -> tuple[float, float]:
        a, b = _bounded_exp(x), _bounded_exp(y)
        return (_logit(float(inverse(a, b, 0.05))) - t_lo,
                _logit(float(inverse(a, b, 0.95))) - t_hi)

    return residual


def _newton_step(residual: _Residual, x: float, y: float, r: tuple[float, float],
                 ) -> tuple[float, float, tuple[float, float]] | None:
    """One Newton step on ``residual(x, y) = 0``, halved until the residual shrinks.

    The 2x2 Jacobian comes from forward differences; its error slows the iteration a
    little but does not move the root it converges to. ``None`` when no step helps.
    """
    norm = max(abs(r[0]), abs(r[1]))
    hx, hy = 1e-7 * max(1.0, abs(x)), 1e-7 * max(1.0, abs(y))
    fx, fy = residual(x + hx, y), residual(x, y + hy)
    j00, j10 = (fx[0] - r[0]) / hx, (fx[1] - r[1]) / hx
    j01, j11 = (fy[0] - r[0]) / hy, (fy[1] - r[1]) / hy
    det = j00 * j11 - j01 * j10
    if det == 0.0 or not math.isfinite(det):
        return None
    dx, dy = (r[1] * j01 - r[0] * j11) / det, (r[0] * j10 - r[1] * j00) / det
    scale = 1.0
    while scale > 1e-3:
        new = residual(x + scale * dx, y + scale * dy)
        if max(abs(new[0]), abs(new[1])) < norm:
            return x + scale * dx, y + scale * dy, new
        scale /= 2.0
    return None


def fit_range(lo: float, hi: float, *, probability: bool = False) -> Dist:
    """Fit ``lo to hi``, read as a 90% interval (5th and 95th percentiles).

    * ``lo == hi``: :class:`Constant`;
    * ``probability`` and both bounds in [0, 1]: :class:`Beta` with those percentiles
      (a bound at exactly 0 or 1 is moved inside by :data:`PROBABILITY_NUDGE`);
    * both bounds > 0: :class:`LogNormal`, mu = (ln lo + ln hi)/2,
      sigma = (ln hi - ln lo)/(2 z95);
    * ``lo == 0``: :class:`FlooredNormal`, the normal below floored at 0: a range that
      starts at 0 never goes below it (``cash: 0 to 8k``: sometimes nothing, never a debt);
    * otherwise :class:`Normal`, mean (lo + hi)/2, sd (hi - lo)/(2 z95).

    >>> fit_range(3, 4, probability=False).describe()
    'lognormal, 90% in [3, 4]'
    >>> fit_range(-1, 1, probability=False)
    Normal(mu=0.0, sd=0.6079568319117692)
    """
    lo, hi = float(lo), float(hi)
    _finite("lo", lo)
    _finite("hi", hi)
    if lo > hi:
        raise ValueError(f"range is reversed ({_fmt(lo)} to {_fmt(hi)}): "
                         "write the smaller bound first")
    if lo == hi:
        return Constant(lo)
    if probability and 0.0 <= lo and hi <= 1.0:
        nudge = PROBABILITY_NUDGE
        return _fit_beta(min(max(lo, nudge), 1.0 - 2 * nudge),
                         max(min(hi, 1.0 - nudge), 2 * nudge))
    if lo > 0.0:
        return LogNormal.from_interval(lo, hi)
    sd = (hi - lo) / (2.0 * Z95)
    if sd == 0.0:  # bounds a few subnormal ulps apart: the spread underflows
        return Constant((lo + hi) / 2.0)
    if lo == 0.0:
        return FlooredNormal(hi / 2.0, sd)
    return Normal((lo + hi) / 2.0, sd)
