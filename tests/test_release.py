"""Reading a release back: round trips from a folder, a zip and a URL; verify; any changed byte."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._formats.json import content_fingerprint
from shanghai_innovation._release.export import export_release
from shanghai_innovation._release.reader import VerifyReport, load_release, verify
from shanghai_innovation._schema import SCHEMA_VERSION
from shanghai_innovation.testing import datasets

from ._releases import (
    NAME,
    Server,
    copy_release,
    edit_json,
    edit_package,
    export,
    flip,
    hostile,
    release_file_names,
    reseal,
    running_server,
    small_dataset,
    zip_folder,
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export of the small dataset, shared read-only by the module's tests."""
    return export(tmp_path_factory.mktemp("pristine") / "release")


@pytest.fixture
def release(pristine: Path, tmp_path: Path) -> Path:
    """A writable copy of the small release."""
    return copy_release(pristine, tmp_path / "release")


@pytest.fixture
def server() -> Iterator[Server]:
    """A local HTTP server on 127.0.0.1, stopped after the test."""
    with running_server() as running:
        yield running


def _cli_run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = _cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_data_round_trips(tmp_path: Path) -> None:
    """Exporting load() and reading the release back gives a dataset equal to load()."""
    export_release(tmp_path / "release")
    assert si.load() == load_release(tmp_path / "release")


def test_folder_round_trips(release: Path) -> None:
    """A release folder reads back as exactly the dataset exported."""
    assert small_dataset() == load_release(release)


def test_string_path_round_trips(release: Path) -> None:
    """A release folder given as text reads back too."""
    assert small_dataset() == load_release(str(release))


def test_zip_round_trips(release: Path, tmp_path: Path) -> None:
    """A zip with the files at its top reads back as the dataset."""
    archive = zip_folder(release, tmp_path / "release.zip")
    assert small_dataset() == load_release(archive)


def test_zip_with_one_folder_round_trips(release: Path, tmp_path: Path) -> None:
    """A zip whose files sit in one top-level folder reads back as the dataset."""
    archive = zip_folder(release, tmp_path / "release.zip", prefix="si-test-1.2.3/")
    assert small_dataset() == load_release(archive)


def test_file_url_round_trips(release: Path, tmp_path: Path) -> None:
    """A file:// URL of a zip reads back as the dataset."""
    archive = zip_folder(release, tmp_path / "release.zip")
    assert small_dataset() == load_release(archive.resolve().as_uri())


@pytest.mark.parametrize("formats", [("parquet",), ("csv",), ("json",), ("csv", "json")])
def test_any_one_format_round_trips(tmp_path: Path, formats: tuple[str, ...]) -> None:
    """A release with only some formats reads back from whichever is complete."""
    folder = export(tmp_path / "release", formats)
    assert release_file_names(formats) == sorted(p.name for p in folder.iterdir())
    assert small_dataset() == load_release(folder)


def test_http_round_trips_and_caches(release: Path, tmp_path: Path, server: Server) -> None:
    """An http URL of a zip is downloaded once into the cache, named by the URL's SHA-256."""
    url = server.serve("/release.zip", zip_folder(release, tmp_path / "release.zip").read_bytes())
    cache = tmp_path / "cache"
    assert small_dataset() == load_release(url, cache_dir=cache)
    assert small_dataset() == load_release(url, cache_dir=cache)
    assert ["/release.zip"] == server.hits
    key = hashlib.sha256(url.encode()).hexdigest()
    assert [f"{key}.zip"] == sorted(p.name for p in cache.iterdir())


def test_cache_folder_from_environment(
    release: Path, tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without cache_dir, downloads go to $SHANGHAI_INNOVATION_CACHE."""
    cache = tmp_path / "env-cache"
    monkeypatch.setenv("SHANGHAI_INNOVATION_CACHE", str(cache))
    url = server.serve("/r.zip", zip_folder(release, tmp_path / "r.zip").read_bytes())
    assert small_dataset() == load_release(url)
    assert 1 == len(list(cache.glob("*.zip")))


def test_bad_download_never_enters_the_cache(release: Path, tmp_path: Path, server: Server) -> None:
    """A download that is not an intact release is refused and leaves the cache empty."""
    flip(release / "metrics.csv", 10)
    url = server.serve("/bad.zip", zip_folder(release, tmp_path / "bad.zip").read_bytes())
    cache = tmp_path / "cache"
    with pytest.raises(si.IntegrityError):
        load_release(url, cache_dir=cache)
    assert [] == list(cache.iterdir())


def test_corrupt_cache_entry_is_downloaded_again(
    release: Path, tmp_path: Path, server: Server
) -> None:
    """A cached zip that no longer verifies is dropped and fetched afresh."""
    url = server.serve("/release.zip", zip_folder(release, tmp_path / "release.zip").read_bytes())
    cache = tmp_path / "cache"
    load_release(url, cache_dir=cache)
    (cached,) = cache.iterdir()
    cached.write_bytes(b"not a zip")
    assert small_dataset() == load_release(url, cache_dir=cache)
    assert ["/release.zip", "/release.zip"] == server.hits


def test_redirect_within_http_is_followed(release: Path, tmp_path: Path, server: Server) -> None:
    """A redirect from one http URL to another is followed."""
    server.serve("/real.zip", zip_folder(release, tmp_path / "r.zip").read_bytes())
    url = server.redirect("/moved.zip", "/real.zip")
    assert small_dataset() == load_release(url, cache_dir=tmp_path / "cache")


def test_verify_reports_what_it_checked(release: Path) -> None:
    """verify() returns the name, version, schema, counts, formats and fingerprint."""
    report = verify(release)
    expected = VerifyReport(
        source=str(release),
        name=NAME,
        version="1.2.3",
        schema_version=SCHEMA_VERSION,
        files=len(release_file_names()),
        tables=len(si.TABLES),
        records=len(small_dataset()),
        fingerprint=content_fingerprint(small_dataset()),
        formats=("parquet", "csv", "json"),
    )
    assert expected == report


def test_cli_verify_prints_one_paragraph(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`verify` on an intact release exits 0 with a one-paragraph summary."""
    code, out, err = _cli_run(capsys, "verify", str(release))
    assert (0, "") == (code, err)
    assert 1 == len(out.strip().splitlines())
    files = f"{len(release_file_names())} files"
    for part in (NAME, "1.2.3", f"schema {SCHEMA_VERSION}", files, "9 records", "sha256:"):
        assert part in out


def test_verify_finds_formats_that_disagree(release: Path) -> None:
    """verify() refuses a resealed release whose CSV holds other values than its Parquet."""
    path = release / "metrics.csv"
    path.write_bytes(path.read_bytes().replace(b"Firms", b"Farms"))
    reseal(release)
    with pytest.raises(si.IntegrityError, match=r"csv files disagree with parquet: .*'firms'"):
        verify(release)


@pytest.mark.parametrize("change", ["drop", "repeat"])
def test_verify_finds_a_format_holding_another_number_of_records(
    release: Path, change: str
) -> None:
    """A resealed CSV missing its last record, or repeating it, is named with both counts."""
    path = release / "metrics.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    assert 3 == len(lines)  # the header and two records, one line each
    path.write_bytes(b"".join(lines[:-1] if change == "drop" else [*lines, lines[-1]]))
    reseal(release)
    count = 1 if change == "drop" else 3
    expected = (
        "the csv files disagree with parquet: "
        f"table metrics: {count} records, the parquet files hold 2"
    )
    with pytest.raises(si.IntegrityError, match=re.escape(expected)):
        verify(release)


def test_a_release_without_the_json_document_verifies(tmp_path: Path) -> None:
    """Parquet and CSV alone: verify compares the two and vouches for the release."""
    release = export(tmp_path / "release", formats=("parquet", "csv"))
    report = verify(release)
    assert ("parquet", "csv") == report.formats
    assert small_dataset() == load_release(release)


def test_a_format_missing_a_table_is_not_read(release: Path) -> None:
    """With one Parquet table gone (and unlisted), records come from the CSV files."""
    hostile(
        release,
        {"metrics.parquet": None},
        package=lambda p: p.update(
            resources=[r for r in p["resources"] if r["path"] != "metrics.parquet"]
        ),
    )
    assert small_dataset() == load_release(release)
    with pytest.raises(si.IntegrityError, match=r"metrics\.parquet: missing; this library"):
        verify(release)


def test_verify_finds_a_json_document_of_another_schema_version(release: Path) -> None:
    """The JSON document saying schema 1.0.0 beside a manifest saying 1.1.0: named, both given."""
    path = release / f"{NAME}.json"
    path.write_text(edit_json(path, lambda d: d.update(schema_version="1.0.0")), encoding="utf-8")
    reseal(release)
    expected = (
        "the json document's schema version '1.0.0' disagrees with "
        f"datapackage.json's {SCHEMA_VERSION}"
    )
    with pytest.raises(si.IntegrityError, match=re.escape(expected)):
        verify(release)


def test_a_release_with_no_complete_format_is_refused(release: Path) -> None:
    """Metrics gone from Parquet and CSV, and no JSON document: no format holds every table."""
    gone = ("metrics.parquet", "metrics.csv", f"{NAME}.json")
    hostile(
        release,
        dict.fromkeys(gone),
        package=lambda p: p.update(resources=[r for r in p["resources"] if r["path"] not in gone]),
    )
    with pytest.raises(si.ReleaseError, match=r": holds no complete set of tables \(Parquet, CSV"):
        load_release(release)


def test_verify_finds_a_resealed_manifest_edit(release: Path) -> None:
    """verify() refuses a datapackage.json edited and resealed, naming the key that differs."""

    def change(package: dict[str, Any]) -> None:
        package["resources"][0]["description"] = "Edited."

    edit_package(release, change)
    where = r"datapackage\.json: .* at \$\.resources\[0\]\.description"
    with pytest.raises(si.IntegrityError, match=where):
        verify(release)


@pytest.mark.parametrize(
    ("change", "at"),
    [
        (lambda p: p["resources"][0].update(schema=[]), "$.resources[0].schema"),
        (lambda p: p["resources"][0]["schema"].update(fields={}), "$.resources[0].schema.fields"),
        (lambda p: p["resources"][0]["schema"]["fields"].pop(), "$.resources[0].schema.fields"),
        (lambda p: p.update({"k" * 200: 1}), f"$.{'k' * 117}... (202 characters)"),
    ],
    ids=["object-to-list", "list-to-object", "list-shorter", "long-key"],
)
def test_verify_names_where_a_resealed_manifest_differs(
    release: Path, change: Callable[[dict[str, Any]], Any], at: str
) -> None:
    """The JSON path of the first difference: down to where the kinds or lengths part, capped."""
    edit_package(release, change, resources=False)
    with pytest.raises(si.IntegrityError, match=re.escape(f", at {at}; edited after the export?)")):
        verify(release)


def test_verify_finds_a_resealed_csv_reformat(release: Path) -> None:
    """verify() refuses a CSV re-quoted and resealed although its cells are unchanged."""
    path = release / "sources.csv"
    path.write_bytes(path.read_bytes().replace(b",An author,", b',"An author",'))
    reseal(release)
    with pytest.raises(si.IntegrityError, match=r"sources\.csv: not the file this library writes"):
        verify(release)


def test_verify_names_the_first_byte_that_differs(release: Path) -> None:
    """A quote added inside a CSV row: the offset named is where the quote went in."""
    path = release / "sources.csv"
    data = path.read_bytes()
    hostile(release, {path.name: data.replace(b",An author,", b',"An author",')})
    at = data.index(b",An author,") + 1  # the first byte after the comma is now the quote
    with pytest.raises(si.IntegrityError, match=rf"sources\.csv: .*first difference at byte {at};"):
        verify(release)


def test_verify_names_the_end_of_a_file_cut_short(release: Path) -> None:
    """A file one byte short (resealed): the first difference is where it ends."""
    path = release / "claimreview.jsonld"
    data = path.read_bytes()
    hostile(release, {path.name: data[:-1]})
    at = len(data) - 1
    with pytest.raises(
        si.IntegrityError, match=rf"claimreview\.jsonld: .*difference at byte {at};"
    ):
        verify(release)


@pytest.mark.parametrize("name", release_file_names())
def test_verify_catches_any_changed_byte(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Flipping one byte anywhere in any file makes `verify` fail with one line and exit 5."""
    release = copy_release(pristine, tmp_path / "release")
    assert release_file_names() == sorted(p.name for p in release.iterdir())
    size = (release / name).stat().st_size
    for offset in (0, size // 2, size - 1):
        flip(release / name, offset)
        code, out, err = _cli_run(capsys, "verify", str(release))
        flip(release / name, offset)
        lines = err.splitlines()
        assert (1, "") == (len(lines), out), (offset, err)
        assert code in {4, 5}, (offset, err)
        assert lines[0].startswith("shanghai-innovation: error: ")
        assert "Traceback" not in err
        assert re.search(r"SHA256SUMS|checksum|not listed|missing", err), err


def test_unmodified_release_still_verifies_after_flips(pristine: Path) -> None:
    """The pristine release itself verifies (the flips above were on copies)."""
    assert NAME == verify(pristine).name


#: Each example exports to disk (fsync'd) and verifies, 0.4-0.8 s: cap the thorough profile.
ROUND_TRIP_EXAMPLES = min(settings.default.max_examples, 40)


@settings(
    max_examples=ROUND_TRIP_EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dataset=datasets())
def test_generated_datasets_round_trip(tmp_path: Path, dataset: si.Dataset) -> None:
    """For generated datasets, export then load_release gives back exactly what went in."""
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        target = Path(tmp) / "release"
        export_release(target, dataset=dataset)
        assert dataset == load_release(target)
        assert dataset.info.name == verify(target).name


# --- what verify vouches for: the rebuild ---------------------------------------------


def _retag(data: bytes, old: bytes, new: bytes) -> bytes:
    """Replace a same-length string inside a Parquet footer (its Thrift lengths stay valid)."""
    assert len(old) == len(new)
    assert 1 == data.count(old)
    return data.replace(old, new)


def _writer(data: bytes) -> bytes:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    return str(pq.read_metadata(pa.BufferReader(data)).created_by).encode()


def test_parquet_from_another_writer_is_reported_not_compared(release: Path) -> None:
    """A Parquet file whose footer names another pyarrow is listed as not compared, not intact."""
    path = release / "metrics.parquet"
    data = path.read_bytes()
    writer = _writer(data)
    other = writer[:-1] + (b"8" if writer[-1:] != b"8" else b"7")
    hostile(release, {path.name: _retag(data, writer, other)})
    report = verify(release)
    assert (False, ("metrics.parquet",)) == (
        report.complete,
        tuple(name for name, _ in report.not_compared),
    )
    assert other.decode() in report.not_compared[0][1]
    files = len(release_file_names())
    assert str(report).startswith(f"{release}: NOT fully verified: 1 of {files} files")
    assert "intact" not in str(report)


def _rewritten_by_this_pyarrow(data: bytes) -> bytes:
    """The table written again by the same pyarrow with other options: same records, other bytes."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    out = pa.BufferOutputStream()
    table = pq.read_table(pa.BufferReader(data))
    pq.write_table(table, out, compression="snappy", use_dictionary=False)
    rewritten = bytes(out.getvalue())
    assert rewritten != data
    assert _writer(rewritten) == _writer(data)
    return rewritten


@pytest.mark.parametrize("foreign", [False, True], ids=["alone", "beside-a-foreign-file"])
def test_parquet_rewritten_by_the_same_writer_is_compared_byte_for_byte(
    release: Path, foreign: bool
) -> None:
    """Same writer, same records, other bytes: not the file this library writes, named as such.

    Beside it, a file from another writer (listed later by name, earlier by
    table) is still set aside as not comparable, so the error names this one.
    """
    files = {
        "errata.parquet": _rewritten_by_this_pyarrow((release / "errata.parquet").read_bytes())
    }
    if foreign:
        data = (release / "metrics.parquet").read_bytes()
        writer = _writer(data)
        other = writer[:-1] + (b"8" if writer[-1:] != b"8" else b"7")
        files["metrics.parquet"] = _retag(data, writer, other)
    hostile(release, files)
    with pytest.raises(si.IntegrityError, match=r"/errata\.parquet: not the file this library"):
        verify(release)


def test_parquet_whose_writer_name_is_not_utf8_is_one_error(release: Path) -> None:
    """A footer naming its writer in bytes that are not UTF-8 is a ReleaseError, not a traceback."""
    path = release / "metrics.parquet"
    data = path.read_bytes()
    writer = _writer(data)
    hostile(release, {path.name: _retag(data, writer, writer[:-1] + b"\xfc")})
    with pytest.raises(si.ReleaseError, match=r"metrics\.parquet: the writer its footer names"):
        verify(release)


def test_parquet_from_another_writer_must_carry_our_metadata(release: Path) -> None:
    """Another writer's Parquet file whose key-value metadata differs is refused, not reported."""
    path = release / "metrics.parquet"
    data = path.read_bytes()
    writer = _writer(data)
    other = writer[:-1] + (b"8" if writer[-1:] != b"8" else b"7")
    data = _retag(_retag(data, writer, other), b"Test data, no article.", b"Test data, an article.")
    hostile(release, {path.name: data})
    where = r"metrics\.parquet: its schema or metadata differs"
    with pytest.raises(si.IntegrityError, match=where):
        verify(release)


def test_parquet_from_another_writer_must_carry_our_column_descriptions(release: Path) -> None:
    """Another writer's Parquet file whose column description differs is refused, not reported."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    path = release / "metrics.parquet"
    table = pq.read_table(path)
    field = table.schema.field("id")
    edited = field.with_metadata({**field.metadata, b"description": b"Another description."})
    table = table.cast(table.schema.set(table.schema.get_field_index("id"), edited))
    out = pa.BufferOutputStream()
    pq.write_table(table, out, compression="snappy", use_dictionary=False)
    data = bytes(out.getvalue())
    writer = _writer(data)
    data = _retag(data, writer, writer[:-1] + (b"8" if writer[-1:] != b"8" else b"7"))
    hostile(release, {path.name: data})
    with pytest.raises(
        si.IntegrityError, match=r"metrics\.parquet: its schema or metadata differs"
    ):
        verify(release)


def test_verify_rebuilds_files_it_does_not_know_by_name(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file every release of this version holds is compared without verify naming it."""
    from shanghai_innovation._release import export as _export  # noqa: PLC0415

    real = _export.release_files

    def with_extra(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        files = real(*args, **kwargs)
        return {"extra.txt": b"written by this version\n", **files}

    monkeypatch.setattr(_export, "release_files", with_extra)
    with pytest.raises(si.IntegrityError, match=r"extra\.txt: missing; this library writes it"):
        verify(release)
    hostile(release, {"extra.txt": b"something else\n"})
    with pytest.raises(si.IntegrityError, match=r"extra\.txt: present but not a resource"):
        verify(release)


# --- the verify report as printed ---------------------------------------------------------


def _report(*not_compared: tuple[str, str], files: int = 5) -> VerifyReport:
    return VerifyReport(
        source="rel",
        name="test",
        version="1.0.0",
        schema_version="1.1.0",
        files=files,
        tables=13,
        records=9,
        fingerprint="sha256:abc",
        formats=("parquet", "csv", "json"),
        not_compared=not_compared,
    )


DECODED = (
    "Dataset test 1.0.0, export schema 1.1.0; 5 files match SHA256SUMS and datapackage.json; "
    "9 records in 13 tables decode identically from Parquet, CSV, JSON; content fingerprint "
    "sha256:abc recomputed and matching."
)


def test_an_intact_report_says_so_in_one_paragraph() -> None:
    """Intact: what was decoded, then that every file is byte for byte the library's."""
    expected = (
        f"rel: intact. {DECODED} Every file is byte for byte what this library writes "
        "for these records."
    )
    assert (True, expected) == (_report().complete, str(_report()))


def test_a_report_groups_the_files_not_compared_by_reason() -> None:
    """Files left out are listed by reason, in order, each reason once."""
    report = _report(("a.parquet", "writer x"), ("c.csv", "other"), ("b.parquet", "writer x"))
    expected = (
        "rel: NOT fully verified: 3 of 5 files could not be compared byte for byte: "
        f"a.parquet, b.parquet (writer x); c.csv (other). {DECODED}"
    )
    assert (False, expected) == (report.complete, str(report))


def test_a_report_shortens_a_file_name_over_80_characters() -> None:
    """A name of 80 characters is shown whole; one of 81 keeps its ends and says its length."""
    whole, long = "n" * 76 + ".csv", "n" * 77 + ".csv"
    assert f": {whole} (why). " in str(_report((whole, "why")))
    shortened = "nnnnnnnnnn [... 81 characters in all ...] nnnnnn.csv"
    assert f": {shortened} (why). " in str(_report((long, "why")))


def test_a_report_of_many_files_stays_under_four_thousand_characters() -> None:
    """Hundreds of files not compared: the report keeps its two ends, 4,000 characters at most."""
    names = tuple((f"file-{i:04}.parquet", "writer x") for i in range(400))
    text = str(_report(*names, files=400))
    assert text.startswith("rel: NOT fully verified: 400 of 400 files")
    assert text.endswith("recomputed and matching.")
    assert 3_900 <= len(text) <= 4_000
