"""The Dataset: every table as a tuple of records, immutable, with lookups."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, TypeVar, overload

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
)

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
        converter=tuple,
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
        return {record.id: record for record in self.records()}

    @overload
    def get(self, id: str) -> Record | None: ...
    @overload
    def get(self, id: str, default: T) -> Record | T: ...
    def get(self, id: str, default: object = None) -> object:
        """The record with this id, or ``default`` when there is none."""
        return self._by_id.get(id, default)

    def lookup(self, id: str) -> Record:
        """The record with this id; raises :class:`RecordNotFoundError` (a ``LookupError``)."""
        try:
            return self._by_id[id]
        except KeyError:
            msg = f"no record with id {id!r}"
            raise RecordNotFoundError(msg) from None

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(records)}" for name, records in self.tables())
        return f"<Dataset {self.info.name} {self.info.version}: {counts}>"


#: Table names in export order; each is a field of :class:`Dataset`.
TABLES: tuple[str, ...] = tuple(cls.table for cls in RECORD_TYPES)
