"""Module-level shortcuts: every Dataset operation, on the bundled dataset.

The bundled data is read and validated on the first call (behind a lock) and
cached; each shortcut then calls the same-named :class:`Dataset` method, the
one implementation. For any other dataset (a data folder, a release), call
the methods on it: ``si.load_release(path).search("R&D")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, overload

from ._dataset import Dataset
from ._records import Entity, Erratum, Record

if TYPE_CHECKING:
    from types import EllipsisType

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._audit import Finding
    from ._query import DateLike, DateMode
    from ._search import Match
    from ._vocab import EntityKind, Section, Topic

__all__ = [
    "between",
    "check",
    "errata_for",
    "findings_for",
    "get",
    "lookup",
    "quantities",
    "related",
    "search",
    "sql",
    "timeline",
    "to_arrow",
    "to_pandas",
    "to_polars",
    "where",
]

R = TypeVar("R", bound=Record)
T = TypeVar("T")


def _bundled() -> Dataset:
    from ._load import load  # noqa: PLC0415 - loading imports the converter; only when asked

    return load()


@overload
def get(id: str) -> Record | None: ...
@overload
def get(id: str, default: T) -> Record | T: ...
def get(id: str, default: object = None) -> object:
    """The bundled record with this id (or name), or ``default``; see :meth:`Dataset.get`."""
    return _bundled().get(id, default)


def lookup(id: str) -> Record:
    """The bundled record with this id, or else going by this name; see :meth:`Dataset.lookup`.

    Raises:
        RecordNotFoundError: a ``LookupError``, when no record has the id or
            name; it suggests close ones.

    """
    return _bundled().lookup(id)


@overload
def where(
    table: type[R],
    *,
    kind: EntityKind | str | None = ...,
    topic: Topic | str | None = ...,
    entity: Entity | str | None = ...,
    section: Section | str | None = ...,
    start: DateLike | None = ...,
    end: DateLike | None = ...,
    mode: DateMode = ...,
) -> tuple[R, ...]: ...
@overload
def where(
    table: str | None = ...,
    *,
    kind: EntityKind | str | None = ...,
    topic: Topic | str | None = ...,
    entity: Entity | str | None = ...,
    section: Section | str | None = ...,
    start: DateLike | None = ...,
    end: DateLike | None = ...,
    mode: DateMode = ...,
) -> tuple[Record, ...]: ...
def where(
    table: str | type[Record] | None = None,
    *,
    kind: EntityKind | str | None = None,
    topic: Topic | str | None = None,
    entity: Entity | str | None = None,
    section: Section | str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    mode: DateMode = "within",
) -> tuple[Record, ...]:
    """Bundled records meeting every criterion; see :meth:`Dataset.where`."""
    return _bundled().where(
        table,
        kind=kind,
        topic=topic,
        entity=entity,
        section=section,
        start=start,
        end=end,
        mode=mode,
    )


def between(
    start: DateLike | None, end: DateLike | EllipsisType | None = ..., *, mode: DateMode = "within"
) -> tuple[Record, ...]:
    """Bundled records dated in a range, precision honoured; see :meth:`Dataset.between`."""
    return _bundled().between(start, end, mode=mode)


def timeline() -> tuple[Record, ...]:
    """Every dated bundled record in chronological order; see :meth:`Dataset.timeline`."""
    return _bundled().timeline()


def search(text: str, *, limit: int | None = None) -> tuple[Match, ...]:
    """Search the bundled records, best first; see :meth:`Dataset.search`."""
    return _bundled().search(text, limit=limit)


def related(record: Record | str, *, topics: bool = True) -> tuple[Record, ...]:
    """Bundled records linked to a record, then sharing a topic; see :meth:`Dataset.related`."""
    return _bundled().related(record, topics=topics)


def errata_for(record: Record | str) -> tuple[Erratum, ...]:
    """The errata on a bundled record; see :meth:`Dataset.errata_for`."""
    return _bundled().errata_for(record)


def findings_for(record: Record | str) -> tuple[Finding, ...]:
    """The audit's findings about a bundled record; see :meth:`Dataset.findings_for`."""
    return _bundled().findings_for(record)


def check() -> list[Finding]:
    """Run every audit rule over the bundled data; see :meth:`Dataset.check`."""
    return _bundled().check()


def to_arrow(table: str | type[Record]) -> pa.Table:
    """One bundled table as a pyarrow Table; see :meth:`Dataset.to_arrow`."""
    return _bundled().to_arrow(table)


def to_pandas(table: str | type[Record]) -> pd.DataFrame:
    """One bundled table as a pandas DataFrame (extra ``pandas``); see :meth:`Dataset.to_pandas`."""
    return _bundled().to_pandas(table)


def to_polars(table: str | type[Record]) -> pl.DataFrame:
    """One bundled table as a Polars DataFrame (extra ``polars``); see :meth:`Dataset.to_polars`."""
    return _bundled().to_polars(table)


def sql(query: str) -> pa.Table:
    """A DuckDB query over the bundled tables (extra ``sql``); see :meth:`Dataset.sql`.

    >>> sql("select m.id, e.name from metrics m join entities e on m.subject = e.id"
    ...     " where m.id = 'rd-spending-2019'").to_pylist()
    [{'id': 'rd-spending-2019', 'name': 'Shanghai'}]
    """
    return _bundled().sql(query)


def quantities() -> pa.Table:
    """Every quantity the bundled data states, one per row; see :meth:`Dataset.quantities`."""
    return _bundled().quantities()
