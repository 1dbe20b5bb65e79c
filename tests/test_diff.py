"""Diffs between datasets and releases: added, removed and changed records, by id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._release.diff import Change, FieldChange, diff_datasets, diff_releases
from shanghai_innovation._release.export import export_release

PLANT = "Planted: "


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture
def planted(data_copy: Path) -> Path:
    """A copy of the data with the first metric's measure changed in its TOML file."""
    path = data_copy / "metrics.toml"
    text = path.read_text("utf-8")
    assert 'measure = "' in text
    path.write_text(text.replace('measure = "', f'measure = "{PLANT}', 1), "utf-8")
    return data_copy


def test_identical_datasets_have_no_diff(dataset: si.Dataset) -> None:
    """A dataset diffed with itself is empty and false."""
    diff = diff_datasets(dataset, dataset)
    assert (False, f"Diff {dataset.info.version} -> {dataset.info.version}: no differences.") == (
        bool(diff),
        diff.to_text(),
    )


def test_planted_change_is_reported_exactly(dataset: si.Dataset, planted: Path) -> None:
    """Changing one field of one record in the data files gives exactly that change."""
    diff = diff_datasets(dataset, si.load(planted))
    first = dataset.metrics[0]
    expected = (Change(first.id, (FieldChange("measure", first.measure, PLANT + first.measure),)),)
    assert expected == diff.table("metrics").changed
    assert [] == [t.table for t in diff.tables if t and t.table != "metrics"]
    assert ((), ()) == (diff.table("metrics").added, diff.table("metrics").removed)


def test_added_and_removed_records(dataset: si.Dataset) -> None:
    """Dropping a record shows it removed; putting it back shows it added."""
    smaller = attrs.evolve(dataset, entities=dataset.entities[1:])
    gone = dataset.entities[0].id
    assert ((gone,), ()) == (
        diff_datasets(dataset, smaller).table("entities").removed,
        diff_datasets(dataset, smaller).table("entities").added,
    )
    assert (gone,) == diff_datasets(smaller, dataset).table("entities").added


def test_nested_fields_are_named_by_path(dataset: si.Dataset) -> None:
    """A change inside a quantity is reported as quantity.qualifier."""
    metric = dataset.metrics[0]
    other = "about" if metric.quantity.qualifier.value != "about" else "exact"
    changed = attrs.evolve(
        metric,
        quantity=attrs.evolve(metric.quantity, qualifier=si.Qualifier(other)),
    )
    new = attrs.evolve(dataset, metrics=(changed, *dataset.metrics[1:]))
    field = FieldChange("quantity.qualifier", metric.quantity.qualifier.value, other)
    assert (Change(metric.id, (field,)),) == diff_datasets(dataset, new).table("metrics").changed


def test_info_changes_are_listed(dataset: si.Dataset) -> None:
    """A version bump appears as a change of the dataset info."""
    bumped = attrs.evolve(dataset, info=attrs.evolve(dataset.info, version="9.0.0"))
    diff = diff_datasets(dataset, bumped)
    assert (FieldChange("version", dataset.info.version, "9.0.0"),) == diff.info


def test_text_lists_each_change(dataset: si.Dataset, planted: Path) -> None:
    """The text report names the table, the record id and the field with both values."""
    first = dataset.metrics[0]
    text = diff_datasets(dataset, si.load(planted)).to_text()
    old, new = json.dumps(first.measure), json.dumps(PLANT + first.measure)
    assert [
        f"Diff {dataset.info.version} -> {dataset.info.version}: 0 added, 0 removed, 1 changed.",
        "metrics: 0 added, 0 removed, 1 changed",
        f"  ~ {first.id}",
        f"      measure: {old} -> {new}",
    ] == text.splitlines()


def test_json_has_every_table_and_is_stable(dataset: si.Dataset, planted: Path) -> None:
    """The JSON form lists every table, and two separate processes print the same bytes."""
    new = si.load(planted)
    document = json.loads(diff_datasets(dataset, new).to_json())
    first = dataset.metrics[0]
    assert sorted(si.TABLES) == sorted(document["tables"])
    assert [
        {
            "id": first.id,
            "fields": [{"field": "measure", "old": first.measure, "new": PLANT + first.measure}],
        }
    ] == document["tables"]["metrics"]["changed"]
    assert [_diff_json_in_a_new_process(planted, seed) for seed in ("1", "2")] == [
        diff_datasets(dataset, new).to_json()
    ] * 2


def _diff_json_in_a_new_process(planted: Path, hash_seed: str) -> str:
    """The JSON diff of the bundled data against the planted copy, from a fresh interpreter.

    Each interpreter gets its own string-hash seed, so an order that depended
    on set or dict hashing would differ between them.
    """
    code = (
        "import sys, shanghai_innovation as si\n"
        "from shanghai_innovation._release.diff import diff_datasets\n"
        "sys.stdout.write(diff_datasets(si.load(), si.load(sys.argv[1])).to_json())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code, str(planted)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


def test_diff_of_two_releases(dataset: si.Dataset, planted: Path, tmp_path: Path) -> None:
    """diff_releases loads both release folders and reports the planted change."""
    export_release(dataset, tmp_path / "old")
    export_release(si.load(planted), tmp_path / "new")
    diff = diff_releases(tmp_path / "old", tmp_path / "new")
    assert [dataset.metrics[0].id] == [c.id for c in diff.table("metrics").changed]


def test_cli_diff_json(
    dataset: si.Dataset, planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`shanghai-innovation diff OLD NEW --json` prints the diff as JSON and exits 0."""
    export_release(dataset, tmp_path / "old")
    export_release(si.load(planted), tmp_path / "new")
    code = _cli.main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--json"])
    document = json.loads(capsys.readouterr().out)
    changed = [c["id"] for c in document["tables"]["metrics"]["changed"]]
    assert (0, [dataset.metrics[0].id]) == (code, changed)
