"""Shared fixtures and the Hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by .ci/run) runs the thorough profile; local
runs default to the fast one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

#: The repository's top-level data folder.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The shared folder beside the checkout (the article and reference figures).
SHARED_DIR = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder, for planting faults."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target
