"""Hostile releases at scale cost bounded memory and time, measured in a fresh interpreter.

Each case is what issue 10 found (or the largest input just under a cap):
the release is resealed as an attacker would, then read by ``verify`` (or
``load_release`` for a zip) in a child process whose peak memory (its own
``ru_maxrss``) and CPU seconds are measured after a warm-up read, with its
address space capped so a regression cannot exhaust the machine. Before the
caps these inputs took from hundreds of megabytes to gigabytes and seconds
to minutes (``benchmarks/hostile.py`` measures both sides at the issue's sizes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shanghai_innovation import _limits

from ._releases import (
    NAME,
    Measured,
    copy_release,
    csv_only,
    export,
    hostile,
    json_only,
    measure,
    parquet_rows_file,
    parquet_text_bomb,
    write_repeated,
    zip_with_members,
)

pytestmark = pytest.mark.slow

MIB = 1 << 20


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the small dataset; also the warm-up read of every child."""
    return export(tmp_path_factory.mktemp("resources") / "release")


def _bounded(measured: Measured, refused: str, *, memory_mb: float, seconds: float) -> None:
    print(measured)  # shown with -s: the figures behind the bounds (measured: 0 MB, 0.02 s)
    assert measured.outcome.startswith(refused), measured
    assert measured.growth_mb < memory_mb, measured
    assert measured.seconds < seconds, measured


def test_parquet_of_200000_rows(pristine: Path, tmp_path: Path) -> None:
    """A resealed Parquet table 20x over the row cap is refused from its footer, unread."""
    release = copy_release(pristine, tmp_path / "release")
    parquet_rows_file(pristine / "sources.parquet", tmp_path / "big.parquet", 200_000)
    hostile(release, {"sources.parquet": (tmp_path / "big.parquet").read_bytes()})
    measured = measure(pristine, release)
    _bounded(measured, "ReleaseError", memory_mb=8, seconds=1)
    assert "200000 rows, over the cap" in measured.outcome


def test_parquet_pages_that_decompress_past_the_cap(pristine: Path, tmp_path: Path) -> None:
    """Text pages that zstd shrinks to nothing but that expand past the cap are refused unread."""
    release = copy_release(pristine, tmp_path / "release")
    bomb = parquet_text_bomb(pristine / "sources.parquet", tmp_path / "bomb.parquet", 8_000, 3_000)
    hostile(release, {"sources.parquet": bomb.read_bytes()})
    measured = measure(pristine, release)
    _bounded(measured, "ReleaseError", memory_mb=8, seconds=1)
    assert "decompress to over the cap" in measured.outcome


def test_zip_listing_400000_members(pristine: Path, tmp_path: Path) -> None:
    """A zip whose central directory lists 400,000 members is refused from its end record."""
    archive = tmp_path / "members.zip"
    archive.write_bytes(zip_with_members(400_000))
    measured = measure(pristine, archive, "load_release")
    _bounded(measured, "UnsafeArchiveError", memory_mb=8, seconds=0.5)


@pytest.mark.parametrize("megabytes", [30, 19], ids=["over-the-byte-cap", "under-it"])
def test_json_document_of_empty_objects(pristine: Path, tmp_path: Path, megabytes: int) -> None:
    """A JSON document of millions of empty objects is refused before it is parsed."""
    release = json_only(copy_release(pristine, tmp_path / "release"))
    count = megabytes * MIB // 3
    write_repeated(release / f"{NAME}.json", b"[", b"{},", count, b"{}]")
    hostile(release)
    measured = measure(pristine, release)
    over = megabytes * MIB > _limits.MAX_FILE_BYTES
    # Under the cap the bytes and their text are held once each (38 MB measured).
    _bounded(measured, "ReleaseError", memory_mb=8 if over else 64, seconds=1)
    refused = "larger than the cap" if over else f"over the cap of {_limits.MAX_VALUES} values"
    assert refused in measured.outcome


def test_csv_just_under_the_byte_cap(pristine: Path, tmp_path: Path) -> None:
    """A CSV of 19 MiB of valid rows is read a row at a time and refused at the row cap."""
    release = csv_only(copy_release(pristine, tmp_path / "release"))
    path = release / "metrics.csv"
    header, row, *_ = path.read_bytes().split(b"\r\n")
    write_repeated(path, header + b"\r\n", row + b"\r\n", 19 * MIB // (len(row) + 2), b"")
    hostile(release)
    measured = measure(pristine, release)
    # The bytes and their text once each (38 MB measured), and 10,000 records.
    _bounded(measured, "ReleaseError", memory_mb=64, seconds=15)
    assert f"row {_limits.MAX_ROWS + 1}: over the cap" in measured.outcome
