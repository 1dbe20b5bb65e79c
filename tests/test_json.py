"""The whole-dataset JSON document: one shape, deterministic bytes, located errors."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import attrs
import pytest
from hypothesis import given

import shanghai_innovation as si
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._formats.json import (
    check_schema_version,
    content_fingerprint,
    dataset_from_json,
    dataset_to_json,
    dataset_to_unstructured,
)
from shanghai_innovation._schema import SCHEMA_VERSION
from shanghai_innovation.testing import datasets


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def document(dataset: si.Dataset) -> dict[str, Any]:
    """The JSON document of the bundled dataset, parsed."""
    parsed: dict[str, Any] = json.loads(dataset_to_json(dataset))
    return parsed


def _bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def test_round_trip(dataset: si.Dataset) -> None:
    """Reading the document back gives an equal dataset."""
    assert dataset == dataset_from_json(dataset_to_json(dataset))


def test_shape_is_dataset_schema_version_tables(
    dataset: si.Dataset, document: dict[str, Any]
) -> None:
    """The top level holds the info, the schema version and every table by name."""
    assert (["dataset", "schema_version", "tables"], SCHEMA_VERSION, sorted(si.TABLES)) == (
        list(document),
        document["schema_version"],
        sorted(document["tables"]),
    )
    assert CONVERTER.unstructure(dataset.info) == document["dataset"]


def test_records_are_cattrs_unstructured(dataset: si.Dataset, document: dict[str, Any]) -> None:
    """Each record is exactly what the one converter unstructures, in dataset order."""
    assert [CONVERTER.unstructure(m) for m in dataset.metrics] == document["tables"]["metrics"]


def test_bytes_are_deterministic_and_sorted(dataset: si.Dataset) -> None:
    """Two renderings are identical, keys are sorted, and the text ends with a newline."""
    data = dataset_to_json(dataset)
    canonical = json.dumps(json.loads(data), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert (data, canonical.encode()) == (dataset_to_json(dataset), data)


@pytest.mark.parametrize(
    "field", ["name", "title", "version", "description", "license", "license_url", "attribution"]
)
def test_fingerprint_covers_every_field_of_the_info(dataset: si.Dataset, field: str) -> None:
    """Changing any field of the dataset info (the license included) changes the fingerprint."""
    value = "other-name" if field == "name" else "9.9.9" if field == "version" else "Other."
    edited = attrs.evolve(dataset, info=attrs.evolve(dataset.info, **{field: value}))
    assert content_fingerprint(dataset) != content_fingerprint(edited)


def test_fingerprint_covers_the_records_and_the_schema_version(dataset: si.Dataset) -> None:
    """A changed record or another claimed schema version changes the fingerprint; a copy not."""
    changed = attrs.evolve(dataset, metrics=dataset.metrics[1:])
    fingerprint = content_fingerprint(dataset)
    assert (True, False, False) == (
        fingerprint == content_fingerprint(attrs.evolve(dataset)),
        fingerprint == content_fingerprint(changed),
        fingerprint == content_fingerprint(dataset, "1.999.0"),
    )
    assert fingerprint.startswith("sha256:")


def test_fingerprint_is_the_hash_of_the_compact_document(dataset: si.Dataset) -> None:
    """The fingerprint is the SHA-256 of the JSON document in compact, sorted form."""
    compact = json.dumps(
        dataset_to_unstructured(dataset), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    expected = "sha256:" + hashlib.sha256(compact.encode()).hexdigest()
    assert expected == content_fingerprint(dataset)


def test_future_schema_version_is_refused(document: dict[str, Any]) -> None:
    """A document from a newer major schema is refused, naming both versions."""
    future = {**document, "schema_version": "2.0.0"}
    with pytest.raises(si.ReleaseError) as caught:
        dataset_from_json(_bytes(future), "ds.json")
    assert str(caught.value).startswith(
        f"ds.json: schema version 2.0.0 is newer than this library reads ({SCHEMA_VERSION})"
    )


@pytest.mark.parametrize("found", ["1.0", "one", 1, None, "1.0.0.0"])
def test_malformed_schema_version_is_refused(found: object) -> None:
    """A schema version that is not MAJOR.MINOR.PATCH text is refused."""
    with pytest.raises(si.ReleaseError, match=r"is not MAJOR\.MINOR\.PATCH"):
        check_schema_version(found, "x")


def test_bad_record_is_located(document: dict[str, Any]) -> None:
    """A bad field names the table, the index, the record id and the field."""
    metrics = [dict(m) for m in document["tables"]["metrics"]]
    metrics[0]["locator"] = "nowhere"
    bad = {**document, "tables": {**document["tables"], "metrics": metrics}}
    with pytest.raises(si.ReleaseError) as caught:
        dataset_from_json(_bytes(bad), "ds.json")
    rid = metrics[0]["id"]
    assert str(caught.value).startswith(
        f"ds.json: tables.metrics[0] (record {rid!r}): field locator: "
    )


def test_unknown_key_is_refused(document: dict[str, Any]) -> None:
    """An unexpected top-level key is named."""
    with pytest.raises(si.ReleaseError, match=r"ds\.json: unknown key 'extra'"):
        dataset_from_json(_bytes({**document, "extra": 1}), "ds.json")


def test_missing_table_is_refused(document: dict[str, Any]) -> None:
    """A document without every table is refused."""
    tables = {k: v for k, v in document["tables"].items() if k != "errata"}
    with pytest.raises(si.ReleaseError, match="tables: expected exactly the tables"):
        dataset_from_json(_bytes({**document, "tables": tables}), "ds.json")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
        (b"{", "not valid JSON"),
        (b"[]", "expected an object"),
        (b'{"x": NaN}', "not valid JSON (NaN is not allowed)"),
    ],
    ids=["not-utf8", "truncated", "not-object", "nan"],
)
def test_garbage_is_one_line(data: bytes, reason: str) -> None:
    """Bytes that are not the document give one line naming the file and why."""
    with pytest.raises(si.ReleaseError) as caught:
        dataset_from_json(data, "ds.json")
    assert (True, 1) == (
        str(caught.value).startswith(f"ds.json: {reason}"),
        len(str(caught.value).splitlines()),
    )


@given(generated=datasets())
def test_generated_datasets_round_trip(generated: si.Dataset) -> None:
    """For generated datasets, the JSON document reads back to an equal dataset."""
    assert generated == dataset_from_json(dataset_to_json(generated))
