"""CSV files: the documented encoding, the round trip, and located errors on bad input."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given

import shanghai_innovation as si
from shanghai_innovation._formats.csv import cell_text, csv_bytes, read_csv, write_csv
from shanghai_innovation._schema import TableSpec, table_spec, table_specs
from shanghai_innovation.testing import datasets

SPECS = table_specs()


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _write(tmp_path: Path, spec: TableSpec, data: bytes) -> Path:
    path = tmp_path / f"{spec.name}.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_round_trip(spec: TableSpec, dataset: si.Dataset, tmp_path: Path) -> None:
    """Every table read back from its CSV equals the records written."""
    path = tmp_path / f"{spec.name}.csv"
    write_csv(spec, dataset.table(spec.name), path)
    assert list(dataset.table(spec.name)) == read_csv(spec, path)


def test_header_is_the_spec_columns(dataset: si.Dataset) -> None:
    """The header row is exactly the table spec's column names."""
    spec = table_spec("metrics")
    assert list(spec.column_names) == _rows(csv_bytes(spec, dataset.metrics))[0]


def test_lines_end_with_crlf_and_no_bom(dataset: si.Dataset) -> None:
    """Every row ends with CRLF (RFC 4180) and the file has no byte-order mark."""
    data = csv_bytes(table_spec("sources"), dataset.sources)
    assert (False, True) == (data.startswith(b"\xef\xbb\xbf"), data.endswith(b"\r\n"))
    assert data.count(b"\n") == data.count(b"\r\n")


def test_cells_use_the_documented_forms() -> None:
    """Lists are compact JSON arrays, booleans true/false, dates ISO, null empty."""
    import datetime as dt  # noqa: PLC0415

    spec = table_spec("metrics")
    cells = (
        cell_text(spec.column("topics"), ["rd-funding", "enterprise"]),
        cell_text(spec.column("topics"), []),
        cell_text(spec.column("period_derived"), True),
        cell_text(spec.column("as_of_first_day"), dt.date(2020, 12, 1)),
        cell_text(spec.column("quantity_value"), 16000.0),
        cell_text(spec.column("indicator"), None),
    )
    assert ('["rd-funding","enterprise"]', "[]", "true", "2020-12-01", "16000.0", "") == cells


def test_quoting_survives_commas_quotes_and_newlines(dataset: si.Dataset, tmp_path: Path) -> None:
    """Text with commas, quotes and line breaks round-trips (RFC 4180 quoting)."""
    import attrs  # noqa: PLC0415

    spec = table_spec("sources")
    source = attrs.evolve(dataset.sources[0], note='He said "yes, twice",\r\nthen left.')
    path = tmp_path / "sources.csv"
    write_csv(spec, [source], path)
    assert [source] == read_csv(spec, path)


def test_extra_column_is_named(dataset: si.Dataset, tmp_path: Path) -> None:
    """A header with an unknown column raises one line naming file and column."""
    spec = table_spec("sources")
    data = csv_bytes(spec, dataset.sources).replace(b"\r\n", b",extra\r\n", 1)
    path = _write(tmp_path, spec, data)
    with pytest.raises(si.ReleaseError) as caught:
        read_csv(spec, path, "rel/sources.csv")
    assert "rel/sources.csv: header: unexpected column 'extra' (table sources)" == str(caught.value)


def test_missing_column_is_named(dataset: si.Dataset, tmp_path: Path) -> None:
    """A file without one of the spec's columns names that column."""
    spec = table_spec("sources")
    rows = _rows(csv_bytes(spec, dataset.sources))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([r[:-1] for r in rows])
    path = _write(tmp_path, spec, buffer.getvalue().encode())
    with pytest.raises(si.ReleaseError) as caught:
        read_csv(spec, path, "sources.csv")
    assert "sources.csv: header: missing column 'note' (table sources)" == str(caught.value)


def _plant(dataset: si.Dataset, tmp_path: Path, table: str, column: str, value: str) -> Path:
    spec = table_spec(table)
    rows = _rows(csv_bytes(spec, dataset.table(table)))
    rows[1][spec.column_names.index(column)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return _write(tmp_path, spec, buffer.getvalue().encode())


def test_bad_integer_cell_is_located(dataset: si.Dataset, tmp_path: Path) -> None:
    """A non-number in an integer column names the row, record id and column."""
    path = _plant(dataset, tmp_path, "metrics", "paragraph", "five")
    rid = dataset.metrics[0].id
    with pytest.raises(si.ReleaseError) as caught:
        read_csv(table_spec("metrics"), path, "metrics.csv")
    where = f"metrics.csv: row 1 (record {rid!r}): column paragraph"
    assert f"{where}: expected a whole number, got 'five'" == str(caught.value)


def test_bad_truth_value_is_located(dataset: si.Dataset, tmp_path: Path) -> None:
    """A value the record refuses (an unknown unit) names the column it came from."""
    path = _plant(dataset, tmp_path, "metrics", "quantity_unit", "furlongs")
    with pytest.raises(si.ReleaseError, match=r"row 1 \(record '[^']+'\): column quantity_unit: "):
        read_csv(table_spec("metrics"), path, "metrics.csv")


def test_impossible_date_is_located(dataset: si.Dataset, tmp_path: Path) -> None:
    """2020-02-30 in a date column is refused, naming the column."""
    path = _plant(dataset, tmp_path, "sources", "published", "2020-02-30")
    with pytest.raises(si.ReleaseError, match="column published: expected a date YYYY-MM-DD"):
        read_csv(table_spec("sources"), path, "sources.csv")


def test_tampered_derived_cell_is_caught(dataset: si.Dataset, tmp_path: Path) -> None:
    """A derived column that disagrees with the truth columns is refused."""
    path = _plant(dataset, tmp_path, "metrics", "quantity_value", "1.0")
    with pytest.raises(si.ReleaseError, match=r"column quantity_value: holds 1\.0"):
        read_csv(table_spec("metrics"), path, "metrics.csv")


def test_bad_list_cell_is_located(dataset: si.Dataset, tmp_path: Path) -> None:
    """A list cell that is not a JSON array of strings is refused, naming the column."""
    path = _plant(dataset, tmp_path, "metrics", "topics", "rd-funding;enterprise")
    with pytest.raises(si.ReleaseError, match="column topics: expected a JSON array"):
        read_csv(table_spec("metrics"), path, "metrics.csv")


def test_short_row_is_located(dataset: si.Dataset, tmp_path: Path) -> None:
    """A row with a missing cell names the row and how many cells it has."""
    spec = table_spec("sources")
    rows = _rows(csv_bytes(spec, dataset.sources))
    rows[1] = rows[1][:-1]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = _write(tmp_path, spec, buffer.getvalue().encode())
    with pytest.raises(si.ReleaseError, match=r"sources\.csv: row 1 .*: has \d+ cells, expected"):
        read_csv(spec, path, "sources.csv")


def test_non_utf8_is_refused(dataset: si.Dataset, tmp_path: Path) -> None:
    """Bytes that are not UTF-8 raise one line naming the file and offset."""
    spec = table_spec("sources")
    path = _write(tmp_path, spec, b"id,title\r\n\xff\xfe,x\r\n")
    with pytest.raises(si.ReleaseError) as caught:
        read_csv(spec, path, "sources.csv")
    assert "sources.csv: not UTF-8 text (byte 10)" == str(caught.value)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """An empty file has no header and is refused."""
    spec = table_spec("sources")
    path = _write(tmp_path, spec, b"")
    with pytest.raises(si.ReleaseError, match="empty file"):
        read_csv(spec, path, "sources.csv")


def test_lists_decode_with_json(dataset: si.Dataset) -> None:
    """Every list cell is a JSON array that decodes to the record's list."""
    spec = table_spec("metrics")
    rows = _rows(csv_bytes(spec, dataset.metrics))
    index = spec.column_names.index("topics")
    assert [[t.value for t in m.topics] for m in dataset.metrics] == [
        json.loads(r[index]) for r in rows[1:]
    ]


@given(generated=datasets())
def test_generated_datasets_round_trip(generated: si.Dataset) -> None:
    """For generated datasets, every table read back from CSV equals what was written."""
    with tempfile.TemporaryDirectory() as folder:
        read = {}
        for spec in SPECS:
            path = Path(folder) / f"{spec.name}.csv"
            write_csv(spec, generated.table(spec.name), path)
            read[spec.name] = read_csv(spec, path)
    assert {s.name: list(generated.table(s.name)) for s in SPECS} == read
