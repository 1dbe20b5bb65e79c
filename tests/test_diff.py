"""Diffs between datasets and releases: added, removed and changed records, by id."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli, _limits
from shanghai_innovation._release.diff import (
    Change,
    Diff,
    FieldChange,
    diff_datasets,
    diff_releases,
)
from shanghai_innovation._release.export import export_release

from ._releases import copy_release, reseal, zip_folder

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
    export_release(tmp_path / "old", dataset=dataset)
    export_release(tmp_path / "new", dataset=si.load(planted))
    diff = diff_releases(tmp_path / "old", tmp_path / "new")
    assert [dataset.metrics[0].id] == [c.id for c in diff.table("metrics").changed]


def test_cli_diff_json(
    dataset: si.Dataset, planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`shanghai-innovation diff OLD NEW --json` prints the diff as JSON and exits 0."""
    export_release(tmp_path / "old", dataset=dataset)
    export_release(tmp_path / "new", dataset=si.load(planted))
    code = _cli.main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--json"])
    document = json.loads(capsys.readouterr().out)
    changed = [c["id"] for c in document["tables"]["metrics"]["changed"]]
    assert (0, [dataset.metrics[0].id]) == (code, changed)


def _description_edit(release: Path) -> tuple[str, str]:
    """Change the description of the metrics measure field in croissant.json; reseal."""
    path = release / "croissant.json"
    document = json.loads(path.read_bytes())
    metrics = next(r for r in document["recordSet"] if r["@id"] == "metrics")
    field = next(f for f in metrics["field"] if f["name"] == "measure")
    old, field["description"] = field["description"], "What is measured (edited)."
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    reseal(release)
    return old, field["description"]


@pytest.fixture(scope="module")
def old_release(dataset: si.Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the bundled data, shared read-only by the metadata tests."""
    # Keywords only: the same call under the old and the new export_release signature.
    folder = tmp_path_factory.mktemp("old") / "release"
    return export_release(output=folder, dataset=dataset).output


def test_descriptor_content_change_is_metadata(
    dataset: si.Dataset, old_release: Path, tmp_path: Path
) -> None:
    """An edited descriptor value is one metadata change, by file and path; no record change."""
    new = export_release(output=tmp_path / "new", dataset=dataset).output
    old_text, new_text = _description_edit(new)
    diff = diff_releases(old_release, new)
    field = "croissant.json: recordSet[metrics].field[metrics/measure].description"
    assert ((FieldChange(field, old_text, new_text),), (), False) == (
        diff.metadata,
        diff.info,
        any(diff.tables),
    )
    assert bool(diff)
    assert [
        f"Diff {dataset.info.version} -> {dataset.info.version}: 0 added, 0 removed, 0 changed.",
        "metadata: 1 changed",
        f"  ~ {field}: {json.dumps(old_text)} -> {json.dumps(new_text)}",
    ] == diff.to_text().splitlines()
    assert [{"field": field, "old": old_text, "new": new_text}] == json.loads(diff.to_json())[
        "metadata"
    ]


def test_record_changes_bring_no_metadata_noise(
    dataset: si.Dataset, old_release: Path, planted: Path, tmp_path: Path
) -> None:
    """Changed records change sizes and hashes in every descriptor; none of that is listed."""
    new = export_release(output=tmp_path / "new", dataset=si.load(planted)).output
    old_sums = (old_release / "SHA256SUMS").read_text("ascii").splitlines()
    new_sums = (new / "SHA256SUMS").read_text("ascii").splitlines()
    changed_files = {line.split("  ")[1] for line in set(old_sums) ^ set(new_sums)}
    assert {"croissant.json", "datapackage.json", "metrics.csv"} <= changed_files
    diff = diff_releases(old_release, new)
    assert ((), [dataset.metrics[0].id]) == (
        diff.metadata,
        [c.id for c in diff.table("metrics").changed],
    )


def test_a_change_already_listed_is_not_repeated_as_metadata(
    dataset: si.Dataset, old_release: Path, tmp_path: Path
) -> None:
    """A version bump is a dataset-info change; only the citation quoting it is metadata."""
    bumped = attrs.evolve(dataset, info=attrs.evolve(dataset.info, version="9.0.0"))
    new = export_release(output=tmp_path / "new", dataset=bumped).output
    diff = diff_releases(old_release, new)
    assert (
        (FieldChange("version", dataset.info.version, "9.0.0"),),
        ["croissant.json: citeAs"],
    ) == (diff.info, [c.field for c in diff.metadata])


def test_metadata_of_zipped_releases(
    dataset: si.Dataset, old_release: Path, tmp_path: Path
) -> None:
    """Zipped releases are read the same way: the descriptor change is found inside the zip."""
    new = export_release(output=tmp_path / "new", dataset=dataset).output
    _description_edit(new)
    old_zip = zip_folder(old_release, tmp_path / "old.zip")
    new_zip = zip_folder(new, tmp_path / "new.zip", prefix="release/")
    assert ["croissant.json: recordSet[metrics].field[metrics/measure].description"] == [
        c.field for c in diff_releases(old_zip, new_zip).metadata
    ]


def test_a_descriptor_missing_on_one_side_is_one_change(
    dataset: si.Dataset, old_release: Path, tmp_path: Path
) -> None:
    """A release without claimreview.jsonld (resealed): the file and its resource, once each."""
    new = export_release(output=tmp_path / "new", dataset=dataset).output
    (new / "claimreview.jsonld").unlink()
    package = json.loads((new / "datapackage.json").read_bytes())
    package["resources"] = [r for r in package["resources"] if r["name"] != "claimreview"]
    (new / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    reseal(new)
    diff = diff_releases(old_release, new)
    old_package = json.loads((old_release / "datapackage.json").read_bytes())
    resource = next(r for r in old_package["resources"] if r["name"] == "claimreview")
    stripped = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
    assert (
        FieldChange("claimreview.jsonld", "present", None),
        FieldChange("datapackage.json: resources[claimreview]", stripped, None),
    ) == diff.metadata


def test_a_descriptor_that_is_not_json_is_refused(old_release: Path, tmp_path: Path) -> None:
    """A resealed descriptor that is not JSON makes diff fail with one line naming it."""
    new = copy_release(old_release, tmp_path / "new")
    (new / "claimreview.jsonld").write_bytes(b"{not json")
    reseal(new)
    refused = r"claimreview\.jsonld: not valid JSON \(Expecting property name"
    with pytest.raises(si.ReleaseError, match=refused):
        diff_releases(old_release, new)


def test_a_deeply_nested_descriptor_is_refused(old_release: Path, tmp_path: Path) -> None:
    """A resealed descriptor nested 900 levels deep fails with one line naming the nesting cap."""
    new = copy_release(old_release, tmp_path / "new")
    (new / "claimreview.jsonld").write_text("[" * 900 + "]" * 900, encoding="utf-8")
    reseal(new)
    cap = _limits.MAX_NESTING
    too_deep = f"claimreview.jsonld: not valid JSON (nested deeper than the cap of {cap} levels)"
    with pytest.raises(si.ReleaseError, match=re.escape(too_deep)):
        diff_releases(old_release, new)


def test_print_of_a_diff_is_its_text_report() -> None:
    """print(diff) gives the readable report (to_text), as for a verify or export report."""
    ds = si.load()
    assert diff_datasets(ds, ds).to_text() == str(diff_datasets(ds, ds))
    version = ds.info.version
    assert f"Diff {version} -> {version}: no differences." == str(diff_datasets(ds, ds))


def test_text_lists_dataset_changes_under_their_own_heading(dataset: si.Dataset) -> None:
    bumped = attrs.evolve(dataset, info=attrs.evolve(dataset.info, version="9.0.0"))
    old = dataset.info.version
    assert [
        f"Diff {old} -> 9.0.0: 0 added, 0 removed, 0 changed.",
        "dataset:",
        f"  ~ version: {json.dumps(old)} -> {json.dumps('9.0.0')}",
    ] == diff_datasets(dataset, bumped).to_text().splitlines()


def test_a_line_of_the_text_report_is_cut_at_exactly_its_limit(dataset: si.Dataset) -> None:
    """A value can be long (a description); a report line keeps at most 10 message lengths."""
    rest = len(f'  ~ version: "" -> "{dataset.info.version}"')
    for length in (10 * _limits.MAX_MESSAGE, 10 * _limits.MAX_MESSAGE + 1):
        version = "9" * (length - rest - len(".0.0")) + ".0.0"
        older = attrs.evolve(dataset, info=attrs.evolve(dataset.info, version=version))
        line = diff_datasets(older, dataset).to_text().splitlines()[2]
        assert (length <= 10 * _limits.MAX_MESSAGE) == (len(line) == length), (length, len(line))


@pytest.mark.parametrize("which", ["old_source", "new_source"])
def test_each_release_to_compare_must_be_a_path_or_a_url(which: str, tmp_path: Path) -> None:
    sources = {"old_source": tmp_path, "new_source": tmp_path, which: 5}
    with pytest.raises(TypeError) as caught:
        diff_releases(**sources)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"{which} must be a path or a URL")


def test_reports_keep_text_as_written_and_objects_in_key_order() -> None:
    """Non-ASCII text is printed as itself, not escaped, in both reports; an object
    value (a field added or removed whole) prints with its keys sorted."""
    change = FieldChange("title", {"zh": "张江", "en": "Zhangjiang"}, None)
    diff = Diff("1.0.0", "1.0.1", (change,), ())
    assert '  ~ title: {"en": "Zhangjiang", "zh": "张江"} -> null' == diff.to_text().splitlines()[2]
    assert '"zh": "张江"' in diff.to_json()


_A, _B = {"name": "a", "v": 1}, {"name": "b", "v": 2}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # keys on one side only are one change each; shared keys are compared inside
        ({"k": 1, "b": 2}, {"k": 1, "c": 3}, [("b", 2, None), ("c", None, 3)]),
        # an object against something else is one change, whole
        ({"k": 1}, [1], [("", {"k": 1}, [1])]),
        ([{"name": "x"}], {}, [("", [{"name": "x"}], {})]),
        # list items are matched by a name each side gives uniquely ...
        ([_A, _B], [_B, {"name": "a", "v": 3}], [("[a].v", 1, 3)]),
        # ... and compared whole when a name repeats, or an item has none
        ([_A, _B], [_A, _A], [("", [_A, _B], [_A, _A])]),
        ([_A, {"v": 1}], [_A, {"v": 2}], [("", [_A, {"v": 1}], [_A, {"v": 2}])]),
        # derived keys (sizes, hashes) are left out at every level, in lists too
        ({"a": [{"name": "x", "bytes": 5}]}, {}, [("a", [{"name": "x"}], None)]),
        ({"bytes": 1, "k": [1]}, {"bytes": 2, "k": [1]}, []),
    ],
)
def test_descriptors_are_compared_by_path_and_item_name(
    old: Any, new: Any, expected: list[tuple[str, Any, Any]]
) -> None:
    from shanghai_innovation._release.diff import _compare  # noqa: PLC0415

    assert [FieldChange(*change) for change in expected] == list(_compare(old, new, ""))
