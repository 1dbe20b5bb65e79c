"""JSON text parsed strictly: what parsers disagree on, or what could exhaust memory, is refused.

Every JSON the library reads from outside goes through :func:`parse_json`
(a release's documents, a CSV list cell). The compiled bundled data, which
must be exactly what its encoder writes, is held to the value cap with
:func:`check_value_count` and then compared with its own re-encoding, which
refuses the same things for less (``_compiled``). Neither needs cattrs.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any, Final

from . import _limits
from ._errors import quoted

__all__ = ["check_value_count", "parse_json"]

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: A \\u escape of a surrogate code point, the only way JSON text can hold one.
_ESCAPED_SURROGATE: Final = re.compile(r"\\u[dD][89a-fA-F]")
#: A JSON string (in valid JSON), and the brackets left once strings are gone.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET: Final = re.compile(r"[\[\]{}]")
_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}


def _reject_constant(name: str) -> Any:
    msg = f"{name} is not allowed"
    raise ValueError(msg)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (readers disagree on which one wins)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                msg = f"key {quoted(key)} given twice in one object"
                raise ValueError(msg)
            seen.add(key)
    return document


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent; one that overflows a float is refused."""
    number = float(text)
    if not math.isfinite(number):
        msg = f"the number {quoted(text, 40)} is too large for a 64-bit float"
        raise ValueError(msg)
    return number


def _nesting(text: str) -> int:
    """How deeply arrays and objects nest in valid JSON text (strings skipped), at C speed."""
    brackets = _BRACKET.findall(_STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _surrogate(document: Any) -> str | None:
    """The first text (key or value) holding a lone surrogate, if any."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return value
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return None


def check_value_count(text: str) -> None:
    """Refuse JSON text of more values than the cap, counted before parsing (ValueError)."""
    # Every value but the first of each container follows a comma, and every
    # container opens with a bracket: an upper bound, whatever the strings hold.
    values = text.count(",") + text.count("[") + text.count("{") + 1
    if values > _limits.MAX_VALUES:
        msg = f"over the cap of {_limits.MAX_VALUES} values"
        raise ValueError(msg)


def parse_json(text: str) -> Any:
    """Parse JSON text strictly; raises ValueError saying why it is refused.

    Refused: more values than :data:`~shanghai_innovation._limits.MAX_VALUES`
    (counted from the text before parsing, so a document of a million empty
    objects costs nothing), nesting deeper than
    :data:`~shanghai_innovation._limits.MAX_NESTING`, a key twice in one
    object, a lone surrogate escape, ``NaN``, ``Infinity`` and a number that
    overflows a float (``1e999``).
    """
    check_value_count(text)
    too_deep = f"nested deeper than the cap of {_limits.MAX_NESTING} levels"
    try:
        document = json.loads(
            text, parse_constant=_reject_constant, parse_float=_finite, object_pairs_hook=_object
        )
    except RecursionError:
        raise ValueError(too_deep) from None
    # The text is valid JSON now, so its strings can be skipped in one linear pass.
    if _nesting(text) > _limits.MAX_NESTING:
        raise ValueError(too_deep)
    if _ESCAPED_SURROGATE.search(text):  # only then can a surrogate be in there
        found = _surrogate(document)
        if found is not None:
            msg = f"a lone surrogate escape in the text {quoted(found)}"
            raise ValueError(msg)
    return document
