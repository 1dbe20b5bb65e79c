"""The command line as a newcomer uses it: help, list, search, export formats, JSON, exit codes."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import attrs
import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._audit import check, findings_to_text
from shanghai_innovation._dataset import TABLES
from shanghai_innovation._formats.descriptors import DESCRIPTOR_FILES
from shanghai_innovation._release.export import export_release

from ._releases import (
    FINGERPRINT_KEY,
    NAME,
    SCHEMA_KEY,
    edit_json,
    export,
    fingerprint_of,
    hostile,
    release_file_names,
    small_dataset,
    write_small_data,
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in process: exit code, stdout, stderr."""
    code = _cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    """The small test dataset as a data folder, for ``--data``."""
    return write_small_data(tmp_path / "data")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    for action in _cli._parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


# --- help ----------------------------------------------------------------------------------


def test_every_command_has_a_description_and_every_argument_help() -> None:
    """No sub-command without a description, no argument or option without help text."""
    parsers = {"": _cli._parser(), **_subparsers()}
    missing = [
        f"{name} {action.dest}"
        for name, parser in parsers.items()
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert [] == missing
    assert [] == [name for name, parser in parsers.items() if not parser.description]


def test_help_lists_the_commands() -> None:
    """The commands a newcomer explores with come first, then the release and audit ones."""
    assert ["list", "search", "show", "export", "verify", "diff", "check"] == list(_subparsers())


def test_help_ends_with_the_exit_code_table(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` prints every exit code and its meaning, generated from EXIT_CODES."""
    with pytest.raises(SystemExit) as exit_info:
        _cli.main(["--help"])
    out = capsys.readouterr().out
    assert 0 == exit_info.value.code
    assert out.rstrip().endswith(_cli.exit_codes_help())
    table = out[out.index("exit codes:") :]
    for entry in _cli.EXIT_CODES:
        first_words = " ".join(entry.meaning.split()[:4])
        assert f"  {entry.code:<4}{first_words}" in table, entry


def test_exit_code_table_is_complete_and_in_order() -> None:
    """Codes run 0..12 without a gap; every library error class has a row."""
    assert list(range(13)) == [e.code for e in _cli.EXIT_CODES]
    mapped = {e.error for e in _cli.EXIT_CODES if e.error is not None}
    errors = {getattr(si, name) for name in si.__all__ if name.endswith("Error")}
    assert errors == mapped


@pytest.mark.parametrize("entry", [e for e in _cli.EXIT_CODES if e.error is not None])
def test_each_error_maps_to_its_own_code(entry: _cli.ExitCode) -> None:
    """An error maps to its own row, not its parent's (an IntegrityError is 5, not 4)."""
    assert entry.error is not None
    assert entry.code == _cli._exit_code(entry.error("boom"))


def test_an_unlisted_subclass_maps_to_its_nearest_listed_parent() -> None:
    """A new subclass of UnsafeArchiveError gets 6, the code of its nearest listed class."""

    class Sub(si.UnsafeArchiveError):
        pass

    assert 6 == _cli._exit_code(Sub("x"))


# --- list and search -----------------------------------------------------------------------


def test_list_table_prints_ids_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    """`list rankings` prints one line per position: id, then the ranking and the place."""
    code, out, err = run(capsys, "list", "rankings")
    assert (0, "") == (code, err)
    assert [
        "nature-index-2020-shanghai  "
        "Nature Index global science city rankings: edition 2020, rank 5",
        "gii-2020-shanghai           Global Innovation Index: edition 2020, rank 9",
    ] == out.splitlines()


def test_list_small_table_titles(small_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Titles come from the first text field of the record (a name, a measure, a title)."""
    code, out, _ = run(capsys, "list", "metrics", "--data", str(small_data))
    assert (0, ["firms  Firms", "share  A share, in percent"]) == (code, out.splitlines())
    _, out, _ = run(capsys, "list", "entities", "--data", str(small_data))
    assert ["city   City", "index  An index"] == out.splitlines()


def test_list_without_a_table_lists_every_record(capsys: pytest.CaptureFixture[str]) -> None:
    """`list` alone prints every record, with its table first, in table order."""
    code, out, _ = run(capsys, "list")
    rows = [line.split()[:2] for line in out.splitlines()]
    assert 0 == code
    assert [[r.table, r.id] for r in si.load().records()] == rows


def test_list_filters_as_where_does(capsys: pytest.CaptureFixture[str]) -> None:
    """`list events --topic rankings` lists exactly what Dataset.where returns."""
    code, out, _ = run(capsys, "list", "events", "--topic", "rankings")
    expected = [r.id for r in si.load().where("events", topic="rankings")]
    assert 2 == len(expected)
    assert (0, expected) == (code, [line.split()[0] for line in out.splitlines()])


def test_list_date_range_within_and_overlaps(capsys: pytest.CaptureFixture[str]) -> None:
    """--start/--end keep records within the range; --overlaps widens it as where(mode=...) does."""
    ds = si.load()
    for extra, mode in (((), "within"), (("--overlaps",), "overlaps")):
        _, out, _ = run(capsys, "list", "metrics", "--start", "2020-11-15", "--end", "2020", *extra)
        expected = [r.id for r in ds.where("metrics", start="2020-11-15", end="2020", mode=mode)]
        assert expected == [line.split()[0] for line in out.splitlines()], mode
    within = ds.where("metrics", start="2020-11-15", end="2020")
    assert len(within) < len(ds.where("metrics", start="2020-11-15", end="2020", mode="overlaps"))


def test_list_unknown_table_exits_9(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown table is one error line naming the tables, exit code 9."""
    code, out, err = run(capsys, "list", "nosuch")
    assert (9, "") == (code, out)
    assert err.startswith("shanghai-innovation: error: no table 'nosuch'; tables are: sources, ")
    assert 1 == len(err.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--topic", "funding"), "topic must be a Topic token, one of: "),
        (("--kind", "organization"), "kind must be an EntityKind token, one of: "),
        (("--section", "intro"), "section must be a Section token, one of: "),
        (("--start", "2020-13"), "start: month out of range: 13"),
        (("--end", "June"), "end: not a partial date (YYYY, YYYY-MM or YYYY-MM-DD): 'June'"),
    ],
)
def test_list_bad_option_value_is_one_usage_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """A topic, kind, section or date the data has no token for: one error line, exit 2."""
    code, out, err = run(capsys, "list", *args)
    assert (2, "") == (code, out)
    assert 1 == len(err.splitlines())
    assert err.startswith(f"shanghai-innovation: error: {message}")


@pytest.mark.parametrize("option", ["--topic", "--kind"])
def test_list_help_examples_are_real_tokens(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """The token --help gives as an example lists records (the first guess a reader makes)."""
    action = next(a for a in _subparsers()["list"]._actions if option in a.option_strings)
    example = re.search(r"\(e\.g\. ([^)]+)\)", action.help or "")
    assert example is not None
    code, out, err = run(capsys, "list", option, example.group(1))
    assert (0, "") == (code, err)
    assert out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("",), "search text is empty"),
        (("IC", "--limit", "-1"), "limit must be 0 or more, got -1"),
    ],
)
def test_search_bad_argument_is_one_usage_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    """Empty search text or a negative --limit: one error line, exit 2, no traceback."""
    assert (2, "", f"shanghai-innovation: error: {message}\n") == run(capsys, "search", *args)


def test_search_prints_matches_in_library_order(capsys: pytest.CaptureFixture[str]) -> None:
    """`search TEXT` prints the ids Dataset.search returns, in its order, each with a title."""
    code, out, err = run(capsys, "search", "Nature Index")
    expected = [m.record.id for m in si.load().search("Nature Index")]
    assert (0, "") == (code, err)
    assert expected
    assert expected == [line.split()[0] for line in out.splitlines()]
    assert "nature-index-science-cities     Nature Index global science city rankings" in out


def test_search_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """--limit N prints the N best matches only."""
    _, out, _ = run(capsys, "search", "Nature Index", "--limit", "1")
    assert [si.load().search("Nature Index")[0].record.id] == [out.split()[0]]
    assert 1 == len(out.splitlines())


def test_search_without_a_match_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing found: nothing on stdout, one line on stderr, exit 1 (like grep)."""
    assert (1, "", "no record matches 'qwzx-vbnq'\n") == run(capsys, "search", "qwzx-vbnq")


def test_long_titles_are_whole_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    """Output that is not a terminal is never cut: a pipe gets every title whole."""
    _, out, _ = run(capsys, "list", "references")
    assert "…" not in out
    assert si.load().references[0].statement in out


def test_export_help_names_every_file_always_written() -> None:
    """export --help names each descriptor and SHA256SUMS, the files every release holds."""
    description = " ".join((_subparsers()["export"].description or "").split())
    always = ("datapackage.json", *DESCRIPTOR_FILES, "SHA256SUMS")
    assert [] == [name for name in always if name not in description]


def test_check_json_help_and_docs_name_every_key_of_a_finding() -> None:
    """check --help and the CLI page list every key --json gives a finding, errata included."""
    action = next(a for a in _subparsers()["check"]._actions if "--json" in a.option_strings)
    page = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    described = page[page.index("`check --json`") : page.index("`verify SOURCE --json`")]
    finding = si.check()[0].to_dict()
    assert [] == [key for key in finding if key not in (action.help or "")]
    assert [] == [key for key in finding if f"`{key}`" not in described]


# --- export formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "formats"),
    [
        (["--format", "csv", "--format", "json"], ("csv", "json")),
        (["--format", "csv,json"], ("csv", "json")),
        (["--format", "json,csv"], ("csv", "json")),
        (["--format", "parquet"], ("parquet",)),
        (["--format", "all"], ("parquet", "csv", "json")),
        (["--format", "csv", "--format", "csv"], ("csv",)),
        ([], ("parquet", "csv", "json")),
    ],
)
def test_export_writes_every_format_asked_for(
    small_data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    formats: tuple[str, ...],
) -> None:
    """Repeated --format options and comma lists both add up; nothing asked for is dropped."""
    out = tmp_path / "release"
    code, _, err = run(capsys, "export", "--output", str(out), "--data", str(small_data), *options)
    assert (0, "") == (code, err)
    assert release_file_names(formats) == sorted(p.name for p in out.iterdir())


def test_export_unknown_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown format name exits 2 and names the choices, before anything is written."""
    with pytest.raises(SystemExit) as exit_info:
        _cli.main(["export", "--output", str(tmp_path / "r"), "--format", "csv,xml"])
    err = capsys.readouterr().err
    assert 2 == exit_info.value.code
    assert (
        "argument --format: unknown format 'xml' (choose from parquet, csv, json, all)"
        in err.splitlines()[-1]
    )
    assert not (tmp_path / "r").exists()


# --- verify --json, diff --exit-code -------------------------------------------------------


def test_verify_json_has_the_report_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`verify --json` prints one JSON object: the report's fields (tuples as lists), `complete`."""
    release = tmp_path / "release"
    export_release(release, dataset=small_dataset(), formats=("csv", "json"))
    code, out, err = run(capsys, "verify", str(release), "--json")
    report = si.verify(release)
    assert (0, "") == (code, err)
    expected = {**attrs.asdict(report), "complete": True}
    assert json.loads(json.dumps(expected)) == json.loads(out)
    assert NAME == json.loads(out)["name"]
    assert ["csv", "json"] == json.loads(out)["formats"]
    assert (True, []) == (json.loads(out)["complete"], json.loads(out)["not_compared"])


def test_verify_json_says_what_was_not_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`verify --json` of a release of another minor schema: complete false, every file listed."""
    release = export(tmp_path / "release")
    document = edit_json(release / f"{NAME}.json", lambda d: d.update(schema_version="1.999.0"))

    def claim(package: dict[str, object]) -> None:
        package[SCHEMA_KEY] = "1.999.0"
        package[FINGERPRINT_KEY] = fingerprint_of(package)

    hostile(release, {f"{NAME}.json": document.encode()}, package=claim)
    code, out, err = run(capsys, "verify", str(release), "--json")
    report = json.loads(out)
    assert (0, "", False) == (code, err, report["complete"])
    assert release_file_names() == sorted(name for name, _ in report["not_compared"])
    assert "written with export schema 1.999.0" in report["not_compared"][0][1]


@pytest.fixture
def two_releases(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An old release, a copy with the same data, and a new one with a metric removed."""
    ds = small_dataset()
    old, same, new = tmp_path / "old", tmp_path / "same", tmp_path / "new"
    export_release(old, dataset=ds)
    export_release(same, dataset=ds)
    export_release(new, dataset=attrs.evolve(ds, metrics=ds.metrics[:1]))
    return old, same, new


def test_diff_exit_code_is_1_when_releases_differ(
    two_releases: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """With --exit-code, different releases exit 1 and the same data exits 0; without it, 0."""
    old, same, new = (str(p) for p in two_releases)
    assert 1 == run(capsys, "diff", old, new, "--exit-code")[0]
    assert 0 == run(capsys, "diff", old, same, "--exit-code")[0]
    assert 0 == run(capsys, "diff", old, new)[0]
    code, out, _ = run(capsys, "diff", old, new, "--exit-code", "--json")
    assert (1, ["share"]) == (code, json.loads(out)["tables"]["metrics"]["removed"])


def test_diff_json_shape(
    two_releases: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`diff --json` is the documented object: versions, info, and per table three id lists."""
    old, _, new = (str(p) for p in two_releases)
    document = json.loads(run(capsys, "diff", old, new, "--json")[1])
    assert ["info", "metadata", "new_version", "old_version", "tables"] == list(document)
    assert sorted(TABLES) == list(document["tables"])
    for table in document["tables"].values():
        assert ["added", "changed", "removed"] == list(table)


# --- check: known findings read as known ---------------------------------------------------


def test_check_prints_acknowledged_findings_as_known_and_explained(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A green `check` has no `error:` line: acknowledged errors read as known, with the erratum."""
    code, out, _ = run(capsys, "check")
    lines = out.splitlines()
    assert 0 == code
    assert [] == [line for line in lines if line.startswith("error:")]
    ds = si.load()
    known = [f for f in check(ds) if f.acknowledged]
    assert 4 == sum(1 for f in known if f.severity.value == "error")
    for f in known:
        assert f"known {f.severity.value}, {f.rule}: {', '.join(f.records)}" in lines
    explained = {e.id for e in ds.errata if any(f"explained by {e.id}" in line for line in lines)}
    assert {e for f in known for e in f.errata} == explained
    for erratum in ds.errata:
        if erratum.id in explained:
            told = [
                line
                for line in lines
                if line == f"    explained by {erratum.id}: {erratum.explanation}"
            ]
            assert 1 == len(told), erratum.id  # told once, "(see above)" afterwards
    assert "explained by erratum-rd-spending-2019 (see above)" in out
    assert not any(line.startswith("Open:") for line in lines)  # every finding is known today
    assert (
        "Known and explained: an erratum in the data acknowledges each; they do not fail the "
        "check (8 findings):"
    ) == lines[0]
    assert "9 findings: 4 errors (4 known), 4 warnings (4 known), 1 info" == lines[-2]


def test_check_open_error_is_an_error_line(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error no erratum acknowledges still reads `error: rule: records`, first, and exits 1."""
    (data_copy / "errata.toml").write_text("# no errata\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--data", str(data_copy))
    lines = out.splitlines()
    assert 1 == code
    assert "Open: no erratum explains these (7 findings):" == lines[0]
    assert "error: growth-vs-baseline: rd-spending-2019, rd-spending-growth-2015-2019" == lines[2]
    assert not any(line.startswith("known ") for line in lines)
    assert "4 errors are not acknowledged by any erratum" == lines[-1]


def test_findings_text_without_errata_names_no_erratum() -> None:
    """Without the errata to hand, known findings are grouped as known, unexplained."""
    text = findings_to_text(check())
    assert "explained by" not in text
    assert "known error, share-of-gdp: rd-spending-2019" in text.splitlines()
