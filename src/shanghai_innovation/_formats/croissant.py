"""The release's ``croissant.json``: MLCommons Croissant 1.1 metadata.

Croissant is the schema.org Dataset vocabulary plus a description of the
files and of the records in them, which machine-learning tools (the Hugging
Face hub, Kaggle, OpenML, TensorFlow Datasets, ``mlcroissant``) read to load
a dataset without glue. Everything is derived from the table specs and the
files written; nothing is listed by hand:

- the dataset: name, description, version, licence, creator and publisher,
  home page, the source article (``isBasedOn``, ``citation``), coverage
  (:func:`~shanghai_innovation._formats.metadata.schema_org`), ``citeAs``
  (BibTeX) and ``conformsTo`` Croissant 1.1;
- ``distribution``: one ``cr:FileObject`` per data file (every Parquet and
  CSV file and the whole-dataset JSON), with its ``sha256``, ``contentSize``
  and ``encodingFormat``; a CSV file is ``sameAs`` its Parquet twin;
- ``recordSet``: one ``cr:RecordSet`` per table, keyed by ``<table>/id``,
  with one ``cr:Field`` per column (``<table>/<column>``): its
  ``description``, ``dataType``, ``isArray`` for list columns,
  ``unitText`` where the column has units, and ``references`` for a
  foreign key. The fields read their values from the Parquet files, or from
  the CSV files when the release has no Parquet.

Two choices follow from ``mlcroissant`` 1.1, the reference reader (each
measured): it reads a Parquet file only when its ``encodingFormat`` is
``application/x-parquet`` (Data Package's ``application/vnd.apache.parquet``
is not recognised), and it turns every ``references`` into a join, which
fails on a table that refers to itself or on tables that refer to each
other in a cycle (mlcommons/croissant#904), and cannot join on a list. So
``references`` is given for every single-valued column referring to
another table, unless that reference closes a cycle of tables; a
same-table reference (``part_of``, ``change_of``), a reference closing a
cycle, and the items of a list column carry
``shanghai_innovation:references`` instead, naming the field they hold ids
of, as the Data Package does for list items.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from shanghai_innovation._dataset import Dataset
from shanghai_innovation._schema import Column, TableSpec, table_spec, table_specs

from .metadata import FORMATS, About, about, column_units, json_file_name, schema_org

__all__ = ["CONTEXT", "CROISSANT_FILE", "CROISSANT_VERSION", "build_croissant"]

#: The file name of the Croissant descriptor in a release.
CROISSANT_FILE: Final = "croissant.json"
#: The Croissant specification the descriptor conforms to.
CROISSANT_VERSION: Final = "http://mlcommons.org/croissant/1.1"
#: The JSON-LD context of Croissant 1.1, as ``mlcroissant`` writes it, plus our prefix.
CONTEXT: Final[Mapping[str, Any]] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
_NS: Final = "shanghai_innovation"

#: The Croissant data type of each column kind (an enum is its token; a list, text items).
_DATA_TYPES: Final[Mapping[str, str]] = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "enum": "sc:Text",
    "list": "sc:Text",
}


def _encoding(fmt: str) -> str:
    """A format's ``encodingFormat``: its media type, but Parquet's as mlcroissant reads it."""
    return "application/x-parquet" if fmt == "parquet" else FORMATS[fmt][1]


def _file_object(name: str, data: bytes, fmt: str, description: str) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": name,
        "name": name,
        "description": description,
        "contentUrl": name,
        "contentSize": f"{len(data)} B",
        "encodingFormat": _encoding(fmt),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _joins(specs: tuple[TableSpec, ...]) -> frozenset[tuple[str, str]]:
    """The (table, referred table) pairs mlcroissant can join: no list, no cycle."""
    edges = {
        (s.name, c.references)
        for s in specs
        for c in s.columns
        if c.references is not None and c.kind != "list"
    }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            table = todo.pop()
            if table == goal:
                return True
            if table not in seen:
                seen.add(table)
                todo += [b for a, b in edges if a == table]
        return False

    return frozenset((a, b) for a, b in edges if not reaches(b, a))


def _field(
    spec: TableSpec,
    column: Column,
    file_name: str,
    fmt: str,
    units: tuple[str, ...],
    joins: frozenset[tuple[str, str]],
) -> dict[str, Any]:
    field: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{spec.name}/{column.name}",
        "name": column.name,
        "description": column.description,
        "dataType": _DATA_TYPES[column.kind],
        "source": {"fileObject": {"@id": file_name}, "extract": {"column": column.name}},
    }
    if column.kind == "list" and fmt == "parquet":  # CSV cells hold the list as JSON text
        field.update(isArray=True, arrayShape="-1")
    if units:
        field["unitText"] = units[0] if len(units) == 1 else list(units)
    if column.references is not None:
        target = {"@id": f"{column.references}/{table_spec(column.references).primary_key}"}
        if column.kind != "list" and (spec.name, column.references) in joins:
            field["references"] = {"field": target}
        else:
            field[f"{_NS}:references"] = target
    return field


def _record_set(
    spec: TableSpec, dataset: Dataset, fmt: str, joins: frozenset[tuple[str, str]]
) -> dict[str, Any]:
    records = dataset.table(spec.name)
    file_name = f"{spec.name}.{fmt}"
    return {
        "@type": "cr:RecordSet",
        "@id": spec.name,
        "name": spec.name,
        "description": spec.description,
        "key": {"@id": f"{spec.name}/{spec.primary_key}"},
        "field": [
            _field(spec, c, file_name, fmt, column_units(spec, c, records), joins)
            for c in spec.columns
        ],
    }


def build_croissant(
    dataset: Dataset, files: Mapping[str, bytes], facts: About | None = None
) -> dict[str, Any]:
    """The Croissant 1.1 descriptor of a release.

    Args:
        dataset: The dataset the files were written from.
        files: The release's files, name to bytes; the data files among them
            (``<table>.parquet``, ``<table>.csv``, ``<dataset name>.json``)
            become FileObjects, any other is ignored.
        facts: The shared facts (default: worked out from the dataset).

    Returns:
        The descriptor, ready for
        :func:`~shanghai_innovation._formats.metadata.jsonld_bytes`.

    """
    facts = about(dataset) if facts is None else facts
    specs = table_specs()
    distribution: list[dict[str, Any]] = []
    for fmt in ("parquet", "csv"):
        for spec in specs:
            name = f"{spec.name}.{fmt}"
            if name in files:
                node = _file_object(
                    name, files[name], fmt, f"The {spec.name} table ({fmt.upper()})."
                )
                twin = f"{spec.name}.parquet"
                if fmt == "csv" and twin in files:
                    node["sameAs"] = twin
                distribution.append(node)
    document_name = json_file_name(dataset)
    if document_name in files:
        distribution.append(
            _file_object(
                document_name,
                files[document_name],
                "json",
                "The whole dataset as one JSON document: dataset info and every table.",
            )
        )
    source_format = next(
        (f for f in ("parquet", "csv") if all(f"{s.name}.{f}" in files for s in specs)), None
    )
    record_sets = (
        []
        if source_format is None
        else [_record_set(s, dataset, source_format, _joins(specs)) for s in specs]
    )
    return {
        "@context": {**CONTEXT, _NS: f"{facts.homepage}#"},
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_VERSION,
        **schema_org(dataset, facts),
        "citeAs": facts.bibtex,
        "distribution": distribution,
        "recordSet": record_sets,
    }
