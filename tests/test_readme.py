"""The README's examples run: the quick start as a doctest, the readers on a real export."""

from __future__ import annotations

import doctest
import os
import re
from pathlib import Path

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli

from .conftest import DATA_DIR

README = (DATA_DIR.parent / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_quick_start_doctest() -> None:
    """Every line of the quick start gives exactly the output the README shows."""
    (block,) = _blocks("pycon")
    test = doctest.DocTestParser().get_doctest(block, {}, "README quick start", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert (0, len(test.examples)) == tuple(runner.summarize(verbose=False))
    assert len(test.examples) >= 8


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ./release, as after the README's main command."""
    root = tmp_path_factory.mktemp("readme")
    si.export_release(root / "release")
    return root


@pytest.mark.parametrize(
    ("index", "shown"),
    [(0, "quantity_qualifier"), (1, "as_of_first_day"), (2, "Ninth among innovation clusters")],
    ids=["duckdb", "polars", "pandas"],
)
def test_reader_snippets_run_on_a_release(
    index: int, shown: str, release_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each three-line reader example runs against a fresh release and prints rows."""
    snippets = [b for b in _blocks("python") if "release/" in b]
    assert 3 == len(snippets)
    assert 3 == len(snippets[index].strip().splitlines())
    cwd = Path.cwd()
    os.chdir(release_dir)
    try:
        exec(compile(snippets[index], f"README snippet {index}", "exec"), {})  # noqa: S102 - our own README
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert shown in out
    assert "nearly" in out or index != 0


def _pip_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("pip install ")]


def test_install_instructions_agree_with_the_quick_start() -> None:
    """The README and docs/quickstart.md give the same pip commands, in the same order."""
    quickstart = (DATA_DIR.parent / "docs" / "quickstart.md").read_text(encoding="utf-8")
    (readme_block,) = [b for b in _blocks("text") if "pip install" in b]
    (docs_block,) = re.findall(r"```text\n(pip install.*?)```", quickstart, flags=re.DOTALL)
    assert _pip_lines(readme_block) == _pip_lines(docs_block)
    extras = re.findall(r"\[(\w+)\]", readme_block)
    assert ["pandas", "polars", "sql", "hypothesis"] == extras


def test_readme_lists_every_test_that_needs_the_article() -> None:
    """One README bullet per test marked needs_article, so a new one cannot go unexplained."""
    section = README[README.index("### Tests that skip without the article") :]
    section = section[: section.index("One more, marked `needs_figures`")]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    tests = DATA_DIR.parent / "tests"
    marked = sum(
        p.read_text(encoding="utf-8").count("\n@needs_article\n") for p in tests.glob("*.py")
    )
    assert marked == len(bullets)
    assert "../shared/source/article.txt" in section


def test_readme_version_line_is_what_the_program_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README quotes `shanghai-innovation --version` exactly as it prints today."""
    assert 0 == _cli.main(["--version"])
    printed = capsys.readouterr().out.strip()
    assert f"(`{printed}`)" in " ".join(README.split())
