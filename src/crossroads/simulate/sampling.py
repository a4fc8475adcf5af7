"""Random inputs: named streams, params drawn once per draw, correlations by a copula.

Every random input has a *key* (``params.lead_multiple#0``,
``opt.ml_lead.role.lead.raise#0``, ``opt.ml_lead.role.lead.move->head_of_ml``; see
:func:`crossroads.model.fields.stream_key`) and its numbers come from a stream seeded by
(seed, chunk, key). So:

* the same file and seed give the same bytes, whatever else the file contains;
* a param is one draw that every option naming it shares (common random numbers), while
  what is written inside an option is keyed by the option and drawn for it alone;
* every distribution is a monotone function of its stream (inverse transform), so two
  fields that share a key (``same_as``) are comonotone;
* draws come in chunks of :data:`CHUNK` (the last one shorter), so 10 million draws need no
  more memory than one chunk plus the per-draw summaries. The chunk size is part of the
  numbers' identity: chunk i's streams are seeded by (seed, i, key), so changing
  :data:`CHUNK` changes every result; how the chunks are computed (threads, worker
  processes, streams kept by a :class:`StreamPool`) does not.

Correlations use a Gaussian copula on normal scores: each correlated param is a
distribution transformed from its own standard normal, the normals are mixed by a
factor of the correlation matrix, and every marginal is kept exactly.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from crossroads._types import FloatArray
from crossroads.errors import UnknownName
from crossroads.estimate.dists import Beta, Dist, Pert
from crossroads.model.compile import Model, normal_score_correlation
from crossroads.model.fields import Field
from crossroads.model.parse import Located

#: Draws per chunk. Part of the numbers' identity: changing it changes every result.
CHUNK = 50_000


class Streams:
    """Reproducible random numbers by name, for one chunk of draws.

    >>> a = Streams(seed=1).uniform("x", (3,))
    >>> bool(np.array_equal(a, Streams(seed=1).uniform("x", (3,))))
    True
    """

    def __init__(self, seed: int, chunk: int = 0) -> None:
        self.seed = seed
        self.chunk = chunk
        self._cache: dict[tuple[str, str, tuple[int, ...]], FloatArray] = {}
        #: each field's random nodes as drawn (see :class:`Draws`): like the raw numbers,
        #: they depend only on the key, the distribution and the chunk size, not on params
        self.nodes: dict[tuple[str, str], list[FloatArray]] = {}

    def generator(self, key: str) -> np.random.Generator:
        """A generator for ``key`` alone; independent of every other key."""
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=(self.chunk, *_words(key)))
        return np.random.Generator(np.random.PCG64(seq))

    def uniform(self, key: str, shape: tuple[int, ...]) -> FloatArray:
        """Uniforms on [0, 1) for ``key``; the same array each time it is asked for."""
        return self._get("u", key, shape)

    def normal(self, key: str, shape: tuple[int, ...]) -> FloatArray:
        """Standard normals for ``key``."""
        return self._get("z", key, shape)

    def _get(self, kind: str, key: str, shape: tuple[int, ...]) -> FloatArray:
        slot = (kind, key, shape)
        if slot not in self._cache:
            rng = self.generator(key)
            self._cache[slot] = rng.random(shape) if kind == "u" else rng.standard_normal(shape)
        return self._cache[slot]


@functools.lru_cache(maxsize=4096)
def _words(key: str) -> tuple[int, int]:
    """A key's two 32-bit words in the seed: its BLAKE2b digest, computed once per key (a
    run asks for the same keys in every chunk)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest[0:4], "little"), int.from_bytes(digest[4:8], "little")


class StreamPool:
    """Streams kept from one run to the next, for runs that repeat with a param moved.

    A what-if moves one slider and runs the same file with the same seed again. Every random
    number is a function of (seed, chunk, key), and a field's random nodes do not depend on
    params, so the next run can reuse them all and pay only for the arithmetic. Entries are
    tied to the Model object (a re-loaded file, or new research behind a ``research(...)``
    estimate, is a new Model) and bounded by ``max_draws`` in all.

    >>> pool = StreamPool()
    >>> model = object()
    >>> pool.get(model, seed=1, chunk=0, n=10) is pool.get(model, seed=1, chunk=0, n=10)
    True
    """

    def __init__(self, max_draws: int = 2 * CHUNK) -> None:
        self.max_draws = max_draws
        self._kept: dict[tuple[int, int, int, int], tuple[object, Streams]] = {}
        self._lock = threading.Lock()

    def get(self, model: object, seed: int, chunk: int, n: int) -> Streams:
        """The streams for this chunk of this model's run; new ones if not kept."""
        key = (id(model), seed, chunk, n)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] is model:
                return kept[1]
            streams = Streams(seed, chunk)
            if n <= self.max_draws:
                while sum(k[3] for k in self._kept) + n > self.max_draws:
                    del self._kept[next(iter(self._kept))]  # the oldest first
                self._kept[key] = (model, streams)
            return streams


@dataclass
class Draws:
    """One chunk's param values and the streams behind every other random input."""

    n: int
    horizon: int
    params: dict[str, FloatArray | float]
    streams: Streams
    drawn: dict[tuple[str, str], list[FloatArray]] = field(default_factory=dict)
    derived: dict[str, object] = field(default_factory=dict)  # per-chunk values all options share
    #: where fields sit in the file, to say which one gave a value that is not finite
    located: Located | None = None
    #: inline ranges pinned at a quantile (tornado, Sobol): node stream key -> u in (0, 1)
    pinned: Mapping[str, FloatArray | float] = field(default_factory=dict)

    def evaluate(self, f: Field, extra: Mapping[str, FloatArray | float] | None = None
                 ) -> FloatArray | float:
        """A field's value for every draw: a float, ``(n,)`` or ``(n, horizon)``.

        A field's random nodes are drawn once per chunk and kept, so a path-dependent
        field evaluated every year reuses them.
        """
        env = self.params if not extra else {**self.params, **extra}
        drawn = self._drawn(f)
        if drawn is None:
            uniforms = node_uniforms(f, self.streams, self.n, self.horizon)
            return f.expr.evaluate(env, uniforms)  # raises the unresolved-node error
        return finite(f, f.expr.evaluate_drawn(env, drawn), self.located)

    def evaluate_rows(self, f: Field, rows: np.ndarray,
                      extra: Mapping[str, FloatArray | float] | None = None
                      ) -> FloatArray | float:
        """``evaluate(f, extra)[rows]``, computing only those rows.

        A role's starting cash depends on the path, but only the draws that arrive in a
        year need it: a handful of rows rather than the whole chunk.
        """
        drawn = self._drawn(f)
        if drawn is None:
            whole = self.evaluate(f, extra)
            return whole[rows] if isinstance(whole, np.ndarray) else whole
        env: dict[str, FloatArray | float] = {}
        for name in f.expr.names:
            value = extra[name] if extra and name in extra else self.params.get(name)
            if value is not None:
                env[name] = value[rows] if isinstance(value, np.ndarray) and value.ndim else value
        return finite(f, f.expr.evaluate_drawn(env, [d[rows] for d in drawn]), self.located)

    def _drawn(self, f: Field) -> list[FloatArray] | None:
        """A field's random nodes, drawn once per chunk; None if one is unresolved."""
        slot = (f.key, f.expr.source)  # one key may carry different text in two options
        drawn = self.drawn.get(slot)
        if drawn is None:
            if any(node.dist is None for node in f.expr.random_nodes):
                return None
            drawn = [self._node(f, i) for i in range(len(f.expr.random_nodes))]
            self.drawn[slot] = drawn
        return drawn


    def _node(self, f: Field, i: int) -> FloatArray:
        node = f.expr.random_nodes[i]
        assert node.dist is not None
        key = f"{f.key}#{node.index}"
        if key in self.pinned:
            u = np.clip(self.pinned[key], 1e-12, 1.0 - 1e-12)
            return np.array(np.broadcast_to(node.dist.ppf(np.asarray(u, dtype=np.float64)),
                                            (self.n, self.horizon) if node.each_year
                                            else (self.n,)))
        if node.each_year:
            return node.dist.ppf(self.streams.uniform(key, (self.n, self.horizon)))
        return sample_dist(node.dist, key, self.streams, self.n)


def node_uniforms(f: Field, streams: Streams, n: int, horizon: int) -> list[FloatArray]:
    """The uniforms feeding each random node of a field, keyed by field and position."""
    return [
        streams.uniform(f"{f.key}#{node.index}", (n, horizon) if node.each_year else (n,))
        for node in f.expr.random_nodes
    ]


def draw(model: Model, n: int, streams: Streams,
         overrides: Mapping[str, FloatArray | float] | None = None) -> Draws:
    """Draw every param once per draw, in dependency order.

    ``overrides`` fixes params at given values (tornado swings, Sobol points, VoI
    conditioning); the params that depend on them are recomputed from the new values.
    An override named after an inline range (``a.r.cash``, see :mod:`crossroads.model.inline`)
    pins that range at the value given, in every field that shares its key.
    """
    overrides = overrides or {}
    pinned = _pins(model, {k: v for k, v in overrides.items() if k not in model.params})
    normals = _copula_normals(model, n, streams)
    values: dict[str, FloatArray | float] = {}
    for name, f in model.params.items():
        if name in overrides:
            values[name] = overrides[name]
        elif name in normals:
            dist = f.expr.as_dist()
            assert dist is not None  # checked in _copula_normals
            values[name] = from_normal(dist, normals[name])
        else:
            values[name] = finite(f, _draw_param(f, values, streams, n, model.horizon),
                                  model.located)
    return Draws(n=n, horizon=model.horizon, params=values, streams=streams,
                 drawn={} if pinned else streams.nodes, located=model.located, pinned=pinned)


def _pins(model: Model, inline: Mapping[str, FloatArray | float]
          ) -> dict[str, FloatArray | float]:
    """Inline overrides as quantiles of their ranges, by node stream key."""
    if not inline:
        return {}
    from crossroads.model.inline import inline_inputs

    known = inline_inputs(model)
    unknown = sorted(set(inline) - set(known))
    if unknown:
        raise UnknownName(f"no param or inline range is named {', '.join(unknown)}",
                          argument="overrides")
    return {known[k].key: known[k].dist.cdf(np.asarray(v, dtype=np.float64))
            for k, v in inline.items()}


def inline_values(model: Model, streams: Streams, n: int,
                  names: Collection[str] | None = None) -> dict[str, FloatArray]:
    """Each inline range's value (or only those in ``names``) in every draw of this chunk.

    The numbers a field's node is drawn from (:meth:`Draws._node`), so they are the values
    the simulation used; VoI and the screen read them beside the params.
    """
    from crossroads.model.inline import inline_inputs

    return {name: sample_dist(i.dist, i.key, streams, n)
            for name, i in inline_inputs(model).items() if names is None or name in names}


def finite(f: Field, value: FloatArray | float, located: Located | None) -> FloatArray | float:
    """``value``, once every draw of it is a finite number; else a DecisionError at ``f``.

    A division by a param that can be 0, ``log`` or ``sqrt`` of one that can be negative,
    or a number beyond 1e308 gives inf or NaN in some draws, which would spread through
    every sum into the report. Without a file (``located`` None) it is a ValueError.
    """
    bad = ~np.isfinite(value)
    if not bad.any():
        return value
    example = float(np.asarray(value)[bad].flat[0])
    message = (f"this estimate is not a finite number in {bad.mean():.1%} of draws "
               f"(one gives {example})")
    hint = ("look for a division by a value that can be 0, log or sqrt of a value that can "
            "be negative, or numbers beyond 1e308")
    if located is None:
        raise ValueError(f"{f.key}: {message} ({hint})")
    raise located.error(f.path, message, hint)


def _draw_param(f: Field, env: Mapping[str, FloatArray | float], streams: Streams,
                n: int, horizon: int) -> FloatArray | float:
    dist = f.expr.as_dist()
    if dist is not None and f.expr.random_nodes and not f.expr.random_nodes[0].each_year:
        return sample_dist(dist, f"{f.key}#0", streams, n)
    return f.expr.evaluate(env, node_uniforms(f, streams, n, horizon))


def sample_dist(dist: Dist, key: str, streams: Streams, n: int) -> FloatArray:
    """Draw from a distribution by inverse transform of the key's standard normals.

    Every shape is ``ppf(Phi(z))`` of one normal stream, so the draw is a monotone function
    of its key's numbers whatever the shape (what docs/estimates.md promises, and what
    makes two fields sharing a key comonotone). Beta shapes go through the Hermite table of
    :func:`from_normal` (the inverse incomplete beta costs microseconds a value; the table
    is accurate to 1e-10); normal shapes need no ``Phi`` at all.
    """
    return from_normal(dist, streams.normal(key, (n,)))


_Z_GRID = np.linspace(-9.0, 9.0, 2001)
_Z_STEP = 18.0 / 2000


@functools.lru_cache(maxsize=256)
def _beta_table(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """The beta quantile and its slope in z at the normal scores of ``_Z_GRID``: built once
    per shape and user, then read from the disk cache (:mod:`crossroads.simulate.table_cache`),
    so that a later run needs no SciPy to draw a beta."""
    from crossroads.simulate.table_cache import cached, library_versions

    x, slope = cached("table", (a, b, library_versions()), (2, len(_Z_GRID)), Path(__file__),
                      lambda: np.stack(_build_beta_table(a, b)), dtype=np.float64,
                      folder="beta")
    for table in (x, slope):
        table.flags.writeable = False
    return x, slope


def _build_beta_table(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """The beta quantile and its slope in z at the normal scores of ``_Z_GRID``.

    ``x(z) = I^-1(Phi(z))`` has slope ``dx/dz = phi(z) / f(x)`` (f the beta density).
    The slope is set to 0 where it is not finite (only beyond |z| of about 8, where x has
    rounded to 0 or 1).
    """
    from scipy import special

    lower = _Z_GRID <= 0.0  # each tail from its own side: Phi(z) rounds to 1 beyond z = 8.3
    tail = special.ndtr(-np.abs(_Z_GRID))
    x = np.where(lower, special.betaincinv(a, b, tail), 0.0)
    y = np.where(lower, 0.0, special.betaincinv(b, a, tail))  # 1 - x, for Beta(b, a)
    x = np.where(lower, x, 1.0 - y)
    y = np.where(lower, 1.0 - x, y)
    with np.errstate(all="ignore"):
        log_pdf = (a - 1) * np.log(x) + (b - 1) * np.log(y) - special.betaln(a, b)
        slope = np.exp(-0.5 * _Z_GRID**2 - 0.5 * np.log(2.0 * np.pi) - log_pdf)
    slope = np.where(np.isfinite(slope), slope, 0.0)
    return x, slope


def from_normal(dist: Dist, z: FloatArray) -> FloatArray:
    """``dist.ppf(Phi(z))``, fast for beta shapes: cubic Hermite interpolation in z.

    The inverse incomplete beta function costs microseconds a value. The quantile as a
    function of the normal score is smooth, and its slope is known in closed form, so a
    cubic Hermite interpolant on a 2,001-point grid (step 0.009) is accurate to 1e-10 or
    better for shape parameters of 0.3 and above (5e-10 at 0.2; tested to 1e-9 against the
    exact quantile): no Newton step is needed, and the table costs a few milliseconds.
    """
    if not isinstance(dist, Beta | Pert):
        return dist.from_normal(z)
    a, b = (dist.a, dist.b) if isinstance(dist, Beta) else (dist.alpha, dist.beta)
    x_at, slope_at = _beta_table(a, b)
    pos = (np.clip(z, -9.0, 9.0) + 9.0) / _Z_STEP
    j = np.minimum(pos.astype(np.intp), len(_Z_GRID) - 2)
    s = pos - j
    s2 = s * s
    s3 = s2 * s
    x = ((2.0 * s3 - 3.0 * s2 + 1.0) * x_at[j] + (3.0 * s2 - 2.0 * s3) * x_at[j + 1]
         + _Z_STEP * ((s3 - 2.0 * s2 + s) * slope_at[j] + (s3 - s2) * slope_at[j + 1]))
    x = np.clip(x, 0.0, 1.0)
    if isinstance(dist, Pert):
        return np.asarray(dist.lo + (dist.hi - dist.lo) * x)
    return np.asarray(x)


def correlation_factor(model: Model) -> tuple[list[str], FloatArray] | None:
    """The copula's names and a factor L with L @ L.T = the normal-score correlation matrix.

    Compiling the file refused a matrix that is not positive semi-definite; eigenvalues a
    rounding below zero are clipped.
    """
    if not model.correlations:
        return None
    names, matrix = normal_score_correlation(model.correlations, tuple(model.params))
    eigenvalues, vectors = np.linalg.eigh(matrix)
    factor = vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    return names, factor


def _copula_normals(model: Model, n: int, streams: Streams) -> dict[str, FloatArray]:
    found = correlation_factor(model)
    if found is None:
        return {}
    names, factor = found
    for name in names:
        f = model.params[name]
        if f.expr.as_dist() is None or not f.expr.random_nodes:
            raise model.located.error(
                f.path, f"`{name}` is correlated, so it must be a single distribution "
                "such as `3 to 4` or `pert(1, 2, 4)`, not an expression or a constant")
    independent = np.stack([streams.normal(f"params.{name}#0", (n,)) for name in names])
    mixed = factor @ independent
    return {name: mixed[i] for i, name in enumerate(names)}


__all__ = ["CHUNK", "Draws", "StreamPool", "Streams", "draw", "inline_values", "node_uniforms",
           "sample_dist"]
