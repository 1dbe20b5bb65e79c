"""What changed between two datasets or two releases, record by record.

Records are matched by their stable ``id`` within each table. A record is
*added* when only the new side has its id, *removed* when only the old side
has it, and *changed* when both have it but a field differs; a change lists
every differing field by its dotted path in the record's unstructured (JSON)
form, such as ``quantity.value``, with the old and new values in that form
(a missing optional value is ``null``). Changes to the dataset info (name,
version, license, ...) are listed as well.

Ordering is stable: tables in table order, ids sorted, fields sorted. The
text form escapes every character a terminal would act on (a release's text
is outside text) and cuts a line over 10,000 characters.
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

    def __bool__(self) -> bool:
        return bool(self.info) or any(self.tables)

    def table(self, name: str) -> TableDiff:
        """The differences within one table."""
        for table in self.tables:
            if table.table == name:
                return table
        msg = f"no table {name!r}; tables are: {', '.join(TABLES)}"
        raise KeyError(msg)

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


def diff_releases(old_source: str | Path, new_source: str | Path) -> Diff:
    """Load two releases (folder, zip or URL), verifying each, and diff them.

    Raises:
        ReleaseError: when either release is malformed or fails its checksums.
        DownloadError: when a URL cannot be fetched.
        TypeError: either source is not a path or a URL.

    """
    from .reader import load_release  # noqa: PLC0415 - only the CLI path needs it

    path = "a path or a URL (str or os.PathLike)"
    check_argument("old_source", old_source, (str, os.PathLike), path)
    check_argument("new_source", new_source, (str, os.PathLike), path)

    return diff_datasets(load_release(old_source), load_release(new_source))
