"""The index a Dataset builds: the invariants its range queries rely on, and the collector."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import shanghai_innovation as si
from shanghai_innovation._index import Index, gc_paused
from shanghai_innovation.testing import datasets

from ._oracles import expected_span, timeline_point

#: Whole generated datasets cost tens of milliseconds each: a third of the profile.
DATASET_SETTINGS = settings(
    max_examples=max(25, settings().max_examples // 3),
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(params=[True, False], ids=["gc-on", "gc-off"])
def collector(request: pytest.FixtureRequest) -> Iterator[bool]:
    """The caller's collector switched on, then off; restored after the test."""
    was = gc.isenabled()
    if request.param:
        gc.enable()
    else:
        gc.disable()
    try:
        yield request.param
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def check_invariants(index: Index) -> None:
    """The sorted-start invariant the bisection relies on, and the class of each span."""
    for c, (starts, entries) in index.classes.items():
        assert [first for first, _, _, _ in entries] == starts
        assert sorted(starts) == starts
        assert [(e[0], e[2]) for e in entries] == sorted((e[0], e[2]) for e in entries)
        for first, last, rank, record in entries:
            days = (last - first).days + 1
            assert 2 ** (c - 1) <= days <= 2**c - 1
            assert (first, last) == expected_span(record)
            assert record is index.timeline[rank]
    assert sorted(index.classes) == list(index.classes)


def test_the_collector_is_left_as_the_caller_had_it(collector: bool) -> None:
    """Building the index and querying it leave gc.isenabled() as it was, on or off."""
    ds = si.load()
    fresh = si.Dataset(ds.info, sources=ds.sources, events=ds.events, metrics=ds.metrics)
    fresh.between("2016", "2020", mode="overlaps")
    assert collector == gc.isenabled()
    fresh.where("events", start="2019")
    fresh.timeline()
    assert collector == gc.isenabled()
    Index(ds.records())
    assert collector == gc.isenabled()


def test_gc_paused_pauses_and_restores_even_on_error(collector: bool) -> None:
    """Inside gc_paused the collector is off; after it, as before, also after an exception."""
    with gc_paused():
        assert not gc.isenabled()
    assert collector == gc.isenabled()
    with pytest.raises(KeyError), gc_paused():
        raise KeyError("planted")
    assert collector == gc.isenabled()


def test_the_bundled_index_keeps_its_invariants() -> None:
    """Per span class, first days are sorted and each entry's span is of that class."""
    index = Index(si.load().records())
    check_invariants(index)
    assert sum(len(entries) for _, entries in index.classes.values()) == len(index.timeline)


def test_span_classes_group_spans_by_length() -> None:
    """A day is class 1, a 30-day month class 5, a 366-day year class 9."""
    day, month, year = si.PartialDate(2020, 6, 29), si.PartialDate(2020, 6), si.PartialDate(2020)
    events = [
        si.Event(
            id=f"e-{n}",
            date=date,
            title="A title",
            summary="Something happened.",
            locator=si.Locator("src", si.Section.HIGHLIGHTS, 1),
        )
        for n, date in enumerate((year, month, day))
    ]
    index = Index(events)
    assert {1: ["e-2"], 5: ["e-1"], 9: ["e-0"]} == {
        c: [r.id for _, _, _, r in entries] for c, (_, entries) in index.classes.items()
    }
    assert ["e-0", "e-1", "e-2"] == [r.id for r in index.timeline]
    check_invariants(index)


@DATASET_SETTINGS
@given(datasets())
def test_generated_indexes_keep_their_invariants(dataset: si.Dataset) -> None:
    """For any dataset, the span classes are sorted by first day and the timeline by date."""
    index = Index(dataset.records())
    check_invariants(index)
    for a, b in itertools.pairwise(index.timeline):
        assert timeline_point(a) <= timeline_point(b)


def test_a_range_covering_all_time_finds_every_dated_record() -> None:
    """From the earliest to the latest day, both modes return the whole timeline."""
    ds = si.load()
    assert ds.timeline() == ds.between(dt.date.min, dt.date.max)
    assert ds.timeline() == ds.between(dt.date.min, dt.date.max, mode="overlaps")


def test_a_span_nested_in_another_of_its_class_keeps_first_days_sorted() -> None:
    """All of 2020 and February-November 2020 share a class: by first day, 2020 comes first."""
    ds = si.load()
    base = ds.lookup("rd-spending-share-of-gdp")
    inner = si.Period(si.PartialDate(2020, 2), si.PartialDate(2020, 11))
    nested = attrs.evolve(base, id="planted-inner", period=inner)  # type: ignore[misc]
    year = si.Event(
        id="planted-year",
        date=si.PartialDate(2020),
        title="A title",
        summary="Something happened.",
        locator=si.Locator("src", si.Section.HIGHLIGHTS, 1),
    )
    index = Index([nested, year])
    check_invariants(index)
    [(starts, entries)] = index.classes.values()
    assert ["planted-year", "planted-inner"] == [r.id for _, _, _, r in entries]
    assert [dt.date(2020, 1, 1), dt.date(2020, 2, 1)] == starts
    small = si.Dataset(ds.info, metrics=(nested,), events=(year,))
    assert ("planted-inner",) == tuple(r.id for r in small.between("2020-02", "2020-11"))
    assert ("planted-year", "planted-inner") == tuple(  # timeline order: 2020 < 2020-11
        r.id for r in small.between("2020-11-30", "2020-12", mode="overlaps")
    )


def test_a_record_naming_a_target_twice_is_listed_once_under_it() -> None:
    """Shanghai cites ref-web-shanghai for two fields: the mentions index lists it once there."""
    ds = si.load()
    shanghai = ds.lookup("shanghai")
    index = Index([shanghai])
    assert {"ref-web-shanghai": [shanghai], "china": [shanghai], "ref-districts": [shanghai]} == (
        index.mentions
    )


def test_periods_of_every_length_near_a_power_of_two_are_found() -> None:
    """Periods of 1 to 34 days sit in the class of their length, and each range finds its own."""
    ds = si.load()
    base = ds.lookup("rd-spending-share-of-gdp")
    metrics = tuple(
        attrs.evolve(  # type: ignore[misc]
            base,
            id=f"days-{n}",
            period=si.Period(si.PartialDate(2020, 1, 1), si.PartialDate(2020, 1, n)),
        )
        for n in range(1, 32)
    ) + tuple(
        attrs.evolve(  # type: ignore[misc]
            base,
            id=f"days-{n}",
            period=si.Period(si.PartialDate(2020, 1, 1), si.PartialDate(2020, 2, n - 31)),
        )
        for n in (32, 33, 34)
    )
    index = Index(metrics)
    check_invariants(index)
    lengths = {
        c: sorted(int(r.id[5:]) for _, _, _, r in entries)
        for c, (_, entries) in index.classes.items()
    }
    assert {
        1: [1],
        2: [2, 3],
        3: [4, 5, 6, 7],
        4: list(range(8, 16)),
        5: list(range(16, 32)),
        6: [32, 33, 34],
    } == lengths
    small = si.Dataset(ds.info, metrics=metrics)
    for n in range(1, 35):
        last = dt.date(2020, 1, 1) + dt.timedelta(days=n - 1)
        within = [r.id for r in small.between(dt.date(2020, 1, 1), last)]
        assert [f"days-{k}" for k in range(1, n + 1)] == within, n


#: Span lengths at both ends of each class (a class c holds 2**(c-1) to 2**c - 1 days).
EDGE_LENGTHS = (1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127)
CENTRE = dt.date(2020, 6, 15)


class _Recording(list[Any]):
    """A class's entries that note the length of every slice taken (what spans() scans)."""

    def __init__(self, entries: list[Any], log: list[int]) -> None:
        super().__init__(entries)
        self.log = log

    def __getitem__(self, key: Any) -> Any:
        part = super().__getitem__(key)
        if isinstance(key, slice):
            self.log.append(len(part))
        return part


def _span_id(length: int, offset: int) -> str:
    return f"s-{length}-{'b' if offset < 0 else 'a'}{abs(offset)}"


@pytest.fixture(scope="module")
def edge_index() -> Index:
    """Day spans of every edge length, starting on each day from 260 before CENTRE to 40 after."""
    base = si.load().lookup("rd-spending-share-of-gdp")
    metrics = []
    for length in EDGE_LENGTHS:
        for offset in range(-260, 41):
            first = CENTRE + dt.timedelta(days=offset)
            last = first + dt.timedelta(days=length - 1)
            period = si.Period(
                si.PartialDate(first.year, first.month, first.day),
                si.PartialDate(last.year, last.month, last.day),
            )
            metrics.append(attrs.evolve(base, id=_span_id(length, offset), period=period))  # type: ignore[misc]
    return Index(metrics)


def scans(index: Index, first: dt.date, last: dt.date, *, overlaps: bool) -> dict[int, list[int]]:
    """Run spans() and return, per span class, the lengths of the slices it scanned."""
    saved = dict(index.classes)
    logs: dict[int, list[int]] = {c: [] for c in saved}
    for c, (starts, entries) in saved.items():
        index.classes[c] = (starts, _Recording(entries, logs[c]))
    try:
        index.spans(first, last, overlaps=overlaps)
    finally:
        index.classes.update(saved)
    return {c: log for c, log in logs.items() if log}


def least_scans(
    index: Index, first: dt.date, last: dt.date, *, overlaps: bool
) -> dict[int, list[int]]:
    """What must be scanned, written from the class bounds alone.

    Within a range of D days, no span of a class whose shortest span is longer
    than D can lie, so such a class is not looked at. Otherwise a span can
    answer only if it starts by ``last``, and (within) on or after ``first``, or
    (overlaps) late enough for the longest span of its class, 2**c - 1 days, to
    reach ``first``: at most 2**c - 2 days before it.
    """
    days = (last - first).days + 1
    expected: dict[int, list[int]] = {}
    for c, (starts, _) in index.classes.items():
        shortest, longest = 2 ** (c - 1), 2**c - 1
        if not overlaps and shortest > days:
            continue
        earliest = first - dt.timedelta(days=longest - 1) if overlaps else first
        expected[c] = [sum(earliest <= start <= last for start in starts)]
    return expected


@pytest.mark.parametrize("overlaps", [False, True], ids=["within", "overlaps"])
@pytest.mark.parametrize("days", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 128])
def test_a_range_query_scans_only_what_can_answer(
    edge_index: Index, days: int, overlaps: bool
) -> None:
    """spans() reads one slice per class it must, no wider than the class's reach: log n + answer.

    Spans of each class's shortest and longest length start on every day around
    the range, so a look-back one day too long or too short, or a class scanned
    whose spans are all longer than the range, changes a count.
    """
    last = CENTRE + dt.timedelta(days=days - 1)
    assert least_scans(edge_index, CENTRE, last, overlaps=overlaps) == scans(
        edge_index, CENTRE, last, overlaps=overlaps
    )
    found = {r.id for _, r in edge_index.spans(CENTRE, last, overlaps=overlaps)}
    expected = set()
    for length in EDGE_LENGTHS:
        for offset in range(-260, 41):
            start = CENTRE + dt.timedelta(days=offset)
            end = start + dt.timedelta(days=length - 1)
            inside = CENTRE <= start and end <= last
            touching = start <= last and end >= CENTRE
            if touching if overlaps else inside:
                expected.add(_span_id(length, offset))
    assert expected == found
