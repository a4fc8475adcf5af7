"""The standard normal distribution function and its inverse, imported on first use.

``ndtr(x)`` is ``Phi(x) = P(Z <= x)`` and ``ndtri(p)`` its inverse, elementwise: what skills
(a standing ``z`` and its percentile), the intersection rank and the screen of inline
ranges need. They are :mod:`scipy.special`'s own, bit for bit, so results do not move;
importing that module costs 0.15-0.3 s of start-up (SciPy's array-API layer clones NumPy,
importing ``numpy.f2py`` and ``numpy.testing`` on the way), so it is imported only when a
run calls one of them, not when a module that might is imported.
"""

from __future__ import annotations

from typing import Any

from crossroads._types import FloatArray

__all__ = ["ndtr", "ndtri"]


def _special() -> Any:
    from scipy import special

    return special


def ndtr(x: FloatArray | float) -> FloatArray:
    """``Phi(x)``, the standard normal distribution function, elementwise.

    >>> float(ndtr(0.0))
    0.5
    """
    return _special().ndtr(x)  # type: ignore[no-any-return]


def ndtri(p: FloatArray | float) -> FloatArray:
    """``Phi^-1(p)``, the standard normal quantile, elementwise (``-inf`` at 0, ``inf`` at 1).

    >>> float(ndtri(0.5))
    0.0
    """
    return _special().ndtri(p)  # type: ignore[no-any-return]
