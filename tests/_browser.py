"""Open built HTML pages in headless Chromium and list what a reader would see go wrong.

Debian's ``chromium`` (``/usr/bin/chromium``), driven by Playwright's Python
API with ``executable_path``: no browser download. Pages are served by a
127.0.0.1 server started here, never from the network.

:func:`page_problems` reports, one line each:

- a box the theme draws to say the page is wrong (furo writes ``ERROR: ...``
  in a ``::before``; furo's sidebar templates write a notice in the page);
- docutils error and warning markers (``.system-message``, ``.problematic``);
- broken images, failed requests and HTTP errors;
- console errors and uncaught exceptions;
- a sidebar title on more than one line;
- a page wider than the window (sideways scrolling);
- a table wider than the text column, or a code block whose lines are cut
  off or need sideways scrolling.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Debian's Chromium; ``.ci/test`` installs it with apt.
CHROMIUM = Path("/usr/bin/chromium")
#: The window every page is checked at.
VIEWPORT = {"width": 1280, "height": 900}
#: Flags for a headless start on a closed network (see the machine notes).
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: How long a page may take to load, in milliseconds (a local server: seconds is plenty).
LOAD_TIMEOUT_MS = 20_000
#: Elements that must stay on one line (furo's sidebar title).
ONE_LINE = (".sidebar-brand-text",)

#: Runs in the page (an arrow function); returns one line per problem.
_CHECKS_JS = (Path(__file__).parent / "browser_checks.js").read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def browser_missing() -> str | None:
    """Why the browser check cannot run here, or None when it can."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/test does)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "the playwright package is not installed (it is in the test extra)"
    return None


@contextlib.contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """A headless Chromium context at 1280x900 with a fresh profile folder."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    flags = list(FLAGS)
    if os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),  # a fresh --user-data-dir
            executable_path=str(executable),
            headless=True,
            args=flags,
            viewport=VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()


def page_problems(context: Any, url: str) -> list[str]:
    """Open one page and return what is wrong with it as a reader sees it, one line each."""
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415

    problems: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text} ({msg.location['url']})")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught exception: {exc}"))
    page.on(
        "requestfailed",
        lambda request: problems.append(f"request failed: {request.url} ({request.failure})"),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    try:
        page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        problems += page.evaluate(_CHECKS_JS, list(ONE_LINE))
    except PlaywrightError as exc:
        problems.append(f"page did not load and render: {str(exc).splitlines()[0]}")
    finally:
        page.close()
    return problems


def pages(folder: Path) -> list[str]:
    """Every HTML page under a built folder, as paths relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def screenshot(context: Any, url: str, path: Path) -> Path:
    """A full-page PNG of one page (for looking at, not for asserting)."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.close()
    return path
