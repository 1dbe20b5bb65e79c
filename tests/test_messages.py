"""Every message the library prints is one line, escaped and capped, whatever it quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation import _cli, _limits
from shanghai_innovation._errors import one_line, quoted
from shanghai_innovation._release.reader import VerifyReport

ERRORS = [
    si.ReleaseError,
    si.IntegrityError,
    si.UnsafeArchiveError,
    si.DownloadError,
    si.ExportError,
    si.OutputExistsError,
    si.MissingExtraError,
    si.RecordNotFoundError,
    si.ShanghaiInnovationError,
]

#: Characters a terminal acts on or a reader cannot see.
HOSTILE = "\n\r\t\x00\x07\x1b\x7f\x85\x9b\u061c\u200b\u200e\u2028\u2029\u202e\u2066\ufeff\ud800"


@given(text=st.text(), limit=st.integers(100, 5000))
@example(text="a\x1b[2J\x85shanghai-innovation: error: forged", limit=100)
@example(text="\u202e" * 5000, limit=100)
@example(text="x" * 10**6, limit=1000)
@example(text="\ud800", limit=100)
def test_one_line_is_printable_and_capped(text: str, limit: int) -> None:
    """one_line gives printable text of at most ``limit`` characters; short clean text unchanged."""
    line = one_line(text, limit)
    assert (True, True) == (line.isprintable(), len(line) <= limit)
    if text.isprintable() and len(text) <= limit:
        assert text == line


@given(value=st.text() | st.binary() | st.integers() | st.lists(st.text()))
@example(value="\u202e" * 300)
def test_quoted_is_printable_and_short(value: object) -> None:
    """A quoted value is printable and at most the cap plus a short note of its length."""
    text = quoted(value)
    assert text.isprintable()
    assert len(text) <= _limits.MAX_QUOTED + 40


def test_one_line_keeps_both_ends_of_a_long_line() -> None:
    """A cut line keeps its start (the file) and its end (the reason), saying how long it was."""
    line = one_line("release/metrics.csv: " + "v" * 5000 + " is not a number", 200)
    assert line.startswith("release/metrics.csv: vvv")
    assert line.endswith("vvv is not a number")
    assert "[... 5037 characters in all ...]" in line


@pytest.mark.parametrize("cls", ERRORS)
def test_every_error_prints_one_clean_line(cls: type[si.ShanghaiInnovationError]) -> None:
    """str() of any library error is one printable line however hostile its text."""
    message = str(cls(f"source{HOSTILE}: why{HOSTILE}" + "z" * 10_000))
    assert (True, True) == (message.isprintable(), len(message) <= _limits.MAX_MESSAGE)


def test_data_error_is_one_escaped_line_per_problem() -> None:
    """A DataError keeps one line per problem, each escaped."""
    error = si.DataError(["a\nb", "c\x1b[2J"])
    assert "a\\x0ab\nc\\x1b[2J" == str(error)


def test_path_with_a_line_break_and_escapes_prints_one_escaped_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A release path holding a newline and an escape sequence is printed escaped, on one line."""
    source = tmp_path / "rel\nease\x1b[2J"
    assert 4 == _cli.main(["verify", str(source)])
    err = capsys.readouterr().err
    assert 1 == len(err.splitlines()), err
    assert "rel\\x0aease\\x1b[2J: no such file or folder" in err


def test_verify_report_escapes_its_source() -> None:
    """The verify summary escapes the source it names (a path or URL from outside)."""
    report = VerifyReport("rel\u202eease\n", "x", "1.0.0", "1.0.0", 3, 12, 0, "sha256:0", ())
    text = str(report)
    assert text.startswith("rel\\u202eease\\x0a: intact.")
    assert text.isprintable()
