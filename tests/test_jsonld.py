"""The docs' schema.org Dataset: from the specs, embedded in the landing page, expandable."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import shanghai_innovation as si
from shanghai_innovation._formats.jsonld import build_dataset_jsonld, release_zip_url
from shanghai_innovation._formats.metadata import FORMATS, about
from shanghai_innovation._schema import table_specs

from ._jsonld import expanded_types
from .test_docs import si_docs

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "https://schema.org/"
_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def dataset() -> si.Dataset:
    """The bundled dataset."""
    return si.load()


@pytest.fixture(scope="module")
def document(dataset: si.Dataset) -> dict[str, Any]:
    """The schema.org Dataset document of the bundled data."""
    return build_dataset_jsonld(dataset)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page Sphinx site (furo, like the docs) built with the docs' JSON-LD hook."""
    source = tmp_path_factory.mktemp("site")
    (source / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\n"
        "import si_docs\n"
        "html_theme = 'furo'\n"
        "def setup(app):\n"
        "    app.connect('html-page-context', si_docs._on_html_page_context)\n",
        encoding="utf-8",
    )
    (source / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   other\n", "utf-8")
    (source / "other.rst").write_text("Other\n=====\n\nText.\n", "utf-8")
    out = source / "_build"
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert 0 == done.returncode, done.stderr
    return out


def test_landing_page_embeds_the_dataset_and_it_expands(site: Path, dataset: si.Dataset) -> None:
    """The built landing page holds one JSON-LD block; pyld expands it to the schema.org types."""
    blocks = _SCRIPT.findall((site / "index.html").read_text(encoding="utf-8"))
    assert 1 == len(blocks)
    document = json.loads(blocks[0])
    assert build_dataset_jsonld(dataset) == document
    expanded, types = expanded_types(document)
    columns = sum(len(s.columns) for s in table_specs())
    assert [f"{SCHEMA}Dataset"] == expanded[0]["@type"]
    assert (columns, len(FORMATS)) == (
        types.count(f"{SCHEMA}PropertyValue"),
        types.count(f"{SCHEMA}DataDownload"),
    )
    for name in ("NewsArticle", "Organization", "Person", "Place"):
        assert f"{SCHEMA}{name}" in types
    temporal = expanded[0][f"{SCHEMA}temporalCoverage"]
    assert [{"@value": "2016/2020"}] == temporal


def test_other_pages_carry_no_block(site: Path) -> None:
    """Only the landing page carries the Dataset."""
    assert [] == _SCRIPT.findall((site / "other.html").read_text(encoding="utf-8"))


def test_the_dataset_facts(document: dict[str, Any], dataset: si.Dataset) -> None:
    """Name, description, licence, creator, coverage, the article and citation: from the data."""
    info, source = dataset.info, dataset.sources[0]
    assert (
        "Dataset",
        info.title,
        info.description,
        info.license_url,
        "The shanghai_innovation developers",
        "2016/2020",
        {
            "@type": "Place",
            "name": "Shanghai",
            "containedInPlace": {"@type": "Place", "name": "China"},
        },
        [source.url],
        [source.url],
        "NewsArticle",
    ) == (
        document["@type"],
        document["name"],
        document["description"],
        document["license"],
        document["creator"]["name"],
        document["temporalCoverage"],
        document["spatialCoverage"],
        [a["@id"] for a in document["isBasedOn"]],
        [a["@id"] for a in document["citation"]],
        document["citation"][0]["@type"],
    )


def test_variables_measured_are_every_column_with_its_units(
    document: dict[str, Any], dataset: si.Dataset
) -> None:
    """One PropertyValue per column of every table, with its description and units."""
    variables = {v["name"]: v for v in document["variableMeasured"]}
    assert [f"{s.name}.{c}" for s in table_specs() for c in s.column_names] == [
        v["name"] for v in document["variableMeasured"]
    ]
    used = [u.value for u in si.Unit if u in {m.quantity.unit for m in dataset.metrics}]
    assert ("rank", "years", used, None) == (
        variables["rankings.rank"]["unitText"],
        variables["streaks.length"]["unitText"],
        variables["metrics.quantity_value"]["unitText"],
        variables["metrics.measure"].get("unitText"),
    )
    spec = table_specs()[0]
    assert (
        spec.columns[0].description
        == variables[f"{spec.name}.{spec.columns[0].name}"]["description"]
    )


def test_one_download_per_format_with_its_encoding(
    document: dict[str, Any], dataset: si.Dataset
) -> None:
    """Each format is a DataDownload with its media type, in the version's release zip."""
    zip_url = release_zip_url(about(dataset))
    assert [
        ("DataDownload", "application/vnd.apache.parquet", zip_url),
        ("DataDownload", "text/csv", zip_url),
        ("DataDownload", "application/json", zip_url),
    ] == [(d["@type"], d["encodingFormat"], d["contentUrl"]) for d in document["distribution"]]


def test_release_zip_url_follows_the_release_workflow(dataset: si.Dataset) -> None:
    """The zip's address is the one the release workflow attaches to the version tag."""
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'tags: ["v*"]' in workflow
    assert f'name="{dataset.info.name}-data-${{GITHUB_REF_NAME#v}}"' in workflow
    facts = about(dataset)
    assert (
        f"{facts.homepage}/releases/download/v{facts.package_version}/"
        f"{dataset.info.name}-data-{facts.package_version}.zip"
    ) == release_zip_url(facts)


def test_script_text_cannot_close_the_element(dataset: si.Dataset) -> None:
    """A '</script>' in any value is escaped in the page's JSON and reads back unchanged."""
    hostile = "Ends </script><script>alert(1)</script> & more"
    changed = attrs.evolve(dataset, info=attrs.evolve(dataset.info, description=hostile))
    text = si_docs.dataset_jsonld_text(changed)
    assert (False, False) == ("</" in text, "&" in text)
    assert hostile == json.loads(text)["description"]
