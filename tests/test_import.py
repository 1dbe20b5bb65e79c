"""The package's face: a light import, a lazy API, a sorted __all__ and the version."""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys

import pytest

import shanghai_innovation as si

#: Modules that importing the package must not import.
HEAVY = (
    "attrs",
    "cattrs",
    "duckdb",
    "hypothesis",
    "pandas",
    "polars",
    "pyarrow",
    "shanghai_innovation._load",
    "shanghai_innovation.testing",
    "tomllib",
)


def test_import_reads_no_data_and_imports_nothing_heavy() -> None:
    """After `import shanghai_innovation` none of the heavy modules is loaded."""
    code = (
        "import sys, shanghai_innovation\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "print(shanghai_innovation._load if '_load' in vars(shanghai_innovation) else None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "[]\nNone\n" == result.stdout


def test_version_is_the_installed_distribution_version() -> None:
    """__version__ equals importlib.metadata's version of the distribution."""
    assert importlib.metadata.version("shanghai-innovation") == si.__version__


def isort_key(name: str) -> tuple[bool, bool, str]:
    """Ruff's (isort-style) order for __all__: CONSTANTS, then Classes, then functions."""
    return (not name.isupper(), not name[0].isupper(), name)


def test_all_is_sorted_and_every_name_importable() -> None:
    """__all__ is sorted (isort-style, as ruff keeps it), unique, and every name resolves."""
    assert sorted(set(si.__all__), key=isort_key) == si.__all__
    missing = [name for name in si.__all__ if getattr(si, name, None) is None]
    assert [] == missing


def test_lazy_homes_list_exactly_the_public_names() -> None:
    """Every name of __all__ has one home module, which really defines it."""
    homes = si._HOMES
    listed = sorted((name for names in homes.values() for name in names), key=isort_key)
    assert si.__all__ == listed
    for module, names in homes.items():
        home = importlib.import_module(f"shanghai_innovation.{module}")
        assert [] == [name for name in names if not hasattr(home, name)]


def test_from_import_of_a_lazy_name_gives_the_real_object() -> None:
    """`from shanghai_innovation import Metric` is the record class itself."""
    from shanghai_innovation import Metric  # noqa: PLC0415 - the import is the test
    from shanghai_innovation._records import Metric as Real  # noqa: PLC0415

    assert Real is Metric


def test_testing_submodule_loads_lazily() -> None:
    """si.testing is the strategies module, imported on first access."""
    assert importlib.import_module("shanghai_innovation.testing") is si.testing


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not have raises AttributeError naming it."""
    with pytest.raises(AttributeError) as info:
        si.no_such_name  # noqa: B018 - the access is the test
    assert "module 'shanghai_innovation' has no attribute 'no_such_name'" == str(info.value)


def test_dir_lists_the_public_names() -> None:
    """dir(si) offers every public name, lazy or not."""
    assert set() == set(si.__all__) - set(dir(si))
