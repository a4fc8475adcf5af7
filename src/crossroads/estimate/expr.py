"""The safe estimate compiler: text -> :class:`Compiled`, evaluated with NumPy.

Usage::

    c = compile_estimate("cash_now * (3 to 4)", known_names={"cash_now"})
    c.names                      # frozenset({'cash_now'})
    c.random_nodes[0].dist       # LogNormal(...): the fitted `3 to 4`
    c.evaluate({"cash_now": 40_000.0}, [rng.random(n)])   # shape (n,)

How it stays safe: the text is rewritten into Python expression syntax by
:func:`crossroads.estimate.lexer.rewrite`, parsed with ``ast.parse(mode="eval")`` (which
only builds a tree, it runs nothing), and the tree is walked accepting only a whitelist of
node types, operators and function names. The accepted tree is compiled into a small IR of
frozen dataclasses that :meth:`Compiled.evaluate` interprets with NumPy. User text never
reaches ``eval``, ``exec`` or ``compile``. See docs/estimates.md for the language.
"""

from __future__ import annotations

import ast
import difflib
import math
import types
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, reduce
from typing import Any

import numpy as np

from crossroads._types import FloatArray
from crossroads.estimate import dists as D
from crossroads.estimate.lexer import (
    MAX_LENGTH,
    ExprError,
    digit_groups,
    one_sided_suffix,
    parse,
    percent_hint,
)
from crossroads.model.limits import LimitError, check_comparisons, check_mixture, mixture_size

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Compiled",
    "ExprError",
    "RandomNode",
    "compile_estimate",
]

MAX_DEPTH = 100
"""Deepest accepted expression tree (operators and calls nested in one another)."""

Value = FloatArray | float


# ---------------------------------------------------------------- the IR ----------------

@dataclass(frozen=True)
class _Const:
    value: float


@dataclass(frozen=True)
class _Name:
    name: str
    offset: int


@dataclass(frozen=True)
class _Rand:
    index: int


@dataclass(frozen=True)
class _Op:
    op: str
    args: tuple[_Node, ...]


_Node = _Const | _Name | _Rand | _Op


def _compare(f: Callable[[Any, Any], Any]) -> Callable[[Value, Value], Value]:
    return lambda a, b: np.asarray(f(a, b), dtype=np.float64)


_OPS: dict[str, Callable[..., Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide, "**": np.power,
    "<": _compare(np.less), "<=": _compare(np.less_equal), ">": _compare(np.greater),
    ">=": _compare(np.greater_equal), "==": _compare(np.equal),
    "!=": _compare(np.not_equal), "neg": np.negative, "pos": np.positive,
    "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin,
    "cos": np.cos, "min": lambda *xs: reduce(np.minimum, xs),
    "max": lambda *xs: reduce(np.maximum, xs),
    "clip": lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
    "where": lambda c, a, b: np.where(np.asarray(c) != 0, a, b),
}

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMPOPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
           ast.NotEq: "!="}
_MATH_ARITY = {"abs": 1, "exp": 1, "log": 1, "sqrt": 1, "sin": 1, "cos": 1, "clip": 3,
               "where": 3, "min": -1, "max": -1}
_DIST_PARAMS: dict[str, tuple[Callable[..., D.Dist], tuple[str, ...]]] = {
    "normal": (D.Normal, ("mean", "sd")),
    "lognormal": (D.LogNormal, ("mu", "sigma")),
    "uniform": (D.Uniform, ("lo", "hi")),
    "beta": (D.Beta, ("a", "b")),
    "triangular": (D.Triangular, ("lo", "mode", "hi")),
    "pert": (D.Pert, ("lo", "mode", "hi")),
    "bernoulli": (D.Bernoulli, ("p",)),
}
_EVIDENCE_KWARGS = {"research": ("market", "stage", "role"),
                    "market": ("title", "level", "country", "since")}
_SPECIAL = ("each_year", "skill", "intersection", "mixture")
FUNCTIONS: tuple[str, ...] = tuple(sorted(
    [*_MATH_ARITY, *_DIST_PARAMS, *_EVIDENCE_KWARGS, *_SPECIAL]))
"""Every function name an estimate may call."""


def _align(xs: Sequence[Value]) -> list[Value]:
    """Reshape ``(n,)`` operands to ``(n, 1)`` when another operand is ``(n, horizon)``."""
    if not any(np.ndim(x) == 2 for x in xs):
        return list(xs)
    return [np.reshape(x, (-1, 1)) if np.ndim(x) == 1 else x for x in xs]


def _apply(op: str, args: Sequence[Value]) -> Value:
    return _OPS[op](*_align(args))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- public types ----------

@dataclass(frozen=True)
class RandomNode:
    """One random quantity of an estimate, drawn once per Monte Carlo draw.

    ``call`` is the function that made it (``"to"`` for ranges); ``dist`` is ``None`` for
    ``research(...)`` and ``market(...)`` until the caller fills it with
    :meth:`Compiled.with_resolved`. ``each_year`` nodes take an ``(n, horizon)`` uniform.
    """

    index: int
    call: str
    dist: D.Dist | None
    each_year: bool
    args: tuple[object, ...] = ()
    kwargs: Mapping[str, object] = field(
        default_factory=lambda: types.MappingProxyType({}), hash=False)
    offset: int = 0


@dataclass(frozen=True)
class Compiled:
    """A compiled estimate: its free names, its random nodes and an IR to evaluate.

    >>> c = compile_estimate("x * 2 + (1 to 1)")
    >>> sorted(c.names), len(c.random_nodes), c.evaluate({"x": 3.0}, [])
    (['x'], 0, 7.0)
    """

    source: str
    names: frozenset[str]
    random_nodes: tuple[RandomNode, ...]
    ir: _Node = field(repr=False)

    def evaluate(self, env: Mapping[str, Value], uniforms: Sequence[FloatArray]) -> Value:
        """Value of the estimate: ``uniforms[i]`` feeds ``random_nodes[i]`` through its ppf.

        Shapes: floats, ``(n,)`` or ``(n, horizon)`` (each_year nodes and yearly env
        values); an ``(n,)`` operand meeting an ``(n, horizon)`` one becomes ``(n, 1)``.
        Arithmetic follows IEEE rules (``log(-1)`` is nan, overflow is inf) without
        warnings; the caller decides what to do with non-finite draws.

        >>> compile_estimate("uniform(0, 10)").evaluate({}, [np.array([0.1, 0.5])]).tolist()
        [1.0, 5.0]
        """
        if len(uniforms) != len(self.random_nodes):
            raise ValueError(f"`{self.source}` has {len(self.random_nodes)} random nodes, "
                             f"got {len(uniforms)} uniform arrays")
        draws: list[FloatArray] = []
        for node, u in zip(self.random_nodes, uniforms, strict=True):
            if node.dist is None:
                raise ExprError(f"{node.call}(...) has no distribution yet; "
                                "resolve it with with_resolved()", node.offset)
            draws.append(node.dist.ppf(np.asarray(u, dtype=np.float64)))
        return self.evaluate_drawn(env, draws)

    def evaluate_drawn(self, env: Mapping[str, Value], drawn: Sequence[FloatArray]) -> Value:
        """Like :meth:`evaluate`, with each random node's values already drawn.

        The simulator evaluates path-dependent fields every year; drawing their random
        nodes once per chunk and reusing the values here saves the quantile function.

        >>> compile_estimate("x * (2 to 2)").evaluate_drawn({"x": 3.0}, [])
        6.0
        """
        with np.errstate(all="ignore"):
            out = _evaluate(self.ir, env, drawn)
        return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=np.float64)

    def as_dist(self) -> D.Dist | None:
        """The distribution when the whole estimate is one random node or a number.

        >>> compile_estimate("160k").as_dist()
        Constant(value=160000.0)
        """
        if isinstance(self.ir, _Const):
            return D.Constant(self.ir.value)
        if isinstance(self.ir, _Rand):
            return self.random_nodes[self.ir.index].dist
        return None

    @property
    def is_constant(self) -> bool:
        """True when the estimate has no free names and no random nodes."""
        return not self.names and not self.random_nodes

    def with_resolved(self, resolve: Callable[[RandomNode], D.Dist]) -> Compiled:
        """A copy whose ``research``/``market`` nodes (``dist is None``) get ``resolve(node)``.

        >>> c = compile_estimate("research(half_life_ml)")
        >>> c.with_resolved(lambda node: D.Constant(2.0)).as_dist()
        Constant(value=2.0)
        """
        nodes = tuple(replace(n, dist=resolve(n)) if n.dist is None else n
                      for n in self.random_nodes)
        return replace(self, random_nodes=nodes)


def _evaluate(node: _Node, env: Mapping[str, Value], draws: Sequence[FloatArray]) -> Value:
    if isinstance(node, _Const):
        return node.value
    if isinstance(node, _Rand):
        return draws[node.index]
    if isinstance(node, _Name):
        if node.name not in env:
            raise ExprError(f"no value given for `{node.name}`", node.offset)
        value = env[node.name]
        return value if isinstance(value, float) else np.asarray(value, dtype=np.float64)
    return _apply(node.op, [_evaluate(a, env, draws) for a in node.args])


# ---------------------------------------------------------------- compiler --------------

def compile_estimate(text: str | int | float, *, probability: bool = False,
                     known_names: Collection[str] | None = None) -> Compiled:
    """Compile an estimate (``"3 to 4"``, ``"cash_now * 1.3"``, ``160000``) safely.

    Args:
        text: the estimate as written, or a plain number (YAML may give one).
        probability: the field is a probability: a number must be within 0..1 and
            ``a to b`` within 0..1 is fitted as a beta.
        known_names: when given, any other free name is an error with a did-you-mean
            hint. ``skill(ml)`` is the name ``"skill:ml"`` and ``intersection()`` is
            ``"intersection"``, so include those to allow them.

    Raises:
        ExprError: with the 0-based ``offset`` into ``text`` of the problem.

    >>> compile_estimate("5%").evaluate({}, [])
    0.05
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ExprError(f"expected a number or an estimate, got {text!r}")
    if not isinstance(text, str):
        if not math.isfinite(text):
            raise ExprError(f"expected a finite number, got {text!r}")
        text = repr(text)
    return _compile(text, probability, None if known_names is None else frozenset(known_names))


@lru_cache(maxsize=4096)
def _compile(text: str, probability: bool, known_names: frozenset[str] | None) -> Compiled:
    """:func:`compile_estimate`, cached: a file repeats its estimates (`0`, `3 to 5`,
    `100 * (1 - intersection())` in every role), and a Compiled is immutable."""
    tree, py, omap = parse(text)
    comp = _EstimateCompiler(text, py, omap, probability, known_names)
    ir = comp.walk(tree.body)
    if probability and isinstance(ir, _Const) and not 0.0 <= ir.value <= 1.0:
        raise ExprError("probability must be between 0% and 100%, "
                        f"got {ir.value * 100:g}%", 0, percent_hint(text))
    return Compiled(text, frozenset(comp.names), tuple(comp.random), ir)


_REJECTED: dict[type[ast.AST], tuple[str, str | None]] = {
    ast.Attribute: ("attribute access (`.`) is not allowed", None),
    ast.Subscript: ("indexing (`[...]`) is not allowed", None),
    ast.Lambda: ("`lambda` is not allowed", None),
    ast.IfExp: ("`if ... else` is not supported", "use where(cond, a, b)"),
    ast.NamedExpr: ("`:=` is not allowed", None),
    ast.Starred: ("`*` unpacking is not allowed", None),
    ast.JoinedStr: ("f-strings are not allowed", None),
    ast.ListComp: ("comprehensions are not allowed", None),
    ast.SetComp: ("comprehensions are not allowed", None),
    ast.DictComp: ("comprehensions are not allowed", None),
    ast.GeneratorExp: ("comprehensions are not allowed", None),
    ast.List: ("lists are only allowed as mixture(..., weights=[...])", None),
    ast.Tuple: ("tuples are not allowed", "did you put a comma outside a call?"),
    ast.Dict: ("dicts are not allowed", None),
    ast.Set: ("sets are not allowed", None),
}


class _EstimateCompiler:
    """Compiles one estimate (an expression) to Python: walks the parsed tree once,
    accepting only the whitelist, building IR and nodes."""

    def __init__(self, text: str, py: str, omap: Sequence[int], probability: bool,
                 known: Collection[str] | None) -> None:
        self.text, self.py, self.omap = text, py, omap
        self.py_bytes = py.encode("utf-8")
        self.probability = probability
        self.known = None if known is None else frozenset(known)
        self.names: dict[str, int] = {}
        self.random: list[RandomNode] = []
        self.yearly = False
        self.depth = 0

    # -- offsets -------------------------------------------------------------------------
    def _src(self, byte_col: int) -> int:
        col = len(self.py_bytes[:byte_col].decode("utf-8", "ignore"))
        return self.omap[min(col, len(self.py))]

    def off(self, node: ast.AST) -> int:
        return self._src(getattr(node, "col_offset", 0))

    def between(self, left: ast.AST, right: ast.AST) -> int:
        """Source offset of the operator between two operands (skipping spaces and ``)``)."""
        col = len(self.py_bytes[:getattr(left, "end_col_offset", 0)].decode("utf-8", "ignore"))
        while col < len(self.py) and self.py[col] in " )":
            col += 1
        return self.omap[col] if col < len(self.py) else self.off(right)

    def fail(self, message: str, node: ast.AST, hint: str | None = None) -> ExprError:
        return ExprError(message, self.off(node), hint)

    # -- the walk ------------------------------------------------------------------------
    def walk(self, node: ast.AST) -> _Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the estimate is nested too deeply (limit {MAX_DEPTH})", node)
        try:
            return self._walk(node)
        finally:
            self.depth -= 1

    def _walk(self, node: ast.AST) -> _Node:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node.id, node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            return self._range(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        return self._reject(node)

    def _reject(self, node: ast.AST) -> _Node:
        message, hint = _REJECTED.get(type(node), (None, None))
        grouped = digit_groups(self.text) if isinstance(node, ast.Tuple) else None
        if grouped is not None:
            written, offset, plain = grouped
            raise ExprError(f"`{written}`: a comma does not group digits in an estimate",
                            offset, f"write {plain}")
        if isinstance(node, ast.Attribute | ast.Subscript):
            raise ExprError(message or "", self.between(node.value, node), hint)
        if message is None:
            message = f"`{type(node).__name__}` expressions are not allowed in an estimate"
        raise self.fail(message, node, hint)

    def _constant(self, node: ast.Constant) -> _Node:
        if isinstance(node.value, str):
            raise self.fail("strings are only allowed as arguments of research(...) and "
                            "market(...)", node)
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise self.fail(f"`{node.value!r}` is not a number", node)
        return _Const(float(node.value))

    def _name(self, name: str, node: ast.AST) -> _Node:
        if name.startswith("__"):
            raise self.fail(f"`{name}`: names starting with `__` are not allowed", node)
        if name in FUNCTIONS:
            raise self.fail(f"`{name}` is a function: call it, e.g. `{name}(...)`", node)
        return self._free(name, node)

    def _free(self, name: str, node: ast.AST) -> _Node:
        """Register a free name (a param, ``previous``, ``skill:ml``...)."""
        offset = self.off(node)
        if self.known is not None and name not in self.known:
            what = f"skill `{name[6:]}`" if name.startswith("skill:") else f"name `{name}`"
            raise ExprError(f"unknown {what}", offset, self._did_you_mean(name))
        self.names.setdefault(name, offset)
        return _Name(name, offset)

    def _did_you_mean(self, name: str) -> str | None:
        assert self.known is not None
        close = difflib.get_close_matches(name, sorted(self.known), n=1)
        if not close:
            return None
        shown = f"skill({close[0][6:]})" if close[0].startswith("skill:") else close[0]
        return f"did you mean `{shown}`?"

    def fold(self, op: str, args: Sequence[_Node], node: ast.AST,
             where: int | None = None) -> _Node:
        """Build an op, folding it when every argument is a number; reject inf/nan.

        Folding runs in float64 with warnings off, so ``10**10**10`` is inf at once (never
        a huge integer) and is then rejected, at ``where`` (the operator) or ``node``.
        """
        if not all(isinstance(a, _Const) for a in args):
            return _Op(op, tuple(args))
        with np.errstate(all="ignore"):
            value = float(_apply(op, [a.value for a in args]))  # type: ignore[union-attr]
        if not math.isfinite(value):
            raise ExprError("this part evaluates to infinity or an undefined number "
                            "(overflow, division by zero or log of a negative)",
                            self.off(node) if where is None else where)
        return _Const(value)

    def _unary(self, node: ast.UnaryOp) -> _Node:
        if isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.walk(node.operand)
            return self.fold("neg" if isinstance(node.op, ast.USub) else "pos", [operand], node)
        word = "`not`" if isinstance(node.op, ast.Not) else "`~`"
        raise self.fail(f"{word} is not supported", node, "comparisons give 1 or 0")

    def _binop(self, node: ast.BinOp) -> _Node:
        op = _BINOPS.get(type(node.op))
        where = self.between(node.left, node.right)
        if op is None:
            if isinstance(node.op, ast.Mod):
                raise ExprError("`%` is only a percent sign right after a number (5%)", where)
            raise ExprError(f"operator `{self.text[where]}` is not supported", where,
                            "use + - * / ** and comparisons")
        return self.fold(op, [self.walk(node.left), self.walk(node.right)], node, where)

    def _compare(self, node: ast.Compare) -> _Node:
        try:
            check_comparisons(len(node.ops))
        except LimitError as e:
            raise self.fail(str(e), node, "split the chain with where(...) or params") from None
        operands = [node.left, *node.comparators]
        parts: list[_Node] = []
        for i, op in enumerate(node.ops):
            name = _CMPOPS.get(type(op))
            if name is None:
                where = self.between(operands[i], operands[i + 1])
                raise ExprError("only < <= > >= == != comparisons are supported", where)
            parts.append(self.fold(name, [self.walk(operands[i]),
                                          self.walk(operands[i + 1])], node))
        # a < b < c means (a < b) and (b < c): the product of 1.0/0.0 comparisons
        return reduce(lambda a, b: self.fold("*", [a, b], node), parts)

    # -- ranges and distributions ----------------------------------------------------------
    def _new_random(self, call: str, dist: D.Dist | None, node: ast.AST,
                    args: tuple[object, ...] = (),
                    kwargs: Mapping[str, object] | None = None) -> _Rand:
        index = len(self.random)
        self.random.append(RandomNode(index, call, dist, self.yearly, args,
                                      types.MappingProxyType(dict(kwargs or {})),
                                      self.off(node)))
        return _Rand(index)

    def _range(self, node: ast.BoolOp) -> _Node:
        dist = self._range_dist(node)
        if isinstance(dist, D.Constant):  # `3 to 3` is just 3: fold it, no random node
            return _Const(dist.value)
        return self._new_random("to", dist, node)

    def _range_dist(self, node: ast.BoolOp) -> D.Dist:
        if isinstance(node.op, ast.And):
            raise ExprError("`and` is not supported", self.between(node.values[0], node),
                            "use min(...) or a product of comparisons")
        if len(node.values) > 2:
            raise ExprError("only one `to` per range", self.between(node.values[1], node),
                            "use parentheses: (a to b) + (c to d)")
        lo, hi = (self.number(v, "the bounds of `a to b`") for v in node.values)
        self._one_sided_suffix(node)
        if self.probability and not (0.0 <= lo <= 1.0 and 0.0 <= hi <= 1.0):
            raise self.fail("probability must be between 0% and 100%", node,
                            percent_hint(self.text))
        try:
            return D.fit_range(lo, hi, probability=self.probability)
        except ValueError as e:
            raise self.fail(str(e), node) from None

    def _one_sided_suffix(self, node: ast.BoolOp) -> None:
        """Refuse ``40 to 50k`` (see :func:`crossroads.estimate.lexer.one_sided_suffix`)."""
        problem = one_sided_suffix(self.text, *(self.off(v) for v in node.values))
        if problem is not None:
            raise ExprError(*problem)

    def number(self, node: ast.AST, what: str) -> float:
        """Walk ``node`` and require a plain number (no names, nothing random)."""
        ir = self.walk(node)
        if not isinstance(ir, _Const):
            raise self.fail(f"{what} must be numbers, not params or random values", node,
                            "write the arithmetic outside, e.g. x * (1 to 2)")
        return ir.value

    def _call(self, node: ast.Call) -> _Node:
        fn = self._function_name(node)
        if fn in _DIST_PARAMS:
            return self._new_random(fn, self._dist_call(fn, node), node)
        if fn == "mixture":
            return self._new_random(fn, self._mixture(node), node)
        if fn in _EVIDENCE_KWARGS:
            args, kwargs = self._evidence_args(fn, node)
            return self._new_random(fn, None, node, args, kwargs)
        if fn == "each_year":
            return self._each_year(node)
        if fn in ("skill", "intersection"):
            return self._skill(fn, node)
        return self._math(fn, node)

    def _function_name(self, node: ast.Call) -> str:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute | ast.Subscript):
                self._reject(node.func)
            raise self.fail("only named functions can be called", node)
        name = node.func.id
        if name not in FUNCTIONS:
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            raise self.fail(f"unknown function `{name}`; allowed: {', '.join(FUNCTIONS)}",
                            node, f"did you mean `{close[0]}`?" if close else None)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self._reject(arg)
        return name

    def _no_keywords(self, fn: str, node: ast.Call, allowed: Collection[str] = ()) -> None:
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in allowed:
                shown = "**" if kw.arg is None else f"{kw.arg}="
                raise ExprError(f"{fn}(...) takes no argument `{shown}`", self.off(kw),
                                f"allowed: {', '.join(allowed)}" if allowed else None)

    def _arity(self, fn: str, node: ast.Call, n: int, names: str = "") -> None:
        if n >= 0 and len(node.args) != n or n < 0 and not node.args:
            want = f"{n} argument{'s' * (n != 1)}" if n >= 0 else "at least one argument"
            shown = f" ({names})" if names else ""
            raise self.fail(f"{fn} takes {want}{shown}, got {len(node.args)}", node)

    def _dist_call(self, fn: str, node: ast.Call) -> D.Dist:
        cls, params = _DIST_PARAMS[fn]
        self._no_keywords(fn, node, params)
        given = {p: a for p, a in zip(params, node.args, strict=False)}
        for kw in node.keywords:
            if kw.arg in given:
                raise ExprError(f"{fn}(...) got `{kw.arg}` twice", self.off(kw))
            given[str(kw.arg)] = kw.value
        if len(node.args) > len(params) or set(given) != set(params):
            raise self.fail(f"{fn} takes {len(params)} argument{'s' * (len(params) > 1)} "
                            f"({', '.join(params)}), got {len(node.args) + len(node.keywords)}",
                            node)
        values = [self.number(given[p], f"the arguments of {fn}(...)") for p in params]
        try:
            return cls(*values)
        except ValueError as e:
            raise self.fail(f"{fn}(...): {e}", node) from None

    def _mixture(self, node: ast.Call) -> D.Dist:
        self._no_keywords("mixture", node, ("weights",))
        self._arity("mixture", node, -1, "distributions")
        try:
            check_mixture(len(node.args))  # before fitting 300 ranges only to refuse them
        except LimitError as e:
            raise self.fail(str(e), node, "a few components describe any belief") from None
        comps = [self._component(arg) for arg in node.args]
        try:
            check_mixture(sum(mixture_size(c) or 1 for c in comps))
        except LimitError as e:
            raise self.fail(str(e), node, "a few components describe any belief") from None
        weights: list[float] = []
        for kw in node.keywords:
            if not isinstance(kw.value, ast.List):
                raise self.fail("weights must be a list, e.g. weights=[0.3, 0.7]", kw.value)
            weights = [self.number(w, "mixture weights") for w in kw.value.elts]
        try:
            return D.Mixture(tuple(comps), tuple(weights))
        except ValueError as e:
            raise self.fail(str(e), node) from None

    def _component(self, node: ast.AST) -> D.Dist:
        if isinstance(node, ast.BoolOp):
            return self._range_dist(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fn = self._function_name(node)
            if fn in _DIST_PARAMS:
                return self._dist_call(fn, node)
            if fn == "mixture":
                return self._mixture(node)
        if isinstance(node, ast.Call | ast.Name):
            raise self.fail("mixture components must be distributions, `a to b` ranges or "
                            "numbers", node)
        return D.Constant(self.number(node, "mixture components"))

    def _evidence_args(self, fn: str, node: ast.Call) -> tuple[tuple[object, ...],
                                                               dict[str, object]]:
        self._no_keywords(fn, node, _EVIDENCE_KWARGS[fn])
        self._arity(fn, node, 1 if fn == "research" else 0,
                    "the param name" if fn == "research" else "")
        args = tuple(self._literal(a) for a in node.args)
        kwargs = {str(kw.arg): self._literal(kw.value) for kw in node.keywords}
        return args, kwargs

    def _literal(self, node: ast.AST) -> object:
        """A research/market argument: a bare name or string (as str) or a number."""
        if isinstance(node, ast.Name) and not node.id.startswith("__"):
            return node.id
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return self.number(node, "research(...) and market(...) arguments")

    def _each_year(self, node: ast.Call) -> _Node:
        self._no_keywords("each_year", node)
        self._arity("each_year", node, 1, "an estimate")
        outer, self.yearly = self.yearly, True
        try:
            return self.walk(node.args[0])
        finally:
            self.yearly = outer

    def _skill(self, fn: str, node: ast.Call) -> _Node:
        self._no_keywords(fn, node)
        if fn == "intersection":
            self._arity(fn, node, 0)
            return self._free("intersection", node)
        self._arity(fn, node, 1, "a skill name")
        arg = node.args[0]
        value = arg.value if isinstance(arg, ast.Constant) else getattr(arg, "id", None)
        if not isinstance(value, str) or not value.isidentifier() or value.startswith("__"):
            raise self.fail("skill(...) takes a skill name, e.g. skill(ml)", arg)
        return self._free(f"skill:{value}", node)

    def _math(self, fn: str, node: ast.Call) -> _Node:
        self._no_keywords(fn, node)
        self._arity(fn, node, _MATH_ARITY[fn])
        return self.fold(fn, [self.walk(a) for a in node.args], node)
