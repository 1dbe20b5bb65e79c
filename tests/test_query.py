"""Queries on a Dataset, each checked against a naive scan of the records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from fractions import Fraction

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._records import reference_fields
from shanghai_innovation.testing import datasets, partial_dates

from ._oracles import expected_span, timeline_point
from ._tiny import INFO, LOC, SOURCE

D = si.PartialDate


def event(id: str, date: str, title: str = "A title", entities: tuple[str, ...] = ()) -> si.Event:
    """An event on a date, for hand-built datasets."""
    return si.Event(
        id=id,
        date=si.PartialDate.parse(date),
        title=title,
        summary="Something happened.",
        locator=LOC,
        entities=entities,
    )


def dataset(*events: si.Event, entities: tuple[si.Entity, ...] = ()) -> si.Dataset:
    """A small dataset around some events."""
    return si.Dataset(INFO, sources=(SOURCE,), entities=entities, events=events)


# Naive scans: the reference each indexed query is checked against.


def naive_span(record: si.Record) -> tuple[dt.date, dt.date] | None:
    """The span of days a record's date can mean, from its fields and the calendar."""
    return expected_span(record)


def naive_between(ds: si.Dataset, first: dt.date, last: dt.date, mode: str) -> list[si.Record]:
    """Every dated record in range by a full scan, in timeline order."""
    found = []
    for record in ds.timeline():
        span = naive_span(record)
        assert span is not None
        inside = first <= span[0] and span[1] <= last
        touching = span[0] <= last and span[1] >= first
        if inside if mode == "within" else touching:
            found.append(record)
    return found


def naive_mentions(ds: si.Dataset, ids: set[str]) -> list[si.Record]:
    """Every record whose reference fields (or erratum target) hold one of the ids."""
    return [record for record in ds.records() if naive_links(record) & ids]


def naive_entity_ids(ds: si.Dataset, label: str) -> set[str]:
    """Entities whose id is the label, or whose name or alias is the label, ignoring case."""
    if label in {e.id for e in ds.entities}:
        return {label}
    key = label.casefold()
    return {e.id for e in ds.entities if key in {x.casefold() for x in (e.name, *e.aliases)}}


def naive_links(record: si.Record) -> set[str]:
    """Ids a record points at: reference fields and an erratum's record."""
    targets: set[str] = set()
    for name, _ in reference_fields(type(record)):
        value = getattr(record, name)
        targets.update(value if isinstance(value, tuple) else {value} - {None})
    if isinstance(record, si.Erratum):
        targets.add(record.record)
    return targets


def naive_related(ds: si.Dataset, record: si.Record, *, topics: bool = True) -> list[si.Record]:
    """Records linked either way (table order), then records sharing a topic (table order)."""
    out = naive_links(record)
    direct = [
        r
        for r in ds.records()
        if r.id != record.id and (r.id in out or record.id in naive_links(r))
    ]
    if not topics:
        return direct
    mine = set(getattr(record, "topics", ()))
    shared = [
        r
        for r in ds.records()
        if r.id != record.id and r not in direct and mine & set(getattr(r, "topics", ()))
    ]
    return direct + shared


# get and lookup


def test_get_finds_every_record_by_id() -> None:
    """get(id) returns the very record a scan finds, for every record."""
    ds = si.load()
    expected = {r.id: r for r in ds.records()}
    assert expected == {rid: ds.get(rid) for rid in expected}


def test_get_returns_the_default_for_an_unknown_id() -> None:
    """get() of an unknown id returns the default, None unless given."""
    ds = si.load()
    assert (None, "nope") == (ds.get("no-such-id"), ds.get("no-such-id", "nope"))


def test_lookup_raises_a_lookup_error_naming_the_id() -> None:
    """lookup() of an unknown id raises RecordNotFoundError, also a LookupError."""
    with pytest.raises(LookupError) as info:
        si.load().lookup("no-such-id")
    assert (si.RecordNotFoundError, "no record with id or name 'no-such-id'", ()) == (
        type(info.value),
        str(info.value),
        info.value.suggestions,  # type: ignore[attr-defined]
    )


def test_module_shortcuts_query_the_bundled_dataset() -> None:
    """si.get, si.lookup, si.timeline, ... answer as the bundled Dataset's methods do."""
    ds = si.load()
    some = next(iter(ds.records()))
    name = ds.entities[0].name
    expected = (
        some,
        some,
        ds.timeline(),
        ds.where("metrics"),
        ds.between("2020", "2020"),
        ds.search(name),
        ds.related(name),
    )
    actual = (
        si.get(some.id),
        si.lookup(some.id),
        si.timeline(),
        si.where("metrics"),
        si.between("2020", "2020"),
        si.search(name),
        si.related(name),
    )
    assert expected == actual


# filters


def test_where_by_table_name_or_class_is_that_table() -> None:
    """where(table) is the table's records, by name or by record class."""
    ds = si.load()
    for cls in (si.Source, si.Entity, si.Metric, si.Event, si.Erratum):
        assert (ds.table(cls.table), ds.table(cls.table)) == (
            ds.where(cls.table),
            ds.where(cls),
        )


def test_where_by_kind_topic_and_section_matches_a_scan() -> None:
    """where(kind=), where(topic=) and where(section=) equal a scan of every record."""
    ds = si.load()
    for kind in si.EntityKind:
        expected: tuple[si.Record, ...] = tuple(e for e in ds.entities if e.kind is kind)
        assert (expected, expected) == (ds.where(kind=kind), ds.where(kind=kind.value))
    for topic in si.Topic:
        expected = tuple(r for r in ds.records() if topic in getattr(r, "topics", ()))
        assert expected == ds.where(topic=topic)
    for section in si.Section:
        expected = tuple(
            r
            for r in ds.records()
            if getattr(getattr(r, "locator", None), "section", None) is section
        )
        assert expected == ds.where(section=section.value)


def test_where_by_entity_matches_id_name_and_any_alias_folded() -> None:
    """where(entity=) accepts the id, the name or an alias, ignoring case and accents."""
    ds = si.load()
    for entity in ds.entities:
        expected = tuple(naive_mentions(ds, naive_entity_ids(ds, entity.name)))
        assert expected == ds.where(entity=entity.name.upper())
        for alias in entity.aliases:
            expected = tuple(naive_mentions(ds, naive_entity_ids(ds, alias)))
            assert expected == ds.where(entity=alias.casefold())
        assert tuple(naive_mentions(ds, {entity.id})) == ds.where(entity=entity)


def test_where_combines_criteria_as_a_conjunction() -> None:
    """Several criteria together give the records meeting all of them, in table order."""
    ds = si.load()
    topic = si.Topic.RD_FUNDING
    expected = tuple(
        r
        for r in ds.metrics
        if topic in r.topics
        and naive_span(r) is not None
        and dt.date(2016, 1, 1) <= naive_span(r)[0]  # type: ignore[index]
        and naive_span(r)[1] <= dt.date(2020, 12, 31)  # type: ignore[index]
    )
    assert expected == ds.where(si.Metric, topic=topic, start="2016", end="2020")


def test_where_refuses_unknown_tables_tokens_entities_and_modes() -> None:
    """Unknown table or entity is a RecordNotFoundError; a bad token or mode a ValueError."""
    ds = si.load()
    with pytest.raises(si.RecordNotFoundError):
        ds.where("no-such-table")
    with pytest.raises(si.RecordNotFoundError):
        ds.where(entity="No Such Entity")
    with pytest.raises(ValueError, match="topic must be a Topic token, one of: "):
        ds.where(topic="gardening")
    with pytest.raises(ValueError, match="mode must be"):
        ds.between("2020", "2020", mode="inside")  # type: ignore[arg-type]


# dates


def test_month_precision_is_within_a_range_holding_the_whole_month() -> None:
    """By November 2020 (2020-11) is within 2020-11-01..2020-12-31."""
    ds = dataset(event("nov", "2020-11"))
    assert (ds.events[0],) == ds.between(dt.date(2020, 11, 1), dt.date(2020, 12, 31))


def test_month_precision_only_overlaps_a_range_holding_part_of_the_month() -> None:
    """2020-11 is not within 2020-11-15..2020-12-31, but overlaps it."""
    ds = dataset(event("nov", "2020-11"))
    first, last = dt.date(2020, 11, 15), dt.date(2020, 12, 31)
    assert ((), (ds.events[0],)) == (
        ds.between(first, last, mode="within"),
        ds.between(first, last, mode="overlaps"),
    )


def test_year_precision_is_within_only_a_range_holding_the_whole_year() -> None:
    """A year-precision 2015 is within 2015-01-01..2015-12-31, not 2015-03-01..2016-12-31."""
    ds = dataset(event("y", "2015"))
    assert ((ds.events[0],), (), (ds.events[0],)) == (
        ds.between(dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        ds.between(dt.date(2015, 3, 1), dt.date(2016, 12, 31)),
        ds.between(dt.date(2015, 3, 1), dt.date(2016, 12, 31), mode="overlaps"),
    )


def test_partial_date_bounds_mean_their_first_and_last_day() -> None:
    """A bound written 2020-11 starts on the 1st (as start) and ends on the 30th (as end)."""
    ds = dataset(event("a", "2020-11-01"), event("b", "2020-11-30"), event("c", "2020-12-01"))
    assert ds.events[:2] == ds.between("2020-11", "2020-11")
    assert ds.events == ds.between(si.PartialDate(2020, 11), 2020)


def test_date_of_each_table_is_documented_field() -> None:
    """when() reads Event.date, Metric.as_of or period, Source.published, ... ."""
    ds = si.load()
    for record in ds.records():
        match record:
            case si.Event():
                expected: object = record.date
            case si.Metric():
                expected = record.as_of or record.period
            case si.RankingPosition():
                expected = record.published or si.PartialDate(record.edition)
            case si.Streak():
                expected = si.PartialDate(record.latest_year)
            case si.Pledge():
                expected = record.made
            case si.Source():
                expected = si.PartialDate.from_date(record.published)
            case si.Reference():
                expected = record.as_of
            case si.Statement():
                expected = record.period
            case _:
                expected = None
        assert expected == si.when(record)


def test_timeline_orders_coarse_dates_before_the_finer_dates_they_contain() -> None:
    """2020 < 2020-06 < 2020-06-29 < 2020-07, ties in file order."""
    events = (
        event("d", "2020-07"),
        event("c", "2020-06-29"),
        event("a", "2020"),
        event("b", "2020-06"),
        event("c2", "2020-06-29"),
    )
    ds = dataset(*events)
    assert ("a", "b", "c", "c2", "d") == tuple(r.id for r in ds.timeline() if r in events)


def test_timeline_of_the_bundled_data_is_sorted_and_complete() -> None:
    """The timeline holds every dated record once, sorted, ties in table then file order."""
    ds = si.load()
    dated = [r for r in ds.records() if expected_span(r) is not None]
    assert tuple(sorted(dated, key=timeline_point)) == ds.timeline()


@given(datasets(), partial_dates(2010, 2030), partial_dates(2010, 2030), st.booleans())
def test_between_matches_a_scan(
    ds: si.Dataset, a: si.PartialDate, b: si.PartialDate, overlaps: bool
) -> None:
    """between() equals a full scan, for generated data and ranges, in both modes."""
    start, end = min(a, b), max(a, b)
    mode = "overlaps" if overlaps else "within"
    expected = naive_between(ds, start.start, end.end, mode)
    assert tuple(expected) == ds.between(start, end, mode=mode)  # type: ignore[arg-type]


@given(
    st.lists(partial_dates(2015, 2025), max_size=40),
    partial_dates(2015, 2025),
    partial_dates(2015, 2025),
    st.booleans(),
)
@example([D(2020, 6, 29)], D(2020, 6, 29), D(2020, 6, 29), False)  # one day
@example([D(2020, 6), D(2020, 6, 30)], D(2020, 6, 30), D(2020, 6, 30), True)
@example([D(1, 1, 1), D(1)], D(1), D(1, 1, 1), True)  # the earliest date
@example([D(9999, 12, 31), D(9999)], D(9999), D(9999, 12, 31), True)  # the latest
@example([D(2016), D(2015, 12, 31), D(2021, 1, 1)], D(2016), D(2020), False)
def test_between_matches_a_scan_for_many_mixed_precisions(
    dates: list[si.PartialDate], a: si.PartialDate, b: si.PartialDate, overlaps: bool
) -> None:
    """Many events of day, month and year precision: between() equals a scan."""
    ds = dataset(*(event(f"e{i}", str(d)) for i, d in enumerate(dates)))
    start, end = min(a, b), max(a, b)
    mode = "overlaps" if overlaps else "within"
    expected = naive_between(ds, start.start, end.end, mode)
    assert tuple(expected) == ds.between(start, end, mode=mode)  # type: ignore[arg-type]


@given(datasets())
def test_related_and_timeline_match_a_scan(ds: si.Dataset) -> None:
    """related() of every record, and the timeline, equal a scan of generated data."""
    for record in ds.records():
        assert tuple(naive_related(ds, record)) == ds.related(record)
    dated = [r for r in ds.records() if expected_span(r) is not None]
    assert len(dated) == len(ds.timeline())


@given(datasets(), st.data())
def test_where_matches_a_scan(ds: si.Dataset, data: st.DataObject) -> None:
    """where() with a drawn table, topic, section and entity equals a scan of generated data."""
    table = data.draw(st.sampled_from((None, *TABLES)))
    topic = data.draw(st.sampled_from((None, *si.Topic)))
    section = data.draw(st.sampled_from((None, *si.Section)))
    entity = data.draw(st.sampled_from((None, *ds.entities)))
    mentioning = set(map(id, naive_mentions(ds, {entity.id}))) if entity else set()
    expected = tuple(
        r
        for r in ds.records()
        if (table is None or r.table == table)
        and (topic is None or topic in getattr(r, "topics", ()))
        and (section is None or getattr(getattr(r, "locator", None), "section", None) is section)
        and (entity is None or id(r) in mentioning)
    )
    assert expected == ds.where(table, topic=topic, section=section, entity=entity)


# related


def test_related_of_every_bundled_record_matches_a_scan() -> None:
    """related() of each record, by record or id, equals a scan of links both ways then topics."""
    ds = si.load()
    for record in ds.records():
        expected = tuple(naive_related(ds, record))
        assert (expected, expected) == (ds.related(record), ds.related(record.id))
        direct = tuple(naive_related(ds, record, topics=False))
        assert direct == ds.related(record, topics=False)


def test_related_of_a_name_follows_links_both_ways_then_topics() -> None:
    """related("integrated circuits"): the metrics counting it, what names it, then its topic."""
    ds = si.load()
    circuits = ds.lookup("integrated-circuits")
    assert isinstance(circuits, si.Entity)
    found = ds.related("Integrated Circuits")
    assert found == ds.related(circuits)
    ids = [r.id for r in found]
    linked = ids[: len(ds.related(circuits, topics=False))]
    assert set(circuits.counted_in) <= set(linked)
    assert {r.id for r in naive_mentions(ds, {circuits.id})} <= set(linked)
    sharing = [r.id for r in ds.where(topic=si.Topic.INTEGRATED_CIRCUITS) if r.id != circuits.id]
    assert set(sharing) <= set(ids)
    assert len(ids) == len(set(ids))


def test_related_refuses_what_is_no_record() -> None:
    """related(5) is a TypeError naming the argument; an unknown name a RecordNotFoundError."""
    ds = si.load()
    with pytest.raises(TypeError, match="record must be a record, or its id or name"):
        ds.related(5)  # type: ignore[arg-type]
    with pytest.raises(si.RecordNotFoundError, match="no record with id or name 'Gardening'"):
        ds.related("Gardening")
    with pytest.raises(TypeError, match=r"^topics must be True or False, not str$"):
        ds.related("shanghai", topics="no")  # type: ignore[arg-type]


def test_related_counts_an_erratum_on_the_entity() -> None:
    """An erratum whose record is the entity mentions it."""
    city = si.Entity(id="city", name="Cïty", kind=si.EntityKind.PLACE, locator=LOC)
    erratum = si.Erratum(
        id="e",
        kind=si.ErratumKind.GARBLED,
        record="city",
        field_name="name",
        stated="Cïty",
        explanation="Garbled.",
    )
    ds = si.Dataset(INFO, sources=(SOURCE,), entities=(city,), errata=(erratum,))
    assert ((erratum,), (erratum,)) == (ds.related("CITY"), ds.errata_for("city"))


# quantities


def test_implied_rate_and_convert_use_the_article_pair() -> None:
    """The rate is yuan over dollars as stated; convert() goes both ways exactly."""
    metric = next(m for m in si.load().metrics if m.equivalent is not None)
    cny, usd = (
        (metric.quantity.value, metric.equivalent.value)  # type: ignore[union-attr]
        if metric.quantity.unit is si.Unit.CNY
        else (metric.equivalent.value, metric.quantity.value)  # type: ignore[union-attr]
    )
    assert (cny / usd, usd, cny) == (
        si.implied_rate(metric),
        si.convert(cny, metric, to="USD"),
        si.convert(usd, metric, to=si.Unit.CNY),
    )


def test_convert_refuses_a_metric_without_an_equivalent() -> None:
    """A metric stated in one currency only gives no rate, with a clear message."""
    metric = next(m for m in si.load().metrics if m.equivalent is None)
    with pytest.raises(ValueError, match="gives no equivalent in another currency"):
        si.convert(1, metric, to="USD")


def test_convert_refuses_a_target_that_is_not_a_currency() -> None:
    """Only CNY and USD are targets."""
    metric = next(m for m in si.load().metrics if m.equivalent is not None)
    with pytest.raises(ValueError, match="only to CNY or USD"):
        si.convert(Fraction(1), metric, to="percent")


def _paired(quantity: si.Quantity | None = None, **equivalent: object) -> si.Metric:
    """The bundled R&D spending (1.5 trillion yuan, 224 billion dollars) with one side changed."""
    metric = si.load().lookup("rd-spending-2019")
    assert isinstance(metric, si.Metric)
    assert metric.equivalent is not None
    return attrs.evolve(  # type: ignore[misc]
        metric,
        quantity=quantity or metric.quantity,
        equivalent=attrs.evolve(metric.equivalent, **equivalent),  # type: ignore[misc]
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda: _paired(unit=si.Unit.CNY),
            "metric 'rd-spending-2019' pairs CNY, not CNY and USD",
            id="yuan-twice",
        ),
        pytest.param(
            lambda: _paired(value=Fraction(5), unit=si.Unit.PERCENT),
            "metric 'rd-spending-2019' pairs CNY and percent, not CNY and USD",
            id="yuan-and-percent",
        ),
        pytest.param(
            lambda: _paired(value=Fraction(0)),
            "metric 'rd-spending-2019' states a zero amount; it implies no rate",
            id="no-dollars",
        ),
        pytest.param(
            lambda: _paired(si.Quantity(Fraction(0), si.Unit.CNY, si.Qualifier.EXACT)),
            "metric 'rd-spending-2019' states a zero amount; it implies no rate",
            id="no-yuan",
        ),
    ],
)
def test_implied_rate_needs_yuan_and_dollars_both_not_zero(
    build: Callable[[], si.Metric], message: str
) -> None:
    """A pair that is not one CNY and one USD amount, or holds a zero, implies no rate."""
    metric = build()
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        si.implied_rate(metric)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        si.convert(1, metric, to="CNY")


def test_implied_rate_of_a_pair_stated_dollars_first() -> None:
    """224 billion dollars stated, 1.5 trillion yuan as the equivalent: the same rate."""
    metric = _paired()
    assert metric.equivalent is not None
    swapped = attrs.evolve(metric, quantity=metric.equivalent, equivalent=metric.quantity)  # type: ignore[misc]
    assert Fraction(1_500, 224) == si.implied_rate(swapped) == si.implied_rate(metric)


def test_implied_rate_refuses_what_is_no_metric() -> None:
    """implied_rate("rd-spending-2019") names the type it got."""
    with pytest.raises(TypeError, match=r"^expected a Metric, got str$"):
        si.implied_rate("rd-spending-2019")  # type: ignore[arg-type]


def test_quantity_bounds_are_the_implied_interval() -> None:
    """Every stated quantity's bounds hold its value unless the hedge excludes it."""
    for metric in si.load().metrics:
        bounds = metric.quantity.bounds
        excluded = metric.quantity.qualifier in (
            si.Qualifier.OVER,
            si.Qualifier.MORE_THAN,
            si.Qualifier.UNDER,
        )
        assert (not excluded) == (metric.quantity.value in bounds)


def test_match_is_a_frozen_record() -> None:
    """Match is an immutable attrs record with score, record, field and text."""
    assert ("score", "record", "field", "text") == tuple(f.name for f in attrs.fields(si.Match))
    record = si.load().entities[0]
    match = si.Match(4, record, "name", record.name)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        match.score = 0  # type: ignore[misc]
    assert attrs.evolve(match) == match
    assert hash(attrs.evolve(match)) == hash(match)


# date-range edges (issue 15): each pinned with fixed dates, not only by the scan properties


def test_where_with_only_a_start_keeps_what_lies_wholly_after_it() -> None:
    """where(start=2020) alone drops 2019-05 and the 1999 source, keeps 2020-06-01 and 2021."""
    ds = dataset(event("may", "2019-05"), event("june", "2020-06-01"), event("next", "2021"))
    assert ("june", "next") == tuple(r.id for r in ds.where(start="2020"))
    assert ("june", "next") == tuple(r.id for r in ds.where(start=dt.date(2020, 1, 1)))
    assert ("next",) == tuple(r.id for r in ds.where(start=dt.date(2020, 6, 2)))


def test_where_with_only_an_end_keeps_what_lies_wholly_before_it() -> None:
    """where(end=2020) alone keeps the 1999 source, 2019-05 and 2020-06-01, not 2021."""
    ds = dataset(event("may", "2019-05"), event("june", "2020-06-01"), event("next", "2021"))
    assert ("src", "may", "june") == tuple(r.id for r in ds.where(end="2020"))
    assert ("src", "may") == tuple(r.id for r in ds.where(end=dt.date(2020, 5, 31)))
    assert ("src",) == tuple(r.id for r in ds.where(end="2019-05-30"))


def test_between_one_day_and_itself_is_that_day() -> None:
    """between(d, d) is the single day d: an event on it is found, its neighbours are not."""
    ds = dataset(
        event("before", "2020-06-28"), event("on", "2020-06-29"), event("after", "2020-06-30")
    )
    day = dt.date(2020, 6, 29)
    assert ("on",) == tuple(r.id for r in ds.between(day, day))
    assert ("on",) == tuple(r.id for r in ds.between("2020-06-29", "2020-06-29"))
    assert ("on",) == tuple(r.id for r in ds.between(day, day, mode="overlaps"))
    assert () == ds.between(dt.date(2020, 7, 1), dt.date(2020, 6, 30))  # an empty range


def test_between_one_date_is_the_span_of_that_date() -> None:
    """between(x) with no end is between(x, x): a month is that month, None stays open."""
    ds = dataset(
        event("june", "2020-06-30"), event("july", "2020-07-01"), event("august", "2020-08-01")
    )
    assert ("july",) == tuple(r.id for r in ds.between("2020-07"))
    assert ("july",) == tuple(r.id for r in ds.between(si.PartialDate(2020, 7), mode="overlaps"))
    assert ("june", "july", "august") == tuple(r.id for r in ds.between(2020))
    assert ("july", "august") == tuple(r.id for r in ds.between("2020-07", None))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2020-13", "2020-12", "start: month out of range: 13"),
        ("2020-01", "2020-02-30", "end: no such day: 2020-02-30"),
        (0, None, "start: year out of range: 0"),
    ],
)
def test_a_malformed_bound_names_its_argument(start: object, end: object, message: str) -> None:
    """A bound that is no valid date says which bound, start or end, it is."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        dataset().between(start, end)  # type: ignore[arg-type]


def test_an_open_start_reaches_the_earliest_date_in_both_modes() -> None:
    """between(None, x) finds dates of year 1, also with mode='overlaps' (no overflow)."""
    ds = dataset(
        event("first-day", "0001-01-01"), event("first-year", "0001"), event("late", "2020")
    )
    expected = ("first-year", "first-day")
    assert expected == tuple(r.id for r in ds.between(None, "0001-12"))
    assert expected == tuple(r.id for r in ds.between(None, "0001-12", mode="overlaps"))
    assert ("first-day",) == tuple(r.id for r in ds.between(None, "0001-01-01"))
    assert expected == tuple(r.id for r in ds.between(None, "0001-01-01", mode="overlaps"))
    assert (*expected, "src", "late") == tuple(
        r.id for r in ds.between(None, None, mode="overlaps")
    )


def test_an_open_end_reaches_the_latest_date_in_both_modes() -> None:
    """between(x, None) finds dates of year 9999, in both modes."""
    ds = dataset(event("last-year", "9999"), event("last-day", "9999-12-31"))
    expected = ("last-year", "last-day")
    assert expected == tuple(r.id for r in ds.between("9999", None))
    assert expected == tuple(r.id for r in ds.between("9999-12-31", None, mode="overlaps"))
    assert ("last-day",) == tuple(r.id for r in ds.between("9999-12-31", None))


def test_where_by_table_and_dates_keeps_table_order_not_timeline_order() -> None:
    """where('events', start=, end=) lists the events in file order, not by date."""
    ds = dataset(event("late", "2020-12"), event("early", "2016-01"), event("middle", "2018"))
    assert ("late", "early", "middle") == tuple(
        r.id for r in ds.where("events", start="2015", end="2025")
    )
    assert ("late", "early", "middle") == tuple(
        r.id for r in ds.where(si.Event, start="2015", end="2025", mode="overlaps")
    )
    assert ("early", "middle", "late") == tuple(r.id for r in ds.between("2015", "2025"))


def test_where_by_table_and_a_narrower_date_range_keeps_table_order() -> None:
    """When the dates narrow more than the table does, the answer is still in file order."""
    ds = dataset(
        event("late", "2020-12"),
        event("outside", "2030"),
        event("early", "2016-01"),
        event("middle", "2018"),
    )
    assert ("late", "early", "middle") == tuple(
        r.id for r in ds.where("events", start="2015", end="2025")
    )


def test_a_reversed_range_is_empty_in_both_modes() -> None:
    """A range ending before it starts holds nothing, even a year spanning both its ends."""
    ds = dataset(event("year", "2020"), event("day", "2020-06-30"))
    for mode in ("within", "overlaps"):
        assert () == ds.between("2020-07-01", "2020-06-30", mode=mode)  # type: ignore[arg-type]


def test_range_bounds_refuse_times_and_booleans() -> None:
    """A datetime (which is a date) and a bool (which is an int) are refused, not misread."""
    ds = dataset(event("day", "2020-06-30"))
    with pytest.raises(TypeError) as info:
        ds.between(dt.datetime(2020, 6, 30), None)
    assert "start must be a date without a time, got 2020-06-30T00:00:00" == str(info.value)
    with pytest.raises(TypeError) as info:
        ds.between(True, None)
    assert "start must be a date, a PartialDate, text YYYY[-MM[-DD]] or a year, got bool" == str(
        info.value
    )


# names, ids and suggestions (issue 15, round two)


def test_where_by_an_entity_id_follows_it_even_when_no_name_reads_like_it() -> None:
    """where(entity="stcsm"): an entity's id finds what mentions it, though its names differ."""
    ds = si.load()
    for entity in ds.entities:
        assert tuple(naive_mentions(ds, {entity.id})) == ds.where(entity=entity.id), entity.id


def test_an_unknown_entity_is_suggested_entities_only() -> None:
    """where(entity="rd-spending-2018") suggests no metric id, however close."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.where(entity="rd-spending-2018")
    assert ("no entity with id or name 'rd-spending-2018'", ()) == (
        str(info.value),
        info.value.suggestions,
    )


def test_a_near_miss_suggests_the_three_closest() -> None:
    """lookup("rd-spending-201"): five ids are close; the three closest are suggested, in order."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup("rd-spending-201")
    expected = ("rd-spending-2019", "erratum-rd-spending-2019", "rd-spending-growth-2015-2019")
    assert expected == info.value.suggestions


def test_a_class_that_is_no_record_type_is_no_table() -> None:
    """ds[int] and where(int) are TypeErrors naming the type, not a missing table."""
    ds = si.load()
    message = r"^table must be a table name or a record class, got type$"
    with pytest.raises(TypeError, match=message):
        ds[int]  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=message):
        ds.where(int)  # type: ignore[arg-type]


def test_related_passes_over_a_link_to_a_record_the_dataset_lacks() -> None:
    """An event naming an entity the (hand-built) dataset lacks lists only what exists."""
    city = si.Entity(id="city", name="City", kind=si.EntityKind.PLACE, locator=LOC)
    ds = dataset(event("opening", "2020", entities=("city", "nowhere")), entities=(city,))
    assert ("city",) == tuple(r.id for r in ds.related("opening"))


def test_related_of_a_shared_name_never_lists_the_records_so_named() -> None:
    """Two entities named Twin, one part of the other: related("twin") lists neither."""
    first = si.Entity(id="twin-1", name="Twin", kind=si.EntityKind.PLACE, locator=LOC)
    second = si.Entity(
        id="twin-2", name="Twin", kind=si.EntityKind.PLACE, locator=LOC, part_of="twin-1"
    )
    opening = event("opening", "2020", entities=("twin-2",))
    ds = dataset(opening, entities=(first, second))
    assert ("opening",) == tuple(r.id for r in ds.related("twin", topics=False))


def test_errata_for_a_reference_an_erratum_cites_are_none() -> None:
    """An erratum citing ref-districts is on another record: errata_for("ref-districts") is ()."""
    ds = si.load()
    cites = [e.id for e in ds.errata if "ref-districts" in e.references]
    assert ["erratum-service-window-districts"] == cites
    assert () == ds.errata_for("ref-districts")
    assert ("erratum-service-window-districts",) == tuple(
        e.id for e in ds.errata_for("service-window-districts")
    )


def test_where_checks_its_mode_without_dates() -> None:
    """where(mode="bogus") is refused though no date range is given."""
    with pytest.raises(ValueError, match=r"^mode must be 'within' or 'overlaps', got 'bogus'$"):
        si.where(si.Metric, mode="bogus")  # type: ignore[arg-type]
