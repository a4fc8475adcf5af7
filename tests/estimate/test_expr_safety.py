"""Property tests: the compiler answers every text with a Compiled or an ExprError, rejects
everything outside its whitelist, and never runs any of it."""

from __future__ import annotations

import ast
import builtins
import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crossroads.estimate.dists import PROBABILITY_NUDGE, Beta, Constant, fit_range
from crossroads.estimate.expr import Compiled, ExprError, compile_estimate

# ESTIMATE_EXAMPLES=5000 for a longer hunt; 300 keeps the suite fast
SETTINGS = settings(max_examples=int(os.environ.get("ESTIMATE_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

TOKENS = ["1", "2.5", "160k", "1.2M", "5%", "100_000", "1e3", "x", "y", "previous", "to",
          "+", "-", "*", "/", "**", "(", ")", ",", "<", ">=", "==", "!=", "normal", "pert",
          "uniform", "bernoulli", "each_year", "mixture", "weights", "=", "[", "]",
          "research", "market", "skill", "intersection", "min", "max", "clip", "where",
          "log", "exp", "'a'", '"b"', ".", "__class__", "lambda", ":", "if", "else", "for",
          "in", "not", "and", "or", "%", "#", "\n", " ", "\t", "é", "\\", "\x00", "{", "}",
          "@", ";", "`", "~", "|", "&", "0x", "_", "k", "M", "1j", "...", "None", "True"]

texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
)


def _exercise(c: Compiled) -> None:
    """Evaluate a compiled estimate on small arrays: it must not raise."""
    c = c.with_resolved(lambda node: Constant(1.0))
    n, horizon = 4, 3
    env = {name: np.linspace(-1.0, 2.0, n) for name in c.names}
    uniforms = [np.full((n, horizon) if node.each_year else (n,), 0.3)
                for node in c.random_nodes]
    out = c.evaluate(env, uniforms)
    assert np.shape(out) in {(), (n,), (n, horizon)}


@SETTINGS
@given(text=texts, probability=st.booleans(), restrict=st.booleans())
def test_any_text_gives_compiled_or_expr_error(text: str, probability: bool,
                                               restrict: bool) -> None:
    known = {"x", "previous", "skill:ml"} if restrict else None
    try:
        c = compile_estimate(text, probability=probability, known_names=known)
    except ExprError as e:
        assert 0 <= e.offset <= len(text)
        assert e.message
        return
    assert isinstance(c, Compiled)
    _exercise(c)


# ---------------------------------------------------------------- nothing runs ------------

SNIPPETS = [
    "x.y", "().__class__", "().__class__.__base__.__subclasses__()", "x.__globals__",
    "canary.__call__()", "x[0]", "canary()[0]", "x[1:2]", "lambda: canary()",
    "(lambda: canary())()", "[canary() for _ in x]", "{canary() for _ in x}",
    "{canary(): 1 for _ in x}", "(canary() for _ in x)", "__import__('os')",
    "__import__('os').system('touch {marker}')", "__import__('pathlib').Path('{marker}')",
    "open('{marker}', 'w')", "eval('canary()')", "exec('canary()')",
    "compile('canary()', 'f', 'eval')", "getattr(canary, '__call__')()", "breakpoint()",
    "globals()", "vars()", "canary()", "print(1)", "foo(1)", "'abc'", "'abc' + 'd'",
    "f'{canary()}'", "b'x'", "canary() if 1 else 0", "(c := canary())", "not x",
    "x and y", "x or y", "x % 2", "x // 2", "x @ y", "x | y", "x & y", "x ^ y", "~x",
    "x << 1", "x >> 1", "[1, 2]", "(1, 2)", "{1: 2}", "{1}", "*x", "x is y", "x is not y",
    "x in y", "x not in y", "__builtins__", "__class__", "__import__", "yield canary()",
    "(yield canary())", "await canary()", "import os", "canary(); 1", "...", "None",
    "True", "1j", "x.real", "normal(canary(), 1)", "mixture(canary(), 1 to 2)",
    "normal(0, 1).ppf", "each_year(canary())", "skill(canary())", "min(*x)",
    "max(**x)", "where(x, canary(), 1)", "abs(x=1)", "clip(x, 0, 1, 2)", "log()",
    "research(x, market=canary())", "market(title=x.y)", "mixture(1 to 2, weights=[canary()])",
]
TEMPLATES = ["{}", "1 + {}", "normal({}, 1)", "max(1, {})", "each_year({})", "({}) to 2",
             "mixture({}, 1 to 2)", "where({}, 1, 2)", "-{}", "2 ** ({})", "{} * x"]


@contextlib.contextmanager
def tripwires(marker: Path) -> Iterator[list[str]]:
    """Record any call of eval/exec/open/__import__ of a dangerous module/real compile,
    and provide a ``canary`` builtin that records being called."""
    calls: list[str] = []
    real = {name: getattr(builtins, name) for name in
            ("__import__", "open", "eval", "exec", "compile", "breakpoint")}
    danger = {"os", "subprocess", "sys", "shutil", "pathlib", "socket", "ctypes", "importlib"}

    def make(name: str):
        def watched(*args, **kwargs):
            if name == "__import__" and args and args[0] not in danger:
                return real[name](*args, **kwargs)
            flags = args[3] if len(args) > 3 else kwargs.get("flags", 0)
            if name == "compile" and flags & ast.PyCF_ONLY_AST:  # ast.parse: builds a tree
                return real[name](*args, **kwargs)
            calls.append(name)
            return real[name](*args, **kwargs)
        return watched

    patched = {name: make(name) for name in real}
    try:
        for name, fn in patched.items():
            setattr(builtins, name, fn)
        builtins.canary = lambda *a: calls.append("canary")  # type: ignore[attr-defined]
        yield calls
    finally:
        for name, fn in real.items():
            setattr(builtins, name, fn)
        del builtins.canary  # type: ignore[attr-defined]
    assert not marker.exists()


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("canary") / "pwned"


@SETTINGS
@given(snippet=st.sampled_from(SNIPPETS), template=st.sampled_from(TEMPLATES),
       probability=st.booleans())
def test_everything_outside_the_whitelist_is_rejected_and_never_runs(
        snippet: str, template: str, probability: bool, marker: Path) -> None:
    text = template.format(snippet.replace("{marker}", str(marker)))
    with tripwires(marker) as calls:
        with pytest.raises(ExprError) as e:
            compile_estimate(text, probability=probability)
    assert calls == []
    assert 0 <= e.value.offset <= len(text)


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_each_snippet_alone_is_rejected(snippet: str, marker: Path) -> None:
    with tripwires(marker) as calls, pytest.raises(ExprError):
        compile_estimate(snippet.replace("{marker}", str(marker)))
    assert calls == []


def test_tripwires_work(marker: Path) -> None:
    with tripwires(marker) as calls:
        builtins.canary()  # type: ignore[attr-defined]
        builtins.eval("1")
    assert calls == ["canary", "eval"]


SOURCES = sorted((Path(__file__).parents[2] / "src" / "crossroads" / "estimate").glob("*.py"))
ALLOWED_IMPORTS = {"__future__", "ast", "collections", "dataclasses", "difflib", "functools",
                   "math", "re", "types", "typing", "warnings", "numpy", "scipy", "crossroads"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_sources_never_eval_and_import_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "compile", "__import__", "open"}
        if isinstance(node, ast.Import):
            assert {a.name.split(".")[0] for a in node.names} <= ALLOWED_IMPORTS
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] in ALLOWED_IMPORTS


# ---------------------------------------------------------------- arithmetic agrees -------

def _leaf() -> st.SearchStrategy[tuple[str, float]]:
    ints = st.integers(0, 10**6)
    return st.one_of(
        st.floats(0, 1e6, allow_nan=False).map(lambda v: (repr(v), v)),
        ints.map(lambda n: (f"{n:_}", float(n))),
        ints.map(lambda n: (f"{n}k", float(n) * 1e3)),
        ints.map(lambda n: (f"{n}M", float(n) * 1e6)),
        ints.map(lambda n: (f"{n}%", float(n) / 100.0)),
    )


def _combine(children: st.SearchStrategy[tuple[str, float]]):
    def binary(op: str):
        def build(a: tuple[str, float], b: tuple[str, float]) -> tuple[str, float]:
            if not (math.isfinite(a[1]) and math.isfinite(b[1])) or op == "/" and not b[1]:
                return f"({a[0]} {op} {b[0]})", math.nan  # the compiler must reject it
            value = {"+": a[1] + b[1], "-": a[1] - b[1], "*": a[1] * b[1],
                     "/": a[1] / b[1] if b[1] else math.nan}[op]
            return f"({a[0]} {op} {b[0]})", value
        return st.builds(build, children, children)
    neg = children.map(lambda a: (f"-{a[0]}", -a[1]))
    return st.one_of(neg, *(binary(op) for op in "+-*/"))


@SETTINGS
@given(st.recursive(_leaf(), _combine, max_leaves=12))
def test_folded_arithmetic_matches_python_floats(case: tuple[str, float]) -> None:
    text, expected = case
    if not math.isfinite(expected):
        with pytest.raises(ExprError):
            compile_estimate(text)
        return
    assert compile_estimate(text).evaluate({}, []) == expected


@SETTINGS
@given(lo=st.floats(-1e9, 1e9), width=st.floats(0, 1e9))
def test_any_range_is_fitted_to_its_interval(lo: float, width: float) -> None:
    hi = lo + width
    dist = compile_estimate(f"{lo!r} to {hi!r}").as_dist()
    assert dist is not None
    got = dist.interval(0.9)
    scale = max(abs(lo), abs(hi))
    assert got == pytest.approx((lo, hi), rel=1e-6, abs=1e-9 * scale + 1e-300)


@settings(SETTINGS, max_examples=max(SETTINGS.max_examples // 3, 1))  # ~10 ms per beta fit
@given(lo=st.floats(0.0, 1.0), hi=st.floats(0.0, 1.0))
def test_any_probability_range_is_a_beta(lo: float, hi: float) -> None:
    assume(lo < hi and hi - lo > 1e-9)
    dist = fit_range(lo, hi, probability=True)
    assert isinstance(dist, Beta)
    # the documented nudge: bounds move inside [1e-6, 1 - 1e-6], keeping lo < hi
    n = PROBABILITY_NUDGE
    want = (min(max(lo, n), 1 - 2 * n), max(min(hi, 1 - n), 2 * n))
    assert dist.interval(0.9) == pytest.approx(want, rel=1e-5, abs=1e-12)
