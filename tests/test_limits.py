"""The caps keep a hundredfold headroom over the bundled data, and SECURITY.md states them.

When the bundled data grows past what a cap allows for, these fail, so a cap
is raised on purpose (in ``_limits`` and SECURITY.md together), never hit by
the project's own release.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shanghai_innovation as si
from shanghai_innovation import _limits
from shanghai_innovation._formats.parquet_pages import _chunk_pages
from shanghai_innovation._release.export import release_files

from .conftest import DATA_DIR

SECURITY = Path(__file__).resolve().parent.parent / "SECURITY.md"


@functools.cache
def _files() -> dict[str, bytes]:
    return release_files(si.load())


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _parquet(data: bytes) -> tuple[int, int]:
    """The values of the list columns, and the pages, of a Parquet file."""
    metadata = pq.read_metadata(pa.BufferReader(data))
    values, pages = 0, 0
    for group in range(metadata.num_row_groups):
        for column in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(column)
            values += chunk.num_values if ".list." in chunk.path_in_schema else 0
            if chunk.num_values:
                start = chunk.data_page_offset
                if chunk.has_dictionary_page:
                    start = min(start, chunk.dictionary_page_offset)
                pages += len(_chunk_pages(data, start, chunk.total_compressed_size))
    return values, pages


def test_row_caps_are_a_hundred_times_the_bundled_data() -> None:
    """MAX_ROWS is 100x the largest bundled table, MAX_RECORDS 100x all the records."""
    assert _limits.MAX_ROWS >= 100 * max(len(records) for _, records in si.load().tables())
    assert _limits.MAX_RECORDS >= 100 * len(si.load())


def test_file_caps_are_a_hundred_times_the_release() -> None:
    """The per-file cap is 100x the largest release file, the total cap 100x the release."""
    sizes = [len(data) for data in _files().values()]
    assert _limits.MAX_FILE_BYTES >= 100 * max(sizes)
    assert _limits.DEFAULT_MAX_BYTES >= 100 * sum(sizes)
    data_files = [p.stat().st_size for p in DATA_DIR.glob("*.toml")]
    assert _limits.MAX_FILE_BYTES >= 100 * max(data_files)


def test_json_caps_are_a_hundred_times_the_release_documents() -> None:
    """MAX_VALUES is 100x the most values a JSON or TOML file holds; nesting 4x its depth."""
    documents = [
        data.decode() for name, data in _files().items() if name.endswith((".json", ".jsonld"))
    ]
    counts = [t.count(",") + t.count("[") + t.count("{") + 1 for t in documents]
    data = [p.read_text(encoding="utf-8") for p in DATA_DIR.glob("*.toml")]
    counts += [t.count("=") + t.count(",") + t.count("[") + t.count("{") for t in data]
    assert _limits.MAX_VALUES >= 100 * max(counts)
    toml = [tomllib.loads(p.read_text(encoding="utf-8")) for p in DATA_DIR.glob("*.toml")]
    depths = [_depth(json.loads(t)) for t in documents] + [_depth(d) for d in toml]
    assert _limits.MAX_NESTING >= 4 * max(depths)


def test_parquet_caps_are_a_hundred_times_the_release() -> None:
    """The list values and pages caps are 100x the most any bundled Parquet file has."""
    measured = [_parquet(data) for name, data in _files().items() if name.endswith(".parquet")]
    assert _limits.MAX_PARQUET_VALUES >= 100 * max(v for v, _ in measured)
    assert _limits.MAX_PARQUET_PAGES >= 100 * max(p for _, p in measured)


def test_member_cap_is_over_ten_times_the_release_files() -> None:
    """A release zip may hold over ten times the files a release has."""
    assert _limits.MAX_MEMBERS >= 10 * len(_files())


def _stated() -> dict[str, str]:
    """The caps table of SECURITY.md: constant name to the value it states."""
    row = re.compile(r"^\| .+? \| ([0-9][0-9,]*(?: [KM]iB)?) \| `(\w+)` \|", re.MULTILINE)
    return {name: value for value, name in row.findall(SECURITY.read_text(encoding="utf-8"))}


def _spelled(name: str, value: int) -> str:
    """A cap as SECURITY.md writes it: bytes in MiB or KiB when whole, counts with commas."""
    if "BYTES" in name or "DIRECTORY" in name:
        for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
            if value % size == 0:
                return f"{value // size:,} {unit}"
    return f"{value:,}"


@pytest.mark.parametrize(
    "name",
    [
        "MAX_ROWS",
        "MAX_RECORDS",
        "MAX_FILE_BYTES",
        "DEFAULT_MAX_BYTES",
        "MAX_VALUES",
        "MAX_NESTING",
        "MAX_PARQUET_VALUES",
        "MAX_PARQUET_PAGES",
        "MAX_MEMBERS",
        "MAX_CENTRAL_DIRECTORY",
        "MAX_NAME_BYTES",
        "MAX_MESSAGE",
        "MAX_QUOTED",
        "MAX_PROBLEMS",
    ],
)
def test_security_md_states_every_cap(name: str) -> None:
    """SECURITY.md's table gives each cap's value as the code has it."""
    assert _spelled(name, getattr(_limits, name)) == _stated().get(name)
