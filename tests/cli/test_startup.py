"""Start-up: `crossroads run FILE --json` imports only what it uses (docs/performance.md).

Each check runs a fresh interpreter, since what is imported depends on what ran before,
with its own disk cache (``CROSSROADS_CACHE_DIR``), since what a run computes or reads
depends on what earlier runs kept there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import crossroads
from crossroads.cli import COMMANDS, app, build_app
from tests.conftest import EXAMPLES, ROOT

FOUNDING = str(EXAMPLES / "why-i-quit-data-science.yaml")


def _modules_after(code: str, cache: Path | str = "off") -> set[str]:
    """The modules a fresh interpreter has imported after running ``code`` with ``cache`` as
    its disk cache (none by default: everything computed, as on a first run)."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, check=True,
                         env={**os.environ, "CROSSROADS_CACHE_DIR": str(cache)}).stdout
    return set(json.loads(out.splitlines()[-1]))




def test_run_json_imports_no_rich_no_analyses_and_no_other_command() -> None:
    modules = _modules_after(f"""
        import sys
        sys.argv = ["crossroads", "run", {FOUNDING!r}, "--samples", "200", "--json"]
        from crossroads.cli import main
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, exc.code
    """)
    unused = {"rich", "crossroads.analysis.voi", "crossroads.analysis.sensitivity",
              "crossroads.cli.analysis", "crossroads.cli.init", "crossroads.cli.research",
              "crossroads.cli.output", "crossroads.questionnaire",
              "crossroads.store", "sqlalchemy", "crossroads.report", "scipy.stats",
              "scipy.optimize"}  # the quick SMAA needs no LP for an order alone
    assert not unused & modules


def test_load_imports_neither_scipy_optimize_nor_scipy_stats() -> None:
    modules = _modules_after(f"import crossroads; crossroads.load({FOUNDING!r})")
    assert "scipy.special" in modules  # the founding case has probability ranges: betas
    assert not {"scipy.optimize", "scipy.stats", "crossroads.analysis.voi"} & modules


#: Two options whose every range is a param of the normal family (log-normal, normal,
#: floored normal), one of them a PERT: nothing here needs a normal function without a
#: closed form, and the PERT's table is built once, then read from the disk cache.
NORMAL_RANGES = ("decision: go?\n"
                 "params: {pay: 100k to 120k, fun_stay: 3 to 5, fun_go: 4 to 6, cut: 0 to 10k, "
                 "worth: 1k to 2k, bump: -1k to 3k, share: 'pert(0.1, 0.2, 0.4)'}\n"
                 "options:\n"
                 "  stay: {roles: {r: {cash: pay + bump, criteria: {fun: fun_stay}}}}\n"
                 "  go: {roles: {r: {cash: pay * (1 - share) - cut, criteria: {fun: fun_go}}}}\n"
                 "criteria: {fun: {worth: worth}}\n")


def test_run_imports_scipy_special_only_for_what_needs_it(tmp_path: Path) -> None:
    """The rule: `run` imports ``scipy.special`` only to compute what has no closed form in
    NumPy: a beta fitted to a probability range, the table of a beta or PERT that the disk
    cache lacks, skills (a standing and its percentile), the screen's rank of an inline
    range, a shape drawn through its quantile function (uniform, triangular...). A file
    without them imports none of SciPy's modules (a table read from the cache asks SciPy's
    top-level package for its version); ``scipy.stats``, ``scipy.optimize`` and SALib never
    (above)."""
    decision = tmp_path / "normal.yaml"
    decision.write_text(NORMAL_RANGES)
    code = f"""
        import sys
        sys.argv = ["crossroads", "run", {str(decision)!r}, "--samples", "3000", "--json"]
        from crossroads.cli import main
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, exc.code
    """
    assert "scipy.special" in _modules_after(code, tmp_path)  # the PERT's table, built
    assert list((tmp_path / "beta").glob("table-*.npy"))
    again = _modules_after(code, tmp_path)  # the table read: only SciPy's version is asked
    assert not {m for m in again if m.startswith(("scipy.special", "scipy.stats", "scipy.linalg"))}


def test_literal_constants_are_scipys_to_the_last_bit() -> None:
    from scipy import special

    from crossroads.estimate.dists import Z95
    from crossroads.simulate.skills import TOP_QUARTILE_Z

    assert TOP_QUARTILE_Z == float(special.ndtri(0.75))
    assert Z95 == float(special.ndtri(0.95))


def test_a_file_without_normal_or_beta_functions_needs_no_scipy() -> None:
    text = ("decision: go?\nparams: {pay: 100k to 120k}\n"
            "options: {stay: {roles: {r: {cash: pay, raise: 2% to 4%, "
            "criteria: {fun: 3 to 5}}}}}\ncriteria: {fun: {worth: 1k}}")
    modules = _modules_after(f"import crossroads; crossroads.load({text!r})")
    assert not any(m == "scipy" or m.startswith("scipy.") for m in modules)


def test_the_lazy_api_names_resolve() -> None:
    assert crossroads.voi.__module__ == "crossroads.api"
    assert callable(crossroads.run) and crossroads.run.__module__ == "crossroads.api"
    assert set(crossroads.__all__) <= set(dir(crossroads))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = crossroads.nope  # type: ignore[attr-defined]


def test_the_command_table_lists_every_analysis_command() -> None:
    import crossroads.cli.analysis as analysis

    listed = {target.split(":")[1] for target in COMMANDS.values()
              if target.startswith("crossroads.cli.analysis:")}
    assert listed == {name for name in vars(analysis) if name.endswith("_command")}


def test_the_full_app_has_every_command() -> None:
    group = typer.main.get_command(app)
    assert set(group.commands) == set(COMMANDS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("args", [
    ["run", "--help"], ["run"], ["run", FOUNDING, "--samples", "0"], ["check", "--help"],
    ["research", "--help"], ["voi", "--help"],
])
def test_an_app_of_one_command_behaves_as_the_full_app(args: list[str]) -> None:
    runner = CliRunner()
    full = runner.invoke(app, args, prog_name="crossroads")
    alone = runner.invoke(build_app([args[0]]), args, prog_name="crossroads")
    assert (alone.exit_code, alone.output) == (full.exit_code, full.output)


def test_main_runs_the_command_it_names() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from crossroads.cli import main; main()",
         "run", FOUNDING, "--samples", "300", "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True).stdout
    expected = CliRunner().invoke(app, ["run", FOUNDING, "--samples", "300", "--json"])
    assert json.loads(out) == json.loads(expected.stdout)


def test_main_without_a_command_shows_every_command() -> None:
    done = subprocess.run([sys.executable, "-c", "from crossroads.cli import main; main()",
                           "--help"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert all(name in done.stdout for name in COMMANDS)


def test_a_deleted_lazy_name_stays_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(crossroads, "smaa")  # resolves it first, as any attribute lookup
    assert getattr(crossroads, "smaa", None) is None
    assert "smaa" not in dir(crossroads)


def test_the_command_line_imports_no_numpy_before_its_command_runs() -> None:
    assert not {"numpy", "pydantic", "crossroads.api"} & _modules_after("import crossroads.cli")


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("2", "2")])
def test_run_asks_openblas_for_one_thread_unless_told(given: str | None, expected: str) -> None:
    script = textwrap.dedent(f"""
        import contextlib, io, os, sys
        sys.argv = ["crossroads", "run", {FOUNDING!r}, "--samples", "50", "--json"]
        from crossroads.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main()
            except SystemExit as exc:
                assert not exc.code, exc.code
        print(os.environ["OPENBLAS_NUM_THREADS"])
    """)
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["CROSSROADS_CACHE_DIR"] = "off"
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, check=True, env=env).stdout
    assert out.split() == [expected]


def test_run_on_the_founding_case_with_a_warm_cache_imports_no_scipy_special(
        tmp_path: Path) -> None:
    """The founding case's normal functions are the project's own (crossroads.estimate.normal),
    so once its tables are on disk `run` imports no ``scipy.special``; and a cold cache, a
    warm one and none give the same bytes."""
    code = f"""
        import sys
        sys.argv = ["crossroads", "run", {FOUNDING!r}, "--samples", "600", "--json"]
        from crossroads.cli import main
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, exc.code
    """
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"

    def run(cache: Path | str) -> tuple[str, set[str]]:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=ROOT, check=True,
                             env={**os.environ, "CROSSROADS_CACHE_DIR": str(cache)}).stdout
        *body, modules = out.splitlines()
        return "\n".join(body), set(json.loads(modules))

    cold, _ = run(tmp_path)
    assert list((tmp_path / "intersection").glob("*.npy"))
    warm, modules = run(tmp_path)
    none, _ = run("off")
    assert cold == warm == none
    assert not {m for m in modules if m.startswith(("scipy.special", "scipy.stats"))}
