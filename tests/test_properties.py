"""Property laws of the value types, the converter, the exports and the queries."""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._formats.arrow import from_arrow, to_arrow
from shanghai_innovation._formats.csv import read_csv, write_csv
from shanghai_innovation._formats.json import dataset_from_json, dataset_to_json
from shanghai_innovation._records import RECORD_TYPES
from shanghai_innovation._schema import table_spec
from shanghai_innovation._search import MIN_SCORE
from shanghai_innovation.testing import datasets, partial_dates, periods, quantities

from ._oracles import SEARCHED, expected_span, plain_words, records_holding, texts, timeline_point
from ._tiny import INFO, LOC

#: Whole generated datasets cost tens of milliseconds each (the Parquet round
#: trip more), so their laws run a third of the profile's examples, at least 25,
#: and generation that is slow on a loaded machine is not a failure.
DATASET_SETTINGS = settings(
    max_examples=max(25, settings().max_examples // 3),
    suppress_health_check=[HealthCheck.too_slow],
)

Q = si.Qualifier
#: Qualifiers that exclude the stated value (it is the open end of the interval).
STRICT = {Q.OVER, Q.MORE_THAN, Q.UNDER}
#: Qualifiers whose interval is bounded below by the stated value.
FROM_BELOW = {Q.EXACT, Q.AT_LEAST, Q.OVER, Q.MORE_THAN}
#: Qualifiers whose interval is bounded above by the stated value.
FROM_ABOVE = {Q.EXACT, Q.NEARLY, Q.UP_TO, Q.UNDER}

positive = st.fractions(min_value=Fraction(1, 10**6), max_value=10**6)


# --- quantities ---------------------------------------------------------------------------


@given(quantities())
def test_stated_value_lies_in_its_bounds_unless_the_qualifier_is_strict(q: si.Quantity) -> None:
    """The value is in for exact, at least, nearly, up to, about; out for over, more than, under."""
    assert (q.value in q.bounds) == (q.qualifier not in STRICT)


@given(quantities(), positive)
def test_the_stated_value_is_the_boundary_the_qualifier_names(
    q: si.Quantity, eps: Fraction
) -> None:
    """Each qualifier puts a bound at the stated value on the side it names, and only there."""
    bounds = q.bounds
    assert (bounds.lower == q.value) == (q.qualifier in FROM_BELOW)
    assert (bounds.upper == q.value) == (q.qualifier in FROM_ABOVE)
    assert (bounds.lower is None) == (q.qualifier not in FROM_BELOW)
    assert (bounds.upper is None) == (q.qualifier not in FROM_ABOVE)
    # Beyond a named boundary is outside; just inside it is inside.
    if q.qualifier in FROM_BELOW:
        assert q.value - eps not in bounds
    if q.qualifier in FROM_ABOVE:
        assert q.value + eps not in bounds
    if q.qualifier in FROM_BELOW - {Q.EXACT}:
        assert q.value + eps in bounds
    if q.qualifier in FROM_ABOVE - {Q.EXACT}:
        assert q.value - eps in bounds
    assert not bounds.is_empty()


@given(quantities())
def test_hedges_that_mean_close_record_the_value(q: si.Quantity) -> None:
    """'nearly' and 'about' keep the value they are close to; no other qualifier does."""
    expected = q.value if q.qualifier in {Q.NEARLY, Q.ABOUT} else None
    assert expected == q.bounds.close_to


@given(quantities(units=[si.Unit.PERCENT]))
@example(si.Quantity(Fraction(100), si.Unit.PERCENT, Q.NEARLY))  # the top of the scale
@example(si.Quantity(Fraction(0), si.Unit.PERCENT, Q.OVER))  # the bottom, open
def test_percentages_and_their_finite_bounds_lie_within_0_to_100(q: si.Quantity) -> None:
    """A percentage is within 0-100, and so is each bound its qualifier sets."""
    assert 0 <= q.value <= 100
    for bound in (q.bounds.lower, q.bounds.upper):
        assert bound is None or 0 <= bound <= 100


@given(st.fractions().filter(lambda v: not 0 <= v <= 100), st.sampled_from(list(Q)))
@example(Fraction(-1, 10**12), Q.EXACT)  # just under 0
@example(100 + Fraction(1, 10**12), Q.UP_TO)  # just over 100
def test_a_percentage_outside_0_to_100_is_refused(value: Fraction, qualifier: si.Qualifier) -> None:
    """The validator refuses any percentage below 0 or above 100."""
    with pytest.raises(ValueError, match="0-100"):
        si.Quantity(value, si.Unit.PERCENT, qualifier)


@given(quantities(units=[si.Unit.COUNT, si.Unit.YEARS]))
def test_counts_are_non_negative_whole_numbers(q: si.Quantity) -> None:
    """Counts and spans of years are whole numbers from 0."""
    assert q.value >= 0
    assert 1 == q.value.denominator


@given(
    st.fractions().filter(lambda v: v < 0 or v.denominator != 1),
    st.sampled_from([si.Unit.COUNT, si.Unit.YEARS]),
)
@example(Fraction(-1), si.Unit.COUNT)  # the first whole number below 0
@example(Fraction(1, 2), si.Unit.YEARS)
@example(Fraction(10**9 + 1, 10**9), si.Unit.COUNT)  # just over a whole number
def test_negative_or_fractional_counts_are_refused(value: Fraction, unit: si.Unit) -> None:
    """The validator refuses a count below 0 or with a fractional part."""
    with pytest.raises(ValueError, match="non-negative whole number"):
        si.Quantity(value, unit)


@given(quantities(units=[si.Unit.RANK]))
def test_ranks_are_whole_numbers_from_1(q: si.Quantity) -> None:
    """A rank is a whole number, 1 or more."""
    assert q.value >= 1
    assert 1 == q.value.denominator


# --- partial dates and periods -----------------------------------------------------------


@given(partial_dates(), partial_dates())
def test_partial_date_order_is_total_and_antisymmetric(
    a: si.PartialDate, b: si.PartialDate
) -> None:
    """Exactly one of a < b, a == b, b < a holds; <= and >= agree with them."""
    assert 1 == [a < b, a == b, b < a].count(True)
    assert (a <= b) == (a < b or a == b)
    assert (a >= b) == (b <= a)


@given(partial_dates(), partial_dates(), partial_dates())
def test_partial_date_order_is_transitive(
    a: si.PartialDate, b: si.PartialDate, c: si.PartialDate
) -> None:
    """Sorting three dates gives a chain each link of which is ordered."""
    x, y, z = sorted([a, b, c])
    assert x <= y <= z
    assert x <= z


@given(partial_dates(), partial_dates(), partial_dates())
@example(si.PartialDate(2020, 11), si.PartialDate(2020, 11, 30), si.PartialDate(2020, 11, 1))
@example(si.PartialDate(2020, 11), si.PartialDate(2020), si.PartialDate(2020, 12))
@example(si.PartialDate(2020, 6, 29), si.PartialDate(2020, 6), si.PartialDate(2020, 6, 29))
def test_partial_date_order_agrees_with_containment(
    a: si.PartialDate, b: si.PartialDate, c: si.PartialDate
) -> None:
    """A date sorts no later than what it contains; anything sorted between them is inside it."""
    if a.contains(b):
        assert a <= b
        if a <= c <= b:
            assert a.contains(c)
    if a < b and not a.contains(b):
        # Outside the container, the order follows the calendar.
        assert a.start <= b.start


@given(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
@example(dt.date.min)
@example(dt.date.max)
@example(dt.date(2020, 2, 29))  # a leap day: the last of its month
@example(dt.date(2020, 12, 31))  # the last day of a year
def test_a_day_lies_within_its_month_and_its_year(day: dt.date) -> None:
    """The day is contained in its month and year, which sort just before it."""
    d = si.PartialDate.from_date(day)
    month, year = si.PartialDate(day.year, day.month), si.PartialDate(day.year)
    assert month.contains(d)
    assert year.contains(d)
    assert year.contains(month)
    assert year < month < d
    assert (d.start, d.end) == (day, day)
    assert month.start <= day <= month.end
    assert year.start <= day <= year.end


@given(periods())
def test_periods_start_no_later_than_they_end(p: si.Period) -> None:
    """A period's start is no later than its end, and its first day no later than its last."""
    assert p.start <= p.end
    assert p.span[0] <= p.span[1]
    assert p.contains(p.end)


@given(partial_dates(), partial_dates())
@example(si.PartialDate(2020, 11), si.PartialDate(2020, 11, 1))  # a month before its first day
@example(si.PartialDate(2020), si.PartialDate(2020, 12, 31))  # a year before its last day
def test_a_reversed_period_is_refused(a: si.PartialDate, b: si.PartialDate) -> None:
    """A period whose end sorts before its start cannot be built."""
    assume(a != b)
    early, late = sorted([a, b])
    with pytest.raises(ValueError, match="before it starts"):
        si.Period(late, early)


# --- the converter ------------------------------------------------------------------------

VALUE_TYPES = (si.Quantity, si.PartialDate, si.Period, si.Locator, si.Citation, si.DatasetInfo)


@pytest.mark.parametrize("cls", RECORD_TYPES + VALUE_TYPES, ids=lambda c: c.__name__)
def test_structure_after_unstructure_is_the_identity(cls: type[Any]) -> None:
    """cattrs: structure(unstructure(x)) == x, also through JSON text, for every type."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        raw = CONVERTER.unstructure(value)
        assert value == CONVERTER.structure(raw, cls)
        assert value == CONVERTER.structure(json.loads(json.dumps(raw)), cls)

    check()


# --- exports ----------------------------------------------------------------------------------


@DATASET_SETTINGS
@given(datasets())
def test_records_to_arrow_to_parquet_to_records_is_the_identity(dataset: si.Dataset) -> None:
    """Every table survives Arrow and an in-memory Parquet file unchanged, in order."""
    for name in TABLES:
        spec = table_spec(name)
        records = list(dataset.table(name))
        buffer = io.BytesIO()
        pq.write_table(to_arrow(spec, records), buffer)
        table = pq.read_table(io.BytesIO(buffer.getvalue()))
        assert records == from_arrow(spec, table), name


@DATASET_SETTINGS
@given(datasets())
def test_records_to_csv_to_records_is_the_identity(dataset: si.Dataset) -> None:
    """Every table survives a CSV file unchanged, in order."""
    with tempfile.TemporaryDirectory() as folder:
        for name in TABLES:
            spec = table_spec(name)
            path = Path(folder) / f"{name}.csv"
            records = list(dataset.table(name))
            write_csv(spec, records, path)
            assert records == read_csv(spec, path, f"{name}.csv"), name


@DATASET_SETTINGS
@given(datasets())
def test_dataset_to_json_to_dataset_is_the_identity(dataset: si.Dataset) -> None:
    """A whole dataset survives the JSON document unchanged."""
    assert dataset == dataset_from_json(dataset_to_json(dataset), "generated.json")


# --- queries ------------------------------------------------------------------------------------


@DATASET_SETTINGS
@given(datasets(), st.data())
def test_queries_equal_a_naive_scan(dataset: si.Dataset, data: st.DataObject) -> None:
    """where() by table, topic and section, and between(), return what a scan finds, in order."""
    records = list(dataset.records())
    table = data.draw(st.sampled_from(TABLES), label="table")
    assert dataset.table(table) == dataset.where(table)
    topic = data.draw(st.sampled_from(list(si.Topic)), label="topic")
    assert tuple(r for r in records if topic in getattr(r, "topics", ())) == dataset.where(
        topic=topic
    )
    section = data.draw(st.sampled_from(list(si.Section)), label="section")
    located = tuple(
        r
        for r in records
        if getattr(r, "locator", None) is not None and r.locator.section is section  # type: ignore[attr-defined]
    )
    assert located == dataset.where(section=section)


def _dated(*dates: si.PartialDate) -> si.Dataset:
    """A dataset of one event on each date, for the fixed edges of date ranges."""
    events = tuple(
        si.Event(id=f"e-{n}", date=d, title="A title", summary="Something.", locator=LOC)
        for n, d in enumerate(dates)
    )
    return si.Dataset(INFO, events=events)


D = si.PartialDate
#: A day, its month and year, the year's last day, and the first day there is.
EDGES = _dated(D(2020, 7, 1), D(2020, 7), D(2020), D(2020, 12, 31), D(1, 1, 1), D(1))


@DATASET_SETTINGS
@given(datasets(), partial_dates(1990, 2030), partial_dates(1990, 2030))
@example(EDGES, D(2020, 7, 1), D(2020, 7, 1))  # one day: a range of a single day
@example(EDGES, D(2020, 7), D(2020, 7))  # a month holds its days, lies in its year
@example(EDGES, D(2020, 12, 31), D(2021))  # a year's last day, at the range's first
@example(EDGES, D(2020, 1, 1), D(2020, 6, 30))  # ends the day before July
@example(EDGES, D(1, 1, 1), D(1, 1, 1))  # overlaps looks back from the first day there is
@example(EDGES, D(1), D(2020))
def test_date_ranges_equal_a_naive_scan(
    dataset: si.Dataset, a: si.PartialDate, b: si.PartialDate
) -> None:
    """between() and where(start=, end=) return what a scan finds; where keeps table order."""
    records = list(dataset.records())
    first, last = min(a, b).start, max(a, b).end
    within = [
        r
        for r in records
        if (span := _span(r)) is not None and first <= span[0] and span[1] <= last
    ]
    overlapping = [
        r
        for r in records
        if (span := _span(r)) is not None and span[0] <= last and first <= span[1]
    ]
    assert {r.id for r in within} == {r.id for r in dataset.between(first, last, mode="within")}
    assert {r.id for r in overlapping} == {
        r.id for r in dataset.between(first, last, mode="overlaps")
    }
    assert tuple(within) == dataset.where(start=first, end=last)
    assert tuple(overlapping) == dataset.where(start=first, end=last, mode="overlaps")
    assert tuple(r for r in within if r.table == "events") == dataset.where(
        "events", start=first, end=last
    )
    after = [r for r in records if (span := _span(r)) is not None and first <= span[0]]
    before = [r for r in records if (span := _span(r)) is not None and span[1] <= last]
    assert tuple(after) == dataset.where(start=first)
    assert tuple(before) == dataset.where(end=last)


def _span(record: si.Record) -> tuple[dt.date, dt.date] | None:
    return expected_span(record)


@DATASET_SETTINGS
@given(datasets(), st.data())
def test_search_results_are_a_subset_naming_the_field_they_matched(
    dataset: si.Dataset, data: st.DataObject
) -> None:
    """Every hit is a record of the dataset, once, best first, and names the field it matched.

    A plain word drawn from a searched field finds every record holding it.
    """
    words = [
        word
        for record in dataset.records()
        for name in SEARCHED[record.table]
        for text in texts(record, name)
        for word in plain_words(text)
    ]
    text = data.draw(st.sampled_from(words)) if words else "shanghai"
    hits = dataset.search(text)
    ids = [m.record.id for m in hits]
    assert len(ids) == len(set(ids))
    assert set(ids) <= {r.id for r in dataset.records()}
    assert records_holding(dataset, text) <= set(ids)
    assert [m.score for m in hits] == sorted((m.score for m in hits), reverse=True)
    for match in hits:
        assert match.score >= MIN_SCORE
        assert match.field in (*SEARCHED[match.record.table], "id")
        value = getattr(match.record, match.field)
        assert match.text in (value if isinstance(value, tuple) else (value,))


@DATASET_SETTINGS
@given(datasets())
def test_timeline_is_sorted_and_stable(dataset: si.Dataset) -> None:
    """The timeline holds every dated record once, sorted by date, ties in table then file order."""
    dated = [r for r in dataset.records() if expected_span(r) is not None]
    assert tuple(sorted(dated, key=timeline_point)) == dataset.timeline()
