"""Records to Arrow tables and back, through the table specs.

Importing this module imports pyarrow; nothing imports it at package import.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from ._convert import CONVERTER
from ._records import Record
from ._schema import Column, TableSpec, row_to_unstructured

__all__ = ["arrow_schema", "arrow_type", "from_arrow", "to_arrow"]


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a column is stored as."""
    match column.kind:
        case "string":
            return pa.string()
        case "integer":
            return pa.int64()
        case "number":
            return pa.float64()
        case "boolean":
            return pa.bool_()
        case "date":
            return pa.date32()
        case "enum":
            return pa.dictionary(pa.int32(), pa.string())
        case "list":
            # "element" is the name Parquet gives list items; using it makes the
            # schema read back from a file equal the one written.
            return pa.list_(pa.field("element", pa.string(), nullable=False))


def _field_metadata(column: Column) -> dict[bytes, bytes]:
    meta = {"description": column.description, "field": column.field}
    if column.unit is not None:
        meta["unit"] = column.unit
    if column.derived:
        meta["derived"] = "true"
    if column.references is not None:
        meta["references"] = column.references
    if column.enum is not None:
        meta["enum"] = json.dumps(column.enum)
    return {k.encode(): v.encode() for k, v in meta.items()}


@functools.cache
def arrow_schema(spec: TableSpec) -> pa.Schema:
    """The Arrow schema of a table: typed columns, each with its description and unit."""
    fields = [
        pa.field(c.name, arrow_type(c), nullable=not c.required, metadata=_field_metadata(c))
        for c in spec.columns
    ]
    return pa.schema(fields, metadata={b"table": spec.name.encode()})


def _column_array(column: Column, values: list[Any]) -> pa.Array:
    if column.kind == "enum":
        assert column.enum is not None  # noqa: S101 - every enum column lists its tokens
        # A fixed dictionary (every token, in vocabulary order) keeps files stable.
        dictionary = pa.array(column.enum, pa.string())
        index = {token: i for i, token in enumerate(column.enum)}
        indices = pa.array([None if v is None else index[v] for v in values], pa.int32())
        return pa.DictionaryArray.from_arrays(indices, dictionary)
    return pa.array(values, type=arrow_type(column))


def to_arrow(spec: TableSpec, records: Iterable[Record]) -> pa.Table:
    """A table of records as an Arrow table, column by column."""
    rows = records if isinstance(records, Sequence) else list(records)
    arrays = [_column_array(c, [c.get(r) for r in rows]) for c in spec.columns]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(spec))


def from_arrow(spec: TableSpec, table: pa.Table) -> list[Record]:
    """Arrow table to records, from the truth columns; raises the converter's errors."""
    names = [c.name for c in spec.columns if c.path is not None]
    columns = {name: table.column(name).to_pylist() for name in names}
    records: list[Record] = []
    for i in range(table.num_rows):
        row = {name: values[i] for name, values in columns.items()}
        records.append(CONVERTER.structure(row_to_unstructured(spec, row), spec.record_type))
    return records
