"""Search and names: words matched in any order, names ranked above prose.

Nothing here is built at import or on the first lookup: a
:class:`SearchIndex` is made from the records on the first search (or the
first name looked up) and kept by the dataset's index.

**Folding.** Query and text are read the same way:

1. NFKD, combining marks dropped (accents), case folded; curly and straight
   apostrophes are one, a possessive ``'s`` is dropped and other apostrophes
   vanish ("Fosun's", with either apostrophe, reads ``fosun``; "don't" ``dont``);
2. the text splits into words at spaces, punctuation and hyphens
   ("Tree-Graph" is ``tree graph``; the joined ``treegraph`` matches too), a
   number keeps its decimal point (``1.5``) and drops its thousands
   separators (``16,000`` is ``16000``), and each run of CJK characters is a
   word of its own (CJK text has no spaces: a CJK query word matches
   wherever it appears inside the folded text);
3. an abbreviation of :data:`ABBREVIATIONS` becomes the words it stands for
   ("R&D" is ``research development``), in the text as in the query;
4. :data:`STOP_WORDS` are dropped, a plural reads as its singular (``-ies``
   as ``-y``, a final ``-s`` dropped, but not ``-ss``, ``-us``, ``-is``), and
   an American spelling of :data:`SPELLINGS` as the British one.

**Scoring.** Each word of the query (an abbreviation counts as one word,
matched as the phrase it stands for) earns credit from the field of the
record where it matches best:

=======================  =========  ============
the query word ...       in a name  in the prose
=======================  =========  ============
is a whole word there    1          0.5
starts a word (3+ chars) 0.5        0.25
is inside a word (4+)    0.25       0.125
=======================  =========  ============

A *name* is the record's id or a field marked ``search="name"`` (an
entity's name and aliases, and any other names a record type declares);
every other free-text field is prose. The score is the average credit of
the query's words, plus the largest bonus a field earns: 1 when a name
says exactly the query (0.5 for prose), else 0.5 when a name holds all the
query's words in the query's order, other words between them allowed (0.25
for prose; queries of two words or more). So an exact name scores 2, a name
holding the query's words in order 1.5, every word found whole in names 1.
A hit scoring under :data:`MIN_SCORE` is noise and is dropped: a word found
only inside a longer word of prose, or a long query of which a single word
matches in prose.
"""

from __future__ import annotations

import functools
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Final, NamedTuple

import attrs

from ._records import Record

__all__ = [
    "ABBREVIATIONS",
    "MIN_SCORE",
    "SPELLINGS",
    "STOP_WORDS",
    "Match",
    "SearchIndex",
    "fold",
    "name_fields",
    "name_key",
    "searched_fields",
    "words",
]

#: Abbreviations of the domain and the words they stand for (read-only).
#: Either form finds the other, in queries and in the records' text alike.
ABBREVIATIONS: Final[Mapping[str, str]] = types.MappingProxyType(
    {
        "ai": "artificial intelligence",
        "biotech": "biotechnology",
        "cas": "Chinese Academy of Sciences",
        "covid": "coronavirus",
        "covid-19": "coronavirus",
        "covid19": "coronavirus",
        "gdp": "gross domestic product",
        "hi-tech": "high technology",
        "high-tech": "high technology",
        "ic": "integrated circuit",
        "ics": "integrated circuits",
        "lab": "laboratory",
        "labs": "laboratories",
        "nbs": "National Bureau of Statistics",
        "prc": "China",
        "r&d": "research and development",
        "rd": "research and development",
        "s&t": "science and technology",
        "sci-tech": "science and technology",
        "tech": "technology",
        "yrd": "Yangtze River Delta",
    }
)

#: American spellings read as the British ones the data mostly uses (and
#: the other way round: both sides are read the same).
SPELLINGS: Final[Mapping[str, str]] = types.MappingProxyType(
    {
        "behavior": "behaviour",
        "center": "centre",
        "color": "colour",
        "defense": "defence",
        "favorite": "favourite",
        "honor": "honour",
        "labor": "labour",
        "organization": "organisation",
        "program": "programme",
    }
)

#: Words too common to search for; dropped from queries and texts alike.
STOP_WORDS: Final = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it"}
    | {"its", "of", "on", "or", "the", "to", "was", "were", "with"}
)

#: Hits scoring under this are dropped as noise (see the module docs).
MIN_SCORE: Final = 0.25

#: Credit for a word matched whole, at the start of a word, inside a word.
_WHOLE, _START, _INSIDE = 1.0, 0.5, 0.25
#: The shortest query word that may match at the start of a word, and inside one.
_MIN_START, _MIN_INSIDE = 3, 4
#: Weight of a name field and of prose.
_NAME, _PROSE = 1.0, 0.5
#: Bonus for a field that says exactly the query, and for one holding its words in order.
_EXACT, _IN_ORDER = 1.0, 0.5

_APOSTROPHES: Final = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u2032\u0060\u00b4", "'"))
_CJK: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_RUN: Final = re.compile(f"([{_CJK}]+)")
_IS_CJK: Final = re.compile(f"[{_CJK}]")
_POSSESSIVE: Final = re.compile(r"(?<=[^\W_])'s\b")
# A number with its decimal point or thousands separators, or a word, or
# words joined by hyphens or ampersands (looked up whole, then split).
_TOKEN: Final = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:[-&][^\W_]+)*")
_JOINERS: Final = re.compile(r"[-&]")


def fold(text: str) -> str:
    """Text folded for matching: no accents (NFKD), case folded, one apostrophe, spaces collapsed.

    >>> fold("  Zhāngjiāng   HI-TECH Fosun\u2019s ")
    "zhangjiang hi-tech fosun's"
    >>> fold(" Hi-Tech   PARK  ")
    'hi-tech park'
    """
    if text.isascii() and "`" not in text:  # nothing to decompose, no other apostrophe
        return " ".join(text.casefold().split())
    # Apostrophes first: NFKD would split the acute accent (U+00B4) into a space and a mark.
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return SPELLINGS.get(word, word)


#: One word of folded text: as written (for matches at the start of or
#: inside a word), and its singular form (compared whole).
_Word = tuple[str, str]


def _tokens(folded: str) -> Iterator[tuple[str, bool]]:
    """``(token, is_cjk)`` pairs of folded text; compounds still joined."""
    text = _POSSESSIVE.sub("", folded).replace("'", "")
    for part in _CJK_RUN.split(text):
        if not part:
            continue
        if _IS_CJK.match(part):
            yield part, True
            continue
        for match in _TOKEN.finditer(part):
            token = match[0]
            if token[0].isdigit() and "," in token and "." not in token:
                token = token.replace(",", "")  # 16,000 is 16000
            yield token, False


def _expand(token: str) -> list[str] | None:
    expansion = ABBREVIATIONS.get(token)
    return None if expansion is None else fold(expansion).split()


def words(text: str) -> tuple[tuple[_Word, ...], frozenset[str]]:
    """The words of a text (abbreviations expanded, stop words kept), and its joined compounds.

    Each abbreviation becomes the words it stands for; a compound
    ("tree-graph", "r&d") not in the table splits into its parts, and the
    parts joined (``treegraph``) are returned beside, for whole-word matches.
    """
    return _words(fold(text))


def _words(folded: str) -> tuple[tuple[_Word, ...], frozenset[str]]:
    found: list[_Word] = []
    joined: set[str] = set()
    for token, cjk in _tokens(folded):
        if cjk:
            found.append((token, token))
            continue
        expansion = _expand(token)
        if expansion is None and _JOINERS.search(token):
            parts = [p for p in _JOINERS.split(token) if p]
            joined.add(_stem("".join(parts)))
            pieces: list[str] = []
            for part in parts:
                pieces += _expand(part) or [part]
        else:
            pieces = expansion or [token]
        found += [(p, _stem(p)) for p in pieces]
    return tuple(found), frozenset(joined)


def name_key(text: str) -> str:
    """What two names must share to be the same name: the same words, read as search reads them.

    Case, accents, apostrophes, hyphens and punctuation are ignored,
    abbreviations expanded, plurals made singular and stop words dropped.

    >>> name_key("Fosun\u2019s mRNA Vaccines") == name_key("fosun's mrna vaccine")
    True
    >>> name_key("IC"), name_key("Tree-Graph"), name_key("Belt and Road")
    ('integrated circuit', 'tree graph', 'belt road')
    """
    return " ".join(_read(text).stems)


_SEARCHED: Final[dict[type[Record], tuple[tuple[str, bool], ...]]] = {}
_NOT_SEARCHED: Final = frozenset({"id", "url", "language", "field_name"})


def _searched(cls: type[Record]) -> tuple[tuple[str, bool], ...]:
    cached = _SEARCHED.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    found = []
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if field.name in _NOT_SEARCHED or field.metadata.get("references"):
            continue
        if hints[field.name] in (str, str | None, tuple[str, ...]):
            found.append((field.name, field.metadata.get("search") == "name"))
    _SEARCHED[cls] = tuple(found)
    return _SEARCHED[cls]


def searched_fields(cls: type[Record]) -> tuple[str, ...]:
    """The free-text fields search reads: every text field but ids of other records, urls and codes.

    Names, aliases, titles, summaries, measures, descriptions, goals,
    captions, quoted words, explanations, ... The record's own id is read too.
    """
    return tuple(name for name, _ in _searched(cls))


def name_fields(cls: type[Record]) -> tuple[str, ...]:
    """The fields holding names a record goes by (metadata ``search="name"``)."""
    return tuple(name for name, is_name in _searched(cls) if is_name)


def _values(record: Record, field: str) -> Iterator[str]:
    value = getattr(record, field)
    for text in value if isinstance(value, tuple) else (value,):
        if text is not None:
            yield text


class _Reading(NamedTuple):
    """A text as search reads it: folded, and its words three ways."""

    folded: str
    #: The stems of the content words, in order (stop words dropped).
    stems: tuple[str, ...]
    #: Every stem and joined compound, for whole-word matches.
    whole: frozenset[str]
    #: Every word as written, for matches at the start of or inside a word.
    raw: tuple[str, ...]


def _read(text: str) -> _Reading:
    folded = fold(text)
    found, joined = _words(folded)
    stems = tuple(stem for raw, stem in found if raw not in STOP_WORDS)
    return _Reading(
        folded=folded,
        stems=stems,
        whole=frozenset(stems) | joined,
        raw=tuple(dict.fromkeys([*(raw for raw, _ in found), *joined])),
    )


class _Field(NamedTuple):
    """One searched text of a record: the field's name, the text, its weight and reading."""

    name: str
    text: str
    weight: float
    reading: _Reading

    @property
    def folded(self) -> str:
        return self.reading.folded

    @property
    def stems(self) -> tuple[str, ...]:
        return self.reading.stems

    @property
    def whole(self) -> frozenset[str]:
        return self.reading.whole

    @property
    def raw(self) -> tuple[str, ...]:
        return self.reading.raw


@attrs.frozen
class _Term:
    """One word of a query, or the phrase an abbreviation stands for."""

    #: The stems to find side by side (one for a plain word).
    stems: tuple[str, ...]
    #: The word as typed (folded), for matches at the start of or inside a word.
    raw: str
    cjk: bool = False


def _terms(text: str) -> list[_Term]:
    """The words of a query, each abbreviation one term standing for its phrase."""
    terms: list[_Term] = []
    for token, cjk in _tokens(fold(text)):
        if cjk:
            terms.append(_Term((token,), token, cjk=True))
            continue
        expansion = _expand(token)
        if expansion is not None:
            stems = tuple(_stem(w) for w in expansion if w not in STOP_WORDS)
            terms.append(_Term(stems, token))
            continue
        for part in (p for p in _JOINERS.split(token) if p):
            sub = _expand(part)
            if sub is not None:
                terms.append(_Term(tuple(_stem(w) for w in sub if w not in STOP_WORDS), part))
            elif part not in STOP_WORDS:
                terms.append(_Term((_stem(part),), part))
    return terms


def _holds(stems: tuple[str, ...], run: tuple[str, ...]) -> bool:
    """Whether ``run`` appears in ``stems`` side by side, in order."""
    n = len(run)
    return any(stems[i : i + n] == run for i in range(len(stems) - n + 1))


def _quality(term: _Term, field: _Field) -> float:
    if term.cjk:
        return _WHOLE if term.raw in field.folded else 0.0
    if len(term.stems) > 1:
        return _WHOLE if _holds(field.stems, term.stems) else 0.0
    if term.stems[0] in field.whole:
        return _WHOLE
    raw = term.raw
    if len(raw) >= _MIN_START and any(w.startswith(raw) for w in field.raw):
        return _START
    if len(raw) >= _MIN_INSIDE and any(raw in w for w in field.raw):
        return _INSIDE
    return 0.0


@attrs.frozen
class Match:
    """One search hit: how well it matched, the record, and the field that matched best."""

    #: The score (see :func:`shanghai_innovation.search`): 1.0 when every
    #: word of the query is a whole word of a name, more with a bonus.
    score: float
    #: The record found.
    record: Record
    #: The field whose text matched best (``"name"``, ``"aliases"``, ``"measure"``, ``"id"``, ...).
    field: str
    #: That field's text, as stored.
    text: str

    def __str__(self) -> str:
        """One line: the score to two places, then the record's own line (``repr``: full form)."""
        return f"{self.score:.2f} {self.record}"


class SearchIndex:
    """Every record's searched texts, read once, with word indexes, and the names records go by.

    A query looks up the records holding its words whole in :attr:`whole`,
    scans the distinct words (:attr:`raw`) for those a query word starts or
    sits inside, and scores only the records so found.
    """

    __slots__ = ("cjk", "fields", "names", "raw", "whole")

    def __init__(self, records: Iterable[Record]) -> None:
        #: Each record with its searched fields: its names, its id, then its prose.
        self.fields: list[tuple[Record, tuple[_Field, ...]]] = []
        #: :func:`name_key` of each name to the records going by it, in order.
        self.names: dict[str, list[Record]] = {}
        #: Each stem (and joined compound) to the positions of the records holding it whole.
        self.whole: dict[str, set[int]] = {}
        #: Each word as written to the positions of the records holding it.
        self.raw: dict[str, set[int]] = {}
        #: Positions of the records holding CJK text (matched by substring).
        self.cjk: list[int] = []
        readings: dict[str, _Reading] = {}  # many records repeat a text: read each once

        def field(name: str, text: str, weight: float) -> _Field:
            reading = readings.get(text)
            if reading is None:
                reading = readings[text] = _read(text)
            return _Field(name, text, weight, reading)

        for position, record in enumerate(records):
            names: list[_Field] = []
            prose: list[_Field] = []
            for name, is_name in _searched(type(record)):
                for text in _values(record, name):
                    if not is_name:
                        prose.append(field(name, text, _PROSE))
                        continue
                    names.append(field(name, text, _NAME))
                    key = " ".join(names[-1].reading.stems)
                    holders = self.names.setdefault(key, []) if key else []
                    if not holders or holders[-1] is not record:
                        holders.append(record)
            # The id is a name too; on a tie the record's own names are shown first.
            fields = (*names, field("id", record.id, _NAME), *prose)
            self.fields.append((record, fields))
            for one in fields:
                for word in one.reading.whole:
                    self.whole.setdefault(word, set()).add(position)
                for word in one.reading.raw:
                    self.raw.setdefault(word, set()).add(position)
                if _IS_CJK.search(one.reading.folded) and self.cjk[-1:] != [position]:
                    self.cjk.append(position)

    def labels(self) -> Iterator[tuple[Record, str]]:
        """Every record with each name it goes by, its id included, in record order."""
        for record, fields in self.fields:
            for field in fields:
                if field.weight == _NAME:
                    yield record, field.text

    def _candidates(self, term: _Term) -> set[int]:
        """Positions of the records where a term can match at all."""
        if term.cjk:
            return set(self.cjk)
        if len(term.stems) > 1:
            return set.intersection(*(self.whole.get(stem, set()) for stem in term.stems))
        found = set(self.whole.get(term.stems[0], ()))
        raw = term.raw
        if len(raw) >= _MIN_START:
            inside = len(raw) >= _MIN_INSIDE
            for word, positions in self.raw.items():
                if word.startswith(raw) or (inside and raw in word):
                    found |= positions
        return found

    def search(self, text: str) -> list[Match]:
        """Records scoring :data:`MIN_SCORE` or more, in record order (see the module docs)."""
        terms = _terms(text)
        if not terms:
            return []
        query = tuple(s for t in terms for s in t.stems)
        candidates: set[int] = set()
        for term in terms:
            candidates |= self._candidates(term)
        hits: list[Match] = []
        for position in sorted(candidates):
            record, fields = self.fields[position]
            credit = [0.0] * len(terms)
            bonus = 0.0
            best: tuple[float, _Field] | None = None
            for field in fields:
                qualities = [_quality(t, field) for t in terms]
                if not any(qualities):
                    continue
                for i, q in enumerate(qualities):
                    credit[i] = max(credit[i], q * field.weight)
                extra = _bonus(query, field) * field.weight
                bonus = max(bonus, extra)
                own = field.weight * sum(qualities) / len(terms) + extra
                if best is None or own > best[0]:
                    best = (own, field)
            if best is None:
                continue
            score = round(sum(credit) / len(terms) + bonus, 3)
            if score >= MIN_SCORE:
                hits.append(Match(score, record, best[1].name, best[1].text))
        return hits


def _in_order(stems: tuple[str, ...], query: tuple[str, ...]) -> bool:
    """Whether every query word appears in ``stems`` in the query's order (gaps allowed)."""
    rest = iter(stems)
    return all(word in rest for word in query)


def _bonus(query: tuple[str, ...], field: _Field) -> float:
    """The bonus, before weighting, for a field saying the query exactly, or its words in order."""
    if field.stems == query:
        return _EXACT
    if len(query) > 1 and _in_order(field.stems, query):
        return _IN_ORDER
    return 0.0
