"""claimreview.jsonld: every erratum as a schema.org ClaimReview, pointing at its record."""

from __future__ import annotations

import enum
import json
from typing import Any

import attrs
import pytest
from hypothesis import given

import shanghai_innovation as si
from shanghai_innovation import testing
from shanghai_innovation._formats.claimreview import (
    build_claimreview,
    evidence_text,
    member_comments,
    verdict,
)
from shanghai_innovation._formats.descriptors import descriptor_files
from shanghai_innovation._formats.metadata import about
from shanghai_innovation._release.export import release_files

from ._jsonld import expanded_types
from ._releases import small_dataset


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def document(dataset: si.Dataset) -> dict[str, Any]:
    """The release's claimreview.jsonld, parsed."""
    parsed: dict[str, Any] = json.loads(release_files(dataset, ("json",))["claimreview.jsonld"])
    return parsed


def _home(dataset: si.Dataset) -> str:
    return about(dataset).homepage


def test_one_claim_review_per_erratum_pointing_at_its_record(
    dataset: si.Dataset, document: dict[str, Any]
) -> None:
    """Each erratum is one ClaimReview, in data order, about the stated field of its record."""
    home = _home(dataset)
    expected = [
        (
            "ClaimReview",
            f"{home}#errata/{e.id}",
            e.stated,
            "Claim",
            f"{home}#{type(dataset.lookup(e.record)).table}/{e.record}/{e.field_name}",
            e.stated,
            {
                "@id": f"{home}#{type(dataset.lookup(e.record)).table}/{e.record}",
                "identifier": e.record,
            },
        )
        for e in dataset.errata
    ]
    actual = [
        (
            r["@type"],
            r["@id"],
            r["claimReviewed"],
            r["itemReviewed"]["@type"],
            r["itemReviewed"]["@id"],
            r["itemReviewed"]["name"],
            r["itemReviewed"]["about"],
        )
        for r in document["@graph"]
    ]
    assert expected == actual
    assert (
        f"{home}#metrics/rd-spending-2019/quantity" == document["@graph"][0]["itemReviewed"]["@id"]
    )


def test_each_review_cites_its_references(dataset: si.Dataset, document: dict[str, Any]) -> None:
    """The references relied on are cited in order, with statement, publisher, address and date."""
    home = _home(dataset)
    assert [list(e.references) for e in dataset.errata] == [
        [c["identifier"] for c in r["citation"]] for r in document["@graph"]
    ]
    gdp = dataset.lookup("ref-gdp-2019")
    assert {
        "@type": "CreativeWork",
        "@id": f"{home}#references/ref-gdp-2019",
        "identifier": "ref-gdp-2019",
        "text": gdp.statement,
        "publisher": {"@type": "Organization", "name": "Global Times"},
        "url": "https://www.globaltimes.cn/content/1177669.shtml",
        "datePublished": "2020-01-21",
    } == next(
        c
        for review in document["@graph"]
        for c in review["citation"]
        if c["identifier"] == "ref-gdp-2019"
    )


def test_the_claim_appears_in_the_article(dataset: si.Dataset, document: dict[str, Any]) -> None:
    """The claim's appearance is the article, with its author and date."""
    source = dataset.sources[0]
    claim = document["@graph"][0]["itemReviewed"]
    assert (
        "NewsArticle",
        source.url,
        source.url,
        {"@type": "Person", "name": "Li Qian"},
        "2020-12-31",
    ) == (
        claim["appearance"]["@type"],
        claim["appearance"]["@id"],
        claim["appearance"]["url"],
        claim["author"],
        claim["datePublished"],
    )


def test_the_body_explains_and_says_what_was_likely_meant(
    dataset: si.Dataset, document: dict[str, Any]
) -> None:
    """The review body is the explanation, plus what was likely meant when a reference says."""
    expected = [
        e.explanation + ("" if e.likely is None else f" Likely meant: {e.likely}.")
        for e in dataset.errata
    ]
    assert expected == [r["reviewBody"] for r in document["@graph"]]
    assert document["@graph"][0]["reviewBody"].endswith(" Likely meant: about 152.5 billion yuan.")


def test_verdicts_in_words_come_from_the_erratum_kinds() -> None:
    """Each kind's verdict is its token in words, explained by the member's doc comment."""
    assert {
        si.ErratumKind.WRONG: (
            "Wrong",
            "Contradicted by a reliable reference or by the article itself.",
        ),
        si.ErratumKind.GARBLED: ("Garbled", "The words cannot be what was meant (a garbled name)."),
        si.ErratumKind.UNVERIFIED: ("Unverified", "No reference confirms it; kept, flagged."),
        si.ErratumKind.CONFLICT: (
            "Conflict",
            "Disagrees with a reference, and neither can be shown right.",
        ),
    } == {
        k: verdict(k)
        for k in si.ErratumKind
        if k.name in {"WRONG", "GARBLED", "UNVERIFIED", "CONFLICT"}
    }


def test_every_erratum_kind_has_a_verdict_and_a_meaning() -> None:
    """A kind added to the vocabulary gets words and, from its doc comment, a meaning."""
    assert [] == [k for k in si.ErratumKind if verdict(k)[1] is None]


def test_each_rating_carries_its_erratum_verdict(
    dataset: si.Dataset, document: dict[str, Any]
) -> None:
    """The rating's alternateName is the verdict of the erratum's kind, explained by its meaning."""
    expected = [
        {
            "@type": "Rating",
            "alternateName": verdict(e.kind)[0],
            "ratingExplanation": verdict(e.kind)[1],
        }
        for e in dataset.errata
    ]
    assert expected == [r["reviewRating"] for r in document["@graph"]]
    assert "Wrong" == document["@graph"][0]["reviewRating"]["alternateName"]


class _Sample(enum.Enum):
    """An enum with and without doc comments."""

    #: The first line,
    #: and the second.
    ONE = "one"
    TWO = "two"  # a trailing comment is not a doc comment
    #: Three words here.
    THREE = "likely-wrong"


def test_member_comments_are_the_lines_above_each_member() -> None:
    """Consecutive ``#:`` lines above a member are its comment; a member without one is left out."""
    assert {_Sample.ONE: "The first line, and the second.", _Sample.THREE: "Three words here."} == (
        member_comments(_Sample)
    )
    assert (("Likely wrong", "Three words here."), ("Two", None)) == (
        verdict(_Sample.THREE),
        verdict(_Sample.TWO),
    )


@attrs.frozen
class _Evidence:
    text: str


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (None, None),
        ("", None),
        ((), None),
        ("fifth in 2020", "fifth in 2020"),
        (("fifth", "in 2020"), "fifth … in 2020"),
        (_Evidence("eighth in 2016"), "eighth in 2016"),
    ],
)
def test_evidence_is_read_generically(evidence: Any, expected: str | None) -> None:
    """Text, passages or an object with ``text`` give the span; nothing, or empty, gives None."""

    class Holder:
        pass

    holder = Holder()
    if evidence is not None:
        holder.evidence = evidence  # type: ignore[attr-defined]
    assert expected == evidence_text(holder)  # type: ignore[arg-type]


@attrs.frozen
class _RankingWithEvidence(si.RankingPosition):
    """A ranking position carrying an evidence span, as fact records will."""

    evidence: str | None = None


def _with_evidence(evidence: str | None) -> si.Dataset:
    dataset = small_dataset()
    ranking = dataset.rankings[0]
    fields = {f.name: getattr(ranking, f.name) for f in attrs.fields(si.RankingPosition)}
    fields["evidence"] = evidence
    return attrs.evolve(dataset, rankings=(_RankingWithEvidence(**fields),))


def test_the_claim_quotes_the_records_evidence_when_it_has_one() -> None:
    """With an evidence span on the record, the claim's text is that span."""
    review = build_claimreview(_with_evidence("was eighth in 2016"))["@graph"][0]
    assert ("rank-2020", "8", "was eighth in 2016") == (
        review["itemReviewed"]["about"]["identifier"],
        review["itemReviewed"]["name"],
        review["itemReviewed"]["text"],
    )


def test_the_claim_has_no_text_without_evidence() -> None:
    """Without an evidence span, the claim has its stated value and no text."""
    review = build_claimreview(_with_evidence(None))["@graph"][0]
    assert ("8", False) == (review["itemReviewed"]["name"], "text" in review["itemReviewed"])


def test_the_document_expands_to_schema_org_types(
    dataset: si.Dataset, document: dict[str, Any]
) -> None:
    """pyld expands it offline: a schema.org ClaimReview per erratum, with Claim and Rating."""
    expanded, types = expanded_types(document)
    schema = "https://schema.org/"
    assert len(dataset.errata) == types.count(f"{schema}ClaimReview")
    assert len(dataset.errata) == types.count(f"{schema}Claim")
    assert len(dataset.errata) == types.count(f"{schema}Rating")
    assert {
        f"{schema}{t}" for t in ("NewsArticle", "CreativeWork", "Organization", "Person")
    } <= set(types)
    first = expanded[0]
    assert [{"@value": "Wrong"}] == first[f"{schema}reviewRating"][0][f"{schema}alternateName"]


@given(testing.datasets())
def test_every_consistent_dataset_gets_its_descriptors(dataset: si.Dataset) -> None:
    """For any consistent dataset: one ClaimReview per erratum, citing its references in order."""
    files = descriptor_files(dataset, {})
    reviews = json.loads(files["claimreview.jsonld"])["@graph"]
    assert [(e.id, list(e.references)) for e in dataset.errata] == [
        (r["identifier"], [c["identifier"] for c in r["citation"]]) for r in reviews
    ]
    croissant = json.loads(files["croissant.json"])
    assert ([], []) == (croissant["distribution"], croissant["recordSet"])
