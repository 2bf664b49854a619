"""A comment feed (one post's, or a whole site's) as comments that know their parent.

Threading comes from Atom ``thr:in-reply-to`` (its ``ref`` is the post or the
comment answered), or from WordPress's comment feeds, which mark a threaded
reply with a first paragraph "In reply to <a href="...#comment-N">Name</a>.":
that line names the parent and is dropped from the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.importers import safe_xml
from tui.importers.bodies import html_body, plain_markdown
from tui.model import ParsedComment
from tui.sources.feeds import absolute_url, parse_feed

_IN_REPLY_TO = re.compile(
    r"^\s*<p>\s*In reply to\s+<a\s[^>]*?href=[\"']([^\"']*#comment-(\d+))[\"'][^>]*>"
    r".*?</a>\.?\s*</p>\s*",
    re.IGNORECASE | re.DOTALL,
)
_ANCHOR = re.compile(r"#(comment-\d+)$")


@dataclass(frozen=True)
class FeedComment:
    """A comment read from a comment feed, with what it answers."""

    comment: ParsedComment
    identity: str
    """``feed:<guid>``: its identity in the store."""
    post_link: str
    """The post's address (the comment's link without its ``#comment-N``)."""
    post_ref: str
    """The post's or parent's id from ``thr:in-reply-to``, else ``""``."""
    anchor: str | None
    """``comment-N`` from its link or guid, which WordPress replies refer to."""
    parent_anchor: str | None
    """``comment-N`` of the comment it answers (WordPress's "In reply to" line)."""


def _post_link(link: str) -> str:
    """The post's address from a comment's: without ``#comment-N`` (WordPress) or
    ``?showComment=N#cN`` (Blogger)."""
    base = link.partition("#")[0]
    head, _, query = base.partition("?")
    return head if query.startswith("showComment=") else base


def anchor_of(text: str) -> str | None:
    """``comment-N`` at the end of a link or guid, else ``None``."""
    match = _ANCHOR.search(text)
    return match[1] if match else None


def _content(entry: Any) -> tuple[str, str | None]:
    """The body as Markdown, and the parent anchor of an "In reply to" line (dropped)."""
    from tui.importers.html import html_to_markdown

    for content in entry.get("content") or []:
        html = str(content.get("value") or "")
        if html:
            break
    else:
        html = str(entry.get("summary") or "")
        content = entry.get("summary_detail")
    match = _IN_REPLY_TO.match(html)
    if match is None:
        return html_body(content, html), None
    rest = html[match.end() :]
    body = plain_markdown(rest)
    return (html_to_markdown(rest) if body is None else body), f"comment-{match[2]}"


def read_comments(data: bytes, url: str) -> list[FeedComment]:
    """Every comment of a fetched comment feed, oldest first as far as the feed says."""
    from tui.importers.feed import THREAD, _author, _date, _identity, _replies_to

    result, root = parse_feed(data, url)
    elements = []
    # Only a feed with some thr:in-reply-to needs its entries' elements (a quick scan in C
    # finds out; WordPress's comment feeds have none).
    if root is not None and next(root.iter(f"{THREAD}in-reply-to"), None) is not None:
        elements = [e for e in root.iter() if safe_xml.local_name(e.tag) in {"item", "entry"}]
    if len(elements) != len(result.entries):
        elements = []
    found = []
    for i, entry in enumerate(result.entries):
        body, parent_anchor = _content(entry)
        identity = _identity(entry)
        if not body.strip() or identity is None:
            continue
        raw_link = str(entry.get("link") or "")
        link = absolute_url(url, raw_link) if raw_link else ""
        ref, _href = _replies_to(elements[i]) if elements else ("", "")
        anchor = anchor_of(link) or anchor_of(str(entry.get("id") or ""))
        comment = ParsedComment(_author(entry), _date(entry), body, source_id=identity)
        post_link = _post_link(link)
        found.append(FeedComment(comment, identity, post_link, ref, anchor, parent_anchor))
    found.reverse()  # feeds list the newest first
    return found
