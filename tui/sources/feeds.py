"""A followed feed's posts: each entry as a review, with where its comments are.

feedparser reads the feed (after defusedxml has refused DTDs and entities);
the entry fields are read the same way as ``reviews import`` reads a feed, so a
post followed here and the same post imported from the feed file are one review.
Each post's comment feed comes from RSS ``<wfw:commentRss>`` (WordPress's
``/<post>/feed/``) or Atom ``<link rel="replies">`` (RFC 4685, Blogger's
``/feeds/POSTID/comments/default``); WordPress also says how many comments a
post has (``<slash:comments>``), so a post with none needs no fetch of its feed.
The site-wide comments feed, which says which posts have new comments, is the
WordPress ``/comments/feed/`` or Blogger's ``/feeds/comments/default`` when the
feed shows it is one of those.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from tui.importers import ImportFailed, safe_xml
from tui.importers.bodies import entry_body
from tui.importers.xmlfeed import read_tree
from tui.model import ParsedReview
from tui.text import one_line

SOURCE = "feed"
"""``ParsedReview.source`` of followed posts (the same as a feed import)."""


_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.\-]+(?::\d{1,5})?(?:/[A-Za-z0-9\-._~!$&'()*+,=:@%/]*)?"
    r"(?:\?[A-Za-z0-9\-._~!$&'()*+,=:@%/?;]+)?(?:#[A-Za-z0-9\-._~!$&'()*+,=:@%/?;]+)?"
)
"""An absolute http(s) URL that ``urljoin`` would give back unchanged (no empty query or
fragment, no path parameters, nothing it cleans or escapes)."""


def absolute_url(base: str, link: str) -> str:
    """``urljoin(base, link)``; quick for the usual link, already absolute."""
    return link if _PLAIN_ABSOLUTE.fullmatch(link) else urljoin(base, link)


@dataclass(frozen=True)
class FeedPost:
    """One post of a followed feed: the review (no comments yet) and its comment feed."""

    review: ParsedReview
    link: str
    comments_url: str | None
    comment_count: int | None = None
    """How many comments the feed says the post has (WordPress's ``slash:comments``)."""


@dataclass(frozen=True)
class FeedPage:
    """A fetched feed: its title, site, posts and site-wide comments feed if it has one."""

    title: str
    site: str
    posts: list[FeedPost]
    comments_url: str | None


def parse_feed(data: bytes, url: str) -> tuple[Any, ET.Element | None]:
    """The feed as feedparser shapes it (read from the XML tree for plain RSS 2.0 and
    Atom 1.0, else by feedparser), and the tree (``None`` when broken but readable);
    ``ImportFailed`` when it is not a feed at all."""
    root = safe_xml.check(data, url)  # refuses DTDs and entities before feedparser sees them
    fast = read_tree(root) if root is not None else None
    if fast is not None:
        return fast, root
    import feedparser  # on demand: most feeds never need it

    result = feedparser.parse(data)
    if not result.get("version") and not result.entries:
        reason = one_line(str(result.get("bozo_exception") or "no RSS or Atom in it"))
        raise ImportFailed(url, f"not an RSS or Atom feed ({reason})")
    return result, root


def _comments_url(entry: Any, base: str) -> str | None:
    rss = str(entry.get("wfw_commentrss") or "").strip()
    if rss:
        return absolute_url(base, rss)
    for link in entry.get("links") or []:
        if link.get("rel") == "replies" and "atom" in str(link.get("type") or "atom"):
            return urljoin(base, str(link.get("href") or "")) or None
    return None


def _comment_count(entry: Any) -> int | None:
    """``<slash:comments>`` as a number (feedparser's ``slash_comments``), else ``None``."""
    text = str(entry.get("slash_comments") or "").strip()
    return int(text) if text.isascii() and text.isdecimal() else None


def site_comments_url(url: str, result: Any) -> str | None:
    """The site-wide comments feed of a WordPress or Blogger feed, else ``None``."""
    parts = urlsplit(url)
    if parts.path.endswith("/feeds/posts/default"):
        return url.replace("/feeds/posts/default", "/feeds/comments/default", 1)
    generator = str(result.feed.get("generator") or "") + str(
        (result.feed.get("generator_detail") or {}).get("href") or ""
    )
    site = str(result.feed.get("link") or "")
    if "wordpress" in generator.lower() and site.startswith(("http://", "https://")):
        return urljoin(site if site.endswith("/") else site + "/", "comments/feed/")
    return None


def read_feed(data: bytes, url: str) -> FeedPage:
    """The posts of a fetched feed, newest as the feed lists them."""
    from tui.importers.feed import _author, _date, _identity, _tags, _title

    result, _root = parse_feed(data, url)
    posts = []
    for entry in result.entries:
        if entry.get("thr_in-reply-to") or "#comment-" in str(entry.get("link") or ""):
            continue  # a comment in a mixed feed: comments come from the comment feeds
        link = absolute_url(url, str(entry.get("link") or ""))
        review = ParsedReview(
            title=_title(entry) or "Untitled review",
            date=_date(entry) or "",
            body=entry_body(entry),
            author=_author(entry),
            tags=_tags(entry),
            source=SOURCE,
            source_id=_identity(entry),
        )
        posts.append(FeedPost(review, link, _comments_url(entry, url), _comment_count(entry)))
    return FeedPage(
        title=one_line(str(result.feed.get("title") or "")),
        site=str(result.feed.get("link") or ""),
        posts=posts,
        comments_url=site_comments_url(url, result),
    )
