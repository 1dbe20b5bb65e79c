"""Value types: exact numbers, qualifier bounds, partial dates, periods, locators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest

from shanghai_innovation import (
    Interval,
    Locator,
    PartialDate,
    Period,
    Precision,
    Qualifier,
    Quantity,
    Section,
    Unit,
)
from shanghai_innovation._values import _decimal, format_fraction, parse_fraction

F = Fraction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5", F(7, 2)),
        ("16000", F(16000)),
        ("2/3", F(2, 3)),
        ("-1.25", F(-5, 4)),
        (84_500_000, F(84_500_000)),
    ],
)
def test_parse_fraction_is_exact(text: str | int, expected: Fraction) -> None:
    """Numbers written as text or integers are read exactly."""
    assert expected == parse_fraction(text)


@pytest.mark.parametrize("bad", ["3,5", "1e6", "", "2/0", "two"])
def test_parse_fraction_refuses_non_numbers(bad: str) -> None:
    """Text that is not an exact number is refused."""
    with pytest.raises(ValueError, match="not an exact number"):
        parse_fraction(bad)


@pytest.mark.parametrize("bad", [3.5, True, None])
def test_parse_fraction_refuses_floats_and_bools(bad: object) -> None:
    """Floats (the source of artefacts) and booleans are refused."""
    with pytest.raises(TypeError):
        parse_fraction(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (F(7, 2), "3.5"),
        (F(2, 3), "2/3"),
        (F(1_500_000_000_000), "1500000000000"),
        (F(-1, 8), "-0.125"),
        (F(1, 20), "0.05"),
        (F(0), "0"),
    ],
)
def test_format_fraction(value: Fraction, expected: str) -> None:
    """Exact text: a decimal when one exists, else p/q; it reads back to the same value."""
    assert expected == format_fraction(value)
    assert value == parse_fraction(expected)


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        (Qualifier.EXACT, Interval(F(16000), True, F(16000), True)),
        (Qualifier.ABOUT, Interval(None, False, None, False, close_to=F(16000))),
        (Qualifier.NEARLY, Interval(None, False, F(16000), True, close_to=F(16000))),
        (Qualifier.AT_LEAST, Interval(F(16000), True, None, False)),
        (Qualifier.OVER, Interval(F(16000), False, None, False)),
        (Qualifier.MORE_THAN, Interval(F(16000), False, None, False)),
        (Qualifier.UP_TO, Interval(None, False, F(16000), True)),
        (Qualifier.UNDER, Interval(None, False, F(16000), False)),
    ],
)
def test_bounds_of_each_qualifier(qualifier: Qualifier, expected: Interval) -> None:
    """Each qualifier implies one fixed interval around the stated value."""
    assert expected == Quantity(F(16000), Unit.COUNT, qualifier).bounds


def test_nearly_16000_is_at_most_16000() -> None:
    """'nearly 16,000' allows 15,999 and 16,000 but not 16,001."""
    bounds = Quantity(F(16000), Unit.COUNT, Qualifier.NEARLY).bounds
    assert (True, True, False) == (15999 in bounds, 16000 in bounds, 16001 in bounds)


def test_over_is_strict_and_at_least_is_not() -> None:
    """'over 1.5 trillion' excludes 1.5 trillion; 'at least 3.5' includes 3.5."""
    over = Quantity(F(1_500_000_000_000), Unit.CNY, Qualifier.OVER).bounds
    at_least = Quantity(F(7, 2), Unit.PERCENT, Qualifier.AT_LEAST).bounds
    assert (False, True) == (F(1_500_000_000_000) in over, F(1_500_000_000_001) in over)
    assert (True, False) == (F(7, 2) in at_least, F(349, 100) in at_least)


def test_interval_rejects_non_numbers_and_detects_emptiness() -> None:
    """Only numbers can be members; an interval with crossed bounds is empty."""
    assert "16000" not in Interval(None, False, None, False)
    assert Interval(F(2), True, F(1), True).is_empty()
    assert Interval(F(1), True, F(1), False).is_empty()
    assert not Interval(F(1), True, F(1), True).is_empty()
    assert not Interval(None, False, F(1), True).is_empty()


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        (Unit.PERCENT, F(101), "a percentage must lie within 0-100, got 101"),
        (Unit.PERCENT, F(-1), "a percentage must lie within 0-100, got -1"),
        (Unit.COUNT, F(-3), "a count must be a non-negative whole number, got -3"),
        (Unit.COUNT, F(1, 2), "a count must be a non-negative whole number, got 0.5"),
        (Unit.YEARS, F(5, 2), "a number of years must be a non-negative whole number, got 2.5"),
        (Unit.RANK, F(0), "a rank must be a whole number from 1, got 0"),
        (Unit.CNY, F(-1), "an amount in CNY cannot be negative, got -1"),
    ],
)
def test_quantity_validation(unit: Unit, value: Fraction, message: str) -> None:
    """Units constrain their values; the message states the rule and the value."""
    with pytest.raises(ValueError, match=f"^{message}$"):
        Quantity(value, unit)


def test_quantity_text_and_exact() -> None:
    """A quantity prints with its hedge; exact text keeps 3.5 as 3.5."""
    q = Quantity(F(7, 2), Unit.PERCENT, Qualifier.AT_LEAST)
    assert ("3.5", "at least 3.5 percent") == (q.exact, str(q))
    assert "224 billion USD" == str(Quantity(F(224_000_000_000), Unit.USD))


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (F(1_500_000_000_000), Unit.CNY, Qualifier.OVER, "over 1.5 trillion CNY"),
        (F(224_000_000_000), Unit.USD, Qualifier.EXACT, "224 billion USD"),
        (F(84_500_000), Unit.COUNT, Qualifier.EXACT, "84.5 million"),
        (F(1_234_500), Unit.COUNT, Qualifier.EXACT, "1,234,500"),  # 4 decimals: no scale
        (F(1_000_000), Unit.COUNT, Qualifier.EXACT, "1 million"),
        (F(999_999), Unit.COUNT, Qualifier.EXACT, "999,999"),
        (F(3_815_500_000_000), Unit.CNY, Qualifier.ABOUT, "about 3,815,500,000,000 CNY"),
        (F(3_815_000_000_000), Unit.CNY, Qualifier.ABOUT, "about 3.815 trillion CNY"),
        (F(16000), Unit.COUNT, Qualifier.NEARLY, "nearly 16,000"),
        (F(1800), Unit.COUNT, Qualifier.MORE_THAN, "more than 1,800"),
        (F(999), Unit.COUNT, Qualifier.EXACT, "999"),
        (F(7, 2), Unit.PERCENT, Qualifier.AT_LEAST, "at least 3.5 percent"),
        (F(2, 3), Unit.RATIO, Qualifier.NEARLY, "nearly 2/3"),
        (F(1, 10), Unit.RATIO, Qualifier.EXACT, "0.1"),
        (F(6908, 1000), Unit.CNY_PER_USD, Qualifier.EXACT, "6.908 CNY per USD"),
        (F(20), Unit.YEARS, Qualifier.EXACT, "20 years"),
        (F(1), Unit.YEARS, Qualifier.UP_TO, "up to 1 year"),
        (F(1), Unit.PLACES, Qualifier.EXACT, "1 place"),
        (F(-3), Unit.PLACES, Qualifier.EXACT, "-3 places"),
        (F(-3000), Unit.PLACES, Qualifier.EXACT, "-3,000 places"),
        (F(5), Unit.RANK, Qualifier.UNDER, "under rank 5"),
    ],
)
def test_quantity_reads_like_the_article(
    value: Fraction, unit: Unit, qualifier: Qualifier, expected: str
) -> None:
    """str() gives hedge, grouped or scaled exact number, and the unit's words."""
    quantity = Quantity(value, unit, qualifier)
    assert (expected, expected) == (str(quantity), f"{quantity}")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (",", "over 1,500,000,000,000 CNY"),
        ("_", "over 1_500_000_000_000 CNY"),
        (",.2f", "over 1,500,000,000,000.00 CNY"),
        (".2e", "over 1.50e+12 CNY"),
        ("d", "over 1500000000000 CNY"),
        ("x", "over 15d3ef79800 CNY"),
        ("n", "over 1500000000000 CNY"),
        (">16,", "over 1,500,000,000,000 CNY"),
    ],
)
def test_quantity_format_spec_formats_the_number(spec: str, expected: str) -> None:
    """format() applies a number spec to the exact value; hedge and unit stay around it."""
    quantity = Quantity(F(1_500_000_000_000), Unit.CNY, Qualifier.OVER)
    assert expected == format(quantity, spec)


def test_quantity_format_of_a_fraction_is_exact_to_the_digits_asked() -> None:
    """2/3 formats as 0.67 with .2f; 3.5 percent as 3.50 percent; no float artefacts."""
    assert ("nearly 0.67", "at least 3.50 percent", "0.1000000000000000000000000") == (
        format(Quantity(F(2, 3), Unit.RATIO, Qualifier.NEARLY), ".2f"),
        format(Quantity(F(7, 2), Unit.PERCENT, Qualifier.AT_LEAST), ".2f"),
        format(Quantity(F(1, 10), Unit.RATIO), ".25f"),
    )


def test_quantity_integer_format_codes_need_a_whole_number() -> None:
    """'d' on 3.5 is a ValueError naming the code; a spec numbers refuse is a ValueError too."""
    with pytest.raises(ValueError, match=r"format code 'd' needs a whole number, got 3\.5"):
        format(Quantity(F(7, 2), Unit.PERCENT), "d")
    with pytest.raises(ValueError, match="format"):
        format(Quantity(F(7, 2), Unit.PERCENT), "s")


def test_quantity_converts_to_float_and_int() -> None:
    """float() is the value as a float; int() truncates like int(3.5)."""
    assert (3.5, 3, 16000, -3) == (
        float(Quantity(F(7, 2), Unit.PERCENT)),
        int(Quantity(F(7, 2), Unit.PERCENT)),
        int(Quantity(F(16000), Unit.COUNT)),
        int(Quantity(F(-7, 2), Unit.PLACES)),
    )


def test_vocabularies_print_as_their_tokens() -> None:
    """Every member of every vocabulary is its token: str, format and == agree."""
    import enum  # noqa: PLC0415

    from shanghai_innovation import _vocab  # noqa: PLC0415

    kinds = [v for v in vars(_vocab).values() if isinstance(v, type) and issubclass(v, enum.Enum)]
    assert len(kinds) >= 10
    for kind in kinds:
        for member in kind:
            assert (member.value, member.value, True) == (
                str(member),
                f"{member}",
                member == member.value,
            )


def test_quantity_is_frozen() -> None:
    """Quantities are immutable."""
    q = Quantity(F(1), Unit.COUNT)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        q.value = F(2)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2015", Precision.YEAR, dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
        ("2020-11", Precision.MONTH, dt.date(2020, 11, 1), dt.date(2020, 11, 30)),
        ("2020-02", Precision.MONTH, dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2020-06-29", Precision.DAY, dt.date(2020, 6, 29), dt.date(2020, 6, 29)),
    ],
)
def test_partial_date_precision_and_span(
    text: str, precision: Precision, first: dt.date, last: dt.date
) -> None:
    """A partial date knows its precision and the first and last day it can mean."""
    date = PartialDate.parse(text)
    assert (precision, first, last, text) == (date.precision, date.start, date.end, str(date))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-02-30", "no such day: 2020-02-30"),
        ("2019-02-29", "no such day: 2019-02-29"),
        ("2020-13", "month out of range: 13"),
        ("2020-00", "month out of range: 0"),
        ("20-01-01", "not a partial date"),
        ("2020/01", "not a partial date"),
    ],
)
def test_partial_date_rejects_impossible_dates(text: str, message: str) -> None:
    """Impossible or malformed dates are refused with the reason."""
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(text)


def test_day_needs_month() -> None:
    """A day without a month is meaningless."""
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2020, None, 5)


def test_partial_date_order() -> None:
    """Coarser dates sort just before the finer dates they contain."""
    texts = ["2020-07", "2020-06-29", "2015", "2020", "2020-06", "2019-12-31"]
    ordered = sorted(PartialDate.parse(t) for t in texts)
    assert ["2015", "2019-12-31", "2020", "2020-06", "2020-06-29", "2020-07"] == [
        str(d) for d in ordered
    ]


def test_partial_date_containment() -> None:
    """'By November' 2020 contains November 18; 'in 2015' contains any 2015 date."""
    november = PartialDate(2020, 11)
    assert november.contains(PartialDate(2020, 11, 18))
    assert november.contains(dt.date(2020, 11, 30))
    assert not november.contains(PartialDate(2020, 12, 9))
    assert not november.contains(PartialDate(2020))
    assert PartialDate(2015).contains(PartialDate(2015, 6))
    assert PartialDate(2020, 6, 29).contains(PartialDate(2020, 6, 29))


def test_partial_date_compares_only_with_partial_dates() -> None:
    """Ordering against another type is refused rather than guessed."""
    with pytest.raises(TypeError):
        _ = PartialDate(2020) < dt.date(2020, 1, 1)  # type: ignore[operator]


def test_period_of_the_past_five_years() -> None:
    """The article's five years, 2016-2020, contain mid-2018 but not 2015."""
    period = Period(PartialDate(2016), PartialDate(2020), derived=True, derivation="counted back")
    assert (dt.date(2016, 1, 1), dt.date(2020, 12, 31)) == period.span
    assert period.contains(PartialDate(2018, 5))
    assert period.contains(dt.date(2020, 12, 31))
    assert not period.contains(PartialDate(2015))
    assert "2016/2020" == str(period)


def test_period_must_not_end_before_it_starts() -> None:
    """A period running backwards is refused."""
    with pytest.raises(ValueError, match=r"period ends \(2015\) before it starts \(2016\)"):
        Period(PartialDate(2016), PartialDate(2015))


def test_locator_text_and_validation() -> None:
    """A locator prints as source#section/paragraph; paragraphs count from 1."""
    assert "shine-2020-12-31#introduction/5" == str(
        Locator("shine-2020-12-31", Section.INTRODUCTION, 5)
    )
    with pytest.raises(ValueError, match="'paragraph' must be >= 1"):
        Locator("shine-2020-12-31", Section.INTRODUCTION, 0)
    with pytest.raises(ValueError, match="'source' must match regex"):
        Locator("Shine 2020", Section.INTRODUCTION, 1)


# --- edges (issue 15: each a slip that went unnoticed) ------------------------------------


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2020-11", "2020-11", True),  # a date contains itself
        ("2020-11", "2020-11-01", True),  # its first day
        ("2020-11", "2020-11-30", True),  # its last day
        ("2020-11", "2020-10-31", False),  # the day before
        ("2020-11", "2020-12-01", False),  # the day after
        ("2020-06-29", "2020-06", False),  # a month is not inside one of its days
        ("2020-11", "2020", False),  # same first day, but ends after the month
        ("2020-12", "2020", False),  # same last day, but starts before the month
        ("2020", "2020-01", True),
        ("2020", "2020-12-31", True),
        ("2020", "2021-01-01", False),
        ("2020", "2019-12", False),
    ],
)
def test_partial_date_contains_at_its_edges(outer: str, inner: str, expected: bool) -> None:
    """Containment holds exactly when the inner date's first and last day both lie inside."""
    assert expected == PartialDate.parse(outer).contains(PartialDate.parse(inner))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2020, 10, 31), False),
        (dt.date(2020, 11, 1), True),
        (dt.date(2020, 11, 30), True),
        (dt.date(2020, 12, 1), False),
    ],
)
def test_partial_date_contains_a_day_from_its_first_to_its_last(
    day: dt.date, expected: bool
) -> None:
    """A plain day is inside 2020-11 from the 1st to the 30th, both included, and not beyond."""
    assert expected == PartialDate(2020, 11).contains(day)


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("2016-03", True),  # the span's first month
        ("2016-03-01", True),
        ("2016-02-29", False),  # the day before it starts
        ("2016", False),  # starts before the span
        ("2020-06-30", True),  # its last day
        ("2020-06", True),
        ("2020-07-01", False),  # the day after it ends
        ("2020", False),  # a date ending after the span
        ("2018", True),
    ],
)
def test_period_contains_at_its_edges(inner: str, expected: bool) -> None:
    """A period from 2016-03 to 2020-06 holds dates lying wholly within March 2016-June 2020."""
    period = Period(PartialDate(2016, 3), PartialDate(2020, 6))
    assert expected == period.contains(PartialDate.parse(inner))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2016, 2, 29), False),
        (dt.date(2016, 3, 1), True),
        (dt.date(2020, 6, 30), True),
        (dt.date(2020, 7, 1), False),
    ],
)
def test_period_contains_a_day_from_its_first_to_its_last(day: dt.date, expected: bool) -> None:
    """A plain day is inside the period from its first day to its last, both included."""
    assert expected == Period(PartialDate(2016, 3), PartialDate(2020, 6)).contains(day)


def test_a_period_of_one_date_is_allowed_and_spans_that_date() -> None:
    """A period may start and end on the same date; its span is that date's."""
    day = PartialDate(2020, 6, 29)
    assert (dt.date(2020, 6, 29), dt.date(2020, 6, 29)) == Period(day, day).span


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (Unit.USD, "an amount in USD cannot be negative, got -1"),
        (Unit.RATIO, "an amount in ratio cannot be negative, got -1"),
        (Unit.CNY_PER_USD, "an amount in CNY/USD cannot be negative, got -1"),
    ],
)
def test_negative_usd_ratio_and_rates_are_refused_like_cny(unit: Unit, message: str) -> None:
    """Dollars, ratios and exchange rates cannot be negative, as yuan cannot."""
    with pytest.raises(ValueError, match=f"^{message}$"):
        Quantity(F(-1), unit)


@pytest.mark.parametrize(
    ("unit", "value"),
    [
        (Unit.CNY, F(0)),
        (Unit.USD, F(0)),
        (Unit.RATIO, F(0)),
        (Unit.CNY_PER_USD, F(0)),
        (Unit.PERCENT, F(0)),
        (Unit.PERCENT, F(100)),
        (Unit.COUNT, F(0)),
        (Unit.YEARS, F(0)),
        (Unit.RANK, F(1)),
        (Unit.CNY, F(1, 3)),
        (Unit.PERCENT, F(7, 2)),
    ],
)
def test_quantity_accepts_the_edges_of_each_unit(unit: Unit, value: Fraction) -> None:
    """Zero amounts, 0 and 100 percent, a count of 0 and rank 1 are all valid."""
    assert value == Quantity(value, unit).value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (F(1, 5**30), "0." + "0" * 20 + "1073741824"),
        (F(3, 2 * 5**30), "0." + "0" * 20 + "1610612736"),
        (F(-7, 2**70), None),
        (F(10**30 + 1, 10**30), "1." + "0" * 29 + "1"),
    ],
)
def test_format_fraction_is_exact_for_long_decimals(value: Fraction, expected: str | None) -> None:
    """Denominators far beyond float precision still give the exact decimal, which reads back."""
    text = format_fraction(value)
    if expected is not None:
        assert expected == text
    assert "/" not in text
    assert value == parse_fraction(text)


@pytest.mark.parametrize("value", [3.5, 16000, "16000", None])
def test_quantity_value_must_be_a_fraction(value: object) -> None:
    """A float, an int, text or None is refused: the value is an exact Fraction."""
    with pytest.raises(TypeError, match=f"^value must be a Fraction, got {type(value).__name__}$"):
        Quantity(value, Unit.CNY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("year", "ok"), [(0, False), (1, True), (2020, True), (9999, True), (10000, False)]
)
def test_partial_date_years_run_from_1_to_9999(year: int, ok: bool) -> None:
    """Years 1 to 9999 are dates (those a datetime.date can hold); 0 and 10000 are refused."""
    if ok:
        assert (year, dt.date(year, 1, 1)) == (PartialDate(year).year, PartialDate(year).start)
    else:
        with pytest.raises(ValueError, match=f"^year out of range: {year}$"):
            PartialDate(year)


def test_a_period_is_stated_unless_marked_derived() -> None:
    """By default a period is the article's own dates: not derived, with no derivation."""
    period = Period(PartialDate(2016), PartialDate(2020))
    assert (False, None) == (period.derived, period.derivation)


def test_an_integer_code_with_a_separator_formats_the_whole_number() -> None:
    """format(16000 firms, ",d") groups the thousands; "d" alone does not."""
    quantity = Quantity(Fraction(16000), Unit.COUNT, Qualifier.EXACT)
    assert ("16,000", "16000") == (format(quantity, ",d"), format(quantity, "d"))


def test_a_fraction_as_a_decimal_is_exact_when_it_can_be_and_forty_digits_else() -> None:
    """10**41 + 1 keeps all 42 digits; 1/3 is cut at 40 significant digits."""
    assert (Decimal(10**41 + 1), Decimal("0." + "3" * 40)) == (
        _decimal(Fraction(10**41 + 1)),
        _decimal(Fraction(1, 3)),
    )
