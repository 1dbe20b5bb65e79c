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
    """pandas gets categories, float64, nullable Int64 and boolean, and datetime64 for days."""
    frame = si.to_pandas("metrics")
    rankings = si.to_pandas("rankings")
    expected = (
        "category",
        "float64",
        "Int64",
        "Int64",
        "boolean",
        "datetime64[ms]",
        si.to_arrow("metrics").column("id").to_pylist(),
    )
    actual = (
        str(frame["quantity_unit"].dtype),
        str(frame["quantity_value"].dtype),
        str(rankings["rank"].dtype),
        str(rankings["previous_rank"].dtype),
        str(frame["quantity_lower_inclusive"].dtype),
        str(frame["as_of_first_day"].dtype),
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
    """Dataset.sql runs the query over that dataset instead of the bundled one."""
    source = si.load().sources[0]
    ds = si.Dataset(si.load().info, sources=(source,))
    result = ds.sql("select id, published from sources")
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


def test_pandas_dates_are_datetime64_and_booleans_nullable() -> None:
    """.dt works on day columns; a nullable boolean column keeps its missing values as NA."""
    import pandas as pd  # noqa: PLC0415 - optional extra

    frame = si.to_pandas(si.Metric).set_index("id")
    assert (2020, 11, 30) == (
        frame["as_of_last_day"].dt.year.loc["approved-drugs"],
        frame["as_of_last_day"].dt.month.loc["approved-drugs"],
        frame["as_of_last_day"].dt.day.loc["approved-drugs"],
    )
    lower = frame["quantity_lower_inclusive"]
    assert (True, True) == (
        lower.loc["advanced-technology-companies"] is pd.NA,  # nearly: no lower bound
        bool(lower.loc["approved-drugs"]),
    )
    sources = si.to_pandas("sources")
    assert (dt.date(2020, 12, 31), "boolean") == (
        sources["published"].dt.date.iloc[0],
        str(sources["published_inferred"].dtype),
    )


def test_pandas_attrs_describe_the_table_and_every_column() -> None:
    """DataFrame.attrs names the table and gives each column its description, unit, derivation."""
    spec = table_spec("rankings")
    frame = si.to_pandas("rankings")
    assert ("rankings", spec.description, list(spec.column_names)) == (
        frame.attrs["table"],
        frame.attrs["description"],
        list(frame.attrs["columns"]),
    )
    assert {"description": spec.column("rank").description, "unit": "rank"} == frame.attrs[
        "columns"
    ]["rank"]
    assert frame.attrs["columns"]["computed_movement"]["derived"] is True
    assert "unit" not in frame.attrs["columns"]["id"]


def test_quantities_lists_every_quantity_field_of_every_record() -> None:
    """One row per non-empty quantity field, in table then file then field order."""
    from shanghai_innovation._quantities import quantity_fields  # noqa: PLC0415

    ds = si.load()
    expected = [
        (r.table, r.id, name, str(getattr(r, name).unit), getattr(r, name).exact)
        for r in ds
        for name in quantity_fields(type(r))
        if getattr(r, name) is not None
    ]
    table = si.quantities()
    actual = list(
        zip(
            *(table.column(c).to_pylist() for c in ("table", "id", "field")),
            table.column("quantity_unit").to_pylist(),
            table.column("quantity_exact").to_pylist(),
            strict=True,
        )
    )
    assert expected == actual
    assert {"quantity", "equivalent", "horizon", "out_of"} <= set(table.column("field").to_pylist())


def test_quantities_columns_are_the_metrics_quantity_columns() -> None:
    """The quantity_* columns have the metrics table's names, types and descriptions' tails."""
    metrics = si.to_arrow("metrics").schema
    view = si.quantities().schema
    names = [n for n in view.names if n.startswith("quantity_")]
    assert names == [n for n in metrics.names if n.startswith("quantity_")]
    for name in names:
        assert metrics.field(name).type == view.field(name).type
        described = metrics.field(name).metadata[b"description"].decode()
        assert described.endswith(view.field(name).metadata[b"description"].decode()[22:])


def test_quantities_rows_carry_subject_measure_and_date() -> None:
    """The equivalent of the R&D figure: its metric's subject, measure, date and a USD value."""
    table = si.quantities()
    rows = [r for r in table.to_pylist() if r["id"] == "rd-spending-2019"]
    assert [
        ("quantity", "CNY", "over", 1.5e12, "shanghai", "2019", dt.date(2019, 12, 31)),
        ("equivalent", "USD", "exact", 2.24e11, "shanghai", "2019", dt.date(2019, 12, 31)),
    ] == [
        (
            r["field"],
            r["quantity_unit"],
            r["quantity_qualifier"],
            r["quantity_value"],
            r["subject"],
            r["date"],
            r["last_day"],
        )
        for r in rows
    ]
    assert {r["measure"] for r in rows} == {si.lookup("rd-spending-2019").measure}  # type: ignore[attr-defined]


def test_quantities_sums_only_what_shares_a_unit() -> None:
    """Grouping by unit gives one sum per unit; counts are whole, percentages separate."""
    import polars as pl  # noqa: PLC0415 - optional extra

    frame = pl.from_arrow(si.quantities())
    assert isinstance(frame, pl.DataFrame)
    metrics = frame.filter(pl.col("table") == "metrics", pl.col("field") == "quantity")
    by_unit = dict(
        metrics.group_by("quantity_unit").agg(pl.col("quantity_value").count()).iter_rows()
    )
    assert by_unit == {
        unit: sum(1 for m in si.load().metrics if m.quantity.unit == unit)
        for unit in {str(m.quantity.unit) for m in si.load().metrics}
    }
