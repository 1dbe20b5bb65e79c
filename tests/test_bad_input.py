"""Bad releases, zips and downloads: each gives the library's own error, one line, an exit code.

Every case of issue 7 that concerns releases is here. Each asserts the error
class (a subclass of the root error and of the matching builtin), a one-line
message naming what, where and why, and through the command line a
documented exit code, one stderr line and no traceback.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._formats.csv import read_csv
from shanghai_innovation._release import archive as _archive
from shanghai_innovation._release import fetch as _fetch
from shanghai_innovation._release.reader import load_release
from shanghai_innovation._schema import SCHEMA_VERSION, table_spec

from ._releases import (
    NAME,
    Server,
    closed_port_url,
    copy_release,
    edit_package,
    export,
    flip,
    reseal,
    running_server,
    zip_folder,
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
    monkeypatch.setattr(_archive, "DEFAULT_MAX_BYTES", 100_000)


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
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
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
        ("bell\x07.txt", "control character"),
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


@pytest.mark.parametrize("kind", ["404", "redirect"])
def test_failed_download_leaves_no_socket_open(server: Server, kind: str) -> None:
    """The DownloadError raised for an HTTP error or a refused redirect holds no open socket."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    if kind == "404":
        url = server.url("/nothing.zip")
    else:
        url = server.redirect("/moved.zip", "ftp://127.0.0.1/release.zip")
    before = len(list(fds.iterdir()))
    with pytest.raises(si.DownloadError) as exc_info:
        _fetch.download(url, io.BytesIO(), max_bytes=1000, timeout=5)
    deadline = time.monotonic() + 5  # the server's side of the connection closes on its own
    while len(list(fds.iterdir())) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert before == len(list(fds.iterdir())), exc_info.value


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
