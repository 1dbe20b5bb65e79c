"""Records to Arrow and back: identity on the bundled data, also through Parquet."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given

import shanghai_innovation as si
from shanghai_innovation._convert import describe_error
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._formats.arrow import (
    _column_array,
    _fast_from_arrow,
    _slow_from_arrow,
    arrow_schema,
    from_arrow,
    to_arrow,
)
from shanghai_innovation._schema import table_spec, table_specs
from shanghai_innovation.testing import datasets


def slow_to_arrow(name: str, records: tuple[si.Record, ...]) -> pa.Table:
    """The reference path: one dict per record through the spec, then from_pylist."""
    spec = table_spec(name)
    return pa.Table.from_pylist([spec.row(r) for r in records], schema=arrow_schema(spec))


@pytest.mark.parametrize("name", TABLES)
def test_to_arrow_equals_the_row_by_row_reference(name: str) -> None:
    """The column-wise fast path gives exactly the table the row dicts give."""
    records = si.load().table(name)
    slow, fast = slow_to_arrow(name, records), to_arrow(table_spec(name), records)
    assert (slow.schema, slow.to_pylist()) == (fast.schema, fast.to_pylist())


def getter_to_arrow(name: str, records: tuple[si.Record, ...]) -> pa.Table:
    """The plain column-wise path: every column's getter on every record."""
    spec = table_spec(name)
    arrays = [_column_array(c, [c.get(r) for r in records]) for c in spec.columns]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(spec))


@pytest.mark.parametrize("name", TABLES)
def test_to_arrow_equals_the_getters_exactly(name: str) -> None:
    """The memoised fast path equals every getter on every record, dictionaries included."""
    records = si.load().table(name)
    assert getter_to_arrow(name, records).equals(to_arrow(table_spec(name), records))


@pytest.mark.parametrize("name", TABLES)
def test_from_arrow_gives_back_the_records(name: str) -> None:
    """to_arrow then from_arrow is the identity on every bundled table."""
    spec = table_spec(name)
    records = si.load().table(name)
    assert list(records) == from_arrow(spec, to_arrow(spec, records))


@pytest.mark.parametrize("name", TABLES)
def test_round_trip_through_parquet_in_memory(name: str) -> None:
    """Records survive Parquet in memory, schema and metadata included."""
    spec = table_spec(name)
    records = si.load().table(name)
    buffer = io.BytesIO()
    pq.write_table(to_arrow(spec, records), buffer)
    table = pq.read_table(io.BytesIO(buffer.getvalue()))
    assert (arrow_schema(spec), list(records)) == (table.schema, from_arrow(spec, table))


@pytest.mark.parametrize("name", TABLES)
def test_fast_and_converter_paths_agree(name: str) -> None:
    """The column-wise reader succeeds on its own and equals the converter, row by row."""
    spec = table_spec(name)
    table = to_arrow(spec, si.load().table(name))
    assert _slow_from_arrow(spec, table) == _fast_from_arrow(spec, table)


@given(datasets())
def test_round_trip_of_generated_datasets(ds: si.Dataset) -> None:
    """Generated records of every table come back equal, and both paths agree."""
    for spec in table_specs():
        records = ds.table(spec.name)
        table = to_arrow(spec, records)
        assert slow_to_arrow(spec.name, records).to_pylist() == table.to_pylist()
        assert getter_to_arrow(spec.name, records).equals(table)
        assert list(records) == _fast_from_arrow(spec, table)
        assert list(records) == _slow_from_arrow(spec, table)


def test_from_arrow_reads_a_sliced_chunked_table() -> None:
    """Slices and several chunks (as Parquet may give) read back the same records."""
    spec = table_spec("entities")
    records = si.load().entities
    table = to_arrow(spec, records)
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(2)])
    assert (list(records[1:]), list(records)) == (
        from_arrow(spec, table.slice(1)),
        _fast_from_arrow(spec, chunked),
    )


def test_empty_table_round_trips() -> None:
    """No records give an empty typed table, and back no records."""
    spec = table_spec("metrics")
    table = to_arrow(spec, [])
    assert (0, arrow_schema(spec), []) == (table.num_rows, table.schema, from_arrow(spec, table))


def test_from_arrow_reports_a_bad_value() -> None:
    """A corrupt cell raises an error (the converter's), not a wrong record."""
    spec = table_spec("pledges")
    table = to_arrow(spec, si.load().pledges)
    index = table.schema.get_field_index("horizon_exact")
    bad = table.set_column(
        index, table.schema.field(index), pa.array(["x"] * table.num_rows, pa.string())
    )
    with pytest.raises(Exception) as info:  # noqa: PT011 - the converter's error group
        from_arrow(spec, bad)
    assert ["field horizon.value: not an exact number: 'x' (write 3.5, 16000 or 2/3)"] == sorted(
        set(describe_error(info.value))
    )
