"""Tables on disk (intersection, beta): the same numbers, owner-only files, safe to lose."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from crossroads.estimate.dists import Beta, Pert, fit_range
from crossroads.simulate import intersection as ix
from crossroads.simulate import sampling as sample
from crossroads.simulate import table_cache
from crossroads.simulate.table_cache import cache_dir


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(tmp_path))
    ix._equicorr_table.cache_clear()
    yield tmp_path / "intersection"
    ix._equicorr_table.cache_clear()


def test_a_table_is_written_once_owner_only_and_read_back_bit_for_bit(folder: Path) -> None:
    built = ix._build_equicorr_table(2, 0.3)
    first = ix._equicorr_table(2, 0.3)
    (path,) = folder.glob("equicorr-*.npy")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(folder.glob(".tmp-*"))
    ix._equicorr_table.cache_clear()
    again = ix._equicorr_table(2, 0.3)   # from disk
    assert np.array_equal(first, built) and np.array_equal(again, built)
    z = np.array([[0.5, 1.0], [-1.0, 2.0]])
    assert np.array_equal(ix.intersection_top_pct(z, 0.3), ix.intersection_top_pct(z, 0.3))


def test_a_damaged_or_lost_file_is_built_again(folder: Path) -> None:
    built = ix._build_equicorr_table(2, 0.4)
    ix._equicorr_table(2, 0.4)
    (path,) = folder.glob("equicorr-*.npy")
    path.write_bytes(b"not a table")
    ix._equicorr_table.cache_clear()
    assert np.array_equal(ix._equicorr_table(2, 0.4), built)
    np.save(path, np.zeros((3, 3), np.float32))        # the wrong shape
    ix._equicorr_table.cache_clear()
    assert np.array_equal(ix._equicorr_table(2, 0.4), built)


def test_off_and_an_unwritable_folder_still_give_the_table(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    built = ix._build_equicorr_table(2, 0.5)
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", "off")
    assert cache_dir() is None
    ix._equicorr_table.cache_clear()
    assert np.array_equal(ix._equicorr_table(2, 0.5), built)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(blocked))
    ix._equicorr_table.cache_clear()
    assert np.array_equal(ix._equicorr_table(2, 0.5), built)
    ix._equicorr_table.cache_clear()
    assert os.path.isfile(blocked)


@pytest.fixture
def beta_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(tmp_path))
    sample._beta_table.cache_clear()
    yield tmp_path / "beta"
    sample._beta_table.cache_clear()


def test_a_beta_table_is_kept_and_read_back_bit_for_bit(beta_folder: Path) -> None:
    fit = fit_range(0.04, 0.09, probability=True)
    assert isinstance(fit, Beta)
    built = sample._build_beta_table(fit.a, fit.b)
    z = np.linspace(-10.0, 10.0, 4001)
    first = sample.from_normal(fit, z)
    (path,) = beta_folder.glob("table-*.npy")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(beta_folder.stat().st_mode) == 0o700
    sample._beta_table.cache_clear()
    x, slope = sample._beta_table(fit.a, fit.b)  # from disk
    assert np.array_equal(x, built[0]) and np.array_equal(slope, built[1])
    assert not x.flags.writeable and not slope.flags.writeable
    assert np.array_equal(sample.from_normal(fit, z), first)
    pert = Pert(1.0, 2.0, 4.0)
    assert np.array_equal(sample.from_normal(pert, z), sample.from_normal(pert, z))
    assert len(list(beta_folder.glob("table-*.npy"))) == 2


def test_a_beta_table_is_named_by_the_libraries_that_computed_it(
        beta_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert table_cache.library_versions().startswith("scipy ")
    sample._beta_table(2.0, 5.0)
    monkeypatch.setattr(table_cache, "library_versions", lambda: "scipy 0.0, numpy 0.0")
    sample._beta_table.cache_clear()
    sample._beta_table(2.0, 5.0)
    assert len(list(beta_folder.glob("table-*.npy"))) == 2  # not the other versions' copy


def test_a_damaged_beta_table_is_built_again(beta_folder: Path) -> None:
    built = sample._build_beta_table(2.0, 5.0)
    sample._beta_table(2.0, 5.0)
    (path,) = beta_folder.glob("table-*.npy")
    table = np.stack(built)
    table[1, 7] = np.nan
    np.save(path, table)
    sample._beta_table.cache_clear()
    x, slope = sample._beta_table(2.0, 5.0)
    assert np.array_equal(x, built[0]) and np.array_equal(slope, built[1])


def test_an_intersection_table_is_named_by_the_normal_functions_version(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table computed with other normal functions (SciPy's, before they were the project's
    own, or an earlier version) is never read: their version is part of the name."""
    ix._equicorr_table(2, 0.3)
    monkeypatch.setattr(ix, "NORMAL_ALGORITHM", "another ndtr")
    ix._equicorr_table.cache_clear()
    ix._equicorr_table(2, 0.3)
    assert len(list(folder.glob("equicorr-*.npy"))) == 2


def test_a_beta_fit_is_kept_and_read_back_bit_for_bit(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from crossroads.estimate import dists

    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(tmp_path))
    solved = dists._solve_beta(0.3, 0.5)
    assert table_cache.beta_fit(0.3, 0.5, dists._solve_beta, dists.__file__) == solved
    (path,) = (tmp_path / "beta").glob("fit-*.npy")
    calls: list[tuple[float, float]] = []
    again = table_cache.beta_fit(0.3, 0.5, lambda lo, hi: calls.append((lo, hi)) or (1.0, 1.0),
                                 dists.__file__)
    assert again == solved and calls == []  # read from disk, not solved


def test_a_full_folder_keeps_no_more_tables_but_still_gives_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a file (or many web requests) with thousands of distinct ranges must not fill the disk
    monkeypatch.setenv("CROSSROADS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(table_cache, "MAX_FILES", 3)
    source = Path(table_cache.__file__)
    tables = [table_cache.cached("t", (i,), (2,), source,
                                 lambda i=i: np.array([i, i + 0.5], dtype=np.float32))
              for i in range(6)]
    assert [t.tolist() for t in tables] == [[i, i + 0.5] for i in range(6)]
    assert len(list((tmp_path / "intersection").iterdir())) == 3
