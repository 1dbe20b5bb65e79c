"""The audit: small rules that check the data against itself and the reference figures.

Each rule is a function over a :class:`~shanghai_innovation.Dataset` that
returns :class:`Finding` objects; :data:`RULES` lists them with their id and a
one-line description. Rules match the article's numbers to reference figures
by :class:`~shanghai_innovation.Indicator`, subject and year, and follow the
links the records carry (``references``, ``part_of``, ``change_of``,
``counted_in``), never hard-coded record ids.

An erratum acknowledges a finding when it lists the finding's rule in its
``rules`` and names one of the finding's records. :func:`exit_status` is 0
when every error is acknowledged.

Severity: a contradiction is an error, unless every reference it rests on is
of low confidence, in which case it is a warning at most. A hedged number
("nearly", "about") is taken to lie within :data:`CLOSE` of the stated value.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Final, TypeVar

import attrs

from ._dataset import Dataset
from ._load import load
from ._records import (
    Entity,
    Erratum,
    Event,
    Metric,
    RankingPosition,
    Record,
    Reference,
    Streak,
)
from ._values import Interval, PartialDate, Period, Quantity
from ._vocab import Confidence, ErratumKind, Indicator, Unit

__all__ = [
    "CLOSE",
    "MAX_PART_SHARE",
    "RATE_TOLERANCE",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "check",
    "exit_status",
    "findings_to_json",
    "findings_to_text",
]

#: How close a hedged value ("nearly", "about") is taken to be: within 15 %.
CLOSE: Final = Fraction(15, 100)
#: The largest share of a whole (a country's total) one part may plausibly hold.
MAX_PART_SHARE: Final = Fraction(1, 2)
#: How far outside the reference exchange rates an implied rate may lie: 5 %.
RATE_TOLERANCE: Final = Fraction(5, 100)

R = TypeVar("R", bound=Record)


class Severity(enum.Enum):
    """How serious a finding is."""

    #: The data contradicts itself or a reliable reference.
    ERROR = "error"
    #: Doubtful: rests on a weak reference, or cannot be confirmed.
    WARNING = "warning"
    #: A check that passed, reported for the record.
    INFO = "info"


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Finding:
    """One result of an audit rule."""

    #: Id of the rule that found it.
    rule: str
    #: Error, warning or info.
    severity: Severity
    #: Ids of the records involved, the main one first.
    records: tuple[str, ...] = attrs.field(converter=_ids)
    #: What was found, with the numbers computed.
    message: str
    #: Ids of the reference figures the rule relied on.
    references: tuple[str, ...] = attrs.field(converter=_ids, factory=tuple)
    #: Whether an erratum lists this rule and one of these records.
    acknowledged: bool = False

    def to_dict(self) -> dict[str, object]:
        """The finding as plain JSON values (the ``--json`` shape)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "records": list(self.records),
            "message": self.message,
            "references": list(self.references),
            "acknowledged": self.acknowledged,
        }


RuleCheck = Callable[[Dataset], Iterable[Finding]]


@attrs.frozen
class Rule:
    """An audit rule: its fixed id, what it checks, and the function."""

    #: Stable id, cited by errata (``rules = [...]``).
    id: str
    #: What the rule checks, in one line.
    description: str
    #: The check itself.
    check: RuleCheck = attrs.field(repr=False)


_RULES: list[Rule] = []


def _rule(id: str, description: str) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        _RULES.append(Rule(id, description, check))
        return check

    return register


# --- numbers -----------------------------------------------------------------


def _num(value: Fraction) -> str:
    """A readable number: 1.5 trillion, 94 billion, 6.696, 16000."""
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(value) >= size:
            return f"{float(value / size):.4g} {word}"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4g}"


def _amount(quantity: Quantity) -> str:
    hedge = "" if quantity.qualifier.value == "exact" else f"{quantity.qualifier.value} "
    if quantity.unit is Unit.PERCENT:
        return f"{hedge}{_num(quantity.value)} %"
    if quantity.unit is Unit.RATIO:
        return f"{hedge}{quantity.exact} ({_pct(quantity.value)})"
    if quantity.unit is Unit.COUNT:
        return f"{hedge}{_num(quantity.value)}"
    return f"{hedge}{_num(quantity.value)} {quantity.unit.value}"


def _pct(value: Fraction, signed: bool = True) -> str:
    return f"{float(value * 100):+.1f} %" if signed else f"{float(value * 100):.1f} %"


def _plausible(quantity: Quantity) -> Interval:
    """The bounds of a quantity, with "nearly"/"about" made a band of :data:`CLOSE`."""
    bounds = quantity.bounds
    if bounds.close_to is None:
        return bounds
    band = abs(bounds.close_to) * CLOSE
    upper = bounds.upper if bounds.upper is not None else bounds.close_to + band
    return Interval(bounds.close_to - band, True, upper, True)


def _scale(interval: Interval, factor: Fraction, shift: Fraction = Fraction(0)) -> Interval:
    """``interval * factor + shift`` for a positive factor."""

    def f(value: Fraction | None) -> Fraction | None:
        return None if value is None else value * factor + shift

    return Interval(
        f(interval.lower), interval.lower_inclusive, f(interval.upper), interval.upper_inclusive
    )


def _overlap(a: Interval, b: Interval) -> bool:
    """Whether some value lies in both intervals."""
    if a.lower is None or (b.lower is not None and b.lower > a.lower):
        lower, lower_inc = b.lower, b.lower_inclusive
    elif b.lower is None or a.lower > b.lower:
        lower, lower_inc = a.lower, a.lower_inclusive
    else:
        lower, lower_inc = a.lower, a.lower_inclusive and b.lower_inclusive
    if a.upper is None or (b.upper is not None and b.upper < a.upper):
        upper, upper_inc = b.upper, b.upper_inclusive
    elif b.upper is None or a.upper < b.upper:
        upper, upper_inc = a.upper, a.upper_inclusive
    else:
        upper, upper_inc = a.upper, a.upper_inclusive and b.upper_inclusive
    return not Interval(lower, lower_inc, upper, upper_inc).is_empty()


def _exceeds(low: Interval, high: Interval) -> bool:
    """Whether every value of ``low`` is above every value of ``high``."""
    if low.lower is None or high.upper is None:
        return False
    if low.lower == high.upper:
        return not (low.lower_inclusive and high.upper_inclusive)
    return low.lower > high.upper


def _range_text(interval: Interval, fmt: Callable[[Fraction], str] = _num) -> str:
    if interval.lower is not None and interval.upper is not None:
        if interval.lower == interval.upper:
            return fmt(interval.lower)
        return f"{fmt(interval.lower)} to {fmt(interval.upper)}"
    if interval.lower is not None:
        return f"{'at least' if interval.lower_inclusive else 'above'} {fmt(interval.lower)}"
    if interval.upper is not None:
        return f"{'at most' if interval.upper_inclusive else 'below'} {fmt(interval.upper)}"
    return "any value"


# --- looking things up -----------------------------------------------------------


def _severity(references: Iterable[Reference]) -> Severity:
    """Error, or a warning when every reference relied on is of low confidence."""
    refs = list(references)
    if refs and all(r.confidence is Confidence.LOW for r in refs):
        return Severity.WARNING
    return Severity.ERROR


def _year(metric: Metric) -> int | None:
    """The single year a metric describes, when it has one."""
    if metric.as_of is not None:
        return metric.as_of.year
    if metric.period is not None and metric.period.start.year == metric.period.end.year:
        return metric.period.start.year
    return None


def _covers(metric: Metric, year: int) -> bool:
    """Whether a metric speaks of the given year (its date, or a period spanning it)."""
    if metric.as_of is not None:
        return metric.as_of.year == year
    if metric.period is not None:
        return metric.period.start.year <= year <= metric.period.end.year
    return False


class _Index:
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
def _index(dataset: Dataset) -> _Index:
    return _Index(dataset)


def _describe(record: Record) -> str:
    """A short description of what a record states, for messages."""
    if isinstance(record, Metric):
        return f"{record.id} ({_amount(record.quantity)})"
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


# --- the rules ---------------------------------------------------------------------


@_rule("rank-movement", "A stated rank movement equals the earlier rank minus the current one.")
def _rank_movement(dataset: Dataset) -> Iterator[Finding]:
    for r in dataset.rankings:
        computed = r.computed_movement
        if r.movement is None or computed is None or r.movement == computed:
            continue
        yield Finding(
            "rank-movement",
            Severity.ERROR,
            [r.id],
            f"{r.id}: the stated movement is {r.movement:+d} places, but rank "
            f"{r.previous_rank} in {r.previous_year} to rank {r.rank} in {r.edition} "
            f"is {computed:+d}",
        )


@_rule(
    "streak-first-year",
    "A streak's length and latest year give the first year the cited references give.",
)
def _streak_first_year(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for s in dataset.streaks:
        for ref in index.references(s.references):
            q = ref.quantity
            if q is None or q.unit is not Unit.YEARS or ref.as_of is None:
                continue
            implied = ref.as_of.year - int(q.value) + 1
            if implied == s.first_year:
                continue
            yield Finding(
                "streak-first-year",
                _severity([ref]),
                [s.id],
                f"{s.id}: {s.length} consecutive years to {s.latest_year} began in "
                f"{s.first_year}, but {ref.id} ({int(q.value)} years to {ref.as_of}) "
                f"puts the start in {implied}",
                [ref.id],
            )


def _linked(a: Metric, b: Metric) -> bool:
    return a.id in (b.part_of, b.change_of) or b.id in (a.part_of, a.change_of)


def _metric_mentions(dataset: Dataset) -> Iterator[tuple[Metric, Metric]]:
    """Pairs of metrics that state the same fact."""
    metrics = dataset.metrics
    for i, a in enumerate(metrics):
        for b in metrics[i + 1 :]:
            if (a.subject, a.quantity.unit, a.as_of, a.period) != (
                b.subject,
                b.quantity.unit,
                b.as_of,
                b.period,
            ) or _linked(a, b):
                continue
            same_indicator = a.indicator is not None and a.indicator is b.indicator
            if a.measure == b.measure or same_indicator:
                yield a, b


@_rule(
    "mentions-agree",
    "Two mentions of the same fact (streak, rank or number) state the same value.",
)
def _mentions_agree(dataset: Dataset) -> Iterator[Finding]:
    streaks: dict[tuple[str, str], list[Streak]] = defaultdict(list)
    for s in dataset.streaks:
        streaks[s.subject, s.ranking].append(s)
    for group in streaks.values():
        if len({s.first_year for s in group}) > 1:
            stated = "; ".join(f"{_describe(s)} from {s.first_year}" for s in group)
            yield Finding(
                "mentions-agree",
                Severity.ERROR,
                [s.id for s in group],
                f"the same streak is stated with different first years: {stated}",
            )
    ranks: dict[tuple[str, str, int], list[tuple[int, str]]] = defaultdict(list)
    for r in dataset.rankings:
        ranks[r.ranking, r.subject, r.edition].append((r.rank, r.id))
    for r in dataset.rankings:
        if r.previous_rank is not None and r.previous_year is not None:
            ranks[r.ranking, r.subject, r.previous_year].append((r.previous_rank, r.id))
    for (ranking, subject, edition), stated_ranks in ranks.items():
        if len({rank for rank, _ in stated_ranks}) > 1:
            listed = ", ".join(f"{rank} ({id})" for rank, id in stated_ranks)
            yield Finding(
                "mentions-agree",
                Severity.ERROR,
                list(dict.fromkeys(id for _, id in stated_ranks)),
                f"{subject} is given different places in {ranking} {edition}: {listed}",
            )
    for a, b in _metric_mentions(dataset):
        if _overlap(_plausible(a.quantity), _plausible(b.quantity)):
            continue
        yield Finding(
            "mentions-agree",
            Severity.ERROR,
            [a.id, b.id],
            f"two mentions of the same number disagree: {_describe(a)} as of {a.as_of} "
            f"against {_describe(b)} as of {b.as_of}",
        )


@_rule(
    "pledge-target-year",
    "A pledge's year plus its horizon gives a target year after the article's publication.",
)
def _pledge_target_year(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for p in dataset.pledges:
        where = index.publication(p)
        if where is None:
            continue
        source, published = where
        sums = f"{p.made.year} + {p.horizon.exact} years = {p.target_year}"
        if p.made.start > published:
            yield Finding(
                "pledge-target-year",
                Severity.ERROR,
                [p.id, source],
                f"{p.id}: made in {p.made}, after {source} was published ({published})",
            )
        elif p.target_year <= published.year:
            yield Finding(
                "pledge-target-year",
                Severity.WARNING,
                [p.id, source],
                f"{p.id}: {sums}, which is not after the publication of {source} "
                f"({published}); the goal had already fallen due",
            )


@_rule(
    "growth-vs-baseline",
    "Stated growth since a baseline year matches the reference figure for that year.",
)
def _growth_vs_baseline(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for m in dataset.metrics:
        changed = index.get(m.change_of, Metric)
        if changed is None or m.baseline is None or m.quantity.unit is not Unit.RATIO:
            continue
        if changed.indicator is None:
            continue
        stated = _plausible(m.quantity)
        unit = changed.quantity.unit
        ends = index.figures(changed.indicator, changed.subject, _year(changed), unit)
        for base in index.figures(changed.indicator, changed.subject, m.baseline.year, unit):
            assert base.quantity is not None  # noqa: S101 - figures() returns numbers only
            if base.quantity.value <= 0:
                continue
            factor = 1 / base.quantity.value
            implied = _scale(_plausible(changed.quantity), factor, Fraction(-1))
            if _overlap(implied, stated):
                continue
            ratio = changed.quantity.value * factor
            message = (
                f"{changed.id} ({_amount(changed.quantity)}) is {float(ratio):.3g} times the "
                f"{m.baseline.year} figure of {_num(base.quantity.value)} ({base.id}), growth of "
                f"{_pct(ratio - 1)}, not the {_amount(m.quantity)} stated by {m.id}"
            )
            used = [base]
            for end in ends:
                assert end.quantity is not None  # noqa: S101 - figures() returns numbers only
                growth = end.quantity.value * factor - 1
                fits = "which fits" if growth in stated else "which does not fit either"
                message += (
                    f"; the reference figure {_num(end.quantity.value)} ({end.id}) gives "
                    f"{_pct(growth)}, {fits}"
                )
                used.append(end)
            yield Finding(
                "growth-vs-baseline",
                _severity([base]),
                [changed.id, m.id],
                message,
                [r.id for r in used],
            )


@_rule(
    "part-within-whole",
    "A part is no larger than its whole; the entities counted in a count do not outnumber it.",
)
def _part_within_whole(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for m in dataset.metrics:
        whole = index.get(m.part_of, Metric)
        if whole is None or whole.quantity.unit is not m.quantity.unit:
            continue
        part_range, whole_range = _plausible(m.quantity), _plausible(whole.quantity)
        if _exceeds(part_range, whole_range):
            yield Finding(
                "part-within-whole",
                Severity.ERROR,
                [m.id, whole.id],
                f"{m.id} ({_amount(m.quantity)}, {_range_text(part_range)}) is larger than "
                f"the whole it is part of, {whole.id} ({_amount(whole.quantity)}, "
                f"{_range_text(whole_range)})",
            )
    counted: dict[str, list[str]] = defaultdict(list)
    for e in dataset.entities:
        for metric_id in e.counted_in:
            counted[metric_id].append(e.id)
    for metric_id, members in counted.items():
        count = index.get(metric_id, Metric)
        if count is None or count.quantity.unit is not Unit.COUNT:
            continue
        n = Fraction(len(members))
        if _exceeds(Interval(n, True, n, True), _plausible(count.quantity)):
            yield Finding(
                "part-within-whole",
                Severity.ERROR,
                [count.id, *members],
                f"{len(members)} entities are counted in {count.id}, which states only "
                f"{_amount(count.quantity)}: {', '.join(members)}",
            )


def _article_periods(dataset: Dataset) -> dict[str, tuple[Period, str]]:
    """Per source, its own period: the widest derived span containing its publication date.

    "The past five years" counted back from publication is such a span; "the
    next five years" is not (it starts after publication). Each comes with
    the id of a metric that states it.
    """
    index = _index(dataset)
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


@_rule(
    "event-in-period",
    "Every event lies within the article's own period (the widest derived span "
    "containing its publication date).",
)
def _event_in_period(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    periods = _article_periods(dataset)
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


@_rule(
    "event-before-publication",
    "No event, ranking release or streak year is dated after the source was published.",
)
def _event_before_publication(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
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


@_rule(
    "as-of-before-publication",
    "A number's as-of date ('by November') is no later than the source's publication.",
)
def _as_of_before_publication(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
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


def _intensities(dataset: Dataset, subject: str, year: int) -> list[tuple[Record, Quantity]]:
    index = _index(dataset)
    stated: list[tuple[Record, Quantity]] = [
        (m, m.quantity)
        for m in dataset.metrics
        if m.indicator is Indicator.RD_INTENSITY
        and m.subject == subject
        and m.quantity.unit is Unit.PERCENT
        and _covers(m, year)
    ]
    for ref in index.figures(Indicator.RD_INTENSITY, subject, year, Unit.PERCENT):
        assert ref.quantity is not None  # noqa: S101 - figures() returns numbers only
        stated.append((ref, ref.quantity))
    return stated


@_rule(
    "share-of-gdp",
    "R&D spending divided by the reference GDP agrees with the stated and reference R&D intensity.",
)
def _share_of_gdp(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for m in dataset.metrics:
        year = _year(m)
        if m.indicator is not Indicator.RD_EXPENDITURE or year is None:
            continue
        for gdp in index.figures(Indicator.GDP, m.subject, year, m.quantity.unit):
            assert gdp.quantity is not None  # noqa: S101 - figures() returns numbers only
            if gdp.quantity.value <= 0:
                continue
            factor = 100 / gdp.quantity.value
            share = _scale(_plausible(m.quantity), factor)
            point = m.quantity.value * factor
            agree: list[tuple[Record, str]] = []
            disagree: list[tuple[Record, str]] = []
            for record, q in _intensities(dataset, m.subject, year):
                text = f"{record.id} ({_amount(q)})"
                (agree if _overlap(share, _plausible(q)) else disagree).append((record, text))
            over_whole = share.lower is not None and share.lower > 100
            if not disagree and not over_whole:
                continue
            refs = [gdp] + [r for r, _ in disagree if isinstance(r, Reference)]
            message = (
                f"{m.id}: {_amount(m.quantity)} implies {float(point):.1f} % of the {year} "
                f"GDP of {_num(gdp.quantity.value)} ({gdp.id})"
            )
            if over_whole:
                message += ", more than the whole economy"
            if disagree:
                message += "; against " + ", ".join(t for _, t in disagree)
            if agree:
                message += "; consistent only with " + ", ".join(t for _, t in agree)
            stated_conflict = any(isinstance(r, Metric) for r, _ in disagree)
            severity = Severity.ERROR if stated_conflict or over_whole else _severity(refs[1:])
            if _severity([gdp]) is Severity.WARNING:
                severity = Severity.WARNING
            yield Finding(
                "share-of-gdp",
                severity,
                [m.id, *(r.id for r, _ in disagree if isinstance(r, Metric))],
                message,
                [r.id for r in refs],
            )


@_rule(
    "national-total",
    "An amount for a place is well within the reference total of the place it is part of.",
)
def _national_total(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for m in dataset.metrics:
        year = _year(m)
        if m.indicator is None or year is None:
            continue
        if m.quantity.unit not in (Unit.CNY, Unit.USD, Unit.COUNT):
            continue
        low = _plausible(m.quantity).lower
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
                    else f"more than {_pct(MAX_PART_SHARE, signed=False)} of it, implausible "
                    "for one part"
                )
                yield Finding(
                    "national-total",
                    _severity([whole]),
                    [m.id],
                    f"{m.id}: {_amount(m.quantity)} for {m.subject} in {year} is "
                    f"{_pct(low / total, signed=False)} of the total of {_num(total)} for "
                    f"{whole_id} ({whole.id}), {verdict}",
                    [whole.id],
                )


@_rule(
    "exchange-rate",
    "A yuan amount and its dollar equivalent imply a rate near the reference rates.",
)
def _exchange_rate(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for m in dataset.metrics:
        if m.equivalent is None:
            continue
        pair = {m.quantity.unit: m.quantity, m.equivalent.unit: m.equivalent}
        cny, usd = pair.get(Unit.CNY), pair.get(Unit.USD)
        if cny is None or usd is None or usd.value <= 0:
            continue
        rate = cny.value / usd.value
        years = {y for y in (_year(m),) if y is not None}
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
        span = f"{_num(low)} to {_num(high)} ({', '.join(ids)})"
        if low * (1 - RATE_TOLERANCE) <= rate <= high * (1 + RATE_TOLERANCE):
            yield Finding(
                "exchange-rate",
                Severity.INFO,
                [m.id],
                f"{m.id}: {_amount(cny)} for {_amount(usd)} implies {float(rate):.2f} CNY per "
                f"USD, within the reference rates {span}: the conversion is plausible",
                ids,
            )
        else:
            yield Finding(
                "exchange-rate",
                _severity(refs),
                [m.id],
                f"{m.id}: {_amount(cny)} for {_amount(usd)} implies {float(rate):.2f} CNY per "
                f"USD, outside the reference rates {span}: one of the amounts is wrong",
                ids,
            )


@_rule(
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
            and (year is None or _year(m) in (None, year))
        ]
        figure = _plausible(q)
        if not candidates or any(_overlap(_plausible(m.quantity), figure) for m in candidates):
            continue
        for m in candidates:
            yield Finding(
                "count-vs-reference",
                _severity([ref]),
                [m.id],
                f"{m.id} states {_amount(m.quantity)}, but {ref.id} gives {_amount(q)} "
                f"for {ref.subject}" + (f" in {year}" if year is not None else ""),
                [ref.id],
            )


@_rule(
    "unverified-reference",
    "A statement citing a low-confidence reference is flagged as unverified (a warning).",
)
def _unverified_reference(dataset: Dataset) -> Iterator[Finding]:
    index = _index(dataset)
    for record in dataset.records():
        # Entities cite references to identify themselves; errata to explain.
        if isinstance(record, Entity | Erratum | Reference):
            continue
        low = [
            r
            for r in index.references(getattr(record, "references", ()))
            if r.confidence is Confidence.LOW
        ]
        if low:
            ids = [r.id for r in low]
            yield Finding(
                "unverified-reference",
                Severity.WARNING,
                [record.id],
                f"{_describe(record)} rests in part on low-confidence evidence "
                f"({', '.join(ids)}): that part is unverified",
                ids,
            )


@_rule(
    "textual-fault",
    "Every erratum marking words as garbled is reported, so the fault stays visible.",
)
def _textual_fault(dataset: Dataset) -> Iterator[Finding]:
    for e in dataset.errata:
        if e.kind is not ErratumKind.GARBLED:
            continue
        likely = f"; probably {e.likely}" if e.likely else ""
        yield Finding(
            "textual-fault",
            Severity.WARNING,
            [e.record],
            f"{e.record}.{e.field_name}: the stated words {e.stated!r} are garbled "
            f"(erratum {e.id}){likely}",
            e.references,
        )


#: Every audit rule, in the order findings are reported.
RULES: Final[tuple[Rule, ...]] = tuple(_RULES)


# --- running and reporting ---------------------------------------------------------


def _acknowledge(findings: Iterable[Finding], errata: Sequence[Erratum]) -> list[Finding]:
    covered = {(rule, e.record) for e in errata for rule in e.rules}
    return [
        attrs.evolve(f, acknowledged=any((f.rule, r) in covered for r in f.records))
        for f in findings
    ]


def check(dataset: Dataset | None = None) -> list[Finding]:
    """Run every rule over a dataset (the bundled data by default).

    Findings come in rule order (:data:`RULES`), then in data order; the
    result is the same for the same data. Each says whether an erratum
    acknowledges it.
    """
    ds = load() if dataset is None else dataset
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.check(ds))
    return _acknowledge(findings, ds.errata)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when every error is acknowledged by an erratum, 1 otherwise."""
    return int(any(f.severity is Severity.ERROR and not f.acknowledged for f in findings))


def findings_to_json(findings: Iterable[Finding]) -> str:
    """The findings as a JSON list of objects (rule, severity, records, message, ...)."""
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def findings_to_text(findings: Iterable[Finding]) -> str:
    """The findings for people: one block per finding, then a summary line."""
    items = list(findings)
    lines: list[str] = []
    for f in items:
        mark = " (acknowledged)" if f.acknowledged else ""
        lines.append(f"{f.severity.value}: {f.rule}: {', '.join(f.records)}{mark}")
        lines.append(f"    {f.message}")
        if f.references:
            lines.append(f"    references: {', '.join(f.references)}")
    counts = Counter(f.severity for f in items)
    errors = counts[Severity.ERROR]
    open_errors = sum(1 for f in items if f.severity is Severity.ERROR and not f.acknowledged)
    lines.append(
        f"{_plural(len(items), 'finding')}: {_plural(errors, 'error')} "
        f"({errors - open_errors} acknowledged), {_plural(counts[Severity.WARNING], 'warning')}, "
        f"{counts[Severity.INFO]} info"
    )
    if open_errors == 0:
        lines.append("every error is acknowledged by an erratum")
    else:
        verb = "is" if open_errors == 1 else "are"
        lines.append(f"{_plural(open_errors, 'error')} {verb} not acknowledged by any erratum")
    return "\n".join(lines)
