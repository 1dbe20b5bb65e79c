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


def _data_version() -> str:
    """The bundled dataset's version (it moves apart from the package version)."""
    import shanghai_innovation as si  # noqa: PLC0415

    return si.load().info.version


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
templates_path = ["_templates"]

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
# The title alone fits the sidebar on one line; _templates/sidebar/brand.html
# puts the package and dataset versions on a line below it.
html_title = "shanghai_innovation"
html_static_path = ["_static"]
html_css_files = ["si.css"]
# A page without an icon makes the browser ask for /favicon.ico, a 404 in its console.
html_favicon = "_static/favicon.svg"
html_context = {"si_data_version": _data_version()}
html_show_sourcelink = False
