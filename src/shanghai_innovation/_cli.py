"""The command line: parse arguments, call the library, print, map errors to exit codes.

A thin layer. Every failure the library raises on purpose is printed as one
line on stderr (``shanghai-innovation: error: ...``, through the one message
helper, so outside text cannot add lines or control the terminal) and mapped
to an exit code; a traceback appears only with ``--debug``.

The exit codes are :data:`EXIT_CODES`, the one table that ``--help`` prints,
that the error mapping reads and that the docs' command-line page shows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, cast

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
    one_line,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ._dataset import Dataset
    from ._records import Record

__all__ = ["EXIT_CODES", "ExitCode", "main"]


class ExitCode(NamedTuple):
    """One exit status of the program: its number, what it means, the error it stands for."""

    code: int
    meaning: str
    #: The library error mapped to this code (a subclass listed itself wins).
    error: type[ShanghaiInnovationError] | None = None


#: Every exit status, in order. ``--help``, the error mapping and the docs read this table.
EXIT_CODES: Final[tuple[ExitCode, ...]] = (
    ExitCode(0, "success (for check: every error is acknowledged by an erratum)"),
    ExitCode(
        1,
        "the answer is no: check found an error no erratum acknowledges, "
        "diff --exit-code found differences, search found nothing",
    ),
    ExitCode(2, "bad command-line usage"),
    ExitCode(3, "invalid data (a data file, a record, a field)", DataError),
    ExitCode(4, "a malformed or unreadable release, or one over a cap", ReleaseError),
    ExitCode(
        5,
        "a release whose bytes differ from its checksums, its manifest or this library's rebuild",
        IntegrityError,
    ),
    ExitCode(
        6,
        "an unsafe archive (paths leaving the folder, links, invisible names, too many "
        "members, too large)",
        UnsafeArchiveError,
    ),
    ExitCode(
        7, "a download failed (refused, timed out, too large, cut short, bad scheme)", DownloadError
    ),
    ExitCode(
        8, "an optional dependency is missing (the message names the extra)", MissingExtraError
    ),
    ExitCode(9, "no record with that id, no such table or entity", RecordNotFoundError),
    ExitCode(
        10,
        "the output folder is not empty (use --force), or holds what the export reads",
        OutputExistsError,
    ),
    ExitCode(11, "any other error of the library", ShanghaiInnovationError),
    ExitCode(12, "the release could not be written (disk full, permissions)", ExportError),
)

PROG: Final = "shanghai-innovation"

_BY_ERROR: Final = {e.error: e.code for e in EXIT_CODES if e.error is not None}


def _exit_code(exc: ShanghaiInnovationError) -> int:
    """The code of the most derived error class in the table that ``exc`` is an instance of."""
    for cls in type(exc).__mro__:
        if cls in _BY_ERROR:
            return _BY_ERROR[cls]
    return _BY_ERROR[ShanghaiInnovationError]  # pragma: no cover - the root is in the table


def exit_codes_help() -> str:
    """The exit-code table as ``--help`` prints it."""
    width = max(len(str(e.code)) for e in EXIT_CODES) + 2
    lines = ["exit codes:"]
    for e in EXIT_CODES:
        wrapped = textwrap.wrap(e.meaning, 76 - width)
        lines.append(f"  {e.code:<{width}}{wrapped[0]}")
        lines += [" " * (width + 2) + more for more in wrapped[1:]]
    return "\n".join(lines)


# --- the parser ----------------------------------------------------------------------


class _Formatter(argparse.HelpFormatter):
    """Wraps descriptions to the terminal; text already broken into lines (the exit codes) stays."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _command(sub: Any, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    """A sub-command: ``summary`` in the command list, ``description`` atop its own help."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}. {description}",
    )
    return parser


def _data_option(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--data",
        type=_path,
        metavar="DIR",
        help=f"{verb} a data folder laid out like the bundled data/ instead of the bundled data",
    )


def _json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def _formats_type(all_formats: tuple[str, ...]) -> Any:
    """An argparse type: one format name, ``all``, or several separated by commas."""

    def parse(text: str) -> list[str]:
        chosen: list[str] = []
        for name in (part.strip().lower() for part in text.split(",")):
            if name == "all":
                chosen += all_formats
            elif name in all_formats:
                chosen.append(name)
            else:
                known = ", ".join((*all_formats, "all"))
                msg = f"unknown format {name!r} (choose from {known})"
                raise argparse.ArgumentTypeError(msg)
        return chosen

    return parse


def _path(text: str) -> Path:
    # pathlib is imported only when a command takes a path: it would add a
    # tenth to `show`, whose start-up is benchmarked (benchmarks/README.md).
    from pathlib import Path  # noqa: PLC0415

    return Path(text)


def _parser() -> argparse.ArgumentParser:
    from ._release import ALL_FORMATS  # noqa: PLC0415 - the names alone, not the writers

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The SHINE 2020-12-31 science and technology article as typed, "
        "audited open data. Explore it with list, search and show; write the release "
        "with export and check one with verify and diff; audit the data with check. "
        "Each command has its own --help.",
        epilog=exit_codes_help(),
        formatter_class=_Formatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the package, dataset and export schema versions and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    p = _command(
        sub,
        "list",
        "list records, one line each: id and title",
        "With no TABLE, every record of every table, in table order, with its table. "
        "The options narrow the list as Dataset.where does; feed an id to show.",
    )
    p.add_argument(
        "table",
        nargs="?",
        metavar="TABLE",
        help="a table name (metrics, events, ...); default: all",
    )
    p.add_argument("--topic", help="only records with this topic token (e.g. rd-funding)")
    p.add_argument("--kind", help="only entities of this kind token (e.g. organisation)")
    p.add_argument("--entity", help="only records that mention this entity (id, name or alias)")
    p.add_argument("--section", help="only records located in this article section token")
    p.add_argument(
        "--start",
        metavar="DATE",
        help="only records dated on or after DATE (2020, 2020-06, 2020-06-29)",
    )
    p.add_argument("--end", metavar="DATE", help="only records dated on or before DATE")
    p.add_argument(
        "--overlaps",
        action="store_true",
        help="with --start/--end, keep records whose date span overlaps the range "
        "(default: it must lie within)",
    )
    _data_option(p, "read")

    p = _command(
        sub,
        "search",
        "find records by their text, best match first: id and title",
        "Searches names, aliases, titles, summaries and every other text field "
        "as Dataset.search does. Exits 1 when nothing matches.",
    )
    p.add_argument("text", metavar="TEXT", help="what to look for (quote several words)")
    p.add_argument("--limit", type=int, metavar="N", help="print at most N matches (default: all)")
    _data_option(p, "search")

    p = _command(
        sub,
        "show",
        "print one record by id, as JSON",
        "Every field of the record, nested values included. Ids come from list and search.",
    )
    p.add_argument("id", metavar="ID", help="the record's id, e.g. rd-spending-2019")
    _data_option(p, "read")

    p = _command(
        sub,
        "export",
        "write the open-data release into a folder",
        "Writes the chosen formats, the descriptors (datapackage.json, croissant.json, "
        "claimreview.jsonld) and SHA256SUMS, atomically, and reads every file back "
        "before finishing.",
    )
    p.add_argument(
        "--output", "-o", required=True, type=_path, metavar="DIR", help="the folder to create"
    )
    p.add_argument(
        "--format",
        dest="formats",
        action="extend",
        type=_formats_type(ALL_FORMATS),
        metavar="FORMAT",
        help=f"{', '.join(ALL_FORMATS)} or all (the default); repeat the option or "
        "separate names with commas for several",
    )
    p.add_argument("--force", action="store_true", help="replace a non-empty output folder")
    _data_option(p, "export")

    p = _command(
        sub,
        "verify",
        "check that a release folder, zip or URL is intact",
        "Checks every file against SHA256SUMS and datapackage.json, decodes every "
        "table from every format and recomputes the content fingerprint.",
    )
    p.add_argument(
        "source", metavar="SOURCE", help="a release folder, a .zip file, or an http(s) URL of a zip"
    )
    _json_option(p, "the report (an object with the report's fields)")

    p = _command(
        sub,
        "diff",
        "records added, removed and changed between two releases",
        "Both releases are verified first. With --exit-code, exits 1 when they differ "
        "and 0 when they hold the same data, like git diff --exit-code.",
    )
    p.add_argument("old", metavar="OLD", help="the older release (folder, zip or URL)")
    p.add_argument("new", metavar="NEW", help="the newer release (folder, zip or URL)")
    _json_option(p, "the differences")
    p.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when the releases differ, 0 when they are the same",
    )

    p = _command(
        sub,
        "check",
        "audit the data against itself and the reference figures",
        "Open findings come first; findings an erratum acknowledges are listed as known, "
        "with the erratum's explanation. Exits 1 when an error is open.",
    )
    _json_option(
        p,
        "findings (a list of objects: rule, severity, records, message, references, "
        "acknowledged, errata)",
    )
    _data_option(p, "audit")
    return parser


# --- running a command ---------------------------------------------------------------


def _title(dataset: Dataset, record: Record) -> str:
    """A record's title: the text describing it, else what it is about and its numbers."""
    import attrs  # noqa: PLC0415

    text = record._text()  # the one rule for what describes a record
    if text is not None:
        return text
    numbers: list[str] = []
    about = ""
    for field in attrs.fields(cast(Any, type(record))):
        value = getattr(record, field.name)
        if field.name == "id" or value is None:
            continue
        target = field.metadata.get("references")
        if target is not None and isinstance(value, str) and not about:
            linked = dataset.get(value)
            about = _title(dataset, linked) if linked is not None else value
        elif isinstance(value, int) and not isinstance(value, bool) and len(numbers) < 2:
            numbers.append(f"{field.name} {value}")
    return ": ".join(part for part in (about, ", ".join(numbers)) if part) or record.id


def _print_rows(rows: Iterable[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, the last on one line."""
    table = list(rows)
    if not table:
        return
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    # Cut long titles on a terminal only: a pipe (grep, a file) gets whole lines.
    room = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for row in table:
        head = "".join(f"{cell:<{w}}  " for cell, w in zip(row, widths, strict=False))
        last = " ".join(row[-1].split())
        space = None if room is None else max(room - len(head), 20)
        print(head + (last if space is None or len(last) <= space else last[: space - 1] + "…"))


def _usage_error(exc: ValueError | TypeError) -> int:
    """A bad option value the library refused (an unknown token, a bad date): one line, exit 2."""
    print(f"{PROG}: error: {one_line(str(exc))}", file=sys.stderr)
    return 2


def _list(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        records = dataset.where(
            args.table,
            topic=args.topic,
            kind=args.kind,
            entity=args.entity,
            section=args.section,
            start=args.start,
            end=args.end,
            mode="overlaps" if args.overlaps else "within",
        )
    except (ValueError, TypeError) as exc:
        return _usage_error(exc)
    if args.table is None:
        _print_rows((r.table, r.id, _title(dataset, r)) for r in records)
    else:
        _print_rows((r.id, _title(dataset, r)) for r in records)
    return 0


def _search(args: argparse.Namespace, dataset: Dataset) -> int:
    try:
        matches = dataset.search(args.text, limit=args.limit)
    except (ValueError, TypeError) as exc:
        return _usage_error(exc)
    if not matches:
        print(f"no record matches {args.text!r}", file=sys.stderr)
        return 1
    _print_rows((m.record.id, _title(dataset, m.record)) for m in matches)
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.version:
        from importlib.metadata import version  # noqa: PLC0415

        from ._load import load  # noqa: PLC0415
        from ._schema import SCHEMA_VERSION  # noqa: PLC0415

        info = load().info
        package = version("shanghai-innovation")
        print(f"{PROG} {package}, dataset {info.version}, schema {SCHEMA_VERSION}")
        return 0
    if args.command in {"list", "search"}:
        from ._load import load  # noqa: PLC0415

        return (_list if args.command == "list" else _search)(args, load(args.data))
    if args.command == "export":
        from ._load import load  # noqa: PLC0415
        from ._release.export import ALL_FORMATS, export_to  # noqa: PLC0415

        formats = tuple(f for f in ALL_FORMATS if f in (args.formats or ALL_FORMATS))
        reads = () if args.data is None else (args.data,)
        report = export_to(
            load(args.data), args.output, formats=formats, force=args.force, reads=reads
        )
        print(report)
        return 0
    if args.command == "verify":
        import attrs  # noqa: PLC0415

        from ._release.reader import verify  # noqa: PLC0415

        verified = verify(args.source)
        document = {**attrs.asdict(verified), "complete": verified.complete}
        print(json.dumps(document, indent=2) if args.json else verified)
        return 0
    if args.command == "diff":
        from ._release.diff import diff_releases  # noqa: PLC0415

        result = diff_releases(args.old, args.new)
        print(result.to_json() if args.json else result.to_text())
        return int(bool(result)) if args.exit_code else 0
    if args.command == "check":
        from ._audit import check, exit_status, findings_to_json, findings_to_text  # noqa: PLC0415
        from ._load import load  # noqa: PLC0415

        dataset = load(args.data)
        findings = check(dataset)
        text = (
            findings_to_json(findings) if args.json else findings_to_text(findings, dataset.errata)
        )
        print(text)
        return exit_status(findings)
    if args.command == "show":
        from ._load import load  # noqa: PLC0415

        # to_json writes the converter's shapes through _plain, without cattrs.
        print(load(args.data).lookup(args.id).to_json())
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
            print(f"{PROG}: error: {one_line(line)}", file=sys.stderr)
        return _exit_code(exc)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
