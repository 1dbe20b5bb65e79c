"""Where a first load goes, step by step, in one fresh process: prints milliseconds as JSON.

    python benchmarks/steps.py compiled    # the path of an installed wheel
    python benchmarks/steps.py toml        # the TOML path (a --data folder, a checkout)
    python benchmarks/steps.py compiled --no-validators   # the same, attrs validators off

run.py runs it with the benchmark environment's Python, many times, and
takes medians. It uses only functions that exist before and after the
compiled file came in, so it also measures an older checkout (``toml`` only).
"""

from __future__ import annotations

import itertools
import json
import sys
import time

marks: list[tuple[str, float]] = [("start", time.perf_counter())]


def mark(step: str) -> None:
    """Close a step."""
    marks.append((step, time.perf_counter()))


path = sys.argv[1]
import attrs  # noqa: E402

mark("import attrs")
if "--no-validators" in sys.argv:
    attrs.validators.set_disabled(True)
import shanghai_innovation._records  # noqa: E402

mark("record and value classes")
import shanghai_innovation._dataset as d  # noqa: E402

mark("dataset classes")
import shanghai_innovation._bundled  # noqa: E402
import shanghai_innovation._load as load  # noqa: E402

mark("loader modules")
if path == "compiled":
    from shanghai_innovation import _compiled as c
    from shanghai_innovation._plain import structurer
    from shanghai_innovation._strict_json import check_value_count

    mark("compiled-path modules (json, _plain, _strict_json)")
    raw = c._package_file(c.COMPILED_FILE)
    files = {name: c._package_file(f"data/{name}") for name in c.data_files()}
    digest = c.toml_digest(files.__getitem__)
    mark("read files, digest")
    text = raw.decode()
    check_value_count(text)
    document = json.loads(text)
    assert c._canonical(document) == text
    mark("parse (JSON), checked against its re-encoding")
    info = structurer(d.DatasetInfo)(document["dataset"])
    types = {cls.table: cls for cls in shanghai_innovation._records.RECORD_TYPES}
    tables = {
        name: [structurer(types[name])(row) for row in rows]
        for name, rows in document["tables"].items()
    }
    mark("structure (plain structurer, attrs validators)")
else:
    import tomllib

    from shanghai_innovation._convert import CONVERTER, structure_record

    mark("TOML-path modules (tomllib, cattrs, converter)")
    folder = load._bundled()
    documents = {
        name: tomllib.loads(folder.joinpath(f"{name}.toml").read_bytes().decode())
        for name in ("dataset", *d.TABLES)
    }
    mark("read files, parse (TOML)")
    info = CONVERTER.structure(documents["dataset"], d.DatasetInfo)
    types = {cls.table: cls for cls in shanghai_innovation._records.RECORD_TYPES}
    tables = {
        name: [structure_record(row, types[name]) for row in documents[name].get(name, [])]
        for name in d.TABLES
    }
    mark("structure (cattrs code generation, attrs validators)")
dataset = d.Dataset(info, **tables)
problems = load.check_references(dataset)
assert not problems, problems
mark("Dataset, reference checks")
dataset.lookup("rd-spending-2019")
mark("first lookup (index)")
print(json.dumps({step: (t1 - t0) * 1000 for (_, t0), (step, t1) in itertools.pairwise(marks)}))
