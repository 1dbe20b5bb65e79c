"""The audit: small rules that check the data against itself and the reference figures.

Each rule is a function over a :class:`~shanghai_innovation.Dataset` that
returns :class:`Finding` objects; :data:`RULES` lists them with their id and a
one-line description. Rules match the article's numbers to reference figures
by :class:`~shanghai_innovation.Indicator`, subject and year, and follow the
links the records carry (``references``, ``part_of``, ``change_of``,
``counted_in``), never hard-coded record ids.

An erratum acknowledges a finding when it lists the finding's rule in its
``rules`` and names one of the finding's records. :func:`exit_status` is 0
when every error is acknowledged.

Severity: a contradiction is an error, unless every reference it rests on is
of low confidence, in which case it is a warning at most. A hedged number
("nearly", "about") is taken to lie within :data:`CLOSE` of the stated value.
"""

from __future__ import annotations

from .dates import article_periods
from .figures import MAX_PART_SHARE, RATE_TOLERANCE
from .findings import Finding, Rule, Severity
from .numbers import CLOSE, exceeds, overlap, plausible
from .run import RULES, check, exit_status, findings_to_json, findings_to_text

__all__ = [
    "CLOSE",
    "MAX_PART_SHARE",
    "RATE_TOLERANCE",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "article_periods",
    "check",
    "exceeds",
    "exit_status",
    "findings_to_json",
    "findings_to_text",
    "overlap",
    "plausible",
]
