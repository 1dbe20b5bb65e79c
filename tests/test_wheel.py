"""The wheel carries the data: built, installed alone with runtime dependencies, it works."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import shanghai_innovation as si

from .conftest import DATA_DIR

ROOT = DATA_DIR.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the working tree."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
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
