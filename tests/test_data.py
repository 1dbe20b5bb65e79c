"""The curated data: counts, pinned records, locators and coverage checked against the article."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

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
    Streak,
)
from shanghai_innovation._audit import RULES

from ._article import Paragraph, index, paragraphs
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
        "references": 44,
        "errata": 6,
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
    """The five places figures.md names, plus the efficacy note, with the rules they answer."""
    expected = [
        (
            "rd-spending-2019",
            "quantity",
            "wrong",
            ("share-of-gdp", "national-total", "growth-vs-baseline"),
        ),
        ("service-window-districts", "quantity", "conflict", ("count-vs-reference",)),
        ("nature-index-2020-shanghai", "previous_rank", "unverified", ("unverified-reference",)),
        ("gii-2020-shanghai", "rank", "unverified", ("unverified-reference",)),
        ("hard-x-day-device", "name", "garbled", ("textual-fault",)),
        ("fosun-vaccine-efficacy", "quantity", "conflict", ()),
    ]
    errata = si.load().errata
    assert expected == [(e.record, e.field_name, e.kind.value, e.rules) for e in errata]
    assert all(isinstance(e, Erratum) and e.references for e in errata)
    assert "about 152.5 billion yuan" == errata[0].likely


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
    """No line of our files copies 9+ consecutive article words, except the quoted passages."""
    article_grams = _ngrams(ARTICLE.read_text(encoding="utf-8"))
    copied = []
    in_passages = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if path.name == "quotes.toml" and line.startswith("passages = ["):
            in_passages = True
        if _ngrams(line) & article_grams and not in_passages:
            copied.append(f"{path.name}:{number}")
        if in_passages and line.strip() == "]":
            in_passages = False
    assert [] == copied


@needs_figures
def test_every_reference_figure_has_a_record() -> None:
    """Each row of figures.md has a reference record named after it, and no record is stray."""
    ids = re.findall(r"^\| ([a-z0-9-]+) \|", FIGURES.read_text(encoding="utf-8"), re.MULTILINE)
    figures = {i for i in ids if i != "id"}
    refs = {r.id for r in si.load().references}

    def named_after(ref: str, figure: str) -> bool:
        return ref == f"ref-{figure}" or ref.startswith(f"ref-{figure}-")

    assert set() == {f for f in figures if not any(named_after(r, f) for r in refs)}
    assert set() == {r for r in refs if not any(named_after(r, f) for f in figures)}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("advanced-technology-companies-standfirst", "advanced-technology-companies"),
        ("core-industries-standfirst", "core-industries"),
        ("favourite-city-of-foreigners", "favourite-city-of-foreigners-highlight"),
    ],
)
def test_repeated_mentions_differ_only_by_id_and_locator(
    records: dict[str, Record], first: str, second: str
) -> None:
    """A fact the article states twice is two records, equal but for id and locator."""
    a, b = records[first], records[second]
    assert attrs.evolve(a, id=b.id, locator=b.locator) == b  # type: ignore[misc]
    assert a.locator != b.locator  # type: ignore[attr-defined]
