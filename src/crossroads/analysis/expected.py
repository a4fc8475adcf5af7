"""What research can buy, apart from luck: value expected given every param.

A draw's value mixes two kinds of uncertainty. Params (``params:``) are quantities a
conversation or a data set could pin down; everything else (a promotion firing, a startup
failing, an exit, an inline range) is the luck of one path, which no research resolves.
E[V_a | params] keeps the first and averages out the second. From it:

* ``p_best_expected``: the share of draws in which option a has the highest E[V | params]
  (beside P(best), the share in which it is best in the simulated future);
* ``evpi_params``: EVPPI of all params as one group, E[max_a E[V_a | params]] - max_a E[V_a]
  (beside EVPI, which buys foresight of the luck too).

E[V_a - V_0 | params] is the VoI regression (Strong, Oakley & Brennan 2014) of
:mod:`crossroads.analysis.voi` on every param at once. ``voi`` fits the flexible one
(:func:`crossroads.analysis.voi.expected_given_params`, which lives beside the regression
it reuses): each param's penalised spline plus rank-polynomial interactions, one GCV
penalty, on the first :data:`~crossroads.analysis.voi.FIT_DRAWS` draws (with one param,
that param's own spline or exact group means). ``run`` fits a cheaper additive one for
``p_best_expected`` (:func:`p_best_expected`, here): cubic polynomials in each param's
rank, on the first :data:`RUN_DRAWS` draws, with NumPy alone, so that a run (and a
what-if) pays milliseconds for it and never imports the VoI module (SciPy's linalg).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from crossroads._types import FloatArray

#: Draws the run's additive fit for ``p_best_expected`` uses.
RUN_DRAWS = 5_000
#: Degree of each param's polynomial in its rank, in the run's additive fit (:func:`_legendre`).
RANK_DEGREE = 3
#: log10 of the ridge penalties the run's fit chooses from by GCV, relative to mean(s).
_LOG_LAMBDAS = np.linspace(-9.0, 6.0, 61)


def p_best_expected(values: FloatArray, params: Mapping[str, FloatArray]) -> FloatArray:
    """Each option's share of draws in which it has the highest E[V | params] (run's fit).

    An additive ridge regression of the increments V_a - V_0 on shifted Legendre
    polynomials (degree :data:`RANK_DEGREE`) of each param's rank, the penalty chosen per
    option by GCV, fitted on the first :data:`RUN_DRAWS` draws with NumPy alone. Checked
    against a nested Monte Carlo in the tests.

    >>> rng = np.random.default_rng(0)
    >>> theta = rng.normal(size=4000)
    >>> values = np.stack([np.zeros(4000), theta + 3 * rng.normal(size=4000)])
    >>> p_best_expected(values, {"theta": theta}).round(1).tolist()
    [0.5, 0.5]
    """
    v = np.asarray(values, dtype=np.float64)
    m = min(v.shape[1], RUN_DRAWS)
    v = v[:, :m]
    xs = [np.asarray(x, dtype=np.float64).reshape(-1)[:m] for x in params.values()]
    xs = [x for x in xs if x.shape[0] == m and np.ptp(x) > 0]
    if v.shape[0] < 2 or not xs:
        return best_share(v.mean(axis=1)[:, None])
    basis = np.empty((m, RANK_DEGREE * len(xs)))
    rank = np.empty(m)
    for j, x in enumerate(xs):
        rank[np.argsort(x, kind="stable")] = (np.arange(m) + 0.5) / m
        basis[:, RANK_DEGREE * j:RANK_DEGREE * (j + 1)] = _legendre(rank)
    basis -= basis.mean(axis=0)  # centred: the intercept is each increment's mean, unshrunk
    d = (v[1:] - v[0]).T
    mean = d.mean(axis=0)
    fitted = _ridge_gcv(basis, d - mean) + mean
    return best_share(np.vstack([np.zeros(m), fitted.T]))


def _ridge_gcv(x: FloatArray, y: FloatArray) -> FloatArray:
    """Fitted values of a ridge regression of each column of ``y`` on ``x`` (both centred),
    its penalty chosen per column by generalised cross-validation, n RSS / (n - edf)^2.

    In the eigenbasis of X'X (X'X = V diag(s) V'), a penalty lambda shrinks coordinate j by
    f_j = s_j / (s_j + lambda), so every penalty on the grid costs O(k). The products over
    draws are ``einsum`` loops in this thread: threaded BLAS spent ten times the arithmetic
    spinning on a busy 2-core machine, in every run and what-if.
    """
    n = x.shape[0]
    s, vecs = np.linalg.eigh(np.einsum("ij,ik->jk", x, x))
    s = np.clip(s, 0.0, None)
    z = vecs.T @ np.einsum("ij,ik->jk", x, y)                   # (k, m)
    keep = s > 1e-12 * max(float(s.max()), 1e-300)
    u2 = np.where(keep[:, None], z**2 / np.where(keep, s, 1.0)[:, None], 0.0)  # (U'y)^2
    lam = max(float(s.mean()), 1e-300) * 10.0 ** _LOG_LAMBDAS
    f = np.where(keep, s, 0.0)[None, :] / (s[None, :] + lam[:, None])         # (L, k)
    rss = (y**2).sum(axis=0)[None, :] - (2.0 * f - f**2) @ u2               # (L, m)
    edf = f.sum(axis=1)
    gcv = n * rss / np.clip(n - edf, 0.5, None)[:, None] ** 2
    shrink = f[np.argmin(gcv, axis=0)].T                                     # (k, m)
    beta = vecs @ (shrink * np.where(keep[:, None], z / np.where(keep, s, 1.0)[:, None], 0.0))
    return np.asarray(np.einsum("ij,jk->ik", x, beta))


def _legendre(r: FloatArray) -> FloatArray:
    """Shifted Legendre polynomials of degree 1 to 3 at ``r`` in (0, 1), (len(r), 3):
    orthogonal under the uniform law of a rank, so the columns barely correlate.

    >>> from scipy.special import eval_sh_legendre
    >>> bool(np.allclose(_legendre(np.array([0.3])), eval_sh_legendre([1, 2, 3], 0.3)))
    True
    """
    r2 = r * r
    return np.stack([2.0 * r - 1.0, 6.0 * r2 - 6.0 * r + 1.0,
                     20.0 * r2 * r - 30.0 * r2 + 12.0 * r - 1.0], axis=1)


def best_share(expected: FloatArray) -> FloatArray:
    """Each row's share of columns where it is the largest; ties split evenly (`run`'s
    ``p_best_expected`` and voi's :func:`~crossroads.analysis.voi.expected_given_params`)."""
    top = expected.max(axis=0)
    best = expected >= top - 1e-9 * np.maximum(np.abs(top), 1.0)
    return np.asarray((best / best.sum(axis=0)).mean(axis=1))


__all__ = ["RUN_DRAWS", "best_share", "p_best_expected"]
