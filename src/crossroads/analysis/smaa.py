"""SMAA-2: which option wins for which weights, and how robust that is.

Usage::

    criteria = [Criterion("money"), Criterion("enjoyment", scale=(0, 10)),
                Criterion("commute_hours", scale=(0, 15), better="lower")]
    result = smaa({"money": npv, "enjoyment": scores["enjoyment"], ...}, criteria,
                  option_ids, rng, order=("money", "enjoyment"))
    result.to_dict(); describe(result)

Stochastic multicriteria acceptability analysis, SMAA-2 (Lahdelma & Salminen 2001,
Operations Research 49(3):444-454), with the additive utility u_i(w) = sum_c w_c v_c(x_ic):

* v_c is linear over the criterion's declared scale (not clipped), or over its min..max
  across all options and draws when no scale is declared; reversed when
  ``better="lower"``. A criterion constant everywhere is dropped and reported. For a
  decision, money's scale is declared (``weights: {money_scale: [lo, hi]}``) or robust:
  the 5th to 95th percentiles of NPV pooled over the options still in contention
  (:func:`money_scale`), so one extreme draw or one hopeless option does not rescale it.
* weights are uniform on the simplex (sorted-uniforms gaps), restricted by an ordinal
  ``order`` (exactly: sorting the listed weights of a uniform draw) and/or intervals
  (rejection).
* each weight draw j is paired with performance draw j mod n_draws: the draws are
  independent, so this is a joint sample of (weights, performances) with one utility
  evaluation per pair.
* rank acceptability b_i^r = P(option i has rank r); central weights w_i^c = E[w | i is
  first]; confidence p_i^c = P(i is first at w_i^c), over all performance draws; pairwise
  winning index c_ik = P(u_i > u_k). Ties go to the option listed first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from crossroads._types import FloatArray, IntArray
from crossroads.format import pct

#: money and scores as `run` keeps them: float32 money, float16 or float32 scores
Kept = npt.NDArray[np.floating[Any]]

if TYPE_CHECKING:
    from crossroads.model.compile import Model

MIN_ACCEPTANCE = 1e-3     # below this share of accepted weight draws, ask to relax
BALANCED = 0.05          # central weights this close to the average read as "balanced"
_BATCH = 20_000
#: Futures a decision's SMAA reads: its first draws, so `run` and `smaa` read the same ones.
SMAA_DRAWS = 200_000
#: Weight vectors at least; with more futures than this, one weight vector per future.
N_WEIGHTS = 10_000
#: Money's robust scale: these percentiles of NPV, pooled over the options in contention.
SCALE_PERCENTILES = (5.0, 95.0)
#: An option no better than another on every criterion in this share of futures is out of
#: contention: it can (almost) never rank first, so it does not stretch money's scale.
DOMINATED = 0.99


@dataclass(frozen=True)
class Criterion:
    """A criterion as SMAA sees it: a name, an optional scale and a direction."""

    name: str
    scale: tuple[float, float] | None = None
    better: str = "higher"


@dataclass(frozen=True, eq=False)
class SmaaResult:
    """SMAA-2 indices. Arrays are indexed by option (rows) then rank or criterion.

    ``central_weights[i]`` is NaN for an option that is never first (no central weight
    exists); its confidence is 0.
    """

    option_ids: tuple[str, ...]
    criteria: tuple[str, ...]
    dropped: tuple[str, ...]
    rank_acceptability: FloatArray      # (n_options, n_options): [i, r] = P(rank r + 1)
    central_weights: FloatArray         # (n_options, n_criteria)
    confidence: FloatArray              # (n_options,)
    pairwise: FloatArray                # (n_options, n_options): [i, k] = P(u_i > u_k)
    mean_weights: FloatArray            # (n_criteria,) mean of the sampled weights
    n_weights: int
    sentences: tuple[str, ...] = field(default=())
    money_scale: tuple[float, float] | None = None   # money's [lo, hi], when set for a model
    scale_from: str = ""                             # "declared" or how it was computed

    def to_dict(self) -> dict[str, object]:
        """The ``smaa --json`` shape of docs/cli.md, plus pairwise indices and the sentences."""
        ids, crit = self.option_ids, self.criteria
        central: dict[str, dict[str, float] | None] = {}
        for i, o in enumerate(ids):
            row = self.central_weights[i]
            central[o] = None if np.isnan(row).any() else {
                c: float(w) for c, w in zip(crit, row, strict=True)}
        return {
            "criteria": list(crit),
            "dropped": list(self.dropped),
            "rank_acceptability": {o: [float(b) for b in self.rank_acceptability[i]]
                                   for i, o in enumerate(ids)},
            "central_weights": central,
            "confidence": {o: float(self.confidence[i]) for i, o in enumerate(ids)},
            "pairwise": {o: {p: float(self.pairwise[i, k]) for k, p in enumerate(ids)}
                         for i, o in enumerate(ids)},
            "n_weights": self.n_weights,
            "sentences": list(self.sentences),
            "money_scale": None if self.money_scale is None else {
                "lo": self.money_scale[0], "hi": self.money_scale[1], "from": self.scale_from},
        }


def partial_values(perf: Mapping[str, FloatArray], criteria: Sequence[Criterion]
                   ) -> tuple[FloatArray, tuple[str, ...], tuple[str, ...]]:
    """Linear partial values v_c, shape (n_kept, n_options, n_draws), kept and dropped names.

    >>> v, kept, dropped = partial_values(
    ...     {"a": np.array([[0.0, 5.0], [10.0, 5.0]]), "b": np.ones((2, 2))},
    ...     [Criterion("a", scale=(0, 10), better="lower"), Criterion("b")])
    >>> v[0].tolist(), kept, dropped
    ([[1.0, 0.5], [0.0, 0.5]], ('a',), ('b',))
    """
    values, kept, dropped = [], [], []
    for c in criteria:
        x = np.asarray(perf[c.name], dtype=np.float64)
        if c.better not in ("higher", "lower"):
            raise ValueError(f"criterion {c.name}: better must be 'higher' or 'lower'")
        if np.ptp(x) == 0:
            dropped.append(c.name)
            continue
        lo, hi = c.scale if c.scale is not None else (float(x.min()), float(x.max()))
        if hi == lo:
            raise ValueError(f"criterion {c.name}: scale {c.scale} has zero width")
        v = (x - lo) / (hi - lo)
        values.append(1.0 - v if c.better == "lower" else v)
        kept.append(c.name)
    if not values:
        raise ValueError("SMAA needs a criterion that varies; every one is constant")
    return np.stack(values), tuple(kept), tuple(dropped)


def _uniform_simplex(n: int, k: int, rng: np.random.Generator) -> FloatArray:
    """Uniform on the (k-1)-simplex: gaps between sorted uniforms (with 0 and 1)."""
    u = np.sort(rng.random((n, k - 1)), axis=1)
    return np.diff(u, axis=1, prepend=0.0, append=1.0)


def _apply_order(w: FloatArray, positions: Sequence[int]) -> FloatArray:
    """Sort the listed weights, largest first, in place of each draw: exactly uniform on
    {w_a >= w_b >= ...} (the simplex's uniform law is exchangeable; sorting is |S|!-to-1)."""
    if len(positions) > 1:
        pos = list(positions)
        w[:, pos] = -np.sort(-w[:, pos], axis=1)
    return w


def _check_feasible(names: Sequence[str], order: Sequence[int],
                    lo: FloatArray, hi: FloatArray) -> None:
    """A clear ValueError when order and intervals leave no weight vector at all."""
    k = len(names)
    if lo.sum() > 1 + 1e-12:
        raise ValueError(f"weights: interval lower bounds sum to {lo.sum():.3g} > 1")
    if hi.sum() < 1 - 1e-12:
        raise ValueError(f"weights: interval upper bounds sum to {hi.sum():.3g} < 1")
    if not (lo > 0).any() and not (hi < 1).any():
        return  # an order alone always holds (equal weights satisfy it): no LP needed
    rows = [np.eye(k)[b] - np.eye(k)[a] for a, b in zip(order, order[1:], strict=False)]
    from scipy.optimize import linprog  # here: scipy.optimize is slow to import

    res = linprog(np.zeros(k), A_ub=np.array(rows) if rows else None,
                  b_ub=np.zeros(len(rows)) if rows else None, A_eq=np.ones((1, k)),
                  b_eq=[1.0], bounds=list(zip(lo, hi, strict=True)), method="highs")
    if res.status == 2:
        listed = ", ".join(names[i] for i in order)
        raise ValueError(f"weights: the order [{listed}] cannot hold within the intervals")


def sample_weights(names: Sequence[str], n: int, rng: np.random.Generator, *,
                   order: Sequence[str] = (),
                   intervals: Mapping[str, tuple[float, float]] | None = None) -> FloatArray:
    """n weight vectors, uniform on the simplex restricted by ``order`` and ``intervals``.

    ``order=("money", "fun")`` means w_money >= w_fun (criteria not listed are free);
    ``intervals={"fun": (0.1, 0.5)}`` bounds one weight. Shape ``(n, len(names))``.

    >>> w = sample_weights(["a", "b"], 4, np.random.default_rng(0), order=["b", "a"])
    >>> bool((w[:, 1] >= w[:, 0]).all()), np.allclose(w.sum(axis=1), 1.0)
    (True, True)
    """
    k = len(names)
    index = {c: i for i, c in enumerate(names)}
    unknown = [c for c in [*order, *(intervals or {})] if c not in index]
    if unknown:
        raise ValueError(f"weights: unknown criteria {unknown}; known: {list(names)}")
    positions = [index[c] for c in order]
    lo, hi = np.zeros(k), np.ones(k)
    for c, (a, b) in (intervals or {}).items():
        if not 0.0 <= a <= b <= 1.0:
            raise ValueError(f"weights: interval for {c} must satisfy 0 <= lo <= hi <= 1")
        lo[index[c]], hi[index[c]] = a, b
    _check_feasible(names, positions, lo, hi)
    if k == 1:
        return np.ones((n, 1))
    if not intervals:
        return _apply_order(_uniform_simplex(n, k, rng), positions)
    return _rejection(names, n, rng, positions, lo, hi)


def _rejection(names: Sequence[str], n: int, rng: np.random.Generator,
               positions: Sequence[int], lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Rejection from the (ordered) uniform simplex; refuses when acceptance is too low."""
    kept: list[FloatArray] = []
    got, tried = 0, 0
    while got < n:
        w = _apply_order(_uniform_simplex(_BATCH, len(names), rng), positions)
        inside = (w >= lo) & (w <= hi)
        ok = inside.all(axis=1)
        tried += _BATCH
        kept.append(w[ok])
        got += int(ok.sum())
        if got < MIN_ACCEPTANCE * tried:
            worst = int(np.argmin(inside.mean(axis=0)))
            raise ValueError(
                f"weights: only {got / tried:.2%} of weight vectors meet the constraints; "
                f"the interval for {names[worst]} [{lo[worst]:g}, {hi[worst]:g}] is the "
                "tightest: widen it or drop it")
    return np.concatenate(kept)[:n]


def _ranks(utility: FloatArray) -> IntArray:
    """Rank of each option (0 = best) per row; ties go to the option listed first."""
    order = np.argsort(-utility, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(utility.shape[1])[None, :], axis=1)
    return ranks.astype(np.int64)


def _utilities(pv: FloatArray, weights: FloatArray) -> FloatArray:
    """u[j, i] = sum_c w[j, c] v_c(x_i, draw j mod n): one performance draw per weight."""
    n_draws = pv.shape[2]
    idx = np.arange(weights.shape[0]) % n_draws
    return np.asarray(np.einsum("jc,cij->ji", weights, pv[:, :, idx]), dtype=np.float64)


def _central_weights(weights: FloatArray, first: IntArray, m: int) -> FloatArray:
    """Mean weight vector over the draws where each option is first (NaN when never)."""
    out = np.full((m, weights.shape[1]), np.nan)
    for i in range(m):
        hits = first == i
        if hits.any():
            out[i] = weights[hits].mean(axis=0)
    return out


def _confidence(pv: FloatArray, central: FloatArray) -> FloatArray:
    """P(option i is first when the weights are its central weights), over all draws."""
    out = np.zeros(central.shape[0])
    for i, w in enumerate(central):
        if not np.isnan(w).any():
            u = np.einsum("c,cij->ji", w, pv)
            out[i] = float((_ranks(u)[:, i] == 0).mean())
    return out


def smaa(perf: Mapping[str, FloatArray], criteria: Sequence[Criterion],
         option_ids: Sequence[str], rng: np.random.Generator, *, n_weights: int = 10_000,
         order: Sequence[str] = (),
         intervals: Mapping[str, tuple[float, float]] | None = None) -> SmaaResult:
    """SMAA-2 over raw performances ``perf[c]`` of shape ``(n_options, n_draws)``.

    Constraints naming a dropped (constant) criterion are ignored with it.

    >>> perf = {"money": np.array([[1.0], [0.0]]), "fun": np.array([[0.0], [1.0]])}
    >>> r = smaa(perf, [Criterion("money"), Criterion("fun")], ["job", "art"],
    ...          np.random.default_rng(0), n_weights=20_000)
    >>> np.round(r.rank_acceptability[:, 0], 1).tolist(), np.round(r.central_weights, 2)[0]
    ([0.5, 0.5], array([0.75, 0.25]))
    """
    pv, kept, dropped = partial_values(perf, criteria)
    m = pv.shape[1]
    if len(option_ids) != m:
        raise ValueError(f"{len(option_ids)} option ids for {m} options")
    weights = sample_weights(
        kept, n_weights, rng, order=[c for c in order if c in kept],
        intervals={c: b for c, b in (intervals or {}).items() if c in kept})
    utility = _utilities(pv, weights)
    ranks = _ranks(utility)
    acceptability = np.stack([(ranks == r).mean(axis=0) for r in range(m)], axis=1)
    central = _central_weights(weights, np.argmin(ranks, axis=1), m)
    pairwise = (utility[:, :, None] > utility[:, None, :]).mean(axis=0)
    result = SmaaResult(tuple(option_ids), kept, dropped, acceptability, central,
                        _confidence(pv, central), pairwise, weights.mean(axis=0), n_weights)
    return replace(result, sentences=describe(result))


def describe(result: SmaaResult, labels: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Plain-language lines from the central weights, most acceptable option first.

    The criterion named is the one whose central weight most exceeds its average weight:
    what someone choosing that option typically cares about more than average; when no
    weight exceeds its average by ``BALANCED`` the option wins with balanced weights.

    >>> r = SmaaResult(("stay", "sabbatical"), ("money", "learning"), (),
    ...                np.array([[0.6, 0.4], [0.4, 0.6]]), np.array([[0.7, 0.3], [0.45, 0.55]]),
    ...                np.array([0.9, 0.7]), np.eye(2), np.array([0.5, 0.5]), 1000)
    >>> print(describe(r)[1])  # doctest: +NORMALIZE_WHITESPACE
    sabbatical wins if learning weighs about 55% (first for 40% of weightings;
    at those weights it wins in 70% of simulated futures)
    """
    labels = labels or {}
    lines = []
    for i in np.argsort(-result.rank_acceptability[:, 0], kind="stable"):
        name = labels.get(result.option_ids[i], result.option_ids[i])
        share = result.rank_acceptability[i, 0]
        row = result.central_weights[i]
        if np.isnan(row).any():
            lines.append(f"{name} is never first, whatever the weights")
            continue
        c = int(np.argmax(row - result.mean_weights))
        tail = (f"(first for {pct(share)} of weightings; at those weights it wins in "
                f"{pct(result.confidence[i])} of simulated futures)")
        if row[c] - result.mean_weights[c] < BALANCED:
            mix = ", ".join(f"{k} {w:.0%}" for k, w in zip(result.criteria, row, strict=True))
            lines.append(f"{name} wins with balanced weights ({mix}) {tail}")
        else:
            lines.append(f"{name} wins if {result.criteria[c]} weighs about {row[c]:.0%} {tail}")
    return tuple(lines)


# -- a decision's SMAA: money on a robust scale -----------------------------------------------


def dominated_share(perf: Mapping[str, FloatArray], criteria: Sequence[Criterion]) -> FloatArray:
    """Per option, the share of draws in which another option is at least as good on every
    criterion and better on one: there no weights can make it first.

    >>> perf = {"a": np.array([[1.0, 1.0], [0.0, 2.0]]), "b": np.array([[1.0, 1.0], [0.0, 0.0]])}
    >>> dominated_share(perf, [Criterion("a"), Criterion("b")]).tolist()
    [0.0, 0.5]
    """
    signs = [-1.0 if c.better == "lower" else 1.0 for c in criteria]
    x = [s * np.asarray(perf[c.name], dtype=np.float64) for s, c in zip(signs, criteria,
                                                                         strict=True)]
    m, n = x[0].shape
    out = np.zeros(m)
    for i in range(m):
        hit = np.zeros(n, np.bool_)
        for k in (k for k in range(m) if k != i):
            ge = np.logical_and.reduce([v[k] >= v[i] for v in x])
            gt = np.logical_or.reduce([v[k] > v[i] for v in x])
            hit |= ge & gt
        out[i] = hit.mean()
    return out


def money_scale(npv: FloatArray, contending: np.ndarray | None = None
                ) -> tuple[float, float]:
    """Money's robust scale: the 5th and 95th percentiles of NPV pooled over the
    ``contending`` options (all when None or none), min..max if those two coincide.

    A min..max scale is set by the single most extreme draw of any option: one equity
    tail in 100,000 draws shrinks every real gap to a sliver of the scale and hands the
    weight of money to the other criteria, and the share drifts as more draws find more
    extremes. Percentiles converge as draws grow, and an option out of contention (no
    better than another on every criterion in 99% of futures) does not move them.

    >>> money_scale(np.array([np.arange(101.0), np.arange(101.0) + 1e6]),
    ...             np.array([True, False]))
    (5.0, 95.0)
    """
    x = np.asarray(npv, dtype=np.float64)
    keep = x if contending is None or not np.any(contending) else x[np.asarray(contending)]
    lo, hi = (float(v) for v in np.percentile(keep, SCALE_PERCENTILES))
    if not hi > lo:
        lo, hi = float(x.min()), float(x.max())
    return lo, hi


def model_smaa(model: Model, npv: Kept, scores: Mapping[str, Kept], seed: int,
               n_weights: int = N_WEIGHTS) -> SmaaResult:
    """SMAA-2 of a decision over money (NPV) and every criterion: what `run` and `smaa` say.

    Reads the first :data:`SMAA_DRAWS` futures, with ``max(n_weights, futures)`` weight
    vectors from ``default_rng([seed, 3])``; money is scaled by the file's
    ``weights.money_scale`` or :func:`money_scale`. The caller passes the numbers at the
    precision `run` keeps them, so both commands rank the same futures the same way.
    """
    m = min(npv.shape[1], SMAA_DRAWS)
    perf = {"money": np.asarray(npv[:, :m], dtype=np.float64)}
    perf.update({c: np.asarray(x[:, :m], dtype=np.float64) for c, x in scores.items()})
    crit = [Criterion(c, scale=spec.scale, better=spec.better)
            for c, spec in model.criteria.items()]
    w = model.decision.weights
    declared = getattr(w, "money_scale", None) if w else None
    if declared is not None:
        scale, source = (float(declared[0]), float(declared[1])), "declared"
    else:
        contending = dominated_share(perf, [Criterion("money"), *crit]) < DOMINATED
        scale = money_scale(perf["money"], contending)
        source = (f"5th-95th percentiles of NPV over {int(contending.sum())} of "
                  f"{len(contending)} options" if contending.any() and not contending.all()
                  else "5th-95th percentiles of NPV over every option")
    result = smaa(perf, [Criterion("money", scale=scale), *crit], model.option_ids,
                  np.random.default_rng([seed, 3]), n_weights=max(n_weights, m),
                  order=tuple(w.order or ()) if w else (),
                  intervals=dict(w.intervals) if w and w.intervals else None)
    return replace(result, money_scale=scale, scale_from=source)
