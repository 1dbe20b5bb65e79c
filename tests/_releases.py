"""Shared helpers for the release tests: a small dataset, resealing, zips and a local server."""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import http.server
import json
import math
import shutil
import struct
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs

import shanghai_innovation as si
from shanghai_innovation._dataset import TABLES, DatasetInfo
from shanghai_innovation._formats.json import content_fingerprint
from shanghai_innovation._formats.metadata import jsonld_bytes
from shanghai_innovation._load import read_directory
from shanghai_innovation._release.export import export_release

#: The dataset's package name, hence the JSON file's stem.
NAME = "si-test"
#: The datapackage.json keys of the schema version and the fingerprint.
SCHEMA_KEY = "shanghai_innovation:schema_version"
FINGERPRINT_KEY = "shanghai_innovation:fingerprint"

INFO = f"""
name = "{NAME}"
title = "A small test dataset"
version = "1.2.3"
description = "Records written for the release tests."
license = "CC-BY-4.0"
license_url = "https://creativecommons.org/licenses/by/4.0/"
attribution = "Test data, no article."
"""

#: One or two records per table, every reference resolving.
TOML = {
    "sources": """
[[sources]]
id = "src"
title = "A title"
author = "An author"
outlet = "An outlet"
url = "https://example.org/a"
published = 2020-12-31
published_inferred = false
language = "en"
note = "A note, with a comma and \\"quotes\\"."
""",
    "entities": """
[[entities]]
id = "city"
name = "City"
kind = "place"
locator = "src#header/1"
aliases = ["Town", "Metropolis"]

[[entities]]
id = "index"
name = "An index"
kind = "ranking"
locator = "src#header/1"
""",
    "metrics": """
[[metrics]]
id = "firms"
subject = "city"
measure = "Firms"
quantity = { value = 16000, unit = "count", qualifier = "nearly" }
as_of = "2020-11"
locator = "src#introduction/5"

[[metrics]]
id = "share"
subject = "city"
measure = "A share, in percent"
quantity = { value = "3.5", unit = "percent", qualifier = "at least" }
period = { start = "2016", end = "2020", derived = true }
locator = "src#introduction/6"
""",
    "events": """
[[events]]
id = "opening"
date = "2020-01-09"
title = "Opening"
summary = "Something opened."
locator = "src#highlights-of-2020/1"
entities = ["city"]
metrics = ["firms"]
""",
    "rankings": """
[[rankings]]
id = "rank-2020"
ranking = "index"
subject = "city"
edition = 2020
rank = 5
out_of = { value = 100, unit = "count" }
previous_rank = 8
previous_year = 2016
movement = 3
locator = "src#introduction/7"
""",
    "references": """
[[references]]
id = "ref-one"
statement = "A figure."
confidence = "high"
citation = { publisher = "A publisher", published = "2020-01" }
""",
    "errata": """
[[errata]]
id = "erratum-one"
kind = "unverified"
record = "rank-2020"
field_name = "previous_rank"
stated = "8"
explanation = "Not confirmed."
references = ["ref-one"]
""",
}


def write_small_data(folder: Path) -> Path:
    """Write the small dataset's data files (dataset.toml and one file a table) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.toml").write_text(INFO, encoding="utf-8")
    for table in TABLES:
        (folder / f"{table}.toml").write_text(TOML.get(table, ""), encoding="utf-8")
    return folder


@functools.cache
def small_dataset() -> si.Dataset:
    """A small valid dataset, independent of the curated data."""
    with tempfile.TemporaryDirectory() as tmp:
        return read_directory(write_small_data(Path(tmp)))


def release_file_names(formats: tuple[str, ...] = ("parquet", "csv", "json")) -> list[str]:
    """Every file an export of the small dataset writes, sorted."""
    names = ["SHA256SUMS", "datapackage.json", "croissant.json", "claimreview.jsonld"]
    names += [f"{t}.{f}" for t in TABLES for f in ("parquet", "csv") if f in formats]
    if "json" in formats:
        names.append(f"{NAME}.json")
    return sorted(names)


#: This process's one export of the small dataset per set of formats (see :func:`export`).
_EXPORTED: dict[tuple[str, ...], Path] = {}


def export(target: Path, formats: tuple[str, ...] = ("parquet", "csv", "json")) -> Path:
    """Export the small dataset into target (created).

    The first call for a set of formats runs ``export_release``; later calls in
    the same process copy what it wrote. An export is deterministic (a rebuild
    is byte for byte the same: test_export), so the copy is the export, and a
    fault in the export code still shows in the one it copies.
    """
    master = _EXPORTED.get(formats)
    if master is None:
        master = Path(tempfile.mkdtemp(prefix="si-test-release-")) / "release"
        atexit.register(shutil.rmtree, master.parent, True)
        export_release(master, dataset=small_dataset(), formats=formats)
        _EXPORTED[formats] = master
    shutil.copytree(master, target)
    return target


def warm() -> None:
    """Make this process's exports now: the mutation runner calls this before it forks.

    Only for mutants of files the export does not import (the runner checks),
    so that each child copies the releases instead of writing them again.
    """
    for formats in (("parquet", "csv", "json"), ("json",), ("parquet", "csv")):
        with tempfile.TemporaryDirectory() as tmp:
            export(Path(tmp) / "release", formats)


def _sums(folder: Path) -> bytes:
    names = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    )
    lines = "".join(
        f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n" for n in names
    )
    return lines.encode("utf-8", "surrogateescape")


def _resealed_package(folder: Path, package: dict[str, Any]) -> dict[str, Any]:
    """Every resource's size and hash set to its file's, as an attacker would."""
    for resource in package.get("resources", []):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        path = folder / resource["path"]
        if not path.is_file():
            continue
        data = path.read_bytes()
        key = "bytes" if "bytes" in resource else "shanghai_innovation:bytes"
        resource[key] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return package


def _reseal_croissant(folder: Path) -> None:
    """Every file's sha256 and size in croissant.json set to its file's, as an attacker would.

    Written back in the library's own JSON-LD form, so that only the
    checksums change (left alone when it is missing or not a JSON object).
    """
    path = folder / "croissant.json"
    if not path.is_file():
        return
    try:
        document = json.loads(path.read_bytes())
    except ValueError:
        return
    if not isinstance(document, dict) or not isinstance(document.get("distribution"), list):
        return
    for item in document["distribution"]:
        if isinstance(item, dict) and isinstance(item.get("contentUrl"), str):
            file = folder / item["contentUrl"]
            if "sha256" in item and file.is_file():
                data = file.read_bytes()
                item["sha256"] = hashlib.sha256(data).hexdigest()
                item["contentSize"] = f"{len(data)} B"
    resealed = jsonld_bytes(document)
    if resealed != path.read_bytes():
        path.write_bytes(resealed)


def _dump(package: Any) -> bytes:
    return (json.dumps(package, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode(
        "utf-8", "surrogatepass"
    )


def hostile(
    folder: Path,
    files: dict[str, bytes | None] | None = None,
    *,
    package: Callable[[dict[str, Any]], Any] | None = None,
    package_text: Callable[[str], str] | None = None,
) -> Path:
    """Make a release folder say what an attacker wants, then reseal it as they would.

    The attacker controls every byte, checksums included, so a hostile
    release is only ever refused for what it holds. In order:

    1. ``files``: each name's new bytes (``None`` deletes the file);
    2. ``package``: a function editing the parsed ``datapackage.json``;
    3. every file's size and SHA-256 in ``croissant.json``, then every
       resource's in ``datapackage.json``, is set to its file's (each skipped
       when its document is not a JSON object);
    4. ``package_text``: a function editing the manifest's text after that
       (duplicate keys, escapes no JSON writer would produce);
    5. ``SHA256SUMS`` is rewritten to list every other file with its SHA-256.

    Returns the folder.
    """
    for name, data in (files or {}).items():
        path = folder / name
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    _reseal_croissant(folder)
    package_path = folder / "datapackage.json"
    if package_path.is_file():
        raw = package_path.read_bytes()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            if package is not None:
                package(parsed)
            raw = _dump(_resealed_package(folder, parsed))
        if package_text is not None:
            raw = package_text(raw.decode("utf-8", "surrogatepass")).encode(
                "utf-8", "surrogatepass"
            )
        package_path.write_bytes(raw)
    (folder / "SHA256SUMS").write_bytes(_sums(folder))
    return folder


def reseal(folder: Path, *, resources: bool = True) -> None:
    """Recompute every size and hash after tampering, so only the content is wrong.

    With ``resources=False`` only SHA256SUMS is rewritten, keeping what
    datapackage.json says about each file.
    """
    if resources:
        hostile(folder)
    else:
        (folder / "SHA256SUMS").write_bytes(_sums(folder))


def edit_package(
    folder: Path, change: Callable[[dict[str, Any]], Any], *, resources: bool = True
) -> None:
    """Change datapackage.json with a function, then reseal (see :func:`reseal`)."""
    path = folder / "datapackage.json"
    package = json.loads(path.read_bytes())
    change(package)
    path.write_text(json.dumps(package, indent=2), encoding="utf-8")
    reseal(folder, resources=resources)


def edit_json(path: Path, change: Callable[[Any], Any]) -> str:
    """The text of a JSON file after ``change`` edits it, written as the library writes JSON."""
    document = json.loads(path.read_bytes())
    change(document)
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def fingerprint_of(package: dict[str, Any]) -> str:
    """The fingerprint an attacker computes for the small dataset under a manifest's claims.

    The records stay the small dataset's; the dataset info and the schema
    version are what ``package`` (a parsed datapackage.json) says.
    """
    info = DatasetInfo(
        name=package["name"],
        title=package["title"],
        version=package["version"],
        description=package["description"],
        license=package["licenses"][0]["name"],
        license_url=package["licenses"][0]["path"],
        attribution=package["shanghai_innovation:attribution"],
    )
    dataset = attrs.evolve(small_dataset(), info=info)
    return content_fingerprint(dataset, package[SCHEMA_KEY])


def keep_only(folder: Path, keep: Callable[[str], bool]) -> Path:
    """Delete every data file ``keep`` refuses, and its resource, then reseal."""
    gone = [
        p.name
        for p in folder.iterdir()
        if p.name not in {"datapackage.json", "SHA256SUMS"} and not keep(p.name)
    ]

    def drop(package: dict[str, Any]) -> None:
        package["resources"] = [r for r in package["resources"] if r["path"] not in gone]

    return hostile(folder, dict.fromkeys(gone), package=drop)


def json_only(folder: Path) -> Path:
    """Leave only the JSON document (and the manifest and sums) in a release."""
    return keep_only(folder, lambda name: name == f"{NAME}.json")


def csv_only(folder: Path) -> Path:
    """Leave only the CSV files (and the manifest and sums) in a release."""
    return keep_only(folder, lambda name: name.endswith(".csv"))


def parquet_with_rows(path: Path, rows: int) -> bytes:
    """A Parquet file like ``path`` (same schema and metadata) repeating its first row."""
    import pyarrow as pa  # noqa: PLC0415 - only the tests that build Parquet need it
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(path)
    repeated = table.take(pa.array([0] * rows, pa.int64()))
    sink = pa.BufferOutputStream()
    pq.write_table(repeated, sink, compression="zstd")
    data: bytes = sink.getvalue().to_pybytes()
    return data


def zip_with_members(count: int, claimed: int | None = None) -> bytes:
    """A zip whose central directory lists ``count`` members (all one empty file).

    Built from bytes in a few milliseconds whatever the count. The end record
    claims ``claimed`` members (default: ``count``, capped at 65535), which
    zipfile ignores: it reads the whole central directory.
    """
    name = b"a"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0, 0, 0,
        0, 0, 0,
    ) + name
    directory = central * count
    entries = min(count if claimed is None else claimed, 0xFFFF)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(directory), len(local) + 1, 0
    )
    return local + name + directory + end


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """Zip every file of a folder, optionally inside one top-level folder."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def flip(path: Path, offset: int, mask: int = 0x01) -> None:
    """XOR one byte of a file with mask."""
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= mask
    path.write_bytes(bytes(data))


# --- hostile inputs at scale, and measuring what reading them costs ------------------


def parquet_rows_file(source: Path, target: Path, rows: int, *, group: int = 100_000) -> Path:
    """A Parquet file like ``source`` repeating its first row ``rows`` times.

    Written a row group at a time, so making a million rows takes little memory.
    """
    import pyarrow as pa  # noqa: PLC0415 - only the tests that build Parquet need it
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(source)
    with pq.ParquetWriter(target, table.schema, compression="zstd") as writer:
        for start in range(0, rows, group):
            count = min(group, rows - start)
            writer.write_table(table.take(pa.array([0] * count, pa.int64())))
    return target


def parquet_text_bomb(source: Path, target: Path, rows: int, size: int) -> Path:
    """A Parquet file like ``source`` whose rows each hold ``size`` characters of note text.

    The text repeats, so zstd shrinks the pages to almost nothing while they
    decompress to ``rows * size`` bytes.
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(source).take(pa.array([0] * rows, pa.int64()))
    notes = pa.array([f"{i:08d}" + "n" * size for i in range(rows)], pa.string())
    index = table.schema.get_field_index("note")
    table = table.set_column(index, table.schema.field(index), notes)
    pq.write_table(table, target, compression="zstd", use_dictionary=False)
    return target


def write_repeated(target: Path, head: bytes, unit: bytes, count: int, tail: bytes) -> Path:
    """A file of ``head``, ``unit`` repeated ``count`` times, then ``tail``, written in chunks."""
    with target.open("wb") as handle:
        handle.write(head)
        block = unit * max(1, min(count, (1 << 20) // max(1, len(unit))))
        left = count
        while left > 0:
            part = block if left * len(unit) >= len(block) else unit * left
            handle.write(part)
            left -= len(part) // len(unit)
        handle.write(tail)
    return target


#: Run in a child: read a small release to warm up (every import done), then
#: the hostile one; print the outcome, the CPU seconds, the resident memory
#: before the read and the peak during it (kB). On Linux the peak is reset
#: after the warm-up (/proc/self/clear_refs), so it is the read's own; elsewhere
#: it is ru_maxrss, the peak of the whole run.
_MEASURE = """
import json, re, resource, sys
import shanghai_innovation as si

warm, target, function = sys.argv[1:4]
try:
    getattr(si, function)(warm)
except si.ShanghaiInnovationError:  # other versions may refuse it: it warmed up all the same
    pass

def status(key):
    with open("/proc/self/status") as handle:
        return int(re.search(key + r":\\s+(\\d+) kB", handle.read())[1])

def cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime

try:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before, peak = status("VmRSS"), lambda: status("VmHWM")
except OSError:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = cpu()
try:
    getattr(si, function)(target)
    outcome = "read"
except si.ShanghaiInnovationError as exc:
    outcome = type(exc).__name__ + ": " + str(exc)
print(json.dumps({"outcome": outcome, "cpu": cpu() - started, "warm": before, "peak": peak()}))
"""


@attrs.frozen
class Measured:
    """What reading one hostile input cost a fresh interpreter."""

    #: "read", or the library error's class and message.
    outcome: str
    #: CPU seconds (user and system) the read took.
    seconds: float
    #: MiB the resident memory rose to during the read, above where it stood before.
    growth_mb: float
    #: MiB of peak resident memory during the read.
    peak_mb: float


def measure(
    warm: Path,
    target: Path,
    function: str = "verify",
    *,
    memory_limit: int | None = 4 << 30,
    python_path: str | None = None,
) -> Measured:
    """Read ``target`` with ``si.<function>`` in a child process; its CPU time and peak memory.

    The child's address space is capped at ``memory_limit`` bytes, so a
    regression fails the test instead of exhausting the machine. The child
    measures itself (its peak resident size, reset after the warm-up where
    Linux allows, else ``ru_maxrss``), so other children of the test process
    cannot blur the figure as ``RUSAGE_CHILDREN`` would.
    """
    import os  # noqa: PLC0415
    import resource  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    def limit() -> None:  # pragma: no cover - runs in the child
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = python_path
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(warm), str(target), function],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        preexec_fn=limit,
        env=env,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return Measured(f"crashed ({done.returncode}): {last}", math.nan, math.nan, math.nan)
    report = json.loads(done.stdout)
    return Measured(
        report["outcome"],
        report["cpu"],
        (report["peak"] - report["warm"]) / 1024,
        report["peak"] / 1024,
    )


# --- a local HTTP server --------------------------------------------------------------

#: What the server does for one path.
Route = Callable[["_Handler"], None]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        with contextlib.suppress(ConnectionError, OSError):
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class Server(http.server.ThreadingHTTPServer):
    """A local HTTP server on 127.0.0.1 with routes set by each test."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.stop = threading.Event()

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def serve(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> str:
        """Serve fixed bytes at path; returns the URL."""

        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/zip")
            sent = {"Content-Length": str(len(body)), **(headers or {})}
            for key, value in sent.items():
                if value:
                    handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = route
        return self.url(path)

    def status(self, path: str, code: int, reason: str) -> str:
        """Answer path with a status line of the server's choosing; returns the URL."""

        def route(handler: _Handler) -> None:
            handler.send_response(code, reason)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = route
        return self.url(path)

    def short(self, path: str, body: bytes, declared: int) -> str:
        """Announce ``declared`` bytes, send ``body`` (fewer), then hang up; returns the URL."""

        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Length", str(declared))
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
            handler.close_connection = True

        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        """Answer path with a 302 to location; returns the URL."""

        def route(handler: _Handler) -> None:
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = route
        return self.url(path)

    def stall(self, path: str) -> str:
        """Accept the request and send nothing until the test ends."""

        def route(handler: _Handler) -> None:
            self.stop.wait(30)

        self.routes[path] = route
        return self.url(path)

    def trickle(self, path: str, body: bytes, every: float) -> str:
        """Send headers, then one byte every ``every`` seconds."""

        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for i in range(len(body)):
                if self.stop.wait(every):
                    return
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()

        self.routes[path] = route
        return self.url(path)

    def slow_headers(self, path: str, every: float) -> str:
        """Send the status line and headers one byte every ``every`` seconds, forever."""

        def route(handler: _Handler) -> None:
            head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 10_000
            for i in range(len(head)):
                if self.stop.wait(every):
                    return
                handler.wfile.write(head[i : i + 1])
                handler.wfile.flush()

        self.routes[path] = route
        return self.url(path)

    def endless(self, path: str) -> str:
        """Send body bytes without a Content-Length until the client hangs up."""

        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.end_headers()
            chunk = b"\0" * 65536
            while not self.stop.is_set():
                handler.wfile.write(chunk)

        self.routes[path] = route
        return self.url(path)


ServerT = TypeVar("ServerT", bound=Server)


def running_server() -> contextlib.AbstractContextManager[Server]:
    """Start a local server in a thread; stop it afterwards."""
    return serving(Server())


@contextlib.contextmanager
def serving(server: ServerT) -> Iterator[ServerT]:
    """Serve ``server`` (a ``Server`` or a subclass) in a thread; stop it afterwards."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def copy_release(source: Path, target: Path) -> Path:
    """A fresh copy of a release folder."""
    shutil.copytree(source, target)
    return target


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens."""
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/release.zip"
