"""Rules against reference figures: shares of GDP, national totals, exchange rates, counts."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Final

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Metric, Record, Reference
from shanghai_innovation._values import Quantity
from shanghai_innovation._vocab import Indicator, Unit

from .findings import Finding, Severity, rule
from .lookup import covers, lookup, severity_of, year_of
from .numbers import amount, num, overlap, pct, plausible, scale

__all__ = ["MAX_PART_SHARE", "RATE_TOLERANCE"]

#: The largest share of a whole (a country's total) one part may plausibly hold.
MAX_PART_SHARE: Final = Fraction(1, 2)
#: How far outside the reference exchange rates an implied rate may lie: 5 %.
RATE_TOLERANCE: Final = Fraction(5, 100)


def _intensities(dataset: Dataset, subject: str, year: int) -> list[tuple[Record, Quantity]]:
    index = lookup(dataset)
    stated: list[tuple[Record, Quantity]] = [
        (m, m.quantity)
        for m in dataset.metrics
        if m.indicator is Indicator.RD_INTENSITY
        and m.subject == subject
        and m.quantity.unit is Unit.PERCENT
        and covers(m, year)
    ]
    for ref in index.figures(Indicator.RD_INTENSITY, subject, year, Unit.PERCENT):
        assert ref.quantity is not None  # noqa: S101 - figures() returns numbers only
        stated.append((ref, ref.quantity))
    return stated


@rule(
    "share-of-gdp",
    "R&D spending divided by the reference GDP agrees with the stated and reference R&D intensity.",
)
def _share_of_gdp(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        year = year_of(m)
        if m.indicator is not Indicator.RD_EXPENDITURE or year is None:
            continue
        for gdp in index.figures(Indicator.GDP, m.subject, year, m.quantity.unit):
            assert gdp.quantity is not None  # noqa: S101 - figures() returns numbers only
            if gdp.quantity.value <= 0:
                continue
            factor = 100 / gdp.quantity.value
            share = scale(plausible(m.quantity), factor)
            point = m.quantity.value * factor
            agree: list[tuple[Record, str]] = []
            disagree: list[tuple[Record, str]] = []
            for record, q in _intensities(dataset, m.subject, year):
                text = f"{record.id} ({amount(q)})"
                (agree if overlap(share, plausible(q)) else disagree).append((record, text))
            over_whole = share.lower is not None and share.lower > 100
            if not disagree and not over_whole:
                continue
            refs = [gdp] + [r for r, _ in disagree if isinstance(r, Reference)]
            message = (
                f"{m.id}: {amount(m.quantity)} implies {float(point):.1f} % of the {year} "
                f"GDP of {num(gdp.quantity.value)} ({gdp.id})"
            )
            if over_whole:
                message += ", more than the whole economy"
            if disagree:
                message += "; against " + ", ".join(t for _, t in disagree)
            if agree:
                message += "; consistent only with " + ", ".join(t for _, t in agree)
            stated_conflict = any(isinstance(r, Metric) for r, _ in disagree)
            severity = Severity.ERROR if stated_conflict or over_whole else severity_of(refs[1:])
            if severity_of([gdp]) is Severity.WARNING:
                severity = Severity.WARNING
            yield Finding(
                "share-of-gdp",
                severity,
                [m.id, *(r.id for r, _ in disagree if isinstance(r, Metric))],
                message,
                [r.id for r in refs],
            )


@rule(
    "national-total",
    "An amount for a place is well within the reference total of the place it is part of.",
)
def _national_total(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        year = year_of(m)
        if m.indicator is None or year is None:
            continue
        if m.quantity.unit not in (Unit.CNY, Unit.USD, Unit.COUNT):
            continue
        low = plausible(m.quantity).lower
        if low is None:
            continue
        for whole_id in index.ancestors(m.subject):
            for whole in index.figures(m.indicator, whole_id, year, m.quantity.unit):
                assert whole.quantity is not None  # noqa: S101 - figures() returns numbers only
                total = whole.quantity.value
                if total <= 0 or low <= total * MAX_PART_SHARE:
                    continue
                verdict = (
                    "more than the whole"
                    if low > total
                    else f"more than {pct(MAX_PART_SHARE, signed=False)} of it, implausible "
                    "for one part"
                )
                yield Finding(
                    "national-total",
                    severity_of([whole]),
                    [m.id],
                    f"{m.id}: {amount(m.quantity)} for {m.subject} in {year} is "
                    f"{pct(low / total, signed=False)} of the total of {num(total)} for "
                    f"{whole_id} ({whole.id}), {verdict}",
                    [whole.id],
                )


@rule(
    "exchange-rate",
    "A yuan amount and its dollar equivalent imply a rate near the reference rates.",
)
def _exchange_rate(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        if m.equivalent is None:
            continue
        pair = {m.quantity.unit: m.quantity, m.equivalent.unit: m.equivalent}
        cny, usd = pair.get(Unit.CNY), pair.get(Unit.USD)
        if cny is None or usd is None or usd.value <= 0:
            continue
        rate = cny.value / usd.value
        years = {y for y in (year_of(m),) if y is not None}
        where = index.publication(m)
        if where is not None:
            years.add(where[1].year)
        refs = [
            r
            for r in index.figures(Indicator.EXCHANGE_RATE, None, None, Unit.CNY_PER_USD)
            if r.as_of is not None and r.as_of.year in years
        ]
        if not refs:
            continue
        values = [r.quantity.value for r in refs if r.quantity is not None]
        low, high = min(values), max(values)
        ids = [r.id for r in refs]
        span = f"{num(low)} to {num(high)} ({', '.join(ids)})"
        if low * (1 - RATE_TOLERANCE) <= rate <= high * (1 + RATE_TOLERANCE):
            yield Finding(
                "exchange-rate",
                Severity.INFO,
                [m.id],
                f"{m.id}: {amount(cny)} for {amount(usd)} implies {float(rate):.2f} CNY per "
                f"USD, within the reference rates {span}: the two amounts agree "
                "(which checks neither)",
                ids,
            )
        else:
            yield Finding(
                "exchange-rate",
                severity_of(refs),
                [m.id],
                f"{m.id}: {amount(cny)} for {amount(usd)} implies {float(rate):.2f} CNY per "
                f"USD, outside the reference rates {span}: one of the amounts is wrong",
                ids,
            )


@rule(
    "count-vs-reference",
    "A count agrees with a reference figure of the same indicator, subject and year.",
)
def _count_vs_reference(dataset: Dataset) -> Iterator[Finding]:
    for ref in dataset.references:
        q = ref.quantity
        if ref.indicator is None or ref.subject is None or q is None or q.unit is not Unit.COUNT:
            continue
        year = ref.as_of.year if ref.as_of is not None else None
        candidates = [
            m
            for m in dataset.metrics
            if m.indicator is ref.indicator
            and m.subject == ref.subject
            and m.quantity.unit is Unit.COUNT
            and (year is None or year_of(m) in (None, year))
        ]
        figure = plausible(q)
        if not candidates or any(overlap(plausible(m.quantity), figure) for m in candidates):
            continue
        for m in candidates:
            yield Finding(
                "count-vs-reference",
                severity_of([ref]),
                [m.id],
                f"{m.id} states {amount(m.quantity)}, but {ref.id} gives {amount(q)} "
                f"for {ref.subject}" + (f" in {year}" if year is not None else ""),
                [ref.id],
            )
