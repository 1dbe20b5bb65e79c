"""A data folder from anyone (``--data``): deep nesting, huge files, formula text.

Each case goes through the command line too: ``check``, ``export`` and
``show`` must exit 3 with one line per problem and no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli, _limits
from shanghai_innovation._load import read_directory

from ._releases import write_small_data

DATA = 3


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A valid minimal data folder."""
    return write_small_data(tmp_path / "data")


def _problems(folder: Path) -> tuple[str, ...]:
    with pytest.raises(si.DataError) as info:
        read_directory(folder, "data")
    return info.value.problems


@pytest.mark.parametrize("command", ["check", "export", "show"])
def test_deeply_nested_toml_is_a_data_error(
    minimal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """TOML arrays nested 5000 deep are refused as invalid data, never a RecursionError."""
    path = minimal / "metrics.toml"
    deep = "\n[[metrics]]\ntopics = " + "[" * 5000 + "]" * 5000 + "\n"
    path.write_text(path.read_text(encoding="utf-8") + deep, encoding="utf-8")
    args = {
        "check": ["check", "--data", str(minimal)],
        "export": ["export", "--data", str(minimal), "--output", str(tmp_path / "out")],
        "show": ["show", "firms", "--data", str(minimal)],
    }[command]
    code = _cli.main(args)
    out, err = capsys.readouterr()
    assert (DATA, "") == (code, out)
    expected = (
        f"shanghai-innovation: error: {minimal}/metrics.toml: not valid TOML "
        f"(nested deeper than the cap of {_limits.MAX_NESTING})"
    )
    assert [expected] == err.splitlines()


def test_nesting_just_over_the_cap_is_refused(minimal: Path) -> None:
    """A document nesting one level deeper than the cap (but parseable) is refused too."""
    depth = _limits.MAX_NESTING  # the [[metrics]] array and its table add two levels
    path = minimal / "metrics.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[[metrics]]\nx = " + "[" * depth + "]" * depth,
        encoding="utf-8",
    )
    assert (f"data/metrics.toml: not valid TOML (nested deeper than the cap of {depth})",) == (
        _problems(minimal)
    )


def test_data_file_over_the_byte_cap_is_refused_unread(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file larger than the per-file cap is refused before it is parsed."""
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", 1000)
    path = minimal / "metrics.toml"
    path.write_text(path.read_text(encoding="utf-8") + "#" * 1000, encoding="utf-8")
    assert ("data/metrics.toml: larger than the cap of 1000 bytes for one file",) == (
        _problems(minimal)
    )


def test_data_table_over_the_row_cap_is_refused(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file holding more records than the row cap is refused before they are built."""
    monkeypatch.setattr(_limits, "MAX_ROWS", 1)
    assert (
        "data/entities.toml: 2 records, over the cap of 1",
        "data/metrics.toml: 2 records, over the cap of 1",
    ) == _problems(minimal)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
@pytest.mark.parametrize(
    ("table", "old", "field"),
    [
        ("errata", 'stated = "8"', "stated"),
        ("metrics", 'measure = "Firms"', "measure"),
        ("sources", 'note = "A note', "note"),
    ],
)
def test_text_a_spreadsheet_would_run_is_refused(
    minimal: Path, start: str, table: str, old: str, field: str
) -> None:
    """Curated text starting with = + - or @ is refused, naming file, record and field."""
    path = minimal / f"{table}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    new = old.replace('= "', f'= "{start}HYPERLINK(1)', 1)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    (problem,) = _problems(minimal)
    assert problem.startswith(f"data/{table}.toml: record '")
    assert f"field {field}: '{field}' must not start with {start!r}" in problem
    assert "formula" in problem


def test_optional_text_a_spreadsheet_would_run_is_refused(minimal: Path) -> None:
    """Optional text (an entity's description) is held to the same rule."""
    path = minimal / "entities.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kind = "place"', 'kind = "place"\ndescription = "=1+1"', 1))
    (problem,) = _problems(minimal)
    assert "record 'city': field description: 'description' must not start with '='" in problem


STATEMENT = """
[[statements]]
id = "claim"
subject = "city"
claim = "CLAIM"
locator = "src#introduction/5"
evidence = "Some words of the source"
"""


@pytest.mark.parametrize(
    ("table", "old", "new", "where"),
    [
        ("metrics", 'measure = "Firms"', 'measure = "Firms"\nevidence = "TEXT"', "evidence"),
        ("statements", "", STATEMENT.replace("CLAIM", "TEXT"), "claim"),
        ("statements", "", STATEMENT.replace("Some words", "TEXT"), "evidence"),
        (
            "entities",
            'kind = "place"',
            'kind = "place"\nname_zh_hans = "TEXT"\nname_zh_hans_reference = "ref-one"',
            "name_zh_hans",
        ),
        (
            "metrics",
            'as_of = "2020-11"',
            'as_of = "2020-11"\nas_of_derivation = "TEXT"',
            "as_of_derivation",
        ),
        ("rankings", "rank = 5", 'rank = 5\nedition_derivation = "TEXT"', "edition_derivation"),
        ("metrics", "derived = true }", 'derived = true, derivation = "TEXT" }', "derivation"),
        ("entities", 'kind = "place"', 'kind = "place"\ndescription = "TEXT"', "description"),
    ],
    ids=[
        "evidence",
        "statement-claim",
        "statement-evidence",
        "chinese-name",
        "as-of-derivation",
        "edition-derivation",
        "period-derivation",
        "optional-description",
    ],
)
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("=HYPERLINK(1)", "must not start with '='"),
        ("\\t=1", "must be non-blank text with no surrounding spaces"),
        ("A\\u202eB", "must not hold the character U+202E"),
    ],
    ids=["formula", "tab-first", "bidi-override"],
)
def test_every_text_field_is_held_to_the_text_rules(
    minimal: Path, table: str, old: str, new: str, where: str, text: str, says: str
) -> None:
    """Evidence, claims, Chinese names, derivations and optional text obey the text rules."""
    path = minimal / f"{table}.toml"
    content = path.read_text(encoding="utf-8")
    assert old in content
    new = new.replace("TEXT", text)
    edited = content.replace(old, new, 1) if old else content + new
    path.write_text(edited, encoding="utf-8")
    (problem,) = _problems(minimal)
    assert problem.startswith(f"data/{table}.toml: record '")
    assert f"'{where}' {says}" in problem


@pytest.mark.parametrize("space", ["\t", "\r"])
def test_text_starting_with_tab_or_carriage_return_is_refused(minimal: Path, space: str) -> None:
    """A tab or carriage return before the text (another spreadsheet trick) is refused."""
    path = minimal / "errata.toml"
    text = path.read_text(encoding="utf-8")
    escaped = "\\t" if space == "\t" else "\\r"
    path.write_text(text.replace('stated = "8"', f'stated = "{escaped}=8"', 1), encoding="utf-8")
    (problem,) = _problems(minimal)
    assert "field stated: 'stated' must be non-blank text with no surrounding spaces" in problem


def test_many_problems_are_cut_to_the_cap(minimal: Path) -> None:
    """A data folder with thousands of problems reports the first MAX_PROBLEMS and a count."""
    path = minimal / "events.toml"
    path.write_text("\n".join(f"[[events]]\nid = 'e{i}'" for i in range(300)), encoding="utf-8")
    with pytest.raises(si.DataError) as info:
        read_directory(minimal, "data")
    lines = str(info.value).splitlines()
    assert len(info.value.problems) > _limits.MAX_PROBLEMS
    assert _limits.MAX_PROBLEMS + 1 == len(lines)
    assert f"(and {len(info.value.problems) - _limits.MAX_PROBLEMS} more problems)" == lines[-1]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('note = "A note', 'note = "A\\u202eton', "U+202E"),
        ('note = "A note', 'note = "A\\u001b[2J note', "U+001B"),
        ('note = "A note', 'note = "A\\u0085 note', "U+0085"),
        ('note = "A note', 'note = "A\\u2028 note', "U+2028"),
    ],
    ids=["bidi-override", "escape", "next-line", "line-separator"],
)
def test_text_holding_invisible_characters_is_refused(
    minimal: Path, old: str, new: str, code: str
) -> None:
    """Curated text holding a control, format or bidirectional character is refused, located."""
    path = minimal / "sources.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    (problem,) = _problems(minimal)
    where = "data/sources.toml: record 'src': field note"
    assert problem.startswith(f"{where}: 'note' must not hold the character {code}")
    assert problem.isprintable()


def test_data_file_over_the_value_cap_is_refused_unparsed(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file holding more values than the cap (a million keys, say) is refused unparsed."""
    monkeypatch.setattr(_limits, "MAX_VALUES", 100)
    path = minimal / "metrics.toml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"k{i} = 1\n" for i in range(100)))
    assert ("data/metrics.toml: over the cap of 100 values",) == _problems(minimal)


def test_data_folder_over_the_record_cap_is_refused(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder whose tables together hold more records than the cap is refused."""
    monkeypatch.setattr(_limits, "MAX_RECORDS", 8)
    assert ("data: 9 records, over the cap of 8",) == _problems(minimal)
