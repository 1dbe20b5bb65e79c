"""The curated data: counts, pinned records, locators, evidence and coverage against the article."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest

import shanghai_innovation as si
from shanghai_innovation import (
    Entity,
    Erratum,
    Event,
    First,
    Locator,
    Metric,
    PartialDate,
    Period,
    Photo,
    Pledge,
    Quantity,
    Quote,
    RankingPosition,
    Record,
    Reference,
    Statement,
    Streak,
)
from shanghai_innovation._audit import RULES
from shanghai_innovation._records import MAX_EVIDENCE_WORDS, RECORD_TYPES, evidence_words

from ._article import Paragraph, index, paragraphs, plain, sentences
from .conftest import DATA_DIR, SHARED_DIR

ARTICLE = SHARED_DIR / "source" / "article.txt"
FIGURES = SHARED_DIR / "reference" / "figures.md"
SOURCE = "shine-2020-12-31"

needs_article = pytest.mark.skipif(
    not ARTICLE.exists(), reason=f"the source article is not beside this checkout ({ARTICLE})"
)
needs_figures = pytest.mark.skipif(
    not FIGURES.exists(), reason=f"the reference figures are not beside this checkout ({FIGURES})"
)


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    """Every record of the bundled dataset by id."""
    return {r.id: r for _, table in si.load().tables() for r in table}


@pytest.fixture(scope="module")
def article() -> dict[tuple[str, int], Paragraph]:
    """The article's paragraphs by (section, number)."""
    return index(ARTICLE)


def loc(section: str, paragraph: int) -> Locator:
    """A locator into the article."""
    return Locator(SOURCE, si.Section(section), paragraph)


def q(value: int | str, unit: str, qualifier: str = "exact") -> Quantity:
    """A quantity from its data-file shape."""
    return Quantity(Fraction(value), si.Unit(unit), si.Qualifier(qualifier))


def d(text: str) -> PartialDate:
    """A partial date from its text."""
    return PartialDate.parse(text)


def normalise(text: str) -> str:
    """Text with typographic quotes and non-breaking spaces made plain, lower-cased."""
    table = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"', "\xa0": " "})
    return text.translate(table).lower()


# --- Counts -----------------------------------------------------------------------


def test_record_counts_per_table() -> None:
    """Every table holds exactly the reviewed number of records."""
    expected = {
        "sources": 1,
        "entities": 47,
        "metrics": 26,
        "events": 14,
        "rankings": 2,
        "streaks": 2,
        "pledges": 1,
        "firsts": 5,
        "quotes": 1,
        "photos": 5,
        "statements": 13,
        "references": 83,
        "errata": 12,
    }
    assert expected == {name: len(table) for name, table in si.load().tables()}


# --- Records pinned field by field -------------------------------------------------


def test_source_record() -> None:
    """The one source: the SHINE article, its publication date inferred as 2020-12-31."""
    (source,) = si.load().sources
    assert SOURCE == source.id
    # The title in pieces: no line of ours repeats a long run of the article.
    title = [
        "What the city has achieved",
        "in science and technology innovation",
    ]
    assert " ".join(title) == source.title
    assert "Li Qian" == source.author
    assert "SHINE (Shanghai Daily)" == source.outlet
    assert "https://www.shine.cn/news/in-focus/2012312448/" == source.url
    assert dt.date(2020, 12, 31) == source.published
    assert source.published_inferred is True
    assert "en" == source.language


def test_advanced_technology_companies(records: dict[str, Record]) -> None:
    """Nearly 16,000 advanced technology companies, in the introduction's fifth paragraph."""
    metric = records["advanced-technology-companies"]
    assert isinstance(metric, Metric)
    assert "shanghai" == metric.subject
    assert q(16000, "count", "nearly") == metric.quantity
    assert d("2020-12") == metric.as_of
    assert loc("introduction", 5) == metric.locator
    assert 15999 in metric.quantity.bounds
    assert 16001 not in metric.quantity.bounds
    standfirst = records["advanced-technology-companies-standfirst"]
    assert isinstance(standfirst, Metric)
    assert metric.quantity == standfirst.quantity
    assert loc("header", 3) == standfirst.locator


def test_rd_share_of_gdp(records: dict[str, Record]) -> None:
    """At least 3.5 percent of GDP on R&D over 2016-2020, a period derived from the text."""
    metric = records["rd-spending-share-of-gdp"]
    assert isinstance(metric, Metric)
    assert Fraction(7, 2) == metric.quantity.value
    assert si.Unit.PERCENT == metric.quantity.unit
    assert si.Qualifier.AT_LEAST == metric.quantity.qualifier
    assert metric.period is not None
    assert (d("2016"), d("2020"), True) == (
        metric.period.start,
        metric.period.end,
        metric.period.derived,
    )
    assert metric.period.derivation
    assert si.Indicator.RD_INTENSITY == metric.indicator
    assert loc("research-and-development", 1) == metric.locator


def test_rd_spending_2019(records: dict[str, Record]) -> None:
    """Over 1.5 trillion yuan in 2019, with the US$224 billion the article gives beside it."""
    metric = records["rd-spending-2019"]
    assert isinstance(metric, Metric)
    assert q(1500000000000, "CNY", "over") == metric.quantity
    assert q(224000000000, "USD") == metric.equivalent
    assert d("2019") == metric.as_of
    assert si.Indicator.RD_EXPENDITURE == metric.indicator
    assert {"ref-rd-2019", "ref-gdp-2019", "ref-china-rd-2019"} <= set(metric.references)


def test_rd_growth(records: dict[str, Record]) -> None:
    """Up nearly two-thirds on 2015: a ratio of 2/3 changing the 2019 spending metric."""
    metric = records["rd-spending-growth-2015-2019"]
    assert isinstance(metric, Metric)
    assert q("2/3", "ratio", "nearly") == metric.quantity
    assert d("2015") == metric.baseline
    assert "rd-spending-2019" == metric.change_of
    assert si.Indicator.RD_GROWTH == metric.indicator


def test_approved_drugs_by_november(records: dict[str, Record]) -> None:
    """170 drugs approved by November 2020; 70 devices registered by then."""
    drugs, devices = records["approved-drugs"], records["registered-medical-devices"]
    assert isinstance(drugs, Metric)
    assert isinstance(devices, Metric)
    assert (q(170, "count"), d("2020-11")) == (drugs.quantity, drugs.as_of)
    assert (q(70, "count"), d("2020-11")) == (devices.quantity, devices.as_of)
    assert loc("introduction", 8) == drugs.locator


def test_nature_index_rank(records: dict[str, Record]) -> None:
    """Nature Index 2020: fifth, up three from eighth in 2016; the movement also derives."""
    rank = records["nature-index-2020-shanghai"]
    assert isinstance(rank, RankingPosition)
    assert ("nature-index-science-cities", "shanghai", 2020) == (
        rank.ranking,
        rank.subject,
        rank.edition,
    )
    assert (5, 8, 2016, 3) == (rank.rank, rank.previous_rank, rank.previous_year, rank.movement)
    assert 3 == rank.computed_movement
    assert loc("research-and-development", 2) == rank.locator


def test_gii_rank(records: dict[str, Record]) -> None:
    """GII (Chinese version, 2020-12-09, by WIPO): ninth of 100 clusters."""
    rank = records["gii-2020-shanghai"]
    assert isinstance(rank, RankingPosition)
    assert ("global-innovation-index", 2020, 9) == (rank.ranking, rank.edition, rank.rank)
    assert q(100, "count") == rank.out_of
    assert d("2020-12-09") == rank.published
    assert "wipo" == rank.publisher
    assert rank.previous_rank is None
    assert rank.computed_movement is None


def test_reagent_users(records: dict[str, Record]) -> None:
    """84.5 million people: exactly 84,500,000, no float artefact."""
    metric = records["covid-reagent-users"]
    assert isinstance(metric, Metric)
    assert q(84500000, "count") == metric.quantity
    assert "84500000" == metric.quantity.exact


def test_vaccines_and_efficacy(records: dict[str, Record]) -> None:
    """Six vaccines, Fosun's counted among them, at 90 percent efficacy."""
    vaccines, efficacy = records["covid-vaccines-in-development"], records["fosun-vaccine-efficacy"]
    fosun = records["fosun-mrna-vaccine"]
    assert isinstance(vaccines, Metric)
    assert isinstance(efficacy, Metric)
    assert isinstance(fosun, Entity)
    assert q(6, "count") == vaccines.quantity
    assert ("covid-vaccines-in-development",) == fosun.counted_in
    assert (q(90, "percent"), "fosun-mrna-vaccine") == (efficacy.quantity, efficacy.subject)
    assert si.Indicator.VACCINE_EFFICACY == efficacy.indicator


def test_core_industries_counted(records: dict[str, Record]) -> None:
    """The three core industries are each counted in both mentions of the count."""
    counts = ("core-industries-standfirst", "core-industries")
    for metric_id in counts:
        metric = records[metric_id]
        assert isinstance(metric, Metric)
        assert q(3, "count") == metric.quantity
    for industry in ("integrated-circuits", "artificial-intelligence", "biomedicine"):
        entity = records[industry]
        assert isinstance(entity, Entity)
        assert (si.EntityKind.INDUSTRY, counts) == (entity.kind, entity.counted_in)


def test_nobel_laureates_part_of_participants(records: dict[str, Record]) -> None:
    """61 Nobel laureates are part of the more than 300 scientists at the forum."""
    whole, part = (
        records["world-laureates-forum-2020-scientists"],
        records["world-laureates-forum-2020-nobel-laureates"],
    )
    assert isinstance(whole, Metric)
    assert isinstance(part, Metric)
    assert q(300, "count", "more than") == whole.quantity
    assert (q(61, "count"), whole.id) == (part.quantity, part.part_of)


def test_timeline_dates(records: dict[str, Record]) -> None:
    """All 14 entries of the 2020 timeline, each at its printed day, in order."""
    expected = [
        "2020-01-09",
        "2020-01-10",
        "2020-02-15",
        "2020-05-01",
        "2020-05-19",
        "2020-06-06",
        "2020-06-29",
        "2020-06-30",
        "2020-08-23",
        "2020-10-22",
        "2020-10-30",
        "2020-11-04",
        "2020-11-18",
        "2020-12-09",
    ]
    events = si.load().events
    assert expected == [str(e.date) for e in events]
    assert [loc("highlights-of-2020", n) for n in range(1, 15)] == [e.locator for e in events]
    assert all(isinstance(records[e.id], Event) for e in events)


def test_quote_text(records: dict[str, Record]) -> None:
    """Zhang Quan's words, verbatim: two passages, the attribution between them left out."""
    quote = records["zhang-quan-institutions-facilities-scientists"]
    assert isinstance(quote, Quote)
    # Split into short pieces: the quote is the one text we copy from the article.
    expected = (
        (
            "The city\u2019s goal to create a concentration "
            "of international high-profile institutions "
            "has begun to take shape,"
        ),
        (
            "Clusters of world-class science facilities, "
            "with the Shanghai Synchrotron Radiation Facility "
            "as the core, have basically been formed. "
            "Renowned scientists are gathering to work here."
        ),
    )
    assert expected == quote.passages
    assert ("zhang-quan", loc("introduction", 4)) == (quote.speaker, quote.locator)


def test_pledge_target_year(records: dict[str, Record]) -> None:
    """The 2015 pledge with a 20-year horizon falls due in 2035 (derived)."""
    pledge = records["global-innovation-hub-pledge"]
    assert isinstance(pledge, Pledge)
    assert (d("2015"), q(20, "years")) == (pledge.made, pledge.horizon)
    assert 2035 == pledge.target_year


def test_streaks(records: dict[str, Record]) -> None:
    """Both mentions of the eighth consecutive year agree and start the run in 2013."""
    streaks = si.load().streaks
    assert [loc("foreigners-in-the-city", 1), loc("highlights-of-2020", 13)] == [
        s.locator for s in streaks
    ]
    for streak in streaks:
        assert isinstance(records[streak.id], Streak)
        assert ("shanghai", "amazing-china-ranking", 8, 2020, 2013) == (
            streak.subject,
            streak.ranking,
            streak.length,
            streak.latest_year,
            streak.first_year,
        )


def test_firsts(records: dict[str, Record]) -> None:
    """Five firsts: three claimed for the world, two for China."""
    expected = {
        "first-cloned-monkey": si.FirstScope.WORLD,
        "first-algae-based-alzheimers-drug": si.FirstScope.WORLD,
        "first-domestic-narrow-body-jet": si.FirstScope.CHINA,
        "first-domestic-icebreaker": si.FirstScope.CHINA,
        "first-gene-edited-cloned-monkeys": si.FirstScope.WORLD,
    }
    assert expected == {f.id: f.scope for f in si.load().firsts}
    icebreaker = records["first-domestic-icebreaker"]
    assert isinstance(icebreaker, First)
    assert "xuelong-2" == icebreaker.entity


def test_photos() -> None:
    """Five photos, each credited to its photographer and SHINE, located at its caption."""
    expected = [
        ("dong-jun", loc("header", 5)),
        ("zhou-shengjie", loc("introduction", 9)),
        ("jiang-xiaowei", loc("research-and-development", 7)),
        ("jiang-xiaowei", loc("research-and-development", 8)),
        ("jiang-xiaowei", loc("foreigners-in-the-city", 6)),
    ]
    photos = si.load().photos
    assert expected == [(p.photographer, p.locator) for p in photos]
    assert {"shine"} == {p.agency for p in photos}
    assert all(isinstance(p, Photo) for p in photos)


def test_past_five_years_period(records: dict[str, Record]) -> None:
    """'The past five years' is 2016-2020, marked derived with a note on how."""
    metric = records["rd-spending-share-of-gdp"]
    assert isinstance(metric, Metric)
    assert metric.period is not None
    assert Period(d("2016"), d("2020"), True, metric.period.derivation) == metric.period


def test_indicators(records: dict[str, Record]) -> None:
    """The metrics the audit compares carry their indicator."""
    expected = {
        "rd-spending-2019": "rd-expenditure",
        "rd-spending-share-of-gdp": "rd-intensity",
        "rd-spending-growth-2015-2019": "rd-expenditure-growth",
        "service-window-districts": "districts",
        "fosun-vaccine-efficacy": "vaccine-efficacy",
        "national-awards-2020": "awards",
        "shanghai-awards-2019-honours": "awards",
        "science-festival-2020-activities": "activities",
        "world-laureates-forum-2020-scientists": "participants",
        "world-laureates-forum-2020-nobel-laureates": "participants",
    }
    actual = {m.id: m.indicator.value for m in si.load().metrics if m.indicator is not None}
    assert expected == actual
    districts = records["ref-districts"]
    assert isinstance(districts, si.Reference)
    assert (q(16, "count"), si.Indicator.DISTRICTS) == (districts.quantity, districts.indicator)


def test_errata() -> None:
    """Every erratum: its record, field, kind, confidence and the rules it answers."""
    expected = [
        (
            "rd-spending-2019",
            "quantity",
            "wrong",
            "high",
            ("share-of-gdp", "national-total", "growth-vs-baseline"),
        ),
        ("rd-spending-2019", "equivalent", "wrong", "high", ()),
        ("service-window-districts", "quantity", "wrong", "high", ("count-vs-reference",)),
        (
            "nature-index-2020-shanghai",
            "previous_rank",
            "unverified",
            "low",
            ("unverified-reference",),
        ),
        ("nature-index-measures", "evidence", "wrong", "medium", ()),
        ("gii-2020-shanghai", "rank", "unverified", "low", ("unverified-reference",)),
        ("2020-12-09-gii-clusters", "evidence", "unverified", "low", ("unverified-reference",)),
        ("hard-x-day-device", "name", "garbled", "high", ("textual-fault",)),
        ("fosun-vaccine-efficacy", "quantity", "outdated", "high", ()),
        ("first-cloned-monkey", "evidence", "misleading", "high", ()),
        ("first-domestic-icebreaker", "evidence", "misleading", "high", ()),
        ("first-algae-based-alzheimers-drug", "evidence", "misleading", "medium", ()),
    ]
    errata = si.load().errata
    actual = [
        (e.record, e.field_name, e.kind.value, e.confidence and e.confidence.value, e.rules)
        for e in errata
    ]
    assert expected == actual
    assert all(isinstance(e, Erratum) and e.references for e in errata)
    assert ("about 152.5 billion yuan", "about US$22 billion") == (
        errata[0].likely,
        errata[1].likely,
    )
    assert "ref-rd-2019-intensity" in errata[0].references


def test_rd_errata_argue_from_the_official_intensity_not_the_articles_floor() -> None:
    """The R&D erratum cites the official ~4 % intensity; 39 % meets 'at least 3.5', so no rule."""
    erratum = si.load().lookup("erratum-rd-spending-2019")
    assert isinstance(erratum, Erratum)
    assert "about 4.0 percent" in erratum.explanation
    assert "at least 3.5" not in erratum.explanation
    usd = si.load().lookup("erratum-rd-spending-2019-usd")
    assert isinstance(usd, Erratum)
    assert ("equivalent", "US$224 billion") == (usd.field_name, usd.stated)


def test_fosun_erratum_dates_the_article_after_the_final_analysis() -> None:
    """The efficacy erratum is 'outdated': the article came 43 days after the 95 % analysis."""
    erratum = si.load().lookup("erratum-fosun-vaccine-efficacy")
    final = si.load().lookup("ref-bnt162b2-final")
    assert isinstance(erratum, Erratum)
    assert isinstance(final, Reference)
    assert final.as_of is not None
    (source,) = si.load().sources
    assert 43 == (source.published - final.as_of.start).days
    assert "43 days after" in erratum.explanation
    assert "predates" not in erratum.explanation
    assert si.ErratumKind.OUTDATED is erratum.kind


def test_erratum_confidence_no_firmer_than_its_best_reference() -> None:
    """An erratum is no surer than the surest reference it cites; a low one says so plainly."""
    order = {si.Confidence.LOW: 0, si.Confidence.MEDIUM: 1, si.Confidence.HIGH: 2}
    ds = si.load()
    too_sure, unsaid = [], []
    for erratum in ds.errata:
        best = max(order[ref.confidence] for ref in ds.references if ref.id in erratum.references)
        assert erratum.confidence is not None
        if order[erratum.confidence] > best:
            too_sure.append(erratum.id)
        low = erratum.confidence is si.Confidence.LOW
        if low != ("low confidence" in erratum.explanation.lower()):
            unsaid.append(erratum.id)
    assert ([], []) == (too_sure, unsaid)


AUDIT_RULES = {rule.id for rule in RULES}


def test_errata_name_only_known_rules() -> None:
    """Every rule an erratum acknowledges is one of the audit's fixed rule ids."""
    used = {rule for e in si.load().errata for rule in e.rules}
    assert set() == used - AUDIT_RULES


def test_every_record_has_topics() -> None:
    """Every record that can carry topics has at least one."""
    missing = [
        r.id
        for _, table in si.load().tables()
        for r in table
        if hasattr(r, "topics") and not r.topics
    ]
    assert [] == missing


# --- The article: parsing, locators, coverage, own words ----------------------------


@needs_article
def test_article_sections_and_paragraph_counts() -> None:
    """The parser finds the five sections with the reviewed number of paragraphs."""
    counts: dict[str, int] = {}
    for p in paragraphs(ARTICLE):
        counts[p.section] = p.number
    expected = {
        "header": 5,
        "introduction": 9,
        "research-and-development": 8,
        "foreigners-in-the-city": 6,
        "highlights-of-2020": 14,
    }
    assert expected == counts


ORDINALS = {1: "first", 2: "second", 3: "third", 5: "fifth", 8: "eighth", 9: "ninth"}
CARDINALS = {3: "three", 5: "five", 6: "six"}
SCALES = {10**12: "trillion", 10**9: "billion", 10**6: "million"}


def spellings(value: Fraction) -> set[str]:
    """The ways the article writes a number: digits, with commas, in words, in millions."""
    if value == Fraction(2, 3):
        return {"two-thirds"}
    if value.denominator != 1:
        return {si.Quantity(value, si.Unit.RATIO).exact}
    n = value.numerator
    found = {str(n), f"{n:,}"}
    if n in CARDINALS:
        found.add(CARDINALS[n])
    for scale, word in SCALES.items():
        if n >= scale:
            found.add(f"{si.Quantity(Fraction(n, scale), si.Unit.RATIO).exact} {word}")
            break
    return found


def keys(record: Record) -> set[str]:
    """What the located paragraph must contain for the record: its number or its name."""
    match record:
        case Metric():
            return spellings(record.quantity.value)
        case RankingPosition():
            return {ORDINALS.get(record.rank, str(record.rank))}
        case Streak():
            return {ORDINALS[record.length]}
        case Pledge():
            return {str(record.horizon.value.numerator)}
        case Event():
            date = record.date
            assert date.month is not None
            return {f"{calendar.month_name[date.month]} {date.day}"}
        case First():
            return {"first"}
        case Entity():
            return {record.name, *record.aliases}
        case _:
            return set()


def located(records: dict[str, Record]) -> Iterator[tuple[Record, Locator]]:
    """Every record with a locator."""
    for record in records.values():
        locator = getattr(record, "locator", None)
        if locator is not None:
            yield record, locator


def contains(paragraph: Paragraph, key: str, *, credit: bool = False) -> bool:
    """Whether the paragraph (or, if allowed, its photo credit) holds the key as a word run."""
    pattern = r"(?<![\w,.])" + re.escape(normalise(key)) + r"(?![\w]|,\d)"
    texts = [paragraph.text] + ([paragraph.credit] if credit and paragraph.credit else [])
    return any(re.search(pattern, normalise(t)) for t in texts)


@needs_article
def test_locators_point_at_paragraphs_holding_the_fact(
    records: dict[str, Record], article: dict[tuple[str, int], Paragraph]
) -> None:
    """Each locator names an existing paragraph that contains the record's number or name."""
    problems = []
    for record, locator in located(records):
        paragraph = article.get((locator.section.value, locator.paragraph))
        if locator.source != SOURCE or paragraph is None:
            problems.append(f"{record.id}: no paragraph {locator}")
            continue
        wanted = keys(record)
        if wanted and not any(contains(paragraph, k, credit=True) for k in wanted):
            problems.append(f"{record.id}: {sorted(wanted)} not in {locator}")
    assert [] == problems


@needs_article
def test_photos_credits_and_quote_match_the_article(
    records: dict[str, Record], article: dict[tuple[str, int], Paragraph]
) -> None:
    """Photo credits name the photographer and SHINE; the quote is the quoted words exactly."""
    for photo in si.load().photos:
        paragraph = article[(photo.locator.section.value, photo.locator.paragraph)]
        photographer = records[photo.photographer]
        assert isinstance(photographer, Entity)
        assert f"{photographer.name} / SHINE" == paragraph.credit
    (quote,) = si.load().quotes
    text = article[("introduction", 4)].text
    assert tuple(text.strip("\u201c\u201d").split("\u201d he said. \u201c")) == quote.passages


WORDS = {
    "two-thirds": Fraction(2, 3),
    "three": Fraction(3),
    "five": Fraction(5),
    "six": Fraction(6),
    "second": Fraction(2),
    "third": Fraction(3),
    "fifth": Fraction(5),
    "eighth": Fraction(8),
    "ninth": Fraction(9),
}
NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(million|billion|trillion))?"
    r"|\b(" + "|".join(WORDS) + r"|first)\b",
    re.IGNORECASE,
)

#: Numbers in the article that are not facts of their own, each with the reason.
#: Keyed by (section, paragraph, the number as written).
EXCLUDED = {
    ("research-and-development", 3, "2"): "part of the name Xuelong 2",
    ("research-and-development", 3, "five"): (
        "the span of the firsts ('past five years'); First has no period field, and the same "
        "span is recorded as 2016-2020 on rd-spending-share-of-gdp"
    ),
    ("research-and-development", 7, "3"): "part of the name BeiDou-3",
    ("research-and-development", 7, "2020"): "edition of the industry fair, kept in its alias",
    ("research-and-development", 8, "2020"): "edition of the industry fair, kept in its alias",
    ("highlights-of-2020", 5, "2019"): "edition of the city awards, kept in their alias",
    ("highlights-of-2020", 8, "60"): "part of the name G60 Brain Intelligence Innovation Park",
    ("highlights-of-2020", 8, "second"): "which construction phase began; said in the summary",
    ("highlights-of-2020", 10, "2020"): "edition of the Pujiang forum, kept in its alias",
    ("highlights-of-2020", 11, "third"): "edition of the laureates forum; said in the summary",
}


def mentions(paragraph: Paragraph) -> Iterator[tuple[str, Fraction | str]]:
    """Each number written in a paragraph: its text and its value ('first' for firsts)."""
    for match in NUMBER.finditer(paragraph.text.replace("\xa0", " ")):
        digits, scale, word = match.groups()
        if word is not None:
            lowered = word.lower()
            yield lowered, ("first" if lowered == "first" else WORDS[lowered])
            continue
        value = Fraction(digits.replace(",", ""))
        if scale is not None:
            value *= {"million": 10**6, "billion": 10**9, "trillion": 10**12}[scale]
        yield match.group(0), value


def _date_parts(date: PartialDate | None) -> set[Fraction | str]:
    if date is None:
        return set()
    return {Fraction(p) for p in (date.year, date.month, date.day) if p is not None}


def represented(record: Record) -> set[Fraction | str]:
    """The numbers a record stands for: values, dates, ranks, lengths."""
    match record:
        case Metric():
            found = {record.quantity.value} | _date_parts(record.as_of)
            found |= _date_parts(record.baseline)
            if record.equivalent is not None:
                found.add(record.equivalent.value)
            if record.period is not None:
                start, end = record.period.start.year, record.period.end.year
                found |= {Fraction(start), Fraction(end), Fraction(end - start + 1)}
            return found
        case RankingPosition():
            found = {Fraction(record.edition), Fraction(record.rank)} | _date_parts(
                record.published
            )
            for extra in (record.previous_rank, record.previous_year, record.movement):
                if extra is not None:
                    found.add(Fraction(extra))
            if record.out_of is not None:
                found.add(record.out_of.value)
            return found
        case Streak():
            return {Fraction(record.length), Fraction(record.latest_year)}
        case Pledge():
            return {record.horizon.value} | _date_parts(record.made)
        case Event():
            return _date_parts(record.date)
        case First():
            return {"first"}
        case _:
            return set()


@needs_article
def test_every_number_in_the_article_is_recorded(
    records: dict[str, Record], article: dict[tuple[str, int], Paragraph]
) -> None:
    """Each number written in a paragraph is a value of a record located there, or excluded."""
    by_place: dict[tuple[str, int], set[Fraction | str]] = {}
    for record, locator in located(records):
        place = (locator.section.value, locator.paragraph)
        by_place.setdefault(place, set()).update(represented(record))
    missing, used = [], set()
    for place, paragraph in article.items():
        for text, value in mentions(paragraph):
            key = (*place, text.lower())
            if key in EXCLUDED:
                used.add(key)
            elif value not in by_place.get(place, set()):
                missing.append(f"{place[0]}/{place[1]}: {text}")
    assert [] == missing
    assert set(EXCLUDED) == used


def _ngrams(text: str, n: int = 9) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", normalise(text).replace("'", ""))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@needs_article
@pytest.mark.parametrize(
    "path",
    [*sorted(DATA_DIR.glob("*.toml")), Path(__file__), Path(__file__).parent / "_article.py"],
    ids=lambda p: p.name,
)
def test_no_line_repeats_nine_words_of_the_article(path: Path) -> None:
    """No line copies 9+ consecutive article words, except quoted passages and evidence spans."""
    article_grams = _ngrams(ARTICLE.read_text(encoding="utf-8"))
    copied = []
    in_passages = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if path.name == "quotes.toml" and line.startswith("passages = ["):
            in_passages = True
        verbatim = path.parent == DATA_DIR and line.startswith("evidence = ")
        if _ngrams(line) & article_grams and not in_passages and not verbatim:
            copied.append(f"{path.name}:{number}")
        if in_passages and line.strip() == "]":
            in_passages = False
    assert [] == copied


@needs_figures
def test_every_reference_figure_has_a_record() -> None:
    """Each row of figures.md has a record named after it; any other reference cites a page."""
    ids = re.findall(r"^\| ([a-z0-9-]+) \|", FIGURES.read_text(encoding="utf-8"), re.MULTILINE)
    figures = {i for i in ids if i != "id"}
    references = si.load().references
    refs = {r.id for r in references}

    def named_after(ref: str, figure: str) -> bool:
        return ref == f"ref-{figure}" or ref.startswith(f"ref-{figure}-")

    assert set() == {f for f in figures if not any(named_after(r, f) for r in refs)}
    found = [r for r in references if not any(named_after(r.id, f) for f in figures)]
    assert [] == [r.id for r in found if not r.id.startswith("ref-web-")]
    assert [] == [r.id for r in found if r.citation.url is None]
    # The pages found by the project do not bear on figures: errata cite figures.md's sources.
    cited_by_errata = {ref for e in si.load().errata for ref in e.references}
    assert set() == cited_by_errata & {r.id for r in found}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("advanced-technology-companies-standfirst", "advanced-technology-companies"),
        ("core-industries-standfirst", "core-industries"),
        ("favourite-city-of-foreigners", "favourite-city-of-foreigners-highlight"),
    ],
)
def test_repeated_mentions_differ_only_by_id_locator_and_evidence(
    records: dict[str, Record], first: str, second: str
) -> None:
    """A fact the article states twice is two records, equal but for id, locator and evidence."""
    a, b = records[first], records[second]
    evolved = attrs.evolve(a, id=b.id, locator=b.locator, evidence=b.evidence)  # type: ignore[misc]
    assert evolved == b
    assert a.locator != b.locator  # type: ignore[attr-defined]


# --- Evidence: the article's own words for every fact ---------------------------------

#: The record types that state a fact and so carry an evidence span.
FACT_TYPES = (Metric, Event, RankingPosition, Streak, Pledge, First, Photo, Statement)


def fact_records() -> Iterator[Any]:
    """Every record of the bundled data that states a fact."""
    for record in si.load().records():
        if isinstance(record, FACT_TYPES):
            yield record


def test_every_fact_record_type_has_an_evidence_field() -> None:
    """The fact record types, and only they, carry an evidence span; statements require one."""
    with_evidence = {cls for cls in RECORD_TYPES if "evidence" in attrs.fields_dict(cls)}
    assert set(FACT_TYPES) == with_evidence
    required = {c for c in FACT_TYPES if attrs.fields_dict(c)["evidence"].default is attrs.NOTHING}
    assert {Statement} == required


def test_every_bundled_fact_and_erratum_is_complete() -> None:
    """In the shipped data every fact record has its span and every erratum its confidence."""
    assert [] == [r.id for r in fact_records() if r.evidence is None]
    assert [] == [e.id for e in si.load().errata if e.confidence is None]


def test_evidence_longer_than_the_limit_is_refused() -> None:
    """A span of 16 words does not make a record; 15 does (a lone dash is not a word)."""
    fifteen = " ".join(["word"] * 14 + ["\u2014", "end"])
    assert MAX_EVIDENCE_WORDS == evidence_words(fifteen)
    first = si.First(
        id="f",
        scope=si.FirstScope.WORLD,
        achievement="A first",
        locator=si.Locator("src", si.Section.HEADER, 1),
        evidence=fifteen,
    )
    assert fifteen == first.evidence
    with pytest.raises(ValueError, match="'evidence' must be at most 15 words, got 16"):
        attrs.evolve(first, evidence=fifteen + " more")


def _sentence_of(paragraph: Paragraph, span: str) -> str | None:
    for sentence in sentences(paragraph.text):
        if plain(span) in plain(sentence):
            return sentence
    return None


@needs_article
def test_every_evidence_span_is_verbatim_in_one_sentence_of_its_paragraph(
    article: dict[tuple[str, int], Paragraph],
) -> None:
    """Each span is the article's words (NFKC, quotes alike) within one sentence it locates."""
    problems = []
    for record in fact_records():
        paragraph = article[(record.locator.section.value, record.locator.paragraph)]
        if plain(record.evidence) not in plain(paragraph.text):
            problems.append(f"{record.id}: not in {record.locator}")
        elif _sentence_of(paragraph, record.evidence) is None:
            problems.append(f"{record.id}: runs across sentences")
    assert [] == problems


HEDGES = {
    si.Qualifier.NEARLY: ("nearly", "almost"),
    si.Qualifier.ABOUT: ("about", "around"),
    si.Qualifier.AT_LEAST: ("at least",),
    si.Qualifier.OVER: ("over",),
    si.Qualifier.MORE_THAN: ("more than",),
    si.Qualifier.UP_TO: ("up to",),
    si.Qualifier.UNDER: ("under", "less than"),
}
HEDGE_BEFORE = re.compile(
    r"(?:^|\W)(" + "|".join(w for words in HEDGES.values() for w in words) + r")\s+$"
)


def hedged(span: str, quantity: Quantity) -> bool:
    """Whether the span writes the number with exactly the quantity's hedge before it."""
    text = normalise(span)
    for key in spellings(quantity.value):
        pattern = r"(?<![\w,.])" + re.escape(normalise(key)) + r"(?![\w]|,\d)"
        for match in re.finditer(pattern, text):
            found = HEDGE_BEFORE.search(text[: match.start()])
            hedge = found.group(1) if found else None
            if hedge in HEDGES.get(quantity.qualifier, (None,)):
                return True
    return False


def wanted_keys(record: Any) -> list[str]:
    """The words a span must hold for a rank, streak, pledge or first it states."""
    match record:
        case RankingPosition():
            wanted = [ORDINALS[record.rank]]
            if record.previous_rank is not None:
                wanted += [ORDINALS[record.previous_rank], str(record.previous_year)]
            if record.movement is not None:
                wanted.append(f"{CARDINALS[abs(record.movement)]} places")
            if record.out_of is not None:
                wanted.append(f"the {record.out_of.exact}")
            return wanted
        case Streak():
            return [f"{ORDINALS[record.length]} consecutive"]
        case Pledge():
            return [f"{record.made.year},", f"{record.horizon.exact} years"]
        case First():
            return ["first"]
    return []


def numbers_missing(record: Any) -> list[str]:
    """What the record states that its span does not show (number, hedge, rank, year)."""
    if isinstance(record, Metric):
        quantities = {"quantity": record.quantity, "equivalent": record.equivalent}
        return [
            f"{name} {quantity}"
            for name, quantity in quantities.items()
            if quantity is not None and not hedged(record.evidence, quantity)
        ]
    span = Paragraph("", 0, record.evidence, 0)
    return [key for key in wanted_keys(record) if not contains(span, key)]


def test_each_span_shows_the_stated_number_and_hedge() -> None:
    """A span holds the number with its hedge (and rank, year or horizon) the record states."""
    assert [] == [f"{r.id}: {m}" for r in fact_records() for m in numbers_missing(r)]


def test_hedge_check_catches_a_wrong_qualifier() -> None:
    """'nearly 16,000' fits only 'nearly': the same span with 'over' or none does not."""
    metric = si.load().lookup("advanced-technology-companies")
    assert isinstance(metric, Metric)
    assert [] == numbers_missing(metric)
    for qualifier in (si.Qualifier.OVER, si.Qualifier.EXACT):
        wrong = attrs.evolve(metric, quantity=attrs.evolve(metric.quantity, qualifier=qualifier))
        assert [f"quantity {wrong.quantity}"] == numbers_missing(wrong)


@needs_article
def test_event_spans_start_with_the_date_when_it_fits(
    article: dict[tuple[str, int], Paragraph],
) -> None:
    """A timeline span starts at its date unless date-to-span-end would pass 15 words."""
    problems = []
    for event in si.load().events:
        paragraph = article[(event.locator.section.value, event.locator.paragraph)]
        entry = re.sub(r"^\u2022\s", "", paragraph.text)
        assert event.date.month is not None
        label = f"{calendar.month_name[event.date.month]} {event.date.day} \u2014 "
        assert entry.startswith(label), event.id
        end = plain(entry).index(plain(event.evidence)) + len(event.evidence)
        fits = evidence_words(entry[:end]) <= MAX_EVIDENCE_WORDS
        if fits != event.evidence.startswith(label):
            problems.append(event.id)
    assert [] == problems


# --- Every sentence covered --------------------------------------------------------------

#: Sentences of the article that assert nothing, each with the reason, keyed by
#: (section, paragraph, sentence number) with the sentence's first words.
NOT_ASSERTIONS = {
    ("header", 1, 1): ("What the city has achieved", "the headline: the source record's title"),
    ("header", 2, 1): ("Li Qian", "the byline: the source record's author"),
    ("header", 4, 1): ("Li Qian", "the byline again, printed above the first photo"),
    ("foreigners-in-the-city", 2, 1): (
        "Small wonder.",
        "a remark tying the favourite-city streak to what follows; it states nothing itself",
    ),
}


def covered(sentence: str, spans: list[str], passages: list[str]) -> bool:
    """Whether a sentence holds an evidence span, or its quoted words are a quote's."""
    text = plain(sentence)
    if any(plain(span) in text for span in spans):
        return True
    bare = text.replace('"', "").strip()
    return any(plain(p) in bare or bare in plain(p) for p in passages)


@needs_article
def test_every_sentence_that_asserts_something_is_evidence_of_a_record(
    article: dict[tuple[str, int], Paragraph],
) -> None:
    """Each sentence holds a record's span or a quote passage, or is a reviewed non-assertion."""
    spans: dict[tuple[str, int], list[str]] = {}
    passages: dict[tuple[str, int], list[str]] = {}
    for record in si.load().records():
        locator = getattr(record, "locator", None)
        if locator is None:
            continue
        place = (locator.section.value, locator.paragraph)
        if isinstance(record, FACT_TYPES):
            spans.setdefault(place, []).append(record.evidence)
        if isinstance(record, Quote):
            passages.setdefault(place, []).extend(record.passages)
    total, hits, uncovered, excluded = 0, 0, [], set()
    for place, paragraph in article.items():
        for number, sentence in enumerate(sentences(paragraph.text), 1):
            total += 1
            key = (*place, number)
            if covered(sentence, spans.get(place, []), passages.get(place, [])):
                hits += 1
                assert key not in NOT_ASSERTIONS, f"{key} is covered: drop its exclusion"
            elif key in NOT_ASSERTIONS and sentence.startswith(NOT_ASSERTIONS[key][0]):
                excluded.add(key)
            else:
                uncovered.append(f"{place[0]}/{place[1]} #{number}: {sentence[:40]}")
    print(
        f"\narticle coverage: {hits}/{total} sentences are the evidence of a record "
        f"({len(excluded)} excluded as asserting nothing)"
    )
    assert [] == uncovered
    assert set(NOT_ASSERTIONS) == excluded
    assert (53, 57) == (hits, total)


@needs_article
def test_sentence_splitting() -> None:
    """Sentences end at . ! ? (with a closing quote) before a capital; not in 84.5 or US$224."""
    quote = sentences(index(ARTICLE)[("introduction", 4)].text)
    assert 3 == len(quote)
    assert quote[1].startswith("\u201cClusters")
    assert 2 == len(sentences(index(ARTICLE)[("research-and-development", 5)].text))
    assert 2 == len(sentences(index(ARTICLE)[("research-and-development", 1)].text))


# --- The curated layer: names, aliases, Chinese names, part_of, derived dates ----------


def cited_statements(entity: Entity) -> str:
    """The statements of every reference the entity cites, its Chinese-name source included."""
    ids = set(entity.references) | {entity.name_zh_hans_reference} - {None}
    return " ".join(r.statement for r in si.load().references if r.id in ids)


@needs_article
def test_every_alias_is_in_the_article_or_a_cited_reference() -> None:
    """An alias appears verbatim in the article or in the statement of a reference cited."""
    text = plain(ARTICLE.read_text(encoding="utf-8"))
    unsourced = [
        f"{e.id}: {alias}"
        for e in si.load().entities
        for alias in e.aliases
        if plain(alias) not in text and plain(alias) not in plain(cited_statements(e))
    ]
    assert [] == unsourced


@needs_article
def test_every_name_is_as_the_article_gives_it() -> None:
    """Each entity's name is the article's words, at most without an edition year."""
    text = plain(ARTICLE.read_text(encoding="utf-8"))
    without_years = re.sub(r"\b(19|20)\d\d ", "", text)
    assert [] == [
        e.id
        for e in si.load().entities
        if plain(e.name) not in text and plain(e.name) not in without_years
    ]


#: Entities with no Chinese name, reviewed: no page was found that gives one
#: (people known only from a byline or credit, and things no page named).
WITHOUT_CHINESE_NAME = {
    "li-qian": "a byline only: the characters cannot be known from the romanisation",
    "dong-jun": "a photo credit only",
    "zhou-shengjie": "a photo credit only",
    "jiang-xiaowei": "a photo credit only",
    "shine": "Wikipedia gives 上海日报 for the newspaper Shanghai Daily, none for its SHINE brand",
    "five-year-plan": "the article does not say which plan (national or the city's)",
    "zhangjiang-boston-enterprise-park": "only English pages were found",
    "shanghai-integrated-circuits-materials-institute": "only a name in a list on an aggregator",
    "hard-x-day-device": "the device is unidentified",
}

#: Entities whose Chinese name rests on a page of medium confidence, reviewed:
#: an aggregator's copy of a news report, or a page naming the company's
#: pharmaceutical arm; no encyclopedia, official or major newspaper page was found.
NAMED_BY_WEAKER_PAGES = {
    "fosun": "the page names Fosun Pharma, the article only Fosun",
    "shanghai-qi-zhi-institute": "The Paper's report, copied by an aggregator",
    "shanghai-tree-graph-blockchain-research-institute": "the same copied report",
    "yrd-national-technology-innovation-center": "an aggregator relaying a press conference",
    "nature-index-science-cities": "a tech-news aggregator",
}


def test_chinese_names_come_from_a_cited_page() -> None:
    """A Chinese name is given verbatim by the page cited beside it, which has an address."""
    ds = si.load()
    problems = []
    for entity in ds.entities:
        if entity.name_zh_hans is None:
            continue
        ref = ds.lookup(entity.name_zh_hans_reference or "")
        assert isinstance(ref, Reference)
        if entity.name_zh_hans not in ref.statement or ref.citation.url is None:
            problems.append(entity.id)
    assert [] == problems
    assert set(WITHOUT_CHINESE_NAME) == {e.id for e in ds.entities if e.name_zh_hans is None}
    assert "name" == attrs.fields_dict(Entity)["name_zh_hans"].metadata["search"]


def test_chinese_names_on_weaker_pages_are_the_reviewed_ones() -> None:
    """Every Chinese name rests on a high-confidence page but the reviewed few, none on a low."""
    ds = si.load()
    confidence = {}
    for entity in ds.entities:
        if entity.name_zh_hans is not None:
            ref = ds.lookup(entity.name_zh_hans_reference or "")
            assert isinstance(ref, Reference)
            confidence[entity.id] = ref.confidence
    assert set(NAMED_BY_WEAKER_PAGES) == {i for i, c in confidence.items() if c != "high"}
    assert set() == {i for i, c in confidence.items() if c == "low"}


def test_chinese_name_and_its_source_go_together() -> None:
    """A Chinese name without its reference (or the reverse) does not make an entity."""
    entity = si.load().lookup("shanghai")
    with pytest.raises(ValueError, match="name_zh_hans and name_zh_hans_reference go together"):
        attrs.evolve(entity, name_zh_hans_reference=None)
    with pytest.raises(ValueError, match="'name_zh_hans' must hold Chinese characters"):
        attrs.evolve(entity, name_zh_hans="Shanghai")


#: part_of links the mechanical check cannot see, each reviewed with its reason.
PART_OF_BY_DEFINITION = {
    ("chinese-mainland", "china"): "the name says it: the mainland of China",
}


def places_in(text: str, names: tuple[str, ...]) -> bool:
    """Whether the text puts something in or under one of the names ("in X", ", X", "of X").

    A possessive ("X's park") does not count: a park set up by Shanghai's
    high-tech zone is not thereby in Shanghai.
    """
    return any(
        re.search(r"(?:\bin(?: the)?|,|\bof(?: the)?)\s+" + re.escape(plain(n)) + r"(?!')", text)
        for n in names
    )


@needs_article
def test_every_part_of_is_stated_by_the_article_or_a_cited_reference(
    article: dict[tuple[str, int], Paragraph],
) -> None:
    """The sentence naming the entity, or a reference it cites, places it in its parent."""
    ds = si.load()
    unsupported = []
    for entity in ds.entities:
        if entity.part_of is None or (entity.id, entity.part_of) in PART_OF_BY_DEFINITION:
            continue
        parent = ds.lookup(entity.part_of)
        assert isinstance(parent, Entity)
        paragraph = article[(entity.locator.section.value, entity.locator.paragraph)]
        own = [plain(n) for n in (entity.name, *entity.aliases)]
        naming = [plain(t) for t in sentences(paragraph.text) if any(n in plain(t) for n in own)]
        for name in own:
            naming = [t.replace(name, "") for t in naming]
        where = " ".join([*naming, plain(cited_statements(entity))])
        if not places_in(where, (parent.name, *parent.aliases)):
            unsupported.append(f"{entity.id} part_of {parent.id}")
    assert [] == unsupported


def test_a_possessive_does_not_place_a_thing() -> None:
    """'in X', ', X' and 'of the X' place a thing in X; "X's" does not (the Boston park)."""
    assert places_in("an office in Shanghai", ("Shanghai",))
    assert places_in("Putuo District, Shanghai", ("Shanghai",))
    assert places_in("a department of the Shanghai government", ("Shanghai",))
    assert not places_in("Shanghai's Zhangjiang zone opened a park in Boston", ("Shanghai",))


def test_the_boston_park_is_in_the_united_states() -> None:
    """The Zhangjiang Boston park is in Boston (Xinhua, 2016-02-27), not in Shanghai."""
    park = si.load().lookup("zhangjiang-boston-enterprise-park")
    assert isinstance(park, Entity)
    assert ("united-states", ("ref-web-zhangjiang-boston-park",)) == (park.part_of, park.references)


def _year_in(year: int, text: str) -> bool:
    return re.search(rf"(?<!\d){year}(?!\d)", text) is not None


def _printed(date: PartialDate, sentence: str, entry: PartialDate | None) -> bool:
    """Whether the sentence prints the date, or it is its timeline entry's date (or year)."""
    if entry is not None and date in (entry, PartialDate(entry.year)):
        return True
    ok = _year_in(date.year, sentence)
    if date.month is not None:
        ok = ok and calendar.month_name[date.month] in sentence
    if date.day is not None:
        ok = ok and _year_in(date.day, sentence)
    return ok


def derived_dates(record: Any) -> Iterator[tuple[str, PartialDate, bool, str | None]]:
    """Each date of a record: (field, date, whether marked derived, how)."""
    derivation = getattr(record, "as_of_derivation", None)
    if isinstance(record, Metric) and record.as_of is not None:
        yield "as_of", record.as_of, derivation is not None, derivation
    if isinstance(record, RankingPosition):
        how = record.edition_derivation
        yield "edition", PartialDate(record.edition), how is not None, how
    period = getattr(record, "period", None)
    if period is not None:
        for side in (period.start, period.end):
            yield "period", side, period.derived, period.derivation
    plain_dates = ("baseline", "date", "published", "made", "latest_year", "previous_year")
    for name in plain_dates:
        value = getattr(record, name, None)
        if value is not None and not isinstance(record, si.Source):
            date = PartialDate(value) if isinstance(value, int) else value
            yield name, date, False, None


@needs_article
def test_dates_the_article_does_not_print_say_how_they_were_derived(
    article: dict[tuple[str, int], Paragraph],
) -> None:
    """A date is printed in its span's sentence (or timeline label), else says how it was made."""
    problems = []
    for record in fact_records():
        paragraph = article[(record.locator.section.value, record.locator.paragraph)]
        sentence = _sentence_of(paragraph, record.evidence) or ""
        entry = None
        label = re.match(r"\u2022\s(\w+) (\d+) \u2014", paragraph.text)
        if label:
            entry = PartialDate(2020, list(calendar.month_name).index(label[1]), int(label[2]))
        for name, date, derived, how in derived_dates(record):
            printed = _printed(date, sentence, None if name == "edition" else entry)
            if printed == derived or (derived and not how):
                problems.append(f"{record.id}.{name} {date}: printed={printed}, derived={derived}")
    assert [] == problems
    gii = si.load().lookup("gii-2020-shanghai")
    assert isinstance(gii, RankingPosition)
    assert gii.edition_derivation


@needs_article
def test_no_copied_description_in_the_curated_layer() -> None:
    """Names aside, what we wrote (descriptions, claims, summaries) holds no 9-word copy."""
    article_grams = _ngrams(ARTICLE.read_text(encoding="utf-8"))
    ours = (
        "description",
        "claim",
        "summary",
        "title",
        "measure",
        "goal",
        "caption",
        "honour",
        "achievement",
        "statement",
        "explanation",
        "likely",
        "as_of_derivation",
        "edition_derivation",
        "role",
    )
    copied = [
        f"{r.id}.{name}"
        for r in si.load().records()
        if not isinstance(r, si.Source)
        for name in ours
        if isinstance(getattr(r, name, None), str) and _ngrams(getattr(r, name)) & article_grams
    ]
    assert [] == copied


def test_belt_and_road_labs_assert_no_period() -> None:
    """The 22 joint labs carry no period: the article ties them to no time of their own."""
    labs = si.load().lookup("belt-and-road-joint-labs")
    assert isinstance(labs, Metric)
    assert (None, None) == (labs.period, labs.as_of)


def test_statements_hold_the_qualitative_claims() -> None:
    """The issue's two missing facts are statements: visa and residence policies, online permits."""
    ds = si.load()
    located = {(s.id, str(s.locator)) for s in ds.statements}
    assert {
        ("visa-and-residence-policies", "shine-2020-12-31#foreigners-in-the-city/2"),
        ("online-work-permits-2020", "shine-2020-12-31#foreigners-in-the-city/3"),
        ("work-permits-without-paper", "shine-2020-12-31#foreigners-in-the-city/3"),
    } <= located
    attributed = {s.id: s.attributed_to for s in ds.statements if s.attributed_to is not None}
    assert {"science-pursuits-strengthened": "zhang-quan"} == attributed


# --- The new fields and table reach every export and the docs -----------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data exported in every format."""
    from shanghai_innovation._release.export import export_release  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("release") / "release"
    export_release(folder)
    return folder


NEW_COLUMNS = {
    "metrics": ("evidence", "as_of_derivation"),
    "rankings": ("evidence", "edition_derivation"),
    "events": ("evidence",),
    "streaks": ("evidence",),
    "pledges": ("evidence",),
    "firsts": ("evidence",),
    "photos": ("evidence",),
    "statements": ("evidence", "claim", "attributed_to", "period_start"),
    "entities": ("name_zh_hans", "name_zh_hans_reference"),
    "errata": ("confidence",),
}


def test_new_columns_are_in_csv_parquet_json_and_the_datapackage(release: Path) -> None:
    """Evidence, derivations, Chinese names, statements: in every file the release writes."""
    import csv  # noqa: PLC0415
    import json  # noqa: PLC0415

    pq = pytest.importorskip("pyarrow.parquet")
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        r["name"]: {f["name"] for f in r["schema"]["fields"]}
        for r in package["resources"]
        if "schema" in r and r["name"].endswith("-csv")
    }
    document = json.loads((release / "shanghai-innovation.json").read_text(encoding="utf-8"))
    for table, columns in NEW_COLUMNS.items():
        with (release / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        parquet = pq.read_schema(release / f"{table}.parquet").names
        row = document["tables"][table][0]
        for column in columns:
            assert column in header, (table, column)
            assert column in parquet, (table, column)
            assert column in fields[f"{table}-csv"], (table, column)
            assert column.split("_start")[0] in row, (table, column)
    assert 13 == len(document["tables"]["statements"])


def test_the_data_dictionary_documents_the_new_columns() -> None:
    """The docs data dictionary, built from the same specs, lists the new table and columns."""
    import importlib.util  # noqa: PLC0415

    path = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "si_docs.py"
    spec = importlib.util.spec_from_file_location("si_docs_for_test", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.dictionary_rst()
    for table, columns in NEW_COLUMNS.items():
        assert table in text
        for column in columns:
            assert f"``{column}``" in text, (table, column)
