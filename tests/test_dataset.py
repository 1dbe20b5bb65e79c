"""The Dataset as a collection, its methods, the module shortcuts, lookups by name, arguments."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pyarrow as pa
import pytest

import shanghai_innovation as si
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._records import RECORD_TYPES

from ._tiny import INFO, LOC, SOURCE

# --------------------------------------------------------------------------- the collection


def test_iterating_a_dataset_gives_every_record_in_table_then_file_order() -> None:
    """iter(ds) and len(ds) go over every record of every table, in order."""
    ds = si.load()
    expected = [r for name in TABLES for r in getattr(ds, name)]
    assert (expected, len(expected)) == (list(ds), len(ds))


def test_a_dataset_is_indexed_by_table_name_and_record_class() -> None:
    """ds["metrics"] and ds[si.Metric] are the metrics table, for every table."""
    ds = si.load()
    for cls in RECORD_TYPES:
        assert (getattr(ds, cls.table), getattr(ds, cls.table)) == (ds[cls.table], ds[cls])


def test_indexing_by_something_else_names_the_tables() -> None:
    """An unknown table is a RecordNotFoundError listing the tables; a number a TypeError."""
    ds = si.load()
    with pytest.raises(si.RecordNotFoundError, match="no table 'metric'; tables are: sources, "):
        ds["metric"]
    with pytest.raises(si.RecordNotFoundError, match="no table <class 'shanghai_innovation"):
        ds[si.Record]
    with pytest.raises(TypeError, match=r"^table must be a table name or a record class, got int$"):
        ds[3]  # type: ignore[call-overload]


def test_indexing_by_a_record_id_points_at_lookup() -> None:
    """``ds["rd-spending-2019"]`` is no table; the error says it is an id and what gives it."""
    with pytest.raises(si.RecordNotFoundError) as caught:
        si.load()["rd-spending-2019"]
    expected = "no table 'rd-spending-2019'; it is a record id: ds.lookup('rd-spending-2019') gives"
    assert f"{expected} the record" == str(caught.value)


def test_a_dataset_contains_ids_and_its_own_records() -> None:
    """'rd-spending-2019' in ds; a name, an unknown id or a changed record is not in it."""
    ds = si.load()
    record = ds.lookup("rd-spending-2019")
    other = si.Dataset(ds.info, sources=ds.sources)
    assert (True, True, False, False, False, False) == (
        "rd-spending-2019" in ds,
        record in ds,
        "Shanghai" in ds,
        "no-such-id" in ds,
        record in other,
        3 in ds,
    )


# --------------------------------------------------------------------------- lookups by name


def test_lookup_finds_a_record_by_its_name_or_alias_when_no_id_matches() -> None:
    """lookup("Shanghai"), lookup("nature index"), get("AI") find the record going by it."""
    ds = si.load()
    assert ("shanghai", "nature-index-science-cities", "artificial-intelligence", "stcsm") == (
        ds.lookup("Shanghai").id,
        ds.lookup("nature index").id,
        si.get("AI").id,  # type: ignore[union-attr]
        si.lookup("science and technology commission of shanghai municipality").id,
    )


def test_an_id_wins_over_a_name() -> None:
    """A text that is an id finds that record, whatever else goes by it as a name."""
    place = si.Entity(id="lingang", name="Pudong", kind=si.EntityKind.PLACE, locator=LOC)
    other = si.Entity(id="pudong", name="Lingang", kind=si.EntityKind.PLACE, locator=LOC)
    ds = si.Dataset(INFO, sources=(SOURCE,), entities=(place, other))
    assert (place, other, place) == (ds.lookup("lingang"), ds.lookup("Lingang"), ds.get("Pudong"))


def test_a_name_several_records_share_is_not_one_record() -> None:
    """lookup() of a shared name raises, naming the ids; get() gives the default."""
    twins = tuple(
        si.Entity(id=f"twin-{i}", name="Twin", kind=si.EntityKind.PLACE, locator=LOC)
        for i in (1, 2)
    )
    ds = si.Dataset(INFO, sources=(SOURCE,), entities=twins)
    with pytest.raises(si.RecordNotFoundError) as info:
        ds.lookup("twin")
    assert ("2 records go by the name 'twin': twin-1, twin-2; look one up by its id", "none") == (
        str(info.value),
        ds.get("twin", "none"),
    )
    assert ("twin-1", "twin-2") == info.value.suggestions


def test_a_near_miss_suggests_close_ids_and_names() -> None:
    """An unknown id or name suggests the closest ids and names, in the message and the error."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup("rd-spending-2018")
    assert info.value.suggestions[0] == "rd-spending-2019"
    assert str(info.value).startswith(
        "no record with id or name 'rd-spending-2018'; did you mean 'rd-spending-2019'"
    )
    with pytest.raises(si.RecordNotFoundError, match="did you mean 'Shanghai'"):
        si.lookup("Shanghia")
    with pytest.raises(si.RecordNotFoundError, match=r"no entity .* 'Fosunn'; did .* 'Fosun'"):
        si.where(entity="Fosunn")


def test_a_word_of_a_name_suggests_the_names_holding_it() -> None:
    """A word of a longer name (Zhangjiang) suggests that name first, not a look-alike name."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.where(entity="Zhangjiang")
    assert "Shanghai Zhangjiang Boston Enterprise Park" == info.value.suggestions[0]
    assert str(info.value).startswith(
        "no entity with id or name 'Zhangjiang'; did you mean "
        "'Shanghai Zhangjiang Boston Enterprise Park'"
    )
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup("zhangjiang")
    assert "zhangjiang-boston-enterprise-park" in info.value.suggestions[:2]
    with pytest.raises(si.RecordNotFoundError) as info:  # three letters are a word
        si.lookup("g60")
    assert "G60 Brain Intelligence Innovation Park" == info.value.suggestions[0]
    with pytest.raises(si.RecordNotFoundError) as info:  # two are not: every "-of-" id would do
        si.lookup("of")
    assert () == info.value.suggestions


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Shangai", ("Shanghai", "ref-web-shanghai", "gii-2020-shanghai")),
        ("Fosn", ("Fosun", "ref-web-fosun", "fosun-mrna-vaccine")),
        (
            "Zhangjang",
            (
                "ref-web-zhangjiang-boston-park",
                "zhangjiang-boston-park-partners",
                "zhangjiang-boston-enterprise-park",
            ),
        ),
    ],
)
def test_a_misspelled_word_suggests_the_names_with_the_word_it_is_like(
    typed: str, expected: tuple[str, ...]
) -> None:
    """A one-word typo suggests names and ids holding a word like it, likest then shortest."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup(typed)
    assert expected == info.value.suggestions


def test_a_word_as_like_as_the_cutoff_is_suggested_and_one_less_like_is_not() -> None:
    """'Zhangjxxng' is 0.8 like 'zhangjiang' (the cutoff): suggested; 'Zhangjxxxg', 0.7, not."""
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup("Zhangjxxng")
    assert "zhangjiang-boston-enterprise-park" in info.value.suggestions
    with pytest.raises(si.RecordNotFoundError) as info:
        si.lookup("Zhangjxxxg")
    assert [] == [s for s in info.value.suggestions if "hangjiang" in s.lower()]


def test_lookup_refuses_what_is_no_text() -> None:
    """lookup(5) is a TypeError naming the argument."""
    with pytest.raises(TypeError, match=r"^id must be a record, or its id or name"):
        si.lookup(5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- arguments of where


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"mode": "bogus"}, ValueError, "mode must be 'within' or 'overlaps', got 'bogus'"),
        ({"entity": 3.5}, TypeError, "entity must be an Entity, or its id, name or alias"),
        ({"kind": 5}, TypeError, "kind must be an EntityKind or its token"),
        ({"topic": "gardening"}, ValueError, "topic must be a Topic token, one of: "),
        ({"section": object()}, TypeError, "section must be a Section or its token"),
        ({"start": 3.5}, TypeError, "start must be a date, a PartialDate, text"),
        ({"end": dt.datetime(2020, 1, 1)}, TypeError, "end must be a date without a time"),
        ({"table": 3}, TypeError, "table must be a table name or a record class"),
    ],
)
def test_where_names_the_argument_it_refuses(
    arguments: dict[str, object], error: type[Exception], message: str
) -> None:
    """Each wrong argument of where() raises TypeError or ValueError naming it and what it takes."""
    with pytest.raises(error, match=f"^{message}"):
        si.where(**arguments)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- methods and shortcuts


def test_every_module_function_is_the_method_on_the_bundled_dataset() -> None:
    """si.to_arrow, si.check, si.search, ... answer as the bundled Dataset's methods."""
    ds = si.load()
    assert ds.to_arrow("metrics").equals(si.to_arrow(si.Metric))
    assert ds.to_pandas(si.Metric).equals(si.to_pandas("metrics"))
    assert ds.to_polars("rankings").equals(si.to_polars(si.RankingPosition))
    assert ds.sql("select count(*) as n from metrics").equals(
        si.sql("select count(*) as n from metrics")
    )
    assert ds.quantities().equals(si.quantities())
    assert (ds.check(), ds.search("R&D"), ds.related("IC")) == (
        si.check(),
        si.search("R&D"),
        si.related("IC"),
    )
    assert (ds.errata_for("rd-spending-2019"), ds.findings_for("rd-spending-2019")) == (
        si.errata_for("rd-spending-2019"),
        si.findings_for("rd-spending-2019"),
    )


def test_methods_work_on_any_dataset() -> None:
    """A hand-made dataset answers to_arrow, search, check and quantities about itself."""
    ds = si.Dataset(INFO, sources=(SOURCE,))
    assert (1, ("src",), 0) == (
        ds.to_arrow(si.Source).num_rows,
        tuple(m.record.id for m in ds.search("a title")),
        ds.quantities().num_rows,
    )
    assert [] == [f for f in ds.check() if f.records and f.records[0] != "src"]


def test_export_writes_the_dataset_it_is_called_on(tmp_path: Path) -> None:
    """ds.export(folder) writes the same files as export_release(folder, dataset=ds)."""
    ds = si.Dataset(INFO, sources=(SOURCE,))
    ds.export(tmp_path / "a", formats=["csv"])
    si.export_release(tmp_path / "b", dataset=ds, formats=["csv"])
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_every_single_table_result_speaks_the_arrow_stream_protocol() -> None:
    """to_arrow, sql, quantities, to_pandas and to_polars give objects pyarrow reads by capsule."""
    results = (
        si.to_arrow("metrics"),
        si.sql("select id from metrics"),
        si.quantities(),
        si.to_pandas("metrics"),
        si.to_polars("metrics"),
    )
    for result in results:
        assert callable(result.__arrow_c_stream__)
        assert len(result) == pa.RecordBatchReader.from_stream(result).read_all().num_rows


def test_findings_and_errata_for_a_record() -> None:
    """findings_for names the audit's findings on a record; errata_for its errata."""
    ds = si.load()
    assert (
        ["growth-vs-baseline", "share-of-gdp", "national-total", "exchange-rate"],
        ["erratum-rd-spending-2019", "erratum-rd-spending-2019-usd"],
        [],
        ["unverified-reference", "unverified-reference"],
    ) == (
        [f.rule for f in ds.findings_for("rd-spending-2019")],
        [e.id for e in ds.errata_for("rd-spending-2019")],
        [e.id for e in ds.errata_for("shanghai")],
        [f.rule for f in ds.findings_for("ref-gii-2020")],  # relied on as a reference
    )


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("version", "\u0661.0.0", "'version' must match regex"),
        ("version", "1.0.0\n", "'version' must match regex"),
        ("title", "Test\x1b[2J", "'title' must not hold the character U+001B"),
        ("attribution", "=HYPERLINK(1)", "'attribution' must not start with '='"),
        ("license", " CC-BY-4.0", "'license' must be non-blank text with no surrounding spaces"),
    ],
)
def test_dataset_info_refuses_what_a_release_could_smuggle_into_a_terminal(
    field: str, value: str, error: str
) -> None:
    """A version of other than ASCII digits, or info text with controls or a formula, is refused."""
    with pytest.raises(ValueError, match=re.escape(error)):
        attrs.evolve(INFO, **{field: value})
