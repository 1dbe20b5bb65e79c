"""Records read well: a one-line str, the attrs repr, and to_dict/to_json as show prints them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._records import SUMMARY_WIDTH
from shanghai_innovation.testing import datasets


@pytest.mark.parametrize(
    ("id", "expected"),
    [
        (
            "rd-spending-2019",
            "Metric rd-spending-2019: Spending on research and development in the year: "
            "over 1.5 trillion CNY (2019)",
        ),
        ("shanghai", "Entity shanghai: Shanghai"),
        ("biomedicine", "Entity biomedicine: biomedicine"),
        (
            "2020-01-09-institutes-open",
            "Event 2020-01-09-institutes-open: Two new research institutes open (2020-01-09)",
        ),
        (
            "nature-index-2020-shanghai",
            "RankingPosition nature-index-2020-shanghai: ranking nature-index-science-cities, "
            "subject shanghai, edition 2020, rank 5 (2020)",
        ),
        (
            "global-innovation-hub-pledge",
            "Pledge global-innovation-hub-pledge: Grow into a worldwide centre of innovation: "
            "20 years (2015)",
        ),
        ("erratum-hard-x-day-device", "Erratum erratum-hard-x-day-device: hard X-day device"),
    ],
)
def test_str_is_one_readable_line(id: str, expected: str) -> None:
    """str(record): class, id, its name or words, its number and its date."""
    assert expected == str(si.lookup(id))


def test_str_of_every_record_is_one_short_line_and_repr_stays_attrs() -> None:
    """No record prints over several lines; the summary is cut to its width; repr is attrs'."""
    for record in si.load():
        text = str(record)
        assert "\n" not in text
        assert text.startswith(f"{type(record).__name__} {record.id}: ")
        assert repr(record).startswith(f"{type(record).__name__}(id={record.id!r}, ")
    long = si.lookup("planning-horizon")
    summary = str(long).split(": ")[1]
    assert (True, True) == (summary.endswith("ending\u2026"), len(summary) <= SUMMARY_WIDTH)
    assert long.measure.startswith(summary[:-1])
    assert len(long.measure) > SUMMARY_WIDTH


@given(datasets(), st.data())
def test_to_dict_is_the_converter_shape_and_to_json_its_text(
    ds: si.Dataset, data_: st.DataObject
) -> None:
    """to_dict() equals the converter's unstructured form; to_json parses back to it."""
    record = data_.draw(st.sampled_from(list(ds)))
    data = record.to_dict()
    assert CONVERTER.unstructure(record) == data
    assert data == json.loads(record.to_json())
    assert record == CONVERTER.structure(data, type(record))
    assert json.dumps(data) == json.dumps(json.loads(json.dumps(data)))  # plain JSON values
    assert "\n" not in record.to_json(indent=None)


def test_to_dict_holds_tokens_and_exact_numbers() -> None:
    """Vocabulary members become plain str tokens, numbers exact text."""
    data = si.lookup("rd-spending-2019").to_dict()
    assert ({"value": "1500000000000", "unit": "CNY", "qualifier": "over"}, str) == (
        data["quantity"],
        type(data["quantity"]["unit"]),
    )


def test_show_prints_to_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`shanghai-innovation show ID` prints exactly the record's to_json()."""
    assert 0 == _cli.main(["show", "fosun-mrna-vaccine"])
    assert si.lookup("fosun-mrna-vaccine").to_json() + "\n" == capsys.readouterr().out
