"""Rules on dates: events within the article's period, nothing dated after publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Record
from shanghai_innovation._values import PartialDate, Period

from .findings import Finding, Severity, rule
from .lookup import lookup

__all__ = ["article_periods"]


def article_periods(dataset: Dataset) -> dict[str, tuple[Period, str]]:
    """Per source, its own period: the widest derived span containing its publication date.

    "The past five years" counted back from publication is such a span; "the
    next five years" is not (it starts after publication). Each comes with
    the id of a metric that states it.
    """
    index = lookup(dataset)
    periods: dict[str, tuple[Period, str]] = {}
    for m in dataset.metrics:
        where = index.publication(m)
        if m.period is None or not m.period.derived or where is None:
            continue
        source, published = where
        if not m.period.contains(published):
            continue
        known = periods.get(source)
        if known is None or _width(m.period) > _width(known[0]):
            periods[source] = (m.period, m.id)  # the first of equally wide spans wins
    return periods


def _width(period: Period) -> int:
    """How many days a period covers."""
    first, last = period.span
    return (last - first).days + 1


@rule(
    "event-in-period",
    "Every event lies within the article's own period (the widest derived span "
    "containing its publication date).",
)
def _event_in_period(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    periods = article_periods(dataset)
    for e in dataset.events:
        where = index.publication(e)
        if where is None or where[0] not in periods:
            continue
        period, metric_id = periods[where[0]]
        if not period.contains(e.date):
            yield Finding(
                "event-in-period",
                Severity.ERROR,
                [e.id, metric_id],
                f"{e.id} is dated {e.date}, outside the article's period {period} "
                f"(as derived for {metric_id})",
            )


def _after(date: PartialDate, published: dt.date) -> bool:
    return date.start > published


@rule(
    "event-before-publication",
    "No event, ranking release or streak year is dated after the source was published.",
)
def _event_before_publication(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    dated: list[tuple[Record, PartialDate, str]] = [(e, e.date, "dated") for e in dataset.events]
    dated += [(r, r.published, "released") for r in dataset.rankings if r.published is not None]
    dated += [(s, PartialDate(s.latest_year), "completed in") for s in dataset.streaks]
    for record, date, verb in dated:
        where = index.publication(record)
        if where is not None and _after(date, where[1]):
            source, published = where
            yield Finding(
                "event-before-publication",
                Severity.ERROR,
                [record.id, source],
                f"{record.id} is {verb} {date}, after {source} was published on {published}",
            )


@rule(
    "as-of-before-publication",
    "A number's as-of date ('by November') is no later than the source's publication.",
)
def _as_of_before_publication(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        where = index.publication(m)
        if m.as_of is None or where is None:
            continue
        source, published = where
        if m.as_of.start > published:
            yield Finding(
                "as-of-before-publication",
                Severity.ERROR,
                [m.id, source],
                f"{m.id} describes {m.as_of}, which begins after {source} was published "
                f"on {published}",
            )
        elif m.as_of.end > published:
            yield Finding(
                "as-of-before-publication",
                Severity.WARNING,
                [m.id, source],
                f"{m.id} describes {m.as_of}, which runs on past the publication of "
                f"{source} on {published}",
            )
