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
statements         ``period``, when the claim is tied to a time
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
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

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
    Statement,
    Streak,
    reference_fields,
)
from ._values import PartialDate, Period

if TYPE_CHECKING:
    from ._dataset import Dataset
    from ._search import SearchIndex

__all__ = ["Index", "gc_paused", "links", "timeline_key", "when"]


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


def when(record: Record) -> PartialDate | Period | None:
    """The date that counts for a record (see the module docs), or ``None``."""
    match record:
        case Event():
            return record.date
        case Metric():
            return record.as_of if record.as_of is not None else record.period
        case RankingPosition():
            return record.published if record.published is not None else PartialDate(record.edition)
        case Streak():
            return PartialDate(record.latest_year)
        case Pledge():
            return record.made
        case Source():
            return PartialDate.from_date(record.published)
        case Reference():
            return record.as_of
        case Statement():
            return record.period
    return None


def timeline_key(date: PartialDate | Period) -> PartialDate:
    """Where a when sits in the timeline: the date itself, or a period's end."""
    return date.end if isinstance(date, Period) else date


def links(record: Record) -> Iterator[str]:
    """Every id a record points at: its reference fields, and an erratum's record."""
    for name, _ in reference_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, tuple):
            yield from value
        elif value is not None:
            yield value
    if isinstance(record, Erratum):
        yield record.record


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

    The search structures (every searched text, every name) are built
    apart, on the first search or name looked up (:meth:`searcher`).

    """

    __slots__ = (
        "by_id",
        "by_kind",
        "by_section",
        "by_topic",
        "classes",
        "mentions",
        "order",
        "rank",
        "records",
        "search",
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
            for target in links(record):
                if target not in seen:
                    seen.add(target)
                    self.mentions.setdefault(target, []).append(record)
            if isinstance(record, Entity):
                self.by_kind.setdefault(record.kind.value, []).append(record)
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
        self.search: SearchIndex | None = None

    def searcher(self) -> SearchIndex:
        """Every record's searched texts and names, read on first use and kept."""
        if self.search is None:
            from ._search import SearchIndex  # noqa: PLC0415 - built on the first search only

            with gc_paused():
                self.search = SearchIndex(self.records)
        return self.search

    @classmethod
    def of(cls, dataset: Dataset) -> Index:
        """Build the index of a dataset."""
        return cls(dataset.records())

    def spans(self, first: dt.date, last: dt.date, *, overlaps: bool) -> list[tuple[int, Record]]:
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
                # A span of this class lasts at most 2**c - 1 days, so one that
                # reaches ``first`` starts at most 2**c - 2 days before it.
                reach = dt.timedelta(days=(1 << c) - 2)
                lo = first - min(reach, first - dt.date.min)
            start = bisect.bisect_left(starts, lo)
            stop = bisect.bisect_right(starts, last)
            if overlaps:
                found += [(i, r) for _, end, i, r in entries[start:stop] if end >= first]
            else:
                found += [(i, r) for _, end, i, r in entries[start:stop] if end <= last]
        return found
