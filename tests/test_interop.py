"""Tables as Arrow, pandas and Polars, SQL over every table, and missing extras."""

from __future__ import annotations

import datetime as dt
import sys

import pyarrow as pa
import pytest

import shanghai_innovation as si
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._schema import table_spec


def test_to_arrow_schema_carries_description_and_unit() -> None:
    """Each field's metadata holds its column's description, and unit where it has one."""
    for name in TABLES:
        table = si.to_arrow(name)
        for column in table_spec(name).columns:
            meta = table.schema.field(column.name).metadata
            assert column.description == meta[b"description"].decode()
            assert column.unit == (meta[b"unit"].decode() if b"unit" in meta else None)
        assert len(si.load().table(name)) == table.num_rows


def test_to_arrow_units_appear_where_the_records_declare_them() -> None:
    """The rank column of rankings is in unit 'rank', streak length in 'years'."""
    assert (b"rank", b"years") == (
        si.to_arrow("rankings").schema.field("rank").metadata[b"unit"],
        si.to_arrow("streaks").schema.field("length").metadata[b"unit"],
    )


def test_to_arrow_ids_are_the_records_ids() -> None:
    """The id column lists the table's ids in file order."""
    for name in TABLES:
        assert [r.id for r in si.load().table(name)] == si.to_arrow(name).column("id").to_pylist()


def test_to_arrow_of_an_unknown_table_is_a_lookup_error() -> None:
    """An unknown table name raises RecordNotFoundError naming the tables."""
    with pytest.raises(si.RecordNotFoundError, match="tables are: sources"):
        si.to_arrow("nope")


def test_to_pandas_types() -> None:
    """pandas gets categories for enums, objects for text, int64 and float64 for numbers."""
    frame = si.to_pandas("metrics")
    rankings = si.to_pandas("rankings")
    expected = ("category", "float64", "int64", si.to_arrow("metrics").column("id").to_pylist())
    actual = (
        str(frame["quantity_unit"].dtype),
        str(frame["quantity_value"].dtype),
        str(rankings["rank"].dtype),
        frame["id"].tolist(),
    )
    assert expected == actual


def test_to_polars_types() -> None:
    """Polars gets Categorical for enums, Date for days, List(String) for lists."""
    import polars as pl  # noqa: PLC0415 - optional extra

    frame = si.to_polars("metrics")
    expected: tuple[object, ...] = (pl.Categorical, pl.Date, pl.List(pl.String), pl.String)
    assert expected == (
        frame.schema["quantity_unit"],
        frame.schema["as_of_first_day"],
        frame.schema["topics"],
        frame.schema["id"],
    )


def test_sql_joins_across_tables() -> None:
    """A join of metrics to entities by subject gives each metric its subject's name."""
    ds = si.load()
    names = {e.id: e.name for e in ds.entities}
    expected = sorted((m.id, names[m.subject]) for m in ds.metrics)
    result = si.sql(
        "select m.id, e.name from metrics m join entities e on m.subject = e.id order by m.id"
    )
    assert isinstance(result, pa.Table)
    columns = (result.column(c).to_pylist() for c in ("id", "name"))
    assert expected == list(zip(*columns, strict=True))


def test_sql_sees_every_table_by_name() -> None:
    """Every table is registered under its name (quoted: references is a keyword)."""
    ds = si.load()
    counts = " union all ".join(
        f"select '{n}' as t, count(*) as n from \"{n}\"" for n in TABLES  # noqa: S608 - our names
    )
    result = si.sql(counts)
    assert {n: len(ds.table(n)) for n in TABLES} == dict(
        zip(result.column("t").to_pylist(), result.column("n").to_pylist(), strict=True)
    )


def test_sql_over_a_given_dataset() -> None:
    """dataset= runs the query over that dataset instead of the bundled one."""
    source = si.load().sources[0]
    ds = si.Dataset(si.load().info, sources=(source,))
    result = si.sql("select id, published from sources", ds)
    assert [(source.id, source.published)] == list(
        zip(result.column("id").to_pylist(), result.column("published").to_pylist(), strict=True)
    )
    assert isinstance(source.published, dt.date)


@pytest.mark.parametrize(
    ("function", "module", "extra"),
    [
        (si.to_pandas, "pandas", "pandas"),
        (si.to_polars, "polars", "polars"),
        (si.sql, "duckdb", "sql"),
    ],
)
def test_missing_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, function: object, module: str, extra: str
) -> None:
    """Without the optional package, MissingExtraError (an ImportError) names the extra."""
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(ImportError) as info:
        function("select 1" if module == "duckdb" else "metrics")  # type: ignore[operator]
    assert si.MissingExtraError is type(info.value)
    assert f"pip install 'shanghai-innovation[{extra}]'" in str(info.value)
