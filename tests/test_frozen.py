"""The model's shared repr, eq and hash behave exactly as the ones attrs would generate."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation import _records, _values

#: Every attrs class of the model modules: each must be made with _frozen.frozen.
MODEL = [
    cls
    for module in (_records, _values)
    for cls in vars(module).values()
    if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == module.__name__
]
#: The classes Hypothesis can generate (an Interval is derived from a Quantity).
GENERATED = [cls for cls in MODEL if cls is not si.Interval]


def fields(value: Any) -> list[Any]:
    """A value's fields, in order."""
    return [getattr(value, f.name) for f in attrs.fields(type(value))]


def twin_class(cls: type) -> type:
    """An attrs class with the same name and fields, whose methods attrs generates."""
    return attrs.make_class(cls.__name__, [f.name for f in attrs.fields(cls)], frozen=True)


def test_every_model_class_shares_the_methods() -> None:
    """Each record and value class has the shared repr, eq and hash (a new class too)."""
    assert len(MODEL) >= 18
    for cls in MODEL:
        methods = (cls.__repr__, cls.__eq__, cls.__hash__)
        assert ["shanghai_innovation._frozen"] * 3 == [m.__module__ for m in methods], cls


@pytest.mark.parametrize("cls", GENERATED, ids=lambda c: c.__name__)
def test_shared_methods_agree_with_attrs(cls: type[Any]) -> None:
    """repr, == and hash of two values agree with attrs-generated methods on the same fields."""
    twin = twin_class(cls)

    @given(st.from_type(cls), st.from_type(cls))
    def check(a: Any, b: Any) -> None:
        ta, tb = twin(*fields(a)), twin(*fields(b))
        assert repr(ta) == repr(a)
        assert (ta == tb, ta != tb) == (a == b, a != b)
        same = copy.copy(a)
        assert (True, hash(a)) == (a == same, hash(same))
        assert pickle.loads(pickle.dumps(a)) == a  # noqa: S301 - our own bytes, just made
        assert NotImplemented is a.__eq__(ta)

    check()


def test_bounds_print_and_compare_as_attrs_would() -> None:
    """Intervals (derived, never generated) print and compare like attrs' own."""
    twin = twin_class(si.Interval)
    for quantity in (m.quantity for m in si.load().metrics):
        bounds = quantity.bounds
        assert repr(twin(*fields(bounds))) == repr(bounds)
        assert bounds == quantity.bounds
        assert hash(bounds) == hash(quantity.bounds)


def test_a_field_differs_so_the_values_differ() -> None:
    """Changing any one field makes a record unequal (every field is compared)."""
    metric = si.lookup("rd-spending-2019")
    for name, value in (("measure", "x"), ("topics", ()), ("as_of", None), ("part_of", "y")):
        assert metric != attrs.evolve(metric, **{name: value})
