"""Search: the newcomer's query set, the folding laws, the score table and the arguments."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation._records import RECORD_TYPES
from shanghai_innovation._search import (
    ABBREVIATIONS,
    MIN_SCORE,
    SPELLINGS,
    STOP_WORDS,
    fold,
    name_fields,
    name_key,
    searched_fields,
)
from shanghai_innovation.testing import datasets

from ._oracles import NAMES, SEARCHED, plain_words, records_holding, texts
from ._tiny import INFO, LOC, SOURCE


def entity(id: str, name: str, *aliases: str, description: str | None = None) -> si.Entity:
    """A place with a name, aliases and a description."""
    return si.Entity(
        id=id,
        name=name,
        kind=si.EntityKind.PLACE,
        locator=LOC,
        aliases=aliases,
        description=description,
    )


def event(id: str, title: str, summary: str = "Something happened.") -> si.Event:
    """An event whose title and summary are prose."""
    return si.Event(id=id, date=si.PartialDate(2020), title=title, summary=summary, locator=LOC)


def dataset(*records: si.Record) -> si.Dataset:
    """A small dataset of hand-made entities and events."""
    return si.Dataset(
        INFO,
        sources=(SOURCE,),
        entities=tuple(r for r in records if isinstance(r, si.Entity)),
        events=tuple(r for r in records if isinstance(r, si.Event)),
    )


def scores(ds: si.Dataset, text: str) -> list[tuple[float, str, str]]:
    """(score, id, field) of every hit, in order."""
    return [(m.score, m.record.id, m.field) for m in ds.search(text)]


# --------------------------------------------------------------------------- the query set

#: What a newcomer types, and records each query must return in its top three.
QUERIES: dict[str, set[str]] = {
    "R&D spending": {
        "rd-spending-2019",
        "rd-spending-share-of-gdp",
        "rd-spending-growth-2015-2019",
    },
    "Fosun mRNA": {"fosun-mrna-vaccine"},
    "Fosun's vaccine": {"fosun-mrna-vaccine", "fosun-vaccine-efficacy"},
    "Fosun\u2019s vaccine": {"fosun-mrna-vaccine", "fosun-vaccine-efficacy"},
    "Tree Graph": {"shanghai-tree-graph-blockchain-research-institute"},
    "IC": {"integrated-circuits", "shanghai-integrated-circuits-materials-institute"},
    "research and development": {"rd-spending-2019"},
    "Shanghai": {"shanghai"},
    "Nature Index": {"nature-index-science-cities", "nature-index-2020-shanghai"},
    "AI": {"artificial-intelligence"},
    "GDP": {"rd-spending-share-of-gdp"},
    "COVID vaccines": {"covid-vaccines-in-development", "fosun-mrna-vaccine"},
    "coronavirus test": {"covid-detection-reagents"},
    "Zhang Wenhong": {"zhang-wenhong", "photo-zhang-wenhong-science-festival"},
    "ZHĀNGJIĀNG": {"zhangjiang-boston-enterprise-park"},
    "icebreaker": {"first-domestic-icebreaker", "xuelong-2"},
    "cloned monkeys": {"first-cloned-monkey", "first-gene-edited-cloned-monkeys"},
    "Alzheimer's drug": {"first-algae-based-alzheimers-drug"},
    "STAR Market": {"star-market", "photo-star-market-launch"},
    "science festival": {"shanghai-science-festival", "2020-08-23-science-festival"},
    "WIPO": {"wipo"},
    "GII": {"global-innovation-index"},
    "approved drugs": {"approved-drugs"},
    "hi-tech companies": {"advanced-technology-companies"},
    "S&T commission": {"stcsm"},
    "Nobel laureates": {"world-laureates-forum-2020-nobel-laureates"},
    "YRD": {"yangtze-river-delta", "yrd-national-technology-innovation-center"},
    "medical devices": {"registered-medical-devices"},
    "five-year plan": {"five-year-plan"},
    "BNT162b2": {"fosun-mrna-vaccine"},
    "vaccine efficacy": {"fosun-vaccine-efficacy"},
    "joint labs": {"belt-and-road-joint-labs"},
    "favorite city": {"favourite-city-of-foreigners"},
    "districts": {"service-window-districts"},
    "Pujiang forum": {"pujiang-innovation-forum", "2020-10-22-pujiang-forum"},
    "Xuelong 2": {"xuelong-2"},
}


@pytest.mark.parametrize("query", QUERIES)
def test_query_set_finds_its_records_in_the_top_three(query: str) -> None:
    """Each query of the newcomer's set returns its records among its first three hits."""
    top = {m.record.id for m in si.search(query, limit=3)}
    assert set() == QUERIES[query] - top


def test_ic_is_no_longer_a_substring_of_everything() -> None:
    """'IC' finds the integrated-circuit records only, not every word holding 'ic'.

    Names first; then the two claims whose evidence names the industry and the
    reference page for the industries' Chinese names, all as whole words.
    """
    assert [
        (2.0, "integrated-circuits", "name"),
        (1.5, "shanghai-integrated-circuits-materials-institute", "name"),
        (0.75, "core-industries-results", "evidence"),
        (0.75, "core-industries-results-standfirst", "evidence"),
        (0.75, "ref-web-industries", "statement"),
    ] == scores(si.load(), "IC")


def test_an_abbreviation_and_its_words_find_the_same_best_records() -> None:
    """R&D and research and development, AI and artificial intelligence: same best hits."""
    for short, words in (("R&D", "research and development"), ("AI", "artificial intelligence")):
        best = si.search(short)[0].score
        assert [m for m in si.search(short) if m.score == best] == [
            m for m in si.search(words) if m.score == best
        ]


def test_an_exact_name_scores_two_and_comes_first() -> None:
    """Every entity's exact name scores 2 (or more) and the entity is first among equals."""
    ds = si.load()
    for one in ds.entities:
        matches = ds.search(one.name)
        best = matches[0].score
        assert best >= 2.0
        assert one in [m.record for m in matches if m.score == best]


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("fosun's vaccine", "Fosun\u2019s mRNA vaccine"),  # straight and curly apostrophes
        ("FOSUN\u2018S VACCINE", "Fosun's mRNA vaccine"),
        ("tree graph", "Tree-Graph institute"),  # hyphens
        ("treegraph", "Tree-Graph institute"),  # the joined compound
        ("zhangjiang", "Zhāngjiāng park"),  # accents
        ("science, technology!", "science and technology"),  # punctuation, stop words
        ("companies", "one company"),  # plurals
        ("centres", "the center"),  # spellings
        ("16,000 firms", "16000 firms"),  # thousands separators
        ("research and development", "our R&D"),  # abbreviations, both ways
        ("R&D", "research and development"),
    ],
)
def test_folding_finds_what_is_written_differently(typed: str, stored: str) -> None:
    """A query finds a title written with other case, accents, apostrophes, hyphens, forms."""
    ds = dataset(event("e", stored))
    assert ["e"] == [m.record.id for m in ds.search(typed)]


def test_fold_drops_accents_and_case_and_unifies_apostrophes() -> None:
    """fold() is NFKD without marks, case folded, one apostrophe, single spaces."""
    assert "zhangjiang hi-tech fosun's fosun's" == fold(
        "  Zhāngjiāng\tHI-TECH  Fosun\u2019s Fosun\u02bcs "
    )


@pytest.mark.parametrize("apostrophe", ["\u2018", "\u2019", "\u02bc", "\u2032", "`", "\u00b4"])
def test_every_apostrophe_folds_to_one_in_plain_text_too(apostrophe: str) -> None:
    """Each apostrophe folds to one: the backtick (ASCII) and the acute (NFKD splits it) too."""
    assert ("fosun's centre", "fosun centre") == (
        fold(f"Fosun{apostrophe}s  CENTRE"),
        name_key(f"Fosun{apostrophe}s centre"),
    )


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("flies", "fly"),  # five letters ending -ies: the y comes back
        ("ties", "tie"),  # four: only the s goes
        ("tops", "top"),  # four letters ending -s: the s goes
        ("gas", "gas"),  # three: kept
        ("class", "class"),  # -ss, -us, -is: kept
        ("campus", "campus"),
        ("analysis", "analysis"),
    ],
)
def test_plurals_are_read_singular_from_four_letters_on(word: str, stem: str) -> None:
    """A plural -s goes from four letters on, -ies becomes -y from five; -ss, -us, -is stay."""
    assert stem == name_key(word)


@given(st.text(max_size=30))
@example("Fosun\u2019s")
@example("ǅ")
def test_name_key_is_idempotent_and_ignores_case(text: str) -> None:
    """Reading a name key again changes nothing, and upper case reads the same."""
    key = name_key(text)
    assert key == name_key(key)
    assert name_key(text.upper()) == name_key(text.lower()) or not text.isascii()


def test_every_abbreviation_reads_as_its_words() -> None:
    """Each entry of the table has the same name key as the words it stands for."""
    for short, words in ABBREVIATIONS.items():
        assert name_key(words) == name_key(short), short
    for american, british in SPELLINGS.items():
        assert name_key(british) == name_key(american)


def test_stop_words_alone_find_nothing() -> None:
    """A query of stop words only finds no record (and raises nothing)."""
    assert () == si.search("the and of")
    assert {"the", "and", "of"} <= STOP_WORDS


# --------------------------------------------------------------------------- Chinese


def test_chinese_names_match_by_substring() -> None:
    """CJK text has no spaces: a query matches inside a Chinese name, whole-word credit."""
    ds = dataset(
        entity("stc", "Science Commission", "上海市科学技术委员会"),
        entity("sh", "Shanghai", "上海"),
        event("other", "科学 in prose"),
    )
    assert [
        (1.0, "stc", "aliases"),
        (0.5, "other", "title"),
    ] == scores(ds, "科学")
    assert [(2.0, "sh", "aliases"), (1.0, "stc", "aliases")] == scores(ds, "上海")
    assert ds.lookup("上海") is ds.entities[1]
    assert [(1.0, "stc", "aliases"), (0.5, "sh", "aliases")] == scores(ds, "上海 委员会")


def test_full_width_forms_fold_to_their_plain_letters() -> None:
    """NFKD folds full-width Latin letters (as Chinese text writes them) to plain ones."""
    assert si.search("\uff21\uff29") == si.search("AI")


# --------------------------------------------------------------------------- the score table


def test_score_table_whole_start_inside_names_and_prose() -> None:
    """Whole word 1 / start 0.5 / inside 0.25 in a name, half that in prose; tiny hits dropped."""
    ds = dataset(
        entity("name-whole", "Lingang hub"),
        entity("name-start", "Lingangxin hub"),
        entity("name-inside", "Xinlingang hub"),
        event("prose-whole", "A title", "Seen at Lingang."),
        event("prose-start", "A title", "Seen at Lingangxin."),
        event("prose-inside", "A title", "Seen at Xinlingang."),
    )
    assert [
        (1.0, "name-whole", "name"),
        (0.5, "name-start", "name"),
        (0.5, "prose-whole", "summary"),
        (0.25, "name-inside", "name"),
        (0.25, "prose-start", "summary"),
    ] == scores(ds, "lingang")
    assert MIN_SCORE == 0.25


def test_score_bonus_for_an_exact_name_and_for_words_in_order() -> None:
    """An exact name adds 1, the query's words in order in a name 0.5, in prose 0.25."""
    ds = dataset(
        entity("exact", "Pudong Lingang"),
        entity("in-order", "Pudong new Lingang area"),
        entity("reversed", "Lingang and Pudong"),
        event("prose", "A title", "Pudong then Lingang."),
    )
    assert [
        (2.0, "exact", "name"),
        (1.5, "in-order", "name"),
        (1.0, "reversed", "name"),
        (0.75, "prose", "summary"),
    ] == scores(ds, "pudong lingang")


def test_score_averages_over_the_query_words() -> None:
    """Words found in only some fields share the credit; short words never match inside one."""
    ds = dataset(entity("half", "Lingang hub"), event("one-third", "Pudong", "Nothing else."))
    assert [(0.667, "half", "name")] == scores(ds, "lingang hub pudong")  # 0.167 dropped
    assert [] == scores(ds, "ng")  # two letters: whole words only
    assert [] == scores(ds, "ing")  # three letters: the start of a word at most


def test_three_letters_match_the_start_of_a_word_and_four_the_inside() -> None:
    """'lin' starts Lingang (0.5), 'li' does not; 'gang' is inside it (0.25), 'ang' is not."""
    ds = dataset(entity("lingang", "Lingang hub"))
    assert ([(0.5, "lingang", "name")], []) == (scores(ds, "lin"), scores(ds, "li"))
    assert ([(0.25, "lingang", "name")], []) == (scores(ds, "gang"), scores(ds, "ang"))


def test_the_id_is_a_name_shown_after_the_record_s_own_names() -> None:
    """An id matches as a name; on a tie the name field is reported."""
    ds = dataset(entity("lingang", "Lingang"), event("lingang-plan", "A title"))
    assert [(2.0, "lingang", "name"), (1.0, "lingang-plan", "id")] == scores(ds, "Lingang")


def test_ties_go_by_table_order_then_id() -> None:
    """Equal scores list entities before events, and ids alphabetically within a table."""
    ds = dataset(event("b", "Lingang"), event("a", "Lingang"), entity("z", "Lingang"))
    assert ["z", "a", "b"] == [m.record.id for m in ds.search("lingang")]


def test_search_reads_the_text_fields_and_not_ids_urls_or_codes() -> None:
    """searched_fields and name_fields of each table are the ones written out in _oracles."""
    assert SEARCHED == {cls.table: searched_fields(cls) for cls in RECORD_TYPES}
    expected_names = {cls.table: NAMES.get(cls.table, ()) for cls in RECORD_TYPES}
    assert expected_names == {cls.table: name_fields(cls) for cls in RECORD_TYPES}


@given(datasets(), st.data())
def test_every_hit_holds_a_query_word(ds: si.Dataset, data: st.DataObject) -> None:
    """For generated data and a plain word drawn from it, no record holding it is missed."""
    words = [
        w
        for r in ds.records()
        for n in SEARCHED[r.table]
        for text in texts(r, n)
        for w in plain_words(text)
    ]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    hits = {m.record.id for m in ds.search(word)}
    assert records_holding(ds, word) <= hits


# --------------------------------------------------------------------------- arguments


def test_search_refuses_what_is_no_text_and_a_bad_limit() -> None:
    """search(None), search(limit="3"), limit=-1 and blank text each name the argument."""
    ds = si.load()
    with pytest.raises(TypeError, match=r"^text must be text \(str\), got NoneType$"):
        ds.search(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^limit must be a whole number \(int\) or None, got str$"):
        ds.search("shanghai", limit="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="limit must be"):
        ds.search("shanghai", limit=True)
    with pytest.raises(ValueError, match=r"^limit must be 0 or more, got -1$"):
        ds.search("shanghai", limit=-1)
    with pytest.raises(ValueError, match=r"^search text is empty$"):
        ds.search("   ")


def test_search_limit_keeps_the_best() -> None:
    """limit= keeps the first matches of the full order; 0 keeps none."""
    ds = si.load()
    assert (ds.search("shanghai")[:3], ()) == (
        ds.search("shanghai", limit=3),
        ds.search("shanghai", limit=0),
    )


def test_a_match_prints_as_its_score_and_the_record_line() -> None:
    """print(match) is one line, the score then the record's own line; repr stays the full form."""
    match = si.search("C919")[0]
    assert f"{match.score:.2f} {match.record}" == str(match)
    assert "1.00 Reference ref-c919: COMAC's C919 narrow-body airliner" in str(match)
    assert 1 == len(str(match).splitlines())
    assert repr(match).startswith("Match(score=1.0, record=Reference(id='ref-c919'")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("16,000 firms", "16000 firm"),  # thousands separators dropped
        ("1,234.5 yuan", "1,234.5 yuan"),  # with a decimal point: kept as written
        ("1.5 trillion", "1.5 trillion"),
    ],
)
def test_a_number_reads_without_its_thousands_separators(text: str, key: str) -> None:
    """16,000 reads as 16000; a number with a decimal point keeps its commas."""
    assert key == name_key(text)


def test_an_abbreviation_inside_a_compound_stands_for_its_words() -> None:
    """'AI-driven' finds 'artificial intelligence driven' as whole words, like the text itself."""
    ds = dataset(event("e", "Artificial intelligence driven growth"))
    assert scores(ds, "artificial intelligence driven") == scores(ds, "AI-driven")


def test_an_abbreviation_finds_its_words_side_by_side_only() -> None:
    """'CAS' finds 'Chinese Academy of Sciences', not the same words in another order."""
    ds = dataset(
        event("words", "Chinese Academy of Sciences report"),
        event("scattered", "Chinese science academy report"),
    )
    assert ["words"] == [m.record.id for m in ds.search("CAS")]
    two = dataset(
        event("words", "Artificial intelligence lab"),
        event("scattered", "Intelligence of artificial reefs"),
    )
    assert ["words"] == [m.record.id for m in two.search("AI")]  # two words, side by side too


def test_an_abbreviation_in_a_compound_skips_its_stop_words() -> None:
    """'CAS-led' reads 'Chinese Academy of Sciences led', the 'of' ignored as in the text."""
    ds = dataset(event("e", "Chinese Academy of Sciences led study"))
    assert scores(ds, "Chinese Academy of Sciences led") == scores(ds, "CAS-led")


def test_every_value_of_a_prose_field_is_searched() -> None:
    """A word only in a quote's second passage finds the quote, naming that passage's field."""
    found = {(m.record.id, m.field) for m in si.search("synchrotron radiation")}
    assert ("zhang-quan-institutions-facilities-scientists", "passages") in found


def test_a_record_going_by_one_name_twice_is_one_holder_of_it() -> None:
    """An alias reading as the name itself: lookup("lingang") is that one record."""
    place = entity("lingang-area", "Lingang", "LINGANG", "Lin-gang")
    ds = dataset(place, entity("pudong", "Pudong"))
    assert (place, place) == (ds.lookup("Lingang"), ds.lookup("lin gang"))


def test_suggestions_come_from_names_and_ids_not_prose() -> None:
    """A near miss of a title suggests nothing; a near miss of a name suggests the name."""
    ds = dataset(entity("lingang-area", "Lingang"), event("e", "Pudong growth"))
    assert ((), ("Lingang", "lingang-area")) == (
        _suggested(ds, "Pudong growt"),
        _suggested(ds, "Lingan"),
    )


def _suggested(ds: si.Dataset, text: str) -> tuple[str, ...]:
    with pytest.raises(si.RecordNotFoundError) as info:
        ds.lookup(text)
    return info.value.suggestions


def test_the_field_reported_is_the_one_matching_most_then_with_the_bonus() -> None:
    """The field shown holds more query words, or the same with the words in order."""
    more = dataset(entity("lingang-area", "Hub of Lingang", "Lingang"))
    assert [(1.0, "lingang-area", "name")] == scores(more, "lingang hub")
    assert "Hub of Lingang" == more.search("lingang hub")[0].text
    ordered = dataset(entity("area", "Pudong and Lingang area", "Lingang, Pudong"))
    assert ("name", "Pudong and Lingang area") == (
        ordered.search("pudong lingang")[0].field,
        ordered.search("pudong lingang")[0].text,
    )
    # Prose saying the query exactly (0.5 + 0.5) beats a name with one word only begun (0.75).
    exact = dataset(entity("area", "Lingang Hubei", description="Lingang hub"))
    assert ("description", "Lingang hub") == (
        exact.search("lingang hub")[0].field,
        exact.search("lingang hub")[0].text,
    )


def test_a_word_inside_every_word_of_a_record_still_finds_it() -> None:
    """'gang' inside Xingang, the record's only word (name and id alike), finds it."""
    ds = dataset(entity("xingang", "Xingang"))
    assert [(0.25, "xingang", "name")] == scores(ds, "gang")


def test_a_near_miss_suggests_the_likest_word_first_and_a_name_written_apart() -> None:
    """'Pudongxy' is likest 'Pudongxyz' (0.94), then 'Pudong' (0.86); 'lin gang' finds Lingang."""
    ds = dataset(entity("pudong", "Pudong"), entity("pudongxyz", "Pudongxyz"))
    with pytest.raises(si.RecordNotFoundError) as info:
        ds.lookup("Pudongxy")
    assert ("Pudongxyz", "Pudong") == info.value.suggestions[:2]
    name = "Lingang Special Area of the Free Trade Zone"
    far = dataset(entity("lingang-special-area-ftz", name), entity("pudong", "Pudong"))
    with pytest.raises(si.RecordNotFoundError) as info:
        far.lookup("lin gang")
    assert ("lingang-special-area-ftz", name) == info.value.suggestions[:2]


def test_a_three_letter_typo_is_a_word_to_compare_and_two_letters_are_not() -> None:
    """'gig' (3 letters) suggests 'Tesla Giga' through its word 'giga'; 'gi' suggests nothing."""
    ds = dataset(entity("tesla-giga", "Tesla Giga"), entity("pudong", "Pudong"))
    with pytest.raises(si.RecordNotFoundError) as info:
        ds.lookup("gig")
    assert ("Tesla Giga", "tesla-giga") == info.value.suggestions
    with pytest.raises(si.RecordNotFoundError) as info:
        ds.lookup("gi")
    assert () == info.value.suggestions
