"""Rules on the article's own arithmetic: ranks, streaks, repeated numbers, growth, parts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from fractions import Fraction

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Metric, Streak
from shanghai_innovation._values import Interval
from shanghai_innovation._vocab import Unit

from .findings import Finding, Severity, rule
from .lookup import describe, lookup, severity_of, year_of
from .numbers import amount, exceeds, num, overlap, pct, plausible, range_text, scale

__all__: list[str] = []


@rule("rank-movement", "A stated rank movement equals the earlier rank minus the current one.")
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


@rule(
    "streak-first-year",
    "A streak's length and latest year give the first year the cited references give.",
)
def _streak_first_year(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
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
                severity_of([ref]),
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


@rule(
    "mentions-agree",
    "Two mentions of the same fact (streak, rank or number) state the same value.",
)
def _mentions_agree(dataset: Dataset) -> Iterator[Finding]:
    streaks: dict[tuple[str, str], list[Streak]] = defaultdict(list)
    for s in dataset.streaks:
        streaks[s.subject, s.ranking].append(s)
    for group in streaks.values():
        if len({s.first_year for s in group}) > 1:
            stated = "; ".join(f"{describe(s)} from {s.first_year}" for s in group)
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
        if overlap(plausible(a.quantity), plausible(b.quantity)):
            continue
        yield Finding(
            "mentions-agree",
            Severity.ERROR,
            [a.id, b.id],
            f"two mentions of the same number disagree: {describe(a)} as of {a.as_of} "
            f"against {describe(b)} as of {b.as_of}",
        )


@rule(
    "pledge-target-year",
    "A pledge's year plus its horizon gives a target year after the article's publication.",
)
def _pledge_target_year(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
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


@rule(
    "growth-vs-baseline",
    "Stated growth since a baseline year matches the reference figure for that year.",
)
def _growth_vs_baseline(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        changed = index.get(m.change_of, Metric)
        if changed is None or m.baseline is None or m.quantity.unit is not Unit.RATIO:
            continue
        if changed.indicator is None:
            continue
        stated = plausible(m.quantity)
        unit = changed.quantity.unit
        ends = index.figures(changed.indicator, changed.subject, year_of(changed), unit)
        for base in index.figures(changed.indicator, changed.subject, m.baseline.year, unit):
            assert base.quantity is not None  # noqa: S101 - figures() returns numbers only
            if base.quantity.value <= 0:
                continue
            factor = 1 / base.quantity.value
            implied = scale(plausible(changed.quantity), factor, Fraction(-1))
            if overlap(implied, stated):
                continue
            ratio = changed.quantity.value * factor
            message = (
                f"{changed.id} ({amount(changed.quantity)}) is {float(ratio):.3g} times the "
                f"{m.baseline.year} figure of {num(base.quantity.value)} ({base.id}), growth of "
                f"{pct(ratio - 1)}, not the {amount(m.quantity)} stated by {m.id}"
            )
            used = [base]
            for end in ends:
                assert end.quantity is not None  # noqa: S101 - figures() returns numbers only
                growth = end.quantity.value * factor - 1
                fits = "which fits" if growth in stated else "which does not fit either"
                message += (
                    f"; the reference figure {num(end.quantity.value)} ({end.id}) gives "
                    f"{pct(growth)}, {fits}"
                )
                used.append(end)
            yield Finding(
                "growth-vs-baseline",
                severity_of([base]),
                [changed.id, m.id],
                message,
                [r.id for r in used],
            )


@rule(
    "part-within-whole",
    "A part is no larger than its whole; the entities counted in a count do not outnumber it.",
)
def _part_within_whole(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for m in dataset.metrics:
        whole = index.get(m.part_of, Metric)
        if whole is None or whole.quantity.unit is not m.quantity.unit:
            continue
        part_range, whole_range = plausible(m.quantity), plausible(whole.quantity)
        if exceeds(part_range, whole_range):
            yield Finding(
                "part-within-whole",
                Severity.ERROR,
                [m.id, whole.id],
                f"{m.id} ({amount(m.quantity)}, {range_text(part_range)}) is larger than "
                f"the whole it is part of, {whole.id} ({amount(whole.quantity)}, "
                f"{range_text(whole_range)})",
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
        if exceeds(Interval(n, True, n, True), plausible(count.quantity)):
            yield Finding(
                "part-within-whole",
                Severity.ERROR,
                [count.id, *members],
                f"{len(members)} entities are counted in {count.id}, which states only "
                f"{amount(count.quantity)}: {', '.join(members)}",
            )
