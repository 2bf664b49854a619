"""Blogger's "Back up content" export: one Atom feed of posts, comments, pages, settings.

Two dialects are read:

* the 2008 one, which says what an entry is with a ``kind#post`` /
  ``kind#comment`` category, marks drafts with ``<app:draft>yes``, names a
  comment's post in ``thr:in-reply-to`` and the comment it answers in a
  ``<link rel="related">``;
* today's (``xmlns:blogger="http://schemas.google.com/blogger/2018"``), with
  ``<blogger:type>POST|COMMENT|PAGE``, ``<blogger:status>LIVE|DRAFT|...``,
  ``<blogger:parent>`` (a comment's post), ``<blogger:inReplyTo>`` (the comment it
  answers) and ``<blogger:filename>`` (the post's path on the blog).

Published posts become reviews with their comment threads; drafts, pages,
settings and template entries, and comments on posts not in the file are skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import NamedTuple

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import iso_date
from tui.importers.fields import plain_title, unique_tags
from tui.importers.html import html_to_markdown
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "blogger"
ATOM = "{http://www.w3.org/2005/Atom}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
APP = "{http://purl.org/atom/app#}"
BLOGGER = "{http://schemas.google.com/blogger/2018}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
_LIVE = frozenset({"", "live"})

_ENTRY_NUMBER = re.compile(r"(?:post|comment)-(\d+)$")
_COMMENT_LINK = re.compile(r"/comments/default/(\d+)(?:[?#].*)?$")


class _Entry(NamedTuple):
    """What an entry is, in either dialect: its kind, whether it is live, what it answers."""

    kind: str
    """``post``, ``comment``, or anything else (skipped)."""
    live: bool
    post: str | None
    """For a comment: the id of its post."""
    parent: str | None
    """For a reply: the number of the comment it answers."""


def entry_number(entry_id: str) -> str:
    """The numeric id Blogger's links use for an entry (``...post-123`` -> ``123``)."""
    match = _ENTRY_NUMBER.search(entry_id.strip())
    return match[1] if match else entry_id.strip()


def _classic(entry: ET.Element) -> _Entry:
    kind = ""
    for category in entry.iter(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            kind = (category.get("term") or "").removeprefix(KIND)
            break
    draft = entry.find(f"{APP}control/{APP}draft")
    live = draft is None or safe_xml.text_of(draft).strip().lower() != "yes"
    reply_to = entry.find(f"{THREAD}in-reply-to")
    post = None if reply_to is None else (reply_to.get("ref") or "").strip() or None
    parent = None
    for link in entry.iter(f"{ATOM}link"):
        match = _COMMENT_LINK.search(link.get("href") or "")
        if link.get("rel") == "related" and match:
            parent = match[1]
    return _Entry(kind, live, post, parent)


def _current(entry: ET.Element, kind: ET.Element) -> _Entry:
    status = one_line(safe_xml.text_of(entry.find(f"{BLOGGER}status"))).lower()
    post = one_line(safe_xml.text_of(entry.find(f"{BLOGGER}parent"))) or None
    answered = one_line(safe_xml.text_of(entry.find(f"{BLOGGER}inReplyTo")))
    parent = entry_number(answered) if answered else None
    return _Entry(one_line(safe_xml.text_of(kind)).lower(), status in _LIVE, post, parent)


def _what(entry: ET.Element) -> _Entry:
    kind = entry.find(f"{BLOGGER}type")
    return _classic(entry) if kind is None else _current(entry, kind)


def _body(entry: ET.Element) -> str:
    content = entry.find(f"{ATOM}content")
    if content is None:
        return ""
    text = safe_xml.text_of(content)
    if (content.get("type") or "text") in {"html", "xhtml"}:
        return html_to_markdown(text)
    return clean(text).strip()


def _title(entry: ET.Element) -> str:
    title = entry.find(f"{ATOM}title")
    text = safe_xml.text_of(title)
    if title is not None and title.get("type") in {"html", "xhtml"}:
        return plain_title(text)
    return one_line(text)


def _author(entry: ET.Element) -> str:
    return one_line(safe_xml.text_of(entry.find(f"{ATOM}author/{ATOM}name"))) or ANONYMOUS


def _date(entry: ET.Element) -> str | None:
    for tag in ("published", "updated"):
        date = iso_date(safe_xml.text_of(entry.find(f"{ATOM}{tag}")))
        if date:
            return date
    return None


def _alternate(element: ET.Element) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return one_line(link.get("href") or "")
    return ""


def _url(entry: ET.Element, blog: str) -> str:
    """The post's address: its alternate link, else the blog's address and its filename."""
    found = _alternate(entry)
    filename = one_line(safe_xml.text_of(entry.find(f"{BLOGGER}filename")))
    if not found and filename and blog:
        found = blog.rstrip("/") + "/" + filename.lstrip("/")
    return found


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every published post in a Blogger export, with its comment threads."""
    root = safe_xml.parse(data, origin)
    if root.tag != f"{ATOM}feed":
        raise ImportFailed(origin, "not a Blogger export (no Atom <feed> root)")
    blog = _alternate(root)
    posts: list[tuple[str, ET.Element]] = []
    comments: dict[str, list[FlatComment]] = defaultdict(list)
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = one_line(safe_xml.text_of(entry.find(f"{ATOM}id")))
        what = _what(entry)
        if not entry_id or not what.live:
            continue
        if what.kind == "post":
            posts.append((entry_id, entry))
        elif what.kind == "comment" and what.post is not None:
            comment = ParsedComment(
                author=_author(entry),
                date=_date(entry),
                body=_body(entry),
                source_id=f"blogger:{entry_id}",
                url=_alternate(entry),
            )
            if comment.body:
                flat = FlatComment(entry_number(entry_id), what.parent, comment)
                comments[what.post].append(flat)
    reviews = []
    for entry_id, entry in posts:
        labels = (
            c.get("term") or ""
            for c in entry.iter(f"{ATOM}category")
            if c.get("scheme") == LABEL_SCHEME
        )
        reviews.append(
            ParsedReview(
                title=_title(entry) or "Untitled review",
                date=_date(entry) or "",
                body=_body(entry),
                author=_author(entry),
                tags=unique_tags(labels),
                source=SOURCE,
                source_id=f"blogger:{entry_id}",
                comments=build_thread(comments.get(entry_id, [])),
                url=_url(entry, blog),
            )
        )
    return reviews
