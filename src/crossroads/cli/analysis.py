"""Commands for the decision analyses: voi, sensitivity, smaa, skills, prices, risk, option-value.

Each command loads the file (exit 1 with FILE:LINE:COL on bad input), runs one analysis
from :mod:`crossroads.api`, and prints a table and plain sentences, or `--json`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.table import Table

from crossroads.cli.common import console, load_or_exit
from crossroads.cli.options import (
    DbOpt,
    FileArg,
    JsonOpt,
    SamplesOpt,
    SeedOpt,
    print_json,
    progress,
)
from crossroads.format import money, pct


def _emit(data: dict[str, Any], as_json: bool, table: Table | None = None) -> None:
    if as_json:
        print_json(data)
        return
    if table is not None:
        console.print(table)
    for sentence in data.get("sentences", []):
        console.print(f"- {sentence}")


def _busy(as_json: bool) -> progress:
    """The progress bar of a command whose analysis reports no fractions (a pulse)."""
    return progress("simulating", enabled=not as_json)


def voi_command(file: FileArg,
                group: Annotated[list[str] | None, typer.Option(
                    help="Params found out together, comma-separated (repeatable).")] = None,
                ask: Annotated[int | None, typer.Option(
                    help="EVSI of this many more conversations per param.", min=1)] = None,
                samples: SamplesOpt = None, seed: SeedOpt = None, db: DbOpt = None,
                as_json: JsonOpt = False) -> None:
    """What finding out is worth: EVPI, EVPPI per param and group, EVSI of N more data."""
    from crossroads.api import voi

    model = load_or_exit(file, db=db)
    groups = tuple(tuple(p.strip() for p in g.split(",") if p.strip()) for g in group or [])
    if not all(groups):
        raise typer.BadParameter("a group needs at least one param name", param_hint="--group")
    with _busy(as_json):
        report = voi(model, samples, seed, groups=groups, ask=ask, db=db)
    data = report.to_dict()
    table = Table(title=f"What to find out next (EVPI {money(data['evpi'], model.currency)})",
                  title_justify="left")
    for col in ("param", "EVPPI", "share of EVPI", "± se") + (("EVSI",) if ask else ()):
        table.add_column(col, justify="left" if col == "param" else "right")
    for row in data["ranking"]:
        p = row["param"]
        se = data["evppi_se"].get(p)
        cells = [p, money(row["evppi"], model.currency), f"{row['share']:.0%}",
                 money(se, model.currency) if se is not None else "-"]
        if ask:
            cells.append(money(data["evsi"].get(p, 0.0), model.currency))
        table.add_row(*cells)
    _emit(data, as_json, table)


def sensitivity_command(file: FileArg,
                        method: Annotated[str, typer.Option(
                            help="tornado (swing each param 5%-95%) or sobol (SALib).")
                        ] = "tornado",
                        samples: SamplesOpt = None, seed: SeedOpt = None,
                        as_json: JsonOpt = False) -> None:
    """Which inputs move the value gap between the two leading options."""
    from crossroads.api import sensitivity

    if method not in {"tornado", "sobol"}:  # a usage error: on stderr, exit 2
        raise typer.BadParameter(f"must be tornado or sobol, got {method!r}",
                                 param_hint="--method")
    model = load_or_exit(file)
    with _busy(as_json):
        data = sensitivity(model, method, samples, seed).to_dict()
    table = Table(title=f"Sensitivity ({method}) of the {data['target']}", title_justify="left")
    table.add_column("param")
    if method == "tornado":
        table.add_column("at 5th pct", justify="right")
        table.add_column("at 95th pct", justify="right")
        for bar in data["bars"]:
            table.add_row(bar["param"], money(bar["low"], model.currency),
                          money(bar["high"], model.currency))
    else:
        for col in ("S1", "ST", "ST 95% ±"):
            table.add_column(col, justify="right")
        rows = sorted(data["indices"].items(), key=lambda kv: -kv[1]["ST"])
        for name, ix in rows:
            table.add_row(name, f"{ix['S1']:.3f}", f"{ix['ST']:.3f}", f"{ix['ST_conf']:.3f}")
    _emit(data, as_json, table)


def smaa_command(file: FileArg, samples: SamplesOpt = None, seed: SeedOpt = None,
                 as_json: JsonOpt = False) -> None:
    """SMAA-2: how often each option ranks first over all weights you could hold."""
    from crossroads.api import smaa

    model = load_or_exit(file)
    with _busy(as_json):
        data = smaa(model, samples, seed).to_dict()
    n = len(data["rank_acceptability"])
    table = Table(title="Rank acceptability (share of weights and futures)", title_justify="left")
    table.add_column("option")
    for r in range(n):
        table.add_column(f"rank {r + 1}", justify="right")
    table.add_column("confidence", justify="right")
    for oid, ranks in data["rank_acceptability"].items():
        table.add_row(oid, *(pct(b) for b in ranks), pct(data["confidence"][oid]))
    _emit(data, as_json, table)


def skills_command(file: FileArg, samples: SamplesOpt = None, seed: SeedOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Where each skill and the intersection rank stand, year by year, on each path."""
    from crossroads.api import skills

    model = load_or_exit(file)
    with _busy(as_json):
        data = skills(model, samples, seed).to_dict()
    years = list(range(0, data["horizon"], max(1, data["horizon"] // 5)))
    table = Table(title="Median percentile by year (intersection: top % of peers)",
                  title_justify="left")
    table.add_column("option")
    table.add_column("skill")
    for y in years:
        table.add_column(f"yr {y}", justify="right")
    for oid, o in data["options"].items():
        for sid, sk in o["skills"].items():
            table.add_row(oid, sid, *(f"{sk['percentile'][y]:.0f}" for y in years))
        if "intersection_top_pct" in o:
            table.add_row(oid, "top % at all", *(f"{o['intersection_top_pct'][y]:.1f}"
                                                 for y in years))
    _emit(data, as_json, table if table.row_count else None)  # no skills: the sentence alone


def prices_command(file: FileArg, samples: SamplesOpt = None, seed: SeedOpt = None,
                   as_json: JsonOpt = False) -> None:
    """What you pay in money for what you value, and the worth at which the choice flips."""
    from crossroads.api import prices

    model = load_or_exit(file)
    with _busy(as_json):
        data = prices(model, samples, seed).to_dict()
    data["sentences"] = [c["sentence"] for c in data["criteria"].values()] + [
        pair["sentence"] for c in data["criteria"].values() for pair in c["pairs"].values()]
    _emit(data, as_json)


def risk_command(file: FileArg,
                 threshold: Annotated[float, typer.Option(
                     help="Regret above this amount counts as regret.")] = 0.0,
                 samples: SamplesOpt = None, seed: SeedOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Downside: P(regret), CVaR at 10% and first-order stochastic dominance."""
    from crossroads.api import risk

    if not math.isfinite(threshold):
        raise typer.BadParameter(f"must be a finite amount, got {threshold}",
                                 param_hint="--threshold")
    model = load_or_exit(file)
    with _busy(as_json):
        data = risk(model, samples, seed, threshold).to_dict()
    table = Table(title="Risk", title_justify="left")
    for col in ("option", "worst 10% (CVaR)", "P(regret)", "P(behind baseline)", "dominates"):
        table.add_column(col, justify="left" if col in ("option", "dominates") else "right")
    for oid, o in data["options"].items():
        table.add_row(oid, money(o["cvar"], model.currency), pct(o["p_regret"]),
                      pct(o["p_behind_baseline"]), ", ".join(o["dominates"]) or "-")
    _emit(data, as_json, table)


def option_value_command(file: FileArg,
                         without: Annotated[str, typer.Option(
                             help="Roles to close off, comma-separated (e.g. em,vp,cto).")],
                         samples: SamplesOpt = None, seed: SeedOpt = None,
                         as_json: JsonOpt = False) -> None:
    """What the chance to move into some roles is worth: each option with and without it."""
    from crossroads.api import option_value

    model = load_or_exit(file)
    roles = tuple(r.strip() for r in without.split(",") if r.strip())
    if not roles:
        raise typer.BadParameter("name at least one role, e.g. em,vp,cto",
                                 param_hint="--without")
    with _busy(as_json):
        data = option_value(model, roles, samples, seed).to_dict()
    _emit(data, as_json)


