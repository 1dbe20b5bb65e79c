"""The library's exceptions: one root, each also the builtin it resembles."""

from __future__ import annotations

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
]


class ShanghaiInnovationError(Exception):
    """Root of every error the library raises on purpose.

    Catch this to handle any failure of the library; the message is one line
    per problem, naming the file, the record id and the field where known.
    """


class DataError(ShanghaiInnovationError, ValueError):
    """A data file or record is invalid: bad value, unknown key, broken reference."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("\n".join(self.problems))


class RecordNotFoundError(ShanghaiInnovationError, LookupError):
    """No record has the id (or name) asked for; ``suggestions`` holds close ids and names."""

    def __init__(self, *args: object, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(*args)
        #: Ids or names close to the one asked for, closest first (may be empty).
        self.suggestions: tuple[str, ...] = suggestions

    def __str__(self) -> str:
        # LookupError would repr() a lone argument (KeyError does); keep it plain.
        return str(self.args[0]) if self.args else ""


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
    """The first line of an exception's message, or its class name when it has none."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
