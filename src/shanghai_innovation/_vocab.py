"""Closed vocabularies: the enums every record draws its categories from.

Each member's value is the readable token written to every export, so the
tokens are part of the schema: renaming one is a breaking (major) change.

Every vocabulary is a :class:`enum.StrEnum`: a member *is* its token, so it
prints as the token (``str(Unit.CNY) == "CNY"``, ``f"{Topic.BIOMEDICINE}"``
is ``"biomedicine"``) and compares equal to it (``Unit.CNY == "CNY"``).
"""

from __future__ import annotations

import enum


class Qualifier(enum.StrEnum):
    """How the article hedges a number ("nearly", "at least", ...)."""

    #: Stated with no hedge ("170 drugs").
    EXACT = "exact"
    #: "about", "around": close to the value, on either side.
    ABOUT = "about"
    #: "nearly", "almost": at most the value, and close to it.
    NEARLY = "nearly"
    #: "at least": the value or more.
    AT_LEAST = "at least"
    #: "over": strictly more than the value.
    OVER = "over"
    #: "more than": strictly more than the value.
    MORE_THAN = "more than"
    #: "up to": the value or less.
    UP_TO = "up to"
    #: "under", "less than": strictly less than the value.
    UNDER = "under"


class Unit(enum.StrEnum):
    """The unit of a stated quantity."""

    #: A number of things; what is counted is named by the record.
    COUNT = "count"
    #: Percent (0-100).
    PERCENT = "percent"
    #: Chinese yuan (renminbi), CNY.
    CNY = "CNY"
    #: United States dollars, USD.
    USD = "USD"
    #: A position in a ranking (1 is best).
    RANK = "rank"
    #: A number of ranking places moved.
    PLACES = "places"
    #: A span of years.
    YEARS = "years"
    #: A ratio of one amount to another (two-thirds is 2/3).
    RATIO = "ratio"
    #: Yuan per US dollar.
    CNY_PER_USD = "CNY/USD"


class Precision(enum.StrEnum):
    """How much of a partial date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class Section(enum.StrEnum):
    """The parts of the article a locator can point into.

    Paragraphs are numbered from 1 within each section. A paragraph is a
    non-empty line of text; section headings, repeated article titles above
    photos and photo credit lines are not paragraphs, photo captions are.
    """

    #: The headline, byline and standfirst above the first photo.
    HEADER = "header"
    #: The opening part of the body, before the first subheading.
    INTRODUCTION = "introduction"
    #: Under the subheading on research and development.
    RESEARCH_AND_DEVELOPMENT = "research-and-development"
    #: Under the subheading on foreigners in the city.
    FOREIGNERS = "foreigners-in-the-city"
    #: The dated list of the year's highlights.
    HIGHLIGHTS = "highlights-of-2020"


class Topic(enum.StrEnum):
    """The fixed subject vocabulary every record is tagged with."""

    INTEGRATED_CIRCUITS = "integrated-circuits"
    ARTIFICIAL_INTELLIGENCE = "artificial-intelligence"
    BIOMEDICINE = "biomedicine"
    COVID_19 = "covid-19-response"
    RD_FUNDING = "rd-funding"
    RANKINGS = "rankings"
    INTERNATIONAL = "international-cooperation"
    FOREIGN_TALENT = "foreign-talent"
    SCIENCE_FACILITIES = "science-facilities"
    AWARDS_AND_EVENTS = "awards-and-events"
    INNOVATION_POLICY = "innovation-policy"
    ENTERPRISE = "enterprise"
    RESEARCH_INSTITUTIONS = "research-institutions"
    FIRSTS = "firsts"
    AEROSPACE_AND_TRANSPORT = "aerospace-and-transport"
    PUBLISHING = "publishing"


class EntityKind(enum.StrEnum):
    """What sort of thing an entity is."""

    PLACE = "place"
    PERSON = "person"
    GOVERNMENT_BODY = "government-body"
    ORGANISATION = "organisation"
    INSTITUTE = "institute"
    FACILITY = "facility"
    COMPANY = "company"
    PRODUCT = "product"
    PROGRAMME = "programme"
    EVENT_SERIES = "event-series"
    RANKING = "ranking"
    PUBLICATION = "publication"
    INDUSTRY = "industry"
    AWARD = "award"


class FirstScope(enum.StrEnum):
    """Where a "first" is claimed to be first."""

    WORLD = "world"
    CHINA = "china"


class Confidence(enum.StrEnum):
    """How firmly a reference figure is established."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ErratumKind(enum.StrEnum):
    """What is wrong with a stated value."""

    #: Contradicted by a reliable reference or by the article itself.
    WRONG = "wrong"
    #: The words cannot be what was meant (a garbled name).
    GARBLED = "garbled"
    #: No reference confirms it; kept, flagged.
    UNVERIFIED = "unverified"
    #: Disagrees with a reference, and neither can be shown right.
    CONFLICT = "conflict"
    #: Was reported so at one time, but a later figure had replaced it before
    #: the article appeared; the verdict is "outdated".
    OUTDATED = "outdated"
    #: True only with a qualifier, a method or a scope the article leaves out,
    #: so a reader takes it for more than it is; the verdict is "misleading".
    MISLEADING = "misleading"


class Indicator(enum.StrEnum):
    """What a number measures, so the audit can set it beside a reference figure.

    A metric and a reference with the same indicator, subject and year are
    comparable; the audit rules match on these tokens, never on ids.
    """

    #: Gross domestic product, in a currency.
    GDP = "gdp"
    #: Spending on research and development in a year, in a currency.
    RD_EXPENDITURE = "rd-expenditure"
    #: Research and development spending as a percentage of GDP.
    RD_INTENSITY = "rd-intensity"
    #: Growth of research and development spending over a baseline, as a ratio.
    RD_GROWTH = "rd-expenditure-growth"
    #: Yuan per US dollar.
    EXCHANGE_RATE = "exchange-rate"
    #: The number of districts of a city.
    DISTRICTS = "districts"
    #: A place in a ranking.
    RANK = "rank"
    #: Efficacy of a vaccine, in percent.
    VACCINE_EFFICACY = "vaccine-efficacy"
    #: A count of people or things taking part in, or honoured at, an event.
    PARTICIPANTS = "participants"
    #: A count of awards or honoured items.
    AWARDS = "awards"
    #: A count of activities of an event.
    ACTIVITIES = "activities"
