"""Sphinx configuration for the shanghai_innovation docs.

Build with ``bash .ci/docs`` (sets up .venv) or, in a ready environment,
``sphinx-build -W --keep-going -b html docs docs/_build/html``.

Generated pages (data dictionary, audit findings, command-line help, the
figure) are written into ``docs/_generated/`` by the ``si_docs`` extension
in ``docs/_ext/`` when the build starts; nothing there is committed.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "shanghai_innovation"
author = "The shanghai_innovation developers"
copyright = "the shanghai_innovation developers; code MIT, data CC BY 4.0"
release = _version("shanghai-innovation")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "si_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# _generated holds included fragments, not standalone pages.
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store", "conftest.py"]
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Google-style docstrings everywhere; fields of attrs classes documented as
# attributes (#: comments or metadata) would clash with "Attributes:"
# sections without this.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = False
autodoc_typehints_description_target = "documented"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "furo"
html_title = f"shanghai_innovation {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
