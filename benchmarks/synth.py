"""Seeded synthetic Metric records: the article's model, a thousandfold and more.

Each record is built by the record classes (every validator runs), with the
shapes real data has: round numbers with hedges ("nearly 16000"), dates at
year, month or day precision, a period for one in ten, an equivalent amount
for some yuan figures, a few topics and entity ids.
"""

from __future__ import annotations

import random
from fractions import Fraction

import attrs

from shanghai_innovation import (
    Locator,
    Metric,
    PartialDate,
    Period,
    Qualifier,
    Quantity,
    Section,
    Topic,
    Unit,
)

MEASURES = [f"Synthetic measure number {i}" for i in range(200)]
ENTITIES = [f"entity-{i}" for i in range(2000)]
TOPICS = list(Topic)
SECTIONS = list(Section)
QUALIFIERS = list(Qualifier)


def _date(rng: random.Random) -> PartialDate:
    year = rng.randint(1990, 2030)
    precision = rng.random()
    if precision < 0.3:
        parts: tuple[int, ...] = (year,)
    elif precision < 0.6:
        parts = (year, rng.randint(1, 12))
    else:
        parts = (year, rng.randint(1, 12), rng.randint(1, 28))
    # Values repeat, as in loaded data; build each distinct one once.
    date = _DATES.get(parts)
    if date is None:
        date = _DATES[parts] = PartialDate(*parts)
    return date


_DATES: dict[tuple[int, ...], PartialDate] = {}
_LOCATORS: dict[tuple[Section, int], Locator] = {}


def _locator(rng: random.Random) -> Locator:
    key = (rng.choice(SECTIONS), rng.randint(1, 30))
    locator = _LOCATORS.get(key)
    if locator is None:
        locator = _LOCATORS[key] = Locator("source", *key)
    return locator


def _quantity(rng: random.Random, unit: Unit) -> Quantity:
    if unit is Unit.PERCENT:
        value = Fraction(rng.randint(0, 1000), 10)
    else:
        value = Fraction(rng.randint(1, 999) * 10 ** rng.randint(0, 9))
    return Quantity(value, unit, rng.choice(QUALIFIERS))


def metric(rng: random.Random, i: int) -> Metric:
    """One synthetic metric, the i-th."""
    unit = rng.choice((Unit.COUNT, Unit.COUNT, Unit.CNY, Unit.PERCENT))
    quantity = _quantity(rng, unit)
    equivalent = None
    if unit is Unit.CNY and rng.random() < 0.2:
        equivalent = Quantity(quantity.value / 7, Unit.USD)
    as_of = period = None
    if rng.random() < 0.1:
        start = rng.randint(1990, 2025)
        period = Period(PartialDate(start), PartialDate(start + rng.randint(0, 5)), derived=True)
    else:
        as_of = _date(rng)
    return Metric(
        id=f"metric-{i:07d}",
        subject=rng.choice(ENTITIES),
        measure=rng.choice(MEASURES),
        quantity=quantity,
        locator=_locator(rng),
        equivalent=equivalent,
        as_of=as_of,
        period=period,
        entities=tuple(rng.sample(ENTITIES, rng.randint(0, 2))),
        topics=tuple(rng.sample(TOPICS, rng.randint(0, 2))),
    )


def metrics(n: int, seed: int = 2020, *, validate: bool = True) -> list[Metric]:
    """``n`` synthetic metrics, the same ones for the same seed.

    They are valid by construction; ``validate=False`` skips running the
    validators while building them (a quarter of the time).
    """
    rng = random.Random(seed)
    if validate:
        return [metric(rng, i) for i in range(n)]
    with attrs.validators.disabled():
        return [metric(rng, i) for i in range(n)]
