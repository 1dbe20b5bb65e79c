"""Module-level shortcuts: every query on the bundled dataset.

The bundled data is read and validated on the first call (behind a lock) and
cached; each shortcut then calls the same-named :class:`Dataset` method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, overload

from ._dataset import Dataset
from ._records import Entity, Record

if TYPE_CHECKING:  # the query modules load on the first query, not on the first lookup
    from ._query import DateLike, DateMode, Match
    from ._vocab import EntityKind, Section, Topic

__all__ = ["between", "get", "lookup", "related", "search", "timeline", "where"]

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
    """The bundled record with this id, or ``default``; see :meth:`Dataset.get`."""
    return _bundled().get(id, default)


def lookup(id: str) -> Record:
    """The bundled record with this id; see :meth:`Dataset.lookup`.

    Raises:
        RecordNotFoundError: a ``LookupError``, when no record has the id.

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
    start: DateLike | None, end: DateLike | None, *, mode: DateMode = "within"
) -> tuple[Record, ...]:
    """Bundled records dated in a range, precision honoured; see :meth:`Dataset.between`."""
    return _bundled().between(start, end, mode=mode)


def timeline() -> tuple[Record, ...]:
    """Every dated bundled record in chronological order; see :meth:`Dataset.timeline`."""
    return _bundled().timeline()


def search(text: str, *, limit: int | None = None) -> tuple[Match, ...]:
    """Search the bundled records, best first; see :meth:`Dataset.search`."""
    return _bundled().search(text, limit=limit)


def related(entity: Entity | str) -> tuple[Record, ...]:
    """Bundled records that mention an entity; see :meth:`Dataset.related`."""
    return _bundled().related(entity)
