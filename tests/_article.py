"""Split the source article into (section, paragraph number, text), as locators count them.

The rules (also written at the top of data/sources.toml):

- A paragraph is a non-empty line of text, stripped of surrounding spaces.
- Not paragraphs: the three subheadings, the article title repeated above a
  photo, and photo credit lines ("Name / SHINE"). A credit belongs to the
  photo whose caption is the next paragraph; the caption is a paragraph of
  the section it stands in.
- ``header`` runs from the title (paragraph 1) through the byline, the
  standfirst, the byline repeated above the first photo, and ends with the
  first photo's caption. ``introduction`` is the body text after that, up to
  the first subheading; each subheading opens its section.
- The article ends at the last timeline entry: the page furniture after it
  ("Special Reports", "Top") is not part of the article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Subheading line -> the section (locator token) it opens.
SUBHEADINGS = {
    "Research and development": "research-and-development",
    "Foreigners in the city": "foreigners-in-the-city",
    "Highlights of 2020": "highlights-of-2020",
}
#: The first line of page furniture after the article's end.
END_OF_ARTICLE = "Special Reports"
#: A photo credit line.
CREDIT = re.compile(r"(?P<photographer>.+) / (?P<agency>SHINE)")
#: Where a sentence ends: after . ! or ? (and a closing quotation mark), before
#: a space and a capital letter or an opening quotation mark. "84.5" and
#: "US$224" do not end one.
SENTENCE_END = re.compile(r"(?<=[.!?])[\u201d\"]?(?=\s+[\u201c\"A-Z])")
#: Typographic quotation marks and apostrophes, each made plain.
QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"'}
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: where it is, its text and, for a photo caption, the credit."""

    section: str
    number: int
    text: str
    line: int
    credit: str | None = None


def paragraphs(path: Path) -> Iterator[Paragraph]:
    """Yield the article's paragraphs in order, numbered within their sections."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title: str | None = None
    section = "header"
    number = 0
    credit: str | None = None
    for index, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        if text == END_OF_ARTICLE:
            return
        if title is None:
            title = text
        elif text == title:
            continue
        elif text in SUBHEADINGS:
            section, number = SUBHEADINGS[text], 0
            continue
        elif CREDIT.fullmatch(text):
            credit = text
            continue
        number += 1
        yield Paragraph(section, number, text, index, credit)
        if credit is not None and section == "header":
            section, number = "introduction", 0
        credit = None


def index(path: Path) -> dict[tuple[str, int], Paragraph]:
    """The paragraphs keyed by (section, number)."""
    return {(p.section, p.number): p for p in paragraphs(path)}


def plain(text: str) -> str:
    """Text as spans are compared: NFKC, curly quotes and apostrophes made straight.

    Case and dashes are kept: a span must be the article's words, verbatim.
    """
    return unicodedata.normalize("NFKC", text).translate(QUOTES)


def sentences(text: str) -> list[str]:
    """A paragraph's sentences, in order (a caption or heading is one sentence)."""
    found, start = [], 0
    for match in SENTENCE_END.finditer(text):
        found.append(text[start : match.end()].strip())
        start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]
