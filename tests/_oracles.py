"""Expected results of the queries, written without the code under test.

The query tests compare the index and search with these plain scans. They
read record fields by name and count days with the calendar module; they do
not call ``when``, ``timeline_key``, ``searched_fields``, ``fold`` or
``name_key``, so a fault there cannot hide in the expectation too.
"""

from __future__ import annotations

import calendar
import datetime as dt

import shanghai_innovation as si
from shanghai_innovation._search import STOP_WORDS

#: The fields search reads, by table: every text field but ids, urls and codes.
#: (An erratum's ``record`` is read: it names a record of any table.)
SEARCHED: dict[str, tuple[str, ...]] = {
    "sources": ("title", "author", "outlet", "note"),
    "entities": ("name", "aliases", "name_zh_hans", "description"),
    "metrics": ("measure", "evidence", "as_of_derivation"),
    "events": ("title", "summary", "evidence"),
    "rankings": ("evidence", "edition_derivation"),
    "streaks": ("honour", "evidence"),
    "pledges": ("goal", "evidence"),
    "firsts": ("achievement", "evidence"),
    "quotes": ("role", "passages"),
    "photos": ("caption", "evidence"),
    "statements": ("claim", "evidence"),
    "references": ("statement",),
    "errata": ("record", "stated", "explanation", "rules", "likely"),
}

#: The fields holding names a record goes by.
NAMES: dict[str, tuple[str, ...]] = {"entities": ("name", "aliases", "name_zh_hans")}

#: Which field dates a record, by table, in the order tried (a Period counts whole).
DATED_BY: dict[str, tuple[str, ...]] = {
    "sources": ("published",),
    "metrics": ("as_of", "period"),
    "events": ("date",),
    "rankings": ("published", "edition"),
    "streaks": ("latest_year",),
    "pledges": ("made",),
    "references": ("as_of",),
    "statements": ("period",),
}

_PUNCTUATION = ".,;:!?()[]\"'"


def texts(record: si.Record, field: str) -> tuple[str, ...]:
    """The text values of one field (a tuple field gives each item; None gives none)."""
    value = getattr(record, field)
    values = value if isinstance(value, tuple) else (value,)
    return tuple(str(v) for v in values if v)


def plain_words(text: str) -> list[str]:
    """Lower-case words of four or more plain ASCII letters, punctuation at the ends stripped.

    Stop words are left out: search ignores them.
    """
    words = (w.strip(_PUNCTUATION) for w in text.split())
    return [
        w.lower()
        for w in words
        if len(w) >= 4 and w.isascii() and w.isalpha() and w.lower() not in STOP_WORDS
    ]


def records_holding(dataset: si.Dataset, word: str) -> set[str]:
    """Ids of records with ``word`` (see :func:`plain_words`) in a searched field."""
    return {
        r.id
        for r in dataset.records()
        for field in SEARCHED[r.table]
        for text in texts(r, field)
        if word in plain_words(text)
    }


def _days(year: int, month: int | None, day: int | None) -> tuple[dt.date, dt.date]:
    if day is not None:
        assert month is not None
        return dt.date(year, month, day), dt.date(year, month, day)
    if month is not None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _date_fields(value: object) -> tuple[int, int | None, int | None]:
    if isinstance(value, int):  # a year (a ranking's edition, a streak's latest year)
        return value, None, None
    if isinstance(value, dt.date):
        return value.year, value.month, value.day
    assert isinstance(value, si.PartialDate), value
    return value.year, value.month, value.day


def dated_by(record: si.Record) -> object | None:
    """The value that dates a record (a date, a partial date, a period, a year), or None."""
    for field in DATED_BY.get(record.table, ()):
        value = getattr(record, field)
        if value is not None:
            return value
    return None


def expected_span(record: si.Record) -> tuple[dt.date, dt.date] | None:
    """The first and last day a record's date can mean, or None when it is undated."""
    value = dated_by(record)
    if value is None:
        return None
    if isinstance(value, si.Period):
        return _days(*_date_fields(value.start))[0], _days(*_date_fields(value.end))[1]
    return _days(*_date_fields(value))


def timeline_point(record: si.Record) -> tuple[int, int, int]:
    """Where a dated record sits in the timeline: (year, month, day), 0 for what is not given.

    A period sits at its end; a year before its months, a month before its days.
    """
    value = dated_by(record)
    assert value is not None, record.id
    if isinstance(value, si.Period):
        value = value.end
    year, month, day = _date_fields(value)
    return year, month or 0, day or 0
