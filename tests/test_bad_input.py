"""Bad releases, zips and downloads: each gives the library's own error, one line, an exit code.

Every case of issue 7 that concerns releases is here. Each asserts the error
class (a subclass of the root error and of the matching builtin), a one-line
message naming what, where and why, and through the command line a
documented exit code, one stderr line and no traceback.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli, _limits
from shanghai_innovation._formats.csv import read_csv
from shanghai_innovation._formats.json import content_fingerprint
from shanghai_innovation._release import archive as _archive
from shanghai_innovation._release import fetch as _fetch
from shanghai_innovation._release import reader
from shanghai_innovation._release.reader import load_release
from shanghai_innovation._schema import SCHEMA_VERSION, table_spec

from ._releases import (
    FINGERPRINT_KEY,
    NAME,
    SCHEMA_KEY,
    Server,
    closed_port_url,
    copy_release,
    csv_only,
    edit_json,
    edit_package,
    export,
    fingerprint_of,
    flip,
    hostile,
    json_only,
    parquet_with_rows,
    release_file_names,
    reseal,
    running_server,
    small_dataset,
    zip_folder,
    zip_with_members,
)

#: Exit codes documented in _cli's table.
RELEASE, INTEGRITY, UNSAFE, DOWNLOAD = 4, 5, 6, 7


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


@pytest.fixture
def quick_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink the default timeout (0.5 s, so a 2 s deadline) and size cap (100 kB)."""
    monkeypatch.setattr(_fetch, "DEFAULT_TIMEOUT", 0.5)
    monkeypatch.setattr(_limits, "DEFAULT_MAX_BYTES", 100_000)


def check_error(
    exc_info: pytest.ExceptionInfo[Exception],
    cls: type[si.ShanghaiInnovationError],
    builtin: type[Exception],
    *parts: str,
) -> str:
    """The error is the library's class and the builtin, one line naming every part."""
    exc = exc_info.value
    assert cls is type(exc)
    assert isinstance(exc, si.ShanghaiInnovationError)
    assert isinstance(exc, builtin)
    message = str(exc)
    assert 1 == len(message.splitlines()), message
    for part in parts:
        assert part in message, (part, message)
    return message


def check_cli(
    capsys: pytest.CaptureFixture[str], source: str | Path, code: int, *parts: str
) -> None:
    """`verify SOURCE` exits with code, printing one stderr line and no traceback."""
    actual = _cli.main(["verify", str(source)])
    out, err = capsys.readouterr()
    assert (code, "") == (actual, out), err
    lines = err.splitlines()
    assert 1 == len(lines), err
    assert lines[0].startswith("shanghai-innovation: error: ")
    assert "Traceback" not in err
    for part in parts:
        assert part in err, (part, err)


def _load_fails(source: str | Path, **kwargs: Any) -> pytest.ExceptionInfo[Exception]:
    with pytest.raises(si.ShanghaiInnovationError) as exc_info:
        load_release(source, **kwargs)
    return exc_info


# --- damaged files inside a release ----------------------------------------------------


def test_truncated_parquet(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated Parquet file (checksums updated to match) is not a readable Parquet file."""
    path = release / "metrics.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    reseal(release)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "metrics.parquet", "Parquet")
    check_cli(capsys, release, RELEASE, "metrics.parquet")


def test_random_bytes_named_parquet(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Random bytes named .parquet (checksums updated) are refused as not Parquet."""
    (release / "events.parquet").write_bytes(os.urandom(3000))
    reseal(release)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "events.parquet", "Parquet")
    check_cli(capsys, release, RELEASE, "events.parquet")


def test_missing_datapackage(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without datapackage.json is not a release."""
    (release / "datapackage.json").unlink()
    check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json")
    check_cli(capsys, release, RELEASE, "datapackage.json", "not a release")


def test_malformed_datapackage(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A datapackage.json that is not JSON (checksums updated) is named as such."""
    (release / "datapackage.json").write_text('{"name": "x",', encoding="utf-8")
    reseal(release)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json", "JSON")
    check_cli(capsys, release, RELEASE, "datapackage.json", "not valid JSON")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda p: p.pop("resources"), "'resources'"),
        (lambda p: p["resources"][0].update(hash="md5:00"), "'hash'"),
        (lambda p: p["resources"][0].update(path="../outside"), "'..'"),
        (lambda p: p.pop("version"), "'version'"),
        (lambda p: p.update(version="one"), "version"),
    ],
    ids=["no-resources", "no-hash", "path-outside", "no-version", "bad-version"],
)
def test_datapackage_missing_what_it_needs(
    release: Path, change: Callable[[dict[str, Any]], Any], why: str
) -> None:
    """A datapackage.json lacking a needed key or holding a bad value is refused, naming it."""
    edit_package(release, change, resources=False)
    exc_info = _load_fails(release)
    assert isinstance(exc_info.value, si.ReleaseError)
    check_error(exc_info, type(exc_info.value), ValueError, "datapackage.json", why)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p.update(resources=[]),
            "datapackage.json: 'resources' missing, empty or not a list",
        ),
        (
            lambda p: p.update(resources={"path": "sources.csv"}),
            "datapackage.json: 'resources' missing, empty or not a list",
        ),
        (lambda p: p["resources"].insert(0, "sources.csv"), "resources[0]: not an object"),
        (lambda p: p["resources"][0].update(path=5), "resources[0]: 'path' missing or not text"),
        (lambda p: p["resources"][0].update(bytes="12"), "'bytes' missing or not a whole number"),
        (lambda p: p["resources"][0].update(bytes=True), "'bytes' missing or not a whole number"),
        (lambda p: p["resources"][0].update(bytes=12.0), "'bytes' missing or not a whole number"),
    ],
    ids=[
        "empty",
        "an-object",
        "a-text-item",
        "path-number",
        "bytes-text",
        "bytes-bool",
        "bytes-float",
    ],
)
def test_resources_must_be_a_list_of_objects(
    release: Path, change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    """Resources that are not a list of objects, or a path or size of the wrong type: one error."""
    edit_package(release, change, resources=False)
    check_error(_load_fails(release), si.ReleaseError, ValueError, message)


@pytest.mark.parametrize("document", [b"[]\n", b"[{}]\n", b'"datapackage"\n', b"null\n"])
def test_a_manifest_that_is_not_an_object_is_refused(release: Path, document: bytes) -> None:
    """Valid JSON, resealed, but not an object: refused as such, not a crash further on."""
    hostile(release, {"datapackage.json": document})
    check_error(
        _load_fails(release), si.ReleaseError, ValueError, "datapackage.json: not a JSON object"
    )


@pytest.mark.parametrize("name", ["SHA256SUMS", "datapackage.json"])
def test_a_folder_without_its_checksums_or_manifest_is_not_a_release(
    release: Path, name: str
) -> None:
    """Either file missing: the folder is not a release, said in one line naming the file."""
    (release / name).unlink()
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, f"no {name}")
    assert message.endswith(f"/release: no {name}; not a release"), message


def test_checksum_mismatch(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A changed byte is a checksum mismatch naming the file."""
    flip(release / "rankings.parquet", 200)
    check_error(_load_fails(release), si.IntegrityError, ValueError, "rankings.parquet", "checksum")
    check_cli(capsys, release, INTEGRITY, "rankings.parquet", "checksum mismatch")


def test_hash_in_datapackage_differs(release: Path) -> None:
    """A resource hash in datapackage.json that differs from the file is an IntegrityError."""

    def change(package: dict[str, Any]) -> None:
        package["resources"][0]["hash"] = "sha256:" + "0" * 64

    edit_package(release, change, resources=False)
    first = "sources.parquet"
    check_error(_load_fails(release), si.IntegrityError, ValueError, first, "hash differs")


def test_size_in_datapackage_differs(release: Path) -> None:
    """A resource size in datapackage.json that differs from the file is an IntegrityError."""

    def change(package: dict[str, Any]) -> None:
        package["resources"][1]["bytes"] += 1

    edit_package(release, change, resources=False)
    check_error(_load_fails(release), si.IntegrityError, ValueError, "sources.csv", "bytes")


def test_file_listed_but_missing(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file listed in SHA256SUMS but absent is named."""
    (release / "quotes.csv").unlink()
    check_error(_load_fails(release), si.IntegrityError, ValueError, "quotes.csv", "missing")
    check_cli(capsys, release, INTEGRITY, "quotes.csv", "listed in SHA256SUMS but missing")


def test_resource_listed_but_missing(release: Path) -> None:
    """A resource of datapackage.json whose file is gone (SHA256SUMS resealed) is named."""
    (release / "quotes.csv").unlink()
    reseal(release)
    check_error(_load_fails(release), si.IntegrityError, ValueError, "quotes.csv", "missing")


def test_file_present_but_not_listed(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that SHA256SUMS does not list is named."""
    (release / "notes.txt").write_text("hello", encoding="utf-8")
    check_error(_load_fails(release), si.IntegrityError, ValueError, "notes.txt", "not listed")
    check_cli(capsys, release, INTEGRITY, "notes.txt", "not listed")


def test_file_present_but_not_a_resource(release: Path) -> None:
    """A file in SHA256SUMS but not in datapackage.json is named."""
    (release / "notes.txt").write_text("hello", encoding="utf-8")
    reseal(release)
    check_error(_load_fails(release), si.IntegrityError, ValueError, "notes.txt", "not a resource")


def test_malformed_checksum_file(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A SHA256SUMS line that is not '<hex>  <name>' is named by its line number."""
    path = release / "SHA256SUMS"
    path.write_bytes(path.read_bytes().replace(b"  ", b"\t", 1))
    check_error(_load_fails(release), si.ReleaseError, ValueError, "SHA256SUMS", "line 1")
    check_cli(capsys, release, RELEASE, "SHA256SUMS", "line 1")


def test_fingerprint_mismatch(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A fingerprint in datapackage.json that the records do not give is an IntegrityError."""
    edit_package(release, lambda p: p.update({"shanghai_innovation:fingerprint": "sha256:00"}))
    check_error(_load_fails(release), si.IntegrityError, ValueError, "fingerprint")
    check_cli(capsys, release, INTEGRITY, "fingerprint")


# --- CSV -------------------------------------------------------------------------------


def _csv_case(release: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    path = release / "metrics.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    path.write_bytes("\r\n".join(edit(lines)).encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda ls: [ls[0] + ",extra", *(ln + ",x" if ln else ln for ln in ls[1:])], "'extra'"),
        (lambda ls: [",".join(ln.split(",")[:-1]) if ln else ln for ln in ls], "missing column"),
        (lambda ls: [ls[0], ls[1].replace(",count,", ",apples,", 1), *ls[2:]], "apples"),
    ],
    ids=["extra-column", "missing-column", "bad-cell"],
)
def test_bad_csv(
    release: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[list[str]], list[str]],
    why: str,
) -> None:
    """A CSV with an extra or a missing column or a bad cell is refused, naming file and why."""
    path = _csv_case(release, edit)
    with pytest.raises(si.ShanghaiInnovationError) as exc_info:
        read_csv(table_spec("metrics"), path, "metrics.csv")
    check_error(exc_info, si.ReleaseError, ValueError, "metrics.csv", why)
    # Through the command line: a CSV-only release, resealed, fails on the same line.
    for other in release.glob("*.parquet"):
        other.unlink()
    (release / f"{NAME}.json").unlink()
    edit_package(
        release,
        lambda p: p.update(
            resources=[r for r in p["resources"] if r["format"] in ("csv", "jsonld")]
        ),
    )
    check_cli(capsys, release, RELEASE, "metrics.csv", why)


def test_csv_not_utf8(release: Path) -> None:
    """A CSV that is not UTF-8 is refused, naming the byte."""
    path = release / "metrics.csv"
    path.write_bytes(path.read_bytes().replace(b"Firms", b"F\xffrms"))
    with pytest.raises(si.ShanghaiInnovationError) as exc_info:
        read_csv(table_spec("metrics"), path, "metrics.csv")
    check_error(exc_info, si.ReleaseError, ValueError, "metrics.csv", "not UTF-8")


def test_datapackage_not_utf8(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A datapackage.json that is not UTF-8 (checksums updated) is refused, naming the file."""
    path = release / "datapackage.json"
    path.write_bytes(path.read_bytes().replace(b'"name"', b'"n\xe9me"', 1))
    reseal(release)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json", "UTF-8")
    check_cli(capsys, release, RELEASE, "datapackage.json", "not UTF-8")


def test_checksums_not_utf8(release: Path) -> None:
    """A SHA256SUMS that is not UTF-8 is refused, naming the file."""
    path = release / "SHA256SUMS"
    path.write_bytes(path.read_bytes() + b"\xff\xfe\n")
    check_error(_load_fails(release), si.ReleaseError, ValueError, "SHA256SUMS", "UTF-8")


@pytest.mark.parametrize("name", ["SHA256SUMS", "metrics.csv", "datapackage.json"])
def test_unreadable_file_is_named(
    release: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """A file that cannot be read is named in the message, not just its release folder."""
    open_file = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == name:
            raise PermissionError(13, "Permission denied")
        return open_file(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(si.ShanghaiInnovationError) as exc_info:
        si.verify(release)
    check_error(exc_info, si.ReleaseError, ValueError, f"release/{name}", "Permission denied")


# --- versions --------------------------------------------------------------------------


def test_schema_version_from_the_future(release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A release written with schema 2.x is refused, saying which version this library reads."""
    edit_package(release, lambda p: p.update({"shanghai_innovation:schema_version": "2.0.0"}))
    message = check_error(
        _load_fails(release), si.ReleaseError, ValueError, "2.0.0", f"({SCHEMA_VERSION})"
    )
    assert "newer" in message
    check_cli(capsys, release, RELEASE, "schema version 2.0.0 is newer")


@pytest.mark.parametrize("version", ["\u00b2.0.0", "1.\u00b9.0", "1.0.\u2460", "9" * 5000 + ".0.0"])
def test_schema_version_with_digit_like_characters(
    release: Path, capsys: pytest.CaptureFixture[str], version: str
) -> None:
    """A schema version int() cannot read (digit-like characters, 5000 digits) is refused."""
    edit_package(release, lambda p: p.update({"shanghai_innovation:schema_version": version}))
    check_error(
        _load_fails(release), si.ReleaseError, ValueError, "datapackage.json", "MAJOR.MINOR.PATCH"
    )
    check_cli(capsys, release, RELEASE, "not MAJOR.MINOR.PATCH")


# --- zips ------------------------------------------------------------------------------


def _zip_with(tmp_path: Path, release: Path, extra: Callable[[zipfile.ZipFile], None]) -> Path:
    target = zip_folder(release, tmp_path / "evil.zip")
    with zipfile.ZipFile(target, "a") as archive:
        extra(archive)
    return target


@pytest.mark.parametrize(
    ("member", "why"),
    [
        ("../escape.txt", "'..'"),
        ("docs/../../escape.txt", "'..'"),
        ("/etc/escape.txt", "absolute path"),
        ("C:/escape.txt", "drive letter"),
        ("docs\\escape.txt", "backslash"),
        ("bell\x07.txt", "U+0007"),
        ("METRICS.CSV", "duplicate"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "drive", "backslash", "control", "case-twin"],
)
def test_zip_with_unsafe_path(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str, why: str
) -> None:
    """A zip member that would land outside the folder is refused before anything is written."""
    archive = _zip_with(tmp_path, release, lambda z: z.writestr(member, b"boo"))
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "evil.zip", why)
    check_cli(capsys, archive, UNSAFE, why)
    assert not (tmp_path / "escape.txt").exists()


def test_zip_with_symlink(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A zip member that is a symbolic link is refused."""

    def add_link(archive: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("link")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")

    archive = _zip_with(tmp_path, release, add_link)
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "'link'", "link")
    check_cli(capsys, archive, UNSAFE, "symbolic link")


def test_zip_with_duplicate_member(release: Path, tmp_path: Path) -> None:
    """A zip holding the same name twice is refused (which copy would count?)."""
    archive = zip_folder(release, tmp_path / "evil.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(archive, "a") as z:
        z.writestr("metrics.csv", b"other")
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "duplicate")


def test_folder_with_an_unreadable_subfolder(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder that cannot be listed is an error, not silently left out of the inventory."""
    (release / "extra").mkdir()
    (release / "extra" / "notes.txt").write_text("not listed anywhere")
    scandir = os.scandir

    def refuse(path: Any = ".") -> Any:
        if Path(path).name == "extra":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "cannot list", "Permission")


def test_folder_with_symlink(release: Path, tmp_path: Path) -> None:
    """A release folder holding a symbolic link is refused."""
    (release / "link").symlink_to(tmp_path)
    check_error(_load_fails(release), si.UnsafeArchiveError, ValueError, "link", "symbolic link")


def test_zip_bomb_ratio(release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A member that compresses suspiciously well (a zip bomb) is refused from its header."""
    archive = _zip_with(
        tmp_path,
        release,
        lambda z: z.writestr("zeros.bin", b"\0" * (4 << 20), zipfile.ZIP_DEFLATED),
    )
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "zeros.bin", "ratio")
    check_cli(capsys, archive, UNSAFE, "zip bomb")


def test_zip_over_the_size_cap(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], quick_network: None
) -> None:
    """A zip that unpacks to more than the cap is refused (cap lowered to 100 kB here)."""
    archive = zip_folder(release, tmp_path / "big.zip")
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "100000 bytes")
    check_cli(capsys, archive, UNSAFE, "cap")


def _lie_about_size(archive: Path, name: str, size: int) -> None:
    """Rewrite the declared uncompressed size of one member in both of its headers."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        local = z.getinfo(name).header_offset
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == name.encode():
            data[central + 24 : central + 28] = size.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    archive.write_bytes(bytes(data))


def test_zip_whose_header_understates_size(release: Path, tmp_path: Path) -> None:
    """A member holding more bytes than its header declares is refused while unpacking."""
    archive = zip_folder(release, tmp_path / "liar.zip")
    _lie_about_size(archive, "datapackage.json", 1000)
    check_error(_load_fails(archive), si.ReleaseError, ValueError, "liar.zip")


def test_not_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not a zip is refused as such."""
    path = tmp_path / "release.zip"
    path.write_bytes(b"hello, not a zip")
    check_error(_load_fails(path), si.ReleaseError, ValueError, "release.zip", "not a readable zip")
    check_cli(capsys, path, RELEASE, "not a readable zip")


def test_missing_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named."""
    check_error(_load_fails(tmp_path / "nowhere"), si.ReleaseError, ValueError, "no such file")
    check_cli(capsys, tmp_path / "nowhere", RELEASE, "no such file")


# --- downloads -------------------------------------------------------------------------


def test_closed_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A URL where nothing listens fails as a download error."""
    url = closed_port_url()
    exc_info = _load_fails(url, cache_dir=tmp_path)
    check_error(exc_info, si.DownloadError, OSError, url, "refused")
    check_cli(capsys, url, DOWNLOAD, "connection refused")


def test_stalling_server(
    server: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    quick_network: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server that accepts and then sends nothing times out (0.5 s here)."""
    monkeypatch.setenv("SHANGHAI_INNOVATION_CACHE", str(tmp_path / "cache"))
    url = server.stall("/slow.zip")
    started = time.monotonic()
    check_error(_load_fails(url), si.DownloadError, OSError, url, "timed out")
    assert time.monotonic() - started < 5
    check_cli(capsys, url, DOWNLOAD, "timed out")
    assert [] == list((tmp_path / "cache").iterdir())


def test_trickling_server(
    server: Server, release: Path, tmp_path: Path, quick_network: None
) -> None:
    """A server sending a byte at a time never trips the socket timeout but hits the deadline."""
    body = zip_folder(release, tmp_path / "r.zip").read_bytes()
    url = server.trickle("/trickle.zip", body, every=0.1)
    started = time.monotonic()
    check_error(_load_fails(url, cache_dir=tmp_path / "c"), si.DownloadError, OSError, "took over")
    assert time.monotonic() - started < 5


def test_server_trickling_its_headers(server: Server, tmp_path: Path) -> None:
    """Headers sent a byte at a time also hit the overall deadline (4 x 0.5 s here)."""
    url = server.slow_headers("/slow-head.zip", every=0.1)
    started = time.monotonic()
    exc_info = _load_fails(url, cache_dir=str(tmp_path / "cache"), timeout=0.5)
    check_error(exc_info, si.DownloadError, OSError, url, "timed out")
    assert time.monotonic() - started < 5


def test_oversized_download_by_header(
    server: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    quick_network: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Content-Length over the cap is refused before the body is read."""
    monkeypatch.setenv("SHANGHAI_INNOVATION_CACHE", str(tmp_path / "cache"))
    url = server.serve("/big.zip", b"x" * 200_000)
    check_error(_load_fails(url), si.DownloadError, OSError, "Content-Length 200000", "cap")
    check_cli(capsys, url, DOWNLOAD, "over the cap")


def test_oversized_download_without_header(
    server: Server, tmp_path: Path, quick_network: None
) -> None:
    """A body without Content-Length is counted while reading and cut off at the cap."""
    url = server.endless("/endless.zip")
    exc_info = _load_fails(url, cache_dir=tmp_path / "cache")
    check_error(exc_info, si.DownloadError, OSError, "more than the cap of 100000 bytes")


def test_understated_content_length(server: Server, tmp_path: Path, quick_network: None) -> None:
    """A server that sends more than its Content-Length says still cannot pass the cap."""
    url = server.serve("/liar.zip", b"x" * 200_000, headers={"Content-Length": "10"})
    exc_info = _load_fails(url, cache_dir=tmp_path / "cache")
    assert isinstance(exc_info.value, si.ReleaseError | si.DownloadError)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/release.zip"])
def test_redirect_to_another_scheme(
    server: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    location: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A redirect to a scheme other than http(s) is refused."""
    monkeypatch.setenv("SHANGHAI_INNOVATION_CACHE", str(tmp_path / "cache"))
    url = server.redirect("/moved.zip", location)
    check_error(_load_fails(url), si.DownloadError, OSError, location, "redirect")
    check_cli(capsys, url, DOWNLOAD, "only http and https redirects")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/r.zip", "gopher://x/r.zip", "data://,abc"])
def test_other_scheme_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A source URL with a scheme other than http, https or file is refused."""
    check_error(_load_fails(url), si.DownloadError, OSError, url, "not allowed")
    check_cli(capsys, url, DOWNLOAD, "not allowed")


def test_file_url_that_does_not_parse(capsys: pytest.CaptureFixture[str]) -> None:
    """A file URL urllib cannot split is refused like a bad http URL, not a traceback."""
    url = "file://[abc/release.zip"
    check_error(_load_fails(url), si.DownloadError, OSError, url, "not a valid URL")
    check_cli(capsys, url, DOWNLOAD, "not a valid URL")


@pytest.mark.parametrize("url", ["file://", "file://localhost"])
def test_file_url_without_a_path(release: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """A file URL naming no file is refused, not read as the current folder."""
    monkeypatch.chdir(release)
    check_error(_load_fails(url), si.DownloadError, OSError, url, "names no file")


@pytest.mark.parametrize("source", ["file:///tmp/rel%00ease.zip", "rel\x00ease.zip"])
def test_path_holding_a_null_character(source: str) -> None:
    """A path (or file URL) with a NUL in it is named as such, not a ValueError traceback."""
    check_error(_load_fails(source), si.ReleaseError, ValueError, "rel", "null character")


def test_http_error_status(server: Server, tmp_path: Path) -> None:
    """A 404 is a download error naming the status."""
    check_error(
        _load_fails(server.url("/nothing.zip"), cache_dir=tmp_path),
        si.DownloadError,
        OSError,
        "HTTP 404",
    )


def _descriptors_connected_to(port: int) -> list[str]:
    """This process's open descriptors on a TCP connection to ``port`` (read from /proc).

    Only the client's side: the server, in a thread of this process, holds
    sockets whose own port is ``port``, and closes them in its own time.
    """
    inodes: set[str] = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if table.is_file():
            for row in table.read_text(encoding="ascii").splitlines()[1:]:
                fields = row.split()
                if int(fields[2].rpartition(":")[2], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if os.readlink(fd) in inodes:
                found.append(fd.name)
        except FileNotFoundError:  # the descriptor listing itself, closed since
            continue
    return found


@pytest.mark.parametrize("kind", ["404", "redirect"])
def test_failed_download_leaves_no_socket_open(server: Server, kind: str) -> None:
    """The DownloadError raised for an HTTP error or a refused redirect holds no open socket."""
    if not Path("/proc/net/tcp").is_file():
        pytest.skip("needs /proc/net/tcp")
    if kind == "404":
        url = server.url("/nothing.zip")
    else:
        url = server.redirect("/moved.zip", "ftp://127.0.0.1/release.zip")
    port = server.server_address[1]
    with pytest.raises(si.DownloadError) as exc_info:
        _fetch.download(url, io.BytesIO(), max_bytes=1000, timeout=5)
    # The error (and the urllib error it was raised from) is still alive here.
    assert [] == _descriptors_connected_to(port), exc_info.value


# --- end to end ------------------------------------------------------------------------


def test_no_traceback_from_the_real_command(release: Path) -> None:
    """`python -m shanghai_innovation verify` on a damaged release: exit 5, one line only."""
    flip(release / "metrics.csv", 5)
    done = subprocess.run(
        [sys.executable, "-m", "shanghai_innovation", "verify", str(release)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (INTEGRITY, "") == (done.returncode, done.stdout)
    assert 1 == len(done.stderr.splitlines()), done.stderr
    assert "Traceback" not in done.stderr


# --- hostile releases: the attacker writes every byte, checksums included -------------


def _pristine_bytes(pristine: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in pristine.iterdir()}


def test_parquet_with_too_many_rows_is_refused_before_decoding(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resealed Parquet file holding more rows than the cap is refused from its metadata."""
    monkeypatch.setattr(_limits, "MAX_ROWS", 50)
    hostile(release, {"sources.parquet": parquet_with_rows(release / "sources.parquet", 51)})
    check_error(_load_fails(release), si.ReleaseError, ValueError, "sources.parquet", "51 rows")


def test_zip_central_directory_over_the_member_cap_is_refused_unread(tmp_path: Path) -> None:
    """A zip listing more members than the cap is refused from its end record, unparsed."""
    archive = tmp_path / "many.zip"
    archive.write_bytes(zip_with_members(_limits.MAX_MEMBERS + 1))
    exc_info = _load_fails(archive)
    check_error(exc_info, si.UnsafeArchiveError, ValueError, "many.zip", "members")


def test_zip_whose_end_record_understates_its_members_is_refused(tmp_path: Path) -> None:
    """The central directory's size, not the count it claims, bounds what is read."""
    archive = tmp_path / "liar.zip"
    archive.write_bytes(zip_with_members(30_000, claimed=1))
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "central directory")


def test_local_zip_over_the_size_cap_is_refused_unopened(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local zip file larger than max_bytes is refused by its size, as a download would be."""
    archive = zip_folder(release, tmp_path / "r.zip")
    size = archive.stat().st_size
    exc_info = _load_fails(archive, max_bytes=size - 1)
    check_error(exc_info, si.UnsafeArchiveError, ValueError, "r.zip", f"{size} bytes")


@pytest.mark.parametrize(
    ("name", "only"),
    [
        (f"{NAME}.json", json_only),
        ("metrics.csv", csv_only),
        ("datapackage.json", json_only),
        ("SHA256SUMS", json_only),
    ],
)
def test_file_over_the_per_file_cap_is_refused_before_parsing(
    release: Path, monkeypatch: pytest.MonkeyPatch, name: str, only: Callable[[Path], Path]
) -> None:
    """Any one file larger than the per-file cap is refused before it is read whole."""
    only(release)
    cap = max(p.stat().st_size for p in release.iterdir()) + 100
    monkeypatch.setattr(_limits, "MAX_FILE_BYTES", cap)
    padding = " " * cap
    path = release / name
    if name == "datapackage.json":
        hostile(release, package_text=lambda text: text + padding)
    else:
        path.write_bytes(path.read_bytes() + padding.encode())
        if name != "SHA256SUMS":
            hostile(release)
    exc_info = _load_fails(release)
    check_error(exc_info, si.ReleaseError, ValueError, name, f"cap of {cap} bytes")


def test_json_with_more_values_than_the_cap_is_refused_before_parsing(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON document holding more values than the cap is refused before json.loads runs."""
    monkeypatch.setattr(_limits, "MAX_VALUES", 1000)
    json_only(release)
    hostile(release, {f"{NAME}.json": b"[" + b"{}," * 2000 + b"{}]"})
    check_error(
        _load_fails(release), si.ReleaseError, ValueError, f"{NAME}.json", "cap of 1000 values"
    )


def test_csv_with_more_rows_than_the_cap_is_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV table longer than the row cap is refused at the first row beyond it."""
    monkeypatch.setattr(_limits, "MAX_ROWS", 2)
    csv_only(release)
    path = release / "metrics.csv"
    header, first, *_ = path.read_bytes().split(b"\r\n")
    hostile(release, {"metrics.csv": b"\r\n".join([header, first, first, first, b""])})
    check_error(_load_fails(release), si.ReleaseError, ValueError, "metrics.csv", "row 3")


def test_a_huge_value_gives_a_short_one_line_message(release: Path) -> None:
    """A 2 MB hostile value is quoted in a message of at most MAX_MESSAGE characters."""
    hostile(release, package=lambda p: p.update(version="9" * 2_000_000 + "\n\x1b[2J"))
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json")
    assert len(message) <= _limits.MAX_MESSAGE, len(message)
    assert "\x1b" not in message


def test_verify_of_another_schema_version_says_what_was_not_compared(release: Path) -> None:
    """A release of another minor schema version decodes; verify never calls it plainly intact."""
    document = edit_json(release / f"{NAME}.json", lambda d: d.update(schema_version="1.999.0"))
    hostile(
        release,
        {f"{NAME}.json": document.encode()},
        package=lambda p: p.update({SCHEMA_KEY: "1.999.0"}),
    )
    with pytest.raises(si.IntegrityError, match="fingerprint"):
        si.verify(release)  # the fingerprint covers the schema version
    hostile(release, package=lambda p: p.update({FINGERPRINT_KEY: fingerprint_of(p)}))
    report = si.verify(release)
    assert (False, len(release_file_names())) == (report.complete, len(report.not_compared))
    assert "intact." not in str(report)
    assert "1.999.0" in str(report)
    assert report.fingerprint != content_fingerprint(small_dataset())


def test_swapped_licence_changes_the_fingerprint_and_fails_verify(
    release: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A licence swapped in datapackage.json is caught: the fingerprint covers the licence."""

    def swap(package: dict[str, Any]) -> None:
        package["licenses"] = [{"name": "LicenseRef-Proprietary", "path": "https://evil.example/"}]

    hostile(release, package=swap)
    check_error(_load_fails(release), si.IntegrityError, ValueError, "fingerprint")
    check_cli(capsys, release, INTEGRITY, "license")


def test_swapped_licence_with_a_fresh_fingerprint_is_not_the_genuine_one(release: Path) -> None:
    """Resealing the fingerprint too gives another fingerprint than the genuine release's."""

    def swap(package: dict[str, Any]) -> None:
        package["licenses"][0]["name"] = "LicenseRef-Proprietary"
        package[FINGERPRINT_KEY] = fingerprint_of(package)

    hostile(release, package=swap)
    with pytest.raises(si.IntegrityError, match=r"(?i)parquet|json|differs|not the"):
        si.verify(release)


def test_extra_listed_file_is_not_intact(release: Path) -> None:
    """A file the release lists but this library never writes fails verify, checksums or not."""

    def add(package: dict[str, Any]) -> None:
        package["resources"].append(
            {"name": "notes", "path": "notes.txt", "format": "txt", "bytes": 0, "hash": ""}
        )

    hostile(release, {"notes.txt": b"hello"}, package=add)
    with pytest.raises(si.IntegrityError, match=r"notes\.txt"):
        si.verify(release)


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "licenses": [{"name": "LicenseRef-Proprietary", "path": "x"}],',
        '{\n  "shanghai_innovation:fingerprint": "sha256:00",',
    ],
    ids=["licenses", "fingerprint"],
)
def test_duplicate_keys_in_datapackage_are_refused(
    release: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """A key given twice in datapackage.json is refused: readers disagree on which counts."""
    hostile(release, package_text=lambda t: t.replace("{", text, 1))
    check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json", "twice")
    check_cli(capsys, release, RELEASE, "datapackage.json", "twice")


def test_duplicate_keys_in_the_json_document_are_refused(release: Path) -> None:
    """A key given twice in the JSON document is refused too."""
    json_only(release)
    path = release / f"{NAME}.json"
    text = path.read_text(encoding="utf-8").replace('"id": "src"', '"id": "src", "id": "src"', 1)
    hostile(release, {path.name: text.encode()})
    check_error(_load_fails(release), si.ReleaseError, ValueError, path.name, "'id' given twice")


@pytest.mark.parametrize("cell", ["\u0661\u0666\u0660\u0660\u0660.\u0660", "16_000.0", "1.6e4"])
def test_csv_number_outside_the_format_grammar_is_refused(release: Path, cell: str) -> None:
    """A number cell float() would take but the CSV format does not write is refused."""
    path = release / "metrics.csv"
    text = path.read_text(encoding="utf-8")
    assert ",16000.0," in text
    path.write_text(text.replace(",16000.0,", f",{cell},", 1), encoding="utf-8")
    with pytest.raises(si.ReleaseError) as exc_info:
        read_csv(table_spec("metrics"), path, "metrics.csv")
    check_error(exc_info, si.ReleaseError, ValueError, "metrics.csv", "row 1", "quantity_value")


def test_csv_whole_number_in_other_digits_is_refused(release: Path) -> None:
    """A whole-number cell in non-ASCII digits is refused (int() would read it)."""
    path = release / "rankings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",2020,", ",2\u0660\u0662\u0660,", 1), encoding="utf-8")
    with pytest.raises(si.ReleaseError) as exc_info:
        read_csv(table_spec("rankings"), path, "rankings.csv")
    check_error(exc_info, si.ReleaseError, ValueError, "rankings.csv", "edition")


@pytest.mark.parametrize("command", ["verify", "load", "diff"])
def test_lone_surrogate_in_the_json_document_is_refused(
    release: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A lone surrogate escape in a JSON text field is refused, never a UnicodeEncodeError."""
    json_only(release)
    path = release / f"{NAME}.json"
    text = path.read_text(encoding="utf-8").replace('"An author"', '"An \\ud800 author"', 1)
    hostile(release, {path.name: text.encode()})
    if command == "load":
        check_error(_load_fails(release), si.ReleaseError, ValueError, path.name, "surrogate")
        return
    args = ["verify", str(release)] if command == "verify" else ["diff", str(release), str(release)]
    code = _cli.main(args)
    out, err = capsys.readouterr()
    assert (RELEASE, "", 1) == (code, out, len(err.splitlines())), err
    assert "surrogate" in err


def test_lone_surrogate_in_a_csv_list_cell_is_refused(release: Path) -> None:
    """A lone surrogate escape inside a CSV list cell (JSON text) is refused too."""
    path = release / "entities.csv"
    text = path.read_text(encoding="utf-8").replace('"[""Town"",', '"[""T\\ud800"",', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(si.ReleaseError) as exc_info:
        read_csv(table_spec("entities"), path, "entities.csv")
    check_error(exc_info, si.ReleaseError, ValueError, "entities.csv", "surrogate")


def test_release_in_a_folder_whose_name_is_not_utf8(pristine: Path, tmp_path: Path) -> None:
    """A valid release under a path holding a non-UTF-8 byte verifies like any other."""
    if sys.platform != "linux":  # pragma: no cover - byte paths are a POSIX matter
        pytest.skip("needs a POSIX file system that takes any bytes in names")
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    copy_release(pristine, folder)
    assert small_dataset() == load_release(folder)
    assert si.verify(folder).complete


@pytest.mark.parametrize("where", ["csv", "json"])
def test_formula_text_in_a_release_is_refused(release: Path, where: str) -> None:
    """Text a spreadsheet would run as a formula is refused when a release is read."""
    formula = '=HYPERLINK("https://evil.example","8")'
    if where == "json":
        json_only(release)
        path = release / f"{NAME}.json"
        text = edit_json(path, lambda doc: doc["tables"]["errata"][0].update(stated=formula))
    else:
        csv_only(release)
        path = release / "errata.csv"
        cell = '"' + formula.replace('"', '""') + '"'
        text = path.read_text(encoding="utf-8").replace(",8,", f",{cell},", 1)
    hostile(release, {path.name: text.encode()})
    check_error(_load_fails(release), si.ReleaseError, ValueError, path.name, "stated", "formula")


@pytest.mark.parametrize(
    "member",
    ["c1\x85.txt", "del\x7f.txt", "line\u2028.txt", "rlo\u202etxt.exe", "zero\u200b.txt"],
    ids=["c1", "del", "line-separator", "bidi-override", "zero-width"],
)
def test_zip_member_name_with_invisible_characters_is_refused(
    release: Path, tmp_path: Path, member: str
) -> None:
    """A member name holding a control, format or separator character is refused."""
    archive = _zip_with(tmp_path, release, lambda z: z.writestr(member, b"boo"))
    message = check_error(
        _load_fails(archive), si.UnsafeArchiveError, ValueError, "evil.zip", "character"
    )
    assert member not in message


@pytest.mark.parametrize("name", ["rlo\u202etxt.csv", "c1\x85.csv"])
def test_listed_name_with_invisible_characters_is_refused(release: Path, name: str) -> None:
    """A name in SHA256SUMS or datapackage.json holding such a character is refused too."""
    hostile(release, {name: b"x"})
    check_error(_load_fails(release), si.UnsafeArchiveError, ValueError, "character")


def test_zip_members_equal_under_nfc_are_duplicates(release: Path, tmp_path: Path) -> None:
    """Two member names that are one name in NFC (composed and decomposed) are refused."""

    def add(archive: zipfile.ZipFile) -> None:
        archive.writestr("caf\u00e9.txt", b"one")
        archive.writestr("cafe\u0301.txt", b"two")

    archive = _zip_with(tmp_path, release, add)
    check_error(_load_fails(archive), si.UnsafeArchiveError, ValueError, "duplicate")


def test_zip_members_differing_only_by_sharp_s_are_not_duplicates(tmp_path: Path) -> None:
    """'straße.txt' and 'strasse.txt' are two names, not one (casefold would merge them)."""
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("stra\u00dfe.txt", b"one")
        z.writestr("strasse.txt", b"two")
    target = tmp_path / "out"
    target.mkdir()
    root = _archive.extract_zip(archive, target)
    assert ["strasse.txt", "stra\u00dfe.txt"] == sorted(p.name for p in root.iterdir())


# --- downloads, hostile servers --------------------------------------------------------


def test_reason_phrase_with_escapes_is_printed_escaped(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reason phrase holding terminal escapes and a NEL prints as one escaped line."""
    reason = "Forbidden\x1b[2J\x1b[31m\x85shanghai-innovation: error: ok"
    url = server.status("/evil.zip", 403, reason)
    code = _cli.main(["verify", url])
    out, err = capsys.readouterr()
    assert (DOWNLOAD, "", 1) == (code, out, len(err.splitlines())), err
    assert [] == [c for c in "\x1b\x85" if c in err]
    assert "\\x1b[2J" in err


def test_redirect_loop_is_one_line(server: Server, tmp_path: Path) -> None:
    """A redirect loop is one line naming the URL, not urllib's three-line message."""
    url = server.redirect("/loop.zip", "/loop.zip")
    message = check_error(
        _load_fails(url, cache_dir=tmp_path), si.DownloadError, OSError, url, "redirect"
    )
    assert "\\n" not in message


def test_https_redirect_to_http_is_refused() -> None:
    """A redirect from https to plain http (a downgrade) is refused."""
    request = urllib.request.Request("https://example.org/release.zip")
    with pytest.raises(si.DownloadError, match=r"https to http") as exc_info:
        _fetch._RedirectHandler()._check(request, "http://example.org/release.zip")
    check_error(exc_info, si.DownloadError, OSError, "http://example.org/release.zip")


def test_failure_after_a_redirect_names_the_final_url(server: Server, tmp_path: Path) -> None:
    """An error after a redirect names where the download ended up, not only the URL asked for."""
    url = server.redirect("/moved.zip", "/gone.zip")
    exc_info = _load_fails(url, cache_dir=tmp_path)
    check_error(exc_info, si.DownloadError, OSError, url, server.url("/gone.zip"), "404")


def test_body_shorter_than_its_content_length_is_a_download_error(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A body cut short of its Content-Length is a failed download (exit 7), not a bad zip."""
    url = server.short("/short.zip", b"PK" + b"x" * 998, declared=5000)
    exc_info = _load_fails(url, cache_dir=tmp_path)
    check_error(exc_info, si.DownloadError, OSError, url, "1000 of 5000 bytes")
    check_cli(capsys, url, DOWNLOAD, "1000 of 5000 bytes")


def test_content_length_that_is_not_a_number_is_a_download_error(
    server: Server, tmp_path: Path
) -> None:
    """A Content-Length of '\u00b2' is refused in the library's words, not int()'s."""
    url = server.serve("/odd.zip", b"x" * 10, headers={"Content-Length": "\u00b2"})
    message = check_error(
        _load_fails(url, cache_dir=tmp_path), si.DownloadError, OSError, url, "Content-Length"
    )
    assert "invalid literal" not in message


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({"use_dictionary": True}, "a dictionary page in a text column that is not an enum"),
        (
            {"use_dictionary": False, "column_encoding": {"note": "DELTA_BYTE_ARRAY"}},
            "column note: text in encoding 7",
        ),
        (
            {"use_dictionary": False, "column_encoding": {"note": "DELTA_LENGTH_BYTE_ARRAY"}},
            "column note: text in encoding 6",
        ),
    ],
    ids=["dictionary", "delta-byte-array", "delta-length-byte-array"],
)
def test_parquet_text_in_an_encoding_that_can_expand_is_refused_unread(
    release: Path, tmp_path: Path, options: dict[str, Any], why: str
) -> None:
    """Text columns may not use the encodings whose decoded text can dwarf their pages."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(release / "sources.parquet")
    pq.write_table(table, tmp_path / "sources.parquet", compression="zstd", **options)
    hostile(release, {"sources.parquet": (tmp_path / "sources.parquet").read_bytes()})
    check_error(
        _load_fails(release), si.ReleaseError, ValueError, "sources.parquet: refused unread", why
    )


def test_parquet_written_plainly_by_another_writer_setting_is_read(
    release: Path, tmp_path: Path
) -> None:
    """A Parquet file with the same records in other allowed settings (v2 pages, snappy) reads."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    for spec in ("sources", "metrics"):
        table = pq.read_table(release / f"{spec}.parquet")
        enums = [f.name for f in table.schema if str(f.type).startswith("dictionary")]
        pq.write_table(
            table,
            tmp_path / f"{spec}.parquet",
            compression="snappy",
            use_dictionary=enums,
            data_page_version="2.0",
            data_page_size=64,
        )
        (release / f"{spec}.parquet").write_bytes((tmp_path / f"{spec}.parquet").read_bytes())
    hostile(release)
    assert small_dataset() == load_release(release)


def test_json_number_that_overflows_a_float_is_refused(release: Path) -> None:
    """A number such as 1e999 (which json.loads turns into infinity) is refused."""
    huge = '"bytes": 1e999, "x": '
    hostile(release, package_text=lambda text: text.replace('"bytes": ', huge, 1))
    check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json", "too large")


@pytest.mark.parametrize("only", [csv_only, json_only, lambda release: release])
def test_release_over_the_record_cap_is_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch, only: Callable[[Path], Path]
) -> None:
    """A release whose tables together hold more records than the cap is refused, in any format."""
    only(release)
    monkeypatch.setattr(_limits, "MAX_RECORDS", 5)
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, "over the cap of")
    assert "5" in message


@pytest.mark.parametrize(
    "only", [csv_only, json_only, lambda release: release], ids=["csv", "json", "all"]
)
def test_a_release_at_exactly_the_record_cap_loads(
    release: Path, monkeypatch: pytest.MonkeyPatch, only: Callable[[Path], Path]
) -> None:
    """Nine records load under a cap of nine and are refused under a cap of eight."""
    only(release)
    monkeypatch.setattr(_limits, "MAX_RECORDS", 9)
    assert small_dataset() == load_release(release)
    monkeypatch.setattr(_limits, "MAX_RECORDS", 8)
    check_error(_load_fails(release), si.ReleaseError, ValueError, "over the cap of", "8")


@pytest.mark.parametrize(
    "licenses",
    [{"name": "CC-BY-4.0"}, [], [{"name": "a", "path": "b"}] * 2, "C", None],
    ids=["an-object", "empty", "two", "text", "null"],
)
def test_the_manifest_names_exactly_one_licence(release: Path, licenses: object) -> None:
    """'licenses' must be a list of one object; anything else is one named error."""
    edit_package(release, lambda p: p.update(licenses=licenses), resources=False)
    message = "datapackage.json: 'licenses' missing, empty or more than one"
    check_error(_load_fails(release), si.ReleaseError, ValueError, message)


# --- the release's structure: listed twice, dangling references ------------------------


def test_a_checksum_line_given_twice_is_refused(release: Path) -> None:
    """SHA256SUMS naming one file on two lines is refused, naming the second line."""
    path = release / "SHA256SUMS"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[0]]), encoding="utf-8")
    name = lines[0].split("  ", 1)[1].strip()
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, "SHA256SUMS")
    assert message.endswith(f": line {len(lines) + 1}: '{name}' is listed twice"), message


def test_a_checksum_line_naming_a_file_in_another_case_is_refused(release: Path) -> None:
    """Two SHA256SUMS lines whose names differ only in case are one name listed twice."""
    path = release / "SHA256SUMS"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    digest, name = lines[0].rstrip("\n").split("  ", 1)
    path.write_text("".join([*lines, f"{digest}  {name.upper()}\n"]), encoding="utf-8")
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, "SHA256SUMS")
    expected = f": line {len(lines) + 1}: '{name.upper()}' is listed twice (as '{name}')"
    assert message.endswith(expected), message


def test_a_resource_listed_twice_is_refused(release: Path) -> None:
    """datapackage.json listing one file as two resources is refused, naming the second."""
    count = 0

    def twice(package: dict[str, Any]) -> None:
        nonlocal count
        count = len(package["resources"])
        package["resources"].append(dict(package["resources"][0]))

    hostile(release, package=twice)
    path = json.loads((release / "datapackage.json").read_bytes())["resources"][0]["path"]
    message = check_error(_load_fails(release), si.ReleaseError, ValueError, "datapackage.json")
    assert message.endswith(f": resources[{count}]: '{path}' is listed twice"), message


@pytest.mark.parametrize(
    ("table", "change", "problem"),
    [
        (
            "errata",
            lambda record: record.update(references=["ref-gone"]),
            "record 'erratum-one': field references: no references record 'ref-gone'",
        ),
        (
            "errata",
            lambda record: record.update(record="rank-gone"),
            "record 'erratum-one': field record: no record 'rank-gone'",
        ),
    ],
)
def test_a_dangling_reference_in_a_release_is_refused(
    release: Path, table: str, change: Callable[[dict[str, Any]], Any], problem: str
) -> None:
    """A record naming an id the release does not hold is refused, naming file, record and field."""
    json_only(release)

    def edit(document: dict[str, Any]) -> None:
        change(document["tables"][table][0])

    hostile(release, {f"{NAME}.json": edit_json(release / f"{NAME}.json", edit).encode()})
    message = check_error(_load_fails(release), si.ReleaseError, ValueError)
    assert f"{release}/{table}.json: {problem}" == message


def test_every_dangling_reference_is_counted(release: Path) -> None:
    """Two dangling references: the first is named, the second counted."""
    json_only(release)

    def edit(document: dict[str, Any]) -> None:
        document["tables"]["errata"][0]["references"] = ["ref-gone", "ref-lost"]

    hostile(release, {f"{NAME}.json": edit_json(release / f"{NAME}.json", edit).encode()})
    message = check_error(_load_fails(release), si.ReleaseError, ValueError)
    expected = (
        f"{release}/errata.json: record 'erratum-one': field references: "
        "no references record 'ref-gone' (and 1 more problems)"
    )
    assert expected == message


# --- where a source leads: the downloader, a file URL, the size cap --------------------


@pytest.mark.parametrize("url", ["https://example.org/r.zip", "HTTP://example.org/r.zip"])
def test_an_http_url_reaches_the_downloader(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """An http(s) URL (any case) goes to fetch() with the cache, cap and timeout asked for."""
    archive = zip_folder(release, tmp_path / "r.zip")
    calls: list[tuple[str, object, int, float]] = []

    def fake_fetch(
        source: str,
        open_release: Callable[[Path], Any],
        *,
        cache_dir: object,
        max_bytes: int,
        timeout: float,
    ) -> Any:
        calls.append((source, cache_dir, max_bytes, timeout))
        return open_release(archive)

    monkeypatch.setattr(reader, "fetch", fake_fetch)
    cache = tmp_path / "cache"
    assert small_dataset() == load_release(url, cache_dir=cache, max_bytes=10**7, timeout=2.5)
    assert [(url, cache, 10**7, 2.5)] == calls


@pytest.mark.parametrize(
    "suffix", ["?x=1", "#part", "?", "#"], ids=["query", "fragment", "empty-query", "empty-hash"]
)
def test_a_file_url_with_a_query_or_fragment_is_refused(
    release: Path, tmp_path: Path, suffix: str
) -> None:
    """file:///…/r.zip?x=1 or #part is refused, though the file itself would read."""
    url = zip_folder(release, tmp_path / "r.zip").resolve().as_uri()
    assert small_dataset() == load_release(url)
    if suffix in {"?", "#"}:  # urllib drops an empty query or fragment: nothing is lost
        assert small_dataset() == load_release(url + suffix)
        return
    message = check_error(_load_fails(url + suffix), si.DownloadError, OSError)
    assert f"{url}{suffix}: a file URL takes no query or fragment" == message


@pytest.mark.parametrize("host", ["localhost", ""])
def test_a_file_url_naming_this_machine_reads(release: Path, tmp_path: Path, host: str) -> None:
    """file://localhost/… and file:///… both read the file."""
    path = zip_folder(release, tmp_path / "r.zip").resolve()
    assert small_dataset() == load_release(f"file://{host}{path.as_posix()}")


def test_a_file_url_naming_another_machine_is_refused(release: Path, tmp_path: Path) -> None:
    """file://example.org/… is refused rather than read from this machine."""
    path = zip_folder(release, tmp_path / "r.zip").resolve()
    url = f"file://example.org{path.as_posix()}"
    message = check_error(_load_fails(url), si.DownloadError, OSError)
    assert f"{url}: a file URL must name this machine (no host, or localhost)" == message


def test_the_folder_size_cap_holds_at_exactly_its_limit(release: Path) -> None:
    """A folder of exactly max_bytes reads; one byte less of cap refuses it."""
    size = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
    assert small_dataset() == load_release(release, max_bytes=size)
    message = check_error(_load_fails(release, max_bytes=size - 1), si.ReleaseError, ValueError)
    assert f"{release}: larger than the cap of {size - 1} bytes" == message
    message = check_error(_load_fails(release, max_bytes=1), si.ReleaseError, ValueError)
    assert f"{release}: larger than the cap of 1 bytes" == message  # 1 is a cap, if a small one


def test_the_zip_size_cap_holds_at_exactly_its_limit(release: Path, tmp_path: Path) -> None:
    """A stored (uncompressed) zip whose size and contents fit max_bytes exactly reads."""
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(release.iterdir()):
            zf.write(path, path.name)
    size = archive.stat().st_size
    assert small_dataset() == load_release(archive, max_bytes=size)
    check_error(_load_fails(archive, max_bytes=size - 1), si.UnsafeArchiveError, ValueError)


def test_a_link_to_a_release_reads_as_what_it_points_at(release: Path, tmp_path: Path) -> None:
    """A symbolic link given as the source reads the zip or folder it points at."""
    archive = zip_folder(release, tmp_path / "r.zip")
    (tmp_path / "to-zip").symlink_to(archive)
    (tmp_path / "to-folder").symlink_to(release)
    assert (small_dataset(), small_dataset()) == (
        load_release(tmp_path / "to-zip"),
        load_release(tmp_path / "to-folder"),
    )


def test_a_dangling_link_is_neither_a_folder_nor_a_zip(tmp_path: Path) -> None:
    """A symbolic link to nothing is refused as neither kind of release."""
    link = tmp_path / "gone"
    link.symlink_to(tmp_path / "nowhere.zip")
    message = check_error(_load_fails(link), si.ReleaseError, ValueError)
    assert f"{link}: neither a release folder nor a zip file" == message


def test_a_path_the_system_cannot_look_at_names_the_reason() -> None:
    """A path whose name is too long for the file system: the reason, not the whole errno text."""
    source = "x" * 300
    message = check_error(_load_fails(source), si.ReleaseError, ValueError)
    assert message.endswith(": cannot read (File name too long)"), message
    assert "Errno" not in message


def test_a_file_with_an_unsafe_name_in_a_folder_is_refused_for_its_name(release: Path) -> None:
    """A file named with a backslash in a release folder is refused as unsafe, not as unlisted."""
    (release / "a\\b.csv").write_bytes(b"x\n")
    message = check_error(_load_fails(release), si.UnsafeArchiveError, ValueError)
    assert f"{release}: member 'a\\\\b.csv': backslash in name (a Windows path)" == message


def test_an_empty_folder_inside_a_release_folder_changes_nothing(release: Path) -> None:
    """An empty folder listed before the files holds nothing to check: every file still is."""
    (release / "a-folder").mkdir()
    assert small_dataset() == load_release(release)


def test_two_files_whose_names_differ_only_in_case_are_refused(release: Path) -> None:
    """METRICS.CSV beside metrics.csv would be one file on macOS or Windows: refused."""
    (release / "METRICS.CSV").write_bytes((release / "metrics.csv").read_bytes())
    message = check_error(_load_fails(release), si.UnsafeArchiveError, ValueError)
    assert f"{release}/'metrics.csv': the same name as 'METRICS.CSV'" == message


def test_a_named_pipe_in_a_release_folder_is_refused_unread(release: Path) -> None:
    """A FIFO among the files is refused as not a regular file (reading it would block)."""
    os.mkfifo(release / "pipe.csv")
    message = check_error(_load_fails(release), si.UnsafeArchiveError, ValueError)
    assert f"{release}/pipe.csv: not a regular file" == message


def test_a_checksum_file_cut_before_its_last_line_break_is_refused(release: Path) -> None:
    """SHA256SUMS must end with a line break: without it the last line may be cut short."""
    path = release / "SHA256SUMS"
    path.write_bytes(path.read_bytes()[:-1])
    message = check_error(_load_fails(release), si.ReleaseError, ValueError)
    assert f"{release}/SHA256SUMS: does not end with a line break (truncated?)" == message


def test_the_file_count_cap_of_a_folder_holds_at_exactly_its_limit(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of exactly MAX_MEMBERS files reads; one file over is refused."""
    count = sum(1 for p in release.iterdir() if p.is_file())
    monkeypatch.setattr(_limits, "MAX_MEMBERS", count)
    assert small_dataset() == load_release(release)
    monkeypatch.setattr(_limits, "MAX_MEMBERS", count - 1)
    message = check_error(_load_fails(release), si.UnsafeArchiveError, ValueError)
    assert f"{release}: over the cap of {count - 1} files" == message


def test_a_checksum_file_listing_more_files_than_the_cap_is_refused(
    release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cap at the files present, SHA256SUMS may list as many lines, not one more."""
    count = sum(1 for p in release.iterdir() if p.is_file())
    monkeypatch.setattr(_limits, "MAX_MEMBERS", count)
    path = release / "SHA256SUMS"
    sums = path.read_bytes()
    extra = [f"{'0' * 64}  extra-{i}.csv\n".encode() for i in range(2)]
    path.write_bytes(sums + extra[0])  # count lines: within the cap, a file is missing
    check_error(_load_fails(release), si.IntegrityError, ValueError, "extra-0.csv", "missing")
    path.write_bytes(sums + extra[0] + extra[1])  # count + 1 lines: over the cap
    message = check_error(_load_fails(release), si.ReleaseError, ValueError)
    assert f"{release}/SHA256SUMS: lists over the cap of {count} files" == message


def test_a_checksum_line_naming_a_path_outside_the_release_is_refused(release: Path) -> None:
    """A SHA256SUMS line for ../evil.csv is refused for its name, not looked for."""
    path = release / "SHA256SUMS"
    path.write_bytes(path.read_bytes() + f"{'0' * 64}  ../evil.csv\n".encode())
    message = check_error(_load_fails(release), si.UnsafeArchiveError, ValueError)
    assert message.endswith("'../evil.csv': '..' would leave the release folder"), message


def test_a_checksum_mismatch_shows_twelve_hex_digits_of_each_hash(release: Path) -> None:
    """The mismatch names the file and the first 12 hex digits of the actual and listed hashes."""
    path = release / "metrics.csv"
    listed = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(path.read_bytes() + b"\n")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    message = check_error(_load_fails(release), si.IntegrityError, ValueError)
    expected = (
        f"{release}/metrics.csv: checksum mismatch (SHA-256 {actual[:12]}..., "
        f"SHA256SUMS says {listed[:12]}...)"
    )
    assert expected == message
