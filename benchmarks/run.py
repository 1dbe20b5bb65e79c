"""Benchmarks: import cost, records to Arrow and back at scale, indexed queries.

Every figure is measured against a baseline in the same run and reported as
a ratio, because absolute times on a shared machine vary 15-30 % run to run.

    python benchmarks/run.py --json            # everything (about four minutes)
    python benchmarks/run.py --records 100000  # a quicker look

Targets (issue 3):

- ``import shanghai_innovation`` at most 1.15x ``import attrs``;
- import plus loading every record at most 1.30x ``import attrs, cattrs, tomllib``;
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
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth

IMPORTS = {
    "attrs": "import attrs",
    "package": "import shanghai_innovation",
    "attrs_cattrs_tomllib": "import attrs, cattrs, tomllib",
    "package_load": "import shanghai_innovation as si; si.load()",
}


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def import_costs(runs: int) -> dict[str, Any]:
    """Median wall time of each import command, runs alternating, and the two ratios."""
    times: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for code in IMPORTS.values():  # warm the disk cache and .pyc files
        subprocess.run([sys.executable, "-c", code], check=True)
    for _ in range(runs):
        for name, code in IMPORTS.items():
            command = [sys.executable, "-c", code]
            seconds, _ = timed(lambda command=command: subprocess.run(command, check=True))
            times[name].append(seconds)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "runs": runs,
        "median_ms": {name: round(ms, 1) for name, ms in medians.items()},
        "import_ratio": round(medians["package"] / medians["attrs"], 3),
        "import_target": 1.15,
        "load_ratio": round(medians["package_load"] / medians["attrs_cattrs_tomllib"], 3),
        "load_target": 1.30,
    }


#: Where the time of `import shanghai_innovation as si; si.load()` goes, step by step.
BREAKDOWN = """
import json, time
marks = [time.perf_counter()]
def mark():
    marks.append(time.perf_counter())
import attrs; mark()
import shanghai_innovation._records; mark()
import shanghai_innovation._dataset; mark()
import cattrs; mark()
import shanghai_innovation._load; mark()
import shanghai_innovation as si; si.load(); mark()
names = ["attrs", "record_classes", "dataset_module", "cattrs", "loader_modules", "read_validate"]
print(json.dumps({n: (b - a) * 1000 for n, a, b in zip(names, marks, marks[1:])}))
"""


def load_breakdown(runs: int) -> dict[str, float]:
    """Median milliseconds of each step of importing and loading, in fresh processes."""
    steps: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", BREAKDOWN], check=True, capture_output=True, text=True
        )
        for name, ms in json.loads(done.stdout).items():
            steps.setdefault(name, []).append(ms)
    return {name: round(statistics.median(values), 1) for name, values in steps.items()}


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
    parser.add_argument("--runs", type=int, default=15, help="runs per import command")
    parser.add_argument("--seed", type=int, default=2020, help="seed of the generator")
    args = parser.parse_args()

    started = time.perf_counter()
    report: dict[str, Any] = {"python": sys.version.split()[0]}
    report["import"] = import_costs(args.runs)
    report["import"]["load_breakdown_ms"] = load_breakdown(max(5, args.runs // 2))
    # Valid by construction; from_arrow validates every one on the way back.
    generate_s, records = timed(lambda: synth.metrics(args.records, args.seed, validate=False))
    report["generate_s"] = round(generate_s, 2)
    gc.freeze()  # the records live throughout: keep collections from rescanning them
    report["arrow"] = arrow_paths(records)
    sizes = tuple(sorted({min(10_000, args.records), args.records}))
    report["queries"] = query_costs(records, sizes, args.seed)
    report["total_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for section, figures in report.items():
            print(f"{section}: {figures}")


if __name__ == "__main__":
    main()
