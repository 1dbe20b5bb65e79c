"""The download's watchdog, driven directly: a fake clock and a socket pair, no server.

A download must end within ``DEADLINE_FACTOR`` times its timeout however the
server behaves (the guide says four times). The tests in test_bad_input.py
show that against real, stalling servers; these pin each part of the
mechanism at its edges, where waiting on a real server cannot.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest

from shanghai_innovation import DownloadError
from shanghai_innovation._release import fetch
from shanghai_innovation._release.fetch import _Watchdog


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    one, other = socket.socketpair()
    other.settimeout(5)
    yield one, other
    one.close()
    other.close()


def test_the_deadline_is_four_times_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the guide says: a whole download gets four times the per-operation timeout."""
    made: list[float] = []

    class Recording(_Watchdog):
        def __init__(self, seconds: float) -> None:
            made.append(seconds)
            super().__init__(seconds)

    monkeypatch.setattr(fetch, "_Watchdog", Recording)
    with pytest.raises(DownloadError):  # nothing listens on port 1
        fetch.download("http://127.0.0.1:1/release.zip", io.BytesIO(), max_bytes=10, timeout=0.5)
    assert [2.0] == made


def test_the_deadline_has_passed_only_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """By the clock alone, before the timer has fired: at the deadline, not yet; after, yes."""
    now = [1000.0]
    monkeypatch.setattr(fetch.time, "monotonic", lambda: now[0])
    watchdog = _Watchdog(8.0)  # not started: only the clock speaks
    now[0] = 1008.0
    assert not watchdog.timed_out()
    now[0] = 1008.001
    assert watchdog.timed_out()


def test_once_expired_it_has_timed_out_whatever_the_clock_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetch.time, "monotonic", lambda: 1000.0)
    watchdog = _Watchdog(8.0)
    watchdog._expire()
    assert watchdog.timed_out()


def test_expiry_shuts_every_socket_watched(pair: tuple[socket.socket, socket.socket]) -> None:
    one, other = pair
    watchdog = _Watchdog(60.0)
    watchdog.watch(one)
    watchdog._expire()
    assert b"" == other.recv(1)  # the far end sees the connection end at once


def test_a_socket_watched_after_expiry_is_shut_at_once(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    """A connection the download opens just after the deadline does not get to run."""
    one, other = pair
    watchdog = _Watchdog(60.0)
    watchdog._expire()
    watchdog.watch(one)
    assert b"" == other.recv(1)


def test_no_socket_is_nothing_to_watch() -> None:
    """A connection that has no socket (yet) is passed over, and expiry still works."""
    watchdog = _Watchdog(60.0)
    watchdog.watch(None)
    watchdog._expire()
    assert watchdog.timed_out()


def test_leaving_the_download_stops_the_timer() -> None:
    """The timer thread ends with the download, not at the deadline minutes later."""
    with _Watchdog(600.0) as watchdog:
        assert watchdog._timer.is_alive()
    watchdog._timer.join(timeout=5)
    assert not watchdog._timer.is_alive()
    assert not watchdog.expired


def test_the_timer_never_keeps_the_interpreter_alive() -> None:
    """A daemon thread: a program that ends mid-download is not held up by its deadline."""
    assert _Watchdog(600.0)._timer.daemon
