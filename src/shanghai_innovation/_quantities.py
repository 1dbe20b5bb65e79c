"""Every stated quantity as one tidy table: a row per number, its unit and hedge beside it.

The tables of the release hold a record per row, so the ``metrics`` table
mixes yuan, percentages, ratios and counts in one ``quantity_value`` column,
and a second quantity (a metric's ``equivalent``, a ranking's ``out_of``) in
other columns. This view lists every :class:`~shanghai_innovation.Quantity`
field of every record, one row each, so filtering on ``unit`` (and reading
``qualifier``) comes before any arithmetic.

Its columns: which record and field the number comes from (``table``,
``id``, ``field``), what it is about (``subject``, ``measure``), the number
as the table specs flatten every quantity (``quantity_exact``,
``quantity_unit``, ``quantity_qualifier``, ``quantity_value``,
``quantity_lower``, ``quantity_upper`` and their inclusivity: the same
columns, descriptions and types as in the metrics table), and the record's
date (``date``, ``first_day``, ``last_day``; see
:func:`~shanghai_innovation.when`).

Importing this module imports pyarrow.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs
import pyarrow as pa

from ._formats.arrow import _column_array as column_array
from ._formats.arrow import _field_metadata as field_metadata
from ._formats.arrow import arrow_type
from ._index import when
from ._records import RECORD_TYPES, Record
from ._schema import Column, quantity_columns
from ._values import Quantity

if TYPE_CHECKING:
    from ._dataset import Dataset

__all__ = ["COLUMNS", "quantities_table", "quantity_fields"]

#: The quantity as the table specs flatten it (the metrics table's ``quantity_*`` columns).
_QUANTITY: Final[tuple[Column, ...]] = quantity_columns("quantity", "The number as stated.")


def _text(name: str, description: str, *, required: bool = True) -> Column:
    return Column(name=name, kind="string", description=description, field=name, required=required)


def _day(name: str, description: str) -> Column:
    return Column(name=name, kind="date", description=description, field=name, required=False)


_BEFORE: Final = (
    _text("table", "The table of the record stating the number."),
    _text("id", "The id of that record."),
    _text("field", "The record's field holding the number (quantity, equivalent, ...)."),
    _text("subject", "The entity the number is about, when the record names one.", required=False),
    _text(
        "measure",
        "What is measured: the record's own words for it (a metric's measure, a "
        "reference's statement, ...), else the field's description.",
    ),
)
_AFTER: Final = (
    _text(
        "date", "The record's date, as precise as stated (a period as start/end).", required=False
    ),
    _day("first_day", "The first day of the record's date."),
    _day("last_day", "The last day of the record's date."),
)
#: Every column of the view, in order.
COLUMNS: Final[tuple[Column, ...]] = (*_BEFORE, *_QUANTITY, *_AFTER)


def quantity_fields(cls: type[Record]) -> tuple[str, ...]:
    """The fields of a record type holding a :class:`~shanghai_innovation.Quantity`."""
    hints = typing.get_type_hints(cls)
    return tuple(
        f.name
        for f in attrs.fields(typing.cast(Any, cls))
        if hints[f.name] in (Quantity, Quantity | None)
    )


def _rows(dataset: Dataset) -> Iterator[tuple[Record, str, Quantity]]:
    for cls in RECORD_TYPES:
        names = quantity_fields(cls)
        if not names:
            continue
        for record in dataset.table(cls):
            for name in names:
                value = getattr(record, name)
                if value is not None:
                    yield record, name, value


def _schema() -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, arrow_type(c), nullable=not c.required, metadata=field_metadata(c))
            for c in COLUMNS
        ],
        metadata={b"table": b"quantities"},
    )


def quantities_table(dataset: Dataset) -> pa.Table:
    """Every quantity a dataset states, one per row, in table order then file order."""
    descriptions = {
        (cls, f.name): f.metadata.get("description", "")
        for cls in RECORD_TYPES
        for f in attrs.fields(typing.cast(Any, cls))
    }
    cells: list[list[Any]] = [[] for _ in COLUMNS]
    for record, name, quantity in _rows(dataset):
        date = when(record)
        subject = getattr(record, "subject", None)
        row = [
            record.table,
            record.id,
            name,
            subject if isinstance(subject, str) else None,
            record._text() or descriptions[type(record), name],
            *(c.get(quantity) for c in _QUANTITY),
            None if date is None else str(date),
            None if date is None else date.span[0],
            None if date is None else date.span[1],
        ]
        for column, cell in zip(cells, row, strict=True):
            column.append(cell)
    arrays = [column_array(c, values) for c, values in zip(COLUMNS, cells, strict=True)]
    return pa.Table.from_arrays(arrays, schema=_schema())
