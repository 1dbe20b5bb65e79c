"""What every descriptor says about the dataset: name, licence, creator, citation, source.

``datapackage.json``, ``croissant.json``, the errata's ClaimReview document,
the schema.org Dataset of the docs and ``CITATION.cff`` all describe one
dataset in different vocabularies. The facts they share are gathered here
once, from the dataset and the package's own metadata (its project URL,
code licence and version, as ``pyproject.toml`` declares them), and each
descriptor only spells them in its own terms:

- :class:`About` holds the facts: name, title, version, description,
  licence, attribution, curators, homepage and the source articles, with
  the plain-text and BibTeX citations built from them;
- :func:`schema_org` renders the parts every schema.org document shares
  (the Dataset's name, licence, creator, source article, coverage);
- :func:`record_iri` names a record as a linked-data node, so a ClaimReview
  can point at the record it reviews.

Nothing here reads a clock: the same dataset and package give the same
descriptors.
"""

from __future__ import annotations

import collections
import functools
import json
from collections.abc import Iterable, Mapping
from importlib.metadata import metadata
from typing import Any, Final

import attrs

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._records import Entity, Record, Source
from shanghai_innovation._schema import Column, TableSpec, table_specs
from shanghai_innovation._vocab import EntityKind

__all__ = [
    "CURATORS",
    "FORMATS",
    "SCHEMA_ORG",
    "About",
    "about",
    "article_node",
    "column_units",
    "creator_node",
    "json_file_name",
    "jsonld_bytes",
    "record_iri",
    "schema_org",
    "spatial_coverage",
    "temporal_coverage",
]

#: Who curated the data (the copyright holders of the curation).
CURATORS: Final = "The shanghai_innovation developers"
#: File format of each export, by file suffix: (format, media type).
FORMATS: Final[Mapping[str, tuple[str, str]]] = {
    "parquet": ("parquet", "application/vnd.apache.parquet"),
    "csv": ("csv", "text/csv"),
    "json": ("json", "application/json"),
}
#: The schema.org vocabulary IRI; documents use it as their ``@vocab``, so they
#: expand without fetching a remote context.
SCHEMA_ORG: Final = "https://schema.org/"
#: The distribution whose metadata (``pyproject.toml``) names the project.
_DISTRIBUTION: Final = "shanghai-innovation"


@functools.cache
def _package() -> tuple[str, str, tuple[str, ...]]:
    """The project URL, package version and keywords, from pyproject."""
    meta = metadata(_DISTRIBUTION)
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:  # "Source, https://..."
        label, _, url = entry.partition(",")
        urls[label.strip()] = url.strip()
    keywords = tuple(k.strip() for k in (meta["Keywords"] or "").split(",") if k.strip())
    return urls["Source"], meta["Version"], keywords


@attrs.frozen
class About:
    """The facts every descriptor of a dataset states, gathered once."""

    #: Package name (a slug), as in datapackage.json.
    name: str
    #: Human title.
    title: str
    #: Dataset version (SemVer).
    version: str
    #: What the dataset is, in our words.
    description: str
    #: SPDX id of the licence of the curation.
    license: str
    #: Where the licence text lives.
    license_url: str
    #: How to credit the article the facts come from.
    attribution: str
    #: Who curated the data.
    curators: str
    #: The project's home page (its source repository).
    homepage: str
    #: Version of the library that wrote the descriptors.
    package_version: str
    #: The package's keywords.
    keywords: tuple[str, ...]
    #: The source documents (today, the one article).
    sources: tuple[Source, ...]

    @property
    def citation(self) -> str:
        """How to cite the dataset, as one line of plain text."""
        return (
            f"{self.curators}. {self.title} (version {self.version}) [Data set]. "
            f"{self.license}. {self.homepage}"
        )

    @property
    def source_citations(self) -> tuple[str, ...]:
        """How to cite each source article, as one line of plain text each."""
        return tuple(
            f'{s.author}. "{s.title}". {s.outlet}, {s.published.isoformat()}. {s.url}'
            for s in self.sources
        )

    @property
    def bibtex(self) -> str:
        """A BibTeX entry for the dataset (Croissant's ``citeAs``), noting its sources."""
        based_on = "; ".join(self.source_citations)
        fields = [
            ("author", f"{{{_bibtex_escape(self.curators)}}}"),
            ("title", _bibtex_escape(self.title)),
            ("version", _bibtex_escape(self.version)),
            ("howpublished", f"\\url{{{self.homepage}}}"),
            ("note", _bibtex_escape(f"Licence {self.license}. Based on: {based_on}")),
        ]
        body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
        key = f"{self.name}-{self.version}".replace(".", "-")
        return f"@misc{{{key},\n{body}\n}}"


def _bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX treats specially in a braced field (not braces)."""
    return text.replace("%", "\\%").replace("&", "\\&").replace("#", "\\#").replace("_", "\\_")


def about(dataset: Dataset) -> About:
    """The shared facts of a dataset, with the package's own metadata."""
    info = dataset.info
    homepage, version, keywords = _package()
    return About(
        name=info.name,
        title=info.title,
        version=info.version,
        description=info.description,
        license=info.license,
        license_url=info.license_url,
        attribution=info.attribution,
        curators=CURATORS,
        homepage=homepage,
        package_version=version,
        keywords=keywords,
        sources=dataset.sources,
    )


def json_file_name(dataset: Dataset) -> str:
    """The file name of the whole-dataset JSON document: ``<dataset name>.json``."""
    return f"{dataset.info.name}.json"


def jsonld_bytes(document: Mapping[str, Any]) -> bytes:
    """A JSON(-LD) document as deterministic bytes: sorted keys, two-space indent, UTF-8."""
    text = json.dumps(
        document,
        sort_keys=True,
        indent=2,
        separators=(",", ": "),
        ensure_ascii=False,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")


def record_iri(facts: About, table: str, record_id: str) -> str:
    """The linked-data name of a record: a fragment of the project's home page.

    ``<homepage>#metrics/rd-spending-2019``: the table and the record's id, the
    same pair Croissant's ``<table>/id`` field and every export use.
    """
    return f"{facts.homepage}#{table}/{record_id}"


# --- schema.org nodes shared by every document --------------------------------


def creator_node(facts: About) -> dict[str, Any]:
    """The curators as a schema.org Organization."""
    return {"@type": "Organization", "name": facts.curators, "url": facts.homepage}


def article_node(source: Source) -> dict[str, Any]:
    """A source article as a schema.org NewsArticle, named by its URL."""
    return {
        "@type": "NewsArticle",
        "@id": source.url,
        "url": source.url,
        "headline": source.title,
        "author": {"@type": "Person", "name": source.author},
        "publisher": {"@type": "Organization", "name": source.outlet},
        "datePublished": source.published.isoformat(),
        "inLanguage": source.language,
    }


def temporal_coverage(dataset: Dataset) -> str | None:
    """The span the data describes, as an ISO 8601 interval (``2016/2020``).

    It is the article's own period, as the audit works it out: the widest
    span, derived from the article's words, that contains its publication
    date. With several sources, the interval from the earliest first day to
    the latest last day of their periods.
    """
    from shanghai_innovation._audit.dates import article_periods  # noqa: PLC0415 - the audit's one definition

    periods = [period for period, _ in article_periods(dataset).values()]
    if not periods:
        return None
    if len(periods) == 1:
        return f"{periods[0].start}/{periods[0].end}"
    first = min(p.span[0] for p in periods)
    last = max(p.span[1] for p in periods)
    return f"{first.isoformat()}/{last.isoformat()}"


def _place_node(place: Entity, entities: Mapping[str, Entity]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Place", "name": place.name}
    if place.aliases:
        node["alternateName"] = list(place.aliases)
    parent = entities.get(place.part_of) if place.part_of else None
    if parent is not None and parent.kind is EntityKind.PLACE and parent.id != place.id:
        node["containedInPlace"] = _place_node(parent, {**entities, place.id: parent})
    return node


def spatial_coverage(dataset: Dataset) -> dict[str, Any] | None:
    """The place the data is about, as a schema.org Place (with the places containing it).

    The place most often named by the single-valued entity columns of every
    table (a metric's subject, a ranking's subject, ...); the first in data
    order on a tie.
    """
    places = {e.id: e for e in dataset.entities if e.kind is EntityKind.PLACE}
    if not places:
        return None
    counts: collections.Counter[str] = collections.Counter()
    for spec in table_specs():
        columns = [c for c in spec.columns if c.references == "entities" and c.kind != "list"]
        for record in dataset.table(spec.name):
            counts.update(v for c in columns if (v := c.get(record)) in places)
    best = max(places, key=lambda pid: counts[pid])  # max keeps the first of equals
    return _place_node(places[best], {e.id: e for e in dataset.entities})


def column_units(spec: TableSpec, column: Column, records: Iterable[Record]) -> tuple[str, ...]:
    """The units of a column's values: its fixed unit, or those a quantity uses in the data.

    A quantity's number columns (``quantity_exact``, ``quantity_value``,
    ``quantity_lower``, ...) have no fixed unit: each row says its own in the
    quantity's ``_unit`` column. Their units are the tokens that column holds,
    in vocabulary order.
    """
    if column.unit is not None:
        return (column.unit,)
    if column.kind not in ("string", "number"):
        return ()
    for unit_column in spec.columns:
        base = unit_column.field.removesuffix(".unit")
        if (
            unit_column.kind == "enum"
            and unit_column.field.endswith(".unit")
            and column.field.startswith(base + ".")
        ):
            found = {unit_column.get(r) for r in records}
            return tuple(t for t in unit_column.enum or () if t in found)
    return ()


def schema_org(dataset: Dataset, facts: About | None = None) -> dict[str, Any]:
    """The schema.org Dataset properties every document of ours states.

    Name (the title; the package name as ``alternateName``), description,
    version, licence, creator and publisher, home page, keywords, language,
    the source articles (``isBasedOn`` and ``citation``) and the temporal and
    spatial coverage. Croissant and the docs' Dataset add their own parts.
    """
    facts = about(dataset) if facts is None else facts
    articles = [article_node(s) for s in facts.sources]
    node: dict[str, Any] = {
        "name": facts.title,
        "alternateName": facts.name,
        "description": facts.description,
        "version": facts.version,
        "license": facts.license_url,
        "creator": creator_node(facts),
        "publisher": creator_node(facts),
        "url": facts.homepage,
        "keywords": list(facts.keywords),
        "inLanguage": sorted({s.language for s in facts.sources}),
        "isBasedOn": articles,
        "citation": articles,
        "creditText": facts.attribution,
        "isAccessibleForFree": True,
    }
    coverage = {
        "temporalCoverage": temporal_coverage(dataset),
        "spatialCoverage": spatial_coverage(dataset),
    }
    node.update({k: v for k, v in coverage.items() if v is not None})
    return node
