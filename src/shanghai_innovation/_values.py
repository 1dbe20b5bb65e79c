"""Value types: a stated quantity, its interval, a partial date, a period, a locator.

These are records like any other (frozen, validated attrs classes) and know
nothing of files, Arrow or the command line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import functools
import re
from fractions import Fraction
from typing import Any, Final

import attrs

from ._frozen import frozen
from ._text import check_text
from ._vocab import Precision, Qualifier, Section, Unit

__all__ = [
    "Interval",
    "Locator",
    "PartialDate",
    "Period",
    "Quantity",
    "format_fraction",
    "parse_fraction",
]

_FRACTION_TEXT: Final = re.compile(r"-?([0-9]+(\.[0-9]+)?|[0-9]+/[1-9][0-9]*)")


def parse_fraction(value: object) -> Fraction:
    """Read an exact number from an int, a decimal string or a ``p/q`` string.

    Floats are refused: they are where float artefacts come from.

    >>> parse_fraction("3.5"), parse_fraction("2/3"), parse_fraction(16000)
    (Fraction(7, 2), Fraction(2, 3), Fraction(16000, 1))
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        msg = f"expected an int or an exact number as text, got {type(value).__name__}"
        raise TypeError(msg)
    if isinstance(value, str) and not _FRACTION_TEXT.fullmatch(value):
        msg = f"not an exact number: {value!r} (write 3.5, 16000 or 2/3)"
        raise ValueError(msg)
    return Fraction(value)


def format_fraction(value: Fraction) -> str:
    """Write a number exactly: as a decimal when it has one, else as ``p/q``.

    >>> format_fraction(Fraction(7, 2)), format_fraction(Fraction(2, 3))
    ('3.5', '2/3')
    """
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


@frozen
class Interval:
    """The range of true values a hedged number allows.

    ``None`` for a bound means unbounded on that side. ``close_to`` is set
    when the qualifier also says the true value is near the stated one
    ("nearly", "about"), without saying how near.
    """

    lower: Fraction | None
    lower_inclusive: bool
    upper: Fraction | None
    upper_inclusive: bool
    close_to: Fraction | None = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int | Fraction):
            return False
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )

    def is_empty(self) -> bool:
        """Whether no value at all lies in the interval."""
        if self.lower is None or self.upper is None:
            return False
        if self.lower == self.upper:
            return not (self.lower_inclusive and self.upper_inclusive)
        return self.lower > self.upper


def _bounds(qualifier: Qualifier, value: Fraction) -> Interval:
    match qualifier:
        case Qualifier.EXACT:
            return Interval(value, True, value, True)
        case Qualifier.ABOUT:
            return Interval(None, False, None, False, close_to=value)
        case Qualifier.NEARLY:
            return Interval(None, False, value, True, close_to=value)
        case Qualifier.AT_LEAST:
            return Interval(value, True, None, False)
        case Qualifier.OVER | Qualifier.MORE_THAN:
            return Interval(value, False, None, False)
        case Qualifier.UP_TO:
            return Interval(None, False, value, True)
        case Qualifier.UNDER:
            return Interval(None, False, value, False)


def _check_value(instance: Quantity, attribute: attrs.Attribute[Fraction], value: object) -> None:
    if not isinstance(value, Fraction):
        msg = f"value must be a Fraction, got {type(value).__name__}"
        raise TypeError(msg)
    unit = instance.unit
    if unit is Unit.PERCENT and not 0 <= value <= 100:
        msg = f"a percentage must lie within 0-100, got {format_fraction(value)}"
        raise ValueError(msg)
    if unit in (Unit.COUNT, Unit.YEARS) and (value < 0 or value.denominator != 1):
        noun = "a count" if unit is Unit.COUNT else "a number of years"
        msg = f"{noun} must be a non-negative whole number, got {format_fraction(value)}"
        raise ValueError(msg)
    if unit is Unit.RANK and (value < 1 or value.denominator != 1):
        msg = f"a rank must be a whole number from 1, got {format_fraction(value)}"
        raise ValueError(msg)
    if unit in (Unit.CNY, Unit.USD, Unit.RATIO, Unit.CNY_PER_USD) and value < 0:
        msg = f"an amount in {unit.value} cannot be negative, got {format_fraction(value)}"
        raise ValueError(msg)


@frozen
class Quantity:
    """A number exactly as the article states it, with its unit and hedge.

    The value is exact (a :class:`~fractions.Fraction`): "3.5 percent" is
    7/2, "84.5 million" is 84,500,000 and "two-thirds" is 2/3, with no float
    artefacts. The qualifier is the article's hedge; :attr:`bounds` is the
    interval it implies.

    It reads like the article: ``str()`` gives the hedge, the number with
    thousands separators, or in millions, billions or trillions when that
    is exact to three decimals, and the unit (see :meth:`__format__` for the
    words per unit). ``format()`` takes the usual number format specs for the
    number; ``float()`` and ``int()`` convert the value (``int()`` truncates,
    as ``int(3.5)`` does).

    >>> q = Quantity(Fraction(16000), Unit.COUNT, Qualifier.NEARLY)
    >>> 15999 in q.bounds, 16001 in q.bounds
    (True, False)
    >>> str(q), f"{q:_}", float(q)
    ('nearly 16,000', 'nearly 16_000', 16000.0)
    >>> print(Quantity(Fraction(1_500_000_000_000), Unit.CNY, Qualifier.OVER))
    over 1.5 trillion CNY
    """

    #: The stated number.
    value: Fraction = attrs.field(validator=_check_value)
    #: What the number measures in.
    unit: Unit = attrs.field(validator=attrs.validators.instance_of(Unit))
    #: The hedge the article puts on it.
    qualifier: Qualifier = attrs.field(
        default=Qualifier.EXACT, validator=attrs.validators.instance_of(Qualifier)
    )

    @property
    def bounds(self) -> Interval:
        """The interval of true values the qualifier allows (derived)."""
        return _bounds(self.qualifier, self.value)

    @property
    def exact(self) -> str:
        """The value as exact text: ``"3.5"``, ``"16000"``, ``"2/3"``."""
        return format_fraction(self.value)

    def __str__(self) -> str:
        return self._phrase(_article_number(self.value))

    def __format__(self, spec: str) -> str:
        """The quantity with its number formatted by ``spec``; hedge and unit stay.

        An empty spec gives :meth:`__str__`. Otherwise the number is
        formatted exactly (as a :class:`~decimal.Decimal`; integer codes
        ``b``, ``c``, ``d``, ``o``, ``x``, ``X`` need a whole number) and the
        words around it are those of ``str()``:

        ============  ==========================  ===========================
        unit          ``str()``                   ``format(q, ",.2f")``
        ============  ==========================  ===========================
        count         ``nearly 16,000``           ``nearly 16,000.00``
        percent       ``at least 3.5 percent``    ``at least 3.50 percent``
        CNY, USD      ``over 1.5 trillion CNY``   ``over 1,500,000,000,000.00 CNY``
        ratio         ``nearly 2/3``              ``nearly 0.67``
        CNY/USD       ``6.7 CNY per USD``         ``6.70 CNY per USD``
        years         ``20 years`` (``1 year``)   ``20.00 years``
        places        ``3 places`` (``1 place``)  ``3.00 places``
        rank          ``rank 5``                  ``rank 5.00``
        ============  ==========================  ===========================

        >>> q = Quantity(Fraction(7, 2), Unit.PERCENT, Qualifier.AT_LEAST)
        >>> f"{q}", f"{q:.2f}", f"{q:.1e}"
        ('at least 3.5 percent', 'at least 3.50 percent', 'at least 3.5e+0 percent')

        Raises:
            ValueError: for a spec numbers do not take, or an integer code on a fraction.

        """
        if not spec:
            return str(self)
        if spec[-1:] in _INTEGER_CODES:
            if self.value.denominator != 1:
                msg = f"format code {spec[-1]!r} needs a whole number, got {self.exact}"
                raise ValueError(msg)
            return self._phrase(format(self.value.numerator, spec))
        if "_" in spec:  # Decimal groups with "," only
            number = format(_decimal(self.value), spec.replace("_", ","))
            return self._phrase(number.replace(",", "_"))
        return self._phrase(format(_decimal(self.value), spec))

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def _phrase(self, number: str) -> str:
        hedge = "" if self.qualifier is Qualifier.EXACT else f"{self.qualifier} "
        unit = self.unit
        if unit is Unit.RANK:
            return f"{hedge}rank {number}"
        words = _UNIT_WORDS.get(unit, str(unit))
        if unit in (Unit.YEARS, Unit.PLACES) and self.value == 1:
            words = words.removesuffix("s")
        return f"{hedge}{number} {words}" if words else f"{hedge}{number}"


#: The words after a number, per unit (the token itself when not listed).
_UNIT_WORDS: Final[dict[Unit, str]] = {
    Unit.COUNT: "",
    Unit.RATIO: "",
    Unit.CNY_PER_USD: "CNY per USD",
}
#: Format codes that take only whole numbers.
_INTEGER_CODES: Final = frozenset("bcdoxX")
#: Number words, largest first, and the decimals a scaled number may have to use one.
_SCALES: Final = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))
_SCALE_DECIMALS: Final = 3


def _decimal(value: Fraction) -> decimal.Decimal:
    """A fraction as a Decimal: exactly when it has a decimal form, else to 40 digits."""
    text = format_fraction(value)
    if "/" not in text:
        return decimal.Decimal(text)
    with decimal.localcontext() as context:
        context.prec = 40
        return decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)


def _grouped(text: str) -> str:
    """Exact decimal text with thousands separators in its whole part: 16000 -> 16,000."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, decimals = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{decimals}"


def _article_number(value: Fraction) -> str:
    """The number as the article writes one: 16,000; 3.5; 1.5 trillion; 84.5 million; 2/3.

    Exact always: a scale word is used only when the scaled number has at
    most three decimals, and a number with no decimal form stays ``p/q``.
    """
    text = format_fraction(value)
    if "/" in text:
        return text
    for size, word in _SCALES:
        if abs(value) >= size:
            scaled = format_fraction(value / size)
            if "/" not in scaled and len(scaled.partition(".")[2]) <= _SCALE_DECIMALS:
                return f"{_grouped(scaled)} {word}"
            break
    return _grouped(text)


def _check_date(instance: PartialDate, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.day is not None and instance.month is None:
        msg = "a day needs a month"
        raise ValueError(msg)
    if not 1 <= instance.year <= 9999:
        msg = f"year out of range: {instance.year}"
        raise ValueError(msg)
    if instance.month is not None and not 1 <= instance.month <= 12:
        msg = f"month out of range: {instance.month}"
        raise ValueError(msg)
    if instance.day is not None and instance.month is not None:
        last = calendar.monthrange(instance.year, instance.month)[1]
        if not 1 <= instance.day <= last:
            msg = f"no such day: {instance.year:04d}-{instance.month:02d}-{instance.day:02d}"
            raise ValueError(msg)


_int = attrs.validators.instance_of(int)
_opt_int = attrs.validators.optional(_int)


@functools.total_ordering
@frozen(order=False)
class PartialDate:
    """A date known to the year, the month or the day.

    Ordered by ``(year, month, day)`` with a missing part sorting before any
    present one, so a coarse date sorts just before the finer dates it
    contains: 2020 < 2020-06 < 2020-06-29 < 2020-07. The order is total and
    agrees with containment.

    >>> PartialDate.parse("2020-11").contains(PartialDate.parse("2020-11-18"))
    True
    >>> PartialDate.parse("2020-06-29").span
    (datetime.date(2020, 6, 29), datetime.date(2020, 6, 29))
    """

    year: int = attrs.field(validator=_int)
    month: int | None = attrs.field(default=None, validator=_opt_int)
    day: int | None = attrs.field(default=None, validator=[_opt_int, _check_date])

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
            msg = f"not a partial date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}"
            raise ValueError(msg)
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        """A day-precision partial date."""
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> Precision:
        """How much of the date is known."""
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def start(self) -> dt.date:
        """The first day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        """The last day the date can mean."""
        if self.day is not None:
            return self.start
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """First and last day, inclusive."""
        return self.start, self.end

    def contains(self, other: PartialDate | dt.date) -> bool:
        """Whether every day of ``other`` lies within this date."""
        if isinstance(other, dt.date):
            return self.start <= other <= self.end
        return self.start <= other.start and other.end <= self.end

    def sort_key(self) -> tuple[int, int, int]:
        """The key the order uses: missing parts count as 0."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


def _check_period(instance: Period, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.end < instance.start:
        msg = f"period ends ({instance.end}) before it starts ({instance.start})"
        raise ValueError(msg)


@frozen
class Period:
    """A span of time, with how it was worked out when the article is vague.

    >>> p = Period(PartialDate(2016), PartialDate(2020), derived=True)
    >>> p.contains(PartialDate(2018, 5)), str(p)
    (True, '2016/2020')
    """

    start: PartialDate = attrs.field(validator=attrs.validators.instance_of(PartialDate))
    end: PartialDate = attrs.field(
        validator=[attrs.validators.instance_of(PartialDate), _check_period]
    )
    #: True when the article gives a phrase ("the past five years") rather
    #: than the dates themselves.
    derived: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    #: How the dates were worked out from the article's phrase (curated text,
    #: held to the rules of every text field).
    derivation: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(check_text)
    )

    def contains(self, date: PartialDate | dt.date) -> bool:
        """Whether every day of ``date`` lies within the period."""
        first, last = self.start.start, self.end.end
        if isinstance(date, dt.date):
            return first <= date <= last
        return first <= date.start and date.end <= last

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """First and last day, inclusive."""
        return self.start.start, self.end.end

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


_slug = attrs.validators.matches_re(r"[a-z0-9]+(-[a-z0-9]+)*")


@frozen
class Locator:
    """Where in a source a record comes from.

    >>> str(Locator("shine-2020-12-31", Section.HIGHLIGHTS, 3))
    'shine-2020-12-31#highlights-of-2020/3'
    """

    #: The id of the source record.
    source: str = attrs.field(validator=[attrs.validators.instance_of(str), _slug])
    #: The part of the article.
    section: Section = attrs.field(validator=attrs.validators.instance_of(Section))
    #: The paragraph within the section, from 1.
    paragraph: int = attrs.field(validator=[_int, attrs.validators.ge(1)])

    def __str__(self) -> str:
        return f"{self.source}#{self.section.value}/{self.paragraph}"
