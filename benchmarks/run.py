"""Benchmarks: start-up and first lookup, records to Arrow and back at scale, indexed queries.

Every figure is measured against a baseline in the same run and reported as
a ratio, because absolute times on a shared machine vary 15-30 % run to run.

    python benchmarks/run.py --json                # everything (about five minutes)
    python benchmarks/run.py --json --startup-only # start-up figures only (about two)
    python benchmarks/run.py --records 100000      # a quicker look at scale
    python benchmarks/run.py --startup-only --project ../other-checkout  # another version

Start-up is measured on the real installed path: the project's wheel (built
here, so it carries the compiled data) installed with its runtime
dependencies into a fresh virtual environment, with pycountry beside it as
the baseline (pycountry is installed there only, never a dependency).

Targets (issues 3 and 14):

- ``import shanghai_innovation`` at most 1.15x ``import attrs``;
- import plus loading every record at most 1.30x ``import attrs, cattrs, tomllib``;
- import plus a first ``lookup`` at most 1.0x pycountry's import plus first ``get``;
- ``shanghai-innovation show ID`` at most 1.5x that same pycountry baseline;
- records to Arrow at least 3x faster than row dicts plus ``pa.Table.from_pylist``;
- Parquet back to typed records at least 1.5x faster than ``to_pylist`` plus
  the record constructor;
- ``get`` constant time and a date-range filter logarithmic plus the answer,
  at 10,000 and at 1,000,000 records.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import io
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth

ROOT = Path(__file__).resolve().parent.parent
#: The record the first-lookup figures look up.
RECORD_ID = "rd-spending-2019"
#: Each start-up command: Python code run with ``python -c``.
STARTUP = {
    "nothing": "pass",
    "attrs": "import attrs",
    "package": "import shanghai_innovation",
    "attrs_cattrs_tomllib": "import attrs, cattrs, tomllib",
    "package_load": "import shanghai_innovation as si; si.load()",
    "pycountry_get": "import pycountry; pycountry.countries.get(alpha_2='CN')",
    "package_lookup": f"import shanghai_innovation as si; si.lookup({RECORD_ID!r})",
}
#: (figure, command, baseline, target): each ratio the start-up section reports.
RATIOS = (
    ("import_ratio", "package", "attrs", 1.15),
    ("load_ratio", "package_load", "attrs_cattrs_tomllib", 1.30),
    ("lookup_ratio", "package_lookup", "pycountry_get", 1.0),
    ("show_ratio", "cli_show", "pycountry_get", 1.5),
)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def bench_environment(project: Path, scratch: Path) -> Path:
    """A fresh virtual environment: the project's wheel, its runtime dependencies, pycountry.

    The wheel is built from ``project`` (its build hook writes the compiled
    data); pip compiles every module, as any install does. Returns its Python.
    """
    dist = scratch / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(project)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    env_dir = scratch / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    quiet = ["--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [str(python), "-m", "pip", "install", *quiet, str(wheel), "pycountry"],
        check=True,
        capture_output=True,
    )
    return python


def _child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}


def startup_costs(python: Path, runs: int, cwd: Path) -> dict[str, Any]:
    """Median wall time of each start-up command, the commands alternating, and the ratios."""
    commands = {name: [str(python), "-c", code] for name, code in STARTUP.items()}
    commands["cli_show"] = [str(python.parent / "shanghai-innovation"), "show", RECORD_ID]
    env = _child_env()

    def run(command: list[str]) -> None:
        subprocess.run(command, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL)

    for command in commands.values():  # warm the disk cache
        run(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            seconds, _ = timed(lambda command=command: run(command))
            times[name].append(seconds)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    report: dict[str, Any] = {
        "runs": runs,
        "median_ms": {name: round(ms, 1) for name, ms in medians.items()},
    }
    for figure, command, baseline, target in RATIOS:
        report[figure] = round(medians[command] / medians[baseline], 3)
        report[figure.replace("_ratio", "_target")] = target
    return report


def load_breakdown(python: Path, runs: int, cwd: Path, paths: tuple[str, ...]) -> dict[str, Any]:
    """Median milliseconds of each step of a first load and lookup, in fresh processes.

    ``compiled`` is the installed wheel's path, ``toml`` the TOML path (what
    a checkout or a data folder takes); ``compiled_no_validators`` the
    compiled path with attrs validators switched off, to show their share.
    """
    script = str(Path(__file__).resolve().parent / "steps.py")
    variants = {
        "compiled": ["compiled"],
        "compiled_no_validators": ["compiled", "--no-validators"],
        "toml": ["toml"],
    }
    out: dict[str, Any] = {}
    for name in paths:
        steps: dict[str, list[float]] = {}
        for _ in range(runs):
            done = subprocess.run(
                [str(python), script, *variants[name]],
                check=True,
                capture_output=True,
                text=True,
                cwd=cwd,
                env=_child_env(),
            )
            for step, ms in json.loads(done.stdout).items():
                steps.setdefault(step, []).append(ms)
        out[name] = {step: round(statistics.median(values), 2) for step, values in steps.items()}
    return out


def startup(project: Path, runs: int) -> dict[str, Any]:
    """The start-up section: ratios and breakdown, in a fresh environment built for the run."""
    with tempfile.TemporaryDirectory(prefix="si-bench-") as scratch:
        python = bench_environment(project, Path(scratch))
        cwd = Path(scratch)  # not the checkout: the installed package is what runs
        report = startup_costs(python, runs, cwd)
        compiled = subprocess.run(
            [str(python), "-c", "import shanghai_innovation._compiled"],
            check=False,
            capture_output=True,
            cwd=cwd,
            env=_child_env(),
        )
        paths = ("compiled", "compiled_no_validators", "toml") if compiled.returncode == 0 else (
            "toml",
        )
        report["load_breakdown_ms"] = load_breakdown(python, max(5, runs // 2), cwd, paths)
    return report


def baseline_record(row: dict[str, Any]) -> Any:
    """The hand-written way back: one flat row dict to a Metric, by its constructor."""
    from shanghai_innovation import (  # noqa: PLC0415
        Indicator,
        Locator,
        Metric,
        PartialDate,
        Period,
        Qualifier,
        Quantity,
        Section,
        Topic,
        Unit,
    )
    from shanghai_innovation._values import parse_fraction  # noqa: PLC0415

    def quantity(prefix: str) -> Any:
        exact = row[f"{prefix}_exact"]
        if exact is None:
            return None
        unit, qualifier = Unit(row[f"{prefix}_unit"]), Qualifier(row[f"{prefix}_qualifier"])
        return Quantity(parse_fraction(exact), unit, qualifier)

    def date(name: str) -> Any:
        value = row[name]
        return None if value is None else PartialDate.parse(value)

    source, rest = row["locator"].split("#")
    section, paragraph = rest.rsplit("/", 1)
    period = None
    if row["period_start"] is not None:
        period = Period(
            PartialDate.parse(row["period_start"]),
            PartialDate.parse(row["period_end"]),
            row["period_derived"],
            row["period_derivation"],
        )
    return Metric(
        id=row["id"],
        subject=row["subject"],
        measure=row["measure"],
        quantity=quantity("quantity"),
        locator=Locator(source, Section(section), int(paragraph)),
        equivalent=quantity("equivalent"),
        as_of=date("as_of"),
        period=period,
        baseline=date("baseline"),
        change_of=row["change_of"],
        part_of=row["part_of"],
        entities=tuple(row["entities"]),
        indicator=None if row["indicator"] is None else Indicator(row["indicator"]),
        references=tuple(row["references"]),
        topics=tuple(Topic(t) for t in row["topics"]),
    )


def arrow_paths(records: list[Any]) -> dict[str, Any]:
    """Records to Arrow and Parquet back to records: the library's paths and the baselines."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from shanghai_innovation._formats.arrow import arrow_schema, from_arrow, to_arrow  # noqa: PLC0415
    from shanghai_innovation._schema import table_spec  # noqa: PLC0415

    spec = table_spec("metrics")
    schema = arrow_schema(spec)
    pa.array(["warm up"])  # pyarrow's first conversion loads its pandas shim

    fast_out, table = timed(lambda: to_arrow(spec, records))
    rows_s, dicts = timed(lambda: [spec.row(r) for r in records])
    pylist_s, base_table = timed(lambda: pa.Table.from_pylist(dicts, schema=schema))
    same_table = base_table.to_pylist()[:1000] == table.to_pylist()[:1000]
    dicts = base_table = None
    gc.collect()

    buffer = io.BytesIO()
    write_s, _ = timed(lambda: pq.write_table(table, buffer, compression="zstd"))
    table = None
    read_s, read = timed(lambda: pq.read_table(io.BytesIO(buffer.getvalue())))
    fast_in, back = timed(lambda: from_arrow(spec, read))
    same_records = back == records
    back = None
    gc.collect()
    to_pylist_s, rows = timed(read.to_pylist)
    construct_s, base_back = timed(lambda: [baseline_record(r) for r in rows])
    same_baseline = base_back[:1000] == records[:1000]
    rows = base_back = None
    gc.collect()
    to_base = rows_s + pylist_s
    from_base = to_pylist_s + construct_s
    return {
        "records": len(records),
        "to_arrow_s": round(fast_out, 2),
        "baseline_dicts_s": round(rows_s, 2),
        "baseline_from_pylist_s": round(pylist_s, 2),
        "to_arrow_speedup": round(to_base / fast_out, 2),
        "to_arrow_target": 3.0,
        "parquet_bytes": buffer.getbuffer().nbytes,
        "parquet_write_s": round(write_s, 2),
        "parquet_read_s": round(read_s, 2),
        "from_arrow_s": round(fast_in, 2),
        "baseline_to_pylist_s": round(to_pylist_s, 2),
        "baseline_construct_s": round(construct_s, 2),
        "from_arrow_speedup": round(from_base / fast_in, 2),
        "from_arrow_target": 1.5,
        "identical_results": bool(same_table and same_records and same_baseline),
    }


def query_costs(records: list[Any], sizes: tuple[int, ...], seed: int) -> dict[str, Any]:
    """get and date-range filters on datasets of each size: time per operation."""
    import datetime as dt  # noqa: PLC0415

    import shanghai_innovation as si  # noqa: PLC0415

    info = si.DatasetInfo("bench", "Bench", "1.0.0", "Synthetic.", "CC0-1.0", "https://x", "-")
    rng = random.Random(seed)
    windows = []
    for _ in range(200):
        first = dt.date(rng.randint(1990, 2029), rng.randint(1, 12), rng.randint(1, 28))
        windows.append((first, first + dt.timedelta(days=30)))
    out: dict[str, Any] = {}
    for size in sizes:
        ds = si.Dataset(info, metrics=records[:size])
        build_s, _ = timed(lambda ds=ds: ds.timeline())  # builds every index
        gc.freeze()  # the index lives as long as the records: keep collections off it too
        ids = [records[rng.randrange(size)].id for _ in range(100_000)]
        get_s, _ = timed(lambda ds=ds, ids=ids: [ds.get(i) for i in ids])
        # The floor: a plain dict of the same size, looked up the same way.
        plain = {r.id: r for r in records[:size]}
        dict_s, _ = timed(lambda plain=plain, ids=ids: [plain.get(i) for i in ids])
        del plain
        row: dict[str, Any] = {
            "index_build_s": round(build_s, 2),
            "get_ns": round(get_s / len(ids) * 1e9),
            "plain_dict_get_ns": round(dict_s / len(ids) * 1e9),
        }
        for mode in ("within", "overlaps"):
            found = 0

            def run(ds: Any = ds, mode: str = mode) -> int:
                return sum(len(ds.between(a, b, mode=mode)) for a, b in windows)

            seconds, found = timed(run)
            row[f"range_{mode}_us"] = round(seconds / len(windows) * 1e6, 1)
            row[f"range_{mode}_answer"] = round(found / len(windows), 1)
            # Cost per unit of work: the answer plus a binary search.
            work = found / len(windows) + math.log2(size)
            row[f"range_{mode}_ns_per_unit"] = round(seconds / len(windows) / work * 1e9)
        first, last = windows[0]
        scan_s, _ = timed(
            lambda ds=ds, first=first, last=last: [
                r for r in ds.metrics if first <= si.when(r).span[0] and si.when(r).span[1] <= last
            ]
        )
        row["naive_scan_us"] = round(scan_s * 1e6, 1)
        out[str(size)] = row
        del ds
        gc.unfreeze()
        gc.collect()
        gc.freeze()
    small, large = (out[str(s)] for s in (min(sizes), max(sizes)))
    out["get_ratio_large_to_small"] = round(large["get_ns"] / small["get_ns"], 2)
    out["plain_dict_get_ratio_large_to_small"] = round(
        large["plain_dict_get_ns"] / small["plain_dict_get_ns"], 2
    )
    for mode in ("within", "overlaps"):
        key = f"range_{mode}_ns_per_unit"
        out[f"range_{mode}_per_unit_ratio_large_to_small"] = round(large[key] / small[key], 2)
    out["naive_scan_ratio_large_to_small"] = round(
        large["naive_scan_us"] / small["naive_scan_us"], 1
    )
    _ = bisect  # the library bisects; the benchmark only times it
    return out


def main() -> None:
    """Run every benchmark and print the figures (as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--records", type=int, default=1_000_000, help="synthetic records")
    parser.add_argument("--runs", type=int, default=15, help="runs per start-up command")
    parser.add_argument("--seed", type=int, default=2020, help="seed of the generator")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="checkout whose wheel start-up measures"
    )
    parser.add_argument("--startup-only", action="store_true", help="skip the scale figures")
    args = parser.parse_args()

    started = time.perf_counter()
    report: dict[str, Any] = {"python": sys.version.split()[0]}
    report["startup"] = startup(args.project.resolve(), args.runs)
    if args.startup_only:
        report["total_s"] = round(time.perf_counter() - started, 1)
        _print(report, as_json=args.json)
        return
    # Valid by construction; from_arrow validates every one on the way back.
    generate_s, records = timed(lambda: synth.metrics(args.records, args.seed, validate=False))
    report["generate_s"] = round(generate_s, 2)
    gc.freeze()  # the records live throughout: keep collections from rescanning them
    report["arrow"] = arrow_paths(records)
    sizes = tuple(sorted({min(10_000, args.records), args.records}))
    report["queries"] = query_costs(records, sizes, args.seed)
    report["total_s"] = round(time.perf_counter() - started, 1)
    _print(report, as_json=args.json)


def _print(report: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        for section, figures in report.items():
            print(f"{section}: {figures}")


if __name__ == "__main__":
    main()
