"""The dataset as a schema.org ``Dataset`` in JSON-LD, for the docs' landing page.

Dataset search engines (Google Dataset Search and others reading schema.org)
index a page by the ``<script type="application/ld+json">`` block it
embeds; the docs build puts this document on the landing page. It states
what :func:`~shanghai_innovation._formats.metadata.schema_org` gives every
document (name, description, version, licence, creator, home page, the
article as ``isBasedOn`` and ``citation``, temporal and spatial coverage),
and:

- ``variableMeasured``: one ``PropertyValue`` per column of every table
  (``<table>.<column>``), with its description and ``unitText`` where the
  column has units (a fixed unit, or the units a quantity uses in the data);
- ``distribution``: one ``DataDownload`` per export format (Parquet, CSV,
  JSON) with its ``encodingFormat``; each is inside the release zip that the
  release workflow attaches to the version's GitHub release, its
  ``contentUrl``.

The context is the schema.org vocabulary given inline (``@vocab``), so the
document expands offline.
"""

from __future__ import annotations

from typing import Any, Final

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._schema import table_specs

from .metadata import FORMATS, SCHEMA_ORG, About, about, column_units, schema_org

__all__ = ["build_dataset_jsonld", "release_zip_url"]

#: What each format's files are, in our words.
_WHAT: Final = {
    "parquet": "One Parquet file per table, typed columns with descriptions and units.",
    "csv": "One CSV file per table (UTF-8, RFC 4180, lists as JSON arrays).",
    "json": "The whole dataset as one JSON document.",
}


def release_zip_url(facts: About) -> str:
    """Where the release zip of this package version is published.

    The release workflow (``.github/workflows/release.yml``) attaches
    ``<dataset name>-data-<version>.zip`` to the GitHub release of tag
    ``v<version>``.
    """
    version = facts.package_version
    return f"{facts.homepage}/releases/download/v{version}/{facts.name}-data-{version}.zip"


def _variables(dataset: Dataset) -> list[dict[str, Any]]:
    variables = []
    for spec in table_specs():
        records = dataset.table(spec.name)
        for column in spec.columns:
            node: dict[str, Any] = {
                "@type": "PropertyValue",
                "name": f"{spec.name}.{column.name}",
                "description": column.description,
            }
            units = column_units(spec, column, records)
            if units:
                node["unitText"] = units[0] if len(units) == 1 else list(units)
            variables.append(node)
    return variables


def build_dataset_jsonld(dataset: Dataset, facts: About | None = None) -> dict[str, Any]:
    """The schema.org Dataset document of a dataset (for a web page's JSON-LD block)."""
    facts = about(dataset) if facts is None else facts
    zip_url = release_zip_url(facts)
    return {
        "@context": {"@vocab": SCHEMA_ORG},
        "@type": "Dataset",
        "@id": facts.homepage,
        **schema_org(dataset, facts),
        "variableMeasured": _variables(dataset),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{fmt.upper() if fmt != 'parquet' else 'Parquet'} files",
                "description": f"{_WHAT.get(fmt, f'The {fmt} files.')} Inside the release zip.",
                "encodingFormat": mediatype,
                "contentUrl": zip_url,
            }
            for fmt, (_, mediatype) in FORMATS.items()
        ],
    }
