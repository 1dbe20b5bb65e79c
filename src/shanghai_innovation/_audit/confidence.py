"""Rules that keep doubt visible: low-confidence references and garbled words."""

from __future__ import annotations

from collections.abc import Iterator

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Entity, Erratum, Reference
from shanghai_innovation._vocab import Confidence, ErratumKind

from .findings import Finding, Severity, rule
from .lookup import describe, lookup

__all__: list[str] = []


@rule(
    "unverified-reference",
    "A statement citing a low-confidence reference is flagged as unverified (a warning).",
)
def _unverified_reference(dataset: Dataset) -> Iterator[Finding]:
    index = lookup(dataset)
    for record in dataset.records():
        # Entities cite references to identify themselves; errata to explain.
        if isinstance(record, Entity | Erratum | Reference):
            continue
        low = [
            r
            for r in index.references(getattr(record, "references", ()))
            if r.confidence is Confidence.LOW
        ]
        if low:
            ids = [r.id for r in low]
            yield Finding(
                "unverified-reference",
                Severity.WARNING,
                [record.id],
                f"{describe(record)} rests in part on low-confidence evidence "
                f"({', '.join(ids)}): that part is unverified",
                ids,
            )


@rule(
    "textual-fault",
    "Every erratum marking words as garbled is reported, so the fault stays visible.",
)
def _textual_fault(dataset: Dataset) -> Iterator[Finding]:
    for e in dataset.errata:
        if e.kind is not ErratumKind.GARBLED:
            continue
        likely = f"; probably {e.likely}" if e.likely else ""
        yield Finding(
            "textual-fault",
            Severity.WARNING,
            [e.record],
            f"{e.record}.{e.field_name}: the stated words {e.stated!r} are garbled "
            f"(erratum {e.id}){likely}",
            e.references,
        )
