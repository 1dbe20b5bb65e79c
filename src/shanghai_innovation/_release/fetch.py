"""Downloading a release zip without trusting the server.

Only :mod:`urllib` is used. The rules:

- the URL's scheme is http or https (``file`` URLs never reach this module:
  they name a local path); a redirect may lead only to http or https, and
  never from https down to plain http; a failure after a redirect names the
  URL the download ended up at as well;
- every socket operation times out after ``timeout`` seconds, and the whole
  download (connecting, headers, body) must finish within an overall deadline
  of ``DEADLINE_FACTOR`` times that, so a server that stalls or trickles fails;
- a ``Content-Length`` over the cap (or not a number) is refused before
  reading the body, and bytes are counted while reading, since a server may
  send more than it says; a body that ends short of its ``Content-Length``,
  or a chunked body that ends before its last chunk, is a failed download,
  not a damaged release;
- the body goes to a temporary file in the cache folder; the caller's check
  (that it is an intact release) runs on it, and only then is it renamed,
  atomically, into the cache under the SHA-256 of the URL.

Every failure is a :class:`~shanghai_innovation.DownloadError` with one line
naming the URL and the reason (the server's own words, such as its reason
phrase, escaped by the error like any outside text).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from shanghai_innovation._errors import DownloadError, ShanghaiInnovationError, quoted

__all__ = [
    "CACHE_ENV",
    "DEADLINE_FACTOR",
    "DEFAULT_TIMEOUT",
    "cache_path",
    "check_url",
    "default_cache_dir",
    "download",
    "fetch",
]

#: The environment variable naming the download cache folder.
CACHE_ENV: Final = "SHANGHAI_INNOVATION_CACHE"
#: Seconds any one socket operation may take.
DEFAULT_TIMEOUT: Final = 30.0
#: The whole download must finish within this many times the timeout.
DEADLINE_FACTOR: Final = 4
#: Schemes a download may start from or be redirected to.
ALLOWED_SCHEMES: Final = frozenset({"http", "https"})

T = TypeVar("T")

_CHUNK: Final = 64 * 1024
_USER_AGENT: Final = "shanghai-innovation (release download)"
_DIGITS: Final = re.compile(r"[0-9]{1,18}")


def default_cache_dir() -> Path:
    """``$SHANGHAI_INNOVATION_CACHE``, or ``~/.cache/shanghai-innovation``."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "shanghai-innovation"


def cache_path(url: str, cache_dir: str | os.PathLike[str]) -> Path:
    """Where the release downloaded from ``url`` is kept: the SHA-256 of the URL."""
    key = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
    return Path(cache_dir) / f"{key}.zip"


class _Watchdog:
    """Shuts every socket of one download when its overall deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            late = self.expired
        if late:
            self._shut(sock)

    def timed_out(self) -> bool:
        """Whether the deadline has passed."""
        return self.expired or time.monotonic() > self.deadline

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed: nothing left to stop
            sock.shutdown(socket.SHUT_RDWR)


def _connection_classes(
    watchdog: _Watchdog,
) -> tuple[type[http.client.HTTPConnection], type[http.client.HTTPSConnection]]:
    class Watched(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class WatchedTLS(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    return Watched, WatchedTLS


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http and https only, never https to http; remembers the last URL."""

    def __init__(self) -> None:
        super().__init__()
        #: The URL the last redirect led to (None before any redirect).
        self.location: str | None = None

    def _check(self, req: urllib.request.Request, location: str) -> None:
        target = urllib.parse.urljoin(req.full_url, location)
        scheme = urllib.parse.urlsplit(target).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            msg = (
                f"{req.full_url}: redirected to {quoted(target)}; only http and https "
                f"redirects are followed"
            )
            raise DownloadError(msg)
        if urllib.parse.urlsplit(req.full_url).scheme.lower() == "https" and scheme == "http":
            msg = (
                f"{req.full_url}: redirected from https to http ({quoted(target)}); "
                "a download never drops to an unencrypted connection"
            )
            raise DownloadError(msg)

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
    ) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location is not None:
            try:
                self._check(req, location)
            except DownloadError:
                fp.close()  # the refused response's socket
                raise
            self.location = urllib.parse.urljoin(req.full_url, location)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        self._check(req, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(watchdog: _Watchdog, redirects: _RedirectHandler) -> urllib.request.OpenerDirector:
    """An opener with http and https only: no file, ftp or data handlers."""
    plain, tls = _connection_classes(watchdog)

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(plain, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(tls, req, context=self._context)  # type: ignore[attr-defined]

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        HTTP(),
        HTTPS(),
        urllib.request.HTTPDefaultErrorHandler(),
        redirects,
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        if 300 <= exc.code < 400:  # urllib gives up on a loop with a three-line message
            return f"redirected too many times or in a loop (last answer: HTTP {exc.code})"
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        inner = exc.reason
        return _reason(inner) if isinstance(inner, BaseException) else str(inner)
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def check_url(url: str) -> str:
    """The URL's scheme when it is http or https; raises :class:`DownloadError` otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise DownloadError(f"{url}: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        msg = f"{url}: scheme {scheme or '(none)'!r} is not allowed; use http, https or file"
        raise DownloadError(msg)
    if not parts.hostname:
        raise DownloadError(f"{url}: no host in the URL")
    return scheme


def download(url: str, sink: IO[bytes], *, max_bytes: int, timeout: float) -> int:
    """Download ``url`` into ``sink``; returns the number of bytes written.

    Raises:
        DownloadError: bad scheme, refused, timed out, too large, cut short,
            an HTTP error or a disallowed redirect.

    """
    check_url(url)
    seconds = timeout * DEADLINE_FACTOR
    redirects = _RedirectHandler()
    with _Watchdog(seconds) as watchdog:
        try:
            return _read(
                url,
                sink,
                max_bytes=max_bytes,
                timeout=timeout,
                watchdog=watchdog,
                redirects=redirects,
            )
        except DownloadError as exc:
            raise _via(exc, url, redirects.location) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()  # it holds the response, and so the socket, open
            if watchdog.timed_out():
                msg = f"{url}: timed out (the download took over {seconds:g} s)"
                raise _via(DownloadError(msg), url, redirects.location) from None
            error = DownloadError(f"{url}: {_reason(exc)}")
            raise _via(error, url, redirects.location) from None


def _via(error: DownloadError, url: str, location: str | None) -> DownloadError:
    """The error, naming the URL a redirect led to when the download ended up elsewhere."""
    text = str(error)
    if location is None or location == url or not text.startswith(f"{url}: "):
        return error
    return DownloadError(f"{url} (redirected to {location}): {text[len(url) + 2 :]}")


def _content_length(url: str, headers: Any, max_bytes: int) -> int | None:
    length = headers.get("Content-Length")
    if length is None:
        return None
    if not _DIGITS.fullmatch(length.strip()):
        raise DownloadError(f"{url}: Content-Length {quoted(length)} is not a number of bytes")
    declared = int(length.strip())
    if declared > max_bytes:
        msg = f"{url}: Content-Length {declared} bytes is over the cap of {max_bytes}"
        raise DownloadError(msg)
    return declared


def _read(
    url: str,
    sink: IO[bytes],
    *,
    max_bytes: int,
    timeout: float,
    watchdog: _Watchdog,
    redirects: _RedirectHandler,
) -> int:
    late = f"{url}: timed out (the download took over {timeout * DEADLINE_FACTOR:g} s)"
    # The scheme was checked (http or https) and the opener has no other handlers.
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})  # noqa: S310
    with _opener(watchdog, redirects).open(request, timeout=timeout) as response:
        declared = _content_length(url, response.headers, max_bytes)
        total = 0
        while True:
            if watchdog.timed_out():
                raise DownloadError(late)
            try:
                chunk = response.read1(_CHUNK)
            except http.client.IncompleteRead:
                # Only a chunked body raises it: the connection closed inside a
                # chunk or before the last (empty) one. What it holds as partial
                # is chunk framing, not body.
                if watchdog.timed_out():
                    raise DownloadError(late) from None
                msg = f"{url}: the connection closed after {total} bytes, before the body ended"
                raise DownloadError(msg) from None
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise DownloadError(f"{url}: more than the cap of {max_bytes} bytes")
            sink.write(chunk)
        if watchdog.timed_out():
            raise DownloadError(late)
        if declared is not None and total < declared:
            msg = f"{url}: the connection closed after {total} of {declared} bytes"
            raise DownloadError(msg)
        return total


def fetch(
    url: str,
    open_release: Callable[[Path], T],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
) -> T:
    """Open the release zip at ``url`` with ``open_release``, from the cache when there.

    A cached copy that ``open_release`` rejects is dropped and downloaded
    again. A fresh download is opened (and so checked) while still a
    temporary file; only when that succeeds is it renamed into the cache, so
    the cache only ever holds intact releases.

    Raises:
        DownloadError: the download failed (see :func:`download`).
        ReleaseError: what ``open_release`` raises for a download that is not
            an intact release.

    """
    check_url(url)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache_path(url, folder)
    if target.is_file():
        try:
            return open_release(target)
        except ShanghaiInnovationError:
            target.unlink(missing_ok=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
            dir=folder, prefix=".download-", suffix=".part", delete=False
        )
    except OSError as exc:
        msg = f"cannot use the cache folder {folder}: {exc.strerror or exc}"
        raise DownloadError(msg) from None
    part = Path(handle.name)
    try:
        with handle:
            download(url, handle, max_bytes=max_bytes, timeout=timeout)
        result = open_release(part)
        os.replace(part, target)
    except DownloadError:
        raise
    except OSError as exc:
        msg = f"cannot write into the cache folder {folder}: {exc.strerror or exc}"
        raise DownloadError(msg) from None
    finally:
        part.unlink(missing_ok=True)
    return result
