"""Writing the open-data release: every file at once, atomically, reproducibly.

The release is one folder::

    <output>/
      SHA256SUMS              checksums of every other file, for `sha256sum -c`
      datapackage.json        Frictionless Data Package v2 describing the rest
      croissant.json          MLCommons Croissant 1.1 metadata (JSON-LD)
      claimreview.jsonld      the errata as schema.org ClaimReviews (JSON-LD)
      <dataset name>.json     the whole dataset as one JSON document
      <table>.csv             one per table (entities.csv, metrics.csv, ...)
      <table>.parquet         one per table

with ``<dataset name>`` the dataset info's name (``shanghai-innovation``).
Fewer formats can be asked for; ``datapackage.json``, ``croissant.json``,
``claimreview.jsonld`` and ``SHA256SUMS`` are always written, and list
exactly the files present.

**Atomic.** Every file is written into a fresh hidden folder beside the
output (``.<output name>.<random>.tmp``, same parent, so the final move is a
rename on one file system), then that folder is renamed to the output. A
non-empty output folder is refused with
:class:`~shanghai_innovation.OutputExistsError` unless ``force`` is given.
Without ``force`` the final rename itself refuses a folder that filled up
meanwhile, so of two exports racing into one empty folder exactly one
succeeds. With ``force`` the new folder and the old are swapped in one step
(Linux ``renameat2(RENAME_EXCHANGE)``), so at every instant the output holds
the complete old release or the complete new one, whatever signal arrives;
the old one is then deleted. Where that call is missing (other systems, some
file systems) the old folder is renamed aside (``.<output name>.<random>.old``)
and the new one renamed in: a process killed between those two renames
leaves no output, and the old release in that hidden folder. Any failure
before the final rename leaves the output exactly as it was and removes the
temporary folder; hidden folders left by an interrupted run (ours by name,
owned by this user, not in use by a live export, over a minute old) are
removed by the next export to the same output (a ``.old`` one only once the
output exists again).

An output is refused when it holds the current folder, the package's own
files or a folder the export reads (``--data``), since replacing it would
delete what is being exported.

**Checked.** Before the move, every file written is read back with the
library's own readers and must give exactly the records that went in (a
:class:`~shanghai_innovation.ReleaseError` or
:class:`~shanghai_innovation.ShanghaiInnovationError` otherwise, and nothing
is published).

**Reproducible.** No wall-clock time is written anywhere, files are built
in a fixed order, JSON has sorted keys and fixed separators, and the Parquet
bytes depend only on the records and the pyarrow version, so two exports of
the same data are byte-identical.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._errors import (
    ExportError,
    OutputExistsError,
    ShanghaiInnovationError,
    check_argument,
    one_line,
    quoted,
)
from shanghai_innovation._release import ALL_FORMATS, DATAPACKAGE_FILE
from shanghai_innovation._schema import SCHEMA_VERSION, table_specs

__all__ = [
    "ALL_FORMATS",
    "CHECKSUMS_FILE",
    "DATAPACKAGE_FILE",
    "ExportReport",
    "data_file_names",
    "export_release",
    "release_files",
]

#: The checksum file of a release (``sha256sum`` format).
CHECKSUMS_FILE: Final = "SHA256SUMS"
#: Seconds a hidden staging folder must have been left alone before a later
#: export may remove it (a live export holds a lock on its own as well).
STALE_SECONDS: Final = 60.0


@attrs.frozen
class ExportReport:
    """What an export wrote: where, which files, how big, and the content fingerprint."""

    #: The release folder.
    output: Path
    #: Dataset name and version.
    dataset: str
    version: str
    #: Version of the column layout.
    schema_version: str
    #: Content fingerprint (``sha256:<hex>``), as in datapackage.json.
    fingerprint: str
    #: Every file written: (name, size in bytes), sorted by name.
    files: tuple[tuple[str, int], ...]
    #: Records per table, in table order.
    rows: tuple[tuple[str, int], ...]
    #: Seconds the export took (not written into the release).
    seconds: float

    @property
    def total_bytes(self) -> int:
        """Size of the release: every file's bytes added up."""
        return sum(size for _, size in self.files)

    def __str__(self) -> str:
        records = sum(n for _, n in self.rows)
        lines = [
            f"Wrote {self.dataset} {self.version} (schema {self.schema_version}) to "
            f"{one_line(str(self.output))}: {len(self.files)} files, {self.total_bytes:,} bytes, "
            f"{records} records in {len(self.rows)} tables, in {self.seconds:.2f} s.",
            f"Content fingerprint: {self.fingerprint}",
        ]
        lines += [f"  {size:>10,}  {name}" for name, size in self.files]
        return "\n".join(lines)


def _dumps(document: Any) -> bytes:
    text = json.dumps(
        document, sort_keys=True, indent=2, separators=(",", ": "), ensure_ascii=False
    )
    return (text + "\n").encode("utf-8")


def _check_formats(formats: object) -> set[str]:
    if isinstance(formats, str | bytes) or not isinstance(formats, Iterable):
        msg = (
            f"formats must be a collection of format names such as ('csv',), "
            f"not {type(formats).__name__}"
        )
        raise TypeError(msg)
    chosen = list(formats)
    odd = [f for f in chosen if not isinstance(f, str)]
    if odd:
        msg = f"formats must hold format names (text), not {type(odd[0]).__name__}"
        raise TypeError(msg)
    unknown = sorted(set(chosen) - set(ALL_FORMATS))
    if unknown or not chosen:
        msg = f"unknown export format(s) {unknown}; choose from {', '.join(ALL_FORMATS)}"
        raise ValueError(msg)
    return set(chosen)


def _builders(dataset: Dataset, fmt: str) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Each data file of one format: its name and how to build its bytes."""
    from shanghai_innovation._formats.csv import csv_bytes  # noqa: PLC0415 - heavy imports only when exporting
    from shanghai_innovation._formats.datapackage import json_file_name  # noqa: PLC0415
    from shanghai_innovation._formats.json import dataset_to_json  # noqa: PLC0415

    if fmt == "json":
        yield json_file_name(dataset), functools.partial(dataset_to_json, dataset)
        return
    for spec in table_specs():
        records = dataset.table(spec.name)
        if fmt == "parquet":
            from shanghai_innovation._formats.parquet import parquet_bytes  # noqa: PLC0415 - imports pyarrow

            yield (
                f"{spec.name}.parquet",
                functools.partial(parquet_bytes, spec, records, dataset.info),
            )
        else:
            yield f"{spec.name}.csv", functools.partial(csv_bytes, spec, records)


def data_file_names(dataset: Dataset, fmt: str) -> tuple[str, ...]:
    """The data files one format adds to a release of ``dataset``, in writing order."""
    return tuple(name for name, _ in _builders(dataset, fmt))


def release_files(
    dataset: Dataset,
    formats: Iterable[str] = ALL_FORMATS,
    *,
    given: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every file of a release, name to bytes, built in memory in a fixed order.

    Args:
        dataset: What the release holds.
        formats: Which data formats to write.
        given: Data files to take as they are instead of building them (the
            descriptors and checksums are then built over these bytes).
            :func:`~shanghai_innovation.verify` passes Parquet files written
            by another pyarrow version, whose bytes it cannot rebuild.

    Raises:
        TypeError: ``formats`` is not a collection of names.
        ValueError: for an unknown format name, or a given file the formats do not write.

    """
    from shanghai_innovation._formats.datapackage import build_datapackage  # noqa: PLC0415

    chosen = _check_formats(formats)
    given = dict(given or {})
    files: dict[str, bytes] = {}
    for fmt in ALL_FORMATS:
        if fmt in chosen:
            for name, build in _builders(dataset, fmt):
                files[name] = given.pop(name) if name in given else build()
    if given:
        msg = f"given files the chosen formats do not write: {sorted(given)}"
        raise ValueError(msg)
    # The linked-data descriptors (claimreview.jsonld, croissant.json), always.
    from shanghai_innovation._formats.descriptors import descriptor_files  # noqa: PLC0415

    files.update(descriptor_files(dataset, files))
    files[DATAPACKAGE_FILE] = _dumps(build_datapackage(dataset, files))
    sums = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))
    files[CHECKSUMS_FILE] = sums.encode("ascii")
    return files


def _write_file(path: Path, data: bytes) -> None:
    """Write one file and flush it to disk."""
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _is_nonempty(output: Path) -> bool:
    """A folder holding anything (a file or a link there is refused before this is asked)."""
    return output.is_dir() and any(output.iterdir())


def _check_arguments(dataset: object, output: object, force: object) -> Path:
    if dataset is not None:  # None: the bundled data
        check_argument("dataset", dataset, Dataset, "a Dataset (from load() or load_release())")
    check_argument("output", output, (str, os.PathLike), "a path (str or os.PathLike)")
    check_argument("force", force, bool, "True or False")
    assert isinstance(output, str | os.PathLike)  # noqa: S101 - checked just above
    path = Path(output)
    if "\x00" in str(path):  # ("" is Path("."), the current folder: refused as such later)
        msg = f"output must be a path without a null character, not {quoted(str(path))}"
        raise ValueError(msg)
    return path


def export_release(
    output: Path | str,
    *,
    dataset: Dataset | None = None,
    formats: Iterable[str] = ALL_FORMATS,
    force: bool = False,
) -> ExportReport:
    """Write the open-data release of a dataset into a folder, atomically.

    ``export_release("release")`` writes the bundled data;
    ``ds.export("release")`` (:meth:`Dataset.export`) any other dataset.

    Args:
        output: The release folder; created with its parents if missing.
        dataset: What to export; the bundled data when not given.
        formats: Any of ``"parquet"``, ``"csv"``, ``"json"`` (default: all),
            as a collection such as ``("csv",)``.
        force: Replace a non-empty output folder.

    Returns:
        What was written; ``str()`` of it is a readable summary.

    Raises:
        OutputExistsError: the output is not an empty folder and ``force`` is false,
            or it is a file or a link (never replaced), or it holds the current
            folder or the package's own files.
        ExportError: the files could not be written; output is untouched.
        ShanghaiInnovationError: a written file would not read back to the same records.
        TypeError: an argument of the wrong type.
        ValueError: an unknown format name.

    """
    path = _check_arguments(dataset, output, force)
    if dataset is None:
        from shanghai_innovation._load import load  # noqa: PLC0415 - the bundled data, when asked

        dataset = load()
    return export_to(dataset, path, formats=formats, force=force)


def _package_folder() -> Path | None:
    folder = resources.files("shanghai_innovation")
    return folder if isinstance(folder, Path) else None


def _refuse_replacing(output: Path, reads: Iterable[Path]) -> None:
    """Refuse an output that holds the current folder, the package or a folder the export reads."""
    try:
        target = output.resolve()
        guarded = [("the current folder", Path.cwd().resolve())]
        package = _package_folder()
        if package is not None:
            guarded.append(("the package's own files", package.resolve()))
        guarded += [(f"{one_line(str(p))}, which the export reads", p.resolve()) for p in reads]
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11, 3.12)
        msg = f"{output}: cannot resolve the path ({getattr(exc, 'strerror', None) or exc})"
        raise ExportError(msg) from None
    for what, path in guarded:
        if path.is_relative_to(target):
            holds = "is" if path == target else "holds"
            if what == "the current folder":
                msg = f"{output}: is the current folder or holds it; refusing to replace it"
            else:
                msg = f"{output}: {holds} {what}; refusing to replace it"
            raise OutputExistsError(msg)


def _make_parent(output: Path) -> Path:
    parent = output.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(
            (p for p in (parent, *parent.parents) if p.exists() and not p.is_dir()), parent
        )
        msg = f"{output}: cannot create the release folder: {blocker} is not a folder"
        raise ExportError(msg) from None
    except OSError as exc:
        msg = f"{output}: cannot create the release folder ({exc.strerror or exc})"
        raise ExportError(msg) from None
    return parent


def export_to(
    dataset: Dataset,
    output: Path,
    *,
    formats: Iterable[str] = ALL_FORMATS,
    force: bool = False,
    reads: Iterable[Path] = (),
) -> ExportReport:
    """:func:`export_release`, also refusing an output that holds any of ``reads``."""
    started = time.perf_counter()
    _refuse_replacing(output, reads)
    try:
        not_a_folder = output.is_symlink() or (output.exists() and not output.is_dir())
        nonempty = _is_nonempty(output)
    except OSError as exc:  # a name too long, a folder that cannot be listed, ...
        msg = f"{output}: cannot look at the output folder ({exc.strerror or exc})"
        raise ExportError(msg) from None
    if not_a_folder:
        msg = f"{output}: exists and is not a folder; choose another output"
        raise OutputExistsError(msg)
    if nonempty and not force:
        msg = f"{output}: folder is not empty; use --force (force=True) to replace it"
        raise OutputExistsError(msg)
    files = release_files(dataset, formats)
    parent = _make_parent(output)
    _remove_stale(parent, output)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        msg = f"{output}: cannot create the release folder ({exc.strerror or exc})"
        raise ExportError(msg) from None
    with _locked(staging):
        try:
            for name in sorted(files):
                _write_file(staging / name, files[name])
            _check_round_trip(dataset, staging, output)
            _move_into_place(staging, output, force=force)
        except ShanghaiInnovationError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            msg = f"{output}: cannot write the release ({exc.strerror or exc})"
            raise ExportError(msg) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    _remove_stale(parent, output)  # an old release set aside earlier may go now
    from shanghai_innovation._formats.json import content_fingerprint  # noqa: PLC0415

    return ExportReport(
        output=output,
        dataset=dataset.info.name,
        version=dataset.info.version,
        schema_version=SCHEMA_VERSION,
        fingerprint=content_fingerprint(dataset),
        files=tuple((name, len(files[name])) for name in sorted(files)),
        rows=tuple((name, len(records)) for name, records in dataset.tables()),
        seconds=time.perf_counter() - started,
    )


def _check_round_trip(dataset: Dataset, folder: Path, output: Path) -> None:
    """Read every written table back and require the very records that went in.

    A release never holds what its own readers would decode differently.
    """
    from shanghai_innovation._formats.csv import read_csv  # noqa: PLC0415
    from shanghai_innovation._formats.datapackage import json_file_name  # noqa: PLC0415
    from shanghai_innovation._formats.json import dataset_from_json  # noqa: PLC0415

    readers: list[tuple[str, Any]] = [("csv", read_csv)]
    if (folder / f"{table_specs()[0].name}.parquet").exists():
        from shanghai_innovation._formats.parquet import read_parquet  # noqa: PLC0415 - imports pyarrow

        readers.append(("parquet", read_parquet))
    for fmt, reader in readers:
        for spec in table_specs():
            path = folder / f"{spec.name}.{fmt}"
            if path.exists() and tuple(reader(spec, path, path.name)) != dataset.table(spec.name):
                msg = (
                    f"{output}: {path.name} does not read back to the records written; "
                    "nothing was published"
                )
                raise ShanghaiInnovationError(msg)
    json_path = folder / json_file_name(dataset)
    if json_path.exists() and dataset_from_json(json_path.read_bytes(), json_path.name) != dataset:
        msg = f"{output}: {json_path.name} does not read back to the dataset; nothing was published"
        raise ShanghaiInnovationError(msg)


# --- moving the finished folder into place ------------------------------------------

_AT_FDCWD: Final = -100
_RENAME_EXCHANGE: Final = 2


@functools.cache
def _renameat2() -> Any:
    """The C library's renameat2, or None where there is none (not Linux, an old C library)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    text, number = ctypes.c_char_p, ctypes.c_int
    function.argtypes = (number, text, number, text, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (then nothing moved)."""
    function = _renameat2()
    if function is None:
        return False
    flags = _RENAME_EXCHANGE
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _move_into_place(staging: Path, output: Path, *, force: bool) -> None:
    """Rename the finished folder to the output; with ``force``, swap out an old one."""
    staging.chmod(0o755)  # mkdtemp makes it private; a release is for reading
    try:
        os.rename(staging, output)  # atomic; refuses a folder that is not empty
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            if exc.errno == errno.ENOTDIR:
                msg = f"{output}: exists and is not a folder; choose another output"
                raise OutputExistsError(msg) from None
            raise
        if not force:
            msg = f"{output}: folder is not empty (written meanwhile?); use --force to replace it"
            raise OutputExistsError(msg) from None
    else:
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now the old release
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=staging.parent))
    aside.rmdir()
    output.rename(aside)
    try:
        staging.rename(output)
    except BaseException:
        if not output.exists():  # the new folder did not move in: put the old one back
            aside.rename(output)
        raise
    shutil.rmtree(aside, ignore_errors=True)


# --- folders left behind by interrupted exports --------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder while exporting into it (where the system has flock)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(descriptor)


def _in_use(folder: Path) -> bool:
    """Whether a live export holds the folder's lock (True when that cannot be told)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        return True  # no flock: any folder may be in use
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)  # closing drops the lock just taken
    return False


def _remove_stale(parent: Path, output: Path) -> None:
    """Remove hidden staging folders an interrupted export to ``output`` left behind.

    Only folders named as this module names them, owned by this user, over
    :data:`STALE_SECONDS` old and not locked by a live export; an ``.old``
    folder (the old release, on systems without an atomic swap) only once the
    output exists again, since until then it may be the only copy.
    """
    pattern = re.compile(rf"\.{re.escape(output.name)}\.[a-z0-9_]{{8}}\.(tmp|old)")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    now = time.time()
    getuid = getattr(os, "getuid", None)  # POSIX; elsewhere ownership is not checked
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (
            not stat.S_ISDIR(info.st_mode)
            or (getuid is not None and info.st_uid != getuid())
            or now - info.st_mtime < STALE_SECONDS
            or (match[1] == "old" and not output.is_dir())
            or _in_use(Path(entry.path))
        ):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
