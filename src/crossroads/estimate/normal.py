"""The standard normal distribution function and its inverse, in NumPy.

``ndtr(x)`` is ``Phi(x) = P(Z <= x)`` and ``ndtri(p)`` its inverse, elementwise: what skills
(a standing ``z`` and its percentile), the intersection rank and the screen of inline
ranges need, about a million values a run of the founding case.

They are the project's own, written from two published algorithms, rather than
:mod:`scipy.special`'s: importing that module costs 0.13-0.3 s of a one-second run (SciPy's
array-API layer clones NumPy, importing ``numpy.f2py`` and ``numpy.testing`` on the way),
and these functions were all the founding case still imported it for once its tables are
cached on disk. They agree with SciPy to about 1e-15 relative (tests/estimate/test_normal.py
checks 1e-14 on a dense grid, tails included) but not to the last bit, so results moved in
their last digits when they replaced SciPy's; same file and seed still give the same bytes.

* ``ndtr``: ``Phi(x) = erfc(-x / sqrt(2)) / 2`` with W. J. Cody's rational Chebyshev
  approximations of ``erf`` and ``erfc`` (Math. Comp. 23, 1969, as in his CALERF). In the
  tails ``Phi`` is ``exp(-x^2/2) R(|x|/sqrt(2)) / 2`` where ``R`` is Cody's rational
  function of ``erfc(y) exp(y^2)``; the exponential is taken of ``x`` itself, split into a
  part of a few bits whose square is exact and a small remainder (Cody's device), so the
  rounding of ``x / sqrt(2)`` and of ``x^2`` does not cost relative accuracy far out
  (``Phi(-37) ~ 6e-300`` is still good to about 1e-15).
* ``ndtri``: M. J. Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), rational
  approximations in ``p - 1/2`` near the centre and in ``sqrt(-log(min(p, 1 - p)))`` in the
  tails, about 1e-16 relative.

Both take any array-like, return float64 arrays, pass NaN through, and give ``ndtr(0) = 0.5``
exactly, ``ndtri(0) = -inf``, ``ndtri(1) = inf`` and NaN outside ``[0, 1]``.
"""

from __future__ import annotations

import numpy as np

from crossroads._types import FloatArray

__all__ = ["ALGORITHM", "ndtr", "ndtri"]

ALGORITHM = "ndtr: Cody 1969 erfc; ndtri: Wichura AS 241; version 1"
"""Names the implementation, for caches of tables computed with it (the intersection table):
change it whenever a change here could move a bit of their results."""

# --- Cody (1969): erf on |y| <= 0.46875, erfc(y) exp(y^2) on 0.46875 < y <= 4 and y > 4 ----
_THRESH = 0.46875
_SQRT_HALF = 0.70710678118654752440
_ONE_OVER_SQRT_PI = 0.56418958354775628695

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)

#: Beyond this |x| the tail is below the smallest subnormal (Phi(-39) ~ 4e-334): 0 or 1.
_X_MAX = 39.0


def _poly(coeffs: tuple[float, ...], r: FloatArray, lead: float = 1.0) -> FloatArray:
    """``lead r^n + coeffs[0] r^(n-1) + ... + coeffs[-1]`` by Horner's rule, in place (one
    array allocated: a million values are memory-bound, and each temporary costs)."""
    out = r.copy() if lead == 1.0 else r * lead
    out += coeffs[0]
    for c in coeffs[1:]:
        out *= r
        out += c
    return out


def _erf_small(y: FloatArray) -> FloatArray:
    """``erf(y)`` for ``|y| <= 0.46875`` (Cody's first approximation)."""
    ysq = y * y
    num = _poly((_A[0], _A[1], _A[2], _A[3]), ysq, _A[4])
    num /= _poly(_B, ysq)
    num *= y
    return num


def _scaled_erfc(y: FloatArray) -> FloatArray:
    """``erfc(y) exp(y^2)`` for ``y > 0.46875`` (Cody's second and third approximations)."""
    out = np.empty_like(y)
    mid = y <= 4.0
    ym = y[mid]
    num = _poly(_C[:8], ym, _C[8])
    num /= _poly(_D, ym)
    out[mid] = num
    far = ~mid
    if far.any():
        yf = y[far]
        z = 1.0 / (yf * yf)
        num = _poly(_P[:5], z, _P[5])
        num /= _poly(_Q, z)
        num *= z
        out[far] = (_ONE_OVER_SQRT_PI - num) / yf
    return out


#: ``exp(-(k/16)^2 / 2)`` for ``k = 0 .. 16 * 39``: the first factor of the tail's
#: exponential, looked up (one ``exp`` a value instead of two).
_EXP_SIXTEENTHS = np.exp(-0.5 * (np.arange(16 * int(_X_MAX) + 1) / 16.0) ** 2)


def _lower_tail(a: FloatArray) -> FloatArray:
    """``Phi(-a)`` for ``a / sqrt(2) > 0.46875``, to full relative precision.

    ``exp(-a^2/2)`` is ``exp(-ah^2/2) exp(-(a - ah)(a + ah)/2)`` with ``ah`` = ``a`` cut to a
    sixteenth: ``ah^2/2`` is exact (``a < 39``), ``a - ah`` is exact, and the second factor's
    argument is small, so only a few roundings touch the result however far out ``a`` is.
    """
    a = np.minimum(a, _X_MAX)
    k = (a * 16.0).astype(np.intp)  # truncation: a >= 0
    ah = k / 16.0
    rest = a - ah
    rest *= a + ah
    rest *= -0.5
    np.exp(rest, out=rest)
    out = _scaled_erfc(a * _SQRT_HALF)
    out *= 0.5
    out *= rest
    with np.errstate(under="ignore"):
        out *= _EXP_SIXTEENTHS[k]
    return out


def ndtr(x: FloatArray | float) -> FloatArray:
    """``Phi(x)``, the standard normal distribution function, elementwise.

    >>> float(ndtr(0.0))
    0.5
    """
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(-1)
    out = np.full(flat.shape, np.nan)
    y = np.abs(flat) * _SQRT_HALF
    centre = y <= _THRESH
    out[centre] = 0.5 + 0.5 * _erf_small(flat[centre] * _SQRT_HALF)
    tails = y > _THRESH  # NaN is in neither and stays NaN
    xt = flat[tails]
    tail = _lower_tail(np.abs(xt))
    out[tails] = np.where(xt < 0.0, tail, 1.0 - tail)
    return out.reshape(x.shape)


# --- Wichura (1988), AS 241 PPND16 ------------------------------------------------------------
_SPLIT1 = 0.425
_SPLIT2 = 5.0
_CONST1 = 0.180625  # 0.425^2
_CONST2 = 1.6
_WA = (3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
       1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
       3.3430575583588128105e4, 2.5090809287301226727e3)
_WB = (1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
       2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
       5.2264952788528545610e3)
_WC = (1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
       3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
       2.27238449892691845833e-2, 7.74545014278341407640e-4)
_WD = (1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
       1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
       1.05075007164441684324e-9)
_WE = (6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
       2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
       2.71155556874348757815e-5, 2.01033439929228813265e-7)
_WF = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
       7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
       2.04426310338993978564e-15)


def _ratio(num: tuple[float, ...], den: tuple[float, ...], r: FloatArray) -> FloatArray:
    """``num(r) / den(r)``, both degree-7 polynomials (coefficients lowest first)."""
    out = _poly(num[6::-1], r, num[7])
    out /= _poly(den[6::-1], r, den[7])
    return out


def ndtri(p: FloatArray | float) -> FloatArray:
    """``Phi^-1(p)``, the standard normal quantile, elementwise (``-inf`` at 0, ``inf`` at 1).

    >>> float(ndtri(0.5))
    0.0
    """
    p = np.asarray(p, dtype=np.float64)
    flat = p.reshape(-1)
    out = np.full(flat.shape, np.nan)
    q = flat - 0.5
    centre = np.abs(q) <= _SPLIT1
    qc = q[centre]
    out[centre] = qc * _ratio(_WA, _WB, _CONST1 - qc * qc)
    tails = (np.abs(q) > _SPLIT1) & (flat > 0.0) & (flat < 1.0)
    qt = q[tails]
    r = np.sqrt(-np.log(np.where(qt < 0.0, flat[tails], 0.5 - qt)))
    near = r <= _SPLIT2
    z = np.empty_like(r)
    z[near] = _ratio(_WC, _WD, r[near] - _CONST2)
    z[~near] = _ratio(_WE, _WF, r[~near] - _SPLIT2)
    out[tails] = np.where(qt < 0.0, -z, z)
    out[flat == 0.0] = -np.inf
    out[flat == 1.0] = np.inf
    return out.reshape(p.shape)
