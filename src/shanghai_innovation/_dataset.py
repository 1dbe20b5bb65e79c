"""The Dataset: every table as a tuple of records, immutable, with lookups."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
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
    Statement,
    Streak,
    as_tuple,
)
from ._text import check_text

if TYPE_CHECKING:
    from pathlib import Path
    from types import EllipsisType

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._audit import Finding
    from ._index import Index
    from ._query import DateLike, DateMode
    from ._release.export import ExportReport
    from ._search import Match
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
    title: str = attrs.field(validator=check_text)
    #: Dataset version, SemVer: schema change major, new records minor, corrections patch.
    version: str = attrs.field(validator=_v.matches_re(r"[0-9]+\.[0-9]+\.[0-9]+"))
    #: What the dataset is, in our words.
    description: str = attrs.field(validator=check_text)
    #: SPDX id of the license of our curation.
    license: str = attrs.field(validator=check_text)
    #: Where the license text lives.
    license_url: str = attrs.field(validator=check_text)
    #: How to credit the article the facts come from.
    attribution: str = attrs.field(validator=check_text)


def _tuple_of(kind: type[Record]) -> Any:
    return attrs.field(
        factory=tuple,
        converter=as_tuple,
        validator=_v.deep_iterable(_v.instance_of(kind), _v.instance_of(tuple)),
    )


@attrs.frozen(cache_hash=True)
class Dataset:
    """Every table of the dataset, each a tuple of records in file order.

    A Dataset is a collection of records: ``iter(ds)`` and ``len(ds)`` go
    over every record, ``ds["metrics"]`` or ``ds[Metric]`` is one table, and
    ``"rd-spending-2019" in ds`` asks for an id. Every operation is a method
    (queries, dataframes, the audit, the export); the module-level functions
    of the package are the same methods on the bundled dataset.

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
    statements: tuple[Statement, ...] = _tuple_of(Statement)
    references: tuple[Reference, ...] = _tuple_of(Reference)
    errata: tuple[Erratum, ...] = _tuple_of(Erratum)

    # --- the collection: records, tables, ids ---------------------------------

    @overload
    def table(self, table: type[R]) -> tuple[R, ...]: ...
    @overload
    def table(self, table: str) -> tuple[Record, ...]: ...
    def table(self, table: str | type[Record]) -> tuple[Record, ...]:
        """The records of one table, by name (``"metrics"``) or record class (:class:`Metric`).

        Raises:
            RecordNotFoundError: for a name or class that is no table.
            TypeError: for anything else.

        """
        if isinstance(table, str) and table not in TABLES and table in self._by_id:
            msg = f"no table {table!r}; it is a record id: ds.lookup({table!r}) gives the record"
            raise RecordNotFoundError(msg)
        name = table if isinstance(table, str) and table in TABLES else _table_name(table)
        records: tuple[Record, ...] = getattr(self, name)
        return records

    @overload
    def __getitem__(self, table: type[R]) -> tuple[R, ...]: ...
    @overload
    def __getitem__(self, table: str) -> tuple[Record, ...]: ...
    def __getitem__(self, table: str | type[Record]) -> tuple[Record, ...]:
        """``ds["metrics"]`` or ``ds[si.Metric]``: the records of one table (see :meth:`table`)."""
        return self.table(table)

    def tables(self) -> Iterator[tuple[str, tuple[Record, ...]]]:
        """Every ``(table name, records)`` pair, in table order."""
        for name in TABLES:
            yield name, getattr(self, name)

    def records(self) -> Iterator[Record]:
        """Every record of every table, in table order then file order."""
        for _, records in self.tables():
            yield from records

    def __iter__(self) -> Iterator[Record]:
        """Every record, in table order then file order (as :meth:`records`)."""
        return self.records()

    def __len__(self) -> int:
        """How many records there are, in every table."""
        return sum(len(records) for _, records in self.tables())

    def __contains__(self, item: object) -> bool:
        """``"rd-spending-2019" in ds``: whether a record has that id (a record: is here)."""
        if isinstance(item, Record):
            return self._by_id.get(item.id) == item
        return isinstance(item, str) and item in self._by_id

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

    # --- one record -----------------------------------------------------------

    @overload
    def get(self, id: str) -> Record | None: ...
    @overload
    def get(self, id: str, default: T) -> Record | T: ...
    def get(self, id: str, default: object = None) -> object:
        """The record with this id (O(1)), else the one record so named, else ``default``.

        Names are looked up as in :meth:`lookup`; a name several records go
        by gives ``default``.
        """
        record = self._by_id.get(id)
        if record is not None:
            return record
        # A miss: only now build the full index, with its names.
        name: object = id
        if not isinstance(name, str):
            return default
        from ._query import named  # noqa: PLC0415 - loaded on the first name

        found = named(self._index, name)
        return found[0] if len(found) == 1 else default

    def lookup(self, id: str) -> Record:
        """The record with this id, or else the one record going by this name.

        An id is found in constant time. Failing that, a name or alias
        (``"Shanghai"``, ``"integrated circuits"``) finds the record going by
        it, with case, accents, apostrophes, hyphens and punctuation ignored.

        Raises:
            RecordNotFoundError: (a ``LookupError``) when no record has that id
                or name, or several records go by the name; the message (and
                the error's ``suggestions``) offers close ids and names.
            TypeError: when ``id`` is not text.

        """
        record = self._by_id.get(id) if isinstance(id, str) else None
        if record is not None:
            return record
        # A miss: only now build the full index, with its names and suggestions.
        from ._query import resolve  # noqa: PLC0415 - loaded on the first name

        found = resolve(self._index, id, "id")
        if len(found) > 1:
            ids = ", ".join(r.id for r in found)
            msg = f"{len(found)} records go by the name {id!r}: {ids}; look one up by its id"
            raise RecordNotFoundError(msg, suggestions=tuple(r.id for r in found))
        return found[0]

    # --- queries --------------------------------------------------------------

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
            entity: an entity, or its id, name or alias (folded as in
                :meth:`lookup`): the records that mention it (see :meth:`related`).
            section: a :class:`Section` or its token: records located there.
            start: first day of a date range (a partial date means its first day).
            end: last day of a date range (a partial date means its last day).
            mode: ``"within"`` or ``"overlaps"``, as in :meth:`between`.

        With no criterion, every record. Undated records never meet a date range.

        Raises:
            RecordNotFoundError: for an unknown table or entity.
            ValueError: for an unknown token or mode.
            TypeError: for an argument of the wrong type (the message names it).

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
        self,
        start: DateLike | None,
        end: DateLike | EllipsisType | None = ...,
        *,
        mode: DateMode = "within",
    ) -> tuple[Record, ...]:
        """Dated records in a date range, in timeline order; precision is honoured.

        The range runs from the first day of ``start`` to the last day of
        ``end`` (``None`` leaves that side open); without ``end`` it is the
        span of ``start`` alone, so ``between("2020-07")`` is July 2020. A record's date (see
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
            TypeError: for a bound that is no date.

        """
        from ._query import between  # noqa: PLC0415 - loaded on first query

        return between(self._index, start, start if end is ... else end, mode)

    def timeline(self) -> tuple[Record, ...]:
        """Every dated record in chronological order, precision-aware, stable for ties.

        Records sort by their date (:func:`shanghai_innovation.when`; a
        period by its end) in :class:`PartialDate` order, where a coarse date
        comes just before the finer dates it contains (2020 < 2020-06 <
        2020-06-29); ties keep table order, then file order.
        """
        return self._index.timeline

    def search(self, text: str, *, limit: int | None = None) -> tuple[Match, ...]:
        """Records whose words match the query's, in any order, best first.

        Reads every name (the id, and fields marked as names: an entity's
        name, aliases and any Chinese name) and every free-text field
        (titles, summaries, measures, descriptions, goals, captions, quoted
        words, ...). Case, accents, apostrophes, hyphens and punctuation are
        ignored, plurals match singulars, common abbreviations ("R&D", "AI",
        "IC", "S&T", "COVID", ...) match what they stand for, and Chinese text
        matches by substring. Whole words score above parts of words and
        names above prose; hits under a small score are dropped as noise.
        The table of scores is in the guide (:doc:`/guide/queries`).

        Order: score descending, then table order, then id.

        Raises:
            TypeError: when ``text`` is not text or ``limit`` not an int.
            ValueError: when the text is blank, or ``limit`` is negative.

        """
        from ._query import search  # noqa: PLC0415 - loaded on first query

        return search(self._index, text, limit)

    def related(self, record: Record | str, *, topics: bool = True) -> tuple[Record, ...]:
        """Every record linked to this one, in both directions, then those sharing a topic.

        The record is given as a record, by id, or by a name it goes by
        (``"integrated circuits"``; a name several records share means all of
        them). Linked records come first, in table order then file order:
        those it points at (any reference field: ``subject``, ``entities``,
        ``counted_in``, ``part_of``, ``change_of``, ``references``, an
        erratum's record, ...) and those pointing at it. With ``topics`` (the
        default), records sharing one of its topics follow, in the same
        order: a weaker tier.

        Raises:
            RecordNotFoundError: when no record has that id or name.
            TypeError: for anything but a record or text.

        """
        from ._query import related  # noqa: PLC0415 - loaded on first query

        return related(self._index, record, topics=topics)

    def errata_for(self, record: Record | str) -> tuple[Erratum, ...]:
        """The errata on a record (given as a record, id or name), in file order.

        Raises:
            RecordNotFoundError: when no record has that id or name.

        """
        from ._query import errata_for  # noqa: PLC0415 - loaded on first query

        return errata_for(self._index, record)

    def findings_for(self, record: Record | str) -> tuple[Finding, ...]:
        """The audit's findings about a record, or resting on it as a reference, in audit order.

        The audit (:meth:`check`) runs once per dataset, on the first call.

        Raises:
            RecordNotFoundError: when no record has that id or name.

        """
        from ._query import resolve  # noqa: PLC0415 - loaded on first query

        ids = {r.id for r in resolve(self._index, record)}
        return tuple(f for f in self._findings if ids & {*f.records, *f.references})

    # --- the audit and the release ------------------------------------------------

    @functools.cached_property
    def _findings(self) -> tuple[Finding, ...]:
        from ._audit import check  # noqa: PLC0415 - the audit is loaded when asked for

        return tuple(check(self))

    def check(self) -> list[Finding]:
        """Run every audit rule over the dataset (once; later calls give the same findings).

        Findings come in rule order, then in data order; each names the
        errata that acknowledge it (:attr:`Finding.errata`). See
        :doc:`/guide/audit`.
        """
        return list(self._findings)

    def export(
        self,
        output: Path | str,
        *,
        formats: Iterable[str] = ("parquet", "csv", "json"),
        force: bool = False,
    ) -> ExportReport:
        """Write this dataset's open-data release into a folder, atomically.

        The same as :func:`shanghai_innovation.export_release` with
        ``dataset=`` this dataset; see there for the arguments and errors.
        """
        from ._release.export import export_release  # noqa: PLC0415 - loads the writers

        return export_release(output, dataset=self, formats=formats, force=force)

    # --- tables for other libraries -------------------------------------------------

    def to_arrow(self, table: str | type[Record]) -> pa.Table:
        """One table as a pyarrow Table, typed by the table spec.

        ``table`` is a table name or record class, as for :meth:`where`. Each
        field of the schema carries metadata ``description`` (and ``unit``
        where the column has one, ``references`` for ids of another table);
        the schema metadata names the table. A pyarrow Table speaks the Arrow
        PyCapsule stream protocol (``__arrow_c_stream__``).

        Raises:
            RecordNotFoundError: when there is no such table.

        """
        from ._interop import arrow_table  # noqa: PLC0415 - imports pyarrow

        return arrow_table(self, table)

    def to_pandas(self, table: str | type[Record]) -> pd.DataFrame:
        """One table as a pandas DataFrame with real types (extra ``pandas``).

        Dates are ``datetime64``, true/false columns the nullable
        ``boolean`` dtype, whole numbers the nullable ``Int64``, enumerated
        columns ``category``, lists arrays. ``DataFrame.attrs`` holds the
        table name, its description and, per column, its description and
        unit (``frame.attrs["columns"]["quantity_value"]``).

        Raises:
            MissingExtraError: when pandas is not installed.

        """
        from ._interop import pandas_frame  # noqa: PLC0415 - imports pandas

        return pandas_frame(self, table)

    def to_polars(self, table: str | type[Record]) -> pl.DataFrame:
        """One table as a Polars DataFrame (extra ``polars``).

        Enumerated columns become ``Categorical``, dates ``Date``, lists
        ``List(String)``.

        Raises:
            MissingExtraError: when Polars is not installed.

        """
        from ._interop import polars_frame  # noqa: PLC0415 - imports polars

        return polars_frame(self, table)

    def sql(self, query: str) -> pa.Table:
        """Run a DuckDB query over every table, each registered by its name (extra ``sql``).

        Quote table names that are SQL keywords: ``select * from "references"``.

        Raises:
            MissingExtraError: when DuckDB is not installed.
            TypeError: when the query is not text.

        """
        from ._interop import run_sql  # noqa: PLC0415 - imports duckdb

        return run_sql(self, query)

    def quantities(self) -> pa.Table:
        """Every quantity the records state, one per row, its unit and hedge beside it.

        A tidy view for arithmetic: the ``metrics`` table has one row per
        metric and mixes yuan, percentages, ratios and counts in
        ``quantity_value``; here each row is one number (a metric's
        ``quantity`` and its ``equivalent``, a pledge's ``horizon``, a
        ranking's ``out_of``, a reference's figure, ...), with ``table``,
        ``id``, ``field``, ``subject``, ``measure``, the ``quantity_*``
        columns of the metrics table and the record's ``date``,
        ``first_day`` and ``last_day``. Filter on ``quantity_unit`` (and read
        ``quantity_qualifier``) before adding numbers up. Records in table
        order then file order, fields in field order.
        """
        from ._quantities import quantities_table  # noqa: PLC0415 - imports pyarrow

        return quantities_table(self)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(records)}" for name, records in self.tables())
        return f"<Dataset {self.info.name} {self.info.version}: {counts}>"


#: Table names in export order; each is a field of :class:`Dataset`.
TABLES: tuple[str, ...] = tuple(cls.table for cls in RECORD_TYPES)


def _table_name(table: object) -> str:
    from ._query import table_name  # noqa: PLC0415 - the one reading of a table argument

    return table_name(table)
