"""Tables as Arrow, pandas and Polars, and SQL over every table with DuckDB.

pyarrow is a dependency; pandas, Polars and DuckDB are optional extras,
imported only by the function that needs them. A missing one raises
:class:`~shanghai_innovation.MissingExtraError` naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from ._errors import MissingExtraError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._dataset import Dataset

__all__ = ["require", "sql", "to_arrow", "to_pandas", "to_polars"]


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


def _dataset(dataset: Dataset | None) -> Dataset:
    if dataset is not None:
        return dataset
    from ._load import load  # noqa: PLC0415 - loads the data only when asked

    return load()


def to_arrow(table: str, dataset: Dataset | None = None) -> pa.Table:
    """One table as a pyarrow Table, typed by the table spec.

    Each field of the schema carries metadata ``description`` (and ``unit``
    where the column has one, ``references`` for ids of another table);
    the schema metadata names the table. ``dataset`` defaults to the
    bundled data.

    Raises:
        RecordNotFoundError: when there is no such table.

    """
    from ._formats.arrow import to_arrow as records_to_arrow  # noqa: PLC0415 - imports pyarrow
    from ._schema import table_spec  # noqa: PLC0415

    records = _dataset(dataset).table(table)
    return records_to_arrow(table_spec(table), records)


def to_pandas(table: str, dataset: Dataset | None = None) -> pd.DataFrame:
    """One table as a pandas DataFrame (extra ``pandas``).

    Enumerated columns become ``category``, dates ``datetime.date`` objects,
    lists Python lists; missing values are ``None``/``NaN`` as pandas does.

    Raises:
        MissingExtraError: when pandas is not installed.

    """
    require("pandas", "pandas")
    frame: pd.DataFrame = to_arrow(table, dataset).to_pandas()
    return frame


def to_polars(table: str, dataset: Dataset | None = None) -> pl.DataFrame:
    """One table as a Polars DataFrame (extra ``polars``).

    Enumerated columns become ``Categorical``, dates ``Date``, lists ``List(String)``.

    Raises:
        MissingExtraError: when Polars is not installed.

    """
    polars = require("polars", "polars")
    frame: pl.DataFrame = polars.from_arrow(to_arrow(table, dataset))
    return frame


def sql(query: str, dataset: Dataset | None = None) -> pa.Table:
    """Run a DuckDB query over every table, each registered by its name (extra ``sql``).

    Quote table names that are SQL keywords: ``select * from "references"``.

    >>> sql("select m.id, e.name from metrics m join entities e on m.subject = e.id"
    ...     " where m.id = 'rd-spending-2019'").to_pylist()
    [{'id': 'rd-spending-2019', 'name': 'Shanghai'}]

    Raises:
        MissingExtraError: when DuckDB is not installed.

    """
    duckdb = require("duckdb", "sql")
    from ._dataset import TABLES  # noqa: PLC0415

    data = _dataset(dataset)
    connection = duckdb.connect()
    try:
        for name in TABLES:
            connection.register(name, to_arrow(name, data))
        relation = connection.sql(query)
        if relation is None:  # a statement that returns no rows
            import pyarrow as pa  # noqa: PLC0415

            return pa.table({})
        fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
        result: pa.Table = fetch()
        return result
    finally:
        connection.close()
