"""From a URL a user typed to the feed to follow: the feed itself, or a site's
``<link rel="alternate">`` (RSS/Atom autodiscovery), and its site-wide comments feed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from tui.importers import ImportFailed
from tui.sources.feeds import read_feed
from tui.sources.http import Fetcher, FetchError
from tui.text import one_line

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# An XML declaration, stylesheet instructions and comments may come before the root.
_XML_START = re.compile(
    rb"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:[A-Za-z0-9]+:)?(?:rss|feed|RDF)[\s>]", re.S
)


class NoFeed(FetchError):  # noqa: N818 - reads as what happened
    """The URL is neither a feed nor a page that names one."""


@dataclass(frozen=True)
class Discovered:
    """The feed to follow, its title and site, and the site-wide comments feed if any."""

    feed_url: str
    title: str
    site: str
    comments_url: str | None
    posts: int


def looks_like_feed(data: bytes) -> bool:
    """Whether the body starts like RSS or Atom rather than a web page."""
    return _XML_START.match(data[:4096].removeprefix(b"\xef\xbb\xbf")) is not None


def _alternates(html: bytes, base: str) -> tuple[str | None, str | None]:
    """The posts feed and the comments feed a page announces."""
    soup = BeautifulSoup(html, "html.parser")
    posts = comments = None
    for link in soup.find_all("link"):
        rel: object = link.get("rel") or []
        rels = [str(r) for r in rel] if isinstance(rel, list) else str(rel).split()
        kind = str(link.get("type") or "").lower()
        href = str(link.get("href") or "").strip()
        if "alternate" not in [r.lower() for r in rels] or kind not in _FEED_TYPES or not href:
            continue
        title = str(link.get("title") or "").lower()
        is_comments = "comment" in title or "/comments/" in href
        if is_comments and comments is None:
            comments = urljoin(base, href)
        elif not is_comments and posts is None:
            posts = urljoin(base, href)
    return posts, comments


def discover(fetcher: Fetcher, url: str) -> Discovered:
    """Fetch ``url``; if it is a web page, follow its feed link. ``FetchError`` on failure."""
    fetched = fetcher.get(url)
    comments = None
    if not looks_like_feed(fetched.body):
        found, comments = _alternates(fetched.body, fetched.url)
        if found is None:
            raise NoFeed(
                url, 'not a feed, and the page has no <link rel="alternate"> to an RSS or Atom feed'
            )
        fetched = fetcher.get(found)
    try:
        page = read_feed(fetched.body, fetched.url)
    except ImportFailed as error:
        raise NoFeed(fetched.url, error.reason) from None
    return Discovered(
        feed_url=fetched.url,
        title=page.title or one_line(fetched.url),
        site=page.site,
        comments_url=comments or page.comments_url,
        posts=len(page.posts),
    )
