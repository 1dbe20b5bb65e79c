"""What text a record may hold: the one validator of every free-text field.

Curated text is read by people, spreadsheets and terminals, so it is
non-blank with no surrounding space, never starts with a character a
spreadsheet runs as a formula, and holds no control, format or
bidirectional character (tabs and line breaks inside it excepted: CSV quotes
them and JSON escapes them). The records and the value types both use it.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

__all__ = ["FORMULA_STARTS", "check_text"]

#: Characters a spreadsheet takes as the start of a formula (tab and CR are
#: refused as surrounding space): no text of ours starts with one.
FORMULA_STARTS: Final = "=+-@"


def _no_formula(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse text a spreadsheet would run, or a terminal act on (no curated text needs either).

    Tabs and line breaks may sit inside text (CSV quotes them, JSON escapes
    them); every other control, format or bidirectional character is refused.
    """
    if not isinstance(value, str):
        return
    if value[:1] in tuple(FORMULA_STARTS):
        msg = (
            f"'{attribute.name}' must not start with {value[0]!r}: a spreadsheet opening "
            "the CSV would run the text as a formula"
        )
        raise ValueError(msg)
    if not value.isprintable():
        bad = next((c for c in value if not c.isprintable() and c not in "\t\n\r"), None)
        if bad is not None:
            msg = (
                f"'{attribute.name}' must not hold the character U+{ord(bad):04X} (control, "
                "format and bidirectional characters are refused)"
            )
            raise ValueError(msg)


def check_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator: non-blank text, no surrounding space, no formula, nothing invisible."""
    if not isinstance(value, str):
        msg = f"'{attribute.name}' must be text, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.strip() or value != value.strip():
        msg = f"'{attribute.name}' must be non-blank text with no surrounding spaces"
        raise ValueError(msg)
    _no_formula(instance, attribute, value)
