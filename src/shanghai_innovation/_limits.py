"""Every cap on what the library reads or prints, in one place.

A release, a zip, a download or a data folder may come from anyone, so each
reader of outside bytes refuses input beyond a cap *before* parsing it, and
the caps together bound the memory and time any input can cost. Each cap is
set from the size of the bundled data (measured on dataset 1.1.0: 222
records, the largest table 89 rows, the largest release file 198 KB, the
whole release 835 KB in 31 files), with about a hundredfold headroom; a test
(``tests/test_limits.py``) fails when the bundled data outgrows that
headroom, so the caps are raised deliberately, never silently.

SECURITY.md states these values; change both together.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

    from ._errors import ShanghaiInnovationError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_CENTRAL_DIRECTORY",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MESSAGE",
    "MAX_NAME_BYTES",
    "MAX_NESTING",
    "MAX_PARQUET_PAGES",
    "MAX_PARQUET_VALUES",
    "MAX_PROBLEMS",
    "MAX_QUOTED",
    "MAX_RECORDS",
    "MAX_ROWS",
    "MAX_VALUES",
    "read_capped",
]

#: Rows one table may hold in a release (and records one data file may hold):
#: over 100x the largest bundled table (89 references).
MAX_ROWS: Final = 10_000
#: Records a whole release (or data folder) may hold: over 100x the bundled 222.
MAX_RECORDS: Final = 25_000
#: Bytes one file may hold (a release file, a data file): over 100x the
#: largest file of the bundled release (datapackage.json, 198 KB).
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
#: Bytes a whole release may unpack to, and a download may hold (the default
#: of ``max_bytes=``): over 100x the bundled release (790 KB).
DEFAULT_MAX_BYTES: Final = 96 * 1024 * 1024
#: Values (objects, arrays, strings, numbers, literals) one JSON or TOML
#: document may hold, counted from its text before parsing: over 100x the
#: bundled datapackage.json (5,599 values). Parsed, a value costs about 90
#: bytes (measured on empty objects), so a document at the cap about 70 MB.
MAX_VALUES: Final = 750_000
#: How deeply JSON arrays and objects, and TOML arrays and tables, may nest
#: (the bundled files nest at most 8 deep: datapackage.json).
MAX_NESTING: Final = 32
#: Values the list columns of one Parquet file may hold together (items, and
#: one for each empty list): 10 a row at the row cap, over 400x a bundled file.
MAX_PARQUET_VALUES: Final = 10 * MAX_ROWS
#: Pages one Parquet file may hold: over 100x a bundled file.
MAX_PARQUET_PAGES: Final = 8_192
#: Members a release zip may hold (a release has 31 files).
MAX_MEMBERS: Final = 1_000
#: Bytes a zip's central directory may take: 1 KiB a member.
MAX_CENTRAL_DIRECTORY: Final = MAX_MEMBERS * 1024
#: Bytes (UTF-8) one file name in a release may take.
MAX_NAME_BYTES: Final = 255
#: Characters of one line of a message, escapes included.
MAX_MESSAGE: Final = 1_000
#: Characters of an outside value quoted inside a message.
MAX_QUOTED: Final = 200
#: Problems one :class:`~shanghai_innovation.DataError` lists (the rest are counted).
MAX_PROBLEMS: Final = 100


def read_capped(
    source: Path | Traversable,
    where: str,
    error: type[ShanghaiInnovationError],
    cap: int | None = None,
) -> bytes:
    """The bytes of a file (a path or an importlib Traversable), refusing more than ``cap``.

    ``cap`` defaults to :data:`MAX_FILE_BYTES` (read at call time).

    A file whose size already says it is over the cap is refused unread;
    otherwise never more than ``cap + 1`` bytes are read, whatever the size.

    Raises:
        ShanghaiInnovationError: of class ``error``, naming ``where``: the file
            is missing, unreadable or over the cap.

    """
    if cap is None:
        cap = MAX_FILE_BYTES
    too_large = f"{where}: larger than the cap of {cap} bytes for one file"
    size = 0
    try:
        with source.open("rb") as handle:
            with contextlib.suppress(AttributeError, OSError, io.UnsupportedOperation):
                size = os.fstat(handle.fileno()).st_size
            data = handle.read(cap + 1) if size <= cap else b""
    except FileNotFoundError:
        raise error(f"{where}: file missing") from None
    except (OSError, ValueError) as exc:  # ValueError: a null character in the path
        raise error(f"{where}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if size > cap or len(data) > cap:
        raise error(too_large)
    return data
