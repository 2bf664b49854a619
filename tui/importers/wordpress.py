"""WordPress's export (WXR): an RSS file with ``wp:`` elements, any version 1.0 to 1.2.

Published posts become reviews, known by their site (``wp:base_site_url``, else
the channel's ``<link>``), ``wp:post_id`` and publication time: guids such as ``http://localhost/?p=1``
repeat across blogs and even inside one export, so they do not identify a post.
Their approved comments (not spam, not waiting
for moderation, not pingbacks or trackbacks) are threaded by
``wp:comment_parent``. Pages, attachments, menu items, drafts, private and
trashed posts are skipped.

Our own export (``tui.exporters.wordpress``) also writes ``_reviews_*`` post and
comment meta holding what HTML cannot carry exactly (the Markdown text, the date
as written, the source identity, film details); where it is there it wins, so
our export reads back as the reviews it was made from.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import iso_date, utc_date
from tui.importers.fields import plain_title, unique_tags
from tui.importers.html import html_to_markdown
from tui.importers.second_process import shared_map
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "wordpress"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_WP_NAMESPACE = re.compile(r"^\{(https?://wordpress\.org/export/1\.\d+/)\}")
OUR_META = "_reviews_"
"""The prefix of the meta keys ``tui.exporters.wordpress`` writes."""
_COMMENT_TYPES = frozenset({"", "comment"})


def _namespace(root: ET.Element) -> str:
    for element in root.iter():
        match = _WP_NAMESPACE.match(element.tag)
        if match:
            return "{" + match[1] + "}"
    return ""


def _text(element: ET.Element, path: str) -> str:
    return one_line(safe_xml.text_of(element.find(path)))


def _our_meta(element: ET.Element, wp: str, kind: str) -> dict[str, str]:
    """The ``_reviews_*`` meta of a post (``kind`` ``postmeta``) or comment (``commentmeta``)."""
    found: dict[str, str] = {}
    for meta in element.findall(f"{wp}{kind}"):
        key = _text(meta, f"{wp}meta_key")
        if key.startswith(OUR_META):
            value = safe_xml.text_of(meta.find(f"{wp}meta_value"))
            found.setdefault(key.removeprefix(OUR_META), value)
    return found


def _our_date(meta: dict[str, str]) -> str | None:
    """The date our export wrote, as it was: ``""`` when it said "undated", ``None`` when
    it is not ours (or not a date), so the WordPress fields decide."""
    if "date" not in meta:
        return None
    value = one_line(meta["date"])
    return value if not value or iso_date(value) is not None else None


def _our_number(meta: dict[str, str], key: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(one_line(meta[key])) if key in meta else None
    except ValueError:
        return None


def _authors(channel: ET.Element, wp: str) -> dict[str, str]:
    """Login name -> display name, from the ``wp:author`` list at the top."""
    names = {}
    for author in channel.findall(f"{wp}author"):
        login = _text(author, f"{wp}author_login")
        display = _text(author, f"{wp}author_display_name")
        if login:
            names[login] = display or login
    return names


def _comments(item: ET.Element, wp: str, post_key: str) -> tuple[ParsedComment, ...]:
    flat = []
    for element in item.findall(f"{wp}comment"):
        approved = _text(element, f"{wp}comment_approved")
        kind = _text(element, f"{wp}comment_type").lower()
        if approved != "1" or kind not in _COMMENT_TYPES:
            continue
        number = _text(element, f"{wp}comment_id")
        meta = _our_meta(element, wp, "commentmeta")
        body = (
            clean(meta["markdown"])
            if "markdown" in meta
            else html_to_markdown(
                safe_xml.text_of(element.find(f"{wp}comment_content")), wordpress=True
            )
        )
        if not number or not body:
            continue
        parent = _text(element, f"{wp}comment_parent")
        ours = _our_date(meta)
        date = (
            (ours or None)
            if ours is not None
            else utc_date(_text(element, f"{wp}comment_date_gmt"))
            or iso_date(_text(element, f"{wp}comment_date"))
        )
        comment = ParsedComment(
            author=_text(element, f"{wp}comment_author") or ANONYMOUS,
            date=date,
            body=body,
            source_id=one_line(meta.get("source_id", ""))
            or f"wordpress:{post_key}#comment-{number}",
            local=meta.get("local") == "1",
            url=one_line(meta.get("url", "")),
        )
        flat.append(FlatComment(number, None if parent in {"", "0"} else parent, comment))
    return build_thread(flat)


def _site(channel: ET.Element, wp: str) -> str:
    """The blog's address, part of every post's identity."""
    site = _text(channel, f"{wp}base_site_url") or _text(channel, "link")
    return site.rstrip("/")


def _post_key(item: ET.Element, wp: str, site: str) -> str:
    """The blog, the post's number there and when it was first published.

    The time is part of it because a fresh WordPress numbers its first post 1 on
    ``http://localhost`` like every other fresh WordPress: the same site and number
    from two installations are two posts, told apart by their publication time.
    """
    number = _text(item, f"{wp}post_id")
    if number:
        born = _text(item, f"{wp}post_date_gmt") or _text(item, f"{wp}post_date")
        when = f"@{born.replace(' ', 'T')}" if born and not born.startswith("0000") else ""
        return f"{site}/?p={number}{when}"
    return _text(item, "guid") or _text(item, "link")


def _date(item: ET.Element, wp: str) -> str:
    """``wp:post_date_gmt``, else ``wp:post_date``, else ``pubDate`` (which WordPress writes
    as 1970 when the GMT date is ``0000-00-00 00:00:00``)."""
    return (
        utc_date(_text(item, f"{wp}post_date_gmt"))
        or iso_date(_text(item, f"{wp}post_date"))
        or iso_date(_text(item, "pubDate"))
        or ""
    )


def _review(item: ET.Element, wp: str, authors: dict[str, str], site: str) -> ParsedReview:
    post_key = _post_key(item, wp, site)
    # What the post was known by before: still the key of its comments' identities.
    legacy = _text(item, "guid") or _text(item, f"{wp}post_id") or _text(item, "link")
    login = _text(item, f"{DC}creator")
    categories = [
        one_line(safe_xml.text_of(c))
        for c in item.findall("category")
        if c.get("domain") in {"category", "post_tag"}
    ]
    meta = _our_meta(item, wp, "postmeta")
    tags = (
        unique_tags(meta["tags"].split("\n"))  # ours, in the order WordPress's terms lose
        if "tags" in meta
        else unique_tags(t for t in categories if t.lower() != "uncategorized")
    )
    body = (
        clean(meta["markdown"])
        if "markdown" in meta
        else html_to_markdown(safe_xml.text_of(item.find(f"{CONTENT}encoded")), wordpress=True)
    )
    return ParsedReview(
        title=plain_title(safe_xml.text_of(item.find("title"))) or "Untitled review",
        date=ours if (ours := _our_date(meta)) is not None else _date(item, wp),
        body=body,
        author=authors.get(login, login) or ANONYMOUS,
        tags=tags,
        film=one_line(meta.get("film", "")) or None,
        year=_our_number(meta, "year", int),
        director=one_line(meta.get("director", "")) or None,
        rating=_our_number(meta, "rating", float),
        # Our export's identity travels whole: its source too, even an empty one.
        source=one_line(meta.get("source", "")) if "source_id" in meta else SOURCE,
        source_id=one_line(meta.get("source_id", "")) or f"wordpress:{post_key}",
        comments=_comments(item, wp, legacy),
        url=one_line(meta["url"]) if "url" in meta else _text(item, "link"),
        aliases=(f"wordpress:{legacy}",) if legacy else (),
    )


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every published post in a WordPress export, with its approved comment threads."""
    root = safe_xml.parse(data, origin)
    channel = root.find("channel")
    wp = _namespace(root)
    if root.tag != "rss" or channel is None or not wp:
        raise ImportFailed(origin, "not a WordPress export (no <rss> with wp: elements)")
    authors = _authors(channel, wp)
    site = _site(channel, wp)
    posts = [
        item
        for item in channel.findall("item")
        if _text(item, f"{wp}post_type") == "post" and _text(item, f"{wp}status") == "publish"
    ]
    # Each post is read on its own: a big export is shared with a second process.
    return shared_map(lambda item: _review(item, wp, authors, site), posts)
