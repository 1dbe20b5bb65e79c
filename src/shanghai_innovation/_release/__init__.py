"""The open-data release: export, read back and verify, fetch, unpack, diff.

A release is a folder of files written by :mod:`.export` from the formats in
``_formats``; :mod:`.reader` reads one back, trusting nothing in it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ALL_FORMATS"]

#: Every export format, in the order the CLI lists them. Kept here, apart
#: from the writers, so that the command line's parser needs nothing else.
ALL_FORMATS: Final = ("parquet", "csv", "json")
