"""RSS and Atom feeds, read by feedparser, from a file or an http(s) URL.

Entries become reviews. An entry that answers another entry in the same file
becomes a comment on it instead: Atom's ``thr:in-reply-to`` (RFC 4685) names
the entry by its id or link, and WordPress comment items are known by a link
or guid of the form ``<post>#comment-<n>``. Replies to replies are threaded the
same way. Comments whose post is not in the file (a comment feed on its own)
are skipped; a file holding nothing else is reported as such.

The XML is checked by defusedxml first: feedparser's strict parser would expand
entities declared in a DTD.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import iso_date
from tui.importers.fields import unique_tags
from tui.importers.html import html_to_markdown
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "feed"
THREAD = "{http://purl.org/syndication/thread/1.0}"
_ENTRY_TAGS = frozenset({"item", "entry"})


def _replies_to(element: ET.Element) -> tuple[str, str]:
    """The ``ref`` and ``href`` of an entry's ``thr:in-reply-to``, or empty strings."""
    reply = element.find(f"{THREAD}in-reply-to")
    if reply is None:
        return "", ""
    return (reply.get("ref") or "").strip(), (reply.get("href") or "").strip()


def _threading(root: ET.Element | None, count: int) -> list[tuple[str, str]]:
    if root is None:
        return [("", "")] * count
    elements = [e for e in root.iter() if safe_xml.local_name(e.tag) in _ENTRY_TAGS]
    if len(elements) != count:  # not the entries feedparser saw: do not guess
        return [("", "")] * count
    return [_replies_to(e) for e in elements]


def _html(detail: Any, value: str) -> str:
    kind = str(getattr(detail, "type", "") or "") if detail is not None else ""
    if "html" in kind:
        return html_to_markdown(value)
    return clean(value).strip()


def _title(entry: Any) -> str:
    title = str(entry.get("title") or "")
    if "html" in str(entry.get("title_detail", {}).get("type", "")):
        title = BeautifulSoup(title, "html.parser").get_text()
    return one_line(title)


def _body(entry: Any) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return _html(content, str(content["value"]))
    summary = str(entry.get("summary") or "")
    return _html(entry.get("summary_detail"), summary) if summary else ""


def _date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        date = iso_date(entry.get(key))
        if date:
            return date
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            return iso_date(entry[key])
    return None


def _author(entry: Any, fallback: str = ANONYMOUS) -> str:
    """The entry's author, else ``fallback`` (the feed's own author, RFC 4287 §4.2.1)."""
    detail = entry.get("author_detail") or {}
    return one_line(str(detail.get("name") or entry.get("author") or "")) or fallback


def _target(
    i: int, entry: Any, thread: tuple[str, str], by_id: dict[str, int], by_link: dict[str, int]
) -> tuple[bool, int | None]:
    """Whether entry ``i`` is a reply, and the index of the entry it answers if in the file."""
    ref, href = thread
    if ref or href:
        found = by_id.get(ref, by_link.get(href))
        return True, found if found != i else None
    for key, index in ((entry.get("id"), by_id), (entry.get("link"), by_link)):
        base, mark, _ = str(key or "").partition("#comment-")
        if mark:
            found = index.get(base)
            return True, found if found != i else None
    return False, None


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every entry of a feed as a review, entries answering others as their comments."""
    data = safe_xml.readable(data, origin)
    root = safe_xml.check(data, origin)
    result = feedparser.parse(data)
    entries = list(result.entries)
    if not entries:
        if result.get("bozo"):
            raise ImportFailed(origin, f"not a readable feed ({result.get('bozo_exception')})")
        return []
    by_id = {str(e.get("id")): i for i, e in reversed(list(enumerate(entries))) if e.get("id")}
    by_link = {
        str(e.get("link")): i for i, e in reversed(list(enumerate(entries))) if e.get("link")
    }
    threads = _threading(root, len(entries))
    parent: dict[int, int | None] = {}
    for i, entry in enumerate(entries):
        is_reply, target = _target(i, entry, threads[i], by_id, by_link)
        if is_reply:
            parent[i] = target
    return _assemble(entries, parent, origin, _author(result.get("feed") or {}))


def _post_of(i: int, parent: dict[int, int | None]) -> int | None:
    seen = set()
    while i in parent:
        if i in seen:
            return None
        seen.add(i)
        up = parent[i]
        if up is None:
            return None
        i = up
    return i


def _identity(entry: Any) -> str | None:
    """``feed:`` and the entry's id (else link); ``None`` lets the store hash the content."""
    ident = one_line(str(entry.get("id") or entry.get("link") or ""))
    return f"feed:{ident}" if ident else None


def _tags(entry: Any) -> tuple[str, ...]:
    return unique_tags(str(t.get("term") or t.get("label") or "") for t in entry.get("tags") or [])


def _url(entry: Any) -> str:
    return one_line(str(entry.get("link") or ""))


def _assemble(
    entries: list[Any], parent: dict[int, int | None], origin: Origin, feed_author: str
) -> list[ParsedReview]:
    comments: dict[int, list[FlatComment]] = defaultdict(list)
    for i in parent:
        post = _post_of(i, parent)
        entry = entries[i]
        body = _body(entry)
        if post is None or not body:
            continue
        up = parent[i]
        comment = ParsedComment(
            _author(entry), _date(entry), body, source_id=_identity(entry), url=_url(entry)
        )
        comments[post].append(FlatComment(str(i), None if up == post else str(up), comment))
    reviews = []
    for i, entry in enumerate(entries):
        if i in parent:
            continue
        reviews.append(
            ParsedReview(
                title=_title(entry) or "Untitled review",
                date=_date(entry) or "",
                body=_body(entry),
                author=_author(entry, feed_author),
                tags=_tags(entry),
                source=SOURCE,
                source_id=_identity(entry),
                comments=build_thread(comments.get(i, [])),
                url=_url(entry),
            )
        )
    if not reviews:
        said = (
            "its comment answers a post"
            if len(parent) == 1
            else (f"its {len(parent)} comments answer posts")
        )
        raise ImportFailed(origin, f"a comment feed: {said} not in this file")
    return reviews
