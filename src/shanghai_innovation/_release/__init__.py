"""The open-data release: export, read back and verify, fetch, unpack, diff.

A release is a folder of files written by :mod:`.export` from the formats in
``_formats``; :mod:`.reader` reads one back, trusting nothing in it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ALL_FORMATS", "DATAPACKAGE_FILE"]

#: Every export format, in the order the CLI lists them. Kept here, apart
#: from the writers, so that the command line's parser needs nothing else.
ALL_FORMATS: Final = ("parquet", "csv", "json")
#: The manifest file of a release. Here too, so that the loader can tell a
#: release folder from a data folder without importing the writers.
DATAPACKAGE_FILE: Final = "datapackage.json"
