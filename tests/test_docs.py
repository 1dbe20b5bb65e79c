"""The docs: every example runs, the data dictionary and the API page are complete.

- Every ``python`` code block in ``docs/**/*.md`` runs through Sybil (doctest
  blocks starting with ``>>>`` are compared, plain blocks are executed), one
  test per page, in page order, sharing the page's namespace.
- Every ``console`` block runs its ``$ shanghai-innovation ...`` lines in a
  temporary folder (one per page, also the working folder of the page's
  Python examples) and must exit 0, or the status a ``(exit status N)`` line
  under it shows; other lines shown under a command must appear in what it
  prints (``...`` skips).
- Every docstring example of every module of the package runs as a doctest.
- The generated data dictionary lists every column of every table spec; the
  API pages document every name in ``__all__``; the audit page explains every
  registered rule.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sybil import Document, Example
from sybil.parsers.myst import CodeBlockParser, PythonCodeBlockParser, SkipParser

import shanghai_innovation as si
from shanghai_innovation._audit import RULES
from shanghai_innovation._schema import table_specs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if not {"_build", "_generated"} & set(p.relative_to(DOCS).parts)
)


def _load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("si_docs", DOCS / "_ext" / "si_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


si_docs = _load_extension()


# --------------------------------------------------------------------------- console blocks


def _command(line: str) -> list[str]:
    argv = shlex.split(line)
    if argv and argv[0] == "shanghai-innovation":
        return [sys.executable, "-m", "shanghai_innovation", *argv[1:]]
    msg = f"docs console blocks run only shanghai-innovation, not: {line}"
    raise AssertionError(msg)


_EXIT = re.compile(r"\(exit status (\d+)\)")


def _run_console(example: Example) -> None:
    cwd: Path = example.namespace["console_cwd"]
    commands: list[tuple[str, list[str]]] = []
    for raw in str(example.parsed).splitlines():
        if raw.startswith("$ "):
            commands.append((raw[2:], []))
        elif commands and raw.strip() and raw.strip() != "...":
            commands[-1][1].append(raw.strip())
    for line, shown_lines in commands:
        status = 0
        expected = []
        for want in shown_lines:
            match = _EXIT.fullmatch(want)
            if match:
                status = int(match[1])
            else:
                expected.append(want)
        result = subprocess.run(
            _command(line), cwd=cwd, capture_output=True, text=True, check=False, timeout=600
        )
        shown = result.stdout + result.stderr
        assert status == result.returncode, f"{line!r} exited {result.returncode}:\n{shown}"
        for want in expected:
            assert want in shown, f"{line!r}: expected {want!r} in its output:\n{shown}"


PARSERS = [
    PythonCodeBlockParser(doctest_optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE),
    CodeBlockParser(language="console", evaluator=_run_console),
    SkipParser(),
]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code example on a docs page runs and shows what it claims."""
    monkeypatch.chdir(tmp_path)
    document = Document.parse(str(page), *PARSERS)
    document.namespace["console_cwd"] = tmp_path
    for example in document:
        example.evaluate()


# --------------------------------------------------------------------------- docstrings


def _modules() -> list[str]:
    names = ["shanghai_innovation"]
    for info in pkgutil.walk_packages(si.__path__, "shanghai_innovation."):
        if not info.name.endswith(".__main__"):  # importing it runs the program
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name: str) -> None:
    """Every docstring example of the module passes as a doctest, spaces compared exactly."""
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    # No NORMALIZE_WHITESPACE: fold()'s example must see a doubled space.
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in finder.find(module, name, globs=dict(vars(module))):
        runner.run(test, out=report.append)
    assert 0 == runner.failures, "".join(report)


# --------------------------------------------------------------------------- generated pages


def _sections(rst: str) -> dict[str, str]:
    parts = re.split(r"^\.\. _dict-([a-z]+):$", rst, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_dictionary_lists_every_column_of_every_table() -> None:
    """The generated dictionary has a section per table and a row per column, in order."""
    sections = _sections(si_docs.dictionary_rst())
    assert [s.name for s in table_specs()] == list(sections)
    for spec in table_specs():
        rows = re.findall(r"^   \* - ``(\w+)``$", sections[spec.name], flags=re.M)
        assert list(spec.column_names) == rows, spec.name


def test_dictionary_gives_type_unit_and_origin() -> None:
    """Each column row carries its Arrow type and the record field it comes from."""
    text = _sections(si_docs.dictionary_rst())["metrics"]
    assert "Arrow ``dictionary<values=string, indices=int32" in text
    assert "``quantity.qualifier``" in text
    assert "foreign key to :ref:`entities.id <dict-entities>`" in text


def test_dictionary_examples_are_short() -> None:
    """Example cells never show a long run of words (no article sentences in the docs)."""
    for spec in table_specs():
        records = si.load().table(spec.name)
        for column in spec.columns:
            shown = si_docs.format_example(si_docs.example_value(spec, records, column.name))
            assert len(shown.split()) <= si_docs.MAX_EXAMPLE_WORDS + 1, (spec.name, column.name)


def test_dictionary_names_no_private_module() -> None:
    """The dictionary page sends readers to public names only (no ``shanghai_innovation._x``)."""
    text = (DOCS / "dictionary.rst").read_text(encoding="utf-8") + si_docs.dictionary_rst()
    assert [] == re.findall(r"shanghai_innovation\._\w+", text)


def test_api_pages_document_every_public_name() -> None:
    """Every name in ``__all__`` has an autodoc entry on the API page or its generated tail."""
    documented = si_docs.documented_names((DOCS / "api.rst").read_text(encoding="utf-8"))
    documented |= si_docs.documented_names(si_docs.api_more_rst())
    assert set() == set(si.__all__) - documented


def test_api_page_lists_no_unknown_name() -> None:
    """The hand-written API page documents only names that are public."""
    documented = si_docs.documented_names((DOCS / "api.rst").read_text(encoding="utf-8"))
    assert set() == documented - set(si.__all__)


def test_cli_page_has_every_command_and_the_exit_codes() -> None:
    """The generated command-line page shows every sub-command's help and the exit-code table."""
    text = si_docs.cli_rst()
    for command in si_docs.cli_commands():
        assert f".. rubric:: shanghai-innovation {command}\n" in text
    assert "no record with that id" in si_docs.exit_codes_rst()
    assert "usage: shanghai-innovation" in text


def test_audit_page_explains_every_rule() -> None:
    """The audit guide has a section for every rule in the audit's registry."""
    rules = si_docs.audit_rules()
    assert [rule.id for rule in RULES] == [rid for rid, _ in rules]
    text = (DOCS / "guide" / "audit.md").read_text(encoding="utf-8")
    missing = [rid for rid, _ in rules if f"(rule-{rid})=" not in text]
    assert [] == missing


def test_figure_is_drawn_from_the_data(tmp_path: Path) -> None:
    """The timeline picture is a PNG drawn from the bundled data."""
    path = si_docs.draw_figure(tmp_path / "timeline.png")
    assert b"\x89PNG" == path.read_bytes()[:4]
