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

__all__ = ["RULES", "check", "exit_status", "findings_to_json", "findings_to_text"]

#: Every audit rule, in the order findings are reported: module by module in
#: this order (whatever order they were imported in), then as each defines them.
RULES: Final[tuple[Rule, ...]] = tuple(
    r
    for module in (arithmetic, dates, figures, confidence)
    for r in REGISTERED
    if r.check.__module__ == module.__name__
)


# --- running and reporting ---------------------------------------------------------


def _acknowledge(findings: Iterable[Finding], errata: Sequence[Erratum]) -> list[Finding]:
    """Each finding with the errata listing its rule and one of its records."""
    acknowledged = []
    for f in findings:
        ids = tuple(e.id for e in errata if f.rule in e.rules and e.record in f.records)
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


def findings_to_text(findings: Iterable[Finding]) -> str:
    """The findings for people: one block per finding, then a summary line."""
    items = list(findings)
    lines: list[str] = []
    for f in items:
        mark = " (acknowledged)" if f.acknowledged else ""
        lines.append(f"{f.severity.value}: {f.rule}: {', '.join(f.records)}{mark}")
        lines.append(f"    {f.message}")
        if f.references:
            lines.append(f"    references: {', '.join(f.references)}")
    counts = Counter(f.severity for f in items)
    errors = counts[Severity.ERROR]
    open_errors = sum(1 for f in items if f.severity is Severity.ERROR and not f.acknowledged)
    lines.append(
        f"{_plural(len(items), 'finding')}: {_plural(errors, 'error')} "
        f"({errors - open_errors} acknowledged), {_plural(counts[Severity.WARNING], 'warning')}, "
        f"{counts[Severity.INFO]} info"
    )
    if open_errors == 0:
        lines.append("every error is acknowledged by an erratum")
    else:
        verb = "is" if open_errors == 1 else "are"
        lines.append(f"{_plural(open_errors, 'error')} {verb} not acknowledged by any erratum")
    return "\n".join(lines)
