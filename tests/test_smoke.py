"""The package imports and the bundled data loads."""

from __future__ import annotations

import shanghai_innovation as si


def test_load_returns_the_same_cached_dataset() -> None:
    """load() reads the bundled data once and hands back the same object."""
    assert si.load() is si.load()
