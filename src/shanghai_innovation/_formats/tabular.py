"""Rows of cell values back to records, with errors that say where.

Shared by the CSV and Parquet readers. A row is a mapping of column name to
a Python cell value in the shapes :meth:`TableSpec.row` produces (text,
``int``, ``float``, ``bool``, :class:`datetime.date`, enum token, list of
text). The record is rebuilt from the truth columns alone; every column,
derived ones included, must then equal what the rebuilt record yields, so a
tampered derived cell is caught as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shanghai_innovation._convert import CONVERTER, describe_error
from shanghai_innovation._errors import ReleaseError, quoted
from shanghai_innovation._records import Record
from shanghai_innovation._schema import TableSpec, row_to_unstructured

__all__ = ["record_from_row", "where"]


def where(label: str, index: int, row: Mapping[str, Any]) -> str:
    """Locate a row for an error message: file, row number (from 1) and record id."""
    rid = row.get("id")
    named = f" (record {quoted(rid)})" if isinstance(rid, str) and rid else ""
    return f"{label}: row {index}{named}"


def _column_of(spec: TableSpec, line: str) -> str:
    """Rewrite ``field a.b: why`` from the converter as ``column a_b: why``."""
    if not line.startswith("field "):
        return line
    dotted, sep, reason = line[len("field ") :].partition(": ")
    path = tuple(dotted.split("."))
    for column in spec.columns:
        if column.path is not None and column.path[: len(path)] == path:
            return f"column {column.name}: {reason}" if sep else line
    return line


def record_from_row(spec: TableSpec, row: Mapping[str, Any], label: str, index: int) -> Record:
    """Rebuild one record from a row and check every cell against it.

    Raises:
        ReleaseError: naming the file, row, record id, column and reason.

    """
    try:
        record: Record = CONVERTER.structure(row_to_unstructured(spec, row), spec.record_type)
    except Exception as exc:
        lines = describe_error(exc) or [str(exc)]
        msg = f"{where(label, index, row)}: {_column_of(spec, lines[0])}"
        raise ReleaseError(msg) from None
    for column in spec.columns:
        expected = column.get(record)
        actual = row.get(column.name)
        if expected != actual or type(expected) is not type(actual):
            msg = (
                f"{where(label, index, row)}: column {column.name}: holds {quoted(actual)}, "
                f"but the record's values give {quoted(expected)}"
            )
            raise ReleaseError(msg)
    return record
