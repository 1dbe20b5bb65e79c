"""Reading the curated TOML files into a validated Dataset.

Every problem found is collected and raised together as one
:class:`~shanghai_innovation.DataError`, one line per problem, each naming
the data file, the record id and the field.

A data folder passed with ``--data`` may come from anyone, so each file is
read under the per-file byte cap and the value cap (counted before
parsing), a TOML document nesting deeper than the nesting cap is refused
(``tomllib`` would otherwise recurse until Python gives up), and a table may
hold at most the row cap of records
(:mod:`shanghai_innovation._limits`).
"""

from __future__ import annotations

import os
import threading
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _limits
from ._dataset import TABLES, Dataset, DatasetInfo
from ._errors import DataError, check_argument
from ._plain import field_types
from ._records import RECORD_TYPES, Erratum, Record, reference_fields

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

# tomllib, cattrs (through _convert), importlib.resources and pathlib are
# imported where the TOML is read: the bundled data usually comes from the
# compiled file (_compiled), and a first lookup cannot afford them.

__all__ = ["INFO_FILE", "check_references", "load", "read_directory"]

#: The file holding the dataset's name, version and license.
INFO_FILE = "dataset.toml"

_TYPES: dict[str, type[Record]] = {cls.table: cls for cls in RECORD_TYPES}
_lock = threading.Lock()
_cached: Dataset | None = None


def _bundled() -> Traversable:
    from importlib import resources  # noqa: PLC0415 - see the imports

    return resources.files("shanghai_innovation").joinpath("data")


def _depth(document: Any) -> int:
    """How deeply tables and arrays nest in a parsed document (walked without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return deepest


def _read_toml(file: Traversable, label: str) -> dict[str, Any]:
    import tomllib  # noqa: PLC0415 - see the imports

    raw = _limits.read_capped(file, label, DataError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{label}: not UTF-8 text (byte {exc.start})"
        raise DataError(msg) from None
    too_deep = f"{label}: not valid TOML (nested deeper than the cap of {_limits.MAX_NESTING})"
    # Every value follows '=' or ',' or opens with a bracket: an upper bound, whatever the strings.
    values = text.count("=") + text.count(",") + text.count("[") + text.count("{")
    if values > _limits.MAX_VALUES:
        raise DataError(f"{label}: over the cap of {_limits.MAX_VALUES} values")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{label}: not valid TOML ({exc})") from None
    except RecursionError:
        raise DataError(too_deep) from None
    if _depth(document) > _limits.MAX_NESTING:
        raise DataError(too_deep)
    return document


def _read_table(
    directory: Traversable, label: str, table: str, problems: list[str]
) -> list[Record]:
    from ._convert import describe_error, structure_record  # noqa: PLC0415 - see the imports

    where = f"{label}/{table}.toml"
    try:
        document = _read_toml(directory.joinpath(f"{table}.toml"), where)
    except DataError as exc:
        problems.extend(exc.problems)
        return []
    extra = sorted(set(document) - {table})
    if extra:
        keys = ", ".join(extra)
        problems.append(f"{where}: unknown top-level key(s) {keys}; expected [[{table}]]")
    rows = document.get(table, [])
    if not isinstance(rows, list):
        problems.append(f"{where}: {table} must be an array of tables ([[{table}]])")
        return []
    if len(rows) > _limits.MAX_ROWS:
        problems.append(f"{where}: {len(rows)} records, over the cap of {_limits.MAX_ROWS}")
        return []
    records: list[Record] = []
    for index, row in enumerate(rows, 1):
        rid = row.get("id") if isinstance(row, dict) else None
        name = f"record {rid!r}" if isinstance(rid, str) else f"record #{index}"
        try:
            records.append(structure_record(row, _TYPES[table]))
        except Exception as exc:
            problems.extend(f"{where}: {name}: {line}" for line in describe_error(exc))
    return records


def _has_field(cls: type[Any], dotted: str) -> bool:
    """Whether a field path (``quantity`` or ``quantity.value``) exists on a record type."""
    current: Any = cls
    for name in dotted.split("."):
        if not attrs.has(current) or name not in attrs.fields_dict(current):
            return False
        hint = field_types(current)[name]
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        current = args[0] if union and len(args) == 1 else hint
    return True


def check_references(dataset: Dataset, label: str = "data") -> list[str]:
    """Every problem with ids and references across tables, one line each."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    for table, records in dataset.tables():
        ids[table] = set()
        for record in records:
            if record.id in owner:
                problems.append(
                    f"{label}/{table}.toml: record {record.id!r}: field id: "
                    f"duplicate id (also in {owner[record.id]}.toml)"
                )
            owner.setdefault(record.id, table)
            ids[table].add(record.id)
    for table, records in dataset.tables():
        refs = reference_fields(type(records[0])) if records else ()
        for record in records:
            where = f"{label}/{table}.toml: record {record.id!r}"
            for name, target in refs:
                value = getattr(record, name)
                for ref in value if isinstance(value, tuple) else (value,):
                    if ref is not None and ref not in ids[target]:
                        problems.append(f"{where}: field {name}: no {target} record {ref!r}")
            locator = getattr(record, "locator", None)
            if locator is not None and locator.source not in ids["sources"]:
                problems.append(f"{where}: field locator: no sources record {locator.source!r}")
            if isinstance(record, Erratum):
                problems.extend(_check_erratum(record, owner, where))
    return problems


def _check_erratum(record: Erratum, owner: Mapping[str, str], where: str) -> list[str]:
    target_table = owner.get(record.record)
    if target_table is None:
        return [f"{where}: field record: no record {record.record!r}"]
    if not _has_field(_TYPES[target_table], record.field_name):
        return [
            f"{where}: field field_name: {target_table} records have no field {record.field_name!r}"
        ]
    return []


def _check_is_data_folder(folder: Traversable, label: str) -> None:
    """One problem, not one per data file, for no folder at all or a release folder."""
    if not folder.is_dir():
        raise DataError(f"{label}: no such folder")
    from ._release import DATAPACKAGE_FILE  # noqa: PLC0415 - only for this message

    if not folder.joinpath(INFO_FILE).is_file() and folder.joinpath(DATAPACKAGE_FILE).is_file():
        msg = f"{label}: a release, not a data folder; read it with load_release() "
        raise DataError(msg + "(shanghai-innovation verify checks it)")


def read_directory(directory: Traversable | Path | str, label: str | None = None) -> Dataset:
    """Read and validate a folder of data files (the layout of ``data/``).

    Raises:
        DataError: listing every problem, one line each.

    """
    from pathlib import Path  # noqa: PLC0415 - see the imports

    from ._convert import CONVERTER, describe_error  # noqa: PLC0415 - see the imports

    folder: Traversable = Path(directory) if isinstance(directory, str) else directory
    label = label if label is not None else str(directory)
    _check_is_data_folder(folder, label)
    problems: list[str] = []
    info: DatasetInfo | None = None
    try:
        raw_info = _read_toml(folder.joinpath(INFO_FILE), f"{label}/{INFO_FILE}")
        info = CONVERTER.structure(raw_info, DatasetInfo)
    except DataError as exc:
        problems.extend(exc.problems)
    except Exception as exc:
        problems.extend(f"{label}/{INFO_FILE}: {line}" for line in describe_error(exc))
    tables: Mapping[str, list[Record]] = {
        table: _read_table(folder, label, table, problems) for table in TABLES
    }
    total = sum(len(records) for records in tables.values())
    if total > _limits.MAX_RECORDS:
        problems.append(f"{label}: {total} records, over the cap of {_limits.MAX_RECORDS}")
    if problems or info is None:
        raise DataError(problems)
    dataset = Dataset(info, **tables)  # type: ignore[arg-type]
    problems = check_references(dataset, label)
    if problems:
        raise DataError(problems)
    return dataset


def load(directory: Path | str | None = None) -> Dataset:
    """Load the dataset: the bundled data by default, or a folder laid out like ``data/``.

    The bundled dataset is read and validated on first use, then cached; a
    folder given explicitly is read afresh every time, from its TOML files.
    The bundled data comes from the compiled file an installed wheel carries
    when that file was made from exactly the TOML files installed beside it
    (see ``_compiled``), else from the TOML files; both give the same Dataset.

    Raises:
        DataError: when a data file is invalid, one line per problem.
        TypeError: ``directory`` is not a path.

    """
    global _cached  # noqa: PLW0603 - the one module-level cache, guarded by a lock
    if directory is not None:
        check_argument("directory", directory, (str, os.PathLike), "a path (str or os.PathLike)")
        return read_directory(directory)
    with _lock:
        if _cached is None:
            from ._compiled import read_bundled  # noqa: PLC0415 - only the bundled data needs it

            compiled = read_bundled()
            _cached = compiled if compiled is not None else read_directory(_bundled(), "data")
        return _cached
