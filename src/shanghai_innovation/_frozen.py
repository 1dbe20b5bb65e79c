"""The decorator the record and value classes are made with: attrs.frozen, cheaper to create.

``attrs.frozen`` writes ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__``
for each class as source text and compiles it; compiling is about half the
cost of creating the model's classes, and creating them is most of a first
lookup (see ``benchmarks/README.md``). :func:`frozen` lets attrs generate
``__init__`` (each class's own validators and converters) and gives every
class the same ``__repr__``, ``__eq__`` and ``__hash__``, made from its attrs
fields without compiling anything. They behave as attrs' own: the repr is
``Name(field=value!r, ...)``, instances are equal when they are of the same
class and every field is equal, and equal instances hash alike.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform, overload

import attrs

__all__ = ["frozen"]

C = TypeVar("C", bound=type)


@overload
def frozen(cls: C, /) -> C: ...
@overload
def frozen(**options: Any) -> Callable[[C], C]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(attrs.field,))
def frozen(cls: C | None = None, /, **options: Any) -> C | Callable[[C], C]:
    """``attrs.frozen`` (with its options) and the shared ``__repr__``, ``__eq__``, ``__hash__``."""

    def make(cls: C) -> C:
        built: C = attrs.frozen(cls, repr=False, eq=False, **options)
        _share_methods(built)
        return built

    return make if cls is None else make(cls)


def _share_methods(cls: Any) -> None:
    names = tuple(field.name for field in attrs.fields(cls))
    # The fields as a tuple, read in C; attrgetter of one name gives the bare value.
    values: Callable[[Any], tuple[Any, ...]] = (
        cast(Any, operator.attrgetter(*names))
        if len(names) > 1
        else lambda record: (getattr(record, names[0]),)
    )
    salt = hash(f"shanghai_innovation {cls.__module__}.{cls.__qualname__}")

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(values(self) == values(other))

    def __hash__(self: Any) -> int:
        return hash((salt, *values(self)))

    def __repr__(self: Any) -> str:
        shown = ", ".join(
            f"{name}={value!r}" for name, value in zip(names, values(self), strict=True)
        )
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({shown})"

    for method in (__eq__, __hash__, __repr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
