"""The whole dataset as one JSON document, and back.

The document has one shape::

    {
      "dataset": {"name": ..., "version": ..., "license": ..., ...},
      "schema_version": "1.0.0",
      "tables": {
        "entities": [{...record...}, ...],
        "metrics": [...],
        ...
      }
    }

``dataset`` is the :class:`~shanghai_innovation.DatasetInfo`; each table
lists its records in dataset order, each record unstructured by the one
cattrs converter (the shapes are documented in ``_convert``: exact numbers
as text such as ``"3.5"`` or ``"2/3"``, partial dates as ``"2020-11"``,
locators as ``"source#section/3"``, enums as tokens, tuples as lists, a
missing optional value as ``null``). Every table appears, even when empty.

The bytes are deterministic: keys sorted at every level, two-space indent,
``": "`` and ``","`` separators, UTF-8 with non-ASCII kept, one final
newline. :func:`content_fingerprint` hashes a compact form of the whole
document (dataset info, schema version and every record), so it names
everything a reader of the release gets, independently of the file formats
and the pyarrow version.

Every JSON the library reads goes through
:func:`~shanghai_innovation._strict_json.parse_json`, which refuses
what JSON parsers disagree on or what could exhaust memory: more bytes or
values than the caps, nesting deeper than the cap, a key given twice in one
object, a lone surrogate escape, and ``NaN``/``Infinity``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Final

from shanghai_innovation import _limits
from shanghai_innovation._convert import CONVERTER, describe_error, structure_record
from shanghai_innovation._dataset import TABLES, Dataset, DatasetInfo
from shanghai_innovation._errors import ReleaseError, quoted
from shanghai_innovation._records import RECORD_TYPES, Record
from shanghai_innovation._schema import SCHEMA_VERSION
from shanghai_innovation._strict_json import parse_json

__all__ = [
    "check_schema_version",
    "content_fingerprint",
    "dataset_from_json",
    "dataset_to_json",
    "dataset_to_unstructured",
    "document_from_json",
    "read_json",
]

_TYPES: Final = {cls.table: cls for cls in RECORD_TYPES}
_KEYS: Final = ("dataset", "schema_version", "tables")


def _tables(dataset: Dataset) -> dict[str, list[Any]]:
    return {name: [CONVERTER.unstructure(r) for r in records] for name, records in dataset.tables()}


def dataset_to_unstructured(dataset: Dataset) -> dict[str, Any]:
    """The dataset as plain JSON-ready data, in the documented shape."""
    return {
        "dataset": CONVERTER.unstructure(dataset.info),
        "schema_version": SCHEMA_VERSION,
        "tables": _tables(dataset),
    }


def dataset_to_json(dataset: Dataset) -> bytes:
    """The dataset as one JSON document, deterministic bytes."""
    text = json.dumps(
        dataset_to_unstructured(dataset),
        sort_keys=True,
        indent=2,
        separators=(",", ": "),
        ensure_ascii=False,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")


def content_fingerprint(dataset: Dataset, schema_version: str = SCHEMA_VERSION) -> str:
    """``sha256:<hex>`` over a canonical serialisation of everything the release holds.

    The serialisation is compact JSON (sorted keys, no spaces, UTF-8) of the
    JSON document's shape: the dataset info (name, title, version,
    description, license, license URL, attribution), the schema version and
    every table's records. Two releases with the same records and info have
    the same fingerprint whatever wrote their files; change any record, the
    license, the attribution or the version and it changes.

    Args:
        dataset: The records and info.
        schema_version: The export schema version the release claims (a
            reader passes the one it found, so a claim cannot be swapped).

    """
    canonical = json.dumps(
        {
            "dataset": CONVERTER.unstructure(dataset.info),
            "schema_version": schema_version,
            "tables": _tables(dataset),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_schema_version(found: object, label: str) -> None:
    """Refuse a schema version this library cannot read (a newer major, or garbage).

    Raises:
        ReleaseError: naming the file and both versions.

    """
    # ASCII digits only (str.isdigit() also takes "²"), and few enough for int().
    if not isinstance(found, str) or not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9}){2}", found):
        msg = f"{label}: schema version {quoted(found)} is not MAJOR.MINOR.PATCH"
        raise ReleaseError(msg)
    ours = int(SCHEMA_VERSION.split(".")[0])
    theirs = int(found.split(".")[0])
    if theirs != ours:
        newer = "newer" if theirs > ours else "older"
        msg = (
            f"{label}: schema version {found} is {newer} than this library reads "
            f"({SCHEMA_VERSION}); install a matching shanghai-innovation"
        )
        raise ReleaseError(msg)


def read_json(data: bytes, label: str) -> Any:
    """Parse a JSON file's bytes strictly (UTF-8, then :func:`parse_json`).

    Raises:
        ReleaseError: naming the file: over the byte cap, not UTF-8, or refused.

    """
    if len(data) > _limits.MAX_FILE_BYTES:
        msg = f"{label}: larger than the cap of {_limits.MAX_FILE_BYTES} bytes for one file"
        raise ReleaseError(msg)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise ReleaseError(msg) from None
    try:
        return parse_json(text)
    except ValueError as exc:
        msg = f"{label}: not valid JSON ({exc})"
        raise ReleaseError(msg) from None


def dataset_from_json(data: bytes, label: str = "dataset JSON") -> Dataset:
    """Read a dataset back from the JSON document :func:`dataset_to_json` writes.

    Args:
        data: The document's bytes.
        label: How to name the document in error messages (a file name).

    Raises:
        ReleaseError: one line naming the file, table, record index and id, and field.

    """
    return document_from_json(data, label)[0]


def document_from_json(data: bytes, label: str = "dataset JSON") -> tuple[Dataset, str]:
    """The dataset and the schema version a JSON document states; see :func:`dataset_from_json`."""
    document = read_json(data, label)
    if not isinstance(document, dict):
        msg = f"{label}: expected an object with keys {', '.join(_KEYS)}"
        raise ReleaseError(msg)
    keys = sorted(document)
    if keys != sorted(_KEYS):
        extra = sorted(set(keys) - set(_KEYS))
        missing = sorted(set(_KEYS) - set(keys))
        what = f"unknown key {quoted(extra[0])}" if extra else f"missing key {quoted(missing[0])}"
        msg = f"{label}: {what}"
        raise ReleaseError(msg)
    check_schema_version(document["schema_version"], label)
    try:
        info = CONVERTER.structure(document["dataset"], DatasetInfo)
    except Exception as exc:
        line = (describe_error(exc) or [str(exc)])[0]
        msg = f"{label}: dataset: {line}"
        raise ReleaseError(msg) from None
    raw_tables = document["tables"]
    if not isinstance(raw_tables, dict) or sorted(raw_tables) != sorted(TABLES):
        msg = f"{label}: tables: expected exactly the tables {', '.join(TABLES)}"
        raise ReleaseError(msg)
    tables: dict[str, list[Record]] = {}
    total = 0
    for name in TABLES:
        rows = raw_tables[name]
        if not isinstance(rows, list):
            msg = f"{label}: tables.{name}: expected a list of records"
            raise ReleaseError(msg)
        total += len(rows)
        if len(rows) > _limits.MAX_ROWS or total > _limits.MAX_RECORDS:
            msg = (
                f"{label}: tables.{name}: {len(rows)} records, over the cap of "
                f"{_limits.MAX_ROWS} a table or {_limits.MAX_RECORDS} in all"
            )
            raise ReleaseError(msg)
        tables[name] = [_record(name, i, row, label) for i, row in enumerate(rows)]
    return Dataset(info, **tables), document["schema_version"]  # type: ignore[arg-type]


def _record(table: str, index: int, row: Any, label: str) -> Record:
    try:
        return structure_record(row, _TYPES[table])
    except Exception as exc:
        rid = row.get("id") if isinstance(row, dict) else None
        named = f" (record {quoted(rid)})" if isinstance(rid, str) else ""
        line = (describe_error(exc) or [str(exc)])[0]
        msg = f"{label}: tables.{table}[{index}]{named}: {line}"
        raise ReleaseError(msg) from None
