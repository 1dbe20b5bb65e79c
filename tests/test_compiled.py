"""The compiled bundled data: rebuilt it decodes to the TOML load; stale or missing it is unused."""

from __future__ import annotations

import hashlib
import json
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import shanghai_innovation as si
from shanghai_innovation import _compiled, _limits, _load
from shanghai_innovation._compiled import COMPILED_FILE, data_files, decode, encode, toml_digest
from shanghai_innovation._load import read_directory

from .conftest import DATA_DIR

RUN = "shanghai_innovation._compiled"


def folder_digest(folder: Path) -> str:
    """The digest of a data folder's TOML files."""
    return toml_digest(lambda name: (folder / name).read_bytes())


def reader(package: Path) -> Callable[[str], bytes]:
    """Read a file of a package laid out like the installed one."""
    return lambda path: (package / path).read_bytes()


@pytest.fixture(scope="module")
def toml_dataset() -> si.Dataset:
    """The bundled data as the TOML path loads it."""
    return read_directory(DATA_DIR, "data")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package folder holding a copy of data/ and the compiled file rebuilt from it."""
    root = tmp_path / "shanghai_innovation"
    shutil.copytree(DATA_DIR, root / "data")
    _compiled.write(root / "data", root / COMPILED_FILE)
    return root


def rewrite(package: Path, change: Callable[[dict[str, object]], None]) -> None:
    """Change the compiled document in place, keeping its digest."""
    path = package / COMPILED_FILE
    document = json.loads(path.read_bytes())
    change(document)
    path.write_bytes(_compiled._canonical(document).encode())


def metric(document: dict[str, object], id: str) -> dict[str, object]:
    """One metric's object in a compiled document."""
    tables = document["tables"]
    assert isinstance(tables, dict)
    return next(row for row in tables["metrics"] if row["id"] == id)


def test_rebuilt_file_decodes_to_the_toml_load(toml_dataset: si.Dataset) -> None:
    """The file made from data/ decodes to a Dataset equal to the TOML load, record by record."""
    digest = folder_digest(DATA_DIR)
    decoded = decode(encode(toml_dataset, digest), digest)
    assert toml_dataset == decoded
    for (name, expected), (_, actual) in zip(toml_dataset.tables(), decoded.tables(), strict=True):
        assert (name, expected) == (name, actual)


def test_the_command_writes_what_encode_gives(tmp_path: Path, toml_dataset: si.Dataset) -> None:
    """`python -m shanghai_innovation._compiled TARGET DATA` writes the TOML load, encoded."""
    target = tmp_path / "out.json"
    subprocess.run([sys.executable, "-m", RUN, str(target), str(DATA_DIR)], check=True)
    assert encode(toml_dataset, folder_digest(DATA_DIR)) == target.read_bytes()


def test_the_command_refuses_invalid_data(data_copy: Path, tmp_path: Path) -> None:
    """Invalid data fails the build with the loader's located line, and nothing is written."""
    text = (data_copy / "metrics.toml").read_text(encoding="utf-8")
    (data_copy / "metrics.toml").write_text(text.replace('unit = "', 'unit = "x', 1), "utf-8")
    target = tmp_path / "out.json"
    command = [sys.executable, "-m", RUN, str(target), str(data_copy)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert 0 != done.returncode
    assert "metrics.toml: record " in done.stderr
    assert not target.exists()


def test_the_command_without_arguments_says_how() -> None:
    """A call without a target exits 2 with the usage."""
    done = subprocess.run([sys.executable, "-m", RUN], capture_output=True, text=True, check=False)
    assert (2, "") == (done.returncode, done.stdout)
    assert "TARGET [DATA]" in done.stderr


def test_a_current_file_is_used(package: Path, toml_dataset: si.Dataset) -> None:
    """With the digest matching, read() gives the TOML load's Dataset."""
    assert toml_dataset == _compiled.read(reader(package))


def test_the_fast_path_needs_neither_tomllib_nor_cattrs(package: Path) -> None:
    """Reading a current compiled file imports neither tomllib nor cattrs."""
    code = (
        "import sys; from pathlib import Path; from shanghai_innovation import _compiled\n"
        f"p = Path({str(package)!r})\n"
        "ds = _compiled.read(lambda path: (p / path).read_bytes())\n"
        "print(len(ds), [m for m in ('tomllib', 'cattrs') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"{len(si.load())} []\n" == done.stdout


@pytest.mark.parametrize("name", data_files())
def test_a_changed_data_file_makes_the_file_stale(package: Path, name: str) -> None:
    """One byte more in any data file changes the digest, and the compiled file is not used."""
    before = folder_digest(package / "data")
    with (package / "data" / name).open("ab") as file:
        file.write(b"\n# edited\n")
    assert before != folder_digest(package / "data")
    assert _compiled.read(reader(package)) is None


def test_a_missing_file_is_not_used(package: Path) -> None:
    """Without the compiled file, read() gives None."""
    (package / COMPILED_FILE).unlink()
    assert _compiled.read(reader(package)) is None


def test_a_missing_data_file_is_not_used(package: Path) -> None:
    """Without one of the data files the digest cannot be checked: None."""
    (package / "data" / "events.toml").unlink()
    assert _compiled.read(reader(package)) is None


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(format=2), id="other-format"),
        pytest.param(lambda d: d.update(toml_sha256="0" * 64), id="other-digest"),
        pytest.param(lambda d: d["tables"].pop("errata"), id="table-missing"),
        pytest.param(lambda d: d["tables"].update(extra=[]), id="table-unknown"),
    ],
)
def test_a_foreign_file_is_not_used(
    package: Path, change: Callable[[dict[str, object]], None]
) -> None:
    """Another layout, another digest or other tables: None."""
    rewrite(package, change)
    assert _compiled.read(reader(package)) is None


def test_garbage_is_not_used(package: Path) -> None:
    """A compiled file that is not JSON, or not an object: None."""
    (package / COMPILED_FILE).write_bytes(b"\xff not json")
    assert _compiled.read(reader(package)) is None
    (package / COMPILED_FILE).write_bytes(b"[1, 2]")
    assert _compiled.read(reader(package)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("id", "Not A Slug", id="record-validator"),
        pytest.param("quantity", {"value": "120", "unit": "percent"}, id="value-validator"),
        pytest.param("topics", ["rd-funding", "rd-funding"], id="tuple-validator"),
        pytest.param("as_of", "2019-13", id="partial-date"),
        pytest.param("locator", "shine-2020-12-31#nowhere/1", id="unknown-token"),
        pytest.param("entities", "united-states", id="not-a-list"),
        pytest.param("measure", 7, id="converter-type-hook"),
        pytest.param("subject", "nobody", id="reference"),
        pytest.param("unknown", "x", id="unknown-key"),
    ],
)
def test_every_check_runs_on_the_fast_path(package: Path, field: str, value: object) -> None:
    """With the digest matching, a value any check of the TOML path refuses is refused: None."""
    rewrite(package, lambda d: metric(d, "rd-spending-2019").update({field: value}))
    assert _compiled.read(reader(package)) is None


def test_a_missing_required_field_is_refused(package: Path) -> None:
    """A record without a field that has no default: None."""
    rewrite(package, lambda d: metric(d, "rd-spending-2019").pop("measure"))
    assert _compiled.read(reader(package)) is None


def test_a_refused_value_decodes_as_an_error(package: Path) -> None:
    """decode() itself raises (the reference check names the field)."""
    rewrite(package, lambda d: metric(d, "rd-spending-2019").update(subject="nobody"))
    digest = folder_digest(package / "data")
    with pytest.raises(ValueError, match="field subject: no entities record 'nobody'"):
        decode((package / COMPILED_FILE).read_bytes(), digest)


def test_load_uses_the_compiled_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    """load() returns what the compiled file gives, without reading the TOML."""
    sentinel = si.Dataset(si.load().info)
    monkeypatch.setattr(_load, "_cached", None)
    monkeypatch.setattr(_compiled, "read_bundled", lambda: sentinel)
    monkeypatch.setattr(_load, "read_directory", pytest.fail)
    assert sentinel is si.load()


def test_load_falls_back_to_the_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a usable compiled file, load() reads the TOML, with the same result."""
    monkeypatch.setattr(_load, "_cached", None)
    monkeypatch.setattr(_compiled, "read_bundled", lambda: None)
    assert read_directory(DATA_DIR, "data") == si.load()


def test_an_empty_compiled_dataset_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A compiled dataset with no records (falsy) is used, not taken for a missing one."""
    empty = si.Dataset(si.load().info)
    monkeypatch.setattr(_load, "_cached", None)
    monkeypatch.setattr(_compiled, "read_bundled", lambda: empty)
    assert 0 == len(si.load())


def test_a_data_folder_never_uses_the_compiled_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """load(folder) reads that folder's TOML; the compiled path is not consulted."""
    monkeypatch.setattr(_compiled, "read", pytest.fail)
    monkeypatch.setattr(_compiled, "read_bundled", pytest.fail)
    assert read_directory(DATA_DIR, "data") == si.load(DATA_DIR)


def test_the_bundled_read_finds_the_package_data() -> None:
    """read_bundled() reads the package's own files: in a checkout, no compiled file, None."""
    assert (DATA_DIR / "metrics.toml").read_bytes() == _compiled._package_file("data/metrics.toml")
    made = Path(_compiled.__file__).with_name(COMPILED_FILE)
    if made.exists():  # made by hand in this checkout: used while current, else not
        assert _compiled.read_bundled() in (None, si.load())
    else:
        assert None is _compiled.read_bundled()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("=1+1", id="formula"),
        pytest.param("R&D\u202espending", id="bidirectional"),
        pytest.param(" R&D spending", id="surrounding-space"),
    ],
)
def test_text_the_toml_path_refuses_is_refused(package: Path, text: str) -> None:
    """The text validator (issue 10) runs on the fast path too: None."""
    rewrite(package, lambda d: metric(d, "rd-spending-2019").update(measure=text))
    assert _compiled.read(reader(package)) is None


def replace_once(package: Path, old: str, new: str) -> None:
    """Replace one passage of the compiled file's text, the rest left byte for byte."""
    path = package / COMPILED_FILE
    text = path.read_text(encoding="utf-8")
    assert 1 == text.count(old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    "new",
    [
        pytest.param('"id":"rd-spending-2019","id":"rd-spending-2019"', id="key-twice"),
        pytest.param('"id": "rd-spending-2019"', id="other-spacing"),
    ],
)
def test_only_the_exact_encoding_is_used(package: Path, new: str) -> None:
    """A key twice (TOML refuses it, JSON readers disagree on it) or any other form: None."""
    replace_once(package, '"id":"rd-spending-2019"', new)
    assert _compiled.read(reader(package)) is None


def test_the_value_cap_holds_for_the_compiled_file(
    package: Path, toml_dataset: si.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values are counted before parsing: at the file's count used, one under not."""
    text = (package / COMPILED_FILE).read_text(encoding="utf-8")
    count = text.count(",") + text.count("[") + text.count("{") + 1
    monkeypatch.setattr(_limits, "MAX_VALUES", count)
    assert toml_dataset == _compiled.read(reader(package))
    monkeypatch.setattr(_limits, "MAX_VALUES", count - 1)
    assert None is _compiled.read(reader(package))


def largest_table(dataset: si.Dataset) -> int:
    """How many records the largest table holds."""
    return max(len(records) for _, records in dataset.tables())


@pytest.mark.parametrize(
    ("cap", "room"),
    [
        pytest.param("MAX_ROWS", largest_table, id="rows"),
        pytest.param("MAX_RECORDS", len, id="records"),
    ],
)
def test_the_record_caps_hold_on_both_paths(
    package: Path,
    toml_dataset: si.Dataset,
    monkeypatch: pytest.MonkeyPatch,
    cap: str,
    room: Callable[[si.Dataset], int],
) -> None:
    """At the bundled data's size both paths load it; one under, both refuse it."""
    monkeypatch.setattr(_limits, cap, room(toml_dataset))
    assert toml_dataset == _compiled.read(reader(package))
    monkeypatch.setattr(_limits, cap, room(toml_dataset) - 1)
    assert None is _compiled.read(reader(package))
    with pytest.raises(si.DataError, match="over the cap of"):
        read_directory(package / "data")


def test_the_byte_cap_holds_for_the_compiled_file(
    package: Path, toml_dataset: si.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled file is held to the per-file byte cap: at its size used, a byte under not."""
    size = (package / COMPILED_FILE).stat().st_size
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", size)
    assert toml_dataset == _compiled.read(reader(package))
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", size - 1)
    assert None is _compiled.read(reader(package))


def test_the_byte_cap_holds_for_the_data_files(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data file over the byte cap is never vouched for, however small the compiled file."""
    metrics = package / "data" / "metrics.toml"
    padding = b"#" * (2 * (package / COMPILED_FILE).stat().st_size) + b"\n"
    metrics.write_bytes(metrics.read_bytes() + padding)
    _compiled.write(package / "data", package / COMPILED_FILE)
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", metrics.stat().st_size)
    assert _compiled.read(reader(package)) is not None
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", metrics.stat().st_size - 1)
    assert None is _compiled.read(reader(package))
    with pytest.raises(si.DataError, match=r"metrics\.toml: larger than the cap"):
        read_directory(package / "data")


def test_the_digest_is_sha256_of_names_sizes_and_bytes() -> None:
    """The TOML digest (made without hashlib) is hashlib's SHA-256 of each name, size and bytes."""
    expected = hashlib.sha256()
    for name in data_files():
        raw = (DATA_DIR / name).read_bytes()
        expected.update(f"{name}\0{len(raw)}\0".encode() + raw)
    assert expected.hexdigest() == folder_digest(DATA_DIR)


def test_the_package_files_are_read_through_the_loader() -> None:
    """_package_file reads the package's own files by their path inside it, as pkgutil does."""
    assert pkgutil.get_data("shanghai_innovation", "data/dataset.toml") == _compiled._package_file(
        "data/dataset.toml"
    )
    with pytest.raises(FileNotFoundError):
        _compiled._package_file("data/no-such-file.toml")
