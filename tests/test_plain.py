"""Plain shapes without cattrs: the same values as the converter, both ways, for every type."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._dataset import DatasetInfo
from shanghai_innovation._plain import field_types, structurer, unstructure
from shanghai_innovation._records import RECORD_TYPES

VALUE_TYPES = (si.Quantity, si.PartialDate, si.Period, si.Locator, si.Citation, DatasetInfo)
ALL_TYPES = RECORD_TYPES + VALUE_TYPES


def as_text(value: Any) -> str:
    """JSON text of plain values, as show and the exports write them."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def test_every_bundled_record_unstructures_as_the_converter_does() -> None:
    """For each bundled record, the plain values and their JSON text equal the converter's."""
    for record in si.load().records():
        expected = CONVERTER.unstructure(record)
        assert (expected, as_text(expected)) == (unstructure(record), as_text(unstructure(record)))


def test_every_bundled_record_structures_back() -> None:
    """The converter's plain values of each bundled record structure back to an equal record."""
    for record in si.load().records():
        assert record == structurer(type(record))(CONVERTER.unstructure(record))


@pytest.mark.parametrize("cls", ALL_TYPES, ids=lambda c: c.__name__)
def test_plain_and_converter_agree_on_generated_values(cls: type[Any]) -> None:
    """For any value of any type: unstructure equals the converter's, and structures back."""

    @given(st.from_type(cls))
    def check(value: Any) -> None:
        raw = CONVERTER.unstructure(value)
        assert raw == unstructure(value)
        assert value == structurer(cls)(json.loads(json.dumps(raw)))

    check()


def test_values_are_read_by_the_converters_hooks() -> None:
    """The converter's strictness holds: no bool for an int, no float for a number, 64 bits."""
    rank = CONVERTER.unstructure(si.load().rankings[0])
    for field, value in (("rank", True), ("rank", 2**63), ("edition", "2020")):
        with pytest.raises((TypeError, ValueError)):
            structurer(si.RankingPosition)({**rank, field: value})
    quantity = {"value": 1.5, "unit": "count", "qualifier": "exact"}
    with pytest.raises(TypeError, match="expected an int or an exact number as text"):
        structurer(si.Quantity)(quantity)


def test_equal_texts_share_one_value() -> None:
    """Each distinct locator or date text is built once: equal records share the value."""
    read = structurer(si.PartialDate | None)
    assert read("2020-11") is read("2020-11")
    assert read(None) is None


def test_a_record_is_an_object_of_fields() -> None:
    """A list where a record belongs, or a key no field has, is refused."""
    with pytest.raises(TypeError, match="expected an object of fields, got list"):
        structurer(si.Citation)(["SHINE", None, None])
    with pytest.raises(ValueError, match=r"unknown key\(s\) colour, size"):
        structurer(si.Quantity)({"value": "1", "unit": "count", "size": 1, "colour": 2})


@attrs.frozen
class Probe:
    """A class the structurer has never seen, with one field of each shape."""

    day: dt.date
    share: Fraction
    topics: tuple[si.Topic, ...]
    where: si.Locator | None = None
    flag: bool = False


def test_a_new_class_needs_nothing() -> None:
    """Structurer and unstructurer follow any attrs class's fields and annotations."""
    plain = {
        "day": "2020-12-31",
        "share": "2/3",
        "topics": ["rd-funding"],
        "where": "shine-2020-12-31#header/1",
        "flag": True,
    }
    probe = structurer(Probe)(plain)
    expected = Probe(
        dt.date(2020, 12, 31),
        Fraction(2, 3),
        (si.Topic.RD_FUNDING,),
        si.Locator("shine-2020-12-31", si.Section.HEADER, 1),
        flag=True,
    )
    assert expected == probe
    assert plain == unstructure(probe)
    assert {"day": dt.date, "share": Fraction, "flag": bool} == {
        k: v for k, v in field_types(Probe).items() if k in {"day", "share", "flag"}
    }


def test_a_type_with_no_plain_shape_is_refused() -> None:
    """A field type the shapes do not cover fails when the structurer is made."""
    with pytest.raises(TypeError, match="no plain structurer for"):
        structurer(dict[str, int])


@pytest.mark.parametrize(
    ("tp", "text", "message"),
    [
        pytest.param(
            si.Locator,
            "shine-2020-12-31#intro/\u0663",
            "not a locator (source#section/paragraph): 'shine-2020-12-31#intro/\u0663'",
            id="locator",
        ),
        pytest.param(
            dt.date,
            "\u0662\u0660\u0662\u0660-12-31",
            "expected a date YYYY-MM-DD, got '\u0662\u0660\u0662\u0660-12-31'",
            id="date",
        ),
    ],
)
def test_only_ascii_digits_are_read(tp: type[Any], text: str, message: str) -> None:
    """Digits of other scripts (int() reads them) are refused alike by _plain and the converter."""
    with pytest.raises(ValueError, match=re.escape(message)):
        structurer(tp)(text)
    with pytest.raises(ValueError, match=re.escape(message)):
        CONVERTER.structure(text, tp)
