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
output (same parent, so the final move is a rename on one file system), then
that folder is renamed to the output. A non-empty output folder is refused
with :class:`~shanghai_innovation.OutputExistsError` unless ``force`` is
given; then the old folder is renamed aside, the new one renamed in, and the
old one deleted. Any failure before the final rename leaves the output
exactly as it was and removes the temporary folder.

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

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import attrs

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._errors import ExportError, OutputExistsError, ShanghaiInnovationError
from shanghai_innovation._schema import SCHEMA_VERSION, table_specs

__all__ = [
    "ALL_FORMATS",
    "CHECKSUMS_FILE",
    "DATAPACKAGE_FILE",
    "ExportReport",
    "export_release",
    "release_files",
]

#: Every export format, in the order the CLI lists them.
ALL_FORMATS: Final = ("parquet", "csv", "json")
#: The manifest file of a release.
DATAPACKAGE_FILE: Final = "datapackage.json"
#: The checksum file of a release (``sha256sum`` format).
CHECKSUMS_FILE: Final = "SHA256SUMS"


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
            f"{self.output}: {len(self.files)} files, {self.total_bytes:,} bytes, "
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


def release_files(dataset: Dataset, formats: Iterable[str] = ALL_FORMATS) -> dict[str, bytes]:
    """Every file of a release, name to bytes, built in memory in a fixed order.

    Raises:
        ValueError: for an unknown format name.

    """
    from shanghai_innovation._formats.csv import csv_bytes  # noqa: PLC0415 - heavy imports only when exporting
    from shanghai_innovation._formats.datapackage import build_datapackage, json_file_name  # noqa: PLC0415
    from shanghai_innovation._formats.json import dataset_to_json  # noqa: PLC0415

    chosen = set(formats)
    unknown = sorted(chosen - set(ALL_FORMATS))
    if unknown or not chosen:
        msg = f"unknown export format(s) {unknown}; choose from {', '.join(ALL_FORMATS)}"
        raise ValueError(msg)
    files: dict[str, bytes] = {}
    if "parquet" in chosen:
        from shanghai_innovation._formats.parquet import parquet_bytes  # noqa: PLC0415 - imports pyarrow

        for spec in table_specs():
            files[f"{spec.name}.parquet"] = parquet_bytes(
                spec, dataset.table(spec.name), dataset.info
            )
    if "csv" in chosen:
        for spec in table_specs():
            files[f"{spec.name}.csv"] = csv_bytes(spec, dataset.table(spec.name))
    if "json" in chosen:
        files[json_file_name(dataset)] = dataset_to_json(dataset)
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
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        return True
    return output.is_dir() and any(output.iterdir())


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
        formats: Any of ``"parquet"``, ``"csv"``, ``"json"`` (default: all).
        force: Replace a non-empty output folder.

    Returns:
        What was written; ``str()`` of it is a readable summary.

    Raises:
        OutputExistsError: the output is not an empty folder and ``force`` is false,
            or it is a file or a link (never replaced).
        ExportError: the files could not be written; output is untouched.
        ShanghaiInnovationError: a written file would not read back to the same records.
        ValueError: an unknown format name.

    """
    if dataset is None:
        from shanghai_innovation._load import load  # noqa: PLC0415 - the bundled data, when asked

        dataset = load()
    started = time.perf_counter()
    output = Path(output)
    try:
        holds_cwd = Path.cwd().resolve().is_relative_to(output.resolve())
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python 3.11, 3.12)
        msg = f"{output}: cannot resolve the path ({getattr(exc, 'strerror', None) or exc})"
        raise ExportError(msg) from None
    if holds_cwd:
        msg = f"{output}: is the current folder or holds it; refusing to replace it"
        raise OutputExistsError(msg)
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        msg = f"{output}: exists and is not a folder; choose another output"
        raise OutputExistsError(msg)
    if _is_nonempty(output) and not force:
        msg = f"{output}: folder is not empty; use --force (force=True) to replace it"
        raise OutputExistsError(msg)
    files = release_files(dataset, formats)
    parent = output.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        msg = f"{output}: cannot create the release folder ({exc.strerror or exc})"
        raise ExportError(msg) from None
    try:
        for name in sorted(files):
            _write_file(staging / name, files[name])
        _check_round_trip(dataset, staging, output)
        _move_into_place(staging, output)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        msg = f"{output}: cannot write the release ({exc.strerror or exc})"
        raise ExportError(msg) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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


def _move_into_place(staging: Path, output: Path) -> None:
    """Rename the finished folder to the output, replacing an old one if present."""
    staging.chmod(0o755)  # mkdtemp makes it private; a release is for reading
    if not output.exists():
        staging.rename(output)
        return
    if not any(output.iterdir()):
        os.replace(staging, output)  # an empty folder is replaced in one step
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=staging.parent))
    aside.rmdir()
    output.rename(aside)
    try:
        staging.rename(output)
    except BaseException:
        aside.rename(output)
        raise
    shutil.rmtree(aside, ignore_errors=True)
