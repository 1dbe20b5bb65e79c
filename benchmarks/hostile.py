"""What hostile releases cost to read: CPU seconds and peak memory, in a fresh interpreter.

The cases of issue 10, at the sizes the issue reports, each resealed as an
attacker would (every size and hash rewritten):

    python benchmarks/hostile.py                      # this checkout
    python benchmarks/hostile.py --src OLD/src        # another checkout's code, same inputs
    python benchmarks/hostile.py --only zip --scale 0.1

Each case is read by ``verify`` (``load_release`` for a zip) in a child
process after a warm-up read of a small release; the child reports its own
CPU time and ``ru_maxrss``. ``--memory-limit`` caps the child's address
space (default: none, to see how far the code would go). Nothing here is a
test; ``tests/test_resources.py`` asserts bounds on smaller inputs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._releases import (  # noqa: E402 - after the path is set
    NAME,
    copy_release,
    csv_only,
    export,
    hostile,
    json_only,
    measure,
    parquet_rows_file,
    parquet_text_bomb,
    write_repeated,
    zip_with_members,
)

MIB = 1 << 20


def parquet_rows(pristine: Path, work: Path, scale: float) -> tuple[Path, str]:
    """sources.parquet holding its one row a million times."""
    release = copy_release(pristine, work / "release")
    rows = int(1_000_000 * scale)
    parquet_rows_file(pristine / "sources.parquet", work / "big.parquet", rows)
    hostile(release, {"sources.parquet": (work / "big.parquet").read_bytes()})
    return release, "verify"


def parquet_bomb(pristine: Path, work: Path, scale: float) -> tuple[Path, str]:
    """sources.parquet whose 10,000 notes of 3,000 characters zstd shrinks to nothing."""
    release = copy_release(pristine, work / "release")
    source = pristine / "sources.parquet"
    bomb = parquet_text_bomb(source, work / "bomb.parquet", 10_000, int(3000 * scale))
    hostile(release, {"sources.parquet": bomb.read_bytes()})
    return release, "verify"


def zip_members(pristine: Path, work: Path, scale: float) -> tuple[Path, str]:
    """A zip whose central directory lists 3.9 million members (197 MiB)."""
    archive = work / "members.zip"
    archive.write_bytes(zip_with_members(int(3_900_000 * scale)))
    return archive, "load_release"


def json_objects(pristine: Path, work: Path, scale: float) -> tuple[Path, str]:
    """The JSON document replaced by 30 MB of '{},'."""
    release = json_only(copy_release(pristine, work / "release"))
    write_repeated(release / f"{NAME}.json", b"[", b"{},", int(10 * MIB * scale), b"{}]")
    hostile(release)
    return release, "verify"


def csv_rows(pristine: Path, work: Path, scale: float) -> tuple[Path, str]:
    """metrics.csv of 45 MB: its first row repeated."""
    release = csv_only(copy_release(pristine, work / "release"))
    path = release / "metrics.csv"
    header, row, *_ = path.read_bytes().split(b"\r\n")
    write_repeated(path, header + b"\r\n", row + b"\r\n", int(45 * MIB * scale) // len(row), b"")
    hostile(release)
    return release, "verify"


CASES: dict[str, Callable[[Path, Path, float], tuple[Path, str]]] = {
    "parquet-rows": parquet_rows,
    "parquet-bomb": parquet_bomb,
    "zip": zip_members,
    "json": json_objects,
    "csv": csv_rows,
}


def main() -> None:
    """Measure each case and print one JSON line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="read with the package in this folder (PYTHONPATH)")
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--scale", type=float, default=1.0, help="input size factor")
    parser.add_argument("--memory-limit", type=int, help="child address-space cap, in MiB")
    args = parser.parse_args()
    limit = args.memory_limit * MIB if args.memory_limit else None
    with tempfile.TemporaryDirectory() as tmp:
        pristine = export(Path(tmp) / "pristine")
        for name in args.only or CASES:
            work = Path(tmp) / name
            work.mkdir()
            target, function = CASES[name](pristine, work, args.scale)
            result = measure(pristine, target, function, memory_limit=limit, python_path=args.src)
            print(json.dumps({
                "case": name,
                "seconds": round(result.seconds, 2),
                "peak_mb": round(result.peak_mb),
                "growth_mb": round(result.growth_mb),
                "outcome": result.outcome[:160],
            }), flush=True)


if __name__ == "__main__":
    main()
