"""The one schema description: every exported table and column, derived from the records.

Each record type becomes a flat table. Its columns are derived from the attrs
fields (their types and ``metadata``) and nothing else, so a new field appears
in the Arrow schema, the CSV header, the datapackage.json and the docs data
dictionary by itself. Nothing here imports pyarrow.

How fields flatten (``p`` is the field name):

- text, whole numbers, true/false and dates become one column each;
- an enum becomes its readable token (``kind = "enum"``, with the allowed tokens);
- a tuple becomes a list column;
- a :class:`~shanghai_innovation.Quantity` becomes ``p_exact`` (the exact number
  as text: "3.5", "2/3"), ``p_unit``, ``p_qualifier``, and derived ``p_value``
  (a float for arithmetic) and ``p_lower``/``p_upper`` with their inclusivity;
- a :class:`~shanghai_innovation.PartialDate` becomes ``p`` ("2020-11") and derived
  ``p_precision``, ``p_first_day`` and ``p_last_day`` (real dates);
- a :class:`~shanghai_innovation.Period` becomes ``p_start``, ``p_end`` (partial
  dates), ``p_derived``, ``p_derivation`` and derived ``p_first_day``/``p_last_day``;
- a :class:`~shanghai_innovation.Locator` becomes ``locator`` ("source#section/3")
  and derived ``source``, ``section`` and ``paragraph``;
- a nested record (a citation) becomes its own fields, prefixed.

Columns that are not derived hold the record's whole truth: a row is rebuilt
from them alone (:func:`row_to_unstructured`), in the same shapes the JSON
export and the cattrs converter use. Derived columns are for readers.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any, Final, Literal

import attrs

from ._dataset import TABLES
from ._records import RECORD_TYPES, SLUG, Citation, Record
from ._values import Locator, PartialDate, Period, Quantity, format_fraction
from ._vocab import Precision, Qualifier, Section, Unit

__all__ = [
    "SCHEMA_VERSION",
    "Column",
    "ColumnKind",
    "TableSpec",
    "quantity_columns",
    "row_to_unstructured",
    "table_spec",
    "table_specs",
]

#: Version of the export schema (SemVer). Bump the major part whenever a
#: column is renamed, removed or retyped; readers refuse a newer major.
SCHEMA_VERSION: Final = "1.1.0"

#: The logical kind of a column; each writer maps it to its own type.
ColumnKind = Literal["string", "integer", "number", "boolean", "date", "enum", "list"]

Getter = Callable[[Any], Any]


@attrs.frozen
class Column:
    """One exported column: its name, kind, meaning, constraints and origin."""

    #: Column name, unique in its table.
    name: str
    #: Logical kind: string, integer, number, boolean, date, enum or list.
    kind: ColumnKind
    #: What the column holds.
    description: str
    #: The record field it comes from, dotted (``quantity.value``) or a property name.
    field: str
    #: Whether every row has a value.
    required: bool
    #: Whether the value is computed from other columns (not needed to rebuild the record).
    derived: bool = False
    #: Unit of the values, when fixed for the column.
    unit: str | None = None
    #: Allowed tokens (for an enum, or the items of a list).
    enum: tuple[str, ...] | None = None
    #: Smallest allowed value (integers).
    minimum: int | None = None
    #: Largest allowed value (integers).
    maximum: int | None = None
    #: Regular expression the values match (strings and list items).
    pattern: str | None = None
    #: The table whose ``id`` this column's values (or list items) refer to.
    references: str | None = None
    #: Whether values are unique within the table.
    unique: bool = False
    #: Where the value sits in the record's unstructured form (``None`` when derived).
    path: tuple[str, ...] | None = None
    #: Reads the cell value from a record (``None`` for a missing value).
    get: Getter = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class TableSpec:
    """One exported table: its record type and its columns, in order."""

    #: Table name: the file stem of every export.
    name: str
    #: The record class each row stands for.
    record_type: type[Record]
    #: The columns, in export order.
    columns: tuple[Column, ...]
    #: The record class's summary line.
    description: str

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in order (the CSV header)."""
        return tuple(c.name for c in self.columns)

    @property
    def primary_key(self) -> str:
        """The column that identifies a row."""
        return "id"

    def column(self, name: str) -> Column:
        """The column with this name."""
        for column in self.columns:
            if column.name == name:
                return column
        msg = f"table {self.name} has no column {name!r}"
        raise KeyError(msg)

    def row(self, record: Record) -> dict[str, Any]:
        """A record as one flat row: column name to cell value."""
        return {c.name: c.get(record) for c in self.columns}


def _chain(outer: Getter, inner: Getter) -> Getter:
    def get(record: Any) -> Any:
        value = outer(record)
        return None if value is None else inner(value)

    return get


def _attr(name: str) -> Getter:
    return lambda obj: getattr(obj, name)


def _partial_text(side: str) -> Getter:
    return lambda period: str(getattr(period, side))


def _span_day(index: int) -> Getter:
    return lambda period: period.span[index]


def _enum_value(value: enum.Enum) -> str:
    return str(value.value)


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return tp, False


def _tokens(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(m.value) for m in kind)


_HINTS_NS: Final = {
    "dt": dt,
    "Fraction": Fraction,
    "Quantity": Quantity,
    "PartialDate": PartialDate,
    "Period": Period,
    "Locator": Locator,
    "Citation": Citation,
}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, localns=_HINTS_NS)


@attrs.define
class _Builder:
    """Walks a record class's fields and emits columns."""

    columns: list[Column] = attrs.Factory(list)

    def add(self, **kwargs: Any) -> None:
        self.columns.append(Column(**kwargs))

    def field(
        self,
        tp: Any,
        name: str,
        description: str,
        path: tuple[str, ...],
        get: Getter,
        required: bool,
        meta: Mapping[str, Any],
    ) -> None:
        inner, optional = _unwrap_optional(tp)
        required = required and not optional
        dotted = ".".join(path)
        common: dict[str, Any] = {"field": dotted, "get": get}
        if inner is Quantity:
            self.quantity(name, description, path, get, required)
        elif inner is PartialDate:
            self.partial_date(name, description, path, get, required)
        elif inner is Period:
            self.period(name, description, path, get, required)
        elif inner is Locator:
            self.locator(name, description, path, get, required)
        elif attrs.has(inner):
            for sub in attrs.fields(inner):
                sub_tp = _hints(inner)[sub.name]
                self.field(
                    sub_tp,
                    f"{name}_{sub.name}",
                    f"{description} {sub.metadata.get('description', '')}".strip(),
                    (*path, sub.name),
                    _chain(get, _attr(sub.name)),
                    required,
                    sub.metadata,
                )
        elif typing.get_origin(inner) is tuple:
            item = typing.get_args(inner)[0]
            is_enum = isinstance(item, type) and issubclass(item, enum.Enum)
            convert: Getter = (lambda v: [_enum_value(x) for x in v]) if is_enum else list
            self.add(
                name=name,
                kind="list",
                description=description,
                required=True,
                enum=_tokens(item) if is_enum else None,
                pattern=SLUG if meta.get("references") else None,
                references=meta.get("references"),
                path=path,
                **{**common, "get": _chain(get, convert)},
            )
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            self.add(
                name=name,
                kind="enum",
                description=description,
                required=required,
                enum=_tokens(inner),
                path=path,
                **{**common, "get": _chain(get, _enum_value)},
            )
        else:
            kinds: dict[Any, ColumnKind] = {
                str: "string",
                int: "integer",
                bool: "boolean",
                dt.date: "date",
            }
            kind = kinds[inner]
            is_id = path == ("id",)
            minimum = None
            for validator in _validators(meta.get("_validator")):
                minimum = getattr(validator, "bound", minimum)
            self.add(
                name=name,
                kind=kind,
                description=description,
                required=required,
                unit=meta.get("unit"),
                pattern=SLUG if is_id or meta.get("references") else None,
                references=meta.get("references"),
                unique=is_id,
                minimum=minimum,
                path=path,
                **common,
            )

    def quantity(
        self, name: str, description: str, path: tuple[str, ...], get: Getter, required: bool
    ) -> None:
        dotted = ".".join(path)

        def bound(side: str) -> Getter:
            def read(q: Quantity) -> Any:
                value = getattr(q.bounds, side)
                return None if value is None else float(value)

            return read

        def inclusive(side: str) -> Getter:
            def read(q: Quantity) -> Any:
                bounds = q.bounds
                if getattr(bounds, side) is None:
                    return None
                return getattr(bounds, f"{side}_inclusive")

            return read

        self.add(
            name=f"{name}_exact",
            kind="string",
            description=f"{description} The exact number as text (3.5, 16000, 2/3).",
            field=f"{dotted}.value",
            required=required,
            pattern=r"-?(\d+(\.\d+)?|\d+/[1-9]\d*)",
            path=(*path, "value"),
            get=_chain(get, lambda q: format_fraction(q.value)),
        )
        self.add(
            name=f"{name}_unit",
            kind="enum",
            description=f"{description} Its unit.",
            field=f"{dotted}.unit",
            required=required,
            enum=_tokens(Unit),
            path=(*path, "unit"),
            get=_chain(get, lambda q: q.unit.value),
        )
        self.add(
            name=f"{name}_qualifier",
            kind="enum",
            description=f"{description} The article's hedge on it (exact means none).",
            field=f"{dotted}.qualifier",
            required=required,
            enum=_tokens(Qualifier),
            path=(*path, "qualifier"),
            get=_chain(get, lambda q: q.qualifier.value),
        )
        self.add(
            name=f"{name}_value",
            kind="number",
            description=f"{description} As a floating-point number, for arithmetic; "
            f"{name}_exact is the exact value.",
            field=f"{dotted}.value",
            required=required,
            derived=True,
            get=_chain(get, lambda q: float(q.value)),
        )
        for side, word in (("lower", "smallest"), ("upper", "largest")):
            self.add(
                name=f"{name}_{side}",
                kind="number",
                description=f"{description} The {word} true value the qualifier allows "
                f"(empty when unbounded on that side).",
                field=f"{dotted}.bounds.{side}",
                required=False,
                derived=True,
                get=_chain(get, bound(side)),
            )
            self.add(
                name=f"{name}_{side}_inclusive",
                kind="boolean",
                description=f"{description} Whether {name}_{side} itself is allowed "
                f"(empty when unbounded).",
                field=f"{dotted}.bounds.{side}_inclusive",
                required=False,
                derived=True,
                get=_chain(get, inclusive(side)),
            )

    def partial_date(
        self, name: str, description: str, path: tuple[str, ...], get: Getter, required: bool
    ) -> None:
        dotted = ".".join(path)
        self.add(
            name=name,
            kind="string",
            description=f"{description} As YYYY, YYYY-MM or YYYY-MM-DD, as precise as stated.",
            field=dotted,
            required=required,
            pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
            path=path,
            get=_chain(get, str),
        )
        self.add(
            name=f"{name}_precision",
            kind="enum",
            description=f"{description} How much of the date is known.",
            field=f"{dotted}.precision",
            required=required,
            derived=True,
            enum=_tokens(Precision),
            get=_chain(get, lambda d: d.precision.value),
        )
        self.add(
            name=f"{name}_first_day",
            kind="date",
            description=f"{description} The first day it can mean.",
            field=f"{dotted}.start",
            required=required,
            derived=True,
            get=_chain(get, lambda d: d.start),
        )
        self.add(
            name=f"{name}_last_day",
            kind="date",
            description=f"{description} The last day it can mean.",
            field=f"{dotted}.end",
            required=required,
            derived=True,
            get=_chain(get, lambda d: d.end),
        )

    def period(
        self, name: str, description: str, path: tuple[str, ...], get: Getter, required: bool
    ) -> None:
        dotted = ".".join(path)
        for side in ("start", "end"):
            self.add(
                name=f"{name}_{side}",
                kind="string",
                description=f"{description} Its {side}, as YYYY, YYYY-MM or YYYY-MM-DD.",
                field=f"{dotted}.{side}",
                required=required,
                pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
                path=(*path, side),
                get=_chain(get, _partial_text(side)),
            )
        self.add(
            name=f"{name}_derived",
            kind="boolean",
            description=f"{description} Whether the dates were worked out from a phrase.",
            field=f"{dotted}.derived",
            required=required,
            path=(*path, "derived"),
            get=_chain(get, _attr("derived")),
        )
        self.add(
            name=f"{name}_derivation",
            kind="string",
            description=f"{description} How the dates were worked out.",
            field=f"{dotted}.derivation",
            required=False,
            path=(*path, "derivation"),
            get=_chain(get, _attr("derivation")),
        )
        for side, word in (("first_day", "first"), ("last_day", "last")):
            self.add(
                name=f"{name}_{side}",
                kind="date",
                description=f"{description} Its {word} day.",
                field=f"{dotted}.{'start' if word == 'first' else 'end'}",
                required=required,
                derived=True,
                get=_chain(get, _span_day(0 if word == "first" else 1)),
            )

    def locator(
        self, name: str, description: str, path: tuple[str, ...], get: Getter, required: bool
    ) -> None:
        dotted = ".".join(path)
        self.add(
            name=name,
            kind="string",
            description=f"{description} As source#section/paragraph.",
            field=dotted,
            required=required,
            pattern=r"[a-z0-9]+(-[a-z0-9]+)*#[a-z0-9-]+/[1-9][0-9]*",
            path=path,
            get=_chain(get, str),
        )
        self.add(
            name="source",
            kind="string",
            description="The source the fact is stated in.",
            field=f"{dotted}.source",
            required=required,
            derived=True,
            pattern=SLUG,
            references="sources",
            get=_chain(get, _attr("source")),
        )
        self.add(
            name="section",
            kind="enum",
            description="The part of the article it is stated in.",
            field=f"{dotted}.section",
            required=required,
            derived=True,
            enum=_tokens(Section),
            get=_chain(get, lambda loc: loc.section.value),
        )
        self.add(
            name="paragraph",
            kind="integer",
            description="The paragraph within that part, from 1.",
            field=f"{dotted}.paragraph",
            required=required,
            derived=True,
            minimum=1,
            get=_chain(get, _attr("paragraph")),
        )


def _validators(validator: Any) -> Iterator[Any]:
    if validator is None:
        return
    inner = getattr(validator, "_validators", None)
    if inner is not None:
        for v in inner:
            yield from _validators(v)
    else:
        yield validator


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if text else ""


_PROPERTY_KINDS: Final[dict[Any, ColumnKind]] = {int: "integer", str: "string", bool: "boolean"}


def _build(cls: type[Record]) -> TableSpec:
    builder = _Builder()
    hints = _hints(cls)
    for field in attrs.fields(typing.cast(Any, cls)):
        meta = {**field.metadata, "_validator": field.validator}
        builder.field(
            hints[field.name],
            field.name,
            field.metadata.get("description", ""),
            (field.name,),
            _attr(field.name),
            True,
            meta,
        )
    for prop in cls.derived:
        getter = getattr(cls, prop)
        returns = typing.get_type_hints(getter.fget)["return"]
        inner, _ = _unwrap_optional(returns)
        builder.add(
            name=prop,
            kind=_PROPERTY_KINDS[inner],
            description=_first_line(getter.__doc__),
            field=prop,
            required=inner is returns,
            derived=True,
            get=_attr(prop),
        )
    names = [c.name for c in builder.columns]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:  # pragma: no cover - a programming error, caught by the tests
        msg = f"{cls.table}: duplicate column names {sorted(duplicates)}"
        raise RuntimeError(msg)
    return TableSpec(cls.table, cls, tuple(builder.columns), _first_line(cls.__doc__))


def quantity_columns(name: str, description: str) -> tuple[Column, ...]:
    """The columns a quantity named ``name`` flattens into, each reading a Quantity itself.

    The same columns (names, kinds, descriptions) as a record's quantity
    field gets in its table, for views that list quantities on their own.
    """
    builder = _Builder()
    builder.quantity(name, description, (name,), lambda quantity: quantity, True)
    return tuple(builder.columns)


@functools.cache
def table_specs() -> tuple[TableSpec, ...]:
    """Every table's spec, in table order."""
    specs = tuple(_build(cls) for cls in RECORD_TYPES)
    assert tuple(s.name for s in specs) == TABLES  # noqa: S101 - one order everywhere
    return specs


def table_spec(name: str) -> TableSpec:
    """The spec of one table, by name."""
    for spec in table_specs():
        if spec.name == name:
            return spec
    known = ", ".join(TABLES)
    msg = f"no table {name!r}; tables are: {known}"
    raise KeyError(msg)


def row_to_unstructured(spec: TableSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild a record's unstructured form (the JSON shape) from a row's truth columns.

    A nested optional value whose truth columns are all empty becomes ``None``.
    Pass the result to the converter to get the record back.
    """
    out: dict[str, Any] = {}
    nested_seen: dict[tuple[str, ...], bool] = {}
    for column in spec.columns:
        if column.path is None:
            continue
        value = row.get(column.name)
        if isinstance(value, dt.date) and column.kind == "date":
            value = value.isoformat()
        target = out
        for depth, key in enumerate(column.path[:-1]):
            prefix = column.path[: depth + 1]
            nested_seen[prefix] = nested_seen.get(prefix, False) or value is not None
            target = target.setdefault(key, {})
        target[column.path[-1]] = value
    # Empty nested objects (all truth columns null) were optional: make them None.
    for prefix in sorted(nested_seen, key=len, reverse=True):
        if not nested_seen[prefix]:
            parent = out
            for key in prefix[:-1]:
                parent = parent[key]
            parent[prefix[-1]] = None
    # Drop keys whose value is None so attrs defaults apply (None is every default).
    return _drop_none(out)


def _drop_none(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_drop_none(v) if isinstance(v, dict) else v) for k, v in value.items() if v is not None
    }
