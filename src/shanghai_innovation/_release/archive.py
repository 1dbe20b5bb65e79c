"""Unpacking a release zip without trusting it.

A zip is checked member by member before anything is written: every name
must be a plain relative path (no absolute path, no ``..``, no drive letter,
no backslash), every member a regular file or a folder (no links, devices or
pipes), no name may repeat (ignoring case), nothing may be encrypted, and the
declared sizes must stay under the caps. Because a zip's headers can lie,
bytes are counted again while extracting. Only :mod:`zipfile` reads the zip.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Final

from shanghai_innovation._errors import ReleaseError, UnsafeArchiveError, first_line

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "check_member_name",
    "extract_zip",
    "release_root",
]

#: Largest total size, in bytes, a release may unpack to (and a download may have).
DEFAULT_MAX_BYTES: Final = 200 * 1024 * 1024
#: Largest uncompressed-to-compressed size ratio allowed for a member over RATIO_FLOOR bytes.
MAX_RATIO: Final = 200
#: Members smaller than this (in bytes) are not held to MAX_RATIO.
RATIO_FLOOR: Final = 1024 * 1024
#: Most members a release zip may hold.
MAX_MEMBERS: Final = 1000

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

    Also used for the file names a manifest lists, which must obey the same rules.
    """
    where = f"{label}: member {name!r}"
    if not name or name in {"/", "."}:
        raise UnsafeArchiveError(f"{where}: empty name")
    if "\\" in name:
        raise UnsafeArchiveError(f"{where}: backslash in name (a Windows path)")
    if "\x00" in name or any(ord(c) < 32 for c in name):
        raise UnsafeArchiveError(f"{where}: control character in name")
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
        where = f"{label}: member {info.filename!r}"
        relative = check_member_name(info.filename, label)
        _check_kind(info, where)
        key = str(relative).casefold()
        if key in seen:
            raise UnsafeArchiveError(f"{where}: duplicate of member {seen[key]!r}")
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
        UnsafeArchiveError: a member would leave the folder, is a link, repeats,
            or the zip unpacks over ``max_bytes`` or compresses suspiciously well.
        ReleaseError: the file is not a readable zip.

    """
    label = label if label is not None else str(archive_path)
    root = target.resolve()
    try:
        with zipfile.ZipFile(archive_path) as archive:
            plan = _plan(archive, label, max_bytes)
            budget = max_bytes
            for info, relative in plan:
                where = f"{label}: member {info.filename!r}"
                path = root.joinpath(*relative.parts)
                if not path.resolve().is_relative_to(root):  # pragma: no cover - names checked
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
