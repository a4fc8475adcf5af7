"""The memory budget counts a chunk's working set, not only what each draw keeps."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import crossroads
from crossroads.engine import budget


def wide_file(options: int, horizon: int, samples: int, criteria: int = 5) -> str:
    crit = "".join(f"  c{i}: {{worth: 1000}}\n" for i in range(criteria))
    scores = ", ".join(f"c{j}: 1 to 9" for j in range(criteria))
    opts = "".join(f"  o{i}:\n    roles:\n      job: {{cash: 50k to 60k, raise: 2% to 4%, "
                   f"criteria: {{{scores}}}}}\n" for i in range(options))
    return (f"version: 1\ndecision: wide\nhorizon: {horizon}\nsamples: {samples}\n"
            f"criteria:\n{crit}options:\n{opts}")


def test_the_20_option_60_year_file_is_refused_with_the_count_that_fits() -> None:
    """Before: it passed (kept 440 bytes a draw) and peaked at 3.6 GB."""
    with pytest.raises(crossroads.DecisionError) as info:
        crossroads.load(wide_file(20, 60, 50_000))
    err = info.value
    assert (err.line, err.column) == (4, 10)
    assert "working set" in err.message and "2 GiB" in err.message
    assert err.hint is not None and "at most 18,531 samples" in err.hint
    model = crossroads.load(wide_file(20, 60, 18_531))
    assert budget.peak_bytes(model, 18_531) <= budget.MEMORY_BUDGET_BYTES
    assert budget.peak_bytes(model, 18_532) > budget.MEMORY_BUDGET_BYTES


def test_the_working_set_grows_with_options_times_years_up_to_one_chunk() -> None:
    model = crossroads.load(wide_file(20, 60, 100))
    per_cell = 8 * (4 + 5) + 2
    assert budget.working_set_bytes(model) == 20 * 60 * per_cell + 8 * (0 + 16 * 20)
    one, many = (budget.peak_bytes(model, n) for n in (budget.CHUNK, 2 * budget.CHUNK))
    # past one chunk only the kept numbers and the screen grow
    extra = budget.CHUNK * (budget.run_kept_bytes(model) + 8 * 20 * 60)
    assert many - one == extra


def test_an_analysis_counts_its_own_kept_numbers_and_the_working_set() -> None:
    from crossroads.engine.collect import collect

    model = crossroads.load(wide_file(20, 60, 100))
    # what collect keeps: the analyses' numbers and each inline range the value reads
    per_draw = budget.kept_bytes_per_draw(model)
    assert per_draw > budget.analyses_kept_bytes(model)  # the inline cash and raise ranges
    most = budget.largest_fitting(model, per_draw)
    with pytest.raises(crossroads.DecisionError, match=f"at most {most:,}"):
        collect(model, samples=most + 1)


#: The largest count each purpose accepted before the budget was one module (measured on
#: main at e62cbd8 with the old calls: largest_fitting with run's count, collect's
#: kept_bytes_per_draw, twice it for option value, the journal's run + predictions).
#: "report" is the one pass's since (the run's kept numbers and screen beside the
#: analyses' sample, with the skill paths when the file has skills; before: 19,268 and
#: 356,710, the analyses' sample alone).
BEFORE: dict[str, dict[budget.Purpose, int]] = {
    "wide": {"run": 18_531, "sample": 19_268, "sample with skills": 19_268,
             "report": 17_469, "two samples": 18_123, "journal": 19_746},
    "founding": {"run": 10_385_056, "sample": 840_385, "sample with skills": 342_321,
                 "report": 301_633, "two samples": 420_192, "journal": 2_023_785},
}


@pytest.mark.parametrize("case", sorted(BEFORE))
def test_each_purpose_refuses_at_the_same_count_as_before(case: str) -> None:
    from crossroads.journal import predict as jp
    from tests.conftest import EXAMPLES

    model = crossroads.load(wide_file(20, 60, 100) if case == "wide"
                            else EXAMPLES / "why-i-quit-data-science.yaml")
    extra = jp.bytes_per_draw(model)
    for purpose, most in BEFORE[case].items():
        assert budget.most(model, purpose, extra=extra) == most, purpose
        budget.check(model, most, purpose, extra=extra)
        with pytest.raises(budget.TooManySamples) as info:
            budget.check(model, most + 1, purpose, extra=extra)
        err = info.value
        assert (err.most, err.samples) == (most, most + 1), purpose
        assert isinstance(err, crossroads.DecisionError)  # callers catching it keep working
        assert err.hint == f"use at most {most:,} samples (set `samples:`)"


def test_the_refusal_survives_a_trip_between_processes() -> None:
    import pickle

    model = crossroads.load(wide_file(20, 60, 100))
    with pytest.raises(budget.TooManySamples) as info:
        budget.check(model, 10**9)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is budget.TooManySamples
    assert (back.format(), back.most, back.samples) == (info.value.format(), 18_531, 10**9)


def test_when_not_one_draw_fits_the_refusal_offers_no_count(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model = crossroads.load(wide_file(2, 5, 100))
    monkeypatch.setattr(budget, "MEMORY_BUDGET_BYTES", budget.BASE_BYTES)  # room for nothing
    with pytest.raises(crossroads.DecisionError) as info:
        budget.check(model, 1)
    assert not isinstance(info.value, budget.TooManySamples)
    assert "even for one chunk" in info.value.message


@pytest.mark.slow
def test_the_estimate_bounds_the_measured_peak() -> None:
    """A run of 5 options x 60 years x 20,000 draws, in a fresh process: the peak
    resident size stays below the budget's estimate (measured: about 0.5 of it)."""
    code = textwrap.dedent(f"""
        import crossroads
        from crossroads.engine import budget
        m = crossroads.load({wide_file(5, 60, 20_000)!r})
        crossroads.run(m)
        # VmHWM, this image's own peak: ru_maxrss carries the forking parent's (pytest's)
        # peak across exec, so it failed whenever the suite itself had grown large
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        peak *= 1024  # kB
        print(peak, budget.peak_bytes(m, 20_000))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    peak, estimate = int(out[0]), int(out[1])
    assert peak < estimate
