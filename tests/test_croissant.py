"""croissant.json: Croissant 1.1 metadata, checked and read by mlcroissant, the reference tool.

mlcroissant (test extra) installs beside the project's other pins (pip check
passes), so it runs in the test environment itself: its command-line
validator in a subprocess, its reader in process.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import shanghai_innovation as si
from shanghai_innovation._formats.croissant import CROISSANT_VERSION, build_croissant
from shanghai_innovation._formats.descriptors import descriptor_files
from shanghai_innovation._release.export import export_release, release_files
from shanghai_innovation._schema import table_spec, table_specs

from ._releases import copy_release, reseal

MLCROISSANT = Path(sys.executable).parent / "mlcroissant"


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def release(dataset: si.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the bundled data, read-only for the module's tests."""
    folder = tmp_path_factory.mktemp("croissant") / "release"
    return export_release(output=folder, dataset=dataset).output


@pytest.fixture(scope="module")
def croissant(release: Path) -> dict[str, Any]:
    """The release's croissant.json, parsed."""
    document: dict[str, Any] = json.loads((release / "croissant.json").read_bytes())
    return document


def _validate(path: Path) -> tuple[int, list[str]]:
    """Run `mlcroissant validate --jsonld PATH`: its exit status and the issues it lists."""
    done = subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    issues = [line.strip() for line in done.stderr.splitlines() if line.startswith("  -  [")]
    return done.returncode, issues


def _fields(document: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    record_set = next(r for r in document["recordSet"] if r["@id"] == table)
    return {f["name"]: f for f in record_set["field"]}


def test_mlcroissant_validate_passes(release: Path, dataset: si.Dataset) -> None:
    """`mlcroissant validate --jsonld croissant.json` exits 0; its one remark: no datePublished."""
    remark = (
        f"-  [Metadata({dataset.info.title})] Property "
        '"https://schema.org/datePublished" is recommended, but does not exist.'
    )
    assert (0, [remark]) == _validate(release / "croissant.json")


def test_mlcroissant_validate_fails_on_a_broken_descriptor(
    croissant: dict[str, Any], tmp_path: Path
) -> None:
    """The same command exits 1 on a field reading a file the descriptor does not list."""
    broken = copy.deepcopy(croissant)
    broken["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "missing.parquet"
    path = tmp_path / "croissant.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    status, issues = _validate(path)
    assert 1 == status
    assert any('node with UUID "missing.parquet"' in issue for issue in issues), issues


def _plain(value: Any) -> Any:
    """A value mlcroissant yields, as pyarrow gives it (bytes as text, timestamps as dates)."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, list | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


@pytest.mark.parametrize("table", [s.name for s in table_specs()])
def test_mlcroissant_reads_every_record_as_the_parquet_file_holds_it(
    release: Path, table: str
) -> None:
    """mlcroissant reads each table through the metadata: same rows, same values and types."""
    import mlcroissant as mlc  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    # One mlcroissant Dataset per table: reading a second record set from the
    # same object fails in mlcroissant 1.1.1 once a join has run.
    croissant = mlc.Dataset(str(release / "croissant.json"))
    prefix = f"{table}/"
    read = [
        {k.removeprefix(prefix): _plain(v) for k, v in r.items()}
        for r in croissant.records(record_set=table)
    ]
    parquet = pq.read_table(release / f"{table}.parquet").to_pylist()

    def typed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: (type(v).__name__, v) for k, v in row.items()} for row in rows]

    assert len(parquet) == len(read)
    assert typed(parquet) == typed(read)


def test_one_file_object_per_data_file_with_its_sha256(
    release: Path, croissant: dict[str, Any], dataset: si.Dataset
) -> None:
    """Every Parquet and CSV file and the JSON document is a FileObject with its sha256 and size."""
    data_files = [p for p in sorted(release.iterdir()) if p.suffix in (".parquet", ".csv")] + [
        release / f"{dataset.info.name}.json"
    ]
    expected = {
        p.name: (
            "cr:FileObject",
            p.name,
            hashlib.sha256(p.read_bytes()).hexdigest(),
            f"{p.stat().st_size} B",
        )
        for p in data_files
    }
    actual = {
        d["@id"]: (d["@type"], d["contentUrl"], d["sha256"], d["contentSize"])
        for d in croissant["distribution"]
    }
    assert expected == actual
    encodings = {d["@id"]: d["encodingFormat"] for d in croissant["distribution"]}
    assert ("application/x-parquet", "text/csv", "application/json") == (
        encodings["metrics.parquet"],
        encodings["metrics.csv"],
        encodings[f"{dataset.info.name}.json"],
    )


def test_one_record_set_per_table_with_a_field_per_column(croissant: dict[str, Any]) -> None:
    """Each table is a RecordSet keyed by its id, with one Field per column, in column order."""
    expected = [
        (s.name, {"@id": f"{s.name}/id"}, [f"{s.name}/{c}" for c in s.column_names])
        for s in table_specs()
    ]
    actual = [(r["@id"], r["key"], [f["@id"] for f in r["field"]]) for r in croissant["recordSet"]]
    assert expected == actual


def test_fields_read_their_parquet_column_with_its_type(croissant: dict[str, Any]) -> None:
    """A field reads its own column of its table's Parquet file, typed by the column's kind."""
    fields = _fields(croissant, "metrics")
    picked = {
        name: (fields[name]["dataType"], fields[name].get("isArray"), fields[name]["source"])
        for name in (
            "measure",
            "paragraph",
            "quantity_value",
            "period_derived",
            "as_of_first_day",
            "quantity_unit",
            "topics",
        )
    }

    def source(column: str) -> dict[str, Any]:
        return {"fileObject": {"@id": "metrics.parquet"}, "extract": {"column": column}}

    assert {
        "measure": ("sc:Text", None, source("measure")),
        "paragraph": ("sc:Integer", None, source("paragraph")),
        "quantity_value": ("sc:Float", None, source("quantity_value")),
        "period_derived": ("sc:Boolean", None, source("period_derived")),
        "as_of_first_day": ("sc:Date", None, source("as_of_first_day")),
        "quantity_unit": ("sc:Text", None, source("quantity_unit")),
        "topics": ("sc:Text", True, source("topics")),
    } == picked
    assert fields["measure"]["description"] == table_spec("metrics").column("measure").description


def test_units_are_given_where_a_column_has_them(
    croissant: dict[str, Any], dataset: si.Dataset
) -> None:
    """A fixed unit is unitText; a quantity's numbers list the units its rows use."""
    rankings, metrics = _fields(croissant, "rankings"), _fields(croissant, "metrics")
    used = {m.quantity.unit for m in dataset.metrics}
    expected_units = [u.value for u in si.Unit if u in used]
    assert ("rank", "places", expected_units, expected_units) == (
        rankings["rank"]["unitText"],
        rankings["movement"]["unitText"],
        metrics["quantity_value"]["unitText"],
        metrics["quantity_exact"]["unitText"],
    )
    assert [] == [n for n in ("measure", "quantity_qualifier") if "unitText" in metrics[n]]


def test_foreign_keys_are_references(croissant: dict[str, Any]) -> None:
    """A single-valued column naming another table's record is a Croissant reference to its id."""
    metrics, entities = _fields(croissant, "metrics"), _fields(croissant, "entities")
    assert {"field": {"@id": "entities/id"}} == metrics["subject"]["references"]
    assert {"field": {"@id": "sources/id"}} == metrics["source"]["references"]
    # Same-table and list references: mlcroissant cannot join them, so our own property.
    assert ({"@id": "metrics/id"}, {"@id": "entities/id"}, {"@id": "metrics/id"}) == (
        metrics["change_of"]["shanghai_innovation:references"],
        entities["part_of"]["shanghai_innovation:references"],
        entities["counted_in"]["shanghai_innovation:references"],
    )


def test_every_reference_of_the_specs_is_stated_once(croissant: dict[str, Any]) -> None:
    """Each column with a reference in the spec carries one of the two forms, to the right id."""
    stated = {}
    for record_set in croissant["recordSet"]:
        for field in record_set["field"]:
            forms = [
                field["references"]["field"]["@id"] if "references" in field else None,
                field.get("shanghai_innovation:references", {}).get("@id"),
            ]
            if any(forms):
                stated[field["@id"]] = forms
    expected = {
        f"{s.name}/{c.name}": f"{c.references}/id"
        for s in table_specs()
        for c in s.columns
        if c.references is not None
    }
    assert expected == {k: next(f for f in v if f) for k, v in stated.items()}
    assert [] == [k for k, v in stated.items() if all(v)]


def test_dataset_facts(croissant: dict[str, Any], dataset: si.Dataset) -> None:
    """Name, licence, creator, version, citation, source and coverage come from the data."""
    info, source = dataset.info, dataset.sources[0]
    assert (
        CROISSANT_VERSION,
        "sc:Dataset",
        info.title,
        info.name,
        info.license_url,
        info.version,
        "The shanghai_innovation developers",
        [source.url],
        "2016/2020",
        "Shanghai",
        "China",
    ) == (
        croissant["conformsTo"],
        croissant["@type"],
        croissant["name"],
        croissant["alternateName"],
        croissant["license"],
        croissant["version"],
        croissant["creator"]["name"],
        [a["url"] for a in croissant["isBasedOn"]],
        croissant["temporalCoverage"],
        croissant["spatialCoverage"]["name"],
        croissant["spatialCoverage"]["containedInPlace"]["name"],
    )
    cite = croissant["citeAs"]
    assert cite.startswith(f"@misc{{shanghai-innovation-{info.version.replace('.', '-')},")
    for part in (info.version, source.url, source.author, "howpublished = {\\url{"):
        assert part in cite


def test_csv_only_release_reads_from_the_csv_files(dataset: si.Dataset, tmp_path: Path) -> None:
    """Without Parquet, the fields read the CSV files (lists stay JSON text) and it validates."""
    files = release_files(dataset, ("csv",))
    document = json.loads(files["croissant.json"])
    topics = _fields(document, "metrics")["topics"]
    assert ({"@id": "metrics.csv"}, None) == (topics["source"]["fileObject"], topics.get("isArray"))
    assert [f"{s.name}.csv" for s in table_specs()] == [d["@id"] for d in document["distribution"]]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert 0 == _validate(tmp_path / "croissant.json")[0]


def test_json_only_release_describes_the_document_and_no_records(dataset: si.Dataset) -> None:
    """A JSON-only release lists the one JSON document and no record sets."""
    document = build_croissant(dataset, {"shanghai-innovation.json": b"{}", "notes.txt": b""})
    assert (["shanghai-innovation.json"], []) == (
        [d["@id"] for d in document["distribution"]],
        document["recordSet"],
    )


def test_descriptors_ignore_themselves_among_the_files(dataset: si.Dataset) -> None:
    """Rebuilt from a release's files (descriptors included), the descriptors are the same bytes."""
    files = release_files(dataset, ("csv",))
    assert descriptor_files(dataset, files) == {
        name: files[name] for name in ("claimreview.jsonld", "croissant.json")
    }


def test_verify_refuses_a_resealed_croissant_edit(release: Path, tmp_path: Path) -> None:
    """An edited croissant.json with fresh checksums is still found by verify."""
    copy = copy_release(release, tmp_path / "release")
    path = copy / "croissant.json"
    path.write_bytes(path.read_bytes().replace(b'"sc:Integer"', b'"sc:Float"', 1))
    reseal(copy)
    where = r"croissant\.json: not the file this library writes for these records \(first "
    at = r"difference at byte \d+, at \$\.recordSet\[\d+\]\.field\[\d+\]\.dataType;"
    with pytest.raises(si.IntegrityError, match=where + at):
        si.verify(copy)
    assert si.load() == si.load_release(copy)  # loading checks bytes, not descriptor content


def test_verify_refuses_a_release_without_its_descriptors(release: Path, tmp_path: Path) -> None:
    """A release whose croissant.json was removed and the rest resealed fails verify, naming it."""
    copy = copy_release(release, tmp_path / "release")
    (copy / "croissant.json").unlink()
    package = json.loads((copy / "datapackage.json").read_bytes())
    package["resources"] = [r for r in package["resources"] if r["path"] != "croissant.json"]
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    reseal(copy)
    with pytest.raises(
        si.IntegrityError,
        match=r"croissant\.json: missing; this library writes it with the parquet, csv, json files",
    ):
        si.verify(copy)


def test_no_date_is_made_up(croissant: dict[str, Any]) -> None:
    """No export time and no invented release date: the data holds none (the validator says so)."""
    text = json.dumps(croissant)
    assert dt.date.today().isoformat() not in text
    assert "datePublished" not in croissant


def test_descriptors_are_the_same_bytes_in_any_process() -> None:
    """Two interpreters with different hash seeds write byte-identical descriptors."""
    code = (
        "import hashlib, shanghai_innovation as si\n"
        "from shanghai_innovation._release.export import release_files\n"
        "files = release_files(si.load(), ('csv',))\n"
        "for name in ('claimreview.jsonld', 'croissant.json', 'datapackage.json'):\n"
        "    print(name, hashlib.sha256(files[name]).hexdigest())\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert 3 == len(outputs[0].splitlines())
    assert outputs[0] == outputs[1]
