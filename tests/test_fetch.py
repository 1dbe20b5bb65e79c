"""The release downloader (``_release/fetch.py``), piece by piece.

test_bad_input.py and test_release.py show the downloader against real,
misbehaving servers through the public functions. These pin each helper
exactly (whole messages, counts, what is left on disk) with fake responses,
a watchdog driven by hand and a monkeypatched ``download`` wherever that
shows the behaviour, because the mutation runner runs the tests that cover a
mutated line quickest first. A local server is used only for what needs a
real connection: HTTPS, which no other test serves (the certificate is
``tests/data/tls``).
"""

from __future__ import annotations

import email.message
import errno
import http.client
import io
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

import shanghai_innovation as si
from shanghai_innovation._release import fetch
from shanghai_innovation._release.fetch import (
    _content_length,
    _read,
    _reason,
    _RedirectHandler,
    _via,
    _Watchdog,
    cache_path,
    check_url,
)

from ._releases import Server, _Handler, serving

#: The self-signed certificate and key the HTTPS tests serve.
TLS = Path(__file__).resolve().parent / "data" / "tls"
URL = "http://example.org/release.zip"


# --- _reason: what a failure reads as ----------------------------------------------------


def _http_error(code: int, reason: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(URL, code, reason, email.message.Message(), None)


@pytest.mark.parametrize("code", [300, 302, 399])
def test_a_3xx_answer_that_ends_the_download_is_a_redirect_loop(code: int) -> None:
    """urllib only gives up on a 3xx when it loops or runs too long: said in one line."""
    expected = f"redirected too many times or in a loop (last answer: HTTP {code})"
    assert expected == _reason(_http_error(code, "Found"))


@pytest.mark.parametrize(("code", "reason"), [(299, "Odd"), (400, "Bad Request"), (404, "Gone")])
def test_any_other_http_error_gives_its_code_and_reason_phrase(code: int, reason: str) -> None:
    """Outside 300-399 the status code and the server's own reason phrase are shown."""
    assert f"HTTP {code} {reason}" == _reason(_http_error(code, reason))


def test_a_timeout_reads_as_timed_out_whatever_the_system_says() -> None:
    """A socket timeout is 'timed out', not the operating system's wording of it."""
    assert "timed out" == _reason(TimeoutError(errno.ETIMEDOUT, "Connection timed out"))
    assert "timed out" == _reason(urllib.error.URLError(TimeoutError()))


def test_an_os_error_gives_the_systems_words_alone() -> None:
    """An OSError with an error text shows that text, without errno or file name."""
    exc = OSError(errno.ENETUNREACH, "Network is unreachable", "ignored")
    assert "Network is unreachable" == _reason(exc)
    assert "Network is unreachable" == _reason(urllib.error.URLError(exc))


def test_an_os_error_without_system_words_shows_its_type_and_message() -> None:
    """An OSError that carries no error text falls back to its class name and message."""
    assert "OSError: no route" == _reason(OSError("no route"))
    assert "ConnectionResetError" == _reason(ConnectionResetError())


def test_any_other_failure_shows_its_type_and_first_line() -> None:
    """A multi-line message is cut to its first line; an empty one leaves the type alone."""
    assert "HTTPException: got 101 headers" == _reason(
        http.client.HTTPException("got 101 headers\n(at most 100 are read)")
    )
    assert "ValueError: first" == _reason(ValueError("  first\nsecond  "))
    assert "HTTPException" == _reason(http.client.HTTPException())


# --- check_url ----------------------------------------------------------------------------


def test_check_url_returns_the_scheme_in_lower_case() -> None:
    """An allowed URL passes, and its scheme comes back lower-cased for the caller to use."""
    assert "https" == check_url("HTTPS://Example.org/release.zip")
    assert "http" == check_url(URL)


def test_check_url_refuses_any_other_scheme() -> None:
    """A scheme other than http or https is refused, naming the scheme and what is allowed."""
    with pytest.raises(si.DownloadError) as caught:
        check_url("ftp://example.org/release.zip")
    expected = "ftp://example.org/release.zip: scheme 'ftp' is not allowed; use http, https or file"
    assert expected == str(caught.value)


def test_check_url_says_when_there_is_no_scheme_at_all() -> None:
    """A bare host and path is shown as scheme '(none)', not an empty string."""
    with pytest.raises(si.DownloadError) as caught:
        check_url("example.org/release.zip")
    expected = "example.org/release.zip: scheme '(none)' is not allowed; use http, https or file"
    assert expected == str(caught.value)


def test_check_url_refuses_a_url_without_a_host() -> None:
    """A URL with a scheme but nothing to connect to is refused before any connection."""
    with pytest.raises(si.DownloadError) as caught:
        check_url("http:///release.zip")
    assert "http:///release.zip: no host in the URL" == str(caught.value)


# --- _via: naming where a redirect led ------------------------------------------------------


def test_a_failure_after_a_redirect_names_both_urls() -> None:
    """The message keeps the reason word for word after the two URLs."""
    error = si.DownloadError(f"{URL}: HTTP 404 Not Found")
    via = _via(error, URL, "https://mirror.example.org/r.zip")
    expected = f"{URL} (redirected to https://mirror.example.org/r.zip): HTTP 404 Not Found"
    assert expected == str(via)


def test_a_failure_without_a_redirect_is_left_as_it_is() -> None:
    """No redirect, a redirect back to the same URL, or a message not about this URL: unchanged."""
    error = si.DownloadError(f"{URL}: HTTP 404 Not Found")
    assert error is _via(error, URL, None)
    assert error is _via(error, URL, URL)
    other = si.DownloadError("http://elsewhere.example.org/r.zip: HTTP 500 Oops")
    assert other is _via(other, URL, "https://mirror.example.org/r.zip")


# --- _content_length --------------------------------------------------------------------


def test_a_content_length_at_the_cap_is_accepted() -> None:
    """The cap is the largest size allowed, not the first size refused."""
    assert 10 == _content_length(URL, {"Content-Length": " 10 "}, 10)
    assert _content_length(URL, {}, 10) is None


def test_a_content_length_over_the_cap_is_refused() -> None:
    """One byte over the cap is refused from the header alone, giving the size and the cap."""
    with pytest.raises(si.DownloadError) as caught:
        _content_length(URL, {"Content-Length": "11"}, 10)
    assert f"{URL}: Content-Length 11 bytes is over the cap of 10" == str(caught.value)


def test_a_content_length_that_is_not_a_number_is_refused_quoted() -> None:
    """A Content-Length that is not digits is refused, the server's text shown quoted."""
    with pytest.raises(si.DownloadError) as caught:
        _content_length(URL, {"Content-Length": "-1"}, 10)
    assert f"{URL}: Content-Length '-1' is not a number of bytes" == str(caught.value)


# --- _read, with a fake response -------------------------------------------------------------

#: One answer of the fake response's read1: bytes, an exception to raise, or a
#: function called for the bytes (to expire the watchdog mid-read).
Step = bytes | BaseException | Callable[[], bytes]


class FakeResponse:
    """What ``_read`` uses of an HTTP response: its headers, read1 and a with block."""

    def __init__(self, steps: list[Step], headers: dict[str, str] | None = None) -> None:
        self.steps = list(steps)
        self.headers = headers or {}
        self.reads = 0

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def read1(self, size: int) -> bytes:
        self.reads += 1
        step = self.steps.pop(0) if self.steps else b""
        if isinstance(step, BaseException):
            raise step
        return step() if callable(step) else step


def _read_fake(
    monkeypatch: pytest.MonkeyPatch,
    response: FakeResponse,
    *,
    max_bytes: int = 100,
    timeout: float = 0.5,
    watchdog: _Watchdog | None = None,
    sink: IO[bytes] | None = None,
) -> int:
    """Run ``_read`` on URL against ``response`` (the watchdog is never started)."""

    class Opener:
        def open(self, request: urllib.request.Request, timeout: float) -> FakeResponse:
            return response

    monkeypatch.setattr(fetch, "_opener", lambda watchdog, redirects: Opener())
    return _read(
        URL,
        sink if sink is not None else io.BytesIO(),
        max_bytes=max_bytes,
        timeout=timeout,
        watchdog=watchdog if watchdog is not None else _Watchdog(60.0),
        redirects=_RedirectHandler(),
    )


def test_a_body_of_exactly_the_cap_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting while reading: the cap's own size passes, every byte reaching the sink."""
    sink = io.BytesIO()
    assert 5 == _read_fake(monkeypatch, FakeResponse([b"abc", b"de"]), max_bytes=5, sink=sink)
    assert b"abcde" == sink.getvalue()


def test_a_body_one_byte_over_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a Content-Length the count stops the body at the chunk that passes the cap."""
    sink = io.BytesIO()
    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, FakeResponse([b"abc", b"de"]), max_bytes=4, sink=sink)
    assert f"{URL}: more than the cap of 4 bytes" == str(caught.value)
    assert b"abc" == sink.getvalue()


def test_a_body_short_of_its_content_length_is_a_failed_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The end of the data before the declared length: the shortfall is reported."""
    response = FakeResponse([b"abcd", b""], {"Content-Length": "10"})
    sink = io.BytesIO()
    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, response, sink=sink)
    assert f"{URL}: the connection closed after 4 of 10 bytes" == str(caught.value)
    assert b"abcd" == sink.getvalue()


def test_a_chunked_body_cut_short_stops_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """An IncompleteRead is a failed download, whatever its partial bytes (chunk framing)."""
    response = FakeResponse(
        [b"abcd", http.client.IncompleteRead(b"\r"), b"never read"], {"Content-Length": "4"}
    )
    sink = io.BytesIO()
    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, response, sink=sink)
    assert f"{URL}: the connection closed after 4 bytes, before the body ended" == str(caught.value)
    assert 2 == response.reads
    assert b"abcd" == sink.getvalue()


def test_a_chunked_body_cut_by_the_watchdog_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watchdog's shutdown inside a chunk reads as the deadline, not as a short body."""
    watchdog = _Watchdog(60.0)

    def shut() -> bytes:
        watchdog._expire()
        raise http.client.IncompleteRead(b"")

    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, FakeResponse([b"ab", shut]), timeout=0.25, watchdog=watchdog)
    assert f"{URL}: timed out (the download took over 1 s)" == str(caught.value)


def test_the_deadline_stops_the_body_before_the_next_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the deadline no further chunk is read; the message gives the deadline in seconds."""
    watchdog = _Watchdog(60.0)

    def expire_then(data: bytes) -> Callable[[], bytes]:
        def step() -> bytes:
            watchdog._expire()  # the timer fires while this chunk arrives
            return data

        return step

    sink = io.BytesIO()
    response = FakeResponse([expire_then(b"ab"), b"cd"])
    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, response, timeout=0.5, watchdog=watchdog, sink=sink)
    assert f"{URL}: timed out (the download took over 2 s)" == str(caught.value)
    assert b"ab" == sink.getvalue()
    assert 1 == response.reads


def test_a_body_ended_by_the_watchdog_is_a_timeout_not_a_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The watchdog's shutdown looks like the end of the body; it is still reported as late."""
    watchdog = _Watchdog(60.0)

    def shut() -> bytes:
        watchdog._expire()  # the socket is shut: the read sees the end of the data
        return b""

    with pytest.raises(si.DownloadError) as caught:
        _read_fake(monkeypatch, FakeResponse([b"ab", shut]), timeout=0.25, watchdog=watchdog)
    assert f"{URL}: timed out (the download took over 1 s)" == str(caught.value)


# --- download -----------------------------------------------------------------------------


def test_download_refuses_a_bad_scheme_in_its_own_words() -> None:
    """download() checks the URL itself, so an ftp URL never reaches urllib."""
    sink = io.BytesIO()
    with pytest.raises(si.DownloadError) as caught:
        fetch.download("ftp://example.org/r.zip", sink, max_bytes=10, timeout=0.5)
    expected = "ftp://example.org/r.zip: scheme 'ftp' is not allowed; use http, https or file"
    assert expected == str(caught.value)
    assert b"" == sink.getvalue()


def _failing_read(
    monkeypatch: pytest.MonkeyPatch, exc: BaseException, *, expire: bool
) -> si.DownloadError:
    """The error download() gives when its read raises ``exc`` (after the deadline or not)."""

    def read(url: str, sink: IO[bytes], *, watchdog: _Watchdog, **kwargs: Any) -> int:
        if expire:
            watchdog._expire()
        raise exc

    monkeypatch.setattr(fetch, "_read", read)
    with pytest.raises(si.DownloadError) as caught:
        fetch.download(URL, io.BytesIO(), max_bytes=10, timeout=0.5)
    return caught.value


def test_a_connection_error_before_the_deadline_gives_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before the deadline a failed connection is reported in the system's words."""
    exc = ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
    error = _failing_read(monkeypatch, exc, expire=False)
    assert f"{URL}: Connection reset by peer" == str(error)


def test_a_connection_error_after_the_deadline_is_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the watchdog's shutdown made the read raise, the message says the deadline."""
    exc = ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
    error = _failing_read(monkeypatch, exc, expire=True)
    assert f"{URL}: timed out (the download took over 2 s)" == str(error)


def _serve_once(answer: bytes) -> tuple[str, threading.Thread, socket.socket]:
    """A server on 127.0.0.1 that reads one request, sends ``answer`` and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{port}/release.zip", thread, listener


CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n"


@pytest.mark.parametrize(
    ("rest", "received"),
    [
        pytest.param(b"10\r\nab", 7, id="inside-a-chunk"),
        pytest.param(b"", 5, id="before-the-last"),
    ],
)
def test_a_chunked_body_cut_short_never_reaches_the_release_check(
    rest: bytes, received: int, tmp_path: Path
) -> None:
    """A server hanging up before the last (empty) chunk: a failed download, nothing cached."""
    url, thread, listener = _serve_once(CHUNKED + rest)
    opened: list[Path] = []
    try:
        with pytest.raises(si.DownloadError) as caught:
            fetch.fetch(url, opened.append, cache_dir=tmp_path, max_bytes=1000, timeout=2.0)
    finally:
        thread.join(5)
        listener.close()
    expected = f"{url}: the connection closed after {received} bytes, before the body ended"
    assert expected == str(caught.value)
    assert [] == opened
    assert [] == list(tmp_path.iterdir())


# --- the redirect handler -------------------------------------------------------------------


def test_the_redirect_handler_refuses_the_url_urllib_settles_on() -> None:
    """Not only the Location header: the request urllib builds for a redirect is checked too."""
    handler = _RedirectHandler()
    headers = email.message.Message()
    for start, target, expected in [
        (
            URL,
            "ftp://example.org/r.zip",
            f"{URL}: redirected to 'ftp://example.org/r.zip'; "
            "only http and https redirects are followed",
        ),
        (
            "https://example.org/r.zip",
            "http://example.org/r.zip",
            "https://example.org/r.zip: redirected from https to http "
            "('http://example.org/r.zip'); a download never drops to an unencrypted connection",
        ),
    ]:
        request = urllib.request.Request(start)
        with pytest.raises(si.DownloadError) as caught:
            handler.redirect_request(request, io.BytesIO(), 302, "Found", headers, target)
        assert expected == str(caught.value)


# --- fetch, with download monkeypatched -------------------------------------------------------


def _opened(path: Path) -> bytes:
    """An ``open_release`` that accepts anything: the file's bytes."""
    return path.read_bytes()


def _refused(path: Path) -> bytes:
    """An ``open_release`` that rejects everything, as it does a damaged release."""
    raise si.ReleaseError(f"{path.name}: not a release")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make fetch's download write b"fresh" for any URL; the URLs it was called with."""
    calls: list[str] = []

    def download(url: str, sink: IO[bytes], *, max_bytes: int, timeout: float) -> int:
        calls.append(url)
        sink.write(b"fresh")
        return 5

    monkeypatch.setattr(fetch, "download", download)
    return calls


def test_fetch_refuses_a_bad_url_before_touching_the_disk(tmp_path: Path) -> None:
    """A URL that can never be downloaded creates no cache folder and no temporary file."""
    folder = tmp_path / "cache"
    with pytest.raises(si.DownloadError) as caught:
        fetch.fetch("ftp://example.org/r.zip", _opened, cache_dir=folder, max_bytes=10)
    expected = "ftp://example.org/r.zip: scheme 'ftp' is not allowed; use http, https or file"
    assert expected == str(caught.value)
    assert not folder.exists()


def test_fetch_creates_the_cache_folder_and_its_parents(
    tmp_path: Path, downloads: list[str]
) -> None:
    """A download lands in the cache under the URL's hash, with no temporary file left."""
    folder = tmp_path / "a" / "b" / "cache"
    assert b"fresh" == fetch.fetch(URL, _opened, cache_dir=folder, max_bytes=10)
    assert [URL] == downloads
    assert [cache_path(URL, folder).name] == [p.name for p in folder.iterdir()]
    assert b"fresh" == cache_path(URL, folder).read_bytes()


def test_a_rejected_cached_copy_is_downloaded_again(tmp_path: Path, downloads: list[str]) -> None:
    """Into the existing cache folder, replacing the copy open_release refused."""
    target = cache_path(URL, tmp_path)
    target.write_bytes(b"damaged")
    opened: list[bytes] = []

    def open_release(path: Path) -> bytes:
        opened.append(path.read_bytes())
        if path == target and len(opened) == 1:
            raise si.ReleaseError("damaged")
        return path.read_bytes()

    assert b"fresh" == fetch.fetch(URL, open_release, cache_dir=tmp_path, max_bytes=10)
    assert [b"damaged", b"fresh"] == opened
    assert [URL] == downloads
    assert [target.name] == [p.name for p in tmp_path.iterdir()]
    assert b"fresh" == target.read_bytes()


def test_a_rejected_cached_copy_is_gone_even_when_the_download_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache never keeps a copy open_release refused, even when no new one comes."""
    target = cache_path(URL, tmp_path)
    target.write_bytes(b"damaged")

    def download(url: str, sink: IO[bytes], *, max_bytes: int, timeout: float) -> int:
        raise si.DownloadError(f"{url}: connection refused")

    monkeypatch.setattr(fetch, "download", download)
    with pytest.raises(si.DownloadError) as caught:
        fetch.fetch(URL, _refused, cache_dir=tmp_path, max_bytes=10)
    assert f"{URL}: connection refused" == str(caught.value)
    assert [] == list(tmp_path.iterdir())


def test_a_cached_copy_removed_while_being_rejected_is_no_error(
    tmp_path: Path, downloads: list[str]
) -> None:
    """Another process may clear the cache meanwhile: the download goes ahead all the same."""
    target = cache_path(URL, tmp_path)
    target.write_bytes(b"damaged")

    def open_release(path: Path) -> bytes:
        if path == target:
            target.unlink()  # as another process clearing the cache would
            raise si.ReleaseError("damaged")
        return path.read_bytes()

    assert b"fresh" == fetch.fetch(URL, open_release, cache_dir=tmp_path, max_bytes=10)
    assert b"fresh" == target.read_bytes()


def test_a_cache_folder_that_is_a_file_is_named_with_the_systems_words(
    tmp_path: Path, downloads: list[str]
) -> None:
    """A cache folder that cannot be made is named, with the reason, before any download."""
    folder = tmp_path / "cache"
    folder.write_bytes(b"")
    with pytest.raises(si.DownloadError) as caught:
        fetch.fetch(URL, _opened, cache_dir=folder, max_bytes=10)
    assert f"cannot use the cache folder {folder}: File exists" == str(caught.value)
    assert [] == downloads


def test_a_cache_entry_that_cannot_be_replaced_is_named_with_the_systems_words(
    tmp_path: Path, downloads: list[str]
) -> None:
    """A download that cannot be renamed into the cache fails, leaving no temporary file."""
    cache_path(URL, tmp_path).mkdir()  # a folder where the cached zip should go
    with pytest.raises(si.DownloadError) as caught:
        fetch.fetch(URL, _opened, cache_dir=tmp_path, max_bytes=10)
    assert f"cannot write into the cache folder {tmp_path}: Is a directory" == str(caught.value)
    assert [cache_path(URL, tmp_path).name] == [p.name for p in tmp_path.iterdir()]


# --- HTTPS, against a local server with a self-signed certificate ----------------------------


class TLSServer(Server):
    """The tests' local server, speaking HTTPS with the certificate in tests/data/tls."""

    def __init__(self) -> None:
        super().__init__()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"https://{host!s}:{port}{path}"

    def finish_request(self, request: Any, client_address: Any) -> None:
        """The handshake runs in the request's own thread, so a refusal stops only that one."""
        request.settimeout(5)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except OSError:  # the client refused the certificate
            return
        with tls:
            super().finish_request(tls, client_address)


@pytest.fixture
def tls_server() -> Iterator[TLSServer]:
    with serving(TLSServer()) as server:
        yield server


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the default TLS context, built afresh by each download, trust the test certificate."""
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))


def test_an_https_download_returns_the_body(tls_server: TLSServer, trusted: None) -> None:
    """Over HTTPS to a trusted server the body arrives whole and its size is returned."""
    url = tls_server.serve("/release.zip", b"PK\x05\x06" + b"\0" * 18)
    sink = io.BytesIO()
    assert 22 == fetch.download(url, sink, max_bytes=100, timeout=5)
    assert b"PK\x05\x06" + b"\0" * 18 == sink.getvalue()
    assert ["/release.zip"] == tls_server.hits


def test_an_https_server_trickling_its_headers_stops_at_the_deadline(
    tls_server: TLSServer, trusted: None
) -> None:
    """Every byte in time for the socket timeout, but the whole download within 4 x 0.2 s."""

    def route(handler: _Handler) -> None:
        head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 300  # 3 s of trickling at most
        for i in range(len(head)):
            if tls_server.stop.wait(0.01):
                return
            handler.wfile.write(head[i : i + 1])

    tls_server.routes["/slow-head.zip"] = route
    url = tls_server.url("/slow-head.zip")
    started = time.monotonic()
    with pytest.raises(si.DownloadError) as caught:
        fetch.download(url, io.BytesIO(), max_bytes=100, timeout=0.2)
    elapsed = time.monotonic() - started
    assert f"{url}: timed out (the download took over 0.8 s)" == str(caught.value)
    assert 0.8 <= elapsed < 2.0


def test_an_https_server_not_trusted_is_refused(
    tls_server: TLSServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A self-signed certificate nobody trusts fails the download in one line, sending nothing."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    url = tls_server.serve("/release.zip", b"PK")
    with pytest.raises(si.DownloadError) as caught:
        fetch.download(url, io.BytesIO(), max_bytes=100, timeout=5)
    expected = (
        re.escape(f"{url}: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ")
        + r"self-signed certificate \(_ssl\.c:[0-9]+\)"
    )
    assert re.fullmatch(expected, str(caught.value)), str(caught.value)
    assert [] == tls_server.hits
