"""A first lookup: the loader imports nothing of the TOML path, get/lookup skip the full index."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

import shanghai_innovation as si
from shanghai_innovation import _cli
from shanghai_innovation._convert import CONVERTER
from shanghai_innovation._index import Index

#: What the loader must not import before it knows it has to read TOML.
TOML_PATH = ("cattrs", "tomllib", "importlib.resources", "pathlib", "shanghai_innovation._query")


def imported_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has imported after running ``code``."""
    check = f"{code}\nimport sys\nprint(sorted(m for m in {modules!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(done.stdout))


def test_importing_the_loader_imports_nothing_of_the_toml_path() -> None:
    """`_load`, `_bundled`, `_compiled` and `_cli` import no cattrs, tomllib, pathlib, ..."""
    code = (
        "import shanghai_innovation._load, shanghai_innovation._bundled\n"
        "import shanghai_innovation._compiled, shanghai_innovation._cli"
    )
    assert [] == imported_after(code, TOML_PATH)


def test_get_lookup_and_in_do_not_build_the_full_index_for_an_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh Dataset answers get, lookup and `in` by id without the index of dates and names."""
    loaded = si.load()
    dataset = si.Dataset(loaded.info, metrics=loaded.metrics, sources=loaded.sources)

    def refuse(*args: object) -> None:
        pytest.fail("the full index was built")

    monkeypatch.setattr(Index, "__init__", refuse)
    assert loaded.metrics[0] is dataset.lookup(loaded.metrics[0].id)
    assert loaded.sources[0] is dataset.get(loaded.sources[0].id)
    assert loaded.metrics[1].id in dataset
    assert loaded.metrics[1] in dataset
    with pytest.raises(pytest.fail.Exception, match="the full index was built"):
        dataset.get("no-such-id")


def test_a_missed_id_falls_back_to_names_and_suggestions() -> None:
    """On a miss, get and lookup read names (built then) and suggest close ids."""
    loaded = si.load()
    dataset = si.Dataset(loaded.info, metrics=loaded.metrics, sources=loaded.sources)
    assert None is dataset.get("no-such-id")
    with pytest.raises(si.RecordNotFoundError) as caught:
        dataset.lookup(loaded.metrics[0].id + "x")
    assert loaded.metrics[0].id in caught.value.suggestions


def test_by_id_keeps_the_first_of_a_repeated_id() -> None:
    """As the full index does, the first record of a repeated id is the one found."""
    metric = si.load().metrics[0]
    twin = si.Source(**{**si.load().sources[0].__getstate__(), "id": metric.id})
    dataset = si.Dataset(si.load().info, sources=(twin,), metrics=(metric,))
    assert (twin, twin) == (dataset.get(metric.id), dataset._index.by_id[metric.id])


def test_show_prints_the_converters_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`show ID` prints exactly the converter's JSON of the record (written without cattrs)."""
    assert 0 == _cli.main(["show", "rd-spending-2019"])
    record = si.lookup("rd-spending-2019")
    expected = json.dumps(CONVERTER.unstructure(record), indent=2, ensure_ascii=False) + "\n"
    assert expected == capsys.readouterr().out


def test_the_command_line_parser_imports_no_writer() -> None:
    """Parsing `show ID` imports neither the export's writers nor pathlib."""
    code = "from shanghai_innovation._cli import _parser\n_parser().parse_args(['show', 'x'])"
    assert [] == imported_after(code, ("shanghai_innovation._release.export", "pathlib"))


def test_loading_a_data_folder_imports_no_writer() -> None:
    """Reading TOML (which tells a release folder from a data folder) imports no export code."""
    code = "import shanghai_innovation as si\nsi.load()"
    assert [] == imported_after(code, ("shanghai_innovation._release.export", "pyarrow"))
