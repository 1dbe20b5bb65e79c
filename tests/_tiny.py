"""The pieces every hand-built test dataset shares: one source, the info, a locator."""

from __future__ import annotations

import datetime as dt

import shanghai_innovation as si

SOURCE = si.Source(
    id="src",
    title="A title",
    author="An author",
    outlet="An outlet",
    url="https://example.org/a",
    published=dt.date(1999, 1, 1),  # out of the way of the ranges tested
    language="en",
    published_inferred=False,
    note="A note.",
)
INFO = si.DatasetInfo("test", "Test", "1.0.0", "Test data.", "CC-BY-4.0", "https://x", "Us")
LOC = si.Locator("src", si.Section.HIGHLIGHTS, 1)
