"""Fact records: one frozen attrs class per table.

Every field carries ``metadata`` (a description, and a unit where it has
one) from which the export schema, the datapackage.json and the docs data
dictionary are derived. Values derived from other fields (a streak's first
year, a pledge's target year, a rank movement computed from two ranks) are
properties, never stored, and the schema marks them as derived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar, cast

import attrs

from ._frozen import frozen
from ._values import Locator, PartialDate, Period, Quantity
from ._vocab import (
    Confidence,
    EntityKind,
    ErratumKind,
    FirstScope,
    Indicator,
    Topic,
    Unit,
)

__all__ = [
    "RECORD_TYPES",
    "Citation",
    "Entity",
    "Erratum",
    "Event",
    "First",
    "Metric",
    "Photo",
    "Pledge",
    "Quote",
    "RankingPosition",
    "Record",
    "Reference",
    "Source",
    "Streak",
    "reference_fields",
]

_v = attrs.validators
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
_slug = [_v.instance_of(str), _v.matches_re(SLUG)]


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name} must be text, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.strip() or value != value.strip():
        msg = f"{attribute.name} must be non-blank text with no surrounding spaces"
        raise ValueError(msg)


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Convert any iterable to a tuple (a plain function: attrs inspects it cheaply).

    attrs reads a converter's signature when the class is created, and
    ``inspect.signature(tuple)`` on the builtin costs about 0.4 ms a field.
    """
    return tuple(value)


def _unique(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if len(set(value)) != len(value):
        msg = f"{attribute.name} lists an item twice"
        raise ValueError(msg)


def _tuple_of(kind: Any, *extra: Any) -> Any:
    return _v.and_(
        _v.deep_iterable(
            member_validator=_v.and_(_v.instance_of(kind), *extra),
            iterable_validator=_v.instance_of(tuple),
        ),
        _unique,
    )


def field(description: str, **kwargs: Any) -> Any:
    """An attrs field whose description feeds the schema and the docs.

    Other metadata it takes: ``unit``; ``references`` (the table whose ids the
    field holds); ``example``; ``search="name"`` for a field holding names the
    record goes by (search ranks a match there above one in prose).
    """
    metadata = {"description": description}
    for key in ("unit", "references", "example", "search"):
        if key in kwargs:
            metadata[key] = kwargs.pop(key)
    return attrs.field(metadata=metadata, **kwargs)


def _id() -> Any:
    return field("Stable readable identifier (a slug), unique in its table.", validator=_slug)


def _topics() -> Any:
    return field(
        "Subjects from the fixed topic vocabulary.",
        validator=_tuple_of(Topic),
        converter=as_tuple,
        factory=tuple,
    )


def _locator() -> Any:
    return field(
        "Where in the source the fact is stated.",
        validator=_v.instance_of(Locator),
    )


def _ref_ids(description: str, table: str) -> Any:
    return field(
        description,
        validator=_tuple_of(str, _v.matches_re(SLUG)),
        converter=as_tuple,
        factory=tuple,
        references=table,
    )


def _ref_id(description: str, table: str) -> Any:
    return field(description, validator=_slug, references=table)


def _opt_ref_id(description: str, table: str) -> Any:
    return field(
        description,
        default=None,
        validator=_v.optional(_v.and_(_v.instance_of(str), _v.matches_re(SLUG))),
        references=table,
    )


def _opt(kind: Any, description: str, **kwargs: Any) -> Any:
    return field(description, default=None, validator=_v.optional(_v.instance_of(kind)), **kwargs)


def _year(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # The index dates rankings and streaks by these years (as a PartialDate).
    if not 1 <= value <= 9999:
        msg = f"'{attribute.name}' must be a year from 1 to 9999: {value}"
        raise ValueError(msg)


def _quantity_unit(*units: Unit) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value.unit not in units:
            allowed = ", ".join(u.value for u in units)
            msg = f"{attribute.name} must be in {allowed}, got {value.unit.value}"
            raise ValueError(msg)

    return check


class Record:
    """Marker base of every fact record: each has an ``id`` and a table name."""

    __slots__ = ()

    #: The table the record type is stored and exported as.
    table: ClassVar[str]
    #: Names of properties computed from the fields, exported as derived columns.
    derived: ClassVar[tuple[str, ...]] = ()
    id: str


@frozen
class Citation:
    """Where a reference figure was published."""

    #: Who published it.
    publisher: str = field("Who published the figure.", validator=_text)
    #: Address of the publication, when it has one.
    url: str | None = _opt(str, "Address of the publication.")
    #: When it was published, as precisely as known.
    published: PartialDate | None = _opt(PartialDate, "When it was published.")


@frozen
class Source(Record):
    """A source document; today, the one article."""

    table: ClassVar[str] = "sources"

    id: str = _id()
    title: str = field("Headline of the source, as published (a proper title).", validator=_text)
    author: str = field("Byline.", validator=_text)
    outlet: str = field("The publication it appeared in.", validator=_text)
    url: str = field("Address of the published page.", validator=_text)
    published: dt.date = field(
        "Publication date (inferred from the page id where the page gives none).",
        validator=_v.instance_of(dt.date),
    )
    language: str = field("Language of the text (BCP 47 tag).", validator=_text)
    published_inferred: bool = field(
        "Whether the publication date was inferred rather than printed.",
        validator=_v.instance_of(bool),
    )
    note: str = field("How the date and outlet are known, in our words.", validator=_text)


@frozen
class Entity(Record):
    """A named thing the article mentions: an organisation, place, person, ..."""

    table: ClassVar[str] = "entities"

    id: str = _id()
    name: str = field(
        "Name as the article gives it (a proper name).", validator=_text, search="name"
    )
    kind: EntityKind = field("What sort of thing it is.", validator=_v.instance_of(EntityKind))
    locator: Locator = _locator()
    aliases: tuple[str, ...] = field(
        "Other names it goes by, in the article or a cited reference.",
        search="name",
        validator=_tuple_of(str),
        converter=as_tuple,
        factory=tuple,
    )
    description: str | None = _opt(str, "What it is, in our words.")
    part_of: str | None = _opt_ref_id("The entity it belongs to.", "entities")
    counted_in: tuple[str, ...] = _ref_ids(
        "Metrics whose count includes this entity (it is one of the things counted).", "metrics"
    )
    references: tuple[str, ...] = _ref_ids(
        "Reference figures that identify or describe it.", "references"
    )
    topics: tuple[Topic, ...] = _topics()


@frozen
class Metric(Record):
    """A number the article states about a subject."""

    table: ClassVar[str] = "metrics"

    id: str = _id()
    subject: str = _ref_id("The entity the number is about.", "entities")
    measure: str = field("What is measured, in our words.", validator=_text)
    quantity: Quantity = field("The number as stated.", validator=_v.instance_of(Quantity))
    locator: Locator = _locator()
    equivalent: Quantity | None = _opt(
        Quantity, "The same amount in another currency, when the article gives both."
    )
    as_of: PartialDate | None = _opt(PartialDate, "The date the number describes or runs up to.")
    period: Period | None = _opt(Period, "The span of time the number covers.")
    baseline: PartialDate | None = _opt(
        PartialDate, "For a change: the date it is measured from."
    )
    change_of: str | None = _opt_ref_id("For a change: the metric that changed.", "metrics")
    part_of: str | None = _opt_ref_id(
        "A larger count this one is a part of.", "metrics"
    )
    entities: tuple[str, ...] = _ref_ids("Other entities the number involves.", "entities")
    indicator: Indicator | None = _opt(
        Indicator, "What the number measures, for comparison with reference figures."
    )
    references: tuple[str, ...] = _ref_ids(
        "Reference figures that bear on the number.", "references"
    )
    topics: tuple[Topic, ...] = _topics()


@frozen
class Event(Record):
    """A dated happening of 2020 from the article's timeline."""

    table: ClassVar[str] = "events"

    id: str = _id()
    date: PartialDate = field("When it happened.", validator=_v.instance_of(PartialDate))
    title: str = field("A short title, in our words.", validator=_text)
    summary: str = field("What happened, in our words.", validator=_text)
    locator: Locator = _locator()
    entities: tuple[str, ...] = _ref_ids("Entities involved.", "entities")
    metrics: tuple[str, ...] = _ref_ids("Numbers stated with the event.", "metrics")
    references: tuple[str, ...] = _ref_ids("Reference figures that bear on it.", "references")
    topics: tuple[Topic, ...] = _topics()


def _check_rank(instance: RankingPosition, attribute: attrs.Attribute[Any], value: Any) -> None:
    if instance.out_of is not None and instance.rank > instance.out_of.value:
        msg = f"rank {instance.rank} is beyond the {instance.out_of.exact} ranked"
        raise ValueError(msg)
    if (instance.previous_rank is None) != (instance.previous_year is None):
        msg = "previous_rank and previous_year go together"
        raise ValueError(msg)


@frozen
class RankingPosition(Record):
    """A place held in a ranking, with the earlier place when stated."""

    table: ClassVar[str] = "rankings"
    derived: ClassVar[tuple[str, ...]] = ("computed_movement",)

    id: str = _id()
    ranking: str = _ref_id("The ranking or index.", "entities")
    subject: str = _ref_id("Who is ranked.", "entities")
    edition: int = field(
        "Edition (year) of the ranking.", validator=[_v.instance_of(int), _year]
    )
    rank: int = field(
        "Place held (1 is best).", validator=[_v.instance_of(int), _v.ge(1)], unit="rank"
    )
    locator: Locator = _locator()
    out_of: Quantity | None = field(
        "How many were ranked, when stated.",
        default=None,
        validator=_v.optional(_v.instance_of(Quantity)),
    )
    previous_rank: int | None = _opt(int, "An earlier place, when stated.", unit="rank")
    previous_year: int | None = _opt(int, "The year of the earlier place.")
    movement: int | None = field(
        "Places moved up since the earlier place, as stated (down is negative).",
        default=None,
        validator=[_v.optional(_v.instance_of(int)), _check_rank],
        unit="places",
    )
    published: PartialDate | None = _opt(PartialDate, "When this edition was released.")
    publisher: str | None = _opt_ref_id("Who publishes the ranking.", "entities")
    references: tuple[str, ...] = _ref_ids(
        "Reference figures that bear on the ranks.", "references"
    )
    topics: tuple[Topic, ...] = _topics()

    @property
    def computed_movement(self) -> int | None:
        """Places moved up, computed as previous rank minus rank (derived)."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@frozen
class Streak(Record):
    """An honour held for a run of consecutive years."""

    table: ClassVar[str] = "streaks"
    derived: ClassVar[tuple[str, ...]] = ("first_year",)

    id: str = _id()
    subject: str = _ref_id("Who holds the honour.", "entities")
    honour: str = field("What the honour is, in our words.", validator=_text)
    ranking: str = _ref_id("The ranking or award that confers it.", "entities")
    length: int = field(
        "How many consecutive years, counting the latest.",
        validator=[_v.instance_of(int), _v.ge(1)],
        unit="years",
    )
    latest_year: int = field(
        "The year the streak reached that length.", validator=[_v.instance_of(int), _year]
    )
    locator: Locator = _locator()
    references: tuple[str, ...] = _ref_ids("Reference figures that bear on it.", "references")
    topics: tuple[Topic, ...] = _topics()

    @property
    def first_year(self) -> int:
        """The year the streak began: latest year minus length plus one (derived)."""
        return self.latest_year - self.length + 1


@frozen
class Pledge(Record):
    """A goal set with a time horizon."""

    table: ClassVar[str] = "pledges"
    derived: ClassVar[tuple[str, ...]] = ("target_year",)

    id: str = _id()
    subject: str = _ref_id("Who made the pledge.", "entities")
    goal: str = field("What was pledged, in our words.", validator=_text)
    made: PartialDate = field("When the pledge was made.", validator=_v.instance_of(PartialDate))
    horizon: Quantity = field(
        "How long was allowed.",
        validator=[_v.instance_of(Quantity), _quantity_unit(Unit.YEARS)],
    )
    locator: Locator = _locator()
    topics: tuple[Topic, ...] = _topics()

    @property
    def target_year(self) -> int:
        """The year the goal falls due: year made plus horizon (derived)."""
        return self.made.year + int(self.horizon.value)


@frozen
class First(Record):
    """An achievement claimed as the first of its kind."""

    table: ClassVar[str] = "firsts"

    id: str = _id()
    scope: FirstScope = field("Where it is claimed first.", validator=_v.instance_of(FirstScope))
    achievement: str = field("What was achieved, in our words.", validator=_text)
    locator: Locator = _locator()
    entity: str | None = _opt_ref_id("The thing that was first, when named.", "entities")
    references: tuple[str, ...] = _ref_ids("Reference figures that identify it.", "references")
    topics: tuple[Topic, ...] = _topics()


@frozen
class Quote(Record):
    """Words a named person is quoted as saying, verbatim.

    A quotation interrupted by its attribution ("...," he said. "...") is
    kept as its separate passages, never joined into one made-up sentence.
    """

    table: ClassVar[str] = "quotes"

    id: str = _id()
    speaker: str = _ref_id("Who said it.", "entities")
    role: str = field("The speaker's role as the article gives it.", validator=_text)
    passages: tuple[str, ...] = field(
        "The quoted words, verbatim: each passage printed between quotation marks, in "
        "order (the attribution between them, such as 'he said', is not part of it).",
        validator=[_tuple_of(str, _text), _v.min_len(1)],
        converter=as_tuple,
    )
    locator: Locator = _locator()
    topics: tuple[Topic, ...] = _topics()


@frozen
class Photo(Record):
    """A photo published with the article, by its caption and credit."""

    table: ClassVar[str] = "photos"

    id: str = _id()
    caption: str = field("What the photo shows, in our words.", validator=_text)
    photographer: str = _ref_id("Who took it.", "entities")
    agency: str = _ref_id("Whose credit line it carries.", "entities")
    locator: Locator = _locator()
    depicts: tuple[str, ...] = _ref_ids("Entities shown.", "entities")
    topics: tuple[Topic, ...] = _topics()


@frozen
class Reference(Record):
    """A figure from outside the article, with its citation, for the audit."""

    table: ClassVar[str] = "references"

    id: str = _id()
    statement: str = field("What the reference establishes, in our words.", validator=_text)
    confidence: Confidence = field(
        "How firmly it is established.", validator=_v.instance_of(Confidence)
    )
    citation: Citation = field("Where it was published.", validator=_v.instance_of(Citation))
    quantity: Quantity | None = _opt(Quantity, "The figure, when it is a number.")
    as_of: PartialDate | None = _opt(PartialDate, "The date the figure describes.")
    subject: str | None = _opt_ref_id("The entity the figure is about.", "entities")
    indicator: Indicator | None = _opt(
        Indicator, "What the figure measures, for comparison with the article's numbers."
    )


@frozen
class Erratum(Record):
    """Where the article is wrong, garbled or unverifiable, and why.

    The stated value stays in its record; the erratum explains.
    """

    table: ClassVar[str] = "errata"

    id: str = _id()
    kind: ErratumKind = field("What is wrong.", validator=_v.instance_of(ErratumKind))
    record: str = field("Id of the record holding the stated value.", validator=_slug)
    field_name: str = field("The field holding the stated value.", validator=_text)
    stated: str = field("The value as stated, as text.", validator=_text)
    explanation: str = field("What is wrong and what is known, in our words.", validator=_text)
    references: tuple[str, ...] = _ref_ids("The references relied on.", "references")
    rules: tuple[str, ...] = field(
        "Audit rules whose findings on this record the erratum acknowledges.",
        validator=_tuple_of(str, _v.matches_re(SLUG)),
        converter=as_tuple,
        factory=tuple,
    )
    likely: str | None = _opt(
        str, "What was probably meant, when a reference says (never substituted)."
    )


_REFERENCE_FIELDS: dict[type[Record], tuple[tuple[str, str], ...]] = {}


def reference_fields(cls: type[Record]) -> tuple[tuple[str, str], ...]:
    """``(field name, table)`` for each field of a record type holding ids of other records.

    Read from the fields' ``references`` metadata, the one place that says so;
    worked out once per class.
    """
    found = _REFERENCE_FIELDS.get(cls)
    if found is None:
        found = _REFERENCE_FIELDS[cls] = tuple(
            (f.name, f.metadata["references"])
            for f in attrs.fields(cast(Any, cls))
            if f.metadata.get("references") is not None
        )
    return found


#: Every record type, in table order.
RECORD_TYPES: tuple[type[Record], ...] = (
    Source,
    Entity,
    Metric,
    Event,
    RankingPosition,
    Streak,
    Pledge,
    First,
    Quote,
    Photo,
    Reference,
    Erratum,
)
