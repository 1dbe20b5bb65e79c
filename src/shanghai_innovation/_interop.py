"""Tables as Arrow, pandas and Polars, and SQL over every table with DuckDB.

The one implementation of each conversion; :class:`~shanghai_innovation.Dataset`
methods call these, and the package's functions call those methods on the
bundled dataset. pyarrow is a dependency; pandas, Polars and DuckDB are
optional extras, imported only by the function that needs them. A missing
one raises :class:`~shanghai_innovation.MissingExtraError` naming the extra
to install.

Every result is one table and speaks the Arrow PyCapsule stream protocol
(``__arrow_c_stream__``): a pyarrow Table does, and so do the DataFrames of
pandas 2.2+ and Polars 1.0+, so any Arrow-aware library reads them directly.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._dataset import Dataset
    from ._records import Record
    from ._schema import TableSpec

__all__ = [
    "arrow_table",
    "frame_attrs",
    "pandas_frame",
    "polars_frame",
    "require",
    "run_sql",
    "to_frame",
]


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or say which extra provides it.

    Raises:
        MissingExtraError: an ``ImportError`` whose message names the extra.

    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        msg = (
            f"{module} is needed for this; install it with: "
            f"pip install 'shanghai-innovation[{extra}]'"
        )
        raise MissingExtraError(msg, name=module) from exc


def _spec(dataset: Dataset, table: str | type[Record]) -> tuple[TableSpec, tuple[Record, ...]]:
    from ._query import table_name  # noqa: PLC0415
    from ._schema import table_spec  # noqa: PLC0415

    records = dataset.table(table)
    return table_spec(table_name(table)), records


def arrow_table(dataset: Dataset, table: str | type[Record]) -> pa.Table:
    """One table of a dataset as a pyarrow Table, typed and described by the table spec."""
    from ._formats.arrow import to_arrow  # noqa: PLC0415 - imports pyarrow

    spec, records = _spec(dataset, table)
    return to_arrow(spec, records)


def frame_attrs(spec: TableSpec) -> dict[str, Any]:
    """What a pandas DataFrame of a table carries in ``attrs``: the table and its columns.

    ``{"table": name, "description": ..., "columns": {column: {"description":
    ..., "unit": ... (when it has one), "derived": True (when computed)}}}``.
    """
    columns: dict[str, dict[str, Any]] = {}
    for column in spec.columns:
        about: dict[str, Any] = {"description": column.description}
        if column.unit is not None:
            about["unit"] = column.unit
        if column.derived:
            about["derived"] = True
        columns[column.name] = about
    return {"table": spec.name, "description": spec.description, "columns": columns}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with real types: datetime64, nullable booleans and integers."""
    pandas = require("pandas", "pandas")
    import pyarrow  # noqa: PLC0415

    nullable = {pyarrow.bool_(): pandas.BooleanDtype(), pyarrow.int64(): pandas.Int64Dtype()}
    frame: pd.DataFrame = table.to_pandas(date_as_object=False, types_mapper=nullable.get)
    return frame


def pandas_frame(dataset: Dataset, table: str | type[Record]) -> pd.DataFrame:
    """One table of a dataset as a pandas DataFrame (extra ``pandas``).

    Dates are ``datetime64``, true/false columns the nullable ``boolean``
    dtype, whole numbers the nullable ``Int64``, enumerated columns
    ``category``; ``DataFrame.attrs`` describes the table and every column
    (see :func:`frame_attrs`).
    """
    require("pandas", "pandas")
    spec, _ = _spec(dataset, table)
    frame = to_frame(arrow_table(dataset, table))
    frame.attrs.update(frame_attrs(spec))
    return frame


def polars_frame(dataset: Dataset, table: str | type[Record]) -> pl.DataFrame:
    """One table of a dataset as a Polars DataFrame (extra ``polars``)."""
    polars = require("polars", "polars")
    frame: pl.DataFrame = polars.from_arrow(arrow_table(dataset, table))
    return frame


def run_sql(dataset: Dataset, query: object) -> pa.Table:
    """A DuckDB query over every table of a dataset, each registered by its name (extra ``sql``)."""
    if not isinstance(query, str):
        msg = f"query must be SQL text (str), got {type(query).__name__}"
        raise TypeError(msg)
    duckdb = require("duckdb", "sql")
    from ._dataset import TABLES  # noqa: PLC0415

    connection = duckdb.connect()
    try:
        for name in TABLES:
            connection.register(name, arrow_table(dataset, name))
        relation = connection.sql(query)
        if relation is None:  # a statement that returns no rows
            import pyarrow as pa  # noqa: PLC0415

            return pa.table({})
        fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
        result: pa.Table = fetch()
        return result
    finally:
        connection.close()
