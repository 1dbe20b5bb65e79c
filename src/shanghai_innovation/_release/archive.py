"""Unpacking a release zip without trusting it.

Before :mod:`zipfile` reads anything, the zip's size must be under the cap
and its end record must declare a central directory under the member and
byte caps (zipfile would otherwise parse every entry of a directory of
millions first). Then it is checked member by member before anything is
written: every name must be a plain relative path (no absolute path, no
``..``, no drive letter, no backslash), printable (no control, format,
bidirectional or separator character) and at most 255 bytes; every member a
regular file or a folder (no links, devices or pipes); no name may repeat
(compared in Unicode NFC, ignoring case); nothing may be encrypted, and the
declared sizes must stay under the caps. Because a zip's headers can lie,
bytes are counted again while extracting. Only :mod:`zipfile` reads the zip.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Final

from shanghai_innovation import _limits
from shanghai_innovation._errors import ReleaseError, UnsafeArchiveError, first_line, quoted

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "check_member_name",
    "extract_zip",
    "name_key",
    "release_root",
]

#: Largest total size, in bytes, a release may unpack to (and a download may have).
DEFAULT_MAX_BYTES: Final = _limits.DEFAULT_MAX_BYTES
#: Largest uncompressed-to-compressed size ratio allowed for a member over RATIO_FLOOR bytes.
MAX_RATIO: Final = 200
#: Members smaller than this (in bytes) are not held to MAX_RATIO.
RATIO_FLOOR: Final = 1024 * 1024
#: Most members a release zip may hold.
MAX_MEMBERS: Final = _limits.MAX_MEMBERS

_CHUNK: Final = 64 * 1024
_DRIVE: Final = re.compile(r"^[A-Za-z]:")
#: What reading a damaged zip can raise inside zipfile and zlib.
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OverflowError,
    KeyError,
)


def check_member_name(name: str, label: str) -> PurePosixPath:
    """The member name as a safe relative path; raises :class:`UnsafeArchiveError` otherwise.

    Also used for the file names a manifest lists and the files a release
    folder holds, which must obey the same rules.
    """
    where = f"{label}: member {quoted(name)}"
    if not name or name in {"/", "."}:
        raise UnsafeArchiveError(f"{where}: empty name")
    if "\\" in name:
        raise UnsafeArchiveError(f"{where}: backslash in name (a Windows path)")
    if not name.isprintable():
        bad = next(c for c in name if not c.isprintable())
        msg = (
            f"{where}: the character U+{ord(bad):04X} in the name (control, format, "
            "bidirectional and separator characters are refused)"
        )
        raise UnsafeArchiveError(msg)
    if len(name.encode("utf-8")) > _limits.MAX_NAME_BYTES:
        raise UnsafeArchiveError(f"{where}: longer than {_limits.MAX_NAME_BYTES} bytes")
    if name.startswith("/"):
        raise UnsafeArchiveError(f"{where}: absolute path")
    if _DRIVE.match(name):
        raise UnsafeArchiveError(f"{where}: drive letter in path")
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        raise UnsafeArchiveError(f"{where}: '..' would leave the release folder")
    if any(part in {"", "."} for part in parts):
        raise UnsafeArchiveError(f"{where}: empty or '.' path segment")
    return PurePosixPath(*parts)


def name_key(name: str) -> str:
    """What two names must differ in to be two files anywhere: NFC, ignoring case.

    Composed and decomposed spellings (``café``) are one name on macOS, and
    ``A`` and ``a`` one on Windows and macOS; ``straße`` and ``strasse`` stay two.
    """
    return unicodedata.normalize("NFC", name).lower()


def _check_kind(info: zipfile.ZipInfo, where: str) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise UnsafeArchiveError(f"{where}: a symbolic link (links are refused)")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeArchiveError(f"{where}: not a regular file or folder (mode {mode:o})")
    if info.flag_bits & 0x1:
        raise UnsafeArchiveError(f"{where}: encrypted members are refused")


def _check_sizes(info: zipfile.ZipInfo, where: str) -> None:
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise UnsafeArchiveError(
            f"{where}: compression ratio {ratio}:1 is over the limit of {MAX_RATIO}:1 (a zip bomb?)"
        )


def _plan(
    archive: zipfile.ZipFile, label: str, max_bytes: int
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeArchiveError(
            f"{label}: {len(members)} members, over the limit of {MAX_MEMBERS}"
        )
    seen: dict[str, str] = {}
    plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    declared = 0
    for info in members:
        where = f"{label}: member {quoted(info.filename)}"
        relative = check_member_name(info.filename, label)
        _check_kind(info, where)
        key = name_key(str(relative))
        if key in seen:
            raise UnsafeArchiveError(f"{where}: duplicate of member {quoted(seen[key])}")
        seen[key] = info.filename
        _check_sizes(info, where)
        declared += info.file_size
        if declared > max_bytes:
            raise UnsafeArchiveError(
                f"{label}: unpacks to more than the cap of {max_bytes} bytes (a zip bomb?)"
            )
        plan.append((info, relative))
    return plan


def _copy(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, where: str, budget: int
) -> int:
    """Copy one member into target, counting bytes; returns how many were written."""
    written = 0
    with archive.open(info) as source, target.open("xb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise UnsafeArchiveError(f"{where}: holds more bytes than its header declares")
            if written > budget:
                raise UnsafeArchiveError(f"{where}: unpacking goes over the size cap (a zip bomb?)")
            if written > RATIO_FLOOR and written > MAX_RATIO * max(info.compress_size, 1):
                raise UnsafeArchiveError(
                    f"{where}: compression ratio over the limit of {MAX_RATIO}:1 (a zip bomb?)"
                )
            sink.write(chunk)
    if written != info.file_size:
        raise ReleaseError(f"{where}: {written} bytes where the header declares {info.file_size}")
    return written


_END: Final = b"PK\x05\x06"
_END64_LOCATOR: Final = b"PK\x06\x07"
_END_SIZE: Final = 22
_END64_SIZE: Final = 56
_LOCATOR_SIZE: Final = 20


def _check_directory(handle: IO[bytes], size: int, label: str) -> None:
    """Refuse a central directory over the caps from the end record zipfile will use.

    Finds that record as :mod:`zipfile` does (at the very end, else the last
    signature in the final 64 KiB), with its ZIP64 companion, so zipfile
    never reads a directory larger than checked here.
    """
    tail_size = min(size, _END_SIZE + 0xFFFF + _LOCATOR_SIZE + _END64_SIZE)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = len(tail) - _END_SIZE
    if not (at >= 0 and tail[at : at + 4] == _END and tail[-2:] == b"\x00\x00"):
        at = tail.rfind(_END)
    if at < 0 or at + _END_SIZE > len(tail):
        return  # zipfile refuses it as not a zip
    counts = [struct.unpack_from("<H", tail, at + 10)[0]]
    sizes = [struct.unpack_from("<I", tail, at + 12)[0]]
    locator = at - _LOCATOR_SIZE
    record = locator - _END64_SIZE
    if record >= 0 and tail[locator : locator + 4] == _END64_LOCATOR:
        counts.append(struct.unpack_from("<Q", tail, record + 32)[0])
        sizes.append(struct.unpack_from("<Q", tail, record + 40)[0])
    if max(counts) > MAX_MEMBERS:
        msg = f"{label}: {max(counts)} members, over the limit of {MAX_MEMBERS}"
        raise UnsafeArchiveError(msg)
    if max(sizes) > _limits.MAX_CENTRAL_DIRECTORY:
        msg = (
            f"{label}: a central directory of {max(sizes)} bytes, over the cap of "
            f"{_limits.MAX_CENTRAL_DIRECTORY} ({MAX_MEMBERS} members)"
        )
        raise UnsafeArchiveError(msg)


def extract_zip(
    archive_path: Path,
    target: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    label: str | None = None,
) -> Path:
    """Unpack a release zip into the empty folder ``target``, refusing anything unsafe.

    Returns the release folder: ``target`` itself, or the one folder the zip's
    contents sit in.

    Raises:
        UnsafeArchiveError: the zip is larger than ``max_bytes``, its central
            directory is over the caps, a member would leave the folder, is a
            link, repeats, or the zip unpacks over ``max_bytes`` or compresses
            suspiciously well.
        ReleaseError: the file is not a readable zip.

    """
    label = label if label is not None else str(archive_path)
    root = target.resolve()
    try:
        with archive_path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                msg = f"{label}: {size} bytes, over the cap of {max_bytes} bytes"
                raise UnsafeArchiveError(msg)
            _check_directory(handle, size, label)
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                plan = _plan(archive, label, max_bytes)
                budget = max_bytes
                for info, relative in plan:
                    where = f"{label}: member {quoted(info.filename)}"
                    path = root.joinpath(*relative.parts)
                    if not path.resolve().is_relative_to(root):  # through a link in the target
                        raise UnsafeArchiveError(f"{where}: would leave the release folder")
                    if info.is_dir():
                        path.mkdir(parents=True, exist_ok=True)
                        continue
                    path.parent.mkdir(parents=True, exist_ok=True)
                    budget -= _copy(archive, info, path, where, budget)
    except ReleaseError:
        raise
    except FileNotFoundError:
        raise ReleaseError(f"{label}: no such file") from None
    except (FileExistsError, IsADirectoryError, NotADirectoryError):
        # A file and a folder of the same name, e.g. "a" and "a/b".
        msg = f"{label}: members clash (a file and a folder share a name)"
        raise UnsafeArchiveError(msg) from None
    except _ZIP_ERRORS as exc:
        raise ReleaseError(f"{label}: not a readable zip ({first_line(exc)})") from None
    except OSError as exc:
        raise ReleaseError(f"{label}: cannot unpack ({exc.strerror or first_line(exc)})") from None
    return release_root(root)


def release_root(folder: Path) -> Path:
    """The folder itself, or its single subfolder when that is all it holds."""
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder
