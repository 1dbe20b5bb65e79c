"""Every argument of the release and loading functions is checked, naming what it accepts.

(The query functions' arguments are tested with the queries.)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import shanghai_innovation as si

from ._releases import export, small_dataset


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the small dataset (JSON only, the quickest to read)."""
    return export(tmp_path_factory.mktemp("arguments") / "release", ("json",))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"formats": "csv"}, TypeError, "formats must be a collection of format names"),
        ({"formats": b"csv"}, TypeError, "formats must be a collection of format names"),
        ({"formats": 3}, TypeError, "formats must be a collection of format names"),
        ({"formats": [1]}, TypeError, "formats must hold format names (text), not int"),
        ({"formats": ["xlsx"]}, ValueError, "unknown export format(s) ['xlsx']"),
        ({"formats": []}, ValueError, "unknown export format(s) []"),
        ({"force": "yes"}, TypeError, "force must be True or False, not str"),
        ({"force": 1}, TypeError, "force must be True or False, not int"),
    ],
)
def test_export_release_options_are_checked(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """A bad option of export_release is a TypeError or ValueError naming it; nothing is written."""
    with pytest.raises(error) as info:
        si.export_release(dataset=small_dataset(), output=tmp_path / "out", **kwargs)
    assert str(info.value).startswith(message), str(info.value)
    assert [] == list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("dataset", "output", "message"),
    [
        ("data", "out", "dataset must be a Dataset (from load() or load_release()), not str"),
        (5, "out", "dataset must be a Dataset (from load() or load_release()), not int"),
        (small_dataset(), None, "output must be a path (str or os.PathLike), not NoneType"),
        (small_dataset(), 3, "output must be a path (str or os.PathLike), not int"),
    ],
)
def test_export_release_dataset_and_output_are_checked(
    dataset: Any, output: Any, message: str
) -> None:
    """A dataset that is not a Dataset, or an output that is not a path, is a TypeError."""
    with pytest.raises(TypeError) as info:
        si.export_release(dataset=dataset, output=output)
    assert message == str(info.value)


@pytest.mark.parametrize("directory", [123, 1.5, b"data", ["data"]])
def test_load_directory_is_checked(directory: Any) -> None:
    """load() of something that is not a path is a TypeError naming the argument."""
    with pytest.raises(TypeError) as info:
        si.load(directory)
    assert f"directory must be a path (str or os.PathLike), not {type(directory).__name__}" == str(
        info.value
    )


POSITIVE = "timeout must be a positive, finite number of seconds"
WHOLE = "max_bytes must be a whole number of bytes or None"


@pytest.mark.parametrize("function", [si.load_release, si.verify])
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"timeout": 0}, ValueError, f"{POSITIVE}, not 0"),
        ({"timeout": -1}, ValueError, f"{POSITIVE}, not -1"),
        ({"timeout": math.nan}, ValueError, f"{POSITIVE}, not nan"),
        ({"timeout": math.inf}, ValueError, f"{POSITIVE}, not inf"),
        ({"timeout": "5"}, TypeError, "timeout must be a number of seconds or None, not str"),
        ({"timeout": True}, TypeError, "timeout must be a number of seconds or None, not bool"),
        ({"max_bytes": "x"}, TypeError, f"{WHOLE}, not str"),
        ({"max_bytes": 1.5}, TypeError, f"{WHOLE}, not float"),
        ({"max_bytes": 0}, ValueError, "max_bytes must be a positive number of bytes, not 0"),
        ({"max_bytes": -5}, ValueError, "max_bytes must be a positive number of bytes, not -5"),
        ({"cache_dir": 5}, TypeError, "cache_dir must be a path or None, not int"),
    ],
)
def test_release_reader_options_are_checked(
    release: Path, function: Any, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """load_release and verify refuse a bad timeout, size cap or cache folder, naming it."""
    with pytest.raises(error) as info:
        function(release, **kwargs)
    assert message == str(info.value)


@pytest.mark.parametrize("function", [si.load_release, si.verify])
@pytest.mark.parametrize("source", [None, 5, b"release"])
def test_release_source_is_checked(function: Any, source: Any) -> None:
    """A source that is neither a path nor a URL is a TypeError."""
    with pytest.raises(TypeError) as info:
        function(source)
    expected = f"source must be a path or a URL (str or os.PathLike), not {type(source).__name__}"
    assert expected == str(info.value)


def test_diff_datasets_arguments_are_checked() -> None:
    """diff_datasets of something that is not a Dataset is a TypeError naming which side."""
    with pytest.raises(TypeError) as info:
        si.diff_datasets(small_dataset(), 5)  # type: ignore[arg-type]
    assert "new must be a Dataset, not int" == str(info.value)
    with pytest.raises(TypeError) as info:
        si.diff_datasets(None, small_dataset())  # type: ignore[arg-type]
    assert "old must be a Dataset, not NoneType" == str(info.value)


def test_diff_releases_arguments_are_checked(release: Path) -> None:
    """diff_releases of something that is neither a path nor a URL is a TypeError."""
    with pytest.raises(TypeError) as info:
        si.diff_releases(release, None)  # type: ignore[arg-type]
    assert "new_source must be a path or a URL (str or os.PathLike), not NoneType" == str(
        info.value
    )


def test_good_arguments_still_work(release: Path) -> None:
    """The checks let every documented form through: whole or fractional seconds, a cap, paths."""
    assert small_dataset() == si.load_release(str(release), timeout=2, max_bytes=10**7)
    assert si.verify(release, timeout=0.5, cache_dir=release.parent).complete
