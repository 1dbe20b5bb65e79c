"""CITATION.cff and the "how to cite" texts: valid, generated, and in step with the data.

The CFF file is checked against the published Citation File Format 1.2.0
JSON Schema, vendored under tests/data/ (no network in the tests), with the
``jsonschema`` the project already has (cffconvert pins an old jsonschema
that conflicts with frictionless).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import shanghai_innovation as si
from shanghai_innovation._formats.cff import citation_cff
from shanghai_innovation._formats.metadata import about

from .conftest import DATA_DIR, SHARED_DIR

ROOT = Path(__file__).resolve().parent.parent
CFF = ROOT / "CITATION.cff"
SCHEMA = Path(__file__).resolve().parent / "data" / "citation-file-format-1.2.0.schema.json"


@pytest.fixture(scope="module")
def cff() -> dict[str, Any]:
    """The repository's CITATION.cff, parsed as YAML."""
    parsed: dict[str, Any] = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    return parsed


def _errors(document: Any) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return sorted(e.message for e in validator.iter_errors(document))


def test_citation_cff_is_what_the_data_gives() -> None:
    """CITATION.cff is the generator's output, byte for byte (regenerate after data edits)."""
    assert citation_cff(si.load()) == CFF.read_text(encoding="utf-8"), (
        "CITATION.cff is stale: python -m shanghai_innovation._formats.cff > CITATION.cff"
    )


def test_citation_cff_validates_against_the_cff_1_2_schema(cff: dict[str, Any]) -> None:
    """The file is valid Citation File Format 1.2.0."""
    assert "1.2.0" == cff["cff-version"]
    assert [] == _errors(cff)


def test_the_schema_check_can_fail(cff: dict[str, Any]) -> None:
    """Without a title, with an unknown licence or a bad date, the same check reports each."""
    broken = {k: v for k, v in cff.items() if k != "title"}
    broken["license"] = ["Not-A-Licence"]
    broken["references"] = [{**cff["references"][0], "date-published": "31/12/2020"}]
    assert [
        "'31/12/2020' does not match '^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$'",
        "'31/12/2020' is not a 'date'",
        "'title' is a required property",
        "['Not-A-Licence'] is not valid under any of the given schemas",
    ] == _errors(broken)


def test_title_version_and_licences_match_dataset_toml_and_pyproject(cff: dict[str, Any]) -> None:
    """Title, version and data licence as in data/dataset.toml; the code licence as in pyproject."""
    dataset = tomllib.loads((DATA_DIR / "dataset.toml").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (dataset["title"], dataset["version"], [dataset["license"], project["license"]]) == (
        cff["title"],
        cff["version"],
        cff["license"],
    )
    assert project["urls"]["Source"] == cff["repository-code"]
    assert [a["name"] for a in project["authors"]] == [a["name"] for a in cff["authors"]]


def test_the_article_is_cited_as_a_reference(cff: dict[str, Any]) -> None:
    """The article the data is made from is a reference, as data/sources.toml describes it."""
    sources = tomllib.loads((DATA_DIR / "sources.toml").read_text(encoding="utf-8"))["sources"]
    expected = [
        (
            "newspaper-article",
            s["title"],
            [{"name": s["author"]}],
            {"name": s["outlet"]},
            s["published"].isoformat(),
            s["url"],
        )
        for s in sources
    ]
    actual = [
        (r["type"], r["title"], r["authors"], r["publisher"], r["date-published"], r["url"])
        for r in cff["references"]
    ]
    assert expected == actual


def test_no_line_of_citation_cff_holds_a_long_run_of_the_article() -> None:
    """No line holds nine words in a row of the article (long values are folded)."""
    article = SHARED_DIR / "source" / "article.txt"
    if not article.is_file():
        pytest.skip("the article is not beside the checkout")
    words = re.findall(r"[\w'-]+", article.read_text(encoding="utf-8").lower())
    runs = {tuple(words[i : i + 9]) for i in range(len(words) - 8)}
    long_lines = []
    for line in CFF.read_text(encoding="utf-8").splitlines():
        line_words = re.findall(r"[\w'-]+", line.lower())
        if any(tuple(line_words[i : i + 9]) in runs for i in range(len(line_words) - 8)):
            long_lines.append(line)
    assert [] == long_lines


def _normalised(text: str) -> str:
    return " ".join(text.replace("\n> ", " ").split())


def test_readme_cites_the_dataset_and_the_article() -> None:
    """The README's "How to cite" gives the dataset's and the article's citations."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    facts = about(si.load())
    for citation in (facts.citation, *facts.source_citations):
        assert citation in _normalised(section)


def test_the_citations_name_the_dataset_and_the_article() -> None:
    """The plain and BibTeX citations give the version, licence, home page and the article."""
    facts = about(si.load())
    source = si.load().sources[0]
    assert facts.citation == (
        f"The shanghai_innovation developers. {facts.title} (version {facts.version}) "
        f"[Data set]. CC-BY-4.0. https://github.com/shanghai-innovation/shanghai-innovation"
    )
    assert facts.source_citations == (
        f'Li Qian. "{source.title}". SHINE (Shanghai Daily), 2020-12-31. {source.url}',
    )
    assert facts.bibtex.splitlines()[:4] == [
        f"@misc{{shanghai-innovation-{facts.version.replace('.', '-')},",
        "  author = {{The shanghai\\_innovation developers}},",
        f"  title = {{{facts.title}}},",
        f"  version = {{{facts.version}}},",
    ]
