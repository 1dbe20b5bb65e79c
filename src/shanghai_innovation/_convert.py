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

import datetime as dt
import enum
import re
import sys
from fractions import Fraction
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from ._records import Record
from ._values import Locator, PartialDate, format_fraction, parse_fraction
from ._vocab import Section

__all__ = ["CONVERTER", "describe_error", "make_converter", "structure_record"]

_NAMED: Final = re.compile(r"'(\w+)' must ")
# Exports store whole numbers as 64-bit integers and numbers as 64-bit floats.
_INT64: Final = range(-(2**63), 2**63)
_FLOAT_MAX: Final = Fraction(sys.float_info.max)
_LOCATOR: Final = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)#([a-z0-9-]+)/([1-9][0-9]*)")


def _structure_locator(value: Any, _: type) -> Locator:
    if not isinstance(value, str):
        msg = f"a locator is text like 'source#section/3', got {type(value).__name__}"
        raise TypeError(msg)
    match = _LOCATOR.fullmatch(value)
    if match is None:
        msg = f"not a locator (source#section/paragraph): {value!r}"
        raise ValueError(msg)
    paragraph = int(match[3])
    if paragraph not in _INT64:
        msg = f"paragraph does not fit in 64 bits: {paragraph}"
        raise ValueError(msg)
    return Locator(match[1], Section(match[2]), paragraph)


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        msg = f"expected a date without a time, got {value.isoformat()}"
        raise TypeError(msg)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return dt.date.fromisoformat(value)
    msg = f"expected a date YYYY-MM-DD, got {value!r}"
    raise ValueError(msg)


def _structure_partial_date(value: Any, _: type) -> PartialDate:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return PartialDate.from_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return PartialDate(value)
    return PartialDate.parse(value)


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        msg = f"expected text, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected a whole number, got {type(value).__name__}"
        raise TypeError(msg)
    if value not in _INT64:
        msg = f"expected a whole number that fits in 64 bits, got {value}"
        raise ValueError(msg)
    return value


def _structure_fraction(value: Any, _: type) -> Fraction:
    number = parse_fraction(value)
    if abs(number) > _FLOAT_MAX:
        msg = "too large a number to export (over 1.8e308)"
        raise ValueError(msg)
    return number


def _structure_token(value: Any, kind: type[enum.StrEnum]) -> enum.StrEnum:
    # A vocabulary is a StrEnum, so without this hook the one for str would
    # claim it (cattrs dispatches on the first class of the MRO it knows).
    return kind(value)


def _unstructure_token(member: enum.StrEnum) -> str:
    return member.value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def make_converter() -> cattrs.Converter:
    """Build the converter; every hook is registered here and nowhere else."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(enum.StrEnum, _structure_token)
    conv.register_unstructure_hook(enum.StrEnum, _unstructure_token)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_unstructure_hook(Fraction, format_fraction)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(PartialDate, _structure_partial_date)
    conv.register_unstructure_hook(PartialDate, str)
    conv.register_structure_hook(Locator, _structure_locator)
    conv.register_unstructure_hook(Locator, str)
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

