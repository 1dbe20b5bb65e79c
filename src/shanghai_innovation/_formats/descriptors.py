"""The linked-data descriptors of a release, built from the dataset and its data files.

Beside ``datapackage.json`` a release holds two JSON-LD documents, each
from its own module: ``claimreview.jsonld`` (the errata as schema.org
ClaimReviews, :mod:`.claimreview`) and ``croissant.json`` (Croissant 1.1,
:mod:`.croissant`). :func:`descriptor_files` builds both as deterministic
bytes; the export writes them, ``datapackage.json`` and ``SHA256SUMS`` list
them like every other file, and ``verify`` rebuilds them from the release's
own data files and requires the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from shanghai_innovation._dataset import Dataset

from .claimreview import CLAIMREVIEW_FILE, build_claimreview
from .croissant import CROISSANT_FILE, CROISSANT_VERSION, build_croissant
from .metadata import about, jsonld_bytes

__all__ = ["DESCRIPTORS", "DESCRIPTOR_FILES", "Descriptor", "descriptor_files"]


@attrs.frozen
class Descriptor:
    """One descriptor file: its name, media type and what it is."""

    #: File name in the release.
    file: str
    #: Its resource name in datapackage.json.
    resource: str
    #: Its media type.
    mediatype: str
    #: What it holds, in our words.
    description: str


#: Every descriptor besides datapackage.json, in the order they are built.
DESCRIPTORS: Final = (
    Descriptor(
        CLAIMREVIEW_FILE,
        "claimreview",
        "application/ld+json",
        "Every erratum as a schema.org ClaimReview of the article's claim (JSON-LD).",
    ),
    Descriptor(
        CROISSANT_FILE,
        "croissant",
        f'application/ld+json; profile="{CROISSANT_VERSION}"',
        "MLCommons Croissant 1.1 metadata: every file and every table's fields (JSON-LD).",
    ),
)
#: Their file names.
DESCRIPTOR_FILES: Final = tuple(d.file for d in DESCRIPTORS)


def descriptor_files(dataset: Dataset, data_files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every descriptor of a release, file name to bytes.

    Args:
        dataset: The dataset the files were written from.
        data_files: The release's data files, name to bytes (other names,
            such as the descriptors themselves, are ignored).

    """
    facts = about(dataset)
    data = {n: b for n, b in data_files.items() if n not in DESCRIPTOR_FILES}
    return {
        CLAIMREVIEW_FILE: jsonld_bytes(build_claimreview(dataset, facts)),
        CROISSANT_FILE: jsonld_bytes(build_croissant(dataset, data, facts)),
    }
