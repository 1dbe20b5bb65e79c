"""The library's exceptions: one root, each also the builtin it resembles."""

from __future__ import annotations

from ._limits import MAX_MESSAGE, MAX_PROBLEMS, MAX_QUOTED

__all__ = [
    "DataError",
    "DownloadError",
    "ExportError",
    "IntegrityError",
    "MissingExtraError",
    "OutputExistsError",
    "RecordNotFoundError",
    "ReleaseError",
    "ShanghaiInnovationError",
    "UnsafeArchiveError",
    "check_argument",
    "first_line",
    "one_line",
    "quoted",
]


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escaped(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    r"""Text made safe to print as one line of a terminal: the one message helper.

    Every character :meth:`str.isprintable` refuses (line breaks, C0 and C1
    controls, DEL, bidirectional and other format characters, lone
    surrogates, line and paragraph separators) is shown as a Python escape
    (``\x1b``, ``\u202e``). A line longer than ``limit`` characters keeps
    its start and its end and says how long it was. Every message of the
    library goes through here (the root error's ``str()`` applies it).
    """
    if len(text) <= limit and text.isprintable():
        return text
    if len(text) <= limit:
        escaped = _escaped(text)
        if len(escaped) <= limit:
            return escaped
    keep = max(limit // 2 - 30, 1)
    head = _escaped(text[:keep])[:keep]
    tail = _escaped(text[-keep:])[-keep:]
    return f"{head} [... {len(text)} characters in all ...] {tail}"


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """An outside value as a message quotes it: ``repr()``, escaped, at most ``limit`` characters.

    Text longer than the limit is cut, saying how long it was, so a hostile
    value of any size gives a short message.
    """
    if isinstance(value, str):
        shown = repr(value[: limit + 1])  # repr escapes what is not printable
        if len(value) <= limit and len(shown) <= limit + 2:
            return shown
        return f"{shown[:limit]}... ({len(value)} characters)"
    return one_line(repr(value), limit)


def check_argument(name: str, value: object, kinds: type | tuple[type, ...], expected: str) -> None:
    """Raise a TypeError naming the argument and what it accepts unless ``value`` is of ``kinds``.

    ``bool`` never passes for ``int``. For public functions, whose callers
    may pass anything whatever the annotations say.
    """
    wanted = kinds if isinstance(kinds, tuple) else (kinds,)
    if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
        msg = f"{name} must be {expected}, not {type(value).__name__}"
        raise TypeError(msg)


class ShanghaiInnovationError(Exception):
    """Root of every error the library raises on purpose.

    Catch this to handle any failure of the library; the message is one line
    per problem, naming the file, the record id and the field where known.
    ``str()`` passes it through :func:`one_line`, so no outside text can
    break the line, move the cursor or run to megabytes.
    """

    def __str__(self) -> str:
        return one_line(super().__str__())


class DataError(ShanghaiInnovationError, ValueError):
    """A data file or record is invalid: bad value, unknown key, broken reference."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("\n".join(self.problems[:MAX_PROBLEMS]))

    def __str__(self) -> str:
        """One line per problem (at most MAX_PROBLEMS of them, then a count of the rest)."""
        lines = [one_line(p) for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"(and {len(self.problems) - MAX_PROBLEMS} more problems)")
        return "\n".join(lines)


class RecordNotFoundError(ShanghaiInnovationError, LookupError):
    """No record has the id (or name) asked for; ``suggestions`` holds close ids and names."""

    def __init__(self, *args: object, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(*args)
        #: Ids or names close to the one asked for, closest first (may be empty).
        self.suggestions: tuple[str, ...] = suggestions

    def __str__(self) -> str:
        # LookupError would repr() a lone argument (KeyError does); keep it plain.
        return one_line(str(self.args[0])) if self.args else ""


class ReleaseError(ShanghaiInnovationError, ValueError):
    """A release folder, zip or file is malformed, unreadable or not a release."""


class IntegrityError(ReleaseError):
    """A release's content does not match its checksums or its manifest."""


class UnsafeArchiveError(ReleaseError):
    """A zip would write outside its folder, holds links, or unpacks too large."""


class DownloadError(ShanghaiInnovationError, OSError):
    """A release could not be downloaded: refused, too slow, too large, bad scheme."""


class MissingExtraError(ShanghaiInnovationError, ImportError):
    """An optional dependency is needed; the message names the extra to install."""


class OutputExistsError(ShanghaiInnovationError, FileExistsError):
    """An export's target folder is not empty and ``force`` was not given."""


class ExportError(ShanghaiInnovationError, OSError):
    """A release could not be written; the output folder was left as it was."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (through :func:`one_line`), or its class name."""
    text = str(exc).strip().splitlines()
    return one_line(text[0]) if text else type(exc).__name__
