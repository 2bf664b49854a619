"""The sync's quick paths give exactly what the general ones give, quick or not.

RSS dates in the usual RFC 822 shape are read directly (``tui.importers.dates``),
and links that are already plain absolute URLs skip ``urljoin``
(``tui.sources.feeds.absolute_url``): each is checked against the standard
library on the cases it takes and the ones it must leave alone.
"""

from __future__ import annotations

import itertools
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import pytest

from tui.importers.dates import iso_date
from tui.sources.feeds import absolute_url

DATES = [
    "Sun, 13 Sep 2020 12:26:40 GMT",
    "13 Sep 2020 12:26:40 +0000",
    "Mon, 01 Jan 2001 00:00:00 -0530",
    "Tue, 10 Jun 2003 04:00:00 +1245",
    "Tue, 10 jun 2003 04:00:00 UT",
    "Tue, 10 JUN 2003 04:00:00 UTC",
    "Tue, 10 Jun 2003 04:00:00 Z",
    "Tue, 10 Jun 2003 04:00:00 -0000",  # no known zone: a naive time, by the full parser
    "Tue, 10 Jun 0003 04:00:00 GMT",  # a two-digit year to the full parser
    "Tue, 10 Jun 0099 04:00:00 GMT",
    "Tue, 31 Feb 2003 04:00:00 GMT",  # no such day
    "Tue, 10 Jun 2003 24:00:00 GMT",
    "Tue, 10 Jun 2003 23:59:60 GMT",
    "Tue, 10 Jun 2003 04:00:00 +9959",
    "Tue, 10 Jun 2003 04:00:00 EST",
    "Tue, 10 Foo 2003 04:00:00 GMT",
]


@pytest.mark.parametrize("text", DATES)
def test_rss_dates_read_as_the_standard_parser_reads_them(text: str) -> None:
    try:
        expected: str | None = parsedate_to_datetime(text).isoformat(timespec="seconds")
    except (TypeError, ValueError, IndexError):
        expected = None
    got = iso_date(text)
    if expected is not None:
        assert got == expected
    else:  # the slow path's other readers may still find a day in it; never a wrong time
        assert got is None or "T" not in got


HOSTS = ["example.org", "Example.ORG:8080", "h", "", "[::1]"]
TAILS = ["", "/", "/a/b", "/a;p", "/a?", "/a?q=1", "/a#", "/a#c-1", "/a b", "/é", "/../x", "/a?q#f"]
BASES = ["http://blog.example/feed/", "https://blog.example"]


@pytest.mark.parametrize(
    "link",
    [
        scheme + host + tail
        for scheme, host, tail in itertools.product(
            ["http://", "https://", "HTTP://", "ftp://", "//", ""], HOSTS, TAILS
        )
    ],
)
def test_absolute_links_join_as_urljoin_joins_them(link: str) -> None:
    for base in BASES:
        try:
            expected = urljoin(base, link)
        except ValueError:
            continue
        assert absolute_url(base, link) == expected
