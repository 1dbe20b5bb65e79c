"""The built docs as a reader sees them: every page opened in headless Chromium at 1280x900.

The checks (``tests/_browser.py``, ``tests/browser_checks.js``) look for what
a ``-W`` Sphinx build cannot see: boxes the theme draws over a page, docutils
error markers, broken images, console errors, a sidebar title on two lines,
sideways scrolling, tables wider than the text and code cut off. Synthetic
pages with one planted fault each prove every check can fail.

``SI_DOCS_HTML`` names a build to check (``.ci/test`` passes the one it just
made); otherwise the docs are built here. Without Chromium or Playwright the
tests skip, unless ``SI_REQUIRE_BROWSER`` is set (``.ci/test`` sets it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._browser import browser_missing, chromium, page_problems, pages, serve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium (a fresh profile folder) for the module's tests."""
    reason = browser_missing()
    if reason is not None:
        if os.environ.get("SI_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    with chromium(tmp_path_factory.mktemp("profile")) as context:
        yield context


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML docs: ``SI_DOCS_HTML`` if set, else a fresh ``-W`` build."""
    given = os.environ.get("SI_DOCS_HTML")
    if given:
        folder = Path(given)
        assert (folder / "index.html").is_file(), f"SI_DOCS_HTML={given} holds no built docs"
        return folder
    pytest.importorskip("sphinx", reason="the docs extra is not installed")
    out = tmp_path_factory.mktemp("docs") / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert 0 == result.returncode, result.stderr
    return out


def _problems(context: Any, folder: Path, page: str) -> list[str]:
    """A page's problems with the server's address taken out, so they can be pinned."""
    with serve(folder) as base:
        return [p.replace(base, "/") for p in page_problems(context, base + page)]


# --- the real docs -------------------------------------------------------------------------


def test_every_built_page_reads_cleanly(built_docs: Path, browser: Any) -> None:
    """No page of the docs shows a theme error, a docutils marker, a broken image, a console
    error, a wrapped sidebar title, sideways scrolling, an over-wide table or cut-off code."""
    found = pages(built_docs)
    assert {"index.html", "api.html", "dictionary.html", "cli.html"} <= set(found)
    with serve(built_docs) as base:
        problems = {page: page_problems(browser, base + page) for page in found}
    lines = [f"{page}: {line}" for page, found_here in problems.items() for line in found_here]
    assert [] == lines, "\n".join(lines)


def test_a_planted_contents_directive_is_caught(
    built_docs: Path, browser: Any, tmp_path: Path
) -> None:
    """The real theme's box for a ``contents`` directive, planted in a built page, fails it."""
    copy = shutil.copytree(built_docs, tmp_path / "html")
    page = copy / "quickstart.html"
    html = page.read_text(encoding="utf-8")
    planted = (
        '<nav class="contents local" id="planted"><p class="topic-title">On this page</p>'
        '<ul class="simple"><li><p><a href="#install">Install</a></p></li></ul></nav>'
    )
    marker = '<div class="system-message"><p class="system-message-title">planted</p></div>'
    html, count = re.subn(r"(<article[^>]*>)", rf"\1{planted}{marker}", html, count=1)
    assert 1 == count
    baseline = _problems(browser, copy, "quickstart.html")
    page.write_text(html, encoding="utf-8")
    problems = [p for p in _problems(browser, copy, "quickstart.html") if p not in baseline]
    assert 2 == len(problems), problems
    assert problems[0].startswith("theme error box on <nav#planted.contents.local>")
    assert "ERROR: Adding a table of contents in Furo-based documentation" in problems[0]
    assert problems[1].startswith('docutils marker <div.system-message> "planted"')


# --- one planted fault per page: every check can fail --------------------------------------

STYLE = """
body { margin: 0; font: 16px sans-serif; }
.sidebar { width: 240px; }
article { width: 600px; }
.contents::before { content: "ERROR: the theme refuses this directive"; color: red; }
"""

#: A page's body, and the start of each problem it must show (in order).
FAULTS: dict[str, tuple[str, list[str]]] = {
    "theme-error-box": (
        '<article><nav class="contents">On this page</nav></article>',
        ['theme error box on <nav.contents> "On this page": "ERROR: the theme refuses'],
    ),
    "system-message": (
        '<article><div class="system-message">Unknown directive type</div></article>',
        ['docutils marker <div.system-message> "Unknown directive type"'],
    ),
    "problematic": (
        '<article><a class="problematic" href="#x">`broken`_</a></article>',
        ['docutils marker <a.problematic> "`broken`_"'],
    ),
    "broken-image": (
        '<article><img src="missing.png" alt="gone" width="10" height="10"></article>',
        ["HTTP 404: /missing.png", "console error: ", "broken image missing.png"],
    ),
    "console-error": (
        "<article>text</article><script>console.error('planted failure')</script>",
        ["console error: planted failure"],
    ),
    "uncaught-exception": (
        "<article>text</article><script>throw new Error('planted exception')</script>",
        ["uncaught exception: planted exception"],
    ),
    "wrapped-sidebar-title": (
        '<div style="width: 90px"><span class="sidebar-brand-text">shanghai_innovation 0.1.0'
        "</span></div>",
        [".sidebar-brand-text wraps onto 2 lines"],
    ),
    "sideways-page": (
        '<article><div style="width: 2000px; height: 10px"></div></article>',
        ["page scrolls sideways: "],
    ),
    "wide-table": (
        '<article><div style="overflow-x: auto"><table style="width: 900px"><tr><td>a</td>'
        "</tr></table></div></article>",
        ['table wider than its column (900 > 600 px): <table> "a"'],
    ),
    "cut-off-code": (
        f'<article><pre style="overflow: auto">{"x" * 200}</pre></article>',
        ["code block cut off ("],
    ),
}


#: A one-pixel GIF.
GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _page(body: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a clean page and one page per planted fault."""
    folder = tmp_path_factory.mktemp("synthetic")
    clean = (
        '<div class="sidebar"><span class="sidebar-brand-text">shanghai_innovation</span></div>'
        '<article><table style="width: 100%"><tr><td>fits</td></tr></table>'
        '<pre style="overflow: auto">short line</pre>'
        f'<img src="data:image/gif;base64,{GIF}" width="1" height="1" alt="dot">'
        "</article>"
    )
    (folder / "clean.html").write_text(_page(clean), encoding="utf-8")
    for name, (body, _) in FAULTS.items():
        (folder / f"{name}.html").write_text(_page(body), encoding="utf-8")
    return folder


def test_a_clean_page_has_no_problems(synthetic: Path, browser: Any) -> None:
    """A page with a one-line title, a fitting table, short code and a good image passes."""
    assert [] == _problems(browser, synthetic, "clean.html")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_planted_fault_is_caught(synthetic: Path, browser: Any, fault: str) -> None:
    """A page with one planted fault fails with exactly the problems that fault causes."""
    problems = _problems(browser, synthetic, f"{fault}.html")
    expected = FAULTS[fault][1]
    assert len(expected) == len(problems), problems
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
