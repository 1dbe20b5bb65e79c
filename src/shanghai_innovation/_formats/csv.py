"""One table as a CSV file, and back.

The format, fixed so that any CSV reader gets the same cells:

- UTF-8 without a byte-order mark; one header row holding the column names
  of the table spec, in order; then one row per record, in dataset order;
- RFC 4180: fields separated by commas, quoted with ``"`` only when they
  hold a comma, a quote or a line break (a quote inside is doubled), and
  every line ends with CR LF, the line break the RFC asks for;
- an empty cell is a missing value (null); text is never empty;
- whole numbers in decimal digits; floating-point numbers in Python's
  shortest round-tripping form (``3.5``, ``16000.0``, ``1500000000000.0``);
- true/false as ``true`` and ``false``;
- dates as ISO 8601 ``YYYY-MM-DD``; partial dates as ``YYYY``, ``YYYY-MM``
  or ``YYYY-MM-DD``, as stated;
- enums as their readable token;
- a list as a JSON array of strings, compact and non-ASCII kept as is:
  ``["rd-funding","enterprise"]``, and ``[]`` when empty. Frictionless
  validates this form as its ``array`` type; ``json.loads`` reads it back.

Reading checks the header, every cell and the record it builds, and raises
:class:`~shanghai_innovation.ReleaseError` with one line naming the file,
the row (data rows count from 1, the header is not counted), the record id,
the column and the reason. A cell must be in exactly the form the writer
gives (ASCII digits, a number in its shortest round-tripping form, a list as
strict JSON), so every reader of the format gets the same values. A file
over the per-file byte cap, or a table over the row cap, is refused before
it is read whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from shanghai_innovation import _limits
from shanghai_innovation._errors import ReleaseError, quoted
from shanghai_innovation._records import Record
from shanghai_innovation._schema import Column, TableSpec
from shanghai_innovation._strict_json import parse_json

from .tabular import record_from_row

__all__ = ["LINE_TERMINATOR", "cell_text", "csv_bytes", "read_csv", "write_csv"]

#: The line break after every row (RFC 4180).
LINE_TERMINATOR: Final = "\r\n"

_INTEGER: Final = re.compile(r"-?(0|[1-9][0-9]*)")
_NUMBER: Final = re.compile(r"-?[0-9]+\.[0-9]+(e[+-][0-9]+)?|-?[0-9](\.[0-9]+)?e[+-][0-9]+")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def cell_text(column: Column, value: Any) -> str:
    """The CSV text of one cell value (empty for a missing value)."""
    if value is None:
        return ""
    match column.kind:
        case "boolean":
            return "true" if value else "false"
        case "date":
            return str(value.isoformat())
        case "number":
            return repr(float(value))
        case "list":
            return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
        case _:
            return str(value)


def csv_bytes(spec: TableSpec, records: Iterable[Record]) -> bytes:
    """A table's CSV file as bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_TERMINATOR, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(spec.column_names)
    for record in records:
        writer.writerow([cell_text(c, c.get(record)) for c in spec.columns])
    return buffer.getvalue().encode("utf-8")


def write_csv(spec: TableSpec, records: Iterable[Record], path: Path) -> None:
    """Write a table's records to a CSV file."""
    path.write_bytes(csv_bytes(spec, records))


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        msg = f"expected a whole number, got {quoted(text)}"
        raise ValueError(msg)
    return int(text)


def _number(text: str) -> float:
    """A number cell: only the shortest round-tripping form the writer gives (``16000.0``)."""
    value = float(text) if _NUMBER.fullmatch(text) else None
    if value is None or repr(value) != text:
        msg = f"expected a number in its shortest form (like 3.5 or 16000.0), got {quoted(text)}"
        raise ValueError(msg)
    return value


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        msg = f"expected true or false, got {quoted(text)}"
        raise ValueError(msg)
    return text == "true"


def _date(text: str) -> dt.date:
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    msg = f"expected a date YYYY-MM-DD, got {quoted(text)}"
    raise ValueError(msg)


def _list(text: str) -> list[str]:
    try:
        items = parse_json(text)
    except ValueError as exc:
        msg = f'expected a JSON array of strings like ["a","b"], got {quoted(text)} ({exc})'
        raise ValueError(msg) from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        msg = f'expected a JSON array of strings like ["a","b"], got {quoted(text)}'
        raise ValueError(msg)
    compact = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    if compact != text:
        msg = f"expected the compact JSON array {quoted(compact)}, got {quoted(text)}"
        raise ValueError(msg)
    return items


_PARSERS: Final[dict[str, Callable[[str], Any]]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "list": _list,
}


def _parse_cell(column: Column, text: str) -> Any:
    """A cell's text as a Python value; raises ValueError saying why not."""
    if text == "":
        return None
    parse = _PARSERS.get(column.kind)
    return text if parse is None else parse(text)


def read_csv(spec: TableSpec, path: Path, label: str | None = None) -> list[Record]:
    """Read a table's records back from a CSV file written by :func:`write_csv`.

    Args:
        spec: The table the file holds.
        path: The CSV file.
        label: How to name the file in error messages (default: the path).

    Raises:
        ReleaseError: one line naming the file, row, record id, column and reason.

    """
    label = str(path) if label is None else label
    raw = _limits.read_capped(path, label, ReleaseError, _limits.MAX_FILE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise ReleaseError(msg) from None
    del raw
    text = text.removeprefix("\ufeff")
    rows = csv.reader(_lines(text), strict=True)
    try:
        header = next(rows, None)
        if header is None:
            msg = f"{label}: empty file, expected a header row"
            raise ReleaseError(msg)
        _check_header(spec, header, label)
        return [_record(spec, cells, label, index) for index, cells in _numbered(rows, label)]
    except csv.Error as exc:
        msg = f"{label}: not valid CSV ({exc})"
        raise ReleaseError(msg) from None


def _lines(text: str) -> Iterator[str]:
    """The lines of a text, each with its line break, one at a time (no copy of the whole)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def _numbered(rows: Iterator[list[str]], label: str) -> Iterator[tuple[int, list[str]]]:
    """Data rows numbered from 1, refusing the first one beyond the row cap."""
    for index, cells in enumerate(rows, 1):
        if index > _limits.MAX_ROWS:
            msg = f"{label}: row {index}: over the cap of {_limits.MAX_ROWS} rows a table"
            raise ReleaseError(msg)
        yield index, cells


def _record(spec: TableSpec, cells: list[str], label: str, index: int) -> Record:
    names = spec.column_names
    named = f" (record {quoted(cells[0])})" if cells and cells[0] else ""
    if len(cells) != len(names):
        msg = f"{label}: row {index}{named}: has {len(cells)} cells, expected {len(names)}"
        raise ReleaseError(msg)
    row: dict[str, Any] = {"id": cells[0]}
    for column, cell in zip(spec.columns, cells, strict=True):
        try:
            row[column.name] = _parse_cell(column, cell)
        except ValueError as exc:
            msg = f"{label}: row {index}{named}: column {column.name}: {exc}"
            raise ReleaseError(msg) from None
    return record_from_row(spec, row, label, index)


def _check_header(spec: TableSpec, header: list[str], label: str) -> None:
    names = list(spec.column_names)
    if header == names:
        return
    extra = [h for h in header if h not in names]
    missing = [n for n in names if n not in header]
    if extra:
        msg = f"{label}: header: unexpected column {quoted(extra[0])} (table {spec.name})"
    elif missing:
        msg = f"{label}: header: missing column {quoted(missing[0])} (table {spec.name})"
    else:
        msg = f"{label}: header: columns out of order or repeated; expected {','.join(names)}"
    raise ReleaseError(msg)
