"""Analysis JSON in the shapes of docs/cli.md, built around a run's option ids."""

from __future__ import annotations

from typing import Any


def voi(ids: list[str]) -> dict[str, Any]:
    return {"currency": "USD", "evpi": 21000.0,
            "evppi": {"lead_multiple": 12000.0, "p_em": 4000.0, "startup_failure": 900.0,
                      "exit_chance": 0.0},
            "groups": {"p_em,p_vp": 6000.0},
            "evsi": {"lead_multiple": 5000.0, "p_em": 1500.0, "startup_failure": 200.0,
                     "exit_chance": 0.0}}


def sensitivity(ids: list[str]) -> dict[str, Any]:
    return {"method": "tornado", "target": f"value[{ids[0]}] - value[{ids[-1]}]",
            "bars": [{"param": "lead_multiple", "low": -40000.0, "high": 420000.0},
                     {"param": "p_em", "low": 250000.0, "high": 300000.0},
                     {"param": "startup_failure", "low": 310000.0, "high": 240000.0}]}


def sobol() -> dict[str, Any]:
    return {"method": "sobol", "target": "value gap",
            "indices": {"lead_multiple": {"S1": 0.55, "ST": 0.62},
                        "p_em": {"S1": 0.10, "ST": 0.18}}}


def smaa(ids: list[str]) -> dict[str, Any]:
    n = len(ids)
    acc = {}
    for i, k in enumerate(ids):
        row = [0.0] * n
        row[i % n] = 0.6
        row[(i + 1) % n] += 0.4
        acc[k] = row
    crits = ["money", "enjoyment", "learning"]
    return {"criteria": crits, "dropped": ["influence"],
            "rank_acceptability": acc,
            "central_weights": {k: {c: 1 / 3 for c in crits} for k in ids},
            "confidence": {k: 0.5 for k in ids}}


def skills(ids: list[str], horizon: int) -> dict[str, Any]:
    out = {}
    for i, k in enumerate(ids):
        grow = [min(0.95, 0.4 + 0.05 * (i + 1) * t) for t in range(horizon)]
        fade = [max(0.1, 0.75 - 0.03 * i * t) for t in range(horizon)]
        out[k] = {"skills": {"ml": {"percentile": fade}, "platform": {"percentile": grow}},
                  "intersection_top_pct": [40.0 - 2 * i * t / max(horizon - 1, 1)
                                           for t in range(horizon)]}
    return {"options": out, "intersection": ["ml", "platform"]}


def coverage() -> dict[str, Any]:
    return {"markets": ["IN", "SG", "US"], "stages": ["seed", "series-b", "public"],
            "seniority": ["<5", "5-10", "10-20", "20+"],
            "cells": [{"market": "SG", "stage": "series-b", "seniority": "10-20",
                       "conversations": 2},
                      {"market": "US", "stage": "public", "seniority": "20+",
                       "conversations": 1},
                      {"market": "IN", "stage": "seed", "seniority": "5-10",
                       "conversations": 1}],
            "params": {"lead_multiple": {"people": 3, "weight": 40.0, "markets": ["SG", "US"],
                                         "stages": ["series-b", "public"],
                                         "missing_markets": ["IN"], "missing_stages": ["seed"],
                                         "missing_seniority": ["<5"]}},
            "gaps": [{"param": "lead_multiple", "market": "IN", "stage": "series-b"},
                     {"param": "lead_multiple", "market": "SG", "stage": "seed"}]}


def market() -> dict[str, Any]:
    return {"n": 412, "median": 152000.0, "p10": 98000.0, "p90": 230000.0, "currency": "USD",
            "query": {"title": "Machine Learning Engineer", "level": "SE", "country": "US"},
            "warnings": []}


def full(run: dict[str, Any]) -> dict[str, Any]:
    """``run`` with every optional analysis beside it."""
    ids = list(run["options"])
    return {"run": run, "voi": voi(ids), "sensitivity": sensitivity(ids), "smaa": smaa(ids),
            "skills": skills(ids, run["horizon"]), "coverage": coverage(), "market": market()}


def _stats(mean: float, spread: float) -> dict[str, float]:
    return {"mean": mean, "p5": mean - spread, "p50": mean, "p95": mean + spread}


def tiny_run() -> dict[str, Any]:
    """A hand-written run JSON with round numbers, so readings can be checked literally."""
    def option(label: str, value: float, npv: float, p_best: float, p_better: float,
               fun: float, be: dict[str, Any] | None) -> dict[str, Any]:
        return {"label": label, "npv": _stats(npv, 50_000.0), "value": _stats(value, 80_000.0),
                "criteria": {"fun": _stats(fun, 1.0), "growth_rate": _stats(10 - fun, 1.0)},
                "p_best": p_best, "break_even": be,
                "mcse": {"npv_mean": 100.0, "value_mean": 120.0, "p_best": 0.004},
                "vs_baseline": {"value_mean": value - 500_000.0, "p_better": p_better},
                "value_hist": {"edges": [300_000.0, 400_000.0, 500_000.0, 600_000.0],
                               "counts": [10.0, 60.0, 30.0]},
                "cumulative_cash": {"p5": [50_000.0, 100_000.0, 140_000.0],
                                    "p50": [60_000.0, 120_000.0, 170_000.0],
                                    "p95": [70_000.0, 140_000.0, 200_000.0]}}
    be = {"p_within_horizon": 0.6, "median_year": 2, "p_by_year": [0.1, 0.4, 0.6]}
    return {"decision": "Stay or move?", "samples": 1000, "seed": 3, "horizon": 3,
            "currency": "USD", "baseline": "stay",
            "options": {"stay": option("Stay", 500_000.0, 450_000.0, 0.3, 0.0, 4.0, None),
                        "move": option("Move", 560_000.0, 400_000.0, 0.7, 0.84, 8.0, be)},
            "verdict": ["Move leads on `value`."], "views": {"2": {
                "stay": _stats(300_000.0, 1.0), "move": _stats(320_000.0, 1.0)}},
            "screen": {}}
