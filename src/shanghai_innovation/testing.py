"""Hypothesis strategies for every value and record type, and for whole datasets.

Every strategy generates values its type's validators accept: slugs for ids,
percentages within 0-100, whole non-negative counts, ranks from 1, real
calendar dates, periods that start no later than they end, rankings whose
rank is within ``out_of`` and whose earlier rank comes with its year, and
tuples without repeated items. :func:`datasets` generates whole datasets in
which every reference resolves.

Importing :mod:`shanghai_innovation` does not import this module (nor
Hypothesis); import it explicitly:

>>> from hypothesis import given
>>> from shanghai_innovation.testing import metrics
>>> @given(metrics())
... def test_metric_has_an_id(metric):
...     assert metric.id

Hypothesis also loads :func:`_hypothesis_setup_hook` through the
``hypothesis`` entry point, so ``st.from_type(Metric)`` works downstream.

Record strategies take optional pools of ids (``entity_ids=`` and so on):
``None`` means any slug, a sequence means only those ids (an empty one means
none, so optional references stay unset and id lists stay empty).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import string
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs

from ._audit import RULES
from ._dataset import Dataset, DatasetInfo
from ._records import (
    MAX_EVIDENCE_WORDS,
    RECORD_TYPES,
    Citation,
    Entity,
    Erratum,
    Event,
    First,
    Metric,
    Photo,
    Pledge,
    Quote,
    RankingPosition,
    Record,
    Reference,
    Source,
    Statement,
    Streak,
)
from ._text import FORMULA_STARTS
from ._values import Interval, Locator, PartialDate, Period, Quantity
from ._vocab import (
    Confidence,
    EntityKind,
    ErratumKind,
    FirstScope,
    Indicator,
    Qualifier,
    Section,
    Topic,
    Unit,
)


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every public type, so ``st.from_type`` finds them.

    Hypothesis calls this through the ``hypothesis`` entry point declared in
    ``pyproject.toml``. It is defined before Hypothesis is imported: when this
    module is imported first, importing Hypothesis runs the hook while the
    module is still loading, and the module then registers at its end.
    """
    register = globals().get("_register")
    if register is not None:
        register()


from hypothesis import strategies as st  # noqa: E402 - after the hook, see its docstring

__all__ = [
    "citations",
    "datasets",
    "entities",
    "errata",
    "events",
    "evidence",
    "firsts",
    "intervals",
    "locators",
    "metrics",
    "partial_dates",
    "periods",
    "photos",
    "pledges",
    "quantities",
    "quotes",
    "rankings",
    "references",
    "slugs",
    "sources",
    "statements",
    "streaks",
    "texts",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
R = TypeVar("R", bound=Record)
Pool = Sequence[str] | None

#: Largest magnitude of a generated number (keeps derived floats finite).
MAX_MAGNITUDE: Final = 10**15
#: Audit rule ids an erratum may acknowledge (from the audit's registry).
RULE_IDS: Final = tuple(rule.id for rule in RULES)

_WORD: Final = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=6)


def slugs() -> st.SearchStrategy[str]:
    """Identifiers: lowercase words and digits joined by single hyphens."""
    return st.lists(_WORD, min_size=1, max_size=3).map("-".join)


#: Characters of generated text: ASCII letters, digits and punctuation, the
#: article's typographic marks, accented Latin and Chinese (a fixed alphabet
#: draws far faster than Unicode categories).
TEXT_ALPHABET: Final = (
    string.ascii_letters
    + string.digits
    + " !\"#$%&'()*+,-./:;<=>?@[]^_`{|}~"
    + "\u2014\u2013\u2018\u2019\u201c\u201d\u2022\u00e9\u00fc\u00df\u00b5"
    + "\u4e0a\u6d77\u79d1\u6280\u521b\u65b0\uff0c\u3002"
)


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-blank text with no surrounding spaces, mixing scripts and punctuation.

    Never starting with a character a spreadsheet reads as a formula (the
    records refuse those).
    """
    return (
        st.text(TEXT_ALPHABET, min_size=1, max_size=max_size)
        .map(lambda text: text.strip().lstrip(FORMULA_STARTS + " "))
        .filter(bool)
    )


#: Characters of a generated word of evidence: the text alphabet without the space.
_WORD_ALPHABET: Final = TEXT_ALPHABET.replace(" ", "")
_NO_FORMULA: Final = str.maketrans("", "", FORMULA_STARTS)
#: Chinese characters of generated Chinese names.
_HANZI: Final = "\u4e0a\u6d77\u79d1\u6280\u521b\u65b0\u4e2d\u5fc3"


def evidence() -> st.SearchStrategy[str]:
    """Evidence spans: one to 15 words (the most a span may have), single-spaced.

    The first word never starts with a character a spreadsheet reads as a
    formula (the records refuse those).
    """
    first = st.text(_WORD_ALPHABET.translate(_NO_FORMULA), min_size=1, max_size=8)
    word = st.text(_WORD_ALPHABET, min_size=1, max_size=8)
    rest = st.lists(word, max_size=MAX_EVIDENCE_WORDS - 1)
    return st.builds(lambda head, tail: " ".join((head, *tail)), first, rest)


@functools.cache
def _fractions(unit: Unit) -> st.SearchStrategy[Fraction]:
    whole = st.integers(0, MAX_MAGNITUDE).map(Fraction)
    match unit:
        case Unit.COUNT | Unit.YEARS:
            return whole
        case Unit.RANK:
            return st.integers(1, 10_000).map(Fraction)
        case Unit.PERCENT:
            return st.fractions(0, 100, max_denominator=1000)
        case Unit.PLACES:
            return st.integers(-200, 200).map(Fraction)
        case _:
            exact = st.fractions(0, MAX_MAGNITUDE, max_denominator=1000)
            decimal = st.builds(
                lambda n, places: Fraction(n, 10**places),
                st.integers(0, MAX_MAGNITUDE),
                st.integers(0, 4),
            )
            return whole | decimal | exact


def quantities(
    units: Sequence[Unit] | None = None,
    qualifiers: Sequence[Qualifier] | None = None,
) -> st.SearchStrategy[Quantity]:
    """Stated quantities whose value suits the unit (a percent within 0-100, ...)."""
    unit_st = st.sampled_from(list(units) if units is not None else list(Unit))
    qual_st = st.sampled_from(list(qualifiers) if qualifiers is not None else list(Qualifier))

    @st.composite
    def build(draw: st.DrawFn) -> Quantity:
        unit = draw(unit_st)
        return Quantity(draw(_fractions(unit)), unit, draw(qual_st))

    return build()


def intervals() -> st.SearchStrategy[Interval]:
    """The bounds implied by a stated quantity."""
    return quantities().map(lambda q: q.bounds)


def partial_dates(min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[PartialDate]:
    """Real dates known to the year, the month or the day."""

    @st.composite
    def build(draw: st.DrawFn) -> PartialDate:
        day = draw(st.dates(dt.date(min_year, 1, 1), dt.date(max_year, 12, 31)))
        precision = draw(st.integers(0, 2))
        if precision == 0:
            return PartialDate(day.year)
        if precision == 1:
            return PartialDate(day.year, day.month)
        return PartialDate.from_date(day)

    return build()


def periods(min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[Period]:
    """Periods whose start is no later than their end."""

    @st.composite
    def build(draw: st.DrawFn) -> Period:
        a = draw(partial_dates(min_year, max_year))
        b = draw(partial_dates(min_year, max_year))
        start, end = sorted((a, b))
        derived = draw(st.booleans())
        derivation = draw(st.none() | texts()) if derived else None
        return Period(start, end, derived=derived, derivation=derivation)

    return build()


@attrs.frozen
class _Pools:
    """The ids a record may refer to; ``None`` means any slug."""

    entities: Pool = None
    metrics: Pool = None
    references: Pool = None
    sources: Pool = None


_SLUGS: Final = slugs()
_TEXT: Final = texts()
_EVIDENCE: Final = evidence()
_CHINESE: Final = st.text(_HANZI, min_size=1, max_size=8)
_LONG_TEXT: Final = texts(80)
_BOOL: Final = st.booleans()
_DATES: Final = partial_dates()
_PERIODS: Final = periods()
_QUANTITIES: Final = quantities()
_MONEY: Final = quantities(units=[Unit.CNY, Unit.USD])
_TOPICS: Final = st.lists(st.sampled_from(list(Topic)), max_size=3, unique=True).map(tuple)
_SECTIONS: Final = st.sampled_from(list(Section))
_PARAGRAPHS: Final = st.integers(1, 50)
_URLS: Final = _SLUGS.map("https://example.org/{}".format)


@functools.cache
def _index(n: int) -> st.SearchStrategy[int]:
    return st.integers(0, n - 1)


@functools.cache
def _sampled(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


def _enum(draw: st.DrawFn, kind: type[E]) -> E:
    value: E = draw(_sampled(tuple(kind)))
    return value


def _opt(draw: st.DrawFn, strategy: st.SearchStrategy[T]) -> T | None:
    return draw(strategy) if draw(_BOOL) else None


def _pick(draw: st.DrawFn, pool: Pool) -> str:
    if pool is None:
        return draw(_SLUGS)
    return pool[draw(_index(len(pool)))]


def _pick_opt(draw: st.DrawFn, pool: Pool) -> str | None:
    if pool is not None and not pool:
        return None
    return _pick(draw, pool) if draw(_BOOL) else None


def _pick_many(draw: st.DrawFn, pool: Pool) -> tuple[str, ...]:
    if pool is None:
        return tuple(draw(st.lists(_SLUGS, max_size=3, unique=True)))
    return tuple(item for item in pool if draw(_BOOL))


def _locator(draw: st.DrawFn, pool: Pool) -> Locator:
    return Locator(_pick(draw, pool), draw(_SECTIONS), draw(_PARAGRAPHS))


def locators(source_ids: Pool = None) -> st.SearchStrategy[Locator]:
    """Locators into a source (any slug, or one of ``source_ids``)."""
    return st.composite(lambda draw: _locator(draw, source_ids))()


def _citation(draw: st.DrawFn) -> Citation:
    return Citation(draw(_TEXT), _opt(draw, _URLS), _opt(draw, _DATES))


def citations() -> st.SearchStrategy[Citation]:
    """Citations of a reference figure."""
    return st.composite(_citation)()


def _source(draw: st.DrawFn, id: str, p: _Pools) -> Source:
    return Source(
        id=id,
        title=draw(_TEXT),
        author=draw(_TEXT),
        outlet=draw(_TEXT),
        url=draw(_URLS),
        published=draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
        language=draw(_sampled(("en", "zh", "zh-Hans"))),
        published_inferred=draw(_BOOL),
        note=draw(_TEXT),
    )


def _entity(draw: st.DrawFn, id: str, p: _Pools) -> Entity:
    zh_reference = _pick_opt(draw, p.references)
    zh_name = None if zh_reference is None else draw(_CHINESE)
    return Entity(
        id=id,
        name=draw(_TEXT),
        kind=_enum(draw, EntityKind),
        locator=_locator(draw, p.sources),
        aliases=tuple(draw(st.lists(_TEXT, max_size=2, unique=True))),
        name_zh_hans=zh_name,
        name_zh_hans_reference=zh_reference,
        description=_opt(draw, _TEXT),
        part_of=_pick_opt(draw, p.entities),
        counted_in=_pick_many(draw, p.metrics),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _metric(draw: st.DrawFn, id: str, p: _Pools) -> Metric:
    as_of = _opt(draw, _DATES)
    return Metric(
        id=id,
        subject=_pick(draw, p.entities),
        measure=draw(_TEXT),
        quantity=draw(_QUANTITIES),
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        equivalent=_opt(draw, _MONEY),
        as_of=as_of,
        as_of_derivation=None if as_of is None else _opt(draw, _TEXT),
        period=_opt(draw, _PERIODS),
        baseline=_opt(draw, _DATES),
        change_of=_pick_opt(draw, p.metrics),
        part_of=_pick_opt(draw, p.metrics),
        entities=_pick_many(draw, p.entities),
        indicator=_enum(draw, Indicator) if draw(_BOOL) else None,
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _event(draw: st.DrawFn, id: str, p: _Pools) -> Event:
    return Event(
        id=id,
        date=draw(_DATES),
        title=draw(_TEXT),
        summary=draw(_TEXT),
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        entities=_pick_many(draw, p.entities),
        metrics=_pick_many(draw, p.metrics),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _ranking(draw: st.DrawFn, id: str, p: _Pools) -> RankingPosition:
    edition = draw(st.integers(1950, 2100))
    rank = draw(st.integers(1, 500))
    out_of = None
    if draw(_BOOL):
        out_of = Quantity(Fraction(draw(st.integers(rank, 1000))), Unit.COUNT)
    previous_rank = previous_year = None
    if draw(_BOOL):
        previous_rank = draw(st.integers(1, 500))
        previous_year = draw(st.integers(1950, edition))
    movement = None
    if draw(_BOOL):
        consistent = previous_rank is not None and draw(_BOOL)
        movement = previous_rank - rank if consistent else draw(st.integers(-100, 100))  # type: ignore[operator]
    return RankingPosition(
        id=id,
        ranking=_pick(draw, p.entities),
        subject=_pick(draw, p.entities),
        edition=edition,
        rank=rank,
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        edition_derivation=_opt(draw, _TEXT),
        out_of=out_of,
        previous_rank=previous_rank,
        previous_year=previous_year,
        movement=movement,
        published=_opt(draw, _DATES),
        publisher=_pick_opt(draw, p.entities),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _streak(draw: st.DrawFn, id: str, p: _Pools) -> Streak:
    return Streak(
        id=id,
        subject=_pick(draw, p.entities),
        honour=draw(_TEXT),
        ranking=_pick(draw, p.entities),
        length=draw(st.integers(1, 100)),
        latest_year=draw(st.integers(1900, 2100)),
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _pledge(draw: st.DrawFn, id: str, p: _Pools) -> Pledge:
    horizon = Quantity(Fraction(draw(st.integers(0, 200))), Unit.YEARS, _enum(draw, Qualifier))
    return Pledge(
        id=id,
        subject=_pick(draw, p.entities),
        goal=draw(_TEXT),
        made=draw(_DATES),
        horizon=horizon,
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        topics=draw(_TOPICS),
    )


def _first(draw: st.DrawFn, id: str, p: _Pools) -> First:
    return First(
        id=id,
        scope=_enum(draw, FirstScope),
        achievement=draw(_TEXT),
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        entity=_pick_opt(draw, p.entities),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _quote(draw: st.DrawFn, id: str, p: _Pools) -> Quote:
    return Quote(
        id=id,
        speaker=_pick(draw, p.entities),
        role=draw(_TEXT),
        passages=tuple(draw(st.lists(_LONG_TEXT, min_size=1, max_size=3, unique=True))),
        locator=_locator(draw, p.sources),
        topics=draw(_TOPICS),
    )


def _photo(draw: st.DrawFn, id: str, p: _Pools) -> Photo:
    return Photo(
        id=id,
        caption=draw(_TEXT),
        photographer=_pick(draw, p.entities),
        agency=_pick(draw, p.entities),
        locator=_locator(draw, p.sources),
        evidence=_opt(draw, _EVIDENCE),
        depicts=_pick_many(draw, p.entities),
        topics=draw(_TOPICS),
    )


def _statement(draw: st.DrawFn, id: str, p: _Pools) -> Statement:
    return Statement(
        id=id,
        subject=_pick(draw, p.entities),
        claim=draw(_TEXT),
        locator=_locator(draw, p.sources),
        evidence=draw(_EVIDENCE),
        period=_opt(draw, _PERIODS),
        attributed_to=_pick_opt(draw, p.entities),
        entities=_pick_many(draw, p.entities),
        references=_pick_many(draw, p.references),
        topics=draw(_TOPICS),
    )


def _reference(draw: st.DrawFn, id: str, p: _Pools) -> Reference:
    return Reference(
        id=id,
        statement=draw(_TEXT),
        confidence=_enum(draw, Confidence),
        citation=_citation(draw),
        quantity=_opt(draw, _QUANTITIES),
        as_of=_opt(draw, _DATES),
        subject=_pick_opt(draw, p.entities),
        indicator=_enum(draw, Indicator) if draw(_BOOL) else None,
    )


def _field_names(cls: type[Record]) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls))  # type: ignore[arg-type]


def _erratum(
    draw: st.DrawFn,
    id: str,
    p: _Pools,
    targets: Sequence[tuple[str, type[Record]]] | None = None,
) -> Erratum:
    if targets is None:
        record = draw(_SLUGS)
        field_name = draw(_sampled(("quantity", "rank", "date", "title", "length")))
    else:
        record, cls = targets[draw(_index(len(targets)))]
        field_name = draw(_sampled(_field_names(cls)))
    return Erratum(
        id=id,
        kind=_enum(draw, ErratumKind),
        record=record,
        field_name=field_name,
        stated=draw(_TEXT),
        explanation=draw(_TEXT),
        confidence=_enum(draw, Confidence) if draw(_BOOL) else None,
        references=_pick_many(draw, p.references),
        rules=tuple(draw(st.lists(_sampled(RULE_IDS), max_size=2, unique=True))),
        likely=_opt(draw, _TEXT),
    )


Builder = Callable[[st.DrawFn, str, _Pools], R]


def _strategy(builder: Builder[R], ids: Pool, pools: _Pools) -> st.SearchStrategy[R]:
    def build(draw: st.DrawFn) -> R:
        return builder(draw, _pick(draw, ids), pools)

    return st.composite(build)()


def sources(ids: Pool = None) -> st.SearchStrategy[Source]:
    """Source documents."""
    return _strategy(_source, ids, _Pools())


def entities(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    metric_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[Entity]:
    """Named entities."""
    return _strategy(_entity, ids, _Pools(entity_ids, metric_ids, reference_ids, source_ids))


def metrics(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    metric_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[Metric]:
    """Numbers stated about a subject (``entity_ids`` must not be empty)."""
    return _strategy(_metric, ids, _Pools(entity_ids, metric_ids, reference_ids, source_ids))


def events(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    metric_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[Event]:
    """Dated events."""
    return _strategy(_event, ids, _Pools(entity_ids, metric_ids, reference_ids, source_ids))


def rankings(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[RankingPosition]:
    """Places in rankings: rank within ``out_of``, an earlier rank with its year."""
    pools = _Pools(entity_ids, None, reference_ids, source_ids)
    return _strategy(_ranking, ids, pools)


def streaks(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[Streak]:
    """Honours held for a run of years (length at least 1)."""
    return _strategy(_streak, ids, _Pools(entity_ids, None, reference_ids, source_ids))


def pledges(
    ids: Pool = None, *, entity_ids: Pool = None, source_ids: Pool = None
) -> st.SearchStrategy[Pledge]:
    """Goals with a horizon in whole years."""
    return _strategy(_pledge, ids, _Pools(entity_ids, sources=source_ids))


def firsts(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[First]:
    """Achievements claimed as firsts."""
    return _strategy(_first, ids, _Pools(entity_ids, None, reference_ids, source_ids))


def quotes(
    ids: Pool = None, *, entity_ids: Pool = None, source_ids: Pool = None
) -> st.SearchStrategy[Quote]:
    """Quotations of a named speaker."""
    return _strategy(_quote, ids, _Pools(entity_ids, sources=source_ids))


def photos(
    ids: Pool = None, *, entity_ids: Pool = None, source_ids: Pool = None
) -> st.SearchStrategy[Photo]:
    """Photos by caption and credit."""
    return _strategy(_photo, ids, _Pools(entity_ids, sources=source_ids))


def statements(
    ids: Pool = None,
    *,
    entity_ids: Pool = None,
    reference_ids: Pool = None,
    source_ids: Pool = None,
) -> st.SearchStrategy[Statement]:
    """Claims in words, each with an evidence span of at most 15 words."""
    return _strategy(_statement, ids, _Pools(entity_ids, None, reference_ids, source_ids))


def references(ids: Pool = None, *, entity_ids: Pool = None) -> st.SearchStrategy[Reference]:
    """Reference figures with their citation."""
    return _strategy(_reference, ids, _Pools(entity_ids))


def errata(
    ids: Pool = None,
    *,
    targets: Sequence[tuple[str, type[Record]]] | None = None,
    reference_ids: Pool = None,
) -> st.SearchStrategy[Erratum]:
    """Errata; with ``targets`` (id and record type) each names a real record and field."""

    def build(draw: st.DrawFn, id: str, pools: _Pools) -> Erratum:
        return _erratum(draw, id, pools, targets)

    return _strategy(build, ids, _Pools(references=reference_ids))


def _info(draw: st.DrawFn) -> DatasetInfo:
    version = ".".join(str(draw(st.integers(0, 20))) for _ in range(3))
    return DatasetInfo(
        name=draw(_SLUGS),
        title=draw(_TEXT),
        version=version,
        description=draw(_TEXT),
        license="CC-BY-4.0",
        license_url="https://creativecommons.org/licenses/by/4.0/",
        attribution=draw(_TEXT),
    )


def dataset_infos() -> st.SearchStrategy[DatasetInfo]:
    """Dataset descriptions."""
    return st.composite(_info)()


#: Fewest and most records of each table in a generated dataset.
_SIZES: Final = {
    "sources": (1, 2),
    "entities": (1, 4),
    "metrics": (0, 4),
    "events": (0, 3),
    "rankings": (0, 2),
    "streaks": (0, 2),
    "pledges": (0, 2),
    "firsts": (0, 2),
    "quotes": (0, 2),
    "photos": (0, 2),
    "statements": (0, 2),
    "references": (0, 3),
    "errata": (0, 2),
}

_BUILDERS: Final[dict[str, Builder[Any]]] = {
    "sources": _source,
    "entities": _entity,
    "metrics": _metric,
    "events": _event,
    "rankings": _ranking,
    "streaks": _streak,
    "pledges": _pledge,
    "firsts": _first,
    "quotes": _quote,
    "photos": _photo,
    "statements": _statement,
    "references": _reference,
}


def _dataset(draw: st.DrawFn, max_records: int) -> Dataset:
    counts = {
        table: draw(_index(max(lo, min(hi, max_records)) + 1 - lo)) + lo
        for table, (lo, hi) in _SIZES.items()
    }
    total = sum(counts.values())
    all_ids = draw(st.lists(_SLUGS, min_size=total, max_size=total, unique=True))
    pools: dict[str, tuple[str, ...]] = {}
    for table, n in counts.items():
        pools[table], all_ids = tuple(all_ids[:n]), all_ids[n:]
    tables: dict[str, tuple[Any, ...]] = {}
    for table, builder in _BUILDERS.items():
        records = []
        for n, id in enumerate(pools[table]):
            # Entities and metrics refer only to earlier ones: no cycles.
            own = pools[table][:n]
            scope = _Pools(
                entities=own if table == "entities" else pools["entities"],
                metrics=own if table == "metrics" else pools["metrics"],
                references=pools["references"],
                sources=pools["sources"],
            )
            records.append(builder(draw, id, scope))
        tables[table] = tuple(records)
    targets = [(r.id, type(r)) for records in tables.values() for r in records]
    scope = _Pools(references=pools["references"])
    tables["errata"] = tuple(_erratum(draw, id, scope, targets) for id in pools["errata"])
    return Dataset(_info(draw), **tables)


def datasets(max_records: int = 4) -> st.SearchStrategy[Dataset]:
    """Whole consistent datasets: ids unique across tables, every reference resolving.

    Entity, metric, reference and source ids, locators and errata (record and
    field) all point at records of the dataset, so
    :func:`shanghai_innovation._load.check_references` finds nothing. Each
    table holds at most ``max_records`` records (at least one source and one
    entity).
    """
    return st.composite(lambda draw: _dataset(draw, max_records))()


#: The strategy registered for each public type.
def _registry() -> dict[type[Any], st.SearchStrategy[Any]]:
    strategies: dict[type[Any], st.SearchStrategy[Any]] = {
        Quantity: quantities(),
        Interval: intervals(),
        PartialDate: partial_dates(),
        Period: periods(),
        Locator: locators(),
        Citation: citations(),
        DatasetInfo: dataset_infos(),
        Dataset: datasets(),
        Source: sources(),
        Entity: entities(),
        Metric: metrics(),
        Event: events(),
        RankingPosition: rankings(),
        Streak: streaks(),
        Pledge: pledges(),
        First: firsts(),
        Quote: quotes(),
        Photo: photos(),
        Statement: statements(),
        Reference: references(),
        Erratum: errata(),
    }
    assert set(RECORD_TYPES) <= set(strategies)  # noqa: S101 - every record type has one
    return strategies


def _register() -> None:
    for cls, strategy in _registry().items():
        st.register_type_strategy(cls, strategy)


_register()
