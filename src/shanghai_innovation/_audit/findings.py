"""What the audit reports: findings, their severity, and the rules that find them.

Rules register themselves with :func:`rule` when their module is imported;
the order of registration is the order findings are reported in.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

import attrs

from shanghai_innovation._dataset import Dataset

__all__ = ["REGISTERED", "Finding", "Rule", "RuleCheck", "Severity", "rule"]


class Severity(enum.StrEnum):
    """How serious a finding is."""

    #: The data contradicts itself or a reliable reference.
    ERROR = "error"
    #: Doubtful: rests on a weak reference, or cannot be confirmed.
    WARNING = "warning"
    #: A check that passed, reported for the record.
    INFO = "info"


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Finding:
    """One result of an audit rule."""

    #: Id of the rule that found it.
    rule: str
    #: Error, warning or info.
    severity: Severity
    #: Ids of the records involved, the main one first.
    records: tuple[str, ...] = attrs.field(converter=_ids)
    #: What was found, with the numbers computed.
    message: str
    #: Ids of the reference figures the rule relied on.
    references: tuple[str, ...] = attrs.field(converter=_ids, factory=tuple)
    #: Whether an erratum lists this rule and one of these records.
    acknowledged: bool = False
    #: Ids of the errata that acknowledge it (each lists the rule and one of
    #: the records), in file order.
    errata: tuple[str, ...] = attrs.field(converter=_ids, factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """The finding as plain JSON values (the ``--json`` shape)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "records": list(self.records),
            "message": self.message,
            "references": list(self.references),
            "acknowledged": self.acknowledged,
            "errata": list(self.errata),
        }


RuleCheck = Callable[[Dataset], Iterable[Finding]]


@attrs.frozen
class Rule:
    """An audit rule: its fixed id, what it checks, and the function."""

    #: Stable id, cited by errata (``rules = [...]``).
    id: str
    #: What the rule checks, in one line.
    description: str
    #: The check itself.
    check: RuleCheck = attrs.field(repr=False)


#: Every rule registered so far, in registration order.
REGISTERED: list[Rule] = []


def rule(id: str, description: str) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        REGISTERED.append(Rule(id, description, check))
        return check

    return register
