"""The release's ``claimreview.jsonld``: every erratum as a schema.org ClaimReview.

Fact-checkers exchange corrections as `ClaimReview <https://schema.org/ClaimReview>`_
(Google's Fact Check Tools, the Duke Reporters' Lab, ...). Each erratum
becomes one, in a single JSON-LD document (``{"@context": ..., "@graph": [...]}``,
errata in data order):

- ``itemReviewed``: a ``Claim`` named by the record field it is about
  (``<homepage>#metrics/rd-spending-2019/quantity``), whose ``name`` is the
  value as stated, ``text`` the record's ``evidence`` span (the article's
  own words) when the record has one, ``appearance`` the article (a
  ``NewsArticle`` named by its URL), ``author`` and ``datePublished`` the
  article's, and ``about`` the record itself;
- ``claimReviewed``: the value as stated;
- ``reviewRating``: the verdict in words (``alternateName``, from the
  erratum's kind: ``wrong`` is "Wrong") with the kind's meaning as
  ``ratingExplanation`` (the ``#:`` comment of the
  :class:`~shanghai_innovation.ErratumKind` member), so a kind added to the
  vocabulary appears here by itself;
- ``reviewBody``: the explanation, and what was likely meant when a
  reference says;
- ``citation``: each reference relied on, as a ``CreativeWork`` with its
  statement, publisher, address and date;
- ``author``: the curators; ``@id``: the erratum's own record name.

The context is the schema.org vocabulary given inline (``@vocab``), so the
document expands offline.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
from collections.abc import Sequence
from typing import Any, Final

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Erratum, Record, Reference

from .metadata import SCHEMA_ORG, About, about, article_node, creator_node, record_iri

__all__ = ["CLAIMREVIEW_FILE", "build_claimreview", "evidence_text", "member_comments", "verdict"]

#: The file name of the ClaimReview document in a release.
CLAIMREVIEW_FILE: Final = "claimreview.jsonld"

_COMMENT: Final = re.compile(r"\s*#:\s?(.*)")
_MEMBER: Final = re.compile(r"\s*([A-Za-z_]\w*)\s*=")


@functools.cache
def member_comments(kind: type[enum.Enum]) -> dict[enum.Enum, str]:
    """Each enum member's ``#:`` comment (the lines just above it), as one line of text.

    Members without a comment, or an enum whose source cannot be read, are
    left out.
    """
    try:
        lines = inspect.getsource(kind).splitlines()
    except (OSError, TypeError):
        return {}
    comments: dict[enum.Enum, str] = {}
    pending: list[str] = []
    for line in lines:
        comment = _COMMENT.fullmatch(line)
        if comment is not None:
            pending.append(comment[1].strip())
            continue
        member = _MEMBER.match(line)
        if member is not None and member[1] in kind.__members__ and pending:
            comments[kind[member[1]]] = " ".join(pending)
        pending = []
    return comments


def verdict(kind: enum.Enum) -> tuple[str, str | None]:
    """The verdict of an erratum kind in words, and what the kind means.

    ``ErratumKind.WRONG`` gives ``("Wrong", "Contradicted by a reliable ...")``:
    the token with its first letter capitalised and hyphens as spaces, and the
    member's ``#:`` comment.
    """
    token = str(kind.value).replace("-", " ")
    return token[:1].upper() + token[1:], member_comments(type(kind)).get(kind)


def evidence_text(record: Record) -> str | None:
    """The record's ``evidence`` span (the article's words), when it has one.

    Read generically: text as it is, a sequence of passages joined with
    " … ", any other value by its ``text`` attribute or ``str()``.
    """
    evidence = getattr(record, "evidence", None)
    if evidence is None or evidence in ("", ()):
        return None
    if isinstance(evidence, str):
        return evidence
    if isinstance(evidence, Sequence):
        return " … ".join(str(getattr(e, "text", e)) for e in evidence)
    return str(getattr(evidence, "text", evidence))


def _reference_node(facts: About, reference: Reference) -> dict[str, Any]:
    citation = reference.citation
    node: dict[str, Any] = {
        "@type": "CreativeWork",
        "@id": record_iri(facts, Reference.table, reference.id),
        "identifier": reference.id,
        "text": reference.statement,
        "publisher": {"@type": "Organization", "name": citation.publisher},
    }
    if citation.url is not None:
        node["url"] = citation.url
    if citation.published is not None:
        node["datePublished"] = str(citation.published)
    return node


def _claim_review(dataset: Dataset, facts: About, erratum: Erratum) -> dict[str, Any]:
    record = dataset.lookup(erratum.record)
    record_node = record_iri(facts, type(record).table, record.id)
    claim: dict[str, Any] = {
        "@type": "Claim",
        "@id": f"{record_node}/{erratum.field_name}",
        "name": erratum.stated,
        "about": {"@id": record_node, "identifier": record.id},
    }
    source_id = getattr(getattr(record, "locator", None), "source", None)
    sources = {s.id: s for s in dataset.sources}
    source = sources.get(source_id) if isinstance(source_id, str) else None
    if source is None and len(dataset.sources) == 1:  # a record with no locator
        source = dataset.sources[0]
    if source is not None:
        article = article_node(source)
        claim.update(
            appearance=article, author=article["author"], datePublished=article["datePublished"]
        )
    evidence = evidence_text(record)
    if evidence is not None:
        claim["text"] = evidence
    words, meaning = verdict(erratum.kind)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": words}
    if meaning is not None:
        rating["ratingExplanation"] = meaning
    body = erratum.explanation
    if erratum.likely is not None:
        body += f" Likely meant: {erratum.likely}."
    references = {r.id: r for r in dataset.references}
    return {
        "@type": "ClaimReview",
        "@id": record_iri(facts, Erratum.table, erratum.id),
        "identifier": erratum.id,
        "claimReviewed": erratum.stated,
        "itemReviewed": claim,
        "reviewRating": rating,
        "reviewBody": body,
        "author": creator_node(facts),
        "citation": [_reference_node(facts, references[r]) for r in erratum.references],
    }


def build_claimreview(dataset: Dataset, facts: About | None = None) -> dict[str, Any]:
    """The ClaimReview document of a dataset: one ClaimReview per erratum, in data order."""
    facts = about(dataset) if facts is None else facts
    return {
        "@context": {"@vocab": SCHEMA_ORG},
        "@graph": [_claim_review(dataset, facts, e) for e in dataset.errata],
    }
