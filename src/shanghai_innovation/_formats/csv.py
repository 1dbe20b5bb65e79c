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
the column and the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from shanghai_innovation._errors import ReleaseError
from shanghai_innovation._records import Record
from shanghai_innovation._schema import Column, TableSpec

from .tabular import record_from_row

__all__ = ["LINE_TERMINATOR", "cell_text", "csv_bytes", "read_csv", "write_csv"]

#: The line break after every row (RFC 4180).
LINE_TERMINATOR: Final = "\r\n"

_INTEGER: Final = re.compile(r"-?(0|[1-9]\d*)")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        msg = f"expected a whole number, got {text!r}"
        raise ValueError(msg)
    return int(text)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        msg = f"expected a number, got {text!r}"
        raise ValueError(msg) from None


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        msg = f"expected true or false, got {text!r}"
        raise ValueError(msg)
    return text == "true"


def _date(text: str) -> dt.date:
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    msg = f"expected a date YYYY-MM-DD, got {text!r}"
    raise ValueError(msg)


def _list(text: str) -> list[str]:
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        msg = f'expected a JSON array of strings like ["a","b"], got {text!r}'
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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"{label}: cannot read ({exc.strerror or exc})"
        raise ReleaseError(msg) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise ReleaseError(msg) from None
    text = text.removeprefix("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        msg = f"{label}: not valid CSV ({exc})"
        raise ReleaseError(msg) from None
    if not rows:
        msg = f"{label}: empty file, expected a header row"
        raise ReleaseError(msg)
    _check_header(spec, rows[0], label)
    names = spec.column_names
    records: list[Record] = []
    for index, cells in enumerate(rows[1:], 1):
        if len(cells) != len(names):
            rid = cells[0] if cells else ""
            named = f" (record {rid!r})" if rid else ""
            msg = f"{label}: row {index}{named}: has {len(cells)} cells, expected {len(names)}"
            raise ReleaseError(msg)
        row: dict[str, Any] = {"id": cells[0]}
        for column, cell in zip(spec.columns, cells, strict=True):
            try:
                row[column.name] = _parse_cell(column, cell)
            except ValueError as exc:
                named = f" (record {cells[0]!r})" if cells[0] else ""
                msg = f"{label}: row {index}{named}: column {column.name}: {exc}"
                raise ReleaseError(msg) from None
        records.append(record_from_row(spec, row, label, index))
    return records


def _check_header(spec: TableSpec, header: list[str], label: str) -> None:
    names = list(spec.column_names)
    if header == names:
        return
    extra = [h for h in header if h not in names]
    missing = [n for n in names if n not in header]
    if extra:
        msg = f"{label}: header: unexpected column {extra[0]!r} (table {spec.name})"
    elif missing:
        msg = f"{label}: header: missing column {missing[0]!r} (table {spec.name})"
    else:
        msg = f"{label}: header: columns out of order or repeated; expected {','.join(names)}"
    raise ReleaseError(msg)
