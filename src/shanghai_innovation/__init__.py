"""A typed, audited, machine-readable record of one news article.

The article: SHINE (Shanghai Daily), Li Qian, "What the city has achieved
in science and technology innovation", 2020-12-31. Every fact it states
is a typed record here.

>>> import shanghai_innovation as si
>>> ds = si.load()
>>> ds.lookup("shine-2020-12-31").author
'Li Qian'

Importing the package is cheap: it reads no data and imports nothing but
the standard library. Each public name below is imported from its private
module on first access (PEP 562), so ``si.load`` loads the loader, and
``si.to_arrow`` loads pyarrow, only when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from . import testing as testing
    from ._audit import Finding, Severity
    from ._bundled import (
        between,
        check,
        errata_for,
        findings_for,
        get,
        lookup,
        quantities,
        related,
        search,
        sql,
        timeline,
        to_arrow,
        to_pandas,
        to_polars,
        where,
    )
    from ._dataset import TABLES, Dataset, DatasetInfo
    from ._errors import (
        DataError,
        DownloadError,
        ExportError,
        IntegrityError,
        MissingExtraError,
        OutputExistsError,
        RecordNotFoundError,
        ReleaseError,
        ShanghaiInnovationError,
        UnsafeArchiveError,
    )
    from ._index import when
    from ._load import load
    from ._query import DateLike, DateMode, convert, implied_rate
    from ._records import (
        Citation,
        Entity,
        Erratum,
        Event,
        First,
        Metric,
        Photo,
        Pledge,
        Quote,
        RankingPosition,
        Record,
        Reference,
        Source,
        Statement,
        Streak,
    )
    from ._release.diff import Diff, diff_datasets, diff_releases
    from ._release.export import ExportReport, export_release
    from ._release.reader import VerifyReport, load_release, verify
    from ._search import ABBREVIATIONS, Match
    from ._values import Interval, Locator, PartialDate, Period, Quantity
    from ._vocab import (
        Confidence,
        EntityKind,
        ErratumKind,
        FirstScope,
        Indicator,
        Precision,
        Qualifier,
        Section,
        Topic,
        Unit,
    )

__all__ = [
    "ABBREVIATIONS",
    "TABLES",
    "Citation",
    "Confidence",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "DateLike",
    "DateMode",
    "Diff",
    "DownloadError",
    "Entity",
    "EntityKind",
    "Erratum",
    "ErratumKind",
    "Event",
    "ExportError",
    "ExportReport",
    "Finding",
    "First",
    "FirstScope",
    "Indicator",
    "IntegrityError",
    "Interval",
    "Locator",
    "Match",
    "Metric",
    "MissingExtraError",
    "OutputExistsError",
    "PartialDate",
    "Period",
    "Photo",
    "Pledge",
    "Precision",
    "Qualifier",
    "Quantity",
    "Quote",
    "RankingPosition",
    "Record",
    "RecordNotFoundError",
    "Reference",
    "ReleaseError",
    "Section",
    "Severity",
    "ShanghaiInnovationError",
    "Source",
    "Statement",
    "Streak",
    "Topic",
    "Unit",
    "UnsafeArchiveError",
    "VerifyReport",
    "between",
    "check",
    "convert",
    "diff_datasets",
    "diff_releases",
    "errata_for",
    "export_release",
    "findings_for",
    "get",
    "implied_rate",
    "load",
    "load_release",
    "lookup",
    "quantities",
    "related",
    "search",
    "sql",
    "timeline",
    "to_arrow",
    "to_pandas",
    "to_polars",
    "verify",
    "when",
    "where",
]

#: The private module each public name lives in (the same names as the
#: imports above, which are for type checkers; a test keeps the two in step).
_HOMES: Final[dict[str, tuple[str, ...]]] = {
    "_audit": ("Finding", "Severity"),
    "_bundled": (
        "between",
        "check",
        "errata_for",
        "findings_for",
        "get",
        "lookup",
        "quantities",
        "related",
        "search",
        "sql",
        "timeline",
        "to_arrow",
        "to_pandas",
        "to_polars",
        "where",
    ),
    "_dataset": ("TABLES", "Dataset", "DatasetInfo"),
    "_errors": (
        "DataError",
        "DownloadError",
        "ExportError",
        "IntegrityError",
        "MissingExtraError",
        "OutputExistsError",
        "RecordNotFoundError",
        "ReleaseError",
        "ShanghaiInnovationError",
        "UnsafeArchiveError",
    ),
    "_index": ("when",),
    "_load": ("load",),
    "_query": ("DateLike", "DateMode", "convert", "implied_rate"),
    "_records": (
        "Citation",
        "Entity",
        "Erratum",
        "Event",
        "First",
        "Metric",
        "Photo",
        "Pledge",
        "Quote",
        "RankingPosition",
        "Record",
        "Reference",
        "Source",
        "Statement",
        "Streak",
    ),
    "_release.diff": ("Diff", "diff_datasets", "diff_releases"),
    "_release.export": ("ExportReport", "export_release"),
    "_release.reader": ("VerifyReport", "load_release", "verify"),
    "_search": ("ABBREVIATIONS", "Match"),
    "_values": ("Interval", "Locator", "PartialDate", "Period", "Quantity"),
    "_vocab": (
        "Confidence",
        "EntityKind",
        "ErratumKind",
        "FirstScope",
        "Indicator",
        "Precision",
        "Qualifier",
        "Section",
        "Topic",
        "Unit",
    ),
}
_HOME: Final = {name: module for module, names in _HOMES.items() for name in names}
#: Optional public submodules, imported on first access.
_SUBMODULES: Final = frozenset({"testing"})


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # later accesses skip this hook
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - costly; only when asked

        return version("shanghai-innovation")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES, "__version__"})
