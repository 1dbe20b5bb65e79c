"""The wheel carries the data: built, installed alone with runtime dependencies, it works."""

from __future__ import annotations

import os
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest

import shanghai_innovation as si
from shanghai_innovation._compiled import COMPILED_FILE, decode, toml_digest
from shanghai_innovation._load import read_directory

from .conftest import DATA_DIR

ROOT = DATA_DIR.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the working tree by pip in a bare environment, as ``pip install .`` does.

    pip's build isolation runs the build hook with that environment's Python
    and the build requirements on PYTHONPATH (``python -m build`` makes a
    whole environment instead), so this is the way that needs the hook to
    keep the path: the main job, ``bash .ci/release``, installs this way.
    The environment also holds the ``.pth`` an editable install of the project
    writes (naming ``src``), as a developer's does: pip's isolation drops
    every folder such a file names from the build's path.
    """
    out = tmp_path_factory.mktemp("dist")
    bare = tmp_path_factory.mktemp("bare")
    venv.create(bare, with_pip=True)
    (site,) = bare.glob("lib/python*/site-packages")
    (site / "_editable_impl_shanghai_innovation.pth").write_text(f"{ROOT / 'src'}\n")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    pip = [str(bare / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        env=env,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel and its runtime dependencies only."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    return python


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        [str(python), *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def test_wheel_holds_every_data_file(wheel: Path) -> None:
    """Every file of data/ is inside the wheel, under shanghai_innovation/data/."""
    expected = {f"shanghai_innovation/data/{p.name}" for p in DATA_DIR.glob("*.toml")}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert expected <= names
    assert "shanghai_innovation/py.typed" in names


def test_wheel_holds_the_compiled_data_of_data_folder(wheel: Path) -> None:
    """The wheel carries _compiled.json, made from data/ by the build hook: the TOML load."""
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(f"shanghai_innovation/{COMPILED_FILE}")
    digest = toml_digest(lambda name: (DATA_DIR / name).read_bytes())
    assert read_directory(DATA_DIR, "data") == decode(raw, digest)


def test_installed_wheel_loads_everything(installed: Path, tmp_path: Path) -> None:
    """In a fresh environment with runtime dependencies only, every record loads."""
    code = (
        "import shanghai_innovation as si, importlib.util as u;"
        "ds = si.load();"
        "print(len(ds), ds.info.version);"
        "print(all(u.find_spec(m) is None for m in ('pandas', 'polars', 'duckdb', 'hypothesis')))"
    )
    result = _run(installed, "-c", code, cwd=tmp_path)
    assert "" == result.stderr
    expected = f"{len(si.load())} {si.load().info.version}\nTrue\n"
    assert expected == result.stdout


def test_installed_wheel_exports_parquet(installed: Path, tmp_path: Path) -> None:
    """The installed console script writes one Parquet file per table."""
    script = installed.parent / "shanghai-innovation"
    result = subprocess.run(
        [str(script), "export", "--format", "parquet", "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == result.returncode, result.stderr
    written = {p.stem for p in (tmp_path / "out").glob("*.parquet")}
    assert set(si.TABLES) == written


def test_python_dash_m_runs(installed: Path, tmp_path: Path) -> None:
    """`python -m shanghai_innovation --version` names package, dataset and schema versions."""
    result = _run(installed, "-m", "shanghai_innovation", "--version", cwd=tmp_path)
    assert 0 == result.returncode, result.stderr
    assert result.stdout.startswith("shanghai-innovation ")
    assert f"dataset {si.load().info.version}" in result.stdout


#: Runs one call on the bundled data; prints what of the TOML path it loaded.
LOADED = (
    "import sys, shanghai_innovation as si\n"
    "si.{call}\n"
    "print(sorted(m for m in ('cattrs', 'tomllib') if m in sys.modules))\n"
)
#: Then whether the bundled load equals the TOML load (which imports both).
SAME = (
    "from shanghai_innovation._load import _bundled, read_directory\n"
    "print(si.load() == read_directory(_bundled(), 'data'))\n"
)


@pytest.mark.parametrize("call", ["load()", "lookup('rd-spending-2019')"])
def test_installed_wheel_uses_the_compiled_data(installed: Path, tmp_path: Path, call: str) -> None:
    """Installed, load() and lookup() read the compiled file (no tomllib, no cattrs): same data."""
    result = _run(installed, "-c", LOADED.format(call=call) + SAME, cwd=tmp_path)
    assert ("", "[]\nTrue\n") == (result.stderr, result.stdout)


def test_installed_show_needs_no_cattrs(installed: Path, tmp_path: Path) -> None:
    """The console script's show prints the record and never imports cattrs or tomllib."""
    code = (
        "import sys; from shanghai_innovation._cli import main\n"
        "code = main(['show', 'rd-spending-2019'])\n"
        "print(code, sorted(m for m in ('cattrs', 'tomllib') if m in sys.modules))"
    )
    result = _run(installed, "-c", code, cwd=tmp_path)
    assert "" == result.stderr
    assert result.stdout.startswith('{\n  "id": "rd-spending-2019",\n')
    assert result.stdout.endswith("}\n0 []\n")


def test_installed_wheel_with_an_edited_data_file_reads_the_toml(
    installed: Path, tmp_path: Path
) -> None:
    """A data file edited after install makes the compiled file stale: TOML read, same data."""
    code = "import shanghai_innovation as si; print(si.__file__)"
    metrics = Path(_run(installed, "-c", code, cwd=tmp_path).stdout.strip()).with_name("data")
    metrics /= "metrics.toml"
    original = metrics.read_bytes()
    try:
        metrics.write_bytes(original + b"\n# edited after install\n")
        result = _run(installed, "-c", LOADED.format(call="load()") + SAME, cwd=tmp_path)
    finally:
        metrics.write_bytes(original)
    assert ("", "['cattrs', 'tomllib']\nTrue\n") == (result.stderr, result.stdout)
