"""The indexes a Dataset builds once, on first query: ids, dates, topics, sections, mentions.

Nothing here reads files or imports anything heavy; a :class:`Index` is
built from the records alone, in one pass, and never changes.

Which date of a record counts (its *when*):

=================  ==========================================================
table              date
=================  ==========================================================
sources            ``published``
metrics            ``as_of``, else ``period`` (the whole span)
events             ``date``
rankings           ``published``, else the ``edition`` year
streaks            ``latest_year``
pledges            ``made``
references         ``as_of``
others             none: entities, firsts, quotes, photos and errata are undated
=================  ==========================================================

A when is a :class:`~shanghai_innovation.PartialDate` (or a
:class:`~shanghai_innovation.Period`); its *span* is its first and last day.
The timeline places a record at its partial date, a period at its end (the
date the figure runs up to, like ``as_of``).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import operator
import typing
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

import attrs

from ._records import (
    Entity,
    Erratum,
    Event,
    Metric,
    Pledge,
    RankingPosition,
    Record,
    Reference,
    Source,
    Streak,
    reference_fields,
)
from ._values import PartialDate, Period

if TYPE_CHECKING:
    from ._dataset import Dataset

__all__ = [
    "Index",
    "fold",
    "gc_paused",
    "searched_fields",
    "texts",
    "timeline_key",
    "when",
]

_NOT_SEARCHED: Final = frozenset({"id", "url", "language", "field_name"})


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Each collection walks every live object, the indexes of a large dataset
    included; building a million index entries, cells or records (or the
    answer to a wide range query) would trigger collections costing more
    than the work itself. The collector's state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fold(text: str) -> str:
    """Text folded for matching: accents dropped (NFKD), case folded, spaces collapsed.

    >>> fold("  Zhāngjiāng   HI-TECH ")
    'zhangjiang hi-tech'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def when(record: Record) -> PartialDate | Period | None:
    """The date that counts for a record (see the module docs), or ``None``."""
    match record:
        case Event():
            return record.date
        case Metric():
            return record.as_of if record.as_of is not None else record.period
        case RankingPosition():
            return record.published if record.published is not None else PartialDate(
                record.edition
            )
        case Streak():
            return PartialDate(record.latest_year)
        case Pledge():
            return record.made
        case Source():
            return PartialDate.from_date(record.published)
        case Reference():
            return record.as_of
    return None


def timeline_key(date: PartialDate | Period) -> PartialDate:
    """Where a when sits in the timeline: the date itself, or a period's end."""
    return date.end if isinstance(date, Period) else date


def _references(record: Record) -> Iterator[str]:
    """Every id a record points at: reference fields, and an erratum's record."""
    for name, _ in reference_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, tuple):
            yield from value
        elif value is not None:
            yield value
    if isinstance(record, Erratum):
        yield record.record


_SEARCHED_FIELDS: Final[dict[type[Record], tuple[str, ...]]] = {}


def searched_fields(cls: type[Record]) -> tuple[str, ...]:
    """The free-text fields search reads: every text field but ids, urls and codes.

    Names, aliases, titles, summaries, measures, descriptions, goals,
    captions, quoted words, explanations, ...
    """
    cached = _SEARCHED_FIELDS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    names = []
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if field.name in _NOT_SEARCHED or field.metadata.get("references"):
            continue
        if hints[field.name] in (str, str | None, tuple[str, ...]):
            names.append(field.name)
    _SEARCHED_FIELDS[cls] = tuple(names)
    return _SEARCHED_FIELDS[cls]


def texts(record: Record) -> Iterator[tuple[str, str, str]]:
    """``(field, text, folded text)`` for every searched text of a record."""
    for name in searched_fields(type(record)):
        value = getattr(record, name)
        for text in value if isinstance(value, tuple) else (value,):
            if text is not None:
                yield name, text, fold(text)


#: A dated record in the range index: first day, last day, timeline rank, record.
_Entry = tuple[dt.date, dt.date, int, Record]


class Index:
    """Every lookup structure of one Dataset, built in one pass.

    Attributes:
        records: every record, in table order then file order.
        by_id: id to record (ids are unique across tables).
        order: ``id(record)`` to the record's position in table order then file order.
        classes: the dated records split by span length (a class holds spans
            of 2**(c-1) to 2**c - 1 days), each class a pair of its first days,
            sorted, and its ``(first day, last day, timeline rank, record)``
            entries, in the same order.
        timeline: every dated record in chronological order, stable for ties.
        by_topic, by_section, by_kind, mentions: inverted indexes to records
            in table order then file order.
        names: folded entity id, name or alias to entity ids.

    """

    __slots__ = (
        "by_id",
        "by_kind",
        "by_section",
        "by_topic",
        "classes",
        "mentions",
        "names",
        "order",
        "rank",
        "records",
        "searchable",
        "timeline",
    )

    def __init__(self, records: Iterable[Record]) -> None:
        with gc_paused():
            self._build(records)

    def _build(self, records: Iterable[Record]) -> None:
        self.records = tuple(records)
        self.by_id: dict[str, Record] = {}
        self.order: dict[int, int] = {}
        self.by_topic: dict[str, list[Record]] = {}
        self.by_section: dict[str, list[Record]] = {}
        self.by_kind: dict[str, list[Record]] = {}
        self.mentions: dict[str, list[Record]] = {}
        self.names: dict[str, list[str]] = {}
        dated: dict[int, list[tuple[dt.date, dt.date, int, Record]]] = {}
        keyed: list[tuple[tuple[int, int, int], Record]] = []
        # Many records share a date: work out each distinct date's span once.
        spans: dict[PartialDate | Period, tuple[dt.date, dt.date, int, tuple[int, int, int]]] = {}
        for position, record in enumerate(self.records):
            self.by_id.setdefault(record.id, record)
            self.order[id(record)] = position
            for topic in getattr(record, "topics", ()):
                self.by_topic.setdefault(topic.value, []).append(record)
            locator = getattr(record, "locator", None)
            if locator is not None:
                self.by_section.setdefault(locator.section.value, []).append(record)
            seen: set[str] = set()
            for target in _references(record):
                if target not in seen:
                    seen.add(target)
                    self.mentions.setdefault(target, []).append(record)
            if isinstance(record, Entity):
                self.by_kind.setdefault(record.kind.value, []).append(record)
                for label in (record.id, record.name, *record.aliases):
                    ids = self.names.setdefault(fold(label), [])
                    if record.id not in ids:
                        ids.append(record.id)
            date = when(record)
            if date is not None:
                known = spans.get(date)
                if known is None:
                    first, last = date.span
                    known = spans[date] = (
                        first,
                        last,
                        ((last - first).days + 1).bit_length(),
                        timeline_key(date).sort_key(),
                    )
                first, last, length_class, key = known
                dated.setdefault(length_class, []).append((first, last, position, record))
                keyed.append((key, record))
        # sorted() is stable: ties keep table order then file order.
        keyed.sort(key=operator.itemgetter(0))
        self.timeline = tuple(record for _, record in keyed)
        self.rank = {id(record): i for i, record in enumerate(self.timeline)}
        rank = self.rank
        self.classes: dict[int, tuple[list[dt.date], list[_Entry]]] = {}
        for c, entries in sorted(dated.items()):
            entries.sort(key=lambda item: (item[0], item[2]))
            self.classes[c] = (
                [item[0] for item in entries],
                [(first, last, rank[id(record)], record) for first, last, _, record in entries],
            )
        self.searchable: list[tuple[Record, tuple[tuple[str, str, str], ...]]] | None = None

    def texts(self) -> list[tuple[Record, tuple[tuple[str, str, str], ...]]]:
        """Every record with its searched texts, folded once and kept."""
        if self.searchable is None:
            self.searchable = [
                (record, tuple(texts(record))) for record in self.records
            ]
        return self.searchable

    @classmethod
    def of(cls, dataset: Dataset) -> Index:
        """Build the index of a dataset."""
        return cls(dataset.records())

    def spans(
        self, first: dt.date, last: dt.date, *, overlaps: bool
    ) -> list[tuple[int, Record]]:
        """Dated records whose span lies within (or overlaps) ``[first, last]``.

        Returns ``(timeline rank, record)`` pairs. Per span-length class,
        bisects the sorted first days and scans from the range's start
        (within), or from the longest span of the class before it (overlaps),
        to its end. A class holds spans of similar length, so the records
        scanned but not returned are about as many as those returned:
        O(log n) per class plus the size of the answer.
        """
        days = (last - first).days + 1
        found: list[tuple[int, Record]] = []
        for c, (starts, entries) in self.classes.items():
            shortest = 1 << (c - 1)
            if not overlaps and shortest > days:
                break  # every span of this class (and longer ones) is too long
            lo = first
            if overlaps:
                longest = dt.timedelta(days=(1 << c) - 1)
                lo = first - min(longest, first - dt.date.min)
            start = bisect.bisect_left(starts, lo)
            stop = bisect.bisect_right(starts, last)
            if overlaps:
                found += [(i, r) for _, end, i, r in entries[start:stop] if end >= first]
            else:
                found += [(i, r) for _, end, i, r in entries[start:stop] if end <= last]
        return found
