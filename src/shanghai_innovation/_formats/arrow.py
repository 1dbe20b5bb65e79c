"""Records to Arrow tables and back, through the table specs.

Both directions work column by column, which is what makes them fast at a
million records (see ``benchmarks/``):

- :func:`to_arrow` reads each record field once; a field that flattens into
  several columns (a quantity, a date, a locator, ...) is flattened once per
  distinct value, by the spec's own column getters, so the cells are exactly
  what :meth:`TableSpec.row` gives.
- :func:`from_arrow` reads each column once (``to_numpy().tolist()``, which
  is many times faster than ``to_pylist``), builds each distinct value
  (quantity, partial date, locator, ...) once, and calls the record class,
  whose validators check every field. Should anything fail, or the table's
  types differ from the spec's, it falls back to the converter, row by row,
  which raises the converter's located errors.

Importing this module imports pyarrow; nothing imports it at package import.
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import operator
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs
import pyarrow as pa

from shanghai_innovation._index import gc_paused
from shanghai_innovation._records import Record
from shanghai_innovation._schema import Column, TableSpec, row_to_unstructured
from shanghai_innovation._values import (
    Locator,
    PartialDate,
    Period,
    Quantity,
    format_fraction,
    parse_fraction,
)
from shanghai_innovation._vocab import Qualifier, Unit

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


def _dictionary_array(column: Column, indices: list[Any]) -> pa.Array:
    assert column.enum is not None  # noqa: S101 - every enum column lists its tokens
    # A fixed dictionary (every token, in vocabulary order) keeps files stable.
    dictionary = pa.array(column.enum, pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), dictionary)


def _column_array(column: Column, values: list[Any]) -> pa.Array:
    if column.kind == "enum":
        assert column.enum is not None  # noqa: S101 - every enum column lists its tokens
        index = {token: i for i, token in enumerate(column.enum)}
        return _dictionary_array(column, [None if v is None else index[v] for v in values])
    return pa.array(values, type=arrow_type(column))


_PLAIN_KINDS = frozenset({"string", "integer", "boolean", "date"})


@attrs.frozen
class _Group:
    """The columns flattened from one record field (or one derived property)."""

    #: The record field read, or None for columns computed from the whole record.
    field: str | None
    #: ``(position in the table, column)`` pairs.
    columns: tuple[tuple[int, Column], ...]

    @property
    def plain(self) -> bool:
        """One column holding the field's value as it is (text, number, bool, date, ids).

        A tuple of ids is given to Arrow as it is; Arrow reads a tuple as a list.
        """
        if len(self.columns) != 1:
            return False
        column = self.columns[0][1]
        if column.path != (self.field,):
            return False
        return column.kind in _PLAIN_KINDS or (column.kind == "list" and column.enum is None)


@functools.cache
def _groups(spec: TableSpec) -> tuple[_Group, ...]:
    names = [f.name for f in attrs.fields(spec.record_type)]  # type: ignore[arg-type]
    found: dict[str | None, list[tuple[int, Column]]] = {name: [] for name in names}
    loose: list[_Group] = []
    for position, column in enumerate(spec.columns):
        head = column.field.split(".")[0]
        if head in found:
            found[head].append((position, column))
        else:  # a property computed from the whole record
            loose.append(_Group(None, ((position, column),)))
    groups = [_Group(name, tuple(cols)) for name, cols in found.items() if cols]
    return (*groups, *loose)


#: The cells a quantity flattens into, by (field below the quantity, column kind).
_QUANTITY_CELLS: Final = (
    ("value", "string"),
    ("unit", "enum"),
    ("qualifier", "enum"),
    ("value", "number"),
    ("bounds.lower", "number"),
    ("bounds.lower_inclusive", "boolean"),
    ("bounds.upper", "number"),
    ("bounds.upper_inclusive", "boolean"),
)


def _quantity_maker(
    columns: Sequence[Column], name: str
) -> Callable[[Quantity | None], tuple[Any, ...]] | None:
    """All of a quantity's cells in one call (``bounds`` computed once), if the columns are known.

    Gives what the columns' getters give (the tests hold it to
    :meth:`TableSpec.row`); ``None`` when a column is not one of
    :data:`_QUANTITY_CELLS`, and the getters are used instead.
    """
    try:
        order = [_QUANTITY_CELLS.index((c.field.removeprefix(f"{name}."), c.kind)) for c in columns]
    except ValueError:
        return None
    units = {u: i for i, u in enumerate(Unit)}
    qualifiers = {q: i for i, q in enumerate(Qualifier)}
    for column in columns:  # enum cells are indices into the column's own token order
        if column.field.endswith(".unit"):
            units = {u: (column.enum or ()).index(u.value) for u in Unit}
        elif column.field.endswith(".qualifier"):
            qualifiers = {q: (column.enum or ()).index(q.value) for q in Qualifier}
    pick = operator.itemgetter(*order)
    nones = (None,) * len(columns)

    def make(q: Quantity | None) -> tuple[Any, ...]:
        if q is None:
            return nones
        value = q.value
        bounds = q.bounds
        lower, upper = bounds.lower, bounds.upper
        cells = (
            format_fraction(value),
            units[q.unit],
            qualifiers[q.qualifier],
            value.numerator / value.denominator,
            None if lower is None else lower.numerator / lower.denominator,
            None if lower is None else bounds.lower_inclusive,
            None if upper is None else upper.numerator / upper.denominator,
            None if upper is None else bounds.upper_inclusive,
        )
        picked = pick(cells)
        return picked if len(order) > 1 else (picked,)

    return make


def _cell_maker(columns: Sequence[Column], name: str, tp: Any) -> Callable[[Any], tuple[Any, ...]]:
    """The cells of a group for one field value, via the spec's getters on a stand-in record."""
    indexes = [
        {token: i for i, token in enumerate(c.enum)} if c.kind == "enum" and c.enum else None
        for c in columns
    ]
    getters = [c.get for c in columns]

    def make(value: Any) -> tuple[Any, ...]:
        stand_in = types.SimpleNamespace(**{name: value})
        cells = []
        for get, index in zip(getters, indexes, strict=True):
            cell = get(stand_in)
            cells.append(cell if index is None or cell is None else index[cell])
        return tuple(cells)

    if _unwrap(tp) is Quantity:
        direct = _quantity_maker(columns, name)
        if direct is not None:
            return direct
    return make


class _Memo(dict[Any, tuple[Any, ...]]):
    """Cells of each distinct value, made on first sight (the lookups run in C)."""

    def __init__(self, make: Callable[[Any], tuple[Any, ...]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> tuple[Any, ...]:
        cells = self[value] = self.make(value)
        return cells


def to_arrow(spec: TableSpec, records: Iterable[Record]) -> pa.Table:
    """A table of records as an Arrow table, column by column.

    The cells are exactly those of :meth:`TableSpec.row` for each record.
    """
    with gc_paused():
        return _to_arrow(spec, records)


def _to_arrow(spec: TableSpec, records: Iterable[Record]) -> pa.Table:
    rows = records if isinstance(records, Sequence) else list(records)
    arrays: list[pa.Array | None] = [None] * len(spec.columns)
    for group in _groups(spec):
        if group.field is None:
            ((position, column),) = group.columns
            arrays[position] = _column_array(column, [column.get(r) for r in rows])
            continue
        values = [getattr(r, group.field) for r in rows]
        if group.plain:
            position, column = group.columns[0]
            arrays[position] = pa.array(values, type=arrow_type(column))
            continue
        columns = [c for _, c in group.columns]
        make = _cell_maker(columns, group.field, _hints(spec.record_type)[group.field])
        if values.count(None) == len(values):  # an optional field nobody set
            for position, column in group.columns:
                arrays[position] = (
                    _dictionary_array(column, values)
                    if column.kind == "enum"
                    else pa.nulls(len(values), arrow_type(column))
                )
            continue
        cells = list(map(_Memo(make).__getitem__, values))
        transposed = list(zip(*cells, strict=True)) if cells else [()] * len(columns)
        for (position, column), column_cells in zip(group.columns, transposed, strict=True):
            if column.kind == "enum":
                arrays[position] = _dictionary_array(column, list(column_cells))
            else:
                arrays[position] = pa.array(column_cells, type=arrow_type(column))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(spec))


# Arrow to records.


def _slow_from_arrow(spec: TableSpec, table: pa.Table) -> list[Record]:
    from shanghai_innovation._convert import CONVERTER  # noqa: PLC0415 - only when the fast path fails

    names = [c.name for c in spec.columns if c.path is not None]
    columns = {name: table.column(name).to_pylist() for name in names}
    records: list[Record] = []
    for i in range(table.num_rows):
        row = {name: values[i] for name, values in columns.items()}
        records.append(CONVERTER.structure(row_to_unstructured(spec, row), spec.record_type))
    return records


def _values(array: pa.ChunkedArray | pa.Array, column: Column) -> list[Any]:
    """A column's cells as Python values: enums as tokens, lists as tuples."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if column.kind == "enum":
        tokens: list[Any] = [*array.dictionary.to_pylist(), None]
        return [tokens[i] for i in array.indices.fill_null(-1).to_numpy().tolist()]
    if column.kind == "list":
        if array.null_count:
            return [None if v is None else tuple(v) for v in array.to_pylist()]
        items = array.values.to_numpy(zero_copy_only=False).tolist()
        offsets = array.offsets.to_numpy().tolist()
        return [tuple(items[a:b]) for a, b in itertools.pairwise(offsets)]
    if array.null_count and column.kind in ("integer", "boolean"):
        listed: list[Any] = array.to_pylist()  # to_numpy would turn them into floats
        return listed
    return array.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]


def _memo(build: Callable[..., Any]) -> Callable[..., Any]:
    """Build each distinct value once; all-missing parts give None."""
    cache: dict[tuple[Any, ...], Any] = {}

    def get(*parts: Any) -> Any:
        value = cache.get(parts, cache)
        if value is cache:
            if all(p is None for p in parts):
                value = None
            elif any(p is None for p in parts[:1]):
                msg = f"incomplete value {parts!r}"
                raise ValueError(msg)
            else:
                value = build(*parts)
            cache[parts] = value
        return value

    return get


def _parse_locator(text: str) -> Locator:
    from shanghai_innovation._plain import structure_locator  # noqa: PLC0415 - the one locator grammar

    return structure_locator(text, Locator)


def _hints(cls: type) -> dict[str, Any]:
    from shanghai_innovation._schema import _hints as hints  # noqa: PLC0415 - the spec's own type resolution

    return hints(cls)


def _unwrap(tp: Any) -> Any:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        return next(a for a in args if a is not type(None))
    return tp


def _field_values(
    tp: Any, path: tuple[str, ...], cells: dict[tuple[str, ...], list[Any]], n: int
) -> list[Any]:
    """The values of one record field (or nested field) for every row."""
    inner = _unwrap(tp)

    def part(*sub: str) -> list[Any]:
        return cells[(*path, *sub)]

    if inner is Quantity:
        units = {u.value: u for u in Unit}
        qualifiers = {q.value: q for q in Qualifier}
        quantity = _memo(lambda e, u, q: Quantity(parse_fraction(e), units[u], qualifiers[q]))
        return list(map(quantity, part("value"), part("unit"), part("qualifier")))
    if inner is PartialDate:
        return list(map(_memo(PartialDate.parse), part()))
    if inner is Locator:
        return list(map(_memo(_parse_locator), part()))
    if inner is Period:
        period = _memo(
            lambda s, e, d, how: Period(PartialDate.parse(s), PartialDate.parse(e), d, how)
        )
        return list(map(period, part("start"), part("end"), part("derived"), part("derivation")))
    if attrs.has(inner):
        hints = _hints(inner)
        fields = [
            _field_values(hints[f.name], (*path, f.name), cells, n) for f in attrs.fields(inner)
        ]
        nested = _memo(inner)
        return [nested(*args) for args in zip(*fields, strict=True)]
    if typing.get_origin(inner) is tuple:
        item = typing.get_args(inner)[0]
        values = part()
        if isinstance(item, type) and issubclass(item, enum.Enum):
            members = _memo(lambda *tokens: tuple(item(t) for t in tokens))
            return [() if v == () else members(*v) for v in values]
        return values
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        lookup: dict[Any, Any] = {m.value: m for m in inner}
        lookup[None] = None
        return [lookup[v] for v in part()]
    return part()


def _fast_from_arrow(spec: TableSpec, table: pa.Table) -> list[Record]:
    truth = [c for c in spec.columns if c.path is not None]
    cells: dict[tuple[str, ...], list[Any]] = {}
    for column in truth:
        assert column.path is not None  # noqa: S101 - filtered above
        cells[column.path] = _values(table.column(column.name), column)
    cls = spec.record_type
    hints = _hints(cls)
    n = table.num_rows
    fields = [_field_values(hints[f.name], (f.name,), cells, n) for f in attrs.fields(cls)]  # type: ignore[arg-type]
    return [cls(*args) for args in zip(*fields, strict=True)]


def _same_types(spec: TableSpec, schema: pa.Schema) -> bool:
    for column in spec.columns:
        if column.path is None:
            continue
        index = schema.get_field_index(column.name)
        if index < 0 or not schema.field(index).type.equals(arrow_type(column)):
            return False
    return True


def from_arrow(spec: TableSpec, table: pa.Table) -> list[Record]:
    """Arrow table to records, from the truth columns; raises the converter's errors.

    Every record is built by its class, so every validator runs. The fast
    column-wise path is used when the table has the spec's types; any
    failure there falls back to the converter, whose errors are raised.
    """
    if _same_types(spec, table.schema):
        try:
            return _fast_from_arrow(spec, table)
        except Exception:  # noqa: S110 - the converter says what is wrong
            pass
    return _slow_from_arrow(spec, table)
