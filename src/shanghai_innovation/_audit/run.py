"""Running every rule over a dataset, acknowledging errata, and reporting."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._load import load
from shanghai_innovation._records import Erratum

from . import arithmetic, confidence, dates, figures
from .findings import REGISTERED, Finding, Rule, Severity

__all__ = [
    "RULES",
    "acknowledging",
    "check",
    "exit_status",
    "findings_to_json",
    "findings_to_text",
]

#: Every audit rule, in the order findings are reported: module by module in
#: this order (whatever order they were imported in), then as each defines them.
RULES: Final[tuple[Rule, ...]] = tuple(
    r
    for module in (arithmetic, dates, figures, confidence)
    for r in REGISTERED
    if r.check.__module__ == module.__name__
)


# --- running and reporting ---------------------------------------------------------


def acknowledging(finding: Finding, errata: Iterable[Erratum]) -> list[Erratum]:
    """The errata that acknowledge a finding: each lists its rule and names one of its records."""
    return [e for e in errata if finding.rule in e.rules and e.record in finding.records]


def _acknowledge(findings: Iterable[Finding], errata: Sequence[Erratum]) -> list[Finding]:
    """Each finding with the errata that acknowledge it, and whether any does."""
    acknowledged = []
    for f in findings:
        ids = tuple(e.id for e in acknowledging(f, errata))
        acknowledged.append(attrs.evolve(f, acknowledged=bool(ids), errata=ids))
    return acknowledged


def check(dataset: Dataset | None = None) -> list[Finding]:
    """Run every rule over a dataset (the bundled data by default).

    Findings come in rule order (:data:`RULES`), then in data order; the
    result is the same for the same data. Each names the errata that
    acknowledge it (:attr:`Finding.errata`).
    """
    ds = load() if dataset is None else dataset
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.check(ds))
    return _acknowledge(findings, ds.errata)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when every error is acknowledged by an erratum, 1 otherwise."""
    return int(any(f.severity is Severity.ERROR and not f.acknowledged for f in findings))


def findings_to_json(findings: Iterable[Finding]) -> str:
    """The findings as a JSON list of objects (rule, severity, records, message, ...)."""
    return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _block(f: Finding, head: str, errata: Sequence[Erratum], explained: set[str]) -> list[str]:
    """One finding: its head line, message, explaining errata (each told once), references."""
    lines = [head, f"    {f.message}"]
    for e in (e for e in errata if e.id in f.errata):
        told = e.id in explained
        explained.add(e.id)
        lines.append(
            f"    explained by {e.id}" + (" (see above)" if told else f": {e.explanation}")
        )
    if f.references:
        lines.append(f"    references: {', '.join(f.references)}")
    return lines


def findings_to_text(findings: Iterable[Finding], errata: Sequence[Erratum] = ()) -> str:
    """The findings for people, in three groups, then a summary.

    First what is open (errors and warnings no erratum acknowledges), each
    headed ``error:`` or ``warning:``; then what is known and explained,
    headed ``known error,`` or ``known warning,`` with each acknowledging
    erratum's explanation (when ``errata`` are given); then the checks that
    passed (``info:``). Only an open error makes :func:`exit_status` 1.
    """
    items = list(findings)
    groups = (
        (
            "Open: no erratum explains these",
            "",
            [f for f in items if f.severity is not Severity.INFO and not f.acknowledged],
        ),
        (
            "Known and explained: an erratum in the data acknowledges each; they do not "
            "fail the check",
            "known ",
            [f for f in items if f.severity is not Severity.INFO and f.acknowledged],
        ),
        (
            "Passed: checks reported for the record",
            "",
            [f for f in items if f.severity is Severity.INFO],
        ),
    )
    lines: list[str] = []
    explained: set[str] = set()
    for title, prefix, group in groups:
        if not group:
            continue
        lines += [f"{title} ({_plural(len(group), 'finding')}):", ""]
        for f in group:
            sep = ", " if prefix else ": "
            head = f"{prefix}{f.severity.value}{sep}{f.rule}: {', '.join(f.records)}"
            lines += _block(f, head, errata, explained)
        lines.append("")
    counts = Counter(f.severity for f in items)
    known = Counter(f.severity for f in items if f.acknowledged)
    lines.append(
        f"{_plural(len(items), 'finding')}: "
        f"{_plural(counts[Severity.ERROR], 'error')} ({known[Severity.ERROR]} known), "
        f"{_plural(counts[Severity.WARNING], 'warning')} ({known[Severity.WARNING]} known), "
        f"{counts[Severity.INFO]} info"
    )
    open_errors = counts[Severity.ERROR] - known[Severity.ERROR]
    if open_errors == 0:
        lines.append("every error is acknowledged by an erratum")
    else:
        verb = "is" if open_errors == 1 else "are"
        lines.append(f"{_plural(open_errors, 'error')} {verb} not acknowledged by any erratum")
    return "\n".join(lines)
