"""The Dataset: every table as a tuple of records, immutable, with lookups."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from ._errors import RecordNotFoundError
from ._records import (
    RECORD_TYPES,
    Entity,
    Erratum,
    Event,
    First,
    Metric,
    Photo,
    Pledge,
    Quote,
    RankingPosition,
    Record,
    Reference,
    Source,
    Streak,
    as_tuple,
)

if TYPE_CHECKING:
    from ._index import Index
    from ._query import DateLike, DateMode, Match
    from ._vocab import EntityKind, Section, Topic

__all__ = ["TABLES", "Dataset", "DatasetInfo"]

R = TypeVar("R", bound=Record)
T = TypeVar("T")

_v = attrs.validators


@attrs.frozen
class DatasetInfo:
    """What the dataset is: name, version, license and attribution."""

    #: Package name (a slug), as in datapackage.json.
    name: str = attrs.field(validator=_v.matches_re(r"[a-z0-9]+(-[a-z0-9]+)*"))
    #: Human title.
    title: str = attrs.field(validator=_v.instance_of(str))
    #: Dataset version, SemVer: schema change major, new records minor, corrections patch.
    version: str = attrs.field(validator=_v.matches_re(r"\d+\.\d+\.\d+"))
    #: What the dataset is, in our words.
    description: str = attrs.field(validator=_v.instance_of(str))
    #: SPDX id of the license of our curation.
    license: str = attrs.field(validator=_v.instance_of(str))
    #: Where the license text lives.
    license_url: str = attrs.field(validator=_v.instance_of(str))
    #: How to credit the article the facts come from.
    attribution: str = attrs.field(validator=_v.instance_of(str))


def _tuple_of(kind: type[Record]) -> Any:
    return attrs.field(
        factory=tuple,
        converter=as_tuple,
        validator=_v.deep_iterable(_v.instance_of(kind), _v.instance_of(tuple)),
    )


@attrs.frozen(cache_hash=True)
class Dataset:
    """Every table of the dataset, each a tuple of records in file order.

    Datasets compare equal when every record and the info are equal. Build
    one with :func:`shanghai_innovation.load` (the bundled data) or
    :func:`shanghai_innovation.load_release` (a published release).
    """

    info: DatasetInfo
    sources: tuple[Source, ...] = _tuple_of(Source)
    entities: tuple[Entity, ...] = _tuple_of(Entity)
    metrics: tuple[Metric, ...] = _tuple_of(Metric)
    events: tuple[Event, ...] = _tuple_of(Event)
    rankings: tuple[RankingPosition, ...] = _tuple_of(RankingPosition)
    streaks: tuple[Streak, ...] = _tuple_of(Streak)
    pledges: tuple[Pledge, ...] = _tuple_of(Pledge)
    firsts: tuple[First, ...] = _tuple_of(First)
    quotes: tuple[Quote, ...] = _tuple_of(Quote)
    photos: tuple[Photo, ...] = _tuple_of(Photo)
    references: tuple[Reference, ...] = _tuple_of(Reference)
    errata: tuple[Erratum, ...] = _tuple_of(Erratum)

    def table(self, name: str) -> tuple[Record, ...]:
        """The records of one table, by table name (``"metrics"``, ...)."""
        if name not in TABLES:
            known = ", ".join(TABLES)
            msg = f"no table {name!r}; tables are: {known}"
            raise RecordNotFoundError(msg)
        records: tuple[Record, ...] = getattr(self, name)
        return records

    def tables(self) -> Iterator[tuple[str, tuple[Record, ...]]]:
        """Every ``(table name, records)`` pair, in table order."""
        for name in TABLES:
            yield name, self.table(name)

    def records(self) -> Iterator[Record]:
        """Every record of every table, in table order then file order."""
        for _, records in self.tables():
            yield from records

    def __len__(self) -> int:
        return sum(len(records) for _, records in self.tables())

    @functools.cached_property
    def _by_id(self) -> dict[str, Record]:
        # All that get and lookup need, built on the first: a first lookup
        # should not pay for the full index (dates, topics, names, mentions).
        by_id: dict[str, Record] = {}
        for record in self.records():
            by_id.setdefault(record.id, record)
        return by_id

    @functools.cached_property
    def _index(self) -> Index:
        # Built once, on the first query; the dataset never changes. Imported
        # here so that loading the data does not pay for the query modules.
        from ._index import Index  # noqa: PLC0415

        return Index(self.records())

    @overload
    def get(self, id: str) -> Record | None: ...
    @overload
    def get(self, id: str, default: T) -> Record | T: ...
    def get(self, id: str, default: object = None) -> object:
        """The record with this id, or ``default`` when there is none (O(1))."""
        return self._by_id.get(id, default)

    def lookup(self, id: str) -> Record:
        """The record with this id; raises :class:`RecordNotFoundError` (a ``LookupError``)."""
        try:
            return self._by_id[id]
        except KeyError:
            msg = f"no record with id {id!r}"
            raise RecordNotFoundError(msg) from None

    @overload
    def where(
        self,
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
        self,
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
        self,
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
        """The records meeting every criterion given, in table order then file order.

        Args:
            table: a table name (``"metrics"``) or record class (:class:`Metric`);
                with a class the result is typed as that class.
            kind: an :class:`EntityKind` or its token; only entities have one.
            topic: a :class:`Topic` or its token.
            entity: an entity, or its id, name or alias (case and accents
                ignored): the records that mention it (see :meth:`related`).
            section: a :class:`Section` or its token: records located there.
            start: first day of a date range (a partial date means its first day).
            end: last day of a date range (a partial date means its last day).
            mode: ``"within"`` or ``"overlaps"``, as in :meth:`between`.

        With no criterion, every record. Undated records never meet a date range.

        Raises:
            RecordNotFoundError: for an unknown table or entity.
            ValueError: for an unknown token or mode.

        """
        from ._query import where  # noqa: PLC0415 - loaded on first query

        return where(
            self,
            self._index,
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
        self, start: DateLike | None, end: DateLike | None, *, mode: DateMode = "within"
    ) -> tuple[Record, ...]:
        """Dated records in a date range, in timeline order; precision is honoured.

        The range runs from the first day of ``start`` to the last day of
        ``end`` (``None`` leaves that side open). A record's date (see
        :func:`shanghai_innovation.when`) is the span of days it can mean:
        with ``mode="within"`` the whole span must lie in the range, with
        ``mode="overlaps"`` one day is enough. So "by November 2020"
        (``2020-11``) is within ``2020-11-01..2020-12-31``, and only overlaps
        ``2020-11-15..2020-12-31``; a year-precision ``2015`` is within a
        range only when the whole of 2015 is.

        Indexed: O(log n) plus the records in the answer (for ``overlaps``,
        plus those starting up to the longest span before the range).

        Raises:
            ValueError: for a malformed date or an unknown mode.

        """
        from ._query import between  # noqa: PLC0415 - loaded on first query

        return between(self._index, start, end, mode)

    def timeline(self) -> tuple[Record, ...]:
        """Every dated record in chronological order, precision-aware, stable for ties.

        Records sort by their date (:func:`shanghai_innovation.when`; a
        period by its end) in :class:`PartialDate` order, where a coarse date
        comes just before the finer dates it contains (2020 < 2020-06 <
        2020-06-29); ties keep table order, then file order.
        """
        return self._index.timeline

    def search(self, text: str, *, limit: int | None = None) -> tuple[Match, ...]:
        """Records whose text matches, best first, case and accents ignored.

        Reads every free-text field (names, aliases, titles, summaries,
        measures, descriptions, goals, captions, quoted words, ...). Each
        record scores by its best field: 4 when the query equals the field,
        3 when it starts it, 2 when it appears as whole words, 1 anywhere.
        Order: score descending, then table order, then id.

        Raises:
            ValueError: when the text is empty once folded, or ``limit`` is negative.

        """
        from ._query import search  # noqa: PLC0415 - loaded on first query

        return search(self._index, text, limit)

    def related(self, entity: Entity | str) -> tuple[Record, ...]:
        """Every record that mentions an entity, in table order then file order.

        The entity is given as a record, or by id, name or alias (case and
        accents ignored; a name several entities share means all of them).
        A record mentions it when a reference field (``subject``,
        ``entities``, ``part_of``, ``speaker``, ``depicts``, ...) holds its
        id, or it is an erratum on the entity.

        Raises:
            RecordNotFoundError: when no entity has that id, name or alias.

        """
        from ._query import related  # noqa: PLC0415 - loaded on first query

        return related(self._index, entity)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(records)}" for name, records in self.tables())
        return f"<Dataset {self.info.name} {self.info.version}: {counts}>"


#: Table names in export order; each is a field of :class:`Dataset`.
TABLES: tuple[str, ...] = tuple(cls.table for cls in RECORD_TYPES)
