"""Blogger's "Back up content" export: one Atom feed of settings, posts and comments.

Posts (kind ``post``) become reviews; comments (kind ``comment``) hang under the
post their ``thr:in-reply-to`` names, and under another comment when a
``<link rel="related">`` points at it. Settings, template and page entries,
drafts, and comments on posts that are not in the file are skipped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import iso_date
from tui.importers.html import html_to_markdown
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "blogger"
ATOM = "{http://www.w3.org/2005/Atom}"
THREAD = "{http://purl.org/syndication/thread/1.0}"
APP = "{http://purl.org/atom/app#}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"

_POST_NUMBER = re.compile(r"post-(\d+)$")
_COMMENT_LINK = re.compile(r"/comments/default/(\d+)(?:[?#].*)?$")


def _kind(entry: ET.Element) -> str:
    for category in entry.iter(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            return (category.get("term") or "").removeprefix(KIND)
    return ""


def _is_draft(entry: ET.Element) -> bool:
    draft = entry.find(f"{APP}control/{APP}draft")
    return draft is not None and safe_xml.text_of(draft).strip().lower() == "yes"


def _body(entry: ET.Element) -> str:
    content = entry.find(f"{ATOM}content")
    if content is None:
        return ""
    text = safe_xml.text_of(content)
    if (content.get("type") or "text") in {"html", "xhtml"}:
        return html_to_markdown(text)
    return clean(text).strip()


def _author(entry: ET.Element) -> str:
    return one_line(safe_xml.text_of(entry.find(f"{ATOM}author/{ATOM}name"))) or ANONYMOUS


def _date(entry: ET.Element) -> str | None:
    for tag in ("published", "updated"):
        date = iso_date(safe_xml.text_of(entry.find(f"{ATOM}{tag}")))
        if date:
            return date
    return None


def _number(entry_id: str) -> str:
    """The numeric id Blogger's links use for an entry (``...post-123`` -> ``123``)."""
    match = _POST_NUMBER.search(entry_id)
    return match[1] if match else entry_id


def _comment(entry: ET.Element, entry_id: str) -> tuple[str | None, FlatComment]:
    reply_to = entry.find(f"{THREAD}in-reply-to")
    post = None if reply_to is None else (reply_to.get("ref") or "").strip() or None
    parent = None
    for link in entry.iter(f"{ATOM}link"):
        match = _COMMENT_LINK.search(link.get("href") or "")
        if link.get("rel") == "related" and match:
            parent = match[1]
    comment = ParsedComment(
        author=_author(entry),
        date=_date(entry),
        body=_body(entry),
        source_id=f"blogger:{entry_id}",
    )
    return post, FlatComment(_number(entry_id), parent, comment)


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every published post in a Blogger export, with its comment threads."""
    root = safe_xml.parse(data, origin)
    if root.tag != f"{ATOM}feed":
        raise ImportFailed(origin, "not a Blogger export (no Atom <feed> root)")
    posts: list[tuple[str, ET.Element]] = []
    comments: dict[str, list[FlatComment]] = defaultdict(list)
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = one_line(safe_xml.text_of(entry.find(f"{ATOM}id")))
        kind = _kind(entry)
        if not entry_id or _is_draft(entry):
            continue
        if kind == "post":
            posts.append((entry_id, entry))
        elif kind == "comment":
            post, flat = _comment(entry, entry_id)
            if post is not None and flat.comment.body:
                comments[post].append(flat)
    reviews = []
    for entry_id, entry in posts:
        labels = [
            one_line(c.get("term") or "")
            for c in entry.iter(f"{ATOM}category")
            if c.get("scheme") == LABEL_SCHEME
        ]
        reviews.append(
            ParsedReview(
                title=one_line(safe_xml.text_of(entry.find(f"{ATOM}title"))) or "Untitled review",
                date=_date(entry) or "",
                body=_body(entry),
                author=_author(entry),
                tags=tuple(t for t in labels if t),
                source=SOURCE,
                source_id=f"blogger:{entry_id}",
                comments=build_thread(comments.get(entry_id, [])),
            )
        )
    return reviews
