"""One table as a Parquet file, and back.

Written with pyarrow from the table spec's Arrow schema: zstd compression,
enums as dictionary columns with a fixed dictionary (every token, in
vocabulary order), lists as ``list<string>``, dates as ``date32``. Each
column carries its description and unit as Arrow field metadata; the file's
key-value metadata carries what the dataset is (keys below, all text), so
DuckDB's ``parquet_kv_metadata()`` and ``pl.read_parquet_metadata()`` see
them too:

- ``table``: the table name;
- ``shanghai_innovation:dataset``, ``shanghai_innovation:dataset_version``,
  ``shanghai_innovation:schema_version``;
- ``shanghai_innovation:license`` (SPDX id), ``shanghai_innovation:license_url``;
- ``shanghai_innovation:attribution``: how to credit the source article.

No wall-clock time is written, so the same records give the same bytes with
the same pyarrow version (the footer names that version). Only enum columns
are dictionary encoded; every other column is plain, which lets a reader
bound the decoded size of a file by its page headers.

Reading treats the file as hostile: its bytes are read by Python (so any
path works) under the per-file cap, the footer is parsed with tight Thrift
limits, every page header is checked against the caps
(:mod:`.parquet_pages`) before pyarrow decodes anything, and enum columns
are turned into Python values without repeating their text per row.

Importing this module imports pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from shanghai_innovation import _limits
from shanghai_innovation._dataset import DatasetInfo
from shanghai_innovation._errors import ReleaseError, first_line, quoted
from shanghai_innovation._records import Record
from shanghai_innovation._schema import SCHEMA_VERSION, Column, TableSpec

from .arrow import arrow_schema, to_arrow
from .parquet_pages import check_pages
from .tabular import record_from_row

__all__ = [
    "COMPRESSION",
    "created_by",
    "file_metadata",
    "parquet_bytes",
    "parquet_records",
    "read_parquet",
    "write_parquet",
]

#: The compression codec of every Parquet file.
COMPRESSION: Final = "zstd"
_PREFIX: Final = "shanghai_innovation:"


def file_metadata(spec: TableSpec, info: DatasetInfo) -> dict[str, str]:
    """The key-value metadata written into a table's Parquet file."""
    return {
        "table": spec.name,
        f"{_PREFIX}dataset": info.name,
        f"{_PREFIX}dataset_version": info.version,
        f"{_PREFIX}schema_version": SCHEMA_VERSION,
        f"{_PREFIX}license": info.license,
        f"{_PREFIX}license_url": info.license_url,
        f"{_PREFIX}attribution": info.attribution,
    }


def parquet_bytes(spec: TableSpec, records: Iterable[Record], info: DatasetInfo) -> bytes:
    """A table's Parquet file as bytes, with its schema and metadata."""
    table = to_arrow(spec, records)
    metadata = {k.encode(): v.encode() for k, v in file_metadata(spec, info).items()}
    table = table.replace_schema_metadata(metadata)
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression=COMPRESSION,
        write_statistics=True,
        use_dictionary=[c.name for c in spec.columns if c.kind == "enum"],
    )
    data: bytes = sink.getvalue().to_pybytes()
    return data


def write_parquet(
    spec: TableSpec, records: Iterable[Record], path: Path, info: DatasetInfo
) -> None:
    """Write a table's records to a Parquet file with its schema and metadata."""
    path.write_bytes(parquet_bytes(spec, records, info))


def read_parquet(spec: TableSpec, path: Path, label: str | None = None) -> list[Record]:
    """Read a table's records back from a Parquet file written by :func:`write_parquet`.

    The file's columns must be exactly the spec's, in order, with the same
    Arrow types; every row must rebuild a valid record whose derived columns
    match.

    Args:
        spec: The table the file holds.
        path: The Parquet file.
        label: How to name the file in error messages (default: the path).

    Raises:
        ReleaseError: one line naming the file (and row, record id, column) and why.

    """
    label = str(path) if label is None else label
    return parquet_records(spec, _limits.read_capped(path, label, ReleaseError), label)


def _open(data: bytes, label: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(
            pa.BufferReader(data),
            thrift_string_size_limit=_limits.MAX_FILE_BYTES,
            thrift_container_size_limit=_limits.MAX_PARQUET_PAGES,
            schema_depth_limit=_limits.MAX_NESTING,
        )
    except (pa.ArrowException, OSError, ValueError, IndexError, MemoryError) as exc:
        msg = f"{label}: not a readable Parquet file ({first_line(exc)})"
        raise ReleaseError(msg) from None


def created_by(data: bytes, label: str) -> str:
    """The writer a Parquet file's footer names (``parquet-cpp-arrow version 26.0.1``).

    Raises:
        ReleaseError: the file cannot be opened, or the name is not UTF-8.

    """
    metadata = _open(data, label).metadata
    try:
        return str(metadata.created_by)  # pyarrow decodes the footer's bytes here
    except UnicodeDecodeError as exc:
        msg = f"{label}: the writer its footer names is not UTF-8 text (byte {exc.start})"
        raise ReleaseError(msg) from None


def parquet_records(spec: TableSpec, data: bytes, label: str) -> list[Record]:
    """A table's records from the bytes of its Parquet file; see :func:`read_parquet`."""
    if len(data) > _limits.MAX_FILE_BYTES:
        msg = f"{label}: larger than the cap of {_limits.MAX_FILE_BYTES} bytes for one file"
        raise ReleaseError(msg)
    parquet = _open(data, label)
    _check_schema(spec, parquet.schema_arrow, label)
    enums = {c.name for c in spec.columns if c.kind == "enum"}
    lists = {c.name for c in spec.columns if c.kind == "list"}
    try:
        check_pages(parquet.metadata, data, enums, lists)
    except ValueError as exc:
        msg = f"{label}: refused unread: {exc}"
        raise ReleaseError(msg) from None
    try:
        table = parquet.read(use_threads=False)
        columns = {c.name: _cells(table.column(c.name), c) for c in spec.columns}
    except (pa.ArrowException, OSError, ValueError, LookupError, MemoryError) as exc:
        msg = f"{label}: not a readable Parquet file ({first_line(exc)})"
        raise ReleaseError(msg) from None
    records: list[Record] = []
    for index in range(table.num_rows):
        row: dict[str, Any] = {name: values[index] for name, values in columns.items()}
        records.append(record_from_row(spec, row, label, index + 1))
    return records


def _cells(array: pa.ChunkedArray, column: Column) -> list[Any]:
    """A column's cells as Python values; an enum's tokens are made once, not once a row."""
    if column.kind != "enum":
        cells: list[Any] = array.to_pylist()
        return cells
    out: list[Any] = []
    for chunk in array.chunks:
        tokens: dict[int, Any] = dict(enumerate(chunk.dictionary.to_pylist()))
        tokens[-1] = None
        out += [tokens[i] for i in chunk.indices.fill_null(-1).to_pylist()]
    return out


def _check_schema(spec: TableSpec, schema: pa.Schema, label: str) -> None:
    expected = arrow_schema(spec)
    names = list(schema.names)
    if names != list(expected.names):
        extra = [n for n in names if n not in expected.names]
        missing = [n for n in expected.names if n not in names]
        if extra:
            why = f"unexpected column {quoted(extra[0])}"
        elif missing:
            why = f"missing column {quoted(missing[0])}"
        else:
            why = "columns out of order or repeated"
        msg = f"{label}: schema: {why} (table {spec.name})"
        raise ReleaseError(msg)
    for want in expected:
        got = schema.field(want.name)
        if not got.type.equals(want.type):
            msg = f"{label}: schema: column {want.name} is {got.type}, expected {want.type}"
            raise ReleaseError(msg)
