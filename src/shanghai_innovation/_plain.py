"""Records to and from plain JSON values, without cattrs, worked out from the attrs fields.

The shapes are the converter's (see ``_convert``): exact numbers as text, dates
and partial dates as ISO text, a locator as ``source#section/paragraph``,
enums as their token, tuples as lists, value types as objects. This module
holds the value hooks (the converter registers these same functions), and a
structurer and an unstructurer made once per type from its attrs fields and
their annotations, so a field added to a record needs nothing here.

Importing cattrs and generating its code costs more than the rest of a first
lookup, so the compiled bundled data (``_compiled``) and ``shanghai-innovation
show`` use this module. Everything that reads outside data (a ``--data``
folder, a release) goes through the converter, whose errors name the field.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import sys
import types
import typing
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

import attrs

from ._values import Locator, PartialDate, format_fraction, parse_fraction
from ._vocab import Section

__all__ = [
    "STRUCTURE_HOOKS",
    "UNSTRUCTURE_HOOKS",
    "field_types",
    "structure_locator",
    "structurer",
    "unstructure",
]

# Exports store whole numbers as 64-bit integers and numbers as 64-bit floats.
_INT64: Final = range(-(2**63), 2**63)
_FLOAT_MAX: Final = Fraction(sys.float_info.max)
# ASCII digits only: \d would also take other scripts' digits.
_LOCATOR: Final = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)#([a-z0-9-]+)/([1-9][0-9]*)")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def structure_locator(value: Any, _: Any) -> Locator:
    """A locator from its text ``source#section/paragraph``."""
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


def _structure_date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        msg = f"expected a date without a time, got {value.isoformat()}"
        raise TypeError(msg)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    msg = f"expected a date YYYY-MM-DD, got {value!r}"
    raise ValueError(msg)


def _structure_partial_date(value: Any, _: Any) -> PartialDate:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return PartialDate.from_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return PartialDate(value)
    return PartialDate.parse(value)


def _strict_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        msg = f"expected text, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected a whole number, got {type(value).__name__}"
        raise TypeError(msg)
    if value not in _INT64:
        msg = f"expected a whole number that fits in 64 bits, got {value}"
        raise ValueError(msg)
    return value


def _structure_fraction(value: Any, _: Any) -> Fraction:
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


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {type(value).__name__}"
        raise TypeError(msg)
    return value


#: How each value type is read from plain values: the converter registers
#: these hooks, and :func:`structurer` calls them, so both check alike.
STRUCTURE_HOOKS: Final[dict[Any, Callable[[Any, Any], Any]]] = {
    str: _strict_str,
    enum.StrEnum: _structure_token,
    int: _strict_int,
    bool: _strict_bool,
    Fraction: _structure_fraction,
    dt.date: _structure_date,
    PartialDate: _structure_partial_date,
    Locator: structure_locator,
}

#: How each value type is written as a plain value (the converter registers these too).
UNSTRUCTURE_HOOKS: Final[dict[type, Callable[[Any], Any]]] = {
    Fraction: format_fraction,
    dt.date: dt.date.isoformat,
    PartialDate: str,
    Locator: str,
    enum.StrEnum: _unstructure_token,
}

# Annotations are text (``from __future__ import annotations``): each distinct
# text is evaluated once per module, where typing.get_type_hints would compile
# every annotation of every class again (eight times the cost at first load).
_EVALUATED: dict[tuple[str, str], Any] = {}


def field_types(cls: type) -> dict[str, Any]:
    """Each attrs field's type, its annotation evaluated in the class's module."""
    namespace = vars(sys.modules[cls.__module__])
    found: dict[str, Any] = {}
    for field in attrs.fields(cls):
        tp = field.type
        if isinstance(tp, str):
            key = (cls.__module__, tp)
            if key not in _EVALUATED:
                # Our own classes' annotation text, evaluated as typing.get_type_hints does.
                _EVALUATED[key] = eval(tp, namespace)  # noqa: S307
            tp = _EVALUATED[key]
        found[field.name] = tp
    return found


_STRUCTURERS: dict[Any, Callable[[Any], Any]] = {}


def structurer(tp: Any) -> Callable[[Any], Any]:
    """The function reading plain values into a ``tp``, made once per type.

    It raises (``TypeError``, ``ValueError``, ``KeyError``) on anything the
    converter would refuse: a wrong type, an unknown token or key, a value a
    validator rejects (every record is built by its class, so every attrs
    validator runs). It does not word the error: callers that must say what
    is wrong use the converter.
    """
    made = _STRUCTURERS.get(tp)
    if made is None:
        made = _STRUCTURERS[tp] = _make_structurer(tp)
    return made


def _make_structurer(tp: Any) -> Callable[[Any], Any]:
    hook = STRUCTURE_HOOKS.get(tp)
    if hook is not None and tp in (str, int, bool):
        return lambda value: hook(value, tp)
    if hook is not None:
        # A value type: each distinct text is read and validated once, and the
        # records share the (equal, immutable) value, as from_arrow does.
        seen: dict[Any, Any] = {}

        def value_of(value: Any) -> Any:
            if not isinstance(value, str):
                return hook(value, tp)
            found = seen.get(value)
            if found is None:
                found = seen[value] = hook(value, tp)
            return found

        return value_of
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = structurer(args[0] if args[1] is type(None) else args[1])
        return lambda value: None if value is None else inner(value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = structurer(args[0])

        def tuple_of(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                msg = f"expected a list, got {type(value).__name__}"
                raise TypeError(msg)
            return tuple(map(item, value))

        return tuple_of
    if isinstance(tp, type) and issubclass(tp, enum.StrEnum):
        token = STRUCTURE_HOOKS[enum.StrEnum]
        return lambda value: token(value, tp)
    if isinstance(tp, type) and attrs.has(tp):
        return _attrs_structurer(tp)
    msg = f"no plain structurer for {tp!r}"
    raise TypeError(msg)


def _attrs_structurer(cls: type) -> Callable[[Any], Any]:
    types_of = field_types(cls)
    fields = [(f.name, f.alias, structurer(types_of[f.name])) for f in attrs.fields(cls) if f.init]
    known = frozenset(name for name, _, _ in fields)

    def structure(value: Any) -> Any:
        if not isinstance(value, dict):
            msg = f"expected an object of fields, got {type(value).__name__}"
            raise TypeError(msg)
        if not value.keys() <= known:
            unknown = ", ".join(sorted(value.keys() - known))
            msg = f"unknown key(s) {unknown}"
            raise ValueError(msg)
        return cls(**{alias: make(value[name]) for name, alias, make in fields if name in value})

    return structure


_UNSTRUCTURERS: dict[type, Callable[[Any], Any]] = {}


def unstructure(value: Any) -> Any:
    """A value as plain JSON values, exactly as the converter unstructures it."""
    cls = type(value)
    made = _UNSTRUCTURERS.get(cls)
    if made is None:
        made = _UNSTRUCTURERS[cls] = _make_unstructurer(cls)
    return made(value)


def _identity(value: Any) -> Any:
    return value


def _as_list(value: Any) -> list[Any]:
    return [unstructure(item) for item in value]


def _make_unstructurer(cls: type) -> Callable[[Any], Any]:
    for kind, hook in UNSTRUCTURE_HOOKS.items():
        if issubclass(cls, kind) and not issubclass(cls, dt.datetime):
            return hook
    if issubclass(cls, tuple | list):
        return _as_list
    if attrs.has(cls):
        names = [f.name for f in attrs.fields(cls)]
        return lambda record: {name: unstructure(getattr(record, name)) for name in names}
    return _identity
