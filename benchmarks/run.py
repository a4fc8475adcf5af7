"""crossroads benchmarks: `make bench` (or `python benchmarks/run.py [--quick]`).

Writes benchmarks/RESULTS.md: the machine, then eight measurements, each the median of
several repeats with the spread, its target and whether it is met (README.md says what
each one measures and why).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import founding  # noqa: E402
import machine  # noqa: E402
import precision  # noqa: E402
import two_options  # noqa: E402
import web_whatif  # noqa: E402
from timing import Section, seconds, verdict  # noqa: E402

CASE = ROOT / "examples" / "why-i-quit-data-science.yaml"
TWO = HERE / "models" / "two_options.yaml"


@dataclass(frozen=True)
class Plan:
    """Sizes and repeats: the full run fits in about 15 minutes, --quick in about 2."""

    quick: bool
    sizes: dict[int, int] = field(default_factory=dict)  # draws -> repeats (section 1)
    n: int = 1_000_000             # two-option model, sections 2-4
    repeats: int = 5
    n_function: int = 10_000       # squigglepy model-function style
    shell_repeats: int = 5
    analysis_repeats: int = 3
    whatif_requests: int = 40      # section 7, per path (in process, through the server)

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(True, {10_000: 3, 100_000: 3}, n=200_000, repeats=3, n_function=2_000,
                       shell_repeats=3, analysis_repeats=1, whatif_requests=12)
        return cls(False, {10_000: 5, 100_000: 5, 1_000_000: 3, 10_000_000: 1})


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    plan = Plan.make(args.quick)
    started, load_at_start = time.perf_counter(), machine.load()
    commit = machine.git_commit(ROOT)
    sections: list[Section] = []
    for number, title, run in _steps(plan, args.case):
        if args.only and number not in args.only:
            continue
        print(f"\n[{number}] {title} ...", flush=True)
        for sec in run():
            print(f"  [{sec.number}] target: {sec.target}: {verdict(sec.met).strip('*')}",
                  flush=True)
            sections.append(sec)
        _write(args.out, plan, sections, (load_at_start, commit), time.perf_counter() - started)
    print(f"\nwrote {args.out} in {seconds(time.perf_counter() - started)}")
    return 0


Step = tuple[int, str, Callable[[], list[Section]]]


def _steps(plan: Plan, case: Path) -> list[Step]:
    def compare() -> list[Section]:
        sec2, cmp = two_options.versus_handwritten(TWO, plan.n, plan.repeats)
        return [sec2, two_options.versus_squigglepy(cmp, plan.n_function, plan.repeats),
                two_options.rng_floor(cmp, plan.repeats)]

    def scaling() -> Section:
        sec = founding.scaling(case, plan.sizes)
        sec.notes.append(two_options.stage_note(case, 100_000))
        return sec

    return [
        (1, "founding case by size", lambda: [scaling()]),
        (2, "two-option model: hand-written NumPy (2), squigglepy (3), RNG floor (4)",
         compare),
        (5, "founding case from the shell", lambda: [founding.shell(case, plan.shell_repeats)]),
        (6, "analyses", lambda: [founding.analyses(case, plan.analysis_repeats)]),
        (7, "web what-if latency (in process and through `crossroads serve`)",
         lambda: [web_whatif.whatif_latency(case, plan.whatif_requests)]),
        (8, "samples auto, start-up, report and sensitivity against run (side by side)",
         lambda: [precision.precision(case, plan.shell_repeats)]),
    ]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast subset: no 1M/10M founding runs, 200k two-option draws")
    parser.add_argument("--only", type=int, nargs="+", choices=(1, 2, 5, 6, 7, 8), default=[],
                        help="run these steps only (2 runs sections 2, 3 and 4)")
    parser.add_argument("--case", type=Path, default=CASE,
                        help="the decision file for sections 1, 5, 6, 7 and 8 "
                        "(default: %(default)s)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md",
                        help="where to write the results (default: %(default)s)")
    return parser.parse_args(argv)


def _write(out: Path, plan: Plan, sections: list[Section], at_start: tuple[str, str],
           elapsed: float) -> None:
    """RESULTS.md: the machine, a summary of the targets, then every section."""
    lines = ["# crossroads benchmark results", "",
             f"Written by `benchmarks/run.py{' --quick' if plan.quick else ''}` in "
             f"{seconds(elapsed)}. Times are medians of the repeats, with the min-max "
             "spread; see README.md for what each section measures.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine.describe(ROOT, *at_start)]
    lines += ["", "| section | target | |", "|---|---|---|"]
    lines += [f"| {s.number}. {s.title} | {s.target} | {verdict(s.met)} |" for s in sections]
    lines += [""] + [s.markdown() for s in sections]
    out.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
