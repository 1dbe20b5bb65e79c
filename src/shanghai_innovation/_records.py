"""Fact records: one frozen attrs class per table.

Every field carries ``metadata`` (a description, and a unit where it has
one) from which the export schema, the datapackage.json and the docs data
dictionary are derived. Values derived from other fields (a streak's first
year, a pledge's target year, a rank movement computed from two ranks) are
properties, never stored, and the schema marks them as derived.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Final, cast

import attrs

from ._frozen import frozen
from ._text import check_text as _text
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
    "MAX_EVIDENCE_WORDS",
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
    "Statement",
    "Streak",
    "evidence_words",
    "reference_fields",
]

_v = attrs.validators
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
_slug = [_v.instance_of(str), _v.matches_re(SLUG)]


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
    record goes by (search ranks a match there above one in prose);
    ``evidence=True`` for the span of the source's own words that states the
    fact (never used where a record is described in ours).
    """
    metadata = {"description": description}
    for key in ("unit", "references", "example", "search", "evidence"):
        if key in kwargs:
            metadata[key] = kwargs.pop(key)
    return attrs.field(metadata=metadata, **kwargs)


#: Most words an evidence span may have: enough for a number with its hedge
#: and what it counts, or a date with what happened, and no more.
MAX_EVIDENCE_WORDS: Final = 15

# A word is a run of non-spaces holding a letter or a digit: a dash between
# spaces is not one, "US$224" and "phase-III" are one each.
_WORD: Final = re.compile(r"\S*[^\W_]\S*")


def evidence_words(text: str) -> int:
    """How many words a passage has, as the evidence limit counts them.

    >>> evidence_words("January 10 \u2014 Scientists in Shanghai")
    5
    """
    return len(_WORD.findall(text))


def _evidence_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _text(instance, attribute, value)
    words = evidence_words(value)
    if words > MAX_EVIDENCE_WORDS:
        msg = f"'{attribute.name}' must be at most {MAX_EVIDENCE_WORDS} words, got {words}"
        raise ValueError(msg)


_EVIDENCE_DESCRIPTION: Final = (
    "The shortest passage of the source that states the fact, verbatim "
    f"(at most {MAX_EVIDENCE_WORDS} words); found in the paragraph the locator names."
)


def _evidence(*, required: bool = False) -> Any:
    """The evidence span: required on statements, which are nothing without it.

    On the older fact records it may be empty, so records built by code that
    predates it still load; the bundled data gives every one (a test checks).
    """
    if required:
        return field(_EVIDENCE_DESCRIPTION, validator=_evidence_text, evidence=True)
    return field(
        _EVIDENCE_DESCRIPTION,
        default=None,
        validator=_v.optional(_evidence_text),
        evidence=True,
    )


def _opt_text(description: str, **kwargs: Any) -> Any:
    return field(description, default=None, validator=_v.optional(_text), **kwargs)


def _chinese(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not any("\u4e00" <= ch <= "\u9fff" for ch in value):
        msg = f"'{attribute.name}' must hold Chinese characters, got {value!r}"
        raise ValueError(msg)


def _together(other: str) -> Any:
    """A validator: this field and ``other`` are both set or both empty."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (value is None) != (getattr(instance, other) is None):
            msg = f"{other} and {attribute.name} go together"
            raise ValueError(msg)

    return check


def _needs(other: str) -> Any:
    """A validator: this field may be set only when ``other`` is."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and getattr(instance, other) is None:
            msg = f"{attribute.name} needs {other}"
            raise ValueError(msg)

    return check


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
    """An optional field of a value type; optional text is :func:`_opt_text`."""
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
    """Base of every fact record: each has an ``id`` and a table name.

    ``repr()`` is the full attrs form; ``str()`` is one readable line (see
    :meth:`__str__`); :meth:`to_dict` and :meth:`to_json` give the record in
    the shape of the JSON export and of ``shanghai-innovation show``.
    """

    __slots__ = ()

    #: The table the record type is stored and exported as.
    table: ClassVar[str]
    #: Names of properties computed from the fields, exported as derived columns.
    derived: ClassVar[tuple[str, ...]] = ()
    id: str

    def __str__(self) -> str:
        """One line: the class, the id, what it is, its number and its date.

        What it is: the first name the record goes by, else its first text
        in our words (measure, title, statement, ...), shortened to
        :data:`SUMMARY_WIDTH` characters; a record with no text (a ranking)
        lists its first few fields instead. The number is its first
        :class:`Quantity`; the date is :func:`shanghai_innovation.when`.

        >>> import shanghai_innovation as si
        >>> print(si.lookup("covid-reagent-users"))
        Metric covid-reagent-users: People served by products built on the city's coronavirus test reagents: 84.5 million
        """  # noqa: E501 - the example is one line
        from ._index import when  # noqa: PLC0415 - the query layer, loaded on first print

        text = self._text()
        line = f"{type(self).__name__} {self.id}: {self._label()}"
        quantity = next((v for v in _field_values(self) if isinstance(v, Quantity)), None)
        if text is not None and quantity is not None:
            line += f": {quantity}"
        date = when(self)
        return line if date is None else f"{line} ({date})"

    def _label(self) -> str:
        """What the record is, in a few words: its first name or text, else its first fields."""
        text = self._text()
        if text is not None:
            return _shorten(text).removesuffix(".")
        cls = type(self)
        shown = [
            f"{f.name} {value}"
            for f, value in zip(attrs.fields(cast(Any, cls)), _field_values(self), strict=True)
            if f.name != "id" and isinstance(value, str | int) and not isinstance(value, bool)
        ]
        return ", ".join(shown[:_SUMMARY_FIELDS])

    def _text(self) -> str | None:
        """The first name the record goes by, else its first free text in our words.

        The text that describes a record is one every record of its type has:
        optional notes (a description, how a date was derived) do not, and
        neither an id nor the evidence span (the source's own words) does.
        """
        from ._search import name_fields, searched_fields  # noqa: PLC0415

        cls = type(self)
        names = name_fields(cls)
        fields = attrs.fields_dict(cast(Any, cls))
        for name in (*names, *searched_fields(cls)):
            spec = fields[name]
            if name not in names and (
                spec.default is not attrs.NOTHING or spec.metadata.get("evidence")
            ):
                continue
            value = getattr(self, name)
            text = value[0] if isinstance(value, tuple) and value else value
            if isinstance(text, str) and (name in names or not _SLUG_RE.fullmatch(text)):
                return text
        return None

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON values, as the JSON export and ``show`` write it.

        Numbers are exact text (``"1500000000000"``, ``"2/3"``), dates ISO
        text, vocabulary members their tokens, tuples lists; fields left
        empty are kept (as ``None`` or ``[]``).
        """
        # The converter's shapes without importing cattrs: `show` prints this.
        from ._plain import unstructure  # noqa: PLC0415

        unstructured: dict[str, Any] = unstructure(self)
        return unstructured

    def to_json(self, *, indent: int | None = 2) -> str:
        """The record as JSON text: :meth:`to_dict`, UTF-8 kept, indented (``None``: one line)."""
        import json  # noqa: PLC0415

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


#: The longest summary :meth:`Record.__str__` shows, in characters.
SUMMARY_WIDTH = 80
_SUMMARY_FIELDS = 4
_SLUG_RE = re.compile(SLUG)


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_WIDTH else line[: SUMMARY_WIDTH - 1].rstrip() + "\u2026"


def _field_values(record: Record) -> list[Any]:
    return [getattr(record, f.name) for f in attrs.fields(cast(Any, type(record)))]


@frozen
class Citation:
    """Where a reference figure was published."""

    #: Who published it.
    publisher: str = field("Who published the figure.", validator=_text)
    #: Address of the publication, when it has one.
    url: str | None = _opt_text("Address of the publication.")
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
        validator=_tuple_of(str, _text),
        converter=as_tuple,
        factory=tuple,
    )
    name_zh_hans: str | None = field(
        "Name in Chinese, simplified characters (zh-Hans), as the cited reference gives it; "
        "empty where no source gives one.",
        default=None,
        validator=_v.optional([_text, _chinese]),
        search="name",
    )
    name_zh_hans_reference: str | None = field(
        "The reference (an encyclopedia or official page) that gives the Chinese name.",
        default=None,
        validator=[
            _v.optional(_v.and_(_v.instance_of(str), _v.matches_re(SLUG))),
            _together("name_zh_hans"),
        ],
        references="references",
    )
    description: str | None = _opt_text("What it is, in our words.")
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
    evidence: str | None = _evidence()
    equivalent: Quantity | None = _opt(
        Quantity, "The same amount in another currency, when the article gives both."
    )
    as_of: PartialDate | None = _opt(PartialDate, "The date the number describes or runs up to.")
    as_of_derivation: str | None = field(
        "How the as-of date was worked out, when the article does not print it "
        "(empty when it does).",
        default=None,
        validator=[_v.optional(_text), _needs("as_of")],
    )
    period: Period | None = _opt(Period, "The span of time the number covers.")
    baseline: PartialDate | None = _opt(PartialDate, "For a change: the date it is measured from.")
    change_of: str | None = _opt_ref_id("For a change: the metric that changed.", "metrics")
    part_of: str | None = _opt_ref_id("A larger count this one is a part of.", "metrics")
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
    evidence: str | None = _evidence()
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
    edition: int = field("Edition (year) of the ranking.", validator=[_v.instance_of(int), _year])
    rank: int = field(
        "Place held (1 is best).", validator=[_v.instance_of(int), _v.ge(1)], unit="rank"
    )
    locator: Locator = _locator()
    evidence: str | None = _evidence()
    edition_derivation: str | None = _opt_text(
        "How the edition was worked out, when the article does not name it (empty when it does)."
    )
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
    evidence: str | None = _evidence()
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
    evidence: str | None = _evidence()
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
    evidence: str | None = _evidence()
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

    def _text(self) -> str:
        """What was said, not who said it: the first passage, in quotation marks."""
        return f"\u201c{self.passages[0]}\u201d"


@frozen
class Photo(Record):
    """A photo published with the article, by its caption and credit."""

    table: ClassVar[str] = "photos"

    id: str = _id()
    caption: str = field("What the photo shows, in our words.", validator=_text)
    photographer: str = _ref_id("Who took it.", "entities")
    agency: str = _ref_id("Whose credit line it carries.", "entities")
    locator: Locator = _locator()
    evidence: str | None = _evidence()
    depicts: tuple[str, ...] = _ref_ids("Entities shown.", "entities")
    topics: tuple[Topic, ...] = _topics()


@frozen
class Statement(Record):
    """A claim the article makes in words rather than numbers: of whom, what and when.

    The claim is in our words; ``evidence`` holds the article's own. A claim
    the article attributes to someone ("according to ...") names them in
    ``attributed_to``.
    """

    table: ClassVar[str] = "statements"

    id: str = _id()
    subject: str = _ref_id("Who or what the claim is about.", "entities")
    claim: str = field("What is claimed, in our words.", validator=_text)
    locator: Locator = _locator()
    evidence: str = _evidence(required=True)
    period: Period | None = _opt(
        Period, "When the claim holds or the action took place, when the article says."
    )
    attributed_to: str | None = _opt_ref_id(
        "Who the article says made the claim, when it is not the article's own.", "entities"
    )
    entities: tuple[str, ...] = _ref_ids("Other entities the claim involves.", "entities")
    references: tuple[str, ...] = _ref_ids("Reference figures that bear on it.", "references")
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
    likely: str | None = _opt_text(
        "What was probably meant, when a reference says (never substituted)."
    )
    confidence: Confidence | None = _opt(
        Confidence,
        "How firmly the erratum is established: no firmer than its best reference, "
        "and low when it rests on guesswork or weak sources (the explanation then says so).",
    )

    def _text(self) -> str:
        """The verdict, not the stated value alone: kind, confidence, stated and likely."""
        confidence = "" if self.confidence is None else f" ({self.confidence})"
        likely = "" if self.likely is None else f"; likely {self.likely}"
        return f"{self.kind}{confidence}: {self.stated}{likely}"


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
    Statement,
    Reference,
    Erratum,
)
