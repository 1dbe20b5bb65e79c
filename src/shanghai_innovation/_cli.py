"""The command line: parse arguments, call the library, print, map errors to exit codes.

A thin layer. Every failure the library raises on purpose is printed as one
line on stderr (``shanghai-innovation: error: ...``) and mapped to an exit
code; a traceback appears only with ``--debug``.

Exit codes:

==  =====================================================================
0   success
1   ``check`` found an error no erratum acknowledges
2   bad command-line usage
3   invalid data (a data file, a record, a field)
4   a malformed or unreadable release
5   a release whose bytes do not match its checksums or manifest
6   an unsafe archive (paths leaving the folder, links, too large)
7   a download failed (refused, timed out, too large, bad scheme)
8   an optional dependency is missing (the message names the extra)
9   no record with that id
10  the output folder is not empty (use ``--force``)
11  any other error of the library
12  the release could not be written (disk full, permissions)
==  =====================================================================
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from ._errors import (
    DataError,
    DownloadError,
    ExportError,
    IntegrityError,
    MissingExtraError,
    OutputExistsError,
    RecordNotFoundError,
    ReleaseError,
    ShanghaiInnovationError,
    UnsafeArchiveError,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["EXIT_CODES", "main"]

#: Exit code per error class; the most specific class listed first wins.
EXIT_CODES: Final[tuple[tuple[type[ShanghaiInnovationError], int], ...]] = (
    (DataError, 3),
    (IntegrityError, 5),
    (UnsafeArchiveError, 6),
    (ReleaseError, 4),
    (DownloadError, 7),
    (MissingExtraError, 8),
    (RecordNotFoundError, 9),
    (OutputExistsError, 10),
    (ExportError, 12),
    (ShanghaiInnovationError, 11),
)

PROG: Final = "shanghai-innovation"


def _exit_code(exc: ShanghaiInnovationError) -> int:
    for cls, code in EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return 11  # pragma: no cover - the root class is last in the table


def _path(text: str) -> Path:
    # pathlib is imported only when a command takes a path: it would add a
    # tenth to `show`, whose start-up is benchmarked (benchmarks/README.md).
    from pathlib import Path  # noqa: PLC0415

    return Path(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The SHINE 2020-12-31 science and technology article as typed, "
        "audited open data.",
        epilog="Exit codes: see the docs page on the command line.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("export", help="write the open-data release into a folder")
    p.add_argument("--output", "-o", required=True, type=_path, help="folder to create")
    p.add_argument(
        "--format",
        choices=("parquet", "csv", "json", "all"),
        default="all",
        help="which files to write (default: all, with datapackage.json and SHA256SUMS)",
    )
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    p.add_argument("--data", type=_path, help="export a data folder instead of the bundled data")

    p = sub.add_parser("verify", help="check a release folder, zip or URL is intact")
    p.add_argument("source", help="release folder, .zip file, or http(s)/file URL of a zip")

    p = sub.add_parser("diff", help="records added, removed and changed between two releases")
    p.add_argument("old", help="the older release (folder, zip or URL)")
    p.add_argument("new", help="the newer release (folder, zip or URL)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("check", help="audit the data against itself and the reference figures")
    p.add_argument("--json", action="store_true", help="print findings as a JSON list")
    p.add_argument("--data", type=_path, help="audit a data folder instead of the bundled data")

    p = sub.add_parser("show", help="print one record by id, as JSON")
    p.add_argument("id")
    p.add_argument("--data", type=_path, help="read a data folder instead of the bundled data")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.version:
        from importlib.metadata import version  # noqa: PLC0415

        from ._load import load  # noqa: PLC0415
        from ._schema import SCHEMA_VERSION  # noqa: PLC0415

        info = load().info
        package = version("shanghai-innovation")
        print(f"{PROG} {package}, dataset {info.version}, schema {SCHEMA_VERSION}")
        return 0
    if args.command == "export":
        from ._load import load  # noqa: PLC0415
        from ._release.export import export_release  # noqa: PLC0415

        formats = ("parquet", "csv", "json") if args.format == "all" else (args.format,)
        report = export_release(load(args.data), args.output, formats=formats, force=args.force)
        print(report)
        return 0
    if args.command == "verify":
        from ._release.reader import verify  # noqa: PLC0415

        print(verify(args.source))
        return 0
    if args.command == "diff":
        from ._release.diff import diff_releases  # noqa: PLC0415

        result = diff_releases(args.old, args.new)
        print(result.to_json() if args.json else result.to_text())
        return 0
    if args.command == "check":
        from ._audit import check, exit_status, findings_to_json, findings_to_text  # noqa: PLC0415
        from ._load import load  # noqa: PLC0415

        findings = check(load(args.data))
        print(findings_to_json(findings) if args.json else findings_to_text(findings))
        return exit_status(findings)
    if args.command == "show":
        from ._load import load  # noqa: PLC0415
        from ._plain import unstructure  # noqa: PLC0415 - the converter's shapes, without cattrs

        record = load(args.data).lookup(args.id)
        print(json.dumps(unstructure(record), indent=2, ensure_ascii=False))
        return 0
    _parser().print_help()
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ShanghaiInnovationError as exc:
        if args.debug:
            raise
        lines = str(exc).splitlines() or [type(exc).__name__]
        for line in lines:
            print(f"{PROG}: error: {line}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
