"""Queries over a Dataset: filters, date ranges, the timeline, search and currency conversion.

The functions here take a :class:`~shanghai_innovation.Dataset` and its
:class:`~shanghai_innovation._index.Index`; the Dataset's methods call them.

Date ranges honour precision. A range ``[start, end]`` runs from the first
day of ``start`` to the last day of ``end`` (so ``"2020-11"`` as an end means
up to 2020-11-30). A record's date is the span of days it can mean (see
:func:`when`):

- ``mode="within"``: the whole span lies in the range. "By November 2020"
  (``2020-11``) is within 2020-11-01..2020-12-31 but not within
  2020-11-15..2020-12-31; "in 2015" is within a range only if all of 2015 is.
- ``mode="overlaps"``: at least one day of the span lies in the range, so
  ``2020-11`` overlaps 2020-11-15..2020-12-31.

Search folds case and accents (NFKD, combining marks dropped, casefold,
spaces collapsed) on both sides and scores each record by its best field:

=====  ================================================================
score  the folded query ...
=====  ================================================================
4      equals the whole field (an exact name, alias or title)
3      starts the field (a prefix)
2      appears in the field as whole words
1      appears in the field anywhere
=====  ================================================================

Matches come in a fixed order: score descending, then table order, then id.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Final, Literal

import attrs

from ._errors import RecordNotFoundError
from ._index import Index, fold, gc_paused
from ._records import RECORD_TYPES, Entity, Metric, Record
from ._values import PartialDate, parse_fraction
from ._vocab import EntityKind, Section, Topic, Unit

if TYPE_CHECKING:
    from ._dataset import Dataset

__all__ = [
    "DateLike",
    "DateMode",
    "Match",
    "between",
    "convert",
    "implied_rate",
    "related",
    "resolve_entity",
    "search",
    "where",
]

#: How a record's date relates to a range: wholly inside it, or touching it.
DateMode = Literal["within", "overlaps"]
#: A range bound: a partial date, a day, text ``YYYY[-MM[-DD]]`` or a year.
DateLike = PartialDate | dt.date | str | int

_TABLE_ORDER: Final = {cls.table: i for i, cls in enumerate(RECORD_TYPES)}


@attrs.frozen
class Match:
    """One search hit: how well it matched, the record, and the field that matched best."""

    #: 4 exact, 3 prefix, 2 whole words, 1 substring (see :func:`search`).
    score: int
    #: The record found.
    record: Record
    #: The field whose text matched best (``"name"``, ``"aliases"``, ``"measure"``, ...).
    field: str
    #: That field's text, as stored.
    text: str


def _as_date(value: object, *, last: bool) -> dt.date:
    if isinstance(value, dt.datetime):
        msg = f"expected a date without a time, got {value.isoformat()}"
        raise TypeError(msg)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        msg = "expected a date, got a bool"
        raise TypeError(msg)
    if isinstance(value, int):
        date = PartialDate(value)
    elif isinstance(value, str):
        date = PartialDate.parse(value)
    elif isinstance(value, PartialDate):
        date = value
    else:
        msg = f"expected a date, a partial date, text or a year, got {type(value).__name__}"
        raise TypeError(msg)
    return date.end if last else date.start


def _check_mode(mode: str) -> bool:
    if mode not in ("within", "overlaps"):
        msg = f"mode must be 'within' or 'overlaps', got {mode!r}"
        raise ValueError(msg)
    return mode == "overlaps"


def between(
    index: Index, start: DateLike | None, end: DateLike | None, mode: DateMode = "within"
) -> tuple[Record, ...]:
    """Dated records in a range, in timeline order (see the module docs)."""
    overlaps = _check_mode(mode)
    first = dt.date.min if start is None else _as_date(start, last=False)
    last = dt.date.max if end is None else _as_date(end, last=True)
    if last < first:
        return ()
    with gc_paused():  # a wide range makes many pairs; see gc_paused
        found = index.spans(first, last, overlaps=overlaps)
        found.sort(key=operator.itemgetter(0))  # ranks are unique: timeline order
        return tuple(record for _, record in found)


def _token(value: enum.Enum | str, kind: type[enum.Enum]) -> str:
    if isinstance(value, kind):
        return str(value.value)
    if isinstance(value, str):
        tokens = {str(m.value) for m in kind}
        if value not in tokens:
            allowed = ", ".join(sorted(tokens))
            msg = f"no {kind.__name__} {value!r}; expected one of: {allowed}"
            raise ValueError(msg)
        return value
    msg = f"expected a {kind.__name__} or its token, got {type(value).__name__}"
    raise TypeError(msg)


def resolve_entity(index: Index, entity: Entity | str) -> tuple[str, ...]:
    """Entity ids an id, name or alias stands for (folded: case and accents ignored).

    Raises:
        RecordNotFoundError: when no entity has that id, name or alias.

    """
    if isinstance(entity, Entity):
        return (entity.id,)
    ids = index.names.get(fold(entity))
    if not ids:
        msg = f"no entity with id, name or alias {entity!r}"
        raise RecordNotFoundError(msg)
    return tuple(ids)


def _table_name(table: str | type[Record]) -> str:
    name = table if isinstance(table, str) else getattr(table, "table", None)
    if name not in _TABLE_ORDER:
        known = ", ".join(_TABLE_ORDER)
        msg = f"no table {table!r}; tables are: {known}"
        raise RecordNotFoundError(msg)
    return str(name)


def _mentioning(index: Index, ids: Iterable[str]) -> list[Record]:
    found: dict[int, Record] = {}
    for entity_id in ids:
        for record in index.mentions.get(entity_id, ()):
            found.setdefault(id(record), record)
    return sorted(found.values(), key=lambda r: index.order[id(r)])


def related(index: Index, entity: Entity | str) -> tuple[Record, ...]:
    """Every record that mentions an entity, in table order then file order.

    A record mentions an entity when any of its reference fields (those with
    ``references`` metadata: ``subject``, ``entities``, ``part_of``,
    ``speaker``, ``depicts``, ...) holds the entity's id, or it is an
    erratum about the entity. The entity is named by id, name or alias.
    """
    return tuple(_mentioning(index, resolve_entity(index, entity)))


def where(
    dataset: Dataset,
    index: Index,
    table: str | type[Record] | None = None,
    *,
    kind: EntityKind | str | None = None,
    topic: Topic | str | None = None,
    entity: Entity | str | None = None,
    section: Section | str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    mode: DateMode = "within",
) -> tuple[Record, ...]:
    """Records meeting every criterion given, in table order then file order."""
    candidates: list[set[int]] = []
    pool: list[Record] | None = None

    def narrow(records: Iterable[Record]) -> None:
        nonlocal pool
        records = list(records)
        candidates.append({id(r) for r in records})
        if pool is None or len(records) < len(pool):
            pool = records

    if table is not None:
        narrow(dataset.table(_table_name(table)))
    if kind is not None:
        narrow(index.by_kind.get(_token(kind, EntityKind), ()))
    if topic is not None:
        narrow(index.by_topic.get(_token(topic, Topic), ()))
    if section is not None:
        narrow(index.by_section.get(_token(section, Section), ()))
    if entity is not None:
        narrow(_mentioning(index, resolve_entity(index, entity)))
    if start is not None or end is not None:
        narrow(between(index, start, end, mode))
    if pool is None:
        return tuple(dataset.records())
    found = [r for r in pool if all(id(r) in ids for ids in candidates)]
    found.sort(key=lambda r: index.order[id(r)])
    return tuple(found)


def _level(query: str, words: re.Pattern[str], folded: str) -> int:
    if folded == query:
        return 4
    if folded.startswith(query):
        return 3
    if words.search(folded):
        return 2
    if query in folded:
        return 1
    return 0


def search(
    index: Index, text: str, limit: int | None = None
) -> tuple[Match, ...]:
    """Records whose text matches, best first (see the module docs for the scores)."""
    query = fold(text)
    if not query:
        msg = "search text is empty"
        raise ValueError(msg)
    if limit is not None and limit < 0:
        msg = f"limit must be 0 or more, got {limit}"
        raise ValueError(msg)
    words = re.compile(rf"(?<!\w){re.escape(query)}(?!\w)")
    matches: list[Match] = []
    for record, fields in index.texts():
        best: tuple[int, str, str] | None = None
        for name, original, folded in fields:
            level = _level(query, words, folded)
            if level and (best is None or level > best[0]):
                best = (level, name, original)
        if best is not None:
            matches.append(Match(best[0], record, best[1], best[2]))
    matches.sort(key=lambda m: (-m.score, _TABLE_ORDER[m.record.table], m.record.id))
    return tuple(matches if limit is None else matches[:limit])


def _pair(metric: object) -> tuple[Fraction, Fraction]:
    if not isinstance(metric, Metric):
        msg = f"expected a Metric, got {type(metric).__name__}"
        raise TypeError(msg)
    if metric.equivalent is None:
        msg = (
            f"metric {metric.id!r} gives no equivalent in another currency; "
            "the article states both currencies only for some amounts"
        )
        raise ValueError(msg)
    stated, other = metric.quantity, metric.equivalent
    amounts = {stated.unit: stated.value, other.unit: other.value}
    if set(amounts) != {Unit.CNY, Unit.USD}:
        units = " and ".join(u.value for u in amounts)
        msg = f"metric {metric.id!r} pairs {units}, not CNY and USD"
        raise ValueError(msg)
    if not amounts[Unit.USD] or not amounts[Unit.CNY]:
        msg = f"metric {metric.id!r} states a zero amount; it implies no rate"
        raise ValueError(msg)
    return amounts[Unit.CNY], amounts[Unit.USD]


def implied_rate(metric: Metric) -> Fraction:
    """Yuan per US dollar implied by a metric the article states in both currencies.

    The rate is the stated yuan amount divided by the stated dollar amount,
    exactly; the article's hedges ("over", "about") are not applied.

    Raises:
        ValueError: when the metric has no equivalent, or the pair is not CNY and USD.

    """
    cny, usd = _pair(metric)
    return cny / usd


def convert(amount: Fraction | int | str, metric: Metric, to: Unit | str) -> Fraction:
    """Convert an amount between CNY and USD at the rate a metric implies.

    ``amount`` is in the other currency of the pair than ``to``; it is exact
    (an int, a :class:`~fractions.Fraction` or exact text like ``"1.5"``).

    >>> import shanghai_innovation as si
    >>> convert(1_500_000_000_000, si.lookup("rd-spending-2019"), to="USD")
    Fraction(224000000000, 1)

    Raises:
        ValueError: when the metric has no CNY/USD pair, or ``to`` is neither.

    """
    target = Unit(_token(to, Unit))
    if target not in (Unit.CNY, Unit.USD):
        msg = f"can convert only to CNY or USD, not {target.value}"
        raise ValueError(msg)
    value = parse_fraction(amount)
    rate = implied_rate(metric)
    return value / rate if target is Unit.USD else value * rate

