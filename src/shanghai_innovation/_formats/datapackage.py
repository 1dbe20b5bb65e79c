"""The release's ``datapackage.json``: a Frictionless Data Package v2.

Everything is derived from the table specs and the dataset; no column is
listed here by hand. The package carries its name, title, version,
description, license (our curation, CC BY 4.0, with the attribution of the
article), the article as its source, the contributors, and one resource per
file written:

- ``<table>-parquet`` (``<table>.parquet``) and ``<table>-csv``
  (``<table>.csv``): tabular resources, each with a Table Schema built from
  the table spec: field types, descriptions, units (a ``unit`` property),
  constraints (``required``, ``enum``, ``minimum``, ``maximum``,
  ``pattern``, ``unique``), ``primaryKey`` ``id`` and ``foreignKeys`` for
  every single-valued column that refers to another table (to the resource
  of the same format);
- ``<dataset name>-json`` (``<dataset name>.json``): the whole dataset as one
  JSON document (``"type": "json"``);
- ``claimreview`` (``claimreview.jsonld``) and ``croissant``
  (``croissant.json``): the linked-data descriptors (:mod:`.descriptors`),
  format ``jsonld``, listed with their size and hash like every other file.

Decisions forced by what Frictionless 5 can check (each measured):

- **Lists.** In CSV a list is a JSON array text (``["a","b"]``), declared as
  the ``array`` type, which Frictionless parses and checks. Its Parquet
  parser cannot check ``list`` or ``array`` cells (pyarrow lists arrive as
  numpy arrays and fail as type errors), so in the Parquet resources a list
  column is declared ``any``; the property
  ``shanghai_innovation:itemType`` says the items are strings, and
  ``shanghai_innovation:references`` names the table list items refer to
  (Table Schema foreign keys cannot reach into a list).
- **Enums** are declared ``string`` with an ``enum`` constraint (Parquet
  dictionary columns arrive as pandas categoricals and pass).
- **Missing integers in Parquet.** pandas turns a null in an integer column
  into a float NaN, which Frictionless 5's pandas parser does not recognise
  as missing (it reports a type error on ``"nan"``); the Parquet resources
  therefore list ``"nan"`` among their ``missingValues``, beside ``""``.
  Integer columns stay ``integer``; no text column of ours can hold "nan".
- **Bytes of Parquet files.** Frictionless reads Parquet through pyarrow
  and pandas, never as a byte stream, so it measures no size and reports a
  ``byte-count`` error for any declared ``bytes``. Parquet resources
  therefore carry their size as ``shanghai_innovation:bytes`` and keep their
  ``hash`` (which Frictionless skips there, and which ``SHA256SUMS`` and
  ``shanghai-innovation verify`` check). CSV and JSON resources carry the
  standard ``bytes`` and ``hash``, and Frictionless checks both.

Custom package properties: ``shanghai_innovation:schema_version`` (SemVer
of the column layout), ``shanghai_innovation:fingerprint``
(:func:`~shanghai_innovation._formats.json.content_fingerprint`, a SHA-256 over a
canonical serialisation of the decoded records, equal for two releases of
the same records whatever pyarrow wrote them) and
``shanghai_innovation:attribution``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from shanghai_innovation._dataset import TABLES, Dataset
from shanghai_innovation._schema import SCHEMA_VERSION, Column, TableSpec, table_spec

from .descriptors import DESCRIPTORS
from .json import content_fingerprint
from .metadata import FORMATS, about, json_file_name

__all__ = [
    "DATAPACKAGE_PROFILE",
    "FORMATS",
    "build_datapackage",
    "json_file_name",
    "resource_name",
    "table_schema",
]

#: The Data Package profile the descriptor follows.
DATAPACKAGE_PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
_NS: Final = "shanghai_innovation:"

_TYPES: Final[Mapping[str, str]] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "enum": "string",
}


def resource_name(stem: str, fmt: str) -> str:
    """The resource name of a file: ``<stem>-<format>`` (``metrics-csv``)."""
    return f"{stem}-{fmt}"


def _constraints(column: Column) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.kind == "list":  # Table Schema constrains whole cells, not list items
        return constraints
    candidates = {
        "enum": None if column.enum is None else list(column.enum),
        "pattern": column.pattern,
        "minimum": column.minimum,
        "maximum": column.maximum,
    }
    constraints.update({k: v for k, v in candidates.items() if v is not None})
    return constraints


def _field(column: Column, fmt: str) -> dict[str, Any]:
    list_type = "array" if fmt == "csv" else "any"
    kind = list_type if column.kind == "list" else _TYPES[column.kind]
    out: dict[str, Any] = {"name": column.name, "type": kind, "description": column.description}
    extras: dict[str, Any] = {"unit": column.unit, f"{_NS}references": column.references}
    if column.derived:
        extras[f"{_NS}derived"] = True
    if column.kind == "list":
        extras[f"{_NS}itemType"] = "string"
        extras[f"{_NS}itemEnum"] = None if column.enum is None else list(column.enum)
        extras[f"{_NS}itemPattern"] = column.pattern
    out.update({k: v for k, v in extras.items() if v is not None})
    constraints = _constraints(column)
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(spec: TableSpec, fmt: str) -> dict[str, Any]:
    """The Table Schema of one table as written in one format (``csv`` or ``parquet``)."""
    foreign_keys = [
        {
            "fields": [c.name],
            "reference": {"resource": resource_name(c.references, fmt), "fields": ["id"]},
        }
        for c in spec.columns
        if c.references is not None and c.kind != "list"
    ]
    schema: dict[str, Any] = {
        "fields": [_field(c, fmt) for c in spec.columns],
        # Frictionless reads Parquet through pandas, where a missing integer
        # becomes a float NaN its pandas parser fails to see as missing.
        "missingValues": ["", "nan"] if fmt == "parquet" else [""],
        "primaryKey": [spec.primary_key],
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _descriptor_resource(file_name: str, data: bytes) -> dict[str, Any] | None:
    """The resource of a linked-data descriptor (croissant.json, ...), or None."""
    for descriptor in DESCRIPTORS:
        if descriptor.file == file_name:
            return {
                "name": descriptor.resource,
                "path": file_name,
                "format": "jsonld",
                "mediatype": descriptor.mediatype,
                "type": "json",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": _sha256(data),
                "description": descriptor.description,
            }
    return None


def _resource(dataset: Dataset, file_name: str, data: bytes) -> dict[str, Any]:
    descriptor = _descriptor_resource(file_name, data)
    if descriptor is not None:
        return descriptor
    stem, _, suffix = file_name.rpartition(".")
    if suffix not in FORMATS:
        msg = f"not a release file: {file_name!r}"
        raise ValueError(msg)
    fmt, mediatype = FORMATS[suffix]
    out: dict[str, Any] = {
        "name": resource_name(stem, fmt),
        "path": file_name,
        "format": fmt,
        "mediatype": mediatype,
        "hash": _sha256(data),
    }
    if fmt == "json":
        if file_name != json_file_name(dataset):
            msg = f"not a release file: {file_name!r}"
            raise ValueError(msg)
        out.update(
            type="json",
            encoding="utf-8",
            bytes=len(data),
            description="The whole dataset as one JSON document: dataset info and every table.",
        )
        return out
    if stem not in TABLES:
        msg = f"not a release file: {file_name!r}"
        raise ValueError(msg)
    spec = table_spec(stem)
    out.update(
        type="table",
        title=spec.name,
        description=spec.description,
        schema=table_schema(spec, fmt),
    )
    out[f"{_NS}table"] = spec.name
    out[f"{_NS}rows"] = len(dataset.table(spec.name))
    if fmt == "csv":
        out.update(
            bytes=len(data),
            encoding="utf-8",
            dialect={
                "delimiter": ",",
                "doubleQuote": True,
                "header": True,
                "lineTerminator": "\r\n",
                "quoteChar": '"',
            },
        )
    else:
        out[f"{_NS}bytes"] = len(data)
    return out


def _order(file_name: str) -> tuple[int, int, str]:
    descriptors = [d.file for d in DESCRIPTORS]
    if file_name in descriptors:
        return (len(TABLES) + 1, descriptors.index(file_name), file_name)
    stem, _, suffix = file_name.rpartition(".")
    table = TABLES.index(stem) if stem in TABLES else len(TABLES)
    return (table, list(FORMATS).index(suffix) if suffix in FORMATS else 0, file_name)


def build_datapackage(dataset: Dataset, resources: Mapping[str, bytes]) -> dict[str, Any]:
    """The datapackage.json descriptor of a release.

    Args:
        dataset: The dataset the files were written from.
        resources: Every data file of the release, file name to its bytes
            (``metrics.parquet``, ``metrics.csv``, ``<dataset name>.json``,
            ``croissant.json``, ``claimreview.jsonld``).

    Returns:
        The descriptor, ready for ``json.dumps(..., sort_keys=True)``. Resources
        come in table order, Parquet before CSV, then the JSON document, then
        the linked-data descriptors.

    Raises:
        ValueError: for a file name that is not part of the release layout.

    """
    facts = about(dataset)
    contributors: list[dict[str, Any]] = [
        {"title": facts.curators, "roles": ["creator", "publisher"]},
    ]
    for source in facts.sources:
        contributors.append(
            {"title": source.author, "organization": source.outlet, "roles": ["author"]}
        )
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": facts.name,
        "title": facts.title,
        "version": facts.version,
        "description": facts.description,
        "licenses": [{"name": facts.license, "path": facts.license_url}],
        "sources": [{"title": s.title, "path": s.url} for s in facts.sources],
        "contributors": contributors,
        "resources": [
            _resource(dataset, name, resources[name]) for name in sorted(resources, key=_order)
        ],
        f"{_NS}attribution": facts.attribution,
        f"{_NS}fingerprint": content_fingerprint(dataset),
        f"{_NS}schema_version": SCHEMA_VERSION,
    }
