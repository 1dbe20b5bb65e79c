"""The mutation runner's search for the tests that can see a module-level constant.

``mutation/readers.py`` decides which tests a mutant of a constant runs. A
slip there makes the runner run too few tests, and a mutant survive that a
test would have killed (or too many, and the run slow), so its answers are
pinned here on small packages written for each case.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_mutation_readers", ROOT / "mutation" / "readers.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


readers = _load()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package with a module ``mod.py`` whose constants the tests ask about."""
    folder = tmp_path / "pkg"
    write(folder / "__init__.py", "")
    return folder


def reading(
    module: Path, line: int, *tests: Path
) -> tuple[list[str], list[tuple[int, int]], list[str]] | None:
    found = readers.reading(module, line, module.parent, list(tests))
    if found is None:
        return None
    return sorted(found.names), found.spans, [Path(t).name for t in found.test_files]


def test_a_constant_is_read_where_a_function_loads_it(package: Path) -> None:
    """The statements loading the name, each with all its lines; not the ones that do not."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10

        def check(n):
            if n > 0:
                pass
            return (
                n > CAP
            )
        """,
    )
    assert (["CAP"], [(6, 8)], []) == reading(mod, 1)


def test_a_compound_statement_counts_by_its_header_only(package: Path) -> None:
    """``if n > CAP:`` is read at its header; its body is read only if it loads the name too."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10

        def check(n):
            while (
                n > CAP
            ):
                n -= 1
                if n == CAP:
                    break
            try:
                pass
            except ValueError if CAP else TypeError:
                pass
        """,
    )
    assert (["CAP"], [(4, 6), (8, 8), (12, 12)], []) == reading(mod, 1)


def test_a_name_computed_from_the_constant_is_followed(package: Path) -> None:
    """A later module-level assignment from the constant adds its name and its readers."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10
        DOUBLE: int = CAP * 2
        OTHER = 3

        def check(n):
            return n > DOUBLE

        def other(n):
            return n > OTHER
        """,
    )
    assert (["CAP", "DOUBLE"], [(6, 6)], []) == reading(mod, 1)


def test_a_default_value_makes_the_whole_function_a_reader(package: Path) -> None:
    """A default is evaluated at import and read by every call: the body's lines count."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10

        def check(n, cap=CAP):
            m = n
            return m > cap
        """,
    )
    assert (["CAP"], [(4, 5)], []) == reading(mod, 1)


def test_a_function_defined_inside_a_function_is_searched(package: Path) -> None:
    """A closure loading the name reads it when called, like its enclosing function."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10

        def outer(n):
            def inner(cap=CAP):
                return cap
            def later():
                return CAP
            return inner() + later()
        """,
    )
    assert (["CAP"], [(5, 5), (7, 7)], []) == reading(mod, 1)


def test_methods_are_searched_too(package: Path) -> None:
    """A method loading the name is a reader like a function."""
    mod = write(
        package / "mod.py",
        """
        CAP = 10

        class Box:
            def full(self, n):
                return n >= CAP
        """,
    )
    assert (["CAP"], [(5, 5)], []) == reading(mod, 1)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("CAP = 10\nclass Box:\n    size = CAP\n", 1, id="class-attribute"),
        pytest.param("CAP = 10\nclass Box(dict[str, CAP]):\n    pass\n", 1, id="class-base"),
        pytest.param("CAP = 10\nif CAP:\n    pass\n", 1, id="module-level-if"),
        pytest.param("CAP = 10\nprint(CAP)\n", 1, id="module-level-call"),
        pytest.param("CAP = 1\nLOW = CAP\nCAP = 10\n", 3, id="read-before-reassigned"),
        pytest.param("CAP, LOW = 10, 1\n", 1, id="tuple-target"),
        pytest.param("BOX.cap = 10\n", 1, id="attribute-target"),
        pytest.param("def f():\n    return 1\n", 1, id="not-an-assignment"),
    ],
)
def test_what_cannot_be_followed_is_none(package: Path, text: str, line: int) -> None:
    """None (so the runner runs every test) wherever the name's reach is not clear."""
    mod = write(package / "mod.py", text)
    assert reading(mod, line) is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("from .mod import CAP\n", id="imported"),
        pytest.param("from pkg.mod import CAP as LIMIT\n", id="imported-renamed"),
        pytest.param("from . import mod\nx = mod.CAP\n", id="attribute"),
    ],
)
def test_a_name_reached_from_another_module_is_none(package: Path, text: str) -> None:
    """Another module importing the name, or reading it as an attribute, may read it anywhere."""
    mod = write(package / "mod.py", "CAP = 10\n")
    write(package / "sub" / "other.py", text)
    assert reading(mod, 1) is None


def test_a_namesake_in_another_module_is_no_reader(package: Path) -> None:
    """Another module's constant of the same name, imported from elsewhere, is not this one."""
    mod = write(package / "mod.py", "CAP = 10\n")
    write(package / "other.py", "from .limits import CAP\n_CAP = CAP\n")
    assert (["CAP"], [], []) == reading(mod, 1)


def test_test_files_naming_it_in_code_are_listed(package: Path, tmp_path: Path) -> None:
    """A test file naming the constant in code is listed (a docstring is not code)."""
    mod = write(package / "mod.py", "CAP = 10\n")
    by_name = write(tmp_path / "test_a.py", "from pkg.mod import CAP as LIMIT\nassert LIMIT\n")
    by_attribute = write(tmp_path / "test_b.py", "import pkg.mod\nx = pkg.mod.CAP\n")
    in_words = write(tmp_path / "test_c.py", '"""CAP is ten."""\n')
    assert (["CAP"], [], ["test_a.py", "test_b.py"]) == reading(
        mod, 1, by_name, by_attribute, in_words
    )


def test_the_statement_is_found_by_any_of_its_lines(package: Path) -> None:
    """A constant written over several lines is found from its last line as from its first."""
    mod = write(
        package / "mod.py",
        """
        CAP = (
            10
        )

        def check(n):
            return n > CAP
        """,
    )
    assert reading(mod, 2) == reading(mod, 1) == (["CAP"], [(6, 6)], [])
