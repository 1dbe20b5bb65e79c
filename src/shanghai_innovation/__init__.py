"""A typed, audited, machine-readable record of one news article.

SHINE (Shanghai Daily), Li Qian, "What the city has achieved in science and
technology innovation", 2020-12-31: every fact as a typed record.

>>> import shanghai_innovation as si
>>> ds = si.load()
>>> ds.lookup("shine-2020-12-31").author
'Li Qian'
"""

from __future__ import annotations

from typing import Any

from ._dataset import TABLES, Dataset, DatasetInfo
from ._errors import (
    DataError,
    DownloadError,
    IntegrityError,
    MissingExtraError,
    OutputExistsError,
    RecordNotFoundError,
    ReleaseError,
    ShanghaiInnovationError,
    UnsafeArchiveError,
)
from ._load import load
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
    Streak,
)
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
    "TABLES",
    "Citation",
    "Confidence",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "DownloadError",
    "Entity",
    "EntityKind",
    "Erratum",
    "ErratumKind",
    "Event",
    "First",
    "FirstScope",
    "Indicator",
    "IntegrityError",
    "Interval",
    "Locator",
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
    "ShanghaiInnovationError",
    "Source",
    "Streak",
    "Topic",
    "UnsafeArchiveError",
    "Unit",
    "load",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - costly; only when asked

        return version("shanghai-innovation")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
