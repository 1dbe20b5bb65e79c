"""Reading a published release back, treating it as untrusted.

A release is a folder (the layout :func:`~shanghai_innovation._release.export.export_release`
writes), a zip of one (its files at the top or inside one folder), or an
http(s) or ``file://`` URL of such a zip. Reading one goes, in order:

1. locate the files: unpack a zip safely (:mod:`._archive`), download a URL
   into the cache (:mod:`._fetch`); a folder may hold only regular files;
2. check every byte before parsing anything: each line of ``SHA256SUMS``
   must match its file, every file must be listed there, and nothing listed
   may be missing;
3. read ``datapackage.json``; refuse a schema version whose major part is not
   the one this library reads; each resource's ``bytes`` and ``hash`` must
   match its file, and every data file must be a resource;
4. decode the tables (Parquet, else CSV, else the whole-dataset JSON) through
   the table specs, and run the loader's checks of ids and references;
5. recompute the content fingerprint from the decoded records and compare it
   with the one in ``datapackage.json``.

:func:`verify` also decodes every other format present (CSV, JSON) and
requires each to hold exactly the same records; for a release of this
library's own schema version it also rebuilds ``datapackage.json``, the CSV
files, the JSON document and the linked-data descriptors (``croissant.json``,
``claimreview.jsonld``) from the records and requires them to be identical,
so an edit that was resealed with fresh checksums is still found
(the Parquet bytes depend on the pyarrow version; the fingerprint covers them).

Every failure is one of the library's errors with a one-line message naming
the file and the reason: :class:`~shanghai_innovation.IntegrityError` when
bytes disagree with a checksum or the manifest,
:class:`~shanghai_innovation.UnsafeArchiveError` for a dangerous zip or link,
:class:`~shanghai_innovation.DownloadError` for a failed download and
:class:`~shanghai_innovation.ReleaseError` for anything else malformed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from shanghai_innovation._dataset import TABLES, Dataset, DatasetInfo
from shanghai_innovation._errors import (
    DownloadError,
    IntegrityError,
    ReleaseError,
    UnsafeArchiveError,
    first_line,
)
from shanghai_innovation._records import Record

from .archive import DEFAULT_MAX_BYTES, check_member_name, extract_zip
from .fetch import DEFAULT_TIMEOUT, fetch

__all__ = [
    "CHECKSUMS_FILE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "FINGERPRINT_KEY",
    "PACKAGE_FILE",
    "SCHEMA_VERSION_KEY",
    "VerifyReport",
    "load_release",
    "verify",
]

#: The manifest every release holds.
PACKAGE_FILE: Final = "datapackage.json"
#: The checksum list every release holds (``sha256sum -c`` input).
CHECKSUMS_FILE: Final = "SHA256SUMS"
#: The datapackage.json key holding the export schema version.
SCHEMA_VERSION_KEY: Final = "shanghai_innovation:schema_version"
#: The datapackage.json key holding the content fingerprint.
FINGERPRINT_KEY: Final = "shanghai_innovation:fingerprint"

_SUM_LINE: Final = re.compile(r"([0-9a-f]{64}) [ *](.+)")
_HASH: Final = re.compile(r"sha256:([0-9a-f]{64})")
_PREFIX: Final = "shanghai_innovation:"


@attrs.frozen
class VerifyReport:
    """What :func:`verify` found in an intact release; ``str()`` is a one-paragraph summary."""

    #: The release as given (folder, zip or URL).
    source: str
    #: The dataset's package name.
    name: str
    #: The dataset version.
    version: str
    #: The export schema version the release was written with.
    schema_version: str
    #: How many files were checked against SHA256SUMS (the checksum file included).
    files: int
    #: How many tables were decoded.
    tables: int
    #: How many records the release holds.
    records: int
    #: The content fingerprint, recomputed from the records and matching datapackage.json.
    fingerprint: str
    #: Every format decoded and found to hold the same records (``parquet``, ``csv``, ``json``).
    formats: tuple[str, ...]

    def __str__(self) -> str:
        formats = ", ".join(f.upper() if f != "parquet" else "Parquet" for f in self.formats)
        return (
            f"{self.source}: intact. Dataset {self.name} {self.version}, export schema "
            f"{self.schema_version}; {self.files} files match SHA256SUMS and "
            f"{PACKAGE_FILE}; {self.records} records in {self.tables} tables decode "
            f"identically from {formats}; content fingerprint {self.fingerprint} "
            f"recomputed and matching."
        )


@attrs.frozen
class _Opened:
    dataset: Dataset
    schema_version: str
    files: int
    fingerprint: str
    formats: tuple[str, ...]


# --- locating the files ------------------------------------------------------


def _open_source(
    source: object,
    reader: Callable[[Path, str], _Opened],
    *,
    cache_dir: str | os.PathLike[str] | None,
    max_bytes: int,
    timeout: float,
) -> _Opened:
    """Find the release folder behind ``source`` and hand it to ``reader``."""
    if isinstance(source, os.PathLike):
        path = Path(os.fspath(source))
        return _open_path(path, str(path), reader, max_bytes)
    if not isinstance(source, str):
        msg = f"a release source is a path or a URL, got {type(source).__name__}"
        raise ReleaseError(msg)
    if "://" in source:
        scheme = source.split("://", 1)[0].lower()
        if scheme in {"http", "https"}:
            return fetch(
                source,
                lambda path: _open_zip(path, source, reader, max_bytes),
                cache_dir=cache_dir,
                max_bytes=max_bytes,
                timeout=timeout,
            )
        if scheme == "file":
            return _open_path(_file_url_path(source), source, reader, max_bytes)
        msg = f"{source}: scheme {scheme!r} is not allowed; use a path, http, https or file"
        raise DownloadError(msg)
    return _open_path(Path(source), source, reader, max_bytes)


def _file_url_path(url: str) -> Path:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        raise DownloadError(f"{url}: not a valid URL ({exc})") from None
    if parts.netloc not in {"", "localhost"}:
        msg = f"{url}: a file URL must name this machine (no host, or localhost)"
        raise DownloadError(msg)
    if parts.query or parts.fragment:
        raise DownloadError(f"{url}: a file URL takes no query or fragment")
    if not parts.path:
        raise DownloadError(f"{url}: the file URL names no file")
    return Path(urllib.request.url2pathname(parts.path))


def _open_path(
    path: Path, label: str, reader: Callable[[Path, str], _Opened], max_bytes: int
) -> _Opened:
    if "\x00" in str(path):
        raise ReleaseError(f"{label!r}: a null character in the path")
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        raise ReleaseError(f"{label}: no such file or folder") from None
    except OSError as exc:
        raise ReleaseError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and path.is_dir()):
        return reader(path, label)
    if stat.S_ISREG(mode) or (stat.S_ISLNK(mode) and path.is_file()):
        return _open_zip(path, label, reader, max_bytes)
    raise ReleaseError(f"{label}: neither a release folder nor a zip file")


def _open_zip(
    path: Path, label: str, reader: Callable[[Path, str], _Opened], max_bytes: int
) -> _Opened:
    with tempfile.TemporaryDirectory(prefix="shanghai-innovation-") as tmp:
        root = extract_zip(path, Path(tmp), max_bytes=max_bytes, label=label)
        return reader(root, label)


# --- checking every byte -----------------------------------------------------


def _raise(exc: OSError) -> None:
    """os.walk's onerror: a folder that cannot be listed is an error, never skipped."""
    raise exc


def _inventory(root: Path, label: str, max_bytes: int) -> dict[str, Path]:
    """Every file under root by its relative name; links and odd files are refused."""
    files: dict[str, Path] = {}
    total = 0
    try:
        for folder, dirs, names in os.walk(root, onerror=_raise, followlinks=False):
            here = Path(folder)
            for name in sorted(dirs + names):
                path = here / name
                rel = path.relative_to(root).as_posix()
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    raise UnsafeArchiveError(f"{label}/{rel}: a symbolic link (links are refused)")
                if stat.S_ISDIR(mode):
                    continue
                if not stat.S_ISREG(mode):
                    raise UnsafeArchiveError(f"{label}/{rel}: not a regular file")
                total += path.lstat().st_size
                if total > max_bytes:
                    raise ReleaseError(f"{label}: larger than the cap of {max_bytes} bytes")
                files[rel] = path
    except OSError as exc:
        raise ReleaseError(f"{label}: cannot list the folder ({exc.strerror or exc})") from None
    return files


def _read_small(path: Path, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReleaseError(f"{where}: cannot read ({exc.strerror or exc})") from None


def _sha256(path: Path, where: str) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise ReleaseError(f"{where}: cannot read ({exc.strerror or exc})") from None


def _parse_checksums(data: bytes, label: str) -> dict[str, str]:
    where = f"{label}/{CHECKSUMS_FILE}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    if not text.endswith("\n"):
        raise ReleaseError(f"{where}: does not end with a line break (truncated?)")
    sums: dict[str, str] = {}
    for number, line in enumerate(text[:-1].split("\n"), 1):
        match = _SUM_LINE.fullmatch(line)
        if match is None:
            msg = f"{where}: line {number}: not '<sha256 hex>  <file name>'"
            raise ReleaseError(msg)
        digest, name = match[1], match[2]
        check_member_name(name, where)
        if name in sums:
            raise ReleaseError(f"{where}: line {number}: {name} is listed twice")
        sums[name] = digest
    if not sums:
        raise ReleaseError(f"{where}: lists no files")
    return sums


def _check_sums(files: Mapping[str, Path], sums: Mapping[str, str], label: str) -> dict[str, str]:
    """Hash every file; returns each file's hex digest."""
    for name in sums:
        if name not in files:
            raise IntegrityError(f"{label}/{name}: listed in {CHECKSUMS_FILE} but missing")
    for name in files:
        if name != CHECKSUMS_FILE and name not in sums:
            raise IntegrityError(f"{label}/{name}: present but not listed in {CHECKSUMS_FILE}")
    digests: dict[str, str] = {}
    for name, digest in sums.items():
        actual = _sha256(files[name], f"{label}/{name}")
        if actual != digest:
            msg = (
                f"{label}/{name}: checksum mismatch (SHA-256 {actual[:12]}..., "
                f"{CHECKSUMS_FILE} says {digest[:12]}...)"
            )
            raise IntegrityError(msg)
        digests[name] = actual
    return digests


def _read_package(path: Path, label: str) -> dict[str, Any]:
    from shanghai_innovation._formats.json import _reject_constant  # noqa: PLC0415 - cattrs on first use

    where = f"{label}/{PACKAGE_FILE}"
    data = _read_small(path, where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    try:
        package = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReleaseError(f"{where}: not valid JSON ({first})") from None
    if not isinstance(package, dict):
        raise ReleaseError(f"{where}: not a JSON object")
    return package


def _text(package: Mapping[str, Any], key: str, where: str) -> str:
    value = package.get(key)
    if not isinstance(value, str):
        raise ReleaseError(f"{where}: {key!r} missing or not text")
    return value


def _check_resources(
    package: Mapping[str, Any],
    files: Mapping[str, Path],
    digests: Mapping[str, str],
    label: str,
) -> dict[str, str]:
    """Each resource's bytes and hash against its file; returns path to format."""
    where = f"{label}/{PACKAGE_FILE}"
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        raise ReleaseError(f"{where}: 'resources' missing, empty or not a list")
    listed: dict[str, str] = {}
    for index, resource in enumerate(resources):
        at = f"{where}: resources[{index}]"
        if not isinstance(resource, dict):
            raise ReleaseError(f"{at}: not an object")
        path = resource.get("path")
        if not isinstance(path, str):
            raise ReleaseError(f"{at}: 'path' missing or not text")
        check_member_name(path, where)
        if path in listed:
            raise ReleaseError(f"{at}: {path} is listed twice")
        if path not in files:
            raise IntegrityError(f"{label}/{path}: listed in {PACKAGE_FILE} but missing")
        # Parquet resources keep their size under a custom key (Frictionless
        # cannot measure them); every other resource uses the standard key.
        size = resource.get("bytes", resource.get(f"{_PREFIX}bytes"))
        if not isinstance(size, int) or isinstance(size, bool):
            raise ReleaseError(f"{at} ({path}): 'bytes' missing or not a whole number")
        actual_size = files[path].stat().st_size
        if size != actual_size:
            msg = f"{label}/{path}: {actual_size} bytes, {PACKAGE_FILE} says {size}"
            raise IntegrityError(msg)
        declared = resource.get("hash")
        match = _HASH.fullmatch(declared) if isinstance(declared, str) else None
        if match is None:
            raise ReleaseError(f"{at} ({path}): 'hash' missing or not 'sha256:<hex>'")
        if match[1] != digests.get(path):
            raise IntegrityError(f"{label}/{path}: hash differs from {PACKAGE_FILE}")
        fmt = resource.get("format")
        listed[path] = fmt if isinstance(fmt, str) else Path(path).suffix.lstrip(".")
    for name in files:
        if name not in {PACKAGE_FILE, CHECKSUMS_FILE} and name not in listed:
            raise IntegrityError(f"{label}/{name}: present but not a resource of {PACKAGE_FILE}")
    return listed


# --- decoding ----------------------------------------------------------------


def _info(package: Mapping[str, Any], label: str) -> DatasetInfo:
    from shanghai_innovation._convert import CONVERTER, describe_error  # noqa: PLC0415 - cattrs on first use

    where = f"{label}/{PACKAGE_FILE}"
    licenses = package.get("licenses")
    first = licenses[0] if isinstance(licenses, list) and licenses else None
    if not isinstance(first, dict):
        raise ReleaseError(f"{where}: 'licenses' missing or empty")
    raw = {
        "name": _text(package, "name", where),
        "title": _text(package, "title", where),
        "version": _text(package, "version", where),
        "description": _text(package, "description", where),
        "license": _text(first, "name", f"{where}: licenses[0]"),
        "license_url": _text(first, "path", f"{where}: licenses[0]"),
        "attribution": _text(package, f"{_PREFIX}attribution", where),
    }
    try:
        info: DatasetInfo = CONVERTER.structure(raw, DatasetInfo)
    except Exception as exc:
        line = (describe_error(exc) or [str(exc)])[0]
        raise ReleaseError(f"{where}: dataset description: {line}") from None
    return info


def _guard(where: str, read: Callable[[], Any]) -> Any:
    """Run a reader; anything but the library's own error becomes a ReleaseError."""
    try:
        return read()
    except ReleaseError:
        raise
    except Exception as exc:
        msg = f"{where}: cannot decode ({type(exc).__name__}: {first_line(exc)})"
        raise ReleaseError(msg) from None


def _read_tables(
    root: Path, listed: Mapping[str, str], label: str, fmt: str
) -> dict[str, list[Record]] | None:
    """Every table from one format, or None when that format is not complete."""
    from shanghai_innovation._schema import table_specs  # noqa: PLC0415 - light, but only needed here

    if fmt == "json":
        name = _json_file(listed)
        if name is None:
            return None
        from shanghai_innovation._formats.json import dataset_from_json  # noqa: PLC0415 - cattrs on first use

        where = f"{label}/{name}"
        data = _read_small(root / name, where)
        dataset: Dataset = _guard(where, lambda: dataset_from_json(data, where))
        return {table: list(records) for table, records in dataset.tables()}
    if not all(f"{spec.name}.{fmt}" in listed for spec in table_specs()):
        return None
    if fmt == "parquet":
        from shanghai_innovation._formats.parquet import read_parquet as reader  # noqa: PLC0415 - pyarrow on first use
    else:
        from shanghai_innovation._formats.csv import read_csv as reader  # noqa: PLC0415 - only when asked

    tables: dict[str, list[Record]] = {}
    for spec in table_specs():
        name = f"{spec.name}.{fmt}"
        where = f"{label}/{name}"
        tables[spec.name] = _guard(where, lambda: reader(spec, root / name, where))  # noqa: B023
    return tables


def _json_file(listed: Mapping[str, str]) -> str | None:
    # By format, not only suffix: croissant.json is JSON too, but format "jsonld".
    names = [n for n, fmt in listed.items() if n.endswith(".json") and fmt == "json"]
    return names[0] if len(names) == 1 else None


def _first_difference(
    ours: Mapping[str, list[Record]], theirs: Mapping[str, list[Record]]
) -> str | None:
    for table in TABLES:
        a, b = ours[table], theirs[table]
        for left, right in zip(a, b, strict=False):
            if left != right:
                return f"table {table}: record {left.id!r} differs"
        if len(a) != len(b):
            return f"table {table}: {len(b)} records, the Parquet files hold {len(a)}"
    return None


def _read_folder(root: Path, label: str, *, max_bytes: int, thorough: bool) -> _Opened:
    from shanghai_innovation._formats.json import check_schema_version, content_fingerprint  # noqa: PLC0415
    from shanghai_innovation._load import check_references  # noqa: PLC0415

    files = _inventory(root, label, max_bytes)
    if PACKAGE_FILE not in files:
        raise ReleaseError(f"{label}: no {PACKAGE_FILE}; not a release")
    if CHECKSUMS_FILE not in files:
        raise ReleaseError(f"{label}: no {CHECKSUMS_FILE}; not a release")
    sums = _parse_checksums(_read_small(files[CHECKSUMS_FILE], f"{label}/{CHECKSUMS_FILE}"), label)
    digests = _check_sums(files, sums, label)
    package = _read_package(files[PACKAGE_FILE], label)
    where = f"{label}/{PACKAGE_FILE}"
    schema_version = package.get(SCHEMA_VERSION_KEY)
    check_schema_version(schema_version, where)
    assert isinstance(schema_version, str)  # noqa: S101 - checked just above
    listed = _check_resources(package, files, digests, label)
    info = _info(package, label)

    order = ("parquet", "csv", "json")
    decoded: dict[str, dict[str, list[Record]]] = {}
    for fmt in order:
        if decoded and not thorough:
            break
        tables = _read_tables(root, listed, label, fmt)
        if tables is not None:
            decoded[fmt] = tables
    if not decoded:
        raise ReleaseError(f"{label}: holds no complete set of tables (Parquet, CSV or JSON)")
    main_format, tables = next(iter(decoded.items()))
    for fmt, other in decoded.items():
        difference = _first_difference(tables, other)
        if difference is not None:
            raise IntegrityError(
                f"{label}: the {fmt} files disagree with {main_format}: {difference}"
            )

    dataset = Dataset(info, **tables)  # type: ignore[arg-type]
    problems = check_references(dataset, label)
    if problems:
        first = problems[0]
        for table in TABLES:
            first = first.replace(f"/{table}.toml:", f"/{table}.{main_format}:")
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ReleaseError(first + more)
    fingerprint = content_fingerprint(dataset)
    declared = package.get(FINGERPRINT_KEY)
    if declared != fingerprint:
        msg = (
            f"{where}: content fingerprint {declared!r} does not match the records, "
            f"which give {fingerprint}"
        )
        raise IntegrityError(msg)
    if thorough:
        _check_regenerated(dataset, root, listed, package, schema_version, label)
    return _Opened(dataset, schema_version, len(files), fingerprint, tuple(decoded))


def _check_regenerated(
    dataset: Dataset,
    root: Path,
    listed: Mapping[str, str],
    package: Mapping[str, Any],
    schema_version: str,
    label: str,
) -> None:
    """Require the manifest, CSV and JSON to be exactly what these records give.

    Only for releases of this library's own schema version: those files are
    deterministic, so any other content was edited after the export (the
    Parquet bytes depend on the pyarrow version; the fingerprint covers them).
    """
    from shanghai_innovation._formats.csv import csv_bytes  # noqa: PLC0415
    from shanghai_innovation._formats.datapackage import build_datapackage, json_file_name  # noqa: PLC0415
    from shanghai_innovation._formats.json import dataset_to_json  # noqa: PLC0415
    from shanghai_innovation._schema import SCHEMA_VERSION, table_specs  # noqa: PLC0415

    if schema_version != SCHEMA_VERSION:
        return
    for spec in table_specs():
        name = f"{spec.name}.csv"
        if name in listed:
            expected = csv_bytes(spec, dataset.table(spec.name))
            where = f"{label}/{name}"
            _same_bytes(expected, _read_small(root / name, where), where, "CSV")
    name = json_file_name(dataset)
    if name in listed:
        expected = dataset_to_json(dataset)
        where = f"{label}/{name}"
        _same_bytes(expected, _read_small(root / name, where), where, "JSON")
    data = {n: _read_small(root / n, f"{label}/{n}") for n in listed}
    from shanghai_innovation._formats.descriptors import descriptor_files  # noqa: PLC0415

    for name, expected in descriptor_files(dataset, data).items():
        if name not in data:
            raise IntegrityError(f"{label}/{name}: missing (every release holds it)")
        _same_bytes(expected, data[name], f"{label}/{name}", "descriptor")
    try:
        regenerated = json.loads(json.dumps(build_datapackage(dataset, data)))
    except ValueError as exc:
        msg = f"{label}/{PACKAGE_FILE}: lists a file this library does not write ({exc})"
        raise IntegrityError(msg) from None
    if regenerated != package:
        key = _first_key_difference(regenerated, package)
        msg = (
            f"{label}/{PACKAGE_FILE}: differs from what the records give, at {key} "
            f"(edited after the export?)"
        )
        raise IntegrityError(msg)


def _same_bytes(expected: bytes, actual: bytes, where: str, kind: str) -> None:
    if expected == actual:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    msg = f"{where}: not the {kind} these records give (first difference at byte {at})"
    raise IntegrityError(msg)


def _first_key_difference(expected: Any, actual: Any, path: str = "$") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key) != actual.get(key):
                return _first_key_difference(expected.get(key), actual.get(key), f"{path}.{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (a, b) in enumerate(zip(expected, actual, strict=True)):
            if a != b:
                return _first_key_difference(a, b, f"{path}[{i}]")
    return path


# --- the public functions ----------------------------------------------------


def _open(
    source: object,
    cache_dir: str | os.PathLike[str] | None,
    max_bytes: int | None,
    timeout: float | None,
    *,
    thorough: bool,
) -> _Opened:
    from . import archive, fetch  # noqa: PLC0415 - defaults read at call time

    cap = archive.DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    seconds = fetch.DEFAULT_TIMEOUT if timeout is None else timeout
    return _open_source(
        source,
        lambda root, label: _read_folder(root, label, max_bytes=cap, thorough=thorough),
        cache_dir=cache_dir,
        max_bytes=cap,
        timeout=seconds,
    )


def load_release(
    source: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> Dataset:
    """Read a published release back into a :class:`~shanghai_innovation.Dataset`.

    Every checksum is verified before anything is parsed; see the module
    documentation for each step.

    Args:
        source: A release folder, a zip of one, or an http(s) or file URL of a zip.
        cache_dir: Where downloads are kept (default: ``$SHANGHAI_INNOVATION_CACHE``
            or ``~/.cache/shanghai-innovation``).
        max_bytes: Largest size a download may have and a release may unpack to
            (default: ``DEFAULT_MAX_BYTES``, 200 MiB).
        timeout: Seconds any one network operation may take; a whole download
            gets four times this (default: ``DEFAULT_TIMEOUT``, 30 s).

    Raises:
        IntegrityError: a file does not match SHA256SUMS or datapackage.json,
            is missing, or is not listed; or the fingerprint does not match.
        UnsafeArchiveError: the zip (or folder) holds unsafe paths or links, or is too large.
        DownloadError: the URL could not be downloaded.
        ReleaseError: anything else malformed, including a newer schema version.

    """
    return _open(source, cache_dir, max_bytes, timeout, thorough=False).dataset


def verify(
    source: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
) -> VerifyReport:
    """Check a release is intact: everything :func:`load_release` checks, and more.

    Every format present (Parquet, CSV, JSON) is decoded and must hold the
    same records. Takes the same arguments as :func:`load_release`.

    Raises:
        ShanghaiInnovationError: the same errors as :func:`load_release`, each
            with a one-line reason.

    """
    label = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
    opened = _open(source, cache_dir, max_bytes, timeout, thorough=True)
    dataset = opened.dataset
    return VerifyReport(
        source=label,
        name=dataset.info.name,
        version=dataset.info.version,
        schema_version=opened.schema_version,
        files=opened.files,
        tables=len(TABLES),
        records=len(dataset),
        fingerprint=opened.fingerprint,
        formats=opened.formats,
    )
