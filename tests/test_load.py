"""Loading data files: every validation rule, fed a bad file, gives one located line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._load import read_directory

from ._releases import write_small_data
from .conftest import DATA_DIR


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A valid minimal data folder, written fresh for each test."""
    return write_small_data(tmp_path / "data")


def _replace(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(folder: Path) -> tuple[str, ...]:
    with pytest.raises(si.DataError) as info:
        read_directory(folder, "data")
    return info.value.problems


def test_minimal_folder_loads(minimal: Path) -> None:
    """The fixture itself is valid, so each fault below is the only one."""
    dataset = read_directory(minimal, "data")
    assert 2 == len(dataset.metrics)
    assert si.PartialDate(2020, 11) == dataset.metrics[0].as_of


@pytest.mark.parametrize(
    ("table", "old", "new", "expected"),
    [
        pytest.param(
            "metrics",
            'measure = "Firms"',
            'measure = "Firms"\ncolour = "red"',
            "data/metrics.toml: record 'firms': field (record): unknown key(s) colour",
            id="unknown-key",
        ),
        pytest.param(
            "metrics",
            'unit = "count", qualifier = "nearly"',
            'unit = "count", qualifier = "roughly"',
            "data/metrics.toml: record 'firms': field quantity.qualifier: "
            "'roughly' is not a valid Qualifier",
            id="unknown-enum-token",
        ),
        pytest.param(
            "metrics",
            'id = "share"',
            'id = "firms"',
            "data/metrics.toml: record 'firms': field id: duplicate id (also in metrics.toml)",
            id="duplicate-id",
        ),
        pytest.param(
            "events",
            'entities = ["city"]',
            'entities = ["town"]',
            "data/events.toml: record 'opening': field entities: no entities record 'town'",
            id="dangling-entity",
        ),
        pytest.param(
            "events",
            'metrics = ["firms"]',
            'metrics = ["shops"]',
            "data/events.toml: record 'opening': field metrics: no metrics record 'shops'",
            id="dangling-metric",
        ),
        pytest.param(
            "metrics",
            'locator = "src#introduction/5"',
            'locator = "other#introduction/5"',
            "data/metrics.toml: record 'firms': field locator: no sources record 'other'",
            id="dangling-source",
        ),
        pytest.param(
            "events",
            'date = "2020-01-09"',
            'date = "2020-02-30"',
            "data/events.toml: record 'opening': field date: no such day: 2020-02-30",
            id="impossible-date",
        ),
        pytest.param(
            "metrics",
            'value = "3.5", unit = "percent"',
            'value = "103.5", unit = "percent"',
            "data/metrics.toml: record 'share': field quantity: "
            "a percentage must lie within 0-100, got 103.5",
            id="percent-over-100",
        ),
        pytest.param(
            "metrics",
            "value = 16000,",
            "value = -16000,",
            "data/metrics.toml: record 'firms': field quantity: "
            "a count must be a non-negative whole number, got -16000",
            id="negative-count",
        ),
        pytest.param(
            "metrics",
            'value = "3.5",',
            "value = 3.5,",
            "data/metrics.toml: record 'share': field quantity.value: "
            "expected an int or an exact number as text, got float",
            id="float-value",
        ),
        pytest.param(
            "rankings",
            "rank = 5",
            "rank = 500",
            "data/rankings.toml: record 'rank-2020': field (record): "
            "rank 500 is beyond the 100 ranked",
            id="rank-beyond-out-of",
        ),
        pytest.param(
            "rankings",
            "rank = 5",
            "rank = 0",
            "data/rankings.toml: record 'rank-2020': field rank: 'rank' must be >= 1: 0",
            id="rank-zero",
        ),
        pytest.param(
            "rankings",
            "edition = 2020",
            "edition = 0",
            "data/rankings.toml: record 'rank-2020': field edition: "
            "'edition' must be a year from 1 to 9999: 0",
            id="edition-not-a-year",
        ),
        pytest.param(
            "rankings",
            "previous_rank = 8",
            "previous_rank = 99999999999999999999",
            "data/rankings.toml: record 'rank-2020': field previous_rank: "
            "expected a whole number that fits in 64 bits, got 99999999999999999999",
            id="int-beyond-64-bits",
        ),
        pytest.param(
            "metrics",
            'locator = "src#introduction/5"',
            'locator = "src#introduction/99999999999999999999"',
            "data/metrics.toml: record 'firms': field locator: "
            "paragraph does not fit in 64 bits: 99999999999999999999",
            id="paragraph-beyond-64-bits",
        ),
        pytest.param(
            "metrics",
            "value = 16000,",
            'value = "1' + "0" * 400 + '",',
            "data/metrics.toml: record 'firms': field quantity.value: "
            "too large a number to export (over 1.8e308)",
            id="number-beyond-float-range",
        ),
        pytest.param(
            "metrics",
            'period = { start = "2016", end = "2020"',
            'period = { start = "2021", end = "2020"',
            "data/metrics.toml: record 'share': field period: "
            "period ends (2020) before it starts (2021)",
            id="period-backwards",
        ),
        pytest.param(
            "metrics",
            'id = "firms"',
            'id = "Firms Count"',
            "data/metrics.toml: record 'Firms Count': field id: "
            "'id' must match regex '[a-z0-9]+(-[a-z0-9]+)*' ('Firms Count' doesn't)",
            id="id-not-a-slug",
        ),
        pytest.param(
            "errata",
            'record = "rank-2020"',
            'record = "rank-2019"',
            "data/errata.toml: record 'erratum-one': field record: no record 'rank-2019'",
            id="erratum-dangling-record",
        ),
        pytest.param(
            "errata",
            'field_name = "previous_rank"',
            'field_name = "prior_rank"',
            "data/errata.toml: record 'erratum-one': field field_name: "
            "rankings records have no field 'prior_rank'",
            id="erratum-unknown-field",
        ),
        pytest.param(
            "errata",
            'field_name = "previous_rank"',
            'field_name = "out_of.valeu"',
            "data/errata.toml: record 'erratum-one': field field_name: "
            "rankings records have no field 'out_of.valeu'",
            id="erratum-unknown-subfield",
        ),
        pytest.param(
            "rankings",
            "movement = 3",
            'movement = "3"',
            "data/rankings.toml: record 'rank-2020': field movement: "
            "expected a whole number, got str",
            id="wrong-type",
        ),
        pytest.param(
            "metrics",
            'measure = "Firms"\n',
            "",
            "data/metrics.toml: record 'firms': field measure: missing",
            id="missing-field",
        ),
        pytest.param(
            "metrics",
            'measure = "Firms"',
            'measure = "Firms"\nevidence = "' + " ".join(["word"] * 16) + '"',
            "data/metrics.toml: record 'firms': field evidence: "
            "'evidence' must be at most 15 words, got 16",
            id="evidence-too-long",
        ),
        pytest.param(
            "metrics",
            'as_of = "2020-11"',
            'as_of_derivation = "Worked out."',
            "data/metrics.toml: record 'firms': field (record): as_of_derivation needs as_of",
            id="derivation-without-date",
        ),
        pytest.param(
            "entities",
            'name = "City"',
            'name = "City"\nname_zh_hans = "\u57ce\u5e02"',
            "data/entities.toml: record 'city': field (record): "
            "name_zh_hans and name_zh_hans_reference go together",
            id="chinese-name-without-source",
        ),
    ],
)
def test_each_fault_gives_one_located_line(
    minimal: Path, table: str, old: str, new: str, expected: str
) -> None:
    """A planted fault is reported as exactly one line naming file, record and field."""
    _replace(minimal, table, old, new)
    assert (expected,) == _problems(minimal)


STATEMENT = """
[[statements]]
id = "claim"
subject = "city"
claim = "The city says something."
locator = "src#introduction/1"
evidence = "the article's own words"
"""


def test_a_statement_loads_and_needs_its_evidence(minimal: Path) -> None:
    """A statement loads with its span; without one it is refused on one located line."""
    (minimal / "statements.toml").write_text(STATEMENT, encoding="utf-8")
    (statement,) = read_directory(minimal, "data").statements
    assert ("city", "the article's own words") == (statement.subject, statement.evidence)
    _replace(minimal, "statements", "evidence = \"the article's own words\"\n", "")
    assert ("data/statements.toml: record 'claim': field evidence: missing",) == _problems(
        minimal
    )


def test_erratum_may_name_a_subfield(minimal: Path) -> None:
    """A dotted field name that exists (a quantity's value) is accepted."""
    _replace(minimal, "errata", 'field_name = "previous_rank"', 'field_name = "out_of.value"')
    assert "out_of.value" == read_directory(minimal, "data").errata[0].field_name


def test_streak_year_out_of_range_is_refused() -> None:
    """A streak's latest year must be a year a PartialDate can hold (the timeline uses it)."""
    with pytest.raises(ValueError, match="'latest_year' must be a year from 1 to 9999: 12020"):
        si.Streak(
            id="s",
            subject="city",
            honour="An honour",
            ranking="index",
            length=3,
            latest_year=12020,
            locator=si.Locator("src", si.Section.INTRODUCTION, 1),
        )


def test_every_problem_is_reported_together(minimal: Path) -> None:
    """Faults in several files are all listed, one line each, in table order."""
    _replace(minimal, "metrics", "value = 16000,", "value = -1,")
    _replace(minimal, "events", 'date = "2020-01-09"', 'date = "2020-13-01"')
    problems = _problems(minimal)
    assert 2 == len(problems)
    assert problems[0].startswith("data/metrics.toml: record 'firms': field quantity:")
    assert problems[1].startswith("data/events.toml: record 'opening': field date:")


def test_not_utf8(minimal: Path) -> None:
    """A data file that is not UTF-8 is named, with the offending byte."""
    (minimal / "entities.toml").write_bytes(b'# caf\xe9\n')
    assert ("data/entities.toml: not UTF-8 text (byte 5)",) == _problems(minimal)


def test_bad_toml(minimal: Path) -> None:
    """A TOML syntax error names the file and the line."""
    (minimal / "photos.toml").write_text("[[photos]\n", encoding="utf-8")
    (problem,) = _problems(minimal)
    assert problem.startswith("data/photos.toml: not valid TOML (")
    assert "line 1" in problem


def test_missing_file(minimal: Path) -> None:
    """A missing table file is named."""
    (minimal / "quotes.toml").unlink()
    assert ("data/quotes.toml: file missing",) == _problems(minimal)


def test_unknown_top_level_key(minimal: Path) -> None:
    """A file may hold only its own table's array."""
    (minimal / "photos.toml").write_text("[[photo]]\nid = 'x'\n", encoding="utf-8")
    assert (
        "data/photos.toml: unknown top-level key(s) photo; expected [[photos]]",
    ) == _problems(minimal)


def test_record_that_is_not_a_table(minimal: Path) -> None:
    """An array of plain values instead of tables is refused per record."""
    (minimal / "photos.toml").write_text("photos = [1]\n", encoding="utf-8")
    assert (
        "data/photos.toml: record #1: field (record): a record is a table of fields, got int",
    ) == _problems(minimal)


def test_bad_dataset_info(minimal: Path) -> None:
    """The dataset file is validated too (the version must be SemVer)."""
    _replace(minimal, "dataset", 'version = "1.2.3"', 'version = "one"')
    (problem,) = _problems(minimal)
    assert problem.startswith("data/dataset.toml: field version:")


def test_data_error_is_a_value_error(minimal: Path) -> None:
    """DataError is both the library's root error and a ValueError."""
    _replace(minimal, "metrics", "value = 16000,", "value = -1,")
    with pytest.raises(ValueError, match=re.escape("data/metrics.toml")) as info:
        read_directory(minimal, "data")
    assert isinstance(info.value, si.ShanghaiInnovationError)


def test_cli_reports_bad_data_without_traceback(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line prints each problem on one stderr line and exits 3."""
    _replace(minimal, "events", 'date = "2020-01-09"', 'date = "2020-02-30"')
    assert 3 == _cli.main(["show", "opening", "--data", str(minimal)])
    err = capsys.readouterr().err
    assert (
        f"shanghai-innovation: error: {minimal}/events.toml: record 'opening': "
        "field date: no such day: 2020-02-30\n"
    ) == err


def test_cli_show_prints_a_record(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`show ID` prints the record in the JSON shape of the converter."""
    assert 0 == _cli.main(["show", "firms", "--data", str(minimal)])
    out = capsys.readouterr().out
    assert '"value": "16000"' in out
    assert '"qualifier": "nearly"' in out


def test_cli_show_prints_the_evidence_and_derivation(capsys: pytest.CaptureFixture[str]) -> None:
    """`show` prints a record's evidence span and how an unprinted date was worked out."""
    assert 0 == _cli.main(["show", "advanced-technology-companies"])
    shown = json.loads(capsys.readouterr().out)
    assert "now has nearly 16,000 advanced technology companies" == shown["evidence"]
    assert shown["as_of_derivation"].startswith("The article's 'now'")


def test_cli_show_prints_a_chinese_name(capsys: pytest.CaptureFixture[str]) -> None:
    """`show` prints an entity's Chinese name unescaped, with the page that gives it."""
    assert 0 == _cli.main(["show", "stcsm"])
    out = capsys.readouterr().out
    assert '"name_zh_hans": "\u4e0a\u6d77\u5e02\u79d1\u5b66\u6280\u672f\u59d4\u5458\u4f1a"' in out
    assert '"name_zh_hans_reference": "ref-web-stcsm"' in out


def test_cli_show_unknown_id(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id exits 9 with one line."""
    assert 9 == _cli.main(["show", "nothing", "--data", str(minimal)])
    expected = "shanghai-innovation: error: no record with id or name 'nothing'\n"
    assert expected == capsys.readouterr().err


def test_bundled_data_is_valid() -> None:
    """The shipped data passes every validation rule."""
    dataset = si.load()
    assert len(dataset) > 0
    assert dataset == read_directory(DATA_DIR, "data")


def test_a_folder_that_is_not_there_is_one_problem(tmp_path: Path) -> None:
    """load() of a missing folder, or of a file, says so once, not once per data file."""
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for name in ("nowhere", "file.txt"):
        with pytest.raises(si.DataError) as info:
            si.load(tmp_path / name)
        assert (f"{tmp_path / name}: no such folder",) == info.value.problems


def test_a_release_folder_given_to_load_points_at_load_release(
    tmp_path: Path, minimal: Path
) -> None:
    """datapackage.json and no dataset.toml: a release, one line naming load_release."""
    (tmp_path / "datapackage.json").write_text("{}", encoding="utf-8")
    with pytest.raises(si.DataError) as info:
        si.load(tmp_path)
    assert (
        f"{tmp_path}: a release, not a data folder; read it with load_release() "
        "(shanghai-innovation verify checks it)",
    ) == info.value.problems
    (minimal / "datapackage.json").write_text("{}", encoding="utf-8")  # beside dataset.toml
    assert read_directory(minimal, "data").info.name
