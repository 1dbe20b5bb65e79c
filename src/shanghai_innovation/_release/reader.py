"""Reading a published release back, treating it as untrusted.

A release is a folder (the layout :func:`~shanghai_innovation._release.export.export_release`
writes), a zip of one (its files at the top or inside one folder), or an
http(s) or ``file://`` URL of such a zip. Reading one goes, in order:

1. locate the files: unpack a zip safely (:mod:`.archive`), download a URL
   into the cache (:mod:`.fetch`); a folder may hold only regular files,
   each named by the rules a zip member obeys;
2. check every byte before parsing anything: each line of ``SHA256SUMS``
   must match its file, every file must be listed there, and nothing listed
   may be missing;
3. read ``datapackage.json`` (strict JSON: no key twice, no lone surrogate);
   refuse a schema version whose major part is not the one this library
   reads; each resource's ``bytes`` and ``hash`` must match its file, and
   every data file must be a resource;
4. decode the tables (Parquet, else CSV, else the whole-dataset JSON) through
   the table specs, and run the loader's checks of ids and references; every
   file is read under the per-file cap and every table under the row cap
   (:mod:`shanghai_innovation._limits`) before it is parsed;
5. recompute the content fingerprint (dataset info, schema version and every
   record) and compare it with the one in ``datapackage.json``.

:func:`verify` also decodes every other format present (CSV, JSON) and
requires each to hold exactly the same records and dataset info. Then it
rebuilds the whole release from the decoded data with this library's own
writer (:func:`~shanghai_innovation._release.export.release_files`, so a file
added to every release is covered without being named here) and requires
every file, ``datapackage.json``, the linked-data descriptors
(``croissant.json``, ``claimreview.jsonld``) and ``SHA256SUMS`` included, to
be byte for byte identical, and no file to be missing or extra. What cannot be rebuilt
is reported, never passed silently: a release of another schema version
(every file), or a Parquet file written by another pyarrow version (whose
decoded records and metadata must still match; the rest of the release is
then rebuilt over its bytes). :attr:`VerifyReport.complete` is true only
when nothing was left out.

Every failure is one of the library's errors with a one-line message naming
the file and the reason: :class:`~shanghai_innovation.IntegrityError` when
bytes disagree with a checksum, the manifest or the rebuild,
:class:`~shanghai_innovation.UnsafeArchiveError` for a dangerous zip or link,
:class:`~shanghai_innovation.DownloadError` for a failed download and
:class:`~shanghai_innovation.ReleaseError` for anything else malformed.
"""

from __future__ import annotations

import hashlib
import math
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

from shanghai_innovation import _limits
from shanghai_innovation._dataset import TABLES, Dataset, DatasetInfo
from shanghai_innovation._errors import (
    DownloadError,
    IntegrityError,
    ReleaseError,
    UnsafeArchiveError,
    check_argument,
    first_line,
    one_line,
    quoted,
)
from shanghai_innovation._records import Record

from .archive import check_member_name, extract_zip, name_key
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

#: Largest total size, in bytes, a release may unpack to (and a download may have).
DEFAULT_MAX_BYTES: Final = _limits.DEFAULT_MAX_BYTES
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
    """What :func:`verify` found; ``str()`` is a one-paragraph summary.

    :attr:`complete` says whether every file was compared byte for byte with
    what this library writes for the decoded data; when it is false,
    :attr:`not_compared` says which files were not, and why.
    """

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
    #: The content fingerprint (dataset info, schema version and every record),
    #: recomputed and matching datapackage.json.
    fingerprint: str
    #: Every format decoded and found to hold the same records (``parquet``, ``csv``, ``json``).
    formats: tuple[str, ...]
    #: Files that could not be compared byte for byte with this library's
    #: rebuild, each as ``(file name, why)``; empty when every file was.
    not_compared: tuple[tuple[str, str], ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every file is byte for byte what this library writes for the decoded data."""
        return not self.not_compared

    def __str__(self) -> str:
        formats = ", ".join(f.upper() if f != "parquet" else "Parquet" for f in self.formats)
        decoded = (
            f"Dataset {self.name} {self.version}, export schema {self.schema_version}; "
            f"{self.files} files match SHA256SUMS and {PACKAGE_FILE}; {self.records} records "
            f"in {self.tables} tables decode identically from {formats}; content fingerprint "
            f"{self.fingerprint} recomputed and matching."
        )
        source = one_line(self.source)
        if self.complete:
            return (
                f"{source}: intact. {decoded} Every file is byte for byte what this library "
                f"writes for these records."
            )
        reasons: dict[str, list[str]] = {}
        for name, why in self.not_compared:
            reasons.setdefault(why, []).append(name)
        left_out = "; ".join(
            f"{', '.join(one_line(n, 80) for n in names)} ({why})" for why, names in reasons.items()
        )
        return one_line(
            f"{source}: NOT fully verified: {len(self.not_compared)} of {self.files} files could "
            f"not be compared byte for byte: {left_out}. {decoded}",
            limit=4 * _limits.MAX_MESSAGE,
        )


@attrs.frozen
class _Opened:
    dataset: Dataset
    schema_version: str
    files: int
    fingerprint: str
    formats: tuple[str, ...]
    not_compared: tuple[tuple[str, str], ...] = ()


# --- the arguments -------------------------------------------------------------------


def _check_arguments(
    source: object, cache_dir: object, max_bytes: object, timeout: object
) -> tuple[int, float]:
    """Each argument of load_release and verify, checked; returns the cap and the timeout."""
    from . import fetch as _fetch  # noqa: PLC0415 - the default is read at call time

    check_argument("source", source, (str, os.PathLike), "a path or a URL (str or os.PathLike)")
    if cache_dir is not None:
        check_argument("cache_dir", cache_dir, (str, os.PathLike), "a path or None")
    cap = _limits.DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    check_argument("max_bytes", cap, int, "a whole number of bytes or None")
    assert isinstance(cap, int)  # noqa: S101 - checked just above
    if cap <= 0:
        msg = f"max_bytes must be a positive number of bytes, not {cap}"
        raise ValueError(msg)
    seconds = _fetch.DEFAULT_TIMEOUT if timeout is None else timeout
    check_argument("timeout", seconds, (int, float), "a number of seconds or None")
    assert isinstance(seconds, int | float)  # noqa: S101 - checked just above
    if not (math.isfinite(seconds) and seconds > 0):
        msg = f"timeout must be a positive, finite number of seconds, not {seconds!r}"
        raise ValueError(msg)
    return cap, float(seconds)


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
        msg = f"{source}: scheme {quoted(scheme)} is not allowed; use a path, http, https or file"
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
        raise ReleaseError(f"{quoted(label)}: a null character in the path")
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
    """Every file under root by its relative name; links, odd files and odd names are refused."""
    files: dict[str, Path] = {}
    seen: dict[str, str] = {}
    total = 0
    try:
        for folder, dirs, names in os.walk(root, onerror=_raise, followlinks=False):
            here = Path(folder)
            for name in sorted(dirs + names):
                path = here / name
                rel = path.relative_to(root).as_posix()
                check_member_name(rel, label)
                key = name_key(rel)
                if key in seen:
                    msg = f"{label}/{quoted(rel)}: the same name as {quoted(seen[key])}"
                    raise UnsafeArchiveError(msg)
                seen[key] = rel
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
                if len(files) > _limits.MAX_MEMBERS:
                    msg = f"{label}: over the cap of {_limits.MAX_MEMBERS} files"
                    raise UnsafeArchiveError(msg)
    except OSError as exc:
        raise ReleaseError(f"{label}: cannot list the folder ({exc.strerror or exc})") from None
    return files


def _read_small(path: Path, where: str) -> bytes:
    return _limits.read_capped(path, where, ReleaseError, _limits.MAX_FILE_BYTES)


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
    keys: dict[str, str] = {}
    for number, line in enumerate(text[:-1].split("\n"), 1):
        if number > _limits.MAX_MEMBERS:
            raise ReleaseError(f"{where}: lists over the cap of {_limits.MAX_MEMBERS} files")
        match = _SUM_LINE.fullmatch(line)
        if match is None:
            msg = f"{where}: line {number}: not '<sha256 hex>  <file name>'"
            raise ReleaseError(msg)
        digest, name = match[1], match[2]
        check_member_name(name, where)
        key = name_key(name)
        if key in keys:
            msg = f"{where}: line {number}: {quoted(name)} is listed twice"
            if keys[key] != name:
                msg += f" (as {quoted(keys[key])})"
            raise ReleaseError(msg)
        keys[key] = name
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
    from shanghai_innovation._formats.json import read_json  # noqa: PLC0415 - cattrs on first use

    where = f"{label}/{PACKAGE_FILE}"
    package = read_json(_read_small(path, where), where)
    if not isinstance(package, dict):
        raise ReleaseError(f"{where}: not a JSON object")
    return package


def _text(package: Mapping[str, Any], key: str, where: str) -> str:
    value = package.get(key)
    if not isinstance(value, str):
        raise ReleaseError(f"{where}: {quoted(key)} missing or not text")
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
            raise ReleaseError(f"{at}: {quoted(path)} is listed twice")
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
    first = licenses[0] if isinstance(licenses, list) and len(licenses) == 1 else None
    if not isinstance(first, dict):
        raise ReleaseError(f"{where}: 'licenses' missing, empty or more than one")
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


@attrs.frozen
class _Decoded:
    """One format's tables, and the dataset info and schema version it states (JSON only)."""

    tables: dict[str, list[Record]]
    info: DatasetInfo | None = None
    schema_version: str | None = None


def _read_tables(
    root: Path, listed: Mapping[str, str], label: str, fmt: str, info: DatasetInfo
) -> _Decoded | None:
    """Every table from one format, or None when that format is not complete."""
    from shanghai_innovation._schema import table_specs  # noqa: PLC0415 - light, but only needed here

    if fmt == "json":
        name = f"{info.name}.json"  # the dataset's document; other JSON files are not tables
        if name not in listed:
            return None
        from shanghai_innovation._formats.json import document_from_json  # noqa: PLC0415 - cattrs on first use

        where = f"{label}/{name}"
        data = _read_small(root / name, where)
        dataset, version = _guard(where, lambda: document_from_json(data, where))
        return _Decoded(
            {table: list(records) for table, records in dataset.tables()}, dataset.info, version
        )
    if not all(f"{spec.name}.{fmt}" in listed for spec in table_specs()):
        return None
    if fmt == "parquet":
        from shanghai_innovation._formats.parquet import read_parquet as reader  # noqa: PLC0415 - pyarrow on first use
    else:
        from shanghai_innovation._formats.csv import read_csv as reader  # noqa: PLC0415 - only when asked

    tables: dict[str, list[Record]] = {}
    total = 0
    for spec in table_specs():
        name = f"{spec.name}.{fmt}"
        where = f"{label}/{name}"
        tables[spec.name] = _guard(where, lambda: reader(spec, root / name, where))  # noqa: B023
        total += len(tables[spec.name])
        if total > _limits.MAX_RECORDS:
            msg = f"{where}: over the cap of {_limits.MAX_RECORDS} records in a release"
            raise ReleaseError(msg)
    return _Decoded(tables)


def _first_difference(
    ours: Mapping[str, list[Record]], theirs: Mapping[str, list[Record]], main: str
) -> str | None:
    for table in TABLES:
        a, b = ours[table], theirs[table]
        for left, right in zip(a, b, strict=False):
            if left != right:
                return f"table {table}: record {quoted(left.id)} differs"
        if len(a) != len(b):
            return f"table {table}: {len(b)} records, the {main} files hold {len(a)}"
    return None


def _decode(
    root: Path,
    listed: Mapping[str, str],
    label: str,
    info: DatasetInfo,
    schema_version: str,
    *,
    thorough: bool,
) -> tuple[dict[str, list[Record]], tuple[str, ...]]:
    """The tables (from the first complete format; every format when thorough), cross-checked.

    Each further format is compared as soon as it is decoded, then dropped,
    so at most two formats' records are held at once.
    """
    main_format, main = "", None
    formats: list[str] = []
    for fmt in ("parquet", "csv", "json"):
        if main is not None and not thorough:
            break
        other = _read_tables(root, listed, label, fmt, info)
        if other is None:
            continue
        formats.append(fmt)
        if main is None:
            main_format, main = fmt, other
        _same_content(main.tables, main_format, other, fmt, info, schema_version, label)
    if main is None:
        raise ReleaseError(f"{label}: holds no complete set of tables (Parquet, CSV or JSON)")
    return main.tables, tuple(formats)


def _same_content(
    tables: Mapping[str, list[Record]],
    main_format: str,
    other: _Decoded,
    fmt: str,
    info: DatasetInfo,
    schema_version: str,
    label: str,
) -> None:
    """Require one format to hold what the main one holds, and the manifest's info."""
    difference = _first_difference(tables, other.tables, main_format)
    if difference is not None:
        raise IntegrityError(f"{label}: the {fmt} files disagree with {main_format}: {difference}")
    if other.info is not None and other.info != info:
        field = next(
            f.name
            for f in attrs.fields(DatasetInfo)
            if getattr(other.info, f.name) != getattr(info, f.name)
        )
        msg = f"{label}: the {fmt} document's dataset {field} disagrees with {PACKAGE_FILE}"
        raise IntegrityError(msg)
    if other.schema_version is not None and other.schema_version != schema_version:
        msg = (
            f"{label}: the {fmt} document's schema version {quoted(other.schema_version)} "
            f"disagrees with {PACKAGE_FILE}'s {schema_version}"
        )
        raise IntegrityError(msg)


def _read_folder(root: Path, label: str, *, max_bytes: int, thorough: bool) -> _Opened:
    from shanghai_innovation._formats.json import check_schema_version  # noqa: PLC0415
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
    tables, formats = _decode(root, listed, label, info, schema_version, thorough=thorough)

    dataset = Dataset(info, **tables)  # type: ignore[arg-type]
    problems = check_references(dataset, label)
    if problems:
        first = problems[0]
        for table in TABLES:
            first = first.replace(f"/{table}.toml:", f"/{table}.{formats[0]}:")
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ReleaseError(first + more)
    fingerprint = _check_fingerprint(dataset, package, schema_version, where)
    not_compared: tuple[tuple[str, str], ...] = ()
    if thorough:
        not_compared = _compare_with_rebuild(dataset, files, schema_version, label)
    return _Opened(dataset, schema_version, len(files), fingerprint, formats, not_compared)


def _check_fingerprint(
    dataset: Dataset, package: Mapping[str, Any], schema_version: str, where: str
) -> str:
    from shanghai_innovation._formats.json import content_fingerprint  # noqa: PLC0415

    fingerprint = content_fingerprint(dataset, schema_version)
    declared = package.get(FINGERPRINT_KEY)
    if declared != fingerprint:
        msg = (
            f"{where}: content fingerprint {quoted(declared)} does not match the release "
            f"(dataset info, schema version and records), which gives {fingerprint}"
        )
        raise IntegrityError(msg)
    return fingerprint


# --- comparing with a rebuild ------------------------------------------------


def _compare_with_rebuild(
    dataset: Dataset, files: Mapping[str, Path], schema_version: str, label: str
) -> tuple[tuple[str, str], ...]:
    """Rebuild the release from the decoded data; require the very same files and bytes.

    Returns the files that could not be compared, each with why. Generic over
    whatever :func:`~shanghai_innovation._release.export.release_files`
    writes: a file it adds to every release is compared too.
    """
    from shanghai_innovation._schema import SCHEMA_VERSION  # noqa: PLC0415

    from .export import ALL_FORMATS, data_file_names, release_files  # noqa: PLC0415

    if schema_version != SCHEMA_VERSION:
        why = f"written with export schema {schema_version}; this library writes {SCHEMA_VERSION}"
        return tuple((name, why) for name in sorted(files))
    present = set(files)
    formats = [f for f in ALL_FORMATS if present & set(data_file_names(dataset, f))]
    if not formats:  # pragma: no cover - decoding needed one complete format
        raise IntegrityError(f"{label}: holds none of the files this library writes")
    rebuilt = release_files(dataset, formats)
    for name in sorted(present - rebuilt.keys()):
        msg = f"{label}/{name}: this library writes no such file for these records"
        raise IntegrityError(msg)
    for name in sorted(rebuilt.keys() - present):
        msg = f"{label}/{name}: missing; this library writes it with the {', '.join(formats)} files"
        raise IntegrityError(msg)
    actual = {name: _read_small(files[name], f"{label}/{name}") for name in sorted(files)}
    given, not_compared = _foreign_parquet(actual, rebuilt, label)
    if given:
        rebuilt = release_files(dataset, formats, given=given)
    for name in rebuilt:  # data files first, SHA256SUMS (which differs with any) last
        _same_bytes(rebuilt[name], actual[name], f"{label}/{name}")
    return not_compared


def _foreign_parquet(
    actual: Mapping[str, bytes], rebuilt: Mapping[str, bytes], label: str
) -> tuple[dict[str, bytes], tuple[tuple[str, str], ...]]:
    """Parquet files written by another pyarrow, whose bytes no rebuild here can give.

    Their decoded records were already compared; their metadata (schema,
    field and file key-values) must still be exactly what this library writes.
    """
    from shanghai_innovation._formats.parquet import created_by  # noqa: PLC0415 - pyarrow

    given: dict[str, bytes] = {}
    reasons: list[tuple[str, str]] = []
    for name in sorted(actual):
        if not name.endswith(".parquet") or name not in rebuilt or actual[name] == rebuilt[name]:
            continue
        where = f"{label}/{name}"
        theirs, ours = created_by(actual[name], where), created_by(rebuilt[name], where)
        if theirs == ours:
            continue  # same writer, other bytes: the byte comparison reports it
        _same_parquet_metadata(rebuilt[name], actual[name], where)
        given[name] = actual[name]
        reasons.append((name, f"written by {quoted(theirs)}; this pyarrow writes {quoted(ours)}"))
    return given, tuple(reasons)


def _same_parquet_metadata(ours: bytes, theirs: bytes, where: str) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    ours_schema = pq.read_schema(pa.BufferReader(ours))
    theirs_schema = pq.read_schema(pa.BufferReader(theirs))
    # The key-values as stored, and as the Arrow schema within them (base64) says.
    arrow_key = b"ARROW:schema"
    ours_kv = dict(pq.read_metadata(pa.BufferReader(ours)).metadata or {})
    theirs_kv = dict(pq.read_metadata(pa.BufferReader(theirs)).metadata or {})
    ours_kv.pop(arrow_key, None)
    theirs_kv.pop(arrow_key, None)
    if ours_kv != theirs_kv or not ours_schema.equals(theirs_schema, check_metadata=True):
        msg = f"{where}: its schema or metadata differs from what this library writes"
        raise IntegrityError(msg)


def _same_bytes(expected: bytes, actual: bytes, where: str) -> None:
    from shanghai_innovation._strict_json import parse_json  # noqa: PLC0415

    if expected == actual:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )
    difference = f"first difference at byte {at}"
    if where.endswith((".json", ".jsonld")):
        try:
            ours, theirs = parse_json(expected.decode()), parse_json(actual.decode())
        except ValueError:
            pass
        else:
            if ours != theirs:
                difference += f", at {_first_key_difference(ours, theirs)}"
    msg = (
        f"{where}: not the file this library writes for these records ({difference}; "
        "edited after the export?)"
    )
    raise IntegrityError(msg)


def _first_key_difference(expected: Any, actual: Any, path: str = "$") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if expected.get(key) != actual.get(key):
                step = f"{path}.{key}"
                return _first_key_difference(expected.get(key), actual.get(key), step)
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (a, b) in enumerate(zip(expected, actual, strict=True)):
            if a != b:
                return _first_key_difference(a, b, f"{path}[{i}]")
    shown = quoted(path, 120)  # '$.a.b' or, cut short, '$.a... (N characters)
    return shown[1:-1] if shown.endswith("'") else shown[1:]


# --- the public functions ----------------------------------------------------


def _open(
    source: object,
    cache_dir: str | os.PathLike[str] | None,
    max_bytes: int | None,
    timeout: float | None,
    *,
    thorough: bool,
) -> _Opened:
    cap, seconds = _check_arguments(source, cache_dir, max_bytes, timeout)
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
            (default: ``DEFAULT_MAX_BYTES``, 96 MiB); a positive whole number.
        timeout: Seconds any one network operation may take; a whole download
            gets four times this (default: ``DEFAULT_TIMEOUT``, 30 s); a
            positive, finite number.

    Raises:
        IntegrityError: a file does not match SHA256SUMS or datapackage.json,
            is missing, or is not listed; or the fingerprint does not match.
        UnsafeArchiveError: the zip (or folder) holds unsafe paths or links, or is too large.
        DownloadError: the URL could not be downloaded.
        ReleaseError: anything else malformed, including a newer schema version.
        TypeError: an argument of the wrong type.
        ValueError: a ``max_bytes`` or ``timeout`` that is not positive.

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
    same records, then the whole release is rebuilt from the decoded data
    and every file must be byte for byte what was rebuilt. Files that cannot
    be rebuilt (another schema version, Parquet from another pyarrow) are
    listed in the report's ``not_compared``, and ``complete`` is false.
    Takes the same arguments as :func:`load_release`.

    Raises:
        ShanghaiInnovationError: the same errors as :func:`load_release`, each
            with a one-line reason; an :class:`IntegrityError` for a file
            that differs from the rebuild.

    """
    opened = _open(source, cache_dir, max_bytes, timeout, thorough=True)
    label = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
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
        not_compared=opened.not_compared,
    )
