"""Queries over a Dataset: filters, date ranges, links, search and currency conversion.

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

Records are named by id, or by any name they go by (see
:func:`~shanghai_innovation._search.name_key`: case, accents, apostrophes,
hyphens and punctuation ignored, abbreviations expanded, plurals singular).
Search is described in :mod:`shanghai_innovation._search`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import operator
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Final, Literal

from ._errors import RecordNotFoundError, check_argument
from ._index import Index, gc_paused, links
from ._records import RECORD_TYPES, Entity, Erratum, Metric, Record
from ._search import Match, fold, name_key
from ._values import PartialDate, parse_fraction
from ._vocab import EntityKind, Section, Topic, Unit

if TYPE_CHECKING:
    from ._dataset import Dataset

__all__ = [
    "DateLike",
    "DateMode",
    "between",
    "convert",
    "errata_for",
    "implied_rate",
    "named",
    "related",
    "resolve",
    "resolve_entity",
    "search",
    "table_name",
    "where",
]

#: How a record's date relates to a range: wholly inside it, or touching it.
DateMode = Literal["within", "overlaps"]
#: A range bound: a partial date, a day, text ``YYYY[-MM[-DD]]`` or a year.
DateLike = PartialDate | dt.date | str | int

_TABLE_ORDER: Final = {cls.table: i for i, cls in enumerate(RECORD_TYPES)}


def _as_date(value: object, *, last: bool, argument: str) -> dt.date:
    if isinstance(value, dt.datetime):
        msg = f"{argument} must be a date without a time, got {value.isoformat()}"
        raise TypeError(msg)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            date = PartialDate(value) if isinstance(value, int) else PartialDate.parse(value)
        except ValueError as exc:
            msg = f"{argument}: {exc}"
            raise ValueError(msg) from None
    elif isinstance(value, PartialDate):
        date = value
    else:
        msg = (
            f"{argument} must be a date, a PartialDate, text YYYY[-MM[-DD]] or a year, "
            f"got {type(value).__name__}"
        )
        raise TypeError(msg)
    return date.end if last else date.start


def _check_mode(mode: object) -> bool:
    if mode not in ("within", "overlaps") or not isinstance(mode, str):
        msg = f"mode must be 'within' or 'overlaps', got {mode!r}"
        raise ValueError(msg)
    return mode == "overlaps"


def between(
    index: Index, start: DateLike | None, end: DateLike | None, mode: DateMode = "within"
) -> tuple[Record, ...]:
    """Dated records in a range, in timeline order (see the module docs)."""
    overlaps = _check_mode(mode)
    first = dt.date.min if start is None else _as_date(start, last=False, argument="start")
    last = dt.date.max if end is None else _as_date(end, last=True, argument="end")
    if last < first:
        return ()
    with gc_paused():  # a wide range makes many pairs; see gc_paused
        found = index.spans(first, last, overlaps=overlaps)
        found.sort(key=operator.itemgetter(0))  # ranks are unique: timeline order
        return tuple(record for _, record in found)


def _token(value: object, kind: type[enum.StrEnum], argument: str) -> str:
    article = "an" if kind.__name__[0] in "AEIOU" else "a"
    if isinstance(value, kind):
        return str(value)
    if isinstance(value, str):
        if value not in kind.__members__.values():
            allowed = ", ".join(sorted(kind))
            msg = f"{argument} must be {article} {kind.__name__} token, one of: {allowed}; "
            msg += f"got {value!r}"
            raise ValueError(msg)
        return value
    msg = f"{argument} must be {article} {kind.__name__} or its token (text), got "
    msg += type(value).__name__
    raise TypeError(msg)


def table_name(table: object) -> str:
    """The name of a table given by name (``"metrics"``) or record class (:class:`Metric`).

    Raises:
        RecordNotFoundError: for a name or class that is no table.
        TypeError: for anything else.

    """
    if isinstance(table, str):
        name = table
    elif isinstance(table, type) and issubclass(table, Record):
        name = getattr(table, "table", "")
    else:
        msg = f"table must be a table name or a record class, got {type(table).__name__}"
        raise TypeError(msg)
    if name not in _TABLE_ORDER:
        known = ", ".join(_TABLE_ORDER)
        msg = f"no table {table!r}; tables are: {known}"
        raise RecordNotFoundError(msg)
    return name


def suggestions(index: Index, text: str, *, entities_only: bool = False) -> tuple[str, ...]:
    """Up to three ids or names for ``text``, best first.

    First those holding the folded text as a whole word (``Zhangjiang`` finds
    the park's full name), then those with a word close to it (``Zhangjang``
    finds it too), then those close to it as a whole by difflib (a
    misspelled id).
    """
    candidates: dict[str, str] = {}
    for record, label in index.searcher().labels():
        if not entities_only or isinstance(record, Entity):
            candidates.setdefault(fold(label), label)
    folded = fold(text)
    word = re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
    holding = [c for c in candidates if len(folded) >= _MIN_WORD and word.search(c)]
    near = _near_word(folded, candidates) if len(folded) >= _MIN_WORD else []
    close = difflib.get_close_matches(folded, candidates, n=3, cutoff=0.6)
    return tuple(candidates[c] for c in dict.fromkeys([*holding, *near, *close]))[:3]


def _near_word(folded: str, candidates: Iterable[str]) -> list[str]:
    """Candidates with a word like ``folded``: likest, then shortest first.

    A query of several words is compared whole with each word, so a name
    written apart (``lin gang``) still finds the word (``Lingang``).
    """
    matcher = difflib.SequenceMatcher(b=folded)
    scored = []
    for candidate in candidates:
        best = 0.0
        for part in re.findall(r"\w+", candidate):
            matcher.set_seq1(part)
            best = max(best, matcher.ratio())
        if best >= _NEAR_WORD:
            scored.append((-best, len(candidate), candidate))
    return [candidate for *_, candidate in sorted(scored)]


#: The shortest text whose whole-word occurrences in names are suggested.
_MIN_WORD: Final = 3
#: How like a word of a name a one-word query must be (difflib's ratio) to suggest the name.
_NEAR_WORD: Final = 0.8


def _not_found(
    index: Index, what: str, text: str, *, entities_only: bool = False
) -> RecordNotFoundError:
    close = suggestions(index, text, entities_only=entities_only)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return RecordNotFoundError(f"no {what} with id or name {text!r}{hint}", suggestions=close)


def named(index: Index, name: str) -> list[Record]:
    """Records going by this name (a name field, folded: see :func:`name_key`), in order."""
    return list(index.searcher().names.get(name_key(name), ()))


def resolve(index: Index, target: object, argument: str = "record") -> tuple[Record, ...]:
    """The records a record, an id or a name stands for: the id first, else every record so named.

    Raises:
        RecordNotFoundError: when no record has that id or name (suggesting close ones).
        TypeError: for anything but a record or text.

    """
    if isinstance(target, Record):
        return (target,)
    if not isinstance(target, str):
        msg = f"{argument} must be a record, or its id or name (text), got {type(target).__name__}"
        raise TypeError(msg)
    record = index.by_id.get(target)
    if record is not None:
        return (record,)
    found = named(index, target)
    if not found:
        raise _not_found(index, "record", target)
    return tuple(found)


def resolve_entity(index: Index, entity: object) -> tuple[str, ...]:
    """Entity ids an entity, an id, a name or an alias stands for.

    Raises:
        RecordNotFoundError: when no entity has that id, name or alias.
        TypeError: for anything but an entity or text.

    """
    if isinstance(entity, Entity):
        return (entity.id,)
    if not isinstance(entity, str):
        kind = type(entity).__name__
        msg = f"entity must be an Entity, or its id, name or alias (text), got {kind}"
        raise TypeError(msg)
    record = index.by_id.get(entity)
    if isinstance(record, Entity):
        return (record.id,)
    ids = tuple(r.id for r in named(index, entity) if isinstance(r, Entity))
    if not ids:
        raise _not_found(index, "entity", entity, entities_only=True)
    return ids


def _in_order(index: Index, records: Iterable[Record]) -> list[Record]:
    found = {id(r): r for r in records}
    return sorted(found.values(), key=lambda r: index.order[id(r)])


def _mentioning(index: Index, ids: Iterable[str]) -> list[Record]:
    return _in_order(index, (r for i in ids for r in index.mentions.get(i, ())))


def related(index: Index, target: object, *, topics: object = True) -> tuple[Record, ...]:
    """Every record linked to a record, in both directions; then those sharing a topic.

    Linked: the records it points at (its reference fields, an erratum's
    record) and those pointing at it, in table order then file order. With
    ``topics``, the records sharing a topic with it follow, in the same
    order: a weaker tier. The record itself is never listed. A name several
    records go by means all of them.
    """
    check_argument("topics", topics, bool, "True or False")
    targets = resolve(index, target)
    own = {r.id for r in targets}
    direct = _in_order(
        index,
        [
            *(index.by_id[i] for r in targets for i in links(r) if i in index.by_id),
            *_mentioning(index, own),
        ],
    )
    direct = [r for r in direct if r.id not in own]
    if not topics:
        return tuple(direct)
    seen = own | {r.id for r in direct}
    shared = _in_order(
        index,
        (
            r
            for t in targets
            for topic in getattr(t, "topics", ())
            for r in index.by_topic.get(str(topic), ())
            if r.id not in seen
        ),
    )
    return (*direct, *shared)


def errata_for(index: Index, target: object) -> tuple[Erratum, ...]:
    """The errata on a record (given as a record, id or name), in file order."""
    ids = {r.id for r in resolve(index, target)}
    return tuple(r for r in _mentioning(index, ids) if isinstance(r, Erratum) and r.record in ids)


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
    _check_mode(mode)
    candidates: list[set[int]] = []
    pool: list[Record] | None = None

    def narrow(records: Iterable[Record]) -> None:
        nonlocal pool
        records = list(records)
        candidates.append({id(r) for r in records})
        if pool is None or len(records) < len(pool):
            pool = records

    if table is not None:
        narrow(dataset.table(table_name(table)))
    if kind is not None:
        narrow(index.by_kind.get(_token(kind, EntityKind, "kind"), ()))
    if topic is not None:
        narrow(index.by_topic.get(_token(topic, Topic, "topic"), ()))
    if section is not None:
        narrow(index.by_section.get(_token(section, Section, "section"), ()))
    if entity is not None:
        narrow(_mentioning(index, resolve_entity(index, entity)))
    if start is not None or end is not None:
        narrow(between(index, start, end, mode))
    if pool is None:
        return tuple(dataset.records())
    found = [r for r in pool if all(id(r) in ids for ids in candidates)]
    found.sort(key=lambda r: index.order[id(r)])
    return tuple(found)


def search(index: Index, text: object, limit: object = None) -> tuple[Match, ...]:
    """Records whose text matches, best first (see :mod:`shanghai_innovation._search`).

    Order: score descending, then table order, then id.
    """
    if not isinstance(text, str):
        msg = f"text must be text (str), got {type(text).__name__}"
        raise TypeError(msg)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        msg = f"limit must be a whole number (int) or None, got {type(limit).__name__}"
        raise TypeError(msg)
    if limit is not None and limit < 0:
        msg = f"limit must be 0 or more, got {limit}"
        raise ValueError(msg)
    if not fold(text):
        msg = "search text is empty"
        raise ValueError(msg)
    matches = index.searcher().search(text)
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
        units = " and ".join(amounts)
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
    target = Unit(_token(to, Unit, "to"))
    if target not in (Unit.CNY, Unit.USD):
        msg = f"can convert only to CNY or USD, not {target}"
        raise ValueError(msg)
    value = parse_fraction(amount)
    rate = implied_rate(metric)
    return value / rate if target is Unit.USD else value * rate
