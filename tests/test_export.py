"""The release export: layout, reproducibility, atomicity, checksums and real readers."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._formats.datapackage import json_file_name
from shanghai_innovation._formats.parquet import read_parquet
from shanghai_innovation._release import export as _export
from shanghai_innovation._release.export import export_release, release_files
from shanghai_innovation._schema import SCHEMA_VERSION, TableSpec, table_specs
from shanghai_innovation.testing import datasets

from ._releases import small_dataset

SPECS = table_specs()


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def release(dataset: si.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh export of the bundled dataset, shared by the read-only tests."""
    out = tmp_path_factory.mktemp("export") / "release"
    export_release(out, dataset=dataset)
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


#: What every release holds whatever its formats: the descriptors and the checksums.
ALWAYS = ("claimreview.jsonld", "croissant.json", "datapackage.json", "SHA256SUMS")


def _expected_names(dataset: si.Dataset) -> list[str]:
    names = [f"{s.name}.{fmt}" for s in SPECS for fmt in ("parquet", "csv")]
    return sorted([*names, json_file_name(dataset), *ALWAYS])


def test_layout_has_every_table_in_every_format(dataset: si.Dataset, release: Path) -> None:
    """The release holds one Parquet and one CSV per table, the JSON, the descriptors and sums."""
    assert _expected_names(dataset) == sorted(p.name for p in release.iterdir())


def test_json_file_is_named_after_the_dataset(dataset: si.Dataset) -> None:
    """The whole-dataset JSON is ``<dataset name>.json``."""
    assert f"{dataset.info.name}.json" == json_file_name(dataset)


def test_rebuild_is_byte_identical(dataset: si.Dataset, release: Path, tmp_path: Path) -> None:
    """Two exports of the same data are byte for byte the same."""
    again = tmp_path / "again"
    export_release(again, dataset=dataset)
    assert _snapshot(release) == _snapshot(again)


def test_sha256sums_verifies_with_sha256sum(release: Path) -> None:
    """`sha256sum -c SHA256SUMS` accepts the release."""
    if shutil.which("sha256sum") is None:  # pragma: no cover - coreutils everywhere we run
        pytest.skip("sha256sum not installed")
    done = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=release,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (0, "") == (done.returncode, done.stderr)
    listed = sorted(p.name for p in release.iterdir() if p.name != "SHA256SUMS")
    assert [f"{name}: OK" for name in listed] == done.stdout.splitlines()


def test_sha256sums_is_sorted_and_covers_every_other_file(release: Path) -> None:
    """SHA256SUMS lists every other file once, sorted by name, with its digest."""
    lines = (release / "SHA256SUMS").read_text("ascii").splitlines()
    expected = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
        for p in sorted(release.iterdir())
        if p.name != "SHA256SUMS"
    ]
    assert expected == lines


def test_no_wall_clock_time_in_the_release(release: Path) -> None:
    """Nothing in the release names today's date (no timestamps anywhere)."""
    import datetime as dt  # noqa: PLC0415

    today = dt.date.today().isoformat().encode()
    assert [] == [p.name for p in release.iterdir() if today in p.read_bytes()]


def test_non_empty_output_is_refused_without_force(dataset: si.Dataset, tmp_path: Path) -> None:
    """A non-empty output folder is refused and left as it was."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(si.OutputExistsError, match="not empty"):
        export_release(out, dataset=dataset)
    assert {"keep.txt": b"mine"} == _snapshot(out)


def test_force_replaces_a_non_empty_output(
    dataset: si.Dataset, release: Path, tmp_path: Path
) -> None:
    """With force, the old folder's content is replaced by exactly the release."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    export_release(out, dataset=dataset, force=True)
    assert _snapshot(release) == _snapshot(out)
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_empty_output_folder_is_filled(dataset: si.Dataset, release: Path, tmp_path: Path) -> None:
    """An existing empty folder is not "non-empty": the release goes into it."""
    out = tmp_path / "out"
    out.mkdir()
    export_release(out, dataset=dataset)
    assert _snapshot(release) == _snapshot(out)


def test_a_file_at_the_output_path_is_never_replaced(dataset: si.Dataset, tmp_path: Path) -> None:
    """An output path that is a file is refused even with force."""
    out = tmp_path / "out"
    out.write_text("a file")
    with pytest.raises(si.OutputExistsError, match="not a folder"):
        export_release(out, dataset=dataset, force=True)
    assert "a file" == out.read_text()


def _refuse_to_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the export builds its release files (it should refuse first)."""

    def built(*args: object, **kwargs: object) -> None:
        pytest.fail("the release was built before the output was checked")

    monkeypatch.setattr(_export, "release_files", built)


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_file_or_link_at_the_output_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Refused up front: no release is built, no folder made beside it."""
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("a file", encoding="utf-8")
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")

    _refuse_to_build(monkeypatch)
    with pytest.raises(si.OutputExistsError) as caught:
        export_release(out, dataset=small_dataset(), force=True)
    assert f"{out}: exists and is not a folder; choose another output" == str(caught.value)
    assert sorted(["out", *(["elsewhere"] if kind == "link" else [])]) == sorted(
        p.name for p in tmp_path.iterdir()
    )


def test_a_folder_in_use_is_refused_without_force_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-empty output without force: refused up front, the folder as it was."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("mine", encoding="utf-8")

    _refuse_to_build(monkeypatch)
    with pytest.raises(si.OutputExistsError) as caught:
        export_release(out, dataset=small_dataset())
    expected = f"{out}: folder is not empty; use --force (force=True) to replace it"
    assert expected == str(caught.value)
    assert ["mine.txt"] == [p.name for p in out.iterdir()]


def test_missing_parents_of_the_output_are_made(tmp_path: Path) -> None:
    """An output two folders below anything that exists is written, parents and all."""
    out = tmp_path / "a" / "b" / "release"
    export_release(out, dataset=small_dataset())
    assert (out / "datapackage.json").is_file()


def test_an_output_whose_name_is_too_long_is_one_line(tmp_path: Path) -> None:
    """A folder name over the system's limit: the library's error with the OS's words."""
    out = tmp_path / ("x" * 300) / "release"
    with pytest.raises(si.ExportError) as caught:
        export_release(out, dataset=small_dataset())
    assert f"{out}: cannot look at the output folder (File name too long)" == str(caught.value)


def test_a_parent_that_cannot_be_made_gives_the_systems_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS refusing to make a parent folder: one line with its reason, nothing written."""

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    out = tmp_path / "a" / "release"
    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(si.ExportError) as caught:
        export_release(out, dataset=small_dataset())
    assert f"{out}: cannot create the release folder (Permission denied)" == str(caught.value)


def _fail_after(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _export._write_file
    written: list[Path] = []

    def flaky(path: Path, data: bytes) -> None:
        if len(written) == count:
            msg = "injected failure half-way through the export"
            raise RuntimeError(msg)
        written.append(path)
        real(path, data)

    monkeypatch.setattr(_export, "_write_file", flaky)


@pytest.mark.parametrize("existing", [False, True], ids=["absent", "old-release"])
def test_failure_half_way_leaves_output_untouched(
    dataset: si.Dataset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    existing: bool,
) -> None:
    """An error injected half-way leaves the output exactly as it was, and no temp folder."""
    out = tmp_path / "out"
    if existing:
        out.mkdir()
        (out / "old.txt").write_text("old release")
    before = _snapshot(out) if existing else None
    _fail_after(len(_expected_names(dataset)) // 2, monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        export_release(out, dataset=dataset, force=True)
    assert before == (_snapshot(out) if out.exists() else None)
    assert (["out"] if existing else []) == [p.name for p in tmp_path.iterdir()]


def test_the_one_step_swap_is_used_wherever_the_c_library_has_it() -> None:
    """On Linux with a C library that has renameat2 (glibc 2.28 on), a forced export
    swaps the old release out in one step; elsewhere it falls back to two renames."""
    import ctypes  # noqa: PLC0415 - only this test asks the C library itself

    has_it = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "renameat2")
    assert has_it == (_export._renameat2() is not None)


@pytest.mark.parametrize("swap", [True, False], ids=["one-swap", "two-renames"])
def test_failure_of_the_final_move_keeps_the_old_release(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    """If swapping the new folder in (or, with no swap call, renaming it) fails, the old stays."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old release")
    real_rename = Path.rename

    def rename(self: Path, target: Any) -> Path:
        if Path(target) == out and self.name.endswith(".tmp"):
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    def exchange(first: Path, second: Path) -> bool:
        raise OSError(28, "No space left on device")

    if swap:
        monkeypatch.setattr(_export, "_exchange", exchange)
    else:
        monkeypatch.setattr(_export, "_renameat2", lambda: None)
        monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(si.ExportError, match="cannot write the release") as info:
        export_release(out, dataset=dataset, force=True)
    assert isinstance(info.value, OSError)
    assert {"old.txt": b"old release"} == _snapshot(out)
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_cli_write_failure_exits_12_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A disk error while writing is one stderr line and exit code 12; nothing is left."""

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_export, "_write_file", full)
    out = tmp_path / "out"
    assert 12 == _cli.main(["export", "--output", str(out)])
    assert (
        f"shanghai-innovation: error: {out}: cannot write the release (No space left on device)\n"
        == capsys.readouterr().err
    )
    assert [] == list(tmp_path.iterdir())


def test_formats_can_be_chosen(dataset: si.Dataset, tmp_path: Path) -> None:
    """Exporting only CSV writes the CSVs, the descriptors and the sums, nothing else."""
    export_release(tmp_path / "csv", dataset=dataset, formats=("csv",))
    expected = sorted([*(f"{s.name}.csv" for s in SPECS), *ALWAYS])
    assert expected == sorted(p.name for p in (tmp_path / "csv").iterdir())


def test_unknown_format_is_refused(dataset: si.Dataset) -> None:
    """An unknown format name raises ValueError before anything is written."""
    with pytest.raises(ValueError, match="unknown export format"):
        release_files(dataset, ("xlsx",))


def test_report_summarises_the_export(dataset: si.Dataset, tmp_path: Path) -> None:
    """The report counts files, bytes and records, and prints them."""
    report = export_release(tmp_path / "r", dataset=dataset)
    files = sorted(p.name for p in (tmp_path / "r").iterdir())
    size = sum(p.stat().st_size for p in (tmp_path / "r").iterdir())
    assert (files, size, len(dataset)) == (
        [name for name, _ in report.files],
        report.total_bytes,
        sum(n for _, n in report.rows),
    )
    assert f"{len(files)} files, {size:,} bytes, {len(dataset)} records" in str(report)


def test_cli_export_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`shanghai-innovation export --output DIR` exits 0 and prints the summary."""
    code = _cli.main(["export", "--output", str(tmp_path / "rel")])
    assert (0, True) == (code, "Wrote shanghai-innovation" in capsys.readouterr().out)


def test_cli_export_refuses_non_empty_then_forces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --force a non-empty DIR exits 10 with one error line; with --force it is replaced."""
    out = tmp_path / "rel"
    out.mkdir()
    (out / "x").write_text("x")
    code = _cli.main(["export", "--output", str(out)])
    err = capsys.readouterr().err
    assert (10, 1) == (code, len(err.splitlines()))
    assert 0 == _cli.main(["export", "--output", str(out), "--force"])
    assert not (out / "x").exists()


def test_cli_export_subprocess_matches_the_library(release: Path, tmp_path: Path) -> None:
    """The installed command writes the same bytes as export_release (the release workflow step)."""
    out = tmp_path / "rel"
    done = subprocess.run(
        [sys.executable, "-m", "shanghai_innovation", "export", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (0, "") == (done.returncode, done.stderr)
    assert _snapshot(release) == _snapshot(out)


# --- real readers --------------------------------------------------------------

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "enum": "VARCHAR",
    "list": "VARCHAR[]",
}


def _ids(spec: TableSpec) -> str:
    return spec.name


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_duckdb_reads_parquet(spec: TableSpec, dataset: si.Dataset, release: Path) -> None:
    """DuckDB reads each Parquet file with the right row count and column types."""
    duckdb = pytest.importorskip("duckdb")
    path = str(release / f"{spec.name}.parquet")
    con = duckdb.connect()
    types = {
        row[0]: row[1]
        for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    }
    count = con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()
    assert {c.name: DUCKDB_TYPES[c.kind] for c in spec.columns} == types
    assert (len(dataset.table(spec.name)),) == count


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_duckdb_reads_csv(spec: TableSpec, dataset: si.Dataset, release: Path) -> None:
    """DuckDB reads each CSV with the declared types and the right row count."""
    duckdb = pytest.importorskip("duckdb")
    path = str(release / f"{spec.name}.csv")
    columns = {c.name: DUCKDB_TYPES[c.kind].replace("[]", "") for c in spec.columns}
    con = duckdb.connect()
    rel = con.read_csv(path, header=True, columns=columns, quotechar='"', escapechar='"')
    assert columns == dict(zip(rel.columns, map(str, rel.dtypes), strict=True))
    assert len(dataset.table(spec.name)) == len(rel.fetchall())


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_polars_reads_parquet_and_csv(spec: TableSpec, dataset: si.Dataset, release: Path) -> None:
    """Polars reads each Parquet file with native types and each CSV with the declared ones."""
    pl = pytest.importorskip("polars")
    native = {
        "string": pl.String,
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
        "enum": pl.Categorical,
        "list": pl.List(pl.String),
    }
    frame = pl.read_parquet(release / f"{spec.name}.parquet")
    assert {c.name: native[c.kind] for c in spec.columns} == dict(frame.schema)
    csv_types = {
        c.name: pl.String if c.kind in ("enum", "list") else native[c.kind] for c in spec.columns
    }
    table = pl.read_csv(release / f"{spec.name}.csv", schema=csv_types)
    rows = len(dataset.table(spec.name))
    assert (rows, rows) == (frame.height, table.height)
    lists = [c.name for c in spec.columns if c.kind == "list"]
    decoded = [json.loads(cell) for name in lists for cell in table[name].to_list()]
    assert [list(v) for name in lists for v in frame[name].to_list()] == decoded


def test_polars_infers_dates_numbers_and_booleans_from_csv(release: Path) -> None:
    """Without hints, Polars infers dates as dates and whole numbers as integers."""
    pl = pytest.importorskip("polars")
    inferred = {
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
    }
    mismatches = []
    for spec in SPECS:
        frame = pl.read_csv(release / f"{spec.name}.csv", try_parse_dates=True)
        for column in spec.columns:
            has_values = frame[column.name].null_count() < frame.height
            got = frame.schema[column.name]
            if column.kind in inferred and has_values and got != inferred[column.kind]:
                mismatches.append(f"{spec.name}.{column.name}: {got}")
    assert [] == mismatches


@pytest.mark.parametrize("spec", SPECS, ids=_ids)
def test_pandas_reads_parquet_and_csv(spec: TableSpec, dataset: si.Dataset, release: Path) -> None:
    """pandas reads each Parquet file with Arrow types and each CSV with the declared ones."""
    pd = pytest.importorskip("pandas")
    arrow = {
        "string": "string[pyarrow]",
        "integer": "int64[pyarrow]",
        "number": "double[pyarrow]",
        "boolean": "bool[pyarrow]",
        "date": "date32[day][pyarrow]",
        "enum": "dictionary<values=string, indices=int32, ordered=0>[pyarrow]",
        "list": "list<element: string not null>[pyarrow]",
    }
    frame = pd.read_parquet(release / f"{spec.name}.parquet", dtype_backend="pyarrow")
    assert {c.name: arrow[c.kind] for c in spec.columns} == {
        k: str(v) for k, v in frame.dtypes.items()
    }
    nullable = {
        "string": "string",
        "integer": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "enum": "string",
        "list": "string",
    }
    table = pd.read_csv(
        release / f"{spec.name}.csv",
        dtype={c.name: nullable[c.kind] for c in spec.columns if c.kind != "date"},
        parse_dates=[c.name for c in spec.columns if c.kind == "date"],
        date_format="%Y-%m-%d",
        keep_default_na=False,
        na_values=[""],
    )
    dates = {c.name for c in spec.columns if c.kind == "date"}
    assert all(str(table[name].dtype).startswith("datetime64") for name in dates)
    rows = len(dataset.table(spec.name))
    assert (rows, rows) == (len(frame), len(table))


# --- Parquet file contents -------------------------------------------------------


def test_parquet_round_trips_every_table(dataset: si.Dataset, release: Path) -> None:
    """Reading each Parquet file back gives the same records."""
    assert {s.name: list(dataset.table(s.name)) for s in SPECS} == {
        s.name: read_parquet(s, release / f"{s.name}.parquet") for s in SPECS
    }


def test_parquet_carries_metadata(dataset: si.Dataset, release: Path) -> None:
    """Each file has zstd, the dataset version, license and attribution, and column units."""
    pq = pytest.importorskip("pyarrow.parquet")
    spec = next(s for s in SPECS if any(c.unit for c in s.columns))
    path = release / f"{spec.name}.parquet"
    meta = pq.read_metadata(path)
    kv = {k.decode(): v.decode() for k, v in meta.metadata.items() if k != b"ARROW:schema"}
    info = dataset.info
    assert {
        "table": spec.name,
        "shanghai_innovation:dataset": info.name,
        "shanghai_innovation:dataset_version": info.version,
        "shanghai_innovation:schema_version": SCHEMA_VERSION,
        "shanghai_innovation:license": info.license,
        "shanghai_innovation:license_url": info.license_url,
        "shanghai_innovation:attribution": info.attribution,
    } == kv
    assert {"ZSTD"} == {
        meta.row_group(g).column(c).compression
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    } or meta.num_rows == 0
    schema = pq.read_schema(path)
    units = {c.name: c.unit for c in spec.columns if c.unit}
    assert units == {name: schema.field(name).metadata[b"unit"].decode() for name in units}


def test_parquet_garbage_is_a_release_error(tmp_path: Path) -> None:
    """Random bytes named .parquet raise ReleaseError naming the file."""
    path = tmp_path / "metrics.parquet"
    path.write_bytes(b"PAR1 not really parquet at all")
    with pytest.raises(si.ReleaseError, match=r"^x/metrics\.parquet: not a readable Parquet file"):
        read_parquet(SPECS[2], path, "x/metrics.parquet")


def test_truncated_parquet_is_a_release_error(release: Path, tmp_path: Path) -> None:
    """A Parquet file cut short raises ReleaseError in one line."""
    data = (release / "metrics.parquet").read_bytes()
    path = tmp_path / "metrics.parquet"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(si.ReleaseError) as caught:
        read_parquet(SPECS[2], path, "metrics.parquet")
    assert 1 == len(str(caught.value).splitlines())


def test_parquet_of_another_table_is_a_schema_error(release: Path) -> None:
    """Reading one table's file as another names the first unexpected column."""
    with pytest.raises(si.ReleaseError, match="schema: unexpected column"):
        read_parquet(SPECS[2], release / "sources.parquet", "sources.parquet")


def test_parquet_with_a_retyped_column_is_a_schema_error(
    dataset: si.Dataset, tmp_path: Path
) -> None:
    """A column stored with the wrong Arrow type is refused, naming the column."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from shanghai_innovation._formats.arrow import to_arrow  # noqa: PLC0415

    spec = SPECS[0]
    table = to_arrow(spec, dataset.table(spec.name))
    index = table.schema.get_field_index("published")
    table = table.set_column(index, "published", table.column(index).cast(pa.string()))
    pq.write_table(table, tmp_path / "sources.parquet")
    with pytest.raises(si.ReleaseError, match="column published is string, expected date32"):
        read_parquet(spec, tmp_path / "sources.parquet", "sources.parquet")


@given(generated=datasets())
def test_generated_datasets_round_trip_through_parquet(generated: si.Dataset) -> None:
    """For generated datasets, every table read back from Parquet equals what was written."""
    from shanghai_innovation._formats.parquet import write_parquet  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        read = {}
        for spec in SPECS:
            path = Path(folder) / f"{spec.name}.parquet"
            write_parquet(spec, generated.table(spec.name), path, generated.info)
            read[spec.name] = read_parquet(spec, path)
    assert {s.name: list(generated.table(s.name)) for s in SPECS} == read


def test_lossy_content_is_never_published(dataset: si.Dataset, tmp_path: Path) -> None:
    """Text a CSV cannot tell from a missing value (empty) fails the read-back check.

    The records refuse empty text, so the record is built with validators off,
    as a bug upstream of the writer could: the read-back check is the last guard.
    """
    import attrs  # noqa: PLC0415

    with attrs.validators.disabled():
        entity = attrs.evolve(dataset.entities[0], description="")
    lossy = attrs.evolve(dataset, entities=(entity, *dataset.entities[1:]))
    with pytest.raises(si.ShanghaiInnovationError, match=r"entities\.csv"):
        export_release(tmp_path / "out", dataset=lossy)
    assert [] == list(tmp_path.iterdir())


def test_current_folder_is_never_replaced(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forcing an export onto the current folder (or a parent of it) is refused."""
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    with pytest.raises(si.OutputExistsError) as caught:
        export_release(tmp_path, dataset=dataset, force=True)
    assert f"{tmp_path}: is the current folder or holds it; refusing to replace it" == str(
        caught.value
    )
    assert ["work"] == [p.name for p in tmp_path.iterdir()]


@pytest.mark.parametrize("under", ["", "sub"], ids=["the-link", "inside-it"])
def test_output_through_a_symlink_loop_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], under: str
) -> None:
    """An output path through a link to itself is the library's error, not a RuntimeError."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    out = loop / under if under else loop
    code = _cli.main(["export", "--output", str(out)])
    err = capsys.readouterr().err
    assert code in {10, 12}, err
    assert 1 == len(err.splitlines()), err
    assert err.startswith(f"shanghai-innovation: error: {out}: "), err
    # Python 3.11 and 3.12 raise RuntimeError (no strerror): its own words are the reason.
    if sys.version_info < (3, 13):
        assert f": cannot resolve the path (Symlink loop from '{out}')\n" in err, err
    assert loop.is_symlink()
    assert ["loop"] == [p.name for p in tmp_path.iterdir()]


# --- racing, interrupted and misdirected exports -------------------------------------


def test_an_export_that_finds_its_empty_folder_filled_is_refused(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without force, the final rename refuses a folder another export filled meanwhile."""
    out = tmp_path / "out"
    out.mkdir()
    export_release(dataset=small_dataset(), output=out)
    before = _snapshot(out)
    monkeypatch.setattr(_export, "_is_nonempty", lambda output: False)  # it was empty when checked
    with pytest.raises(si.OutputExistsError, match="not empty"):
        export_release(dataset=dataset, output=out)
    assert before == _snapshot(out)
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_two_racing_exports_into_one_empty_folder_one_wins(tmp_path: Path) -> None:
    """Two `export` runs started together into one empty folder: exactly one succeeds."""
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-m", "shanghai_innovation", "export", "--output", str(out)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    results = sorted((run.wait(timeout=120), run.communicate()[1].decode()) for run in runs)
    assert [0, 10] == [code for code, _ in results], results
    assert "folder is not empty" in results[1][1]
    assert si.verify(out).complete
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


#: Run in a child: export the bundled data (JSON only, the quickest) over OUT
#: with --force, delivering a real signal to itself at one point of the final move.
SIGNAL_CHILD = """
import os, signal, sys
from pathlib import Path
from shanghai_innovation import _cli
from shanghai_innovation._release import export

out, name, when = sys.argv[1], sys.argv[2], sys.argv[3]
number = getattr(signal, name)
exchange, rename = export._exchange, Path.rename

def hooked_exchange(first, second):
    if when == "before-swap":
        os.kill(os.getpid(), number)
    done = exchange(first, second)
    if when == "after-swap":
        os.kill(os.getpid(), number)
    return done

def hooked_rename(self, target):
    moved = rename(self, target)
    if when == "between-renames" and self == Path(out):
        os.kill(os.getpid(), number)
    return moved

export._exchange = hooked_exchange
if when == "between-renames":
    export._renameat2 = lambda: None
    Path.rename = hooked_rename
sys.exit(_cli.main(["export", "--format", "json", "--output", out, "--force"]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the atomic swap is Linux's renameat2")
@pytest.mark.parametrize(
    ("name", "when", "expected"),
    [
        ("SIGKILL", "before-swap", "old"),
        ("SIGTERM", "after-swap", "new"),
        ("SIGINT", "after-swap", "new"),
        ("SIGKILL", "between-renames", "none"),
    ],
)
def test_force_replacement_under_real_signals(
    dataset: si.Dataset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    when: str,
    expected: str,
) -> None:
    """A signal at any point of --force leaves the old or the new release whole (one swap).

    Only without the swap call (elsewhere than Linux) does a kill between the
    two renames leave no output, as documented; the old release then waits
    in the hidden ``.old`` folder. The next export removes every leftover.
    """
    out = tmp_path / "out"
    export_release(dataset=small_dataset(), output=out)
    old = _snapshot(out)
    done = subprocess.run(
        [sys.executable, "-c", SIGNAL_CHILD, str(out), name, when],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    number = getattr(signal, name)
    assert done.returncode in {-number, 130}, done.stderr
    state = "none" if not out.exists() else "old" if _snapshot(out) == old else "new"
    assert expected == state
    if state == "new":
        assert release_files(dataset, ("json",)) == _snapshot(out)
    if expected == "none":
        (aside,) = tmp_path.glob(".out.*.old")
        assert old == _snapshot(aside)
    monkeypatch.setattr(_export, "STALE_SECONDS", 0.0)
    export_release(dataset=dataset, output=out, force=True)
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_stale_staging_folders_are_removed_only_when_safe(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our old hidden folders go, before the new files are written (their space is freed
    first); young ones, locked ones and others' names stay."""
    import fcntl  # noqa: PLC0415 - POSIX only, like the locking it tests

    real_write = _export._write_file
    present_at_first_write: list[bool] = []

    def write(path: Path, data: bytes) -> None:
        if not present_at_first_write:
            present_at_first_write.append((tmp_path / ".out.abcd_123.tmp").exists())
            # the old release set aside stays while it may be the only copy
            present_at_first_write.append((tmp_path / ".out.qrst_345.old").exists())
        real_write(path, data)

    monkeypatch.setattr(_export, "_write_file", write)

    out = tmp_path / "out"
    hour_ago = time.time() - 3600
    names = {
        "stale": ".out.abcd_123.tmp",
        "young": ".out.efgh_456.tmp",
        "locked": ".out.ijkl_789.tmp",
        "foreign": ".out.backup.tmp",
        "other-output": ".outer.mnop_012.tmp",
        "old-release": ".out.qrst_345.old",
    }
    for key, folder_name in names.items():
        folder = tmp_path / folder_name
        folder.mkdir()
        (folder / "x").write_text(key)
        if key != "young":
            os.utime(folder, (hour_ago, hour_ago))
    lock = os.open(tmp_path / names["locked"], os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        export_release(dataset=dataset, output=out)
    finally:
        os.close(lock)
    kept = {"young", "locked", "foreign", "other-output"}
    assert sorted(["out", *(names[k] for k in kept)]) == sorted(p.name for p in tmp_path.iterdir())
    assert [False, True] == present_at_first_write


def _stale(folder: Path, age: float = 3600.0, name: str = "x") -> Path:
    folder.mkdir()
    (folder / name).write_text("left behind", encoding="utf-8")
    then = time.time() - age
    os.utime(folder, (then, then))
    return folder


class _VanishedEntry:
    """A folder listed by scandir that is gone by the time it is looked at."""

    def __init__(self, parent: Path) -> None:
        self.name = ".out.gone_123.tmp"
        self.path = str(parent / self.name)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", self.path)


def test_a_folder_gone_while_the_clean_up_looks_is_passed_over(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process may remove a listed folder first: the clean-up goes on with the rest."""
    _stale(tmp_path / ".out.abcd_123.tmp")
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if isinstance(path, int) or Path(path) != tmp_path:  # rmtree's own listings
            return real_scandir(path)
        return [_VanishedEntry(tmp_path), *real_scandir(path)]

    monkeypatch.setattr(os, "scandir", scandir)
    export_release(dataset=dataset, output=tmp_path / "out")
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_stale_folder_of_another_user_is_kept(dataset: si.Dataset, tmp_path: Path) -> None:
    """Another user's folder is theirs to clear, however it is named and however old."""
    theirs = _stale(tmp_path / ".out.abcd_123.tmp")
    os.chown(theirs, 54321, 54321)
    export_release(dataset=dataset, output=tmp_path / "out")
    assert [".out.abcd_123.tmp", "out"] == sorted(p.name for p in tmp_path.iterdir())


def test_a_folder_exactly_stale_seconds_old_is_stale(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The age limit is inclusive: a folder STALE_SECONDS old goes, one a second younger stays."""
    now = 1_800_000_000.0
    monkeypatch.setattr(time, "time", lambda: now)
    limit = _export.STALE_SECONDS
    for name, age in ((".out.abcd_123.tmp", limit), (".out.efgh_456.tmp", limit - 1)):
        folder = _stale(tmp_path / name)
        os.utime(folder, (now - age, now - age))
    export_release(dataset=dataset, output=tmp_path / "out")
    assert [".out.efgh_456.tmp", "out"] == sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize("swap", [True, False], ids=["one-swap", "two-renames"])
def test_leftovers_that_cannot_be_removed_do_not_fail_a_finished_export(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    """Once the new release is in place, an old copy or a stale folder that cannot be
    removed stays behind; the export still succeeds."""
    out = tmp_path / "out"
    export_release(dataset=small_dataset(), output=out)
    (out / "undeletable").write_text("old", encoding="utf-8")
    _stale(tmp_path / ".out.abcd_123.tmp", name="undeletable")
    if not swap:
        monkeypatch.setattr(_export, "_renameat2", lambda: None)
    real_unlink = os.unlink

    def unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.basename(path) == "undeletable":
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    export_release(dataset=dataset, output=out, force=True)
    assert release_files(dataset, _export.ALL_FORMATS) == _snapshot(out)
    left = {p.name for p in tmp_path.iterdir()} - {"out"}
    assert (2, True) == (len(left), ".out.abcd_123.tmp" in left), left


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_an_export_leaves_no_descriptor_open(dataset: si.Dataset, tmp_path: Path) -> None:
    """The lock on the staging folder and each look at a stale folder's lock close their file."""
    for name in (".out.abcd_123.tmp", ".out.efgh_456.tmp"):
        _stale(tmp_path / name)
    before = _open_descriptors()
    export_release(dataset=dataset, output=tmp_path / "out")
    assert (before, ["out"]) == (_open_descriptors(), [p.name for p in tmp_path.iterdir()])


def test_a_live_export_keeps_its_staging_folder_from_another_clean_up(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an export writes, its staging folder is locked: a second export to the same
    output, which clears stale folders first, leaves it alone even when it looks stale."""
    out = tmp_path / "out"
    seen: list[tuple[bool, bool]] = []
    real_write = _export._write_file

    def write(path: Path, data: bytes) -> None:
        if not seen:
            staging = path.parent
            monkeypatch.setattr(_export, "STALE_SECONDS", -1.0)
            _export._remove_stale(tmp_path, out)  # what a second export does first
            seen.append((staging.name.endswith(".tmp"), staging.is_dir()))
        real_write(path, data)

    monkeypatch.setattr(_export, "_write_file", write)
    export_release(dataset=dataset, output=out)
    assert [(True, True)] == seen
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_a_stale_folder_whose_lock_cannot_be_checked_is_kept(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the clean-up cannot open (to try its lock) may belong to a live export: kept."""
    closed = _stale(tmp_path / ".out.abcd_123.tmp")
    real_open = os.open

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        # Only the look at its lock (a folder opened as a folder): removing it works.
        if Path(path) == closed and flags & os.O_DIRECTORY:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    export_release(dataset=dataset, output=tmp_path / "out")
    assert [".out.abcd_123.tmp", "out"] == sorted(p.name for p in tmp_path.iterdir())


def test_output_holding_the_data_folder_is_refused(
    tmp_path: Path, data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --data proj/data --output proj --force` is refused; the data stays."""
    project = data_copy.parent
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    code = _cli.main(["export", "--data", str(data_copy), "--output", str(project), "--force"])
    err = capsys.readouterr().err
    assert (10, 1) == (code, len(err.splitlines())), err
    assert "which the export reads" in err
    assert before == {p.name: p.read_bytes() for p in data_copy.iterdir()}


def test_the_guard_knows_where_the_package_is() -> None:
    """The folder the export refuses to replace is the one this package is imported from."""
    assert Path(si.__file__).parent.resolve() == _export._package_folder().resolve()  # type: ignore[union-attr]


def test_output_holding_the_package_is_refused(
    dataset: si.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output that holds the package's own files is never replaced.

    The package here is a stand-in in a temporary folder: if the guard ever
    failed, this test must not be what replaces the real package's folder
    (a mutation run once lost a checkout's src/ to it that way).
    """
    package = tmp_path / "site" / "shanghai_innovation"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("# stand-in\n", encoding="utf-8")
    monkeypatch.setattr(_export, "_package_folder", lambda: package)
    for output, holds in ((package.parent, "holds"), (package, "is")):
        with pytest.raises(si.OutputExistsError) as caught:
            export_release(dataset=dataset, output=output, force=True)
        expected = f"{output}: {holds} the package's own files; refusing to replace it"
        assert expected == str(caught.value)
    assert ["__init__.py"] == [p.name for p in package.iterdir()]


def test_output_under_a_regular_file_says_which_parent_is_not_a_folder(
    dataset: si.Dataset, tmp_path: Path
) -> None:
    """An output path through a regular file names that file as not a folder."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file")
    with pytest.raises(si.ExportError) as info:
        export_release(dataset=dataset, output=blocker / "sub" / "release")
    assert (
        f"{blocker / 'sub' / 'release'}: cannot create the release folder: "
        f"{blocker} is not a folder"
    ) == str(info.value)


def test_export_into_a_folder_whose_name_is_not_utf8(dataset: si.Dataset, tmp_path: Path) -> None:
    """A release can be written under a path holding a non-UTF-8 byte, and verifies there."""
    if sys.platform != "linux":  # pragma: no cover - byte paths are a POSIX matter
        pytest.skip("needs a POSIX file system that takes any bytes in names")
    out = tmp_path / os.fsdecode(b"r\xe9lease")
    report = export_release(dataset=dataset, output=out)
    assert "\\udce9" in str(report).splitlines()[0]
    assert si.verify(out).complete


def test_descriptors_keep_non_ascii_text_as_utf8(tmp_path: Path) -> None:
    """A title with accents is written as UTF-8 in datapackage.json, not as \\u escapes."""
    import attrs  # noqa: PLC0415

    small = small_dataset()
    dataset = attrs.evolve(small, info=attrs.evolve(small.info, title="Données de test"))
    export_release(tmp_path / "release", dataset=dataset)
    data = (tmp_path / "release" / "datapackage.json").read_bytes()
    assert '"title": "Données de test"'.encode() in data
    assert b"\\u00e9" not in data


def test_release_files_refuses_given_files_its_formats_do_not_write() -> None:
    """A given file outside the chosen formats is an error, not silently dropped or kept."""
    given = {"metrics.parquet": b"PAR1"}
    with pytest.raises(
        ValueError, match=r"given files the chosen formats do not write: \['metrics\.parquet'\]"
    ):
        release_files(small_dataset(), ["csv"], given=given)


def test_each_file_is_flushed_before_it_is_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a file is synced to disk its bytes have left Python's buffer: all of them."""
    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_size)
        real(fd)

    monkeypatch.setattr(_export.os, "fsync", fsync)
    export_release(tmp_path / "release", dataset=small_dataset())
    written = sorted(p.stat().st_size for p in (tmp_path / "release").iterdir())
    assert written == sorted(synced)


@pytest.mark.parametrize("output", ["rel\x00ease", Path("out") / "a\x00b"])
def test_an_output_path_holding_a_null_character_is_refused(output: str | Path) -> None:
    """Named as a bad argument, before anything is written or any folder is made."""
    with pytest.raises(ValueError, match=r"^output must be a path without a null character, not '"):
        export_release(output, dataset=small_dataset())


def test_an_empty_output_path_is_the_current_folder_and_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "" is the current folder, which holds what the export would replace."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(si.OutputExistsError):
        export_release("", dataset=small_dataset(), force=True)
    assert ["keep.txt"] == sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize(
    ("module", "reader", "name"),
    [
        ("csv", "read_csv", "sources.csv"),
        ("parquet", "read_parquet", "sources.parquet"),
        ("json", "dataset_from_json", f"{small_dataset().info.name}.json"),
    ],
)
def test_a_file_that_would_not_read_back_is_never_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, reader: str, name: str
) -> None:
    """Each written format is read back before the release is moved into place.

    A reader that returns nothing stands in for a writer fault: the export
    stops, names the file, and leaves no output folder.
    """
    import importlib  # noqa: PLC0415

    formats = importlib.import_module(f"shanghai_innovation._formats.{module}")
    monkeypatch.setattr(formats, reader, lambda *args: ())
    out = tmp_path / "out"
    with pytest.raises(si.ShanghaiInnovationError) as caught:
        export_release(out, dataset=small_dataset())
    what = "the dataset" if module == "json" else "the records written"
    assert f"{out}: {name} does not read back to {what}; nothing was published" == str(caught.value)
    assert not out.exists()


def test_the_report_gives_the_time_the_export_took(tmp_path: Path) -> None:
    """The seconds reported lie between zero and the time measured around the call."""
    started = time.perf_counter()
    report = export_release(tmp_path / "out", dataset=small_dataset())
    assert 0 < report.seconds <= time.perf_counter() - started


def test_a_staging_folder_that_cannot_be_made_gives_the_systems_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No room for the hidden staging folder: one line with the OS's reason."""

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_export.tempfile, "mkdtemp", full)
    out = tmp_path / "out"
    with pytest.raises(si.ExportError) as caught:
        export_release(out, dataset=small_dataset())
    assert f"{out}: cannot create the release folder (No space left on device)" == str(caught.value)


def _spy_on_exchange(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    swaps: list[bool] = []
    real = _export._exchange

    def exchange(first: Path, second: Path) -> bool:
        swaps.append(real(first, second))
        return swaps[-1]

    monkeypatch.setattr(_export, "_exchange", exchange)
    return swaps


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_force_swaps_the_old_release_out_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    """On Linux the new folder and the old trade places atomically, for a relative path too."""
    monkeypatch.chdir(tmp_path)
    out = Path("out") if relative else tmp_path / "out"
    export_release(out, dataset=small_dataset())
    (tmp_path / "out" / "extra.txt").write_text("old", encoding="utf-8")
    swaps = _spy_on_exchange(monkeypatch)
    export_release(out, dataset=small_dataset(), force=True)
    assert [True] == swaps
    assert not (tmp_path / "out" / "extra.txt").exists()
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_without_an_atomic_swap_force_still_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A system that refuses the swap (EINVAL, ENOSYS, EOPNOTSUPP): the old way, same result."""
    import ctypes  # noqa: PLC0415

    def refusing(*args: object) -> int:
        ctypes.set_errno(errno.EINVAL)
        return -1

    out = tmp_path / "out"
    export_release(out, dataset=small_dataset())
    (out / "extra.txt").write_text("old", encoding="utf-8")
    monkeypatch.setattr(_export, "_renameat2", lambda: refusing)
    swaps = _spy_on_exchange(monkeypatch)
    export_release(out, dataset=small_dataset(), force=True)
    assert [False] == swaps
    assert not (out / "extra.txt").exists()
    assert ["out"] == [p.name for p in tmp_path.iterdir()]


def test_a_release_folder_is_readable_by_everyone(tmp_path: Path) -> None:
    """The staging folder is private while written; the published one is rwxr-xr-x."""
    out = tmp_path / "out"
    export_release(out, dataset=small_dataset())
    assert 0o755 == out.stat().st_mode & 0o777


def test_a_file_put_at_the_output_during_the_export_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file appearing at the output while the release is written: refused, file kept."""
    out = tmp_path / "out"
    real = _export._check_round_trip

    def then_a_file_appears(dataset: si.Dataset, folder: Path, output: Path) -> None:
        real(dataset, folder, output)
        output.write_text("someone else's", encoding="utf-8")

    monkeypatch.setattr(_export, "_check_round_trip", then_a_file_appears)
    with pytest.raises(si.OutputExistsError) as caught:
        export_release(out, dataset=small_dataset())
    assert f"{out}: exists and is not a folder; choose another output" == str(caught.value)
    assert "someone else's" == out.read_text(encoding="utf-8")
    assert ["out"] == [p.name for p in tmp_path.iterdir()]
