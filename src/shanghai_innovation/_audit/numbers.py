"""Interval arithmetic on stated quantities, and numbers written for messages.

A hedged number ("nearly", "about") is taken to lie within :data:`CLOSE` of
the stated value.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Final

from shanghai_innovation._values import Interval, Quantity
from shanghai_innovation._vocab import Unit

__all__ = [
    "CLOSE",
    "amount",
    "exceeds",
    "num",
    "overlap",
    "pct",
    "plausible",
    "range_text",
    "scale",
]

#: How close a hedged value ("nearly", "about") is taken to be: within 15 %.
CLOSE: Final = Fraction(15, 100)


def num(value: Fraction) -> str:
    """A readable number: 1.5 trillion, 94 billion, 6.696, 16000."""
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(value) >= size:
            return f"{float(value / size):.4g} {word}"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.4g}"


def amount(quantity: Quantity) -> str:
    hedge = "" if quantity.qualifier.value == "exact" else f"{quantity.qualifier.value} "
    if quantity.unit is Unit.PERCENT:
        return f"{hedge}{num(quantity.value)} %"
    if quantity.unit is Unit.RATIO:
        return f"{hedge}{quantity.exact} ({pct(quantity.value)})"
    if quantity.unit is Unit.COUNT:
        return f"{hedge}{num(quantity.value)}"
    return f"{hedge}{num(quantity.value)} {quantity.unit.value}"


def pct(value: Fraction, signed: bool = True) -> str:
    return f"{float(value * 100):+.1f} %" if signed else f"{float(value * 100):.1f} %"


def plausible(quantity: Quantity) -> Interval:
    """The bounds of a quantity, with "nearly"/"about" made a band of :data:`CLOSE`."""
    bounds = quantity.bounds
    if bounds.close_to is None:
        return bounds
    band = abs(bounds.close_to) * CLOSE
    upper = bounds.upper if bounds.upper is not None else bounds.close_to + band
    return Interval(bounds.close_to - band, True, upper, True)


def scale(interval: Interval, factor: Fraction, shift: Fraction = Fraction(0)) -> Interval:
    """``interval * factor + shift`` for a positive factor."""

    def f(value: Fraction | None) -> Fraction | None:
        return None if value is None else value * factor + shift

    return Interval(
        f(interval.lower), interval.lower_inclusive, f(interval.upper), interval.upper_inclusive
    )


def overlap(a: Interval, b: Interval) -> bool:
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


def exceeds(low: Interval, high: Interval) -> bool:
    """Whether every value of ``low`` is above every value of ``high``."""
    if low.lower is None or high.upper is None:
        return False
    if low.lower == high.upper:
        return not (low.lower_inclusive and high.upper_inclusive)
    return low.lower > high.upper


def range_text(interval: Interval, fmt: Callable[[Fraction], str] = num) -> str:
    if interval.lower is not None and interval.upper is not None:
        if interval.lower == interval.upper:
            return fmt(interval.lower)
        return f"{fmt(interval.lower)} to {fmt(interval.upper)}"
    if interval.lower is not None:
        return f"{'at least' if interval.lower_inclusive else 'above'} {fmt(interval.lower)}"
    if interval.upper is not None:
        return f"{'at most' if interval.upper_inclusive else 'below'} {fmt(interval.upper)}"
    return "any value"
