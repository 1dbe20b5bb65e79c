"""The compiled bundled data: the TOML files as one JSON document, made at build time.

Reading ``data/*.toml`` means importing tomllib and cattrs and generating
cattrs' code, which together cost more than the rest of a first lookup. So
every wheel carries ``_compiled.json``: the bundled dataset as the TOML path
(:func:`~shanghai_innovation._load.read_directory`, every check) loaded it
at build time, written in the converter's plain shapes, with the SHA-256 of
the TOML files it came from. :func:`read_bundled` uses it only when that
digest equals the digest of the TOML files installed beside it. It holds
the file to every check the TOML path makes of parsed data: the JSON is held
to the caps (``_limits``) and must be byte for byte what the encoder writes
of it (no key twice, no ``NaN``, no lone surrogate), tables under
the row and record caps, every record built through its class with the
converter's own value hooks (``_plain``), so every attrs validator runs (the
text validator of ``_text`` included), then ids and references checked
across tables as the TOML path does. When anything is amiss (no file, a
stale digest, a value that no longer passes) it returns ``None`` and the
caller reads the TOML, which gives the same Dataset or the located errors.

The file is made by the hatch build hook (``hatch_build.py``) for every
wheel. An editable install has none and reads the TOML; to try the fast path
in a checkout, make one (it is ignored by git, and stops being used as soon
as a data file changes)::

    python -m shanghai_innovation._compiled src/shanghai_innovation/_compiled.json
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from . import _limits
from ._dataset import TABLES, Dataset, DatasetInfo
from ._load import INFO_FILE, _bundled, check_references, read_directory
from ._plain import structurer, unstructure
from ._records import RECORD_TYPES, Record
from ._strict_json import check_value_count

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

__all__ = [
    "COMPILED_FILE",
    "FORMAT",
    "decode",
    "encode",
    "main",
    "read",
    "read_bundled",
    "toml_digest",
]

#: The compiled file's name, inside the package.
COMPILED_FILE: Final = "_compiled.json"
#: The layout of the compiled file; a file of another layout is not used.
FORMAT: Final = 1

_TYPES: Final[dict[str, type[Record]]] = {cls.table: cls for cls in RECORD_TYPES}
_KEYS: Final = frozenset({"format", "toml_sha256", "dataset", "tables"})


def data_files() -> tuple[str, ...]:
    """The files a load reads, in the order the digest takes them."""
    return (INFO_FILE, *(f"{table}.toml" for table in TABLES))


def toml_digest(read: Callable[[str], bytes]) -> str:
    """SHA-256 of the data files, each preceded by its name and size."""
    digest = _sha256()
    for name in data_files():
        raw = read(name)
        digest.update(f"{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    return str(digest.hexdigest())


def encode(dataset: Dataset, digest: str) -> bytes:
    """The compiled file of a dataset loaded from TOML files with this digest."""
    document = {
        "format": FORMAT,
        "toml_sha256": digest,
        "dataset": unstructure(dataset.info),
        "tables": {name: [unstructure(r) for r in records] for name, records in dataset.tables()},
    }
    return _canonical(document).encode()


def _canonical(document: Any) -> str:
    # The one form of the file: compact, UTF-8 kept, keys in the order written, no NaN.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def decode(raw: bytes, digest: str) -> Dataset:
    """The Dataset a compiled file holds, when it was made from TOML files with this digest.

    The file passes what the TOML path asks of the data once parsed: it is
    held to the byte and value caps before parsing, and must be exactly what
    :func:`encode` writes of what it holds (so no key twice, no ``NaN``, no
    lone surrogate, nothing :func:`~shanghai_innovation._strict_json.parse_json`
    refuses, and cheaper to check than that parse), each table
    holds at most :data:`~shanghai_innovation._limits.MAX_ROWS` records and
    all of them at most :data:`~shanghai_innovation._limits.MAX_RECORDS`,
    every record is built by its class (every validator runs) and the
    references across tables are checked.

    Raises:
        ValueError: a stale, foreign or refused file, or references that do not resolve.
        Exception: whatever a record's class or a value hook raises.

    """
    text = _capped(raw).decode("utf-8")
    check_value_count(text)
    document = json.loads(text)  # nesting past the C parser's limit: RecursionError
    if _canonical(document) != text:
        msg = "not in the exact form encode() writes"
        raise ValueError(msg)
    if not isinstance(document, dict) or set(document) != _KEYS:
        msg = "not a compiled data file"
        raise ValueError(msg)
    if document["format"] != FORMAT or document["toml_sha256"] != digest:
        msg = "made from other data files or in another layout"
        raise ValueError(msg)
    tables = document["tables"]
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        msg = f"tables {sorted(tables)}, expected {sorted(TABLES)}"
        raise ValueError(msg)
    total = 0
    for name, rows in tables.items():
        if not isinstance(rows, list):
            msg = f"{name}: expected a list of records"
            raise TypeError(msg)
        total += len(rows)
        if len(rows) > _limits.MAX_ROWS or total > _limits.MAX_RECORDS:
            msg = f"{name}: over the cap of records a table or in all"
            raise ValueError(msg)
    info = structurer(DatasetInfo)(document["dataset"])
    records: dict[str, Any] = {
        name: list(map(structurer(_TYPES[name]), rows)) for name, rows in tables.items()
    }
    dataset = Dataset(info, **records)
    problems = check_references(dataset)
    if problems:
        raise ValueError(problems[0])
    return dataset


def read(read_file: Callable[[str], bytes]) -> Dataset | None:
    """The compiled dataset, if its file is there and current, else ``None``.

    ``read_file`` reads a file of the package by its path inside it
    (``_compiled.json``, ``data/metrics.toml``) and raises ``OSError`` when
    it cannot.
    """
    try:
        raw = read_file(COMPILED_FILE)
        digest = toml_digest(lambda name: _capped(read_file(f"data/{name}")))
        return decode(raw, digest)
    except Exception:  # anything amiss: the TOML path decides, and words it
        return None


def _capped(raw: bytes) -> bytes:
    # The per-file byte cap the TOML path applies: a data file over it is
    # never vouched for, and the compiled file is held to it too.
    if len(raw) > _limits.MAX_FILE_BYTES:
        msg = f"larger than the cap of {_limits.MAX_FILE_BYTES} bytes for one file"
        raise ValueError(msg)
    return raw


def _package_file(path: str) -> bytes:
    # Read through the package's loader, as pkgutil.get_data does (so from a
    # zip too) without importing pkgutil, which costs more than the decode.
    loader: Any = __spec__.loader
    return bytes(loader.get_data(os.path.join(os.path.dirname(__file__), *path.split("/"))))


def _sha256() -> Any:
    """A SHA-256 hash object, from CPython's own implementation when there is one.

    ``hashlib`` loads OpenSSL on import, a tenth of what the compiled path's
    modules cost; CPython's built-in module gives the same digest (tested).
    """
    for name in ("_sha256", "_sha2"):  # CPython 3.11; 3.12 and later
        try:
            return importlib.import_module(name).sha256()
        except ImportError:  # pragma: no cover - another version or implementation
            continue
    import hashlib  # noqa: PLC0415 - pragma: no cover

    return hashlib.sha256()  # pragma: no cover


def read_bundled() -> Dataset | None:
    """The bundled dataset from the compiled file installed with it, or ``None``."""
    return read(_package_file)


def write(data: Traversable | Path, target: Path) -> None:
    """Load a data folder from its TOML files (every check) and write its compiled file.

    Raises:
        DataError: when the data is invalid; nothing is written.

    """
    dataset = read_directory(data)
    digest = toml_digest(lambda name: data.joinpath(name).read_bytes())
    target.write_bytes(encode(dataset, digest))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m shanghai_innovation._compiled TARGET [DATA]``: write a compiled file.

    DATA defaults to the package's own data folder.
    """
    from pathlib import Path  # noqa: PLC0415 - only the build writes files

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2):
        print(main.__doc__, file=sys.stderr)
        return 2
    write(Path(args[1]) if len(args) == 2 else _bundled(), Path(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
