"""datapackage.json: derived from the table specs, and valid for Frictionless."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import shanghai_innovation as si
from shanghai_innovation._formats.datapackage import DATAPACKAGE_PROFILE, build_datapackage
from shanghai_innovation._formats.json import content_fingerprint
from shanghai_innovation._release.export import export_release, release_files
from shanghai_innovation._schema import SCHEMA_VERSION, table_specs

SPECS = table_specs()


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def release(dataset: si.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh export of the bundled dataset."""
    out = tmp_path_factory.mktemp("dp") / "release"
    export_release(out, dataset=dataset)
    return out


@pytest.fixture(scope="module")
def package(release: Path) -> dict[str, Any]:
    """The release's datapackage.json, parsed."""
    parsed: dict[str, Any] = json.loads((release / "datapackage.json").read_bytes())
    return parsed


def _resource(package: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in package["resources"] if r["name"] == name)


def _frictionless_errors(path: Path) -> list[str]:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(path))
    return [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors]


def test_frictionless_api_validates_the_release(release: Path) -> None:
    """Frictionless finds no error in a fresh release (Parquet, CSV and JSON resources)."""
    assert [] == _frictionless_errors(release / "datapackage.json")


def test_frictionless_cli_validates_the_release(release: Path) -> None:
    """`frictionless validate DIR/datapackage.json` exits 0."""
    pytest.importorskip("frictionless")
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(release / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == done.returncode, done.stdout[-2000:]


def test_frictionless_catches_a_dangling_reference(
    dataset: si.Dataset, release: Path, tmp_path: Path
) -> None:
    """The foreign keys are real: a planted unknown subject is a foreign-key error in the CSV."""
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    path = copy / "metrics.csv"
    subject = dataset.metrics[0].subject
    text = path.read_text("utf-8")
    path.write_text(text.replace(f",{subject},", ",no-such-entity,", 1), "utf-8")
    errors = _frictionless_errors(copy / "datapackage.json")
    assert any(e.startswith("metrics-csv: foreign-key:") for e in errors), errors


def test_package_metadata(dataset: si.Dataset, package: dict[str, Any]) -> None:
    """Profile, name, version, license, sources, schema version and fingerprint are set."""
    info = dataset.info
    source = dataset.sources[0]
    assert {
        "$schema": DATAPACKAGE_PROFILE,
        "name": info.name,
        "version": info.version,
        "licenses": [{"name": info.license, "path": info.license_url}],
        "first source": {"title": source.title, "path": source.url},
        "shanghai_innovation:schema_version": SCHEMA_VERSION,
        "shanghai_innovation:fingerprint": content_fingerprint(dataset),
    } == {
        "$schema": package["$schema"],
        "name": package["name"],
        "version": package["version"],
        "licenses": package["licenses"],
        "first source": package["sources"][0],
        "shanghai_innovation:schema_version": package["shanghai_innovation:schema_version"],
        "shanghai_innovation:fingerprint": package["shanghai_innovation:fingerprint"],
    }


def test_every_file_is_a_resource_with_its_size_and_hash(
    release: Path, package: dict[str, Any]
) -> None:
    """Each data file appears once, with its real size and sha256 hash."""
    expected = {
        p.name: (p.stat().st_size, "sha256:" + hashlib.sha256(p.read_bytes()).hexdigest())
        for p in release.iterdir()
        if p.name not in ("datapackage.json", "SHA256SUMS")
    }
    actual = {
        r["path"]: (r.get("bytes", r.get("shanghai_innovation:bytes")), r["hash"])
        for r in package["resources"]
    }
    assert expected == actual


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_table_schemas_are_derived_from_the_specs(package: dict[str, Any], fmt: str) -> None:
    """Field names, descriptions and units are the spec's; the key is id."""
    for spec in SPECS:
        schema = _resource(package, f"{spec.name}-{fmt}")["schema"]
        assert [(c.name, c.description, c.unit) for c in spec.columns] == [
            (f["name"], f["description"], f.get("unit")) for f in schema["fields"]
        ]
        assert ["id"] == schema["primaryKey"]


def test_list_columns_are_arrays_in_csv_and_any_in_parquet(package: dict[str, Any]) -> None:
    """Lists are the array type in CSV and declared as any in Parquet, items typed as strings."""
    spec = next(s for s in SPECS if s.name == "metrics")
    lists = [c.name for c in spec.columns if c.kind == "list"]
    types = {
        fmt: {
            f["name"]: (f["type"], f["shanghai_innovation:itemType"])
            for f in _resource(package, f"metrics-{fmt}")["schema"]["fields"]
            if f["name"] in lists
        }
        for fmt in ("csv", "parquet")
    }
    assert {
        "csv": dict.fromkeys(lists, ("array", "string")),
        "parquet": dict.fromkeys(lists, ("any", "string")),
    } == types


def test_constraints_follow_the_spec(package: dict[str, Any]) -> None:
    """Enums, minimums, patterns, required and unique come from the columns."""
    spec = next(s for s in SPECS if s.name == "rankings")
    fields = {f["name"]: f for f in _resource(package, "rankings-csv")["schema"]["fields"]}
    for column in spec.columns:
        constraints = fields[column.name].get("constraints", {})
        assert (column.required, column.unique, column.minimum) == (
            constraints.get("required", False),
            constraints.get("unique", False),
            constraints.get("minimum"),
        )
        if column.kind == "enum":
            assert list(column.enum or ()) == constraints["enum"]


def test_foreign_keys_follow_scalar_references(package: dict[str, Any]) -> None:
    """Every single-valued reference column is a foreign key to the same format's resource."""
    for spec in SPECS:
        for fmt in ("parquet", "csv"):
            expected = [
                {
                    "fields": [c.name],
                    "reference": {"resource": f"{c.references}-{fmt}", "fields": ["id"]},
                }
                for c in spec.columns
                if c.references and c.kind != "list"
            ]
            schema = _resource(package, f"{spec.name}-{fmt}")["schema"]
            assert expected == schema.get("foreignKeys", [])


def test_json_only_export_lists_only_the_json(dataset: si.Dataset) -> None:
    """With only JSON chosen, the manifest lists the JSON document, then the descriptors."""
    files = release_files(dataset, ("json",))
    package = json.loads(files["datapackage.json"])
    assert [
        (f"{dataset.info.name}.json", "json"),
        ("claimreview.jsonld", "jsonld"),
        ("croissant.json", "jsonld"),
    ] == [(r["path"], r["format"]) for r in package["resources"]]


def test_unknown_file_is_refused(dataset: si.Dataset) -> None:
    """A file name outside the release layout is a programming error."""
    with pytest.raises(ValueError, match="not a release file"):
        build_datapackage(dataset, {"notes.txt": b""})
