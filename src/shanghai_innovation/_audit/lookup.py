"""What rules look up: records by id, reference figures by indicator, publication dates."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import (
    Entity,
    Event,
    Metric,
    RankingPosition,
    Record,
    Reference,
    Streak,
)
from shanghai_innovation._vocab import Confidence, Indicator, Unit

from .findings import Severity
from .numbers import amount

__all__ = ["Lookup", "covers", "describe", "lookup", "severity_of", "year_of"]

R = TypeVar("R", bound=Record)


def severity_of(references: Iterable[Reference]) -> Severity:
    """Error, or a warning when every reference relied on is of low confidence."""
    refs = list(references)
    if refs and all(r.confidence is Confidence.LOW for r in refs):
        return Severity.WARNING
    return Severity.ERROR


def year_of(metric: Metric) -> int | None:
    """The single year a metric describes, when it has one."""
    if metric.as_of is not None:
        return metric.as_of.year
    if metric.period is not None and metric.period.start.year == metric.period.end.year:
        return metric.period.start.year
    return None


def covers(metric: Metric, year: int) -> bool:
    """Whether a metric speaks of the given year (its date, or a period spanning it)."""
    if metric.as_of is not None:
        return metric.as_of.year == year
    if metric.period is not None:
        return metric.period.start.year <= year <= metric.period.end.year
    return False


class Lookup:
    """What rules look up: records by id, references by indicator, publication dates."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.by_id: dict[str, Record] = {r.id: r for r in dataset.records()}
        self.published = {s.id: s.published for s in dataset.sources}
        self.by_indicator: dict[Indicator, list[Reference]] = defaultdict(list)
        for ref in dataset.references:
            if ref.indicator is not None:
                self.by_indicator[ref.indicator].append(ref)

    def get(self, id: str | None, kind: type[R]) -> R | None:
        record = self.by_id.get(id) if id is not None else None
        return record if isinstance(record, kind) else None

    def references(self, ids: Iterable[str]) -> list[Reference]:
        return [r for r in (self.get(i, Reference) for i in ids) if r is not None]

    def figures(
        self, indicator: Indicator, subject: str | None, year: int | None, unit: Unit | None
    ) -> list[Reference]:
        """Reference figures with this indicator, subject, year and unit (None: any)."""
        found = []
        for ref in self.by_indicator.get(indicator, []):
            if ref.quantity is None or (unit is not None and ref.quantity.unit is not unit):
                continue
            if subject is not None and ref.subject != subject:
                continue
            if year is not None and (ref.as_of is None or ref.as_of.year != year):
                continue
            found.append(ref)
        return found

    def publication(self, record: Record) -> tuple[str, dt.date] | None:
        locator = getattr(record, "locator", None)
        if locator is None or locator.source not in self.published:
            return None
        return locator.source, self.published[locator.source]

    def ancestors(self, entity_id: str) -> list[str]:
        """The entities this one is part of, nearest first."""
        chain: list[str] = []
        entity = self.get(entity_id, Entity)
        while entity is not None and entity.part_of is not None:
            if entity.part_of in chain or entity.part_of == entity_id:
                break
            chain.append(entity.part_of)
            entity = self.get(entity.part_of, Entity)
        return chain


@functools.lru_cache(maxsize=4)
def lookup(dataset: Dataset) -> Lookup:
    return Lookup(dataset)


def describe(record: Record) -> str:
    """A short description of what a record states, for messages."""
    if isinstance(record, Metric):
        return f"{record.id} ({amount(record.quantity)})"
    if isinstance(record, RankingPosition):
        text = f"rank {record.rank} in {record.edition}"
        if record.previous_rank is not None:
            text += f", after {record.previous_rank} in {record.previous_year}"
        return f"{record.id} ({text})"
    if isinstance(record, Streak):
        return f"{record.id} ({record.length} years to {record.latest_year})"
    if isinstance(record, Event):
        return f"{record.id} ({record.date})"
    return record.id
