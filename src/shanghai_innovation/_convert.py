"""The one cattrs converter, and how its errors become one-line messages.

Importing this module imports cattrs; the package imports it only when data
is first loaded or unstructured.

Shapes (the JSON export uses the same ones):

- a number is exact text: ``"16000"``, ``"3.5"``, ``"2/3"`` (data files may
  also write a whole number as a TOML integer);
- a partial date is ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``; a full
  date is ``"YYYY-MM-DD"`` (data files may use a TOML date);
- a locator is ``"<source>#<section>/<paragraph>"``;
- enums are their token; tuples are lists.
"""

from __future__ import annotations

import re
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from ._plain import STRUCTURE_HOOKS, UNSTRUCTURE_HOOKS
from ._records import Record

__all__ = ["CONVERTER", "describe_error", "make_converter", "structure_record"]

_NAMED: Final = re.compile(r"'(\w+)' must ")


def make_converter() -> cattrs.Converter:
    """Build the converter; every hook is registered here and nowhere else."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    # The value hooks live in _plain, which reads the compiled bundled data
    # with these same functions and no cattrs.
    for tp, structure in STRUCTURE_HOOKS.items():
        conv.register_structure_hook(tp, structure)
    for tp, unstructure in UNSTRUCTURE_HOOKS.items():
        conv.register_unstructure_hook(tp, unstructure)
    return conv


#: The library's one converter.
CONVERTER: Final = make_converter()


def _field_of(exc: BaseException) -> str | None:
    """The attrs field a validator error names, if any (attrs puts it in args)."""
    for arg in exc.args[1:2]:
        if isinstance(arg, attrs.Attribute):
            return arg.name
    match = _NAMED.match(str(exc.args[0])) if exc.args else None
    return match[1] if match else None


def describe_error(exc: BaseException, path: str = "") -> list[str]:
    """Flatten a structuring error into ``field: reason`` lines."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        lines: list[str] = []
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            name = getattr(note, "name", None)
            index = getattr(note, "index", None)
            step = f".{name}" if name is not None else f"[{index}]"
            lines += describe_error(inner, path + step)
        for inner in without:
            lines += describe_error(inner, path)
        return lines
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        keys = ", ".join(sorted(exc.extra_fields))
        return [f"field {path.lstrip('.') or '(record)'}: unknown key(s) {keys}"]
    if isinstance(exc, KeyError):
        return [f"field {path.lstrip('.') or exc.args[0]}: missing"]
    name = _field_of(exc)
    where = (path + ("." + name if name else "")).lstrip(".") or "(record)"
    reason = str(exc.args[0]) if exc.args else type(exc).__name__
    return [f"field {where}: {reason}"]


def structure_record(data: Any, cls: type[Record]) -> Record:
    """Structure one record; raises cattrs' errors for :func:`describe_error`."""
    if not isinstance(data, dict):
        msg = f"a record is a table of fields, got {type(data).__name__}"
        raise TypeError(msg)
    record: Record = CONVERTER.structure(data, cls)
    return record
