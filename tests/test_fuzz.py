"""Mutation fuzzing: damaged releases give the identical dataset or the library's own error.

Hypothesis flips bytes in and truncates the files of a good release (folder
and zip). Reading the result may return a dataset only if it equals the
original; otherwise it must raise a subclass of the library's root error.
Any other exception fails the test.

The attacker writes the checksums too, so the main family reseals each
damaged release with the hostile-release generator (``_releases.hostile``:
every size and hash in datapackage.json and SHA256SUMS rewritten) and judges
it by what decoding gives: ``load_release`` must still return exactly the
original dataset or raise (the fingerprint covers every record and the
dataset info), and ``verify`` may call the release complete only when every
file is byte for byte the original; a file it could not compare must be the
damaged one (a Parquet footer naming another writer).

The number of mutated releases scales with the Hypothesis profile (see
conftest.py): each test runs a multiple of the profile's ``max_examples``
(25 locally, 300 with ``HYPOTHESIS_PROFILE=ci``): 5x for the cheap checksum
cases, 1x for the resealed ones, which decode every format. Outcomes are
recorded as Hypothesis events (``--hypothesis-show-statistics``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation._release.reader import load_release, verify

from ._releases import copy_release, export, hostile, release_file_names, small_dataset, zip_folder

pytestmark = pytest.mark.slow

FILES = release_file_names()


def fuzz(factor: int) -> settings:
    """Settings running ``factor`` times the profile's examples."""
    return settings(
        max_examples=settings.default.max_examples * factor,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        deadline=None,
    )


@st.composite
def mutations(draw: st.DrawFn, size: int) -> tuple[str, int, int]:
    """A flip (offset, XOR mask) or a truncation (new length) of a file of ``size`` bytes."""
    kind = draw(st.sampled_from(["flip", "flip", "truncate"]))
    if kind == "flip":
        return kind, draw(st.integers(0, size - 1)), draw(st.integers(1, 255))
    return kind, draw(st.integers(0, size - 1)), 0


def mutate(data: bytes, mutation: tuple[str, int, int]) -> bytes:
    """Apply one mutation to bytes."""
    kind, offset, mask = mutation
    if kind == "truncate":
        return data[:offset]
    out = bytearray(data)
    out[offset] ^= mask
    return bytes(out)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the small dataset."""
    return export(tmp_path_factory.mktemp("fuzz") / "release")


@pytest.fixture(scope="module")
def pristine_zip(pristine: Path) -> bytes:
    """The bytes of a zip of that release."""
    return zip_folder(pristine, pristine.parent / "release.zip").read_bytes()


@pytest.fixture
def work(pristine: Path, tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the release; each example restores what it damaged."""
    yield copy_release(pristine, tmp_path / "release")
    shutil.rmtree(tmp_path / "release", ignore_errors=True)


def _outcome(source: Path) -> str:
    """'same' when the dataset is identical, else the library error's class name."""
    try:
        dataset = load_release(source)
    except si.ShanghaiInnovationError as exc:
        assert 1 == len(str(exc).splitlines()), str(exc)  # noqa: PT017 - any error may come
        event(type(exc).__name__)
        return type(exc).__name__
    assert small_dataset() == dataset
    event("same dataset")
    return "same"


@fuzz(5)
@given(data=st.data())
def test_damaged_folder_file(work: Path, pristine: Path, data: st.DataObject) -> None:
    """A byte flipped or a file truncated in a release folder is caught, never misread."""
    name = data.draw(st.sampled_from(FILES), label="file")
    size = len((pristine / name).read_bytes())
    _check_damaged_folder_file(work, pristine, name, data.draw(mutations(size), label="mutation"))


@settings(fuzz(1), max_examples=1)
@given(mask=st.just(ord(" ") ^ ord("*")))
def test_binary_mode_marker_is_not_damage(work: Path, pristine: Path, mask: int) -> None:
    """The one flip fuzzing may draw that leaves SHA256SUMS valid: ' ' to '*' before a name."""
    offset = (pristine / "SHA256SUMS").read_bytes().index(b"  ") + 1
    flip = ("flip", offset, mask)
    assert "same" == _check_damaged_folder_file(work, pristine, "SHA256SUMS", flip)


def _check_damaged_folder_file(
    work: Path, pristine: Path, name: str, mutation: tuple[str, int, int]
) -> str:
    """Damage one file, read the release, restore the file; returns the outcome."""
    original = (pristine / name).read_bytes()
    damaged = mutate(original, mutation)
    (work / name).write_bytes(damaged)
    # sha256sum's binary-mode marker: "<hex> *name" is as valid as "<hex>  name".
    same_sums = name == "SHA256SUMS" and damaged.replace(b" *", b"  ") == original
    try:
        outcome = _outcome(work)
        assert same_sums or "same" != outcome
    finally:
        (work / name).write_bytes(original)
    return outcome


@fuzz(5)
@given(data=st.data())
def test_damaged_zip(tmp_path: Path, pristine_zip: bytes, data: st.DataObject) -> None:
    """A byte flipped in or a truncation of a release zip gives the same dataset or our error."""
    mutation = data.draw(mutations(len(pristine_zip)), label="mutation")
    archive = tmp_path / "damaged.zip"
    archive.write_bytes(mutate(pristine_zip, mutation))
    _outcome(archive)


@fuzz(1)
@given(data=st.data())
def test_damaged_and_resealed_folder_file(work: Path, pristine: Path, data: st.DataObject) -> None:
    """Damage resealed as an attacker would is judged by decoding: same data, or our error."""
    name = data.draw(st.sampled_from([n for n in FILES if n != "SHA256SUMS"]), label="file")
    original = (pristine / name).read_bytes()
    mutation = data.draw(mutations(len(original)), label="mutation")
    hostile(work, {name: mutate(original, mutation)})
    try:
        outcome = _outcome(work)
        try:
            report = verify(work)
        except si.ShanghaiInnovationError as exc:
            assert 1 == len(str(exc).splitlines()), str(exc)  # noqa: PT017 - any error may come
            event(f"verify: {type(exc).__name__}")
        else:
            assert "same" == outcome, "verify passed what load_release refused"
            changed = [
                p.name for p in work.iterdir() if p.read_bytes() != (pristine / p.name).read_bytes()
            ]
            if report.complete:
                assert [] == changed
                event("verify: complete (the damage was undone by resealing)")
            else:
                assert {name} == {n for n, _ in report.not_compared}, report
                event("verify: not compared")
    finally:
        for restore in {name, "croissant.json", "datapackage.json", "SHA256SUMS"}:
            (work / restore).write_bytes((pristine / restore).read_bytes())
