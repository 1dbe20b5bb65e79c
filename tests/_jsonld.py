"""Shared helper for the JSON-LD tests: expand a document and list its node types."""

from __future__ import annotations

from typing import Any

from pyld import jsonld


def _types(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        found += node.get("@type", [])
        for key, value in node.items():
            if key != "@type":
                found += _types(value)
    elif isinstance(node, list):
        for item in node:
            found += _types(item)
    return found


def expanded_types(document: Any) -> tuple[list[Any], list[str]]:
    """The document expanded by pyld (offline), and every ``@type`` in it, in document order."""
    expanded: list[Any] = jsonld.expand(document)
    return expanded, _types(expanded)
