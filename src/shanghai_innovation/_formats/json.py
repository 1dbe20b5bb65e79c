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
newline. :func:`content_fingerprint` hashes a compact form of the tables
only, so it names the content independently of the file formats, the
dataset version and the pyarrow version.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Final

from shanghai_innovation._convert import CONVERTER, describe_error, structure_record
from shanghai_innovation._dataset import TABLES, Dataset, DatasetInfo
from shanghai_innovation._errors import ReleaseError
from shanghai_innovation._records import RECORD_TYPES, Record
from shanghai_innovation._schema import SCHEMA_VERSION

__all__ = [
    "check_schema_version",
    "content_fingerprint",
    "dataset_from_json",
    "dataset_to_json",
    "dataset_to_unstructured",
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


def content_fingerprint(dataset: Dataset) -> str:
    """``sha256:<hex>`` over a canonical serialisation of every table's records.

    The serialisation is compact JSON (sorted keys, no spaces, UTF-8) of the
    tables in the documented shape, without the dataset info. Two releases
    with the same records have the same fingerprint whatever wrote them.
    """
    canonical = json.dumps(
        {"schema_version": SCHEMA_VERSION, "tables": _tables(dataset)},
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
        msg = f"{label}: schema version {found!r} is not MAJOR.MINOR.PATCH"
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


def _reject_constant(name: str) -> Any:
    msg = f"{name} is not allowed"
    raise ValueError(msg)


def dataset_from_json(data: bytes, label: str = "dataset JSON") -> Dataset:
    """Read a dataset back from the JSON document :func:`dataset_to_json` writes.

    Args:
        data: The document's bytes.
        label: How to name the document in error messages (a file name).

    Raises:
        ReleaseError: one line naming the file, table, record index and id, and field.

    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise ReleaseError(msg) from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        msg = f"{label}: not valid JSON ({exc})"
        raise ReleaseError(msg) from None
    if not isinstance(document, dict):
        msg = f"{label}: expected an object with keys {', '.join(_KEYS)}"
        raise ReleaseError(msg)
    keys = sorted(document)
    if keys != sorted(_KEYS):
        extra = sorted(set(keys) - set(_KEYS))
        missing = sorted(set(_KEYS) - set(keys))
        what = f"unknown key {extra[0]!r}" if extra else f"missing key {missing[0]!r}"
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
    for name in TABLES:
        rows = raw_tables[name]
        if not isinstance(rows, list):
            msg = f"{label}: tables.{name}: expected a list of records"
            raise ReleaseError(msg)
        tables[name] = [_record(name, i, row, label) for i, row in enumerate(rows)]
    return Dataset(info, **tables)  # type: ignore[arg-type]


def _record(table: str, index: int, row: Any, label: str) -> Record:
    try:
        return structure_record(row, _TYPES[table])
    except Exception as exc:
        rid = row.get("id") if isinstance(row, dict) else None
        named = f" (record {rid!r})" if isinstance(rid, str) else ""
        line = (describe_error(exc) or [str(exc)])[0]
        msg = f"{label}: tables.{table}[{index}]{named}: {line}"
        raise ReleaseError(msg) from None
