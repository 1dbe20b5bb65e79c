"""What changed between two datasets or two releases, record by record.

Records are matched by their stable ``id`` within each table. A record is
*added* when only the new side has its id, *removed* when only the old side
has it, and *changed* when both have it but a field differs; a change lists
every differing field by its dotted path in the record's unstructured (JSON)
form, such as ``quantity.value``, with the old and new values in that form
(a missing optional value is ``null``). Changes to the dataset info (name,
version, license, ...) are listed as well.

Between two releases, a change in a descriptor's content (``datapackage.json``,
``croissant.json``, ``claimreview.jsonld``) is a change in **metadata**: one
entry per differing value, named by the file and its path in the document,
where a list of objects is indexed by each item's ``@id``, ``name`` or
``path`` (``croissant.json: recordSet[metrics].field[metrics/subject].description``);
a key or list item present on one side only is one change holding all of it.
What changes with any byte of any file is not reported there: sizes,
checksums, row counts and the content fingerprint follow from the records
(and, for Parquet, from the pyarrow version), whose changes are listed
record by record; and a descriptor value that changed exactly as the
dataset info or a record field did (a version, a licence, an erratum's
text) is listed once, there. Descriptors are read by the strict JSON parser
under the caps, like every JSON file of a release.

Ordering is stable: tables in table order, ids sorted, fields sorted,
metadata by file name, then keys sorted and list items in document order.
The text form escapes every character a terminal would act on (a release's
text is outside text) and cuts a line over 10,000 characters.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from shanghai_innovation import _limits
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._dataset import TABLES, Dataset
from shanghai_innovation._errors import check_argument, one_line
from shanghai_innovation._records import Record

__all__ = ["Change", "Diff", "FieldChange", "TableDiff", "diff_datasets", "diff_releases"]

#: Characters of one line of :meth:`Diff.to_text`.
_LINE: Final = 10 * _limits.MAX_MESSAGE


@attrs.frozen
class FieldChange:
    """One field whose value differs, by dotted path, with both values."""

    #: Dotted path in the unstructured record (``quantity.value``).
    field: str
    #: The value before, in the JSON shape (``None`` when absent).
    old: Any
    #: The value after, in the JSON shape (``None`` when absent).
    new: Any


@attrs.frozen
class Change:
    """A record present on both sides whose fields differ."""

    #: The record's id.
    id: str
    #: Every differing field, sorted by path.
    fields: tuple[FieldChange, ...]


@attrs.frozen
class TableDiff:
    """The differences within one table."""

    #: Table name.
    table: str
    #: Ids only in the new dataset, sorted.
    added: tuple[str, ...] = ()
    #: Ids only in the old dataset, sorted.
    removed: tuple[str, ...] = ()
    #: Records in both that differ, sorted by id.
    changed: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@attrs.frozen
class Diff:
    """Every difference between two datasets: info, then each table.

    A diff is true when anything differs. :meth:`to_text` and
    :meth:`to_json` print it in a stable order.
    """

    #: The old and new dataset versions.
    old_version: str
    new_version: str
    #: Differences in the dataset info (name, version, license, ...).
    info: tuple[FieldChange, ...]
    #: One entry per table, in table order (empty ones included).
    tables: tuple[TableDiff, ...]
    #: Changes in the releases' descriptors, ``<file>: <path>`` (none between datasets).
    metadata: tuple[FieldChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.info) or any(self.tables) or bool(self.metadata)

    def table(self, name: str) -> TableDiff:
        """The differences within one table."""
        for table in self.tables:
            if table.table == name:
                return table
        msg = f"no table {name!r}; tables are: {', '.join(TABLES)}"
        raise KeyError(msg)

    def __str__(self) -> str:
        """The readable report, :meth:`to_text` (``repr`` is the full form)."""
        return self.to_text()

    def to_text(self) -> str:
        """A readable report: one line per added, removed or changed record and field."""
        head = f"Diff {self.old_version} -> {self.new_version}"
        if not self:
            return f"{head}: no differences."
        counts = [(len(t.added), len(t.removed), len(t.changed)) for t in self.tables]
        added, removed, changed = (sum(c[i] for c in counts) for i in range(3))
        lines = [f"{head}: {added} added, {removed} removed, {changed} changed."]
        if self.info:
            lines.append("dataset:")
            lines += [f"  ~ {_field_line(c)}" for c in self.info]
        if self.metadata:
            lines.append(f"metadata: {len(self.metadata)} changed")
            lines += [f"  ~ {_field_line(c)}" for c in self.metadata]
        for table in self.tables:
            if not table:
                continue
            lines.append(
                f"{table.table}: {len(table.added)} added, {len(table.removed)} removed, "
                f"{len(table.changed)} changed"
            )
            lines += [f"  + {rid}" for rid in table.added]
            lines += [f"  - {rid}" for rid in table.removed]
            for change in table.changed:
                lines.append(f"  ~ {change.id}")
                lines += [f"      {_field_line(c)}" for c in change.fields]
        return "\n".join(one_line(line, _LINE) for line in lines)

    def to_unstructured(self) -> dict[str, Any]:
        """The diff as plain JSON-ready data (every table present)."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "info": [_field_json(c) for c in self.info],
            "metadata": [_field_json(c) for c in self.metadata],
            "tables": {
                t.table: {
                    "added": list(t.added),
                    "removed": list(t.removed),
                    "changed": [
                        {"id": c.id, "fields": [_field_json(f) for f in c.fields]}
                        for c in t.changed
                    ],
                }
                for t in self.tables
            },
        }

    def to_json(self) -> str:
        """The diff as a JSON document with sorted keys."""
        return json.dumps(self.to_unstructured(), sort_keys=True, indent=2, ensure_ascii=False)


def _render(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _field_line(change: FieldChange) -> str:
    return f"{change.field}: {_render(change.old)} -> {_render(change.new)}"


def _field_json(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": change.old, "new": change.new}


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _field_changes(old: Any, new: Any) -> tuple[FieldChange, ...]:
    before = dict(_flatten(CONVERTER.unstructure(old)))
    after = dict(_flatten(CONVERTER.unstructure(new)))
    return tuple(
        FieldChange(key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    )


def _table_diff(name: str, old: tuple[Record, ...], new: tuple[Record, ...]) -> TableDiff:
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    changed = []
    for rid in sorted(before.keys() & after.keys()):
        if before[rid] != after[rid]:
            fields = _field_changes(before[rid], after[rid])
            if fields:
                changed.append(Change(rid, fields))
    return TableDiff(
        table=name,
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(changed),
    )


def diff_datasets(old: Dataset, new: Dataset) -> Diff:
    """Every record added, removed and changed (field by field) from ``old`` to ``new``.

    Raises:
        TypeError: either argument is not a :class:`~shanghai_innovation.Dataset`.

    """
    check_argument("old", old, Dataset, "a Dataset")
    check_argument("new", new, Dataset, "a Dataset")
    return Diff(
        old_version=old.info.version,
        new_version=new.info.version,
        info=_field_changes(old.info, new.info),
        tables=tuple(_table_diff(name, old.table(name), new.table(name)) for name in TABLES),
    )


#: Keys whose values change with any byte of a file, or follow from the records.
_DERIVED_KEYS: Final = frozenset(
    {
        "bytes",
        "contentSize",
        "hash",
        "sha256",
        "shanghai_innovation:bytes",
        "shanghai_innovation:fingerprint",
        "shanghai_innovation:rows",
    }
)
#: What names an item of a list of objects, in order of preference.
_ITEM_KEYS: Final = ("@id", "name", "path")


def _item_names(old: list[Any], new: list[Any]) -> tuple[list[str], list[str]] | None:
    """Each object's identifying value on both sides, when one key names every item uniquely."""
    for key in _ITEM_KEYS:
        sides = [
            [item.get(key) if isinstance(item, dict) else None for item in items]
            for items in (old, new)
        ]
        named = [[n for n in names if isinstance(n, str)] for names in sides]
        if all(
            len(set(strings)) == len(names) for strings, names in zip(named, sides, strict=True)
        ):
            return named[0], named[1]
    return None


def _strip(value: Any) -> Any:
    """A JSON value without its derived keys (sizes, hashes, ...), at every level."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _DERIVED_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _compare(old: Any, new: Any, path: str) -> Iterator[FieldChange]:
    """Every differing value of two JSON documents, by path; derived keys are left out.

    A key or a list item (matched by its ``@id``, ``name`` or ``path``) present
    on one side only is one change, holding the whole value.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted((old.keys() | new.keys()) - _DERIVED_KEYS):
            at = f"{path}.{key}" if path else key
            if key in old and key in new:
                yield from _compare(old[key], new[key], at)
            else:
                yield FieldChange(at, _strip(old.get(key)), _strip(new.get(key)))
        return
    names = _item_names(old, new) if isinstance(old, list) and isinstance(new, list) else None
    if names is not None:
        before = dict(zip(names[0], old, strict=True))
        after = dict(zip(names[1], new, strict=True))
        for name in [*names[0], *(n for n in names[1] if n not in before)]:
            at = f"{path}[{name}]"
            if name in before and name in after:
                yield from _compare(before[name], after[name], at)
            else:
                yield FieldChange(at, _strip(before.get(name)), _strip(after.get(name)))
        return
    if _strip(old) != _strip(new):
        yield FieldChange(path, _strip(old), _strip(new))


def _metadata_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    for name in sorted(old.keys() | new.keys()):
        if name not in old or name not in new:
            presence = ("present" if name in side else None for side in (old, new))
            changes.append(FieldChange(name, *presence))
            continue
        changes += [
            attrs.evolve(change, field=f"{name}: {change.field}")
            for change in _compare(old[name], new[name], "")
        ]
    return tuple(changes)


def _descriptor_names() -> tuple[str, ...]:
    from shanghai_innovation._formats.descriptors import DESCRIPTOR_FILES  # noqa: PLC0415

    from .export import DATAPACKAGE_FILE  # noqa: PLC0415

    return (DATAPACKAGE_FILE, *DESCRIPTOR_FILES)


def _read_descriptors(root: Path, label: str) -> dict[str, Any]:
    """The descriptors present in a checked release folder, parsed strictly under the caps."""
    from shanghai_innovation._formats.json import read_json  # noqa: PLC0415

    from .reader import _read_small  # noqa: PLC0415

    documents: dict[str, Any] = {}
    for name in _descriptor_names():
        path = root / name
        if path.is_file():
            where = f"{label}/{name}"
            documents[name] = read_json(_read_small(path, where), where)
    return documents


def _open_release(source: str | Path) -> tuple[Dataset, dict[str, Any]]:
    """A release's dataset (checked as load_release checks it) and its descriptors."""
    from .reader import _check_arguments, _open_source, _Opened, _read_folder  # noqa: PLC0415

    cap, seconds = _check_arguments(source, None, None, None)  # the defaults, read at call time
    documents: dict[str, Any] = {}

    def read(root: Path, label: str) -> _Opened:
        opened = _read_folder(root, label, max_bytes=cap, thorough=False)
        documents.clear()
        documents.update(_read_descriptors(root, label))
        return opened

    opened = _open_source(source, read, cache_dir=None, max_bytes=cap, timeout=seconds)
    return opened.dataset, documents


def diff_releases(old_source: str | Path, new_source: str | Path) -> Diff:
    """Load two releases (folder, zip or URL), verifying each, and diff them.

    Besides the records and the dataset info, lists every change in the
    descriptors' content as :attr:`Diff.metadata`.

    Raises:
        ReleaseError: when either release is malformed or fails its checksums.
        DownloadError: when a URL cannot be fetched.
        TypeError: either source is not a path or a URL.

    """
    path = "a path or a URL (str or os.PathLike)"
    check_argument("old_source", old_source, (str, os.PathLike), path)
    check_argument("new_source", new_source, (str, os.PathLike), path)

    old, old_documents = _open_release(old_source)
    new, new_documents = _open_release(new_source)
    diff = diff_datasets(old, new)
    fields = [*diff.info, *(f for t in diff.tables for c in t.changed for f in c.fields)]
    listed = {(_render(f.old), _render(f.new)) for f in fields}
    metadata = tuple(
        c
        for c in _metadata_changes(old_documents, new_documents)
        if (_render(c.old), _render(c.new)) not in listed
    )
    return attrs.evolve(diff, metadata=metadata)
