"""Writing the store's export as a WordPress eXtended RSS (WXR 1.2) file.

What WordPress's *Tools -> Import* reads: one ``<item>`` per review (a published
post, its Markdown rendered as HTML, its tags as ``post_tag`` terms) with its
comments as ``<wp:comment>`` elements threaded by ``wp:comment_parent``. The
user's own replies are approved comments by the configured author; deleted
replies (tombstones) are left out and their replies hang from the nearest
ancestor still there. What HTML cannot carry exactly (the Markdown text, the
date as written, the source identity, film details) travels in ``_reviews_*``
post and comment meta, which WordPress keeps and ``tui.importers.wordpress``
reads back, so an export imports to the same reviews. Plain Python: no Textual.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from markdown_it import MarkdownIt

from tui.text import REPLACEMENT, clean, one_line

WXR_VERSION = "1.2"
WP = "http://wordpress.org/export/1.2/"
META = "_reviews_"
"""The prefix of the post and comment meta keys our importer reads back."""
NO_DATE = "0000-00-00 00:00:00"
"""What WordPress writes for a date it does not have."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# XML 1.0 forbids these even after ``clean`` (which leaves only tab and newline of the C0 block).
_NOT_XML = {0xFFFE: REPLACEMENT, 0xFFFF: REPLACEMENT}
_MARKDOWN = MarkdownIt("commonmark", {"html": False})  # raw HTML in a review stays text


def xml_text(text: str) -> str:
    """``text`` with nothing XML 1.0 cannot hold: controls as visible symbols (``clean``)."""
    return clean(text).translate(_NOT_XML)


def cdata(text: str) -> str:
    """``text`` as CDATA, split where it holds ``]]>`` so the section cannot end early."""
    body = xml_text(text).replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{body}]]>"


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{cdata(text)}</{tag}>" if text else f"<{tag}></{tag}>"


def _meta(kind: str, values: Mapping[str, str | None]) -> Iterator[str]:
    for key, value in values.items():
        # An empty date or address is written: "undated" (WordPress would fill in now),
        # "no permalink" (WordPress's export would give the blog's).
        if value is not None and (value != "" or key in {"date", "url"}):
            yield (
                f"<wp:{kind}>{_element('wp:meta_key', META + key)}"
                f"{_element('wp:meta_value', value)}</wp:{kind}>"
            )


def wordpress_dates(iso: str | None) -> tuple[str, str, str]:
    """An ISO date as WordPress keeps it: local time, UTC time, and RFC 2822 (``pubDate``).

    A plain date is midnight; a time without an offset is taken as UTC; no date (or one
    that cannot be read) is WordPress's ``0000-00-00 00:00:00`` and no ``pubDate``.
    """
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return NO_DATE, NO_DATE, ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    shape = "%Y-%m-%d %H:%M:%S"
    return moment.strftime(shape), utc.strftime(shape), format_datetime(utc)


def slug(text: str, fallback: str) -> str:
    """A WordPress slug (login, tag nicename): ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", one_line(text)).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:50].strip("-") or fallback


def _logins(reviews: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each review author's display name -> a unique login."""
    logins: dict[str, str] = {}
    taken: set[str] = set()
    for review in reviews:
        name = one_line(str(review.get("author") or "")) or "Anonymous"
        if name not in logins:
            login, counter = slug(name, f"author-{len(logins) + 1}"), 2
            while login in taken:
                login, counter = f"{slug(name, 'author')}-{counter}", counter + 1
            logins[name] = login
            taken.add(login)
    return logins


def _number(value: Any) -> str | None:
    return None if value is None or isinstance(value, bool) else str(value)


def _live_comments(
    comments: Sequence[Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], int]]:
    """Every comment that is not a tombstone, with the id of its nearest live ancestor
    (0: the post). Depth-first with a stack: threads can be deeper than the recursion limit."""
    stack: list[tuple[Mapping[str, Any], int]] = [(c, 0) for c in reversed(comments)]
    while stack:
        comment, parent = stack.pop()
        replies = comment.get("replies") or []
        if comment.get("deleted"):
            stack.extend((r, parent) for r in reversed(replies))
            continue
        yield comment, parent
        stack.extend((r, int(comment["id"])) for r in reversed(replies))


def _comment(comment: Mapping[str, Any], parent: int, me: str) -> str:
    local = bool(comment.get("local"))
    author = me if local else one_line(str(comment.get("author") or ""))
    body = str(comment.get("body") or "")
    date = comment.get("date")
    when, when_gmt, _ = wordpress_dates(date)
    meta = _meta(
        "commentmeta",
        {
            "markdown": body,
            "date": date or "",
            "source_id": comment.get("source_id"),
            "local": "1" if local else None,
            "url": comment.get("url"),
        },
    )
    return "".join(
        [
            "<wp:comment>",
            f"<wp:comment_id>{int(comment['id'])}</wp:comment_id>",
            _element("wp:comment_author", author),
            "<wp:comment_author_email></wp:comment_author_email>",
            "<wp:comment_author_url></wp:comment_author_url>",
            "<wp:comment_author_IP></wp:comment_author_IP>",
            _element("wp:comment_date", when),
            _element("wp:comment_date_gmt", when_gmt),
            _element("wp:comment_content", _MARKDOWN.render(xml_text(body))),
            "<wp:comment_approved>1</wp:comment_approved>",
            "<wp:comment_type>comment</wp:comment_type>",
            f"<wp:comment_parent>{parent}</wp:comment_parent>",
            "<wp:comment_user_id>0</wp:comment_user_id>",
            *meta,
            "</wp:comment>",
        ]
    )


def _guid(review: Mapping[str, Any], site: str) -> str:
    """A guid for a review without a permalink: never a bare ``/?p=N`` that other blogs share."""
    if site:
        return f"{site}/?p={int(review['id'])}"
    return f"reviews:{one_line(str(review.get('source_id') or review['id']))}"


def _tag(tag: str, number: int) -> str:
    nicename = slug(tag, f"tag-{number}")
    return f'<category domain="post_tag" nicename="{nicename}">{cdata(tag)}</category>'


def _item(review: Mapping[str, Any], login: str, site: str, me: str) -> str:
    number = int(review["id"])
    body = str(review.get("body") or "")
    url = one_line(str(review.get("url") or ""))
    date = str(review.get("date") or "")
    when, when_gmt, pub = wordpress_dates(date)
    plain_title = one_line(str(review.get("title") or ""))
    title = html.escape(plain_title, quote=False)  # WordPress titles are HTML
    tags = [one_line(str(t)) for t in review.get("tags") or []]
    parts = [
        "<item>",
        _element("title", title),
        _element("link", url),
        _element("pubDate", pub),
        _element("dc:creator", login),
        f'<guid isPermaLink="false">{cdata(url or _guid(review, site))}</guid>',
        "<description></description>",
        _element("content:encoded", _MARKDOWN.render(xml_text(body))),
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        f"<wp:post_id>{number}</wp:post_id>",
        _element("wp:post_date", when),
        _element("wp:post_date_gmt", when_gmt),
        _element("wp:post_modified", when),
        _element("wp:post_modified_gmt", when_gmt),
        "<wp:comment_status>open</wp:comment_status>",
        "<wp:ping_status>closed</wp:ping_status>",
        _element("wp:post_name", slug(plain_title, f"review-{number}")),
        "<wp:status>publish</wp:status>",
        "<wp:post_parent>0</wp:post_parent>",
        "<wp:menu_order>0</wp:menu_order>",
        "<wp:post_type>post</wp:post_type>",
        "<wp:post_password></wp:post_password>",
        "<wp:is_sticky>0</wp:is_sticky>",
        *(_tag(tag, i) for i, tag in enumerate(tags, start=1) if tag),
        *_meta(
            "postmeta",
            {
                "markdown": body,
                "date": date,
                "url": url,
                "tags": "\n".join(tags),  # in their order: WordPress sorts a post's terms
                "source": review.get("source"),
                "source_id": review.get("source_id"),
                "film": review.get("film"),
                "year": _number(review.get("year")),
                "director": review.get("director"),
                "rating": _number(review.get("rating")),
            },
        ),
        *(_comment(c, parent, me) for c, parent in _live_comments(review.get("comments") or [])),
        "</item>",
    ]
    return "\n".join(parts)


def to_wxr(export: Mapping[str, Any], *, author: str, site: str = "", title: str = "") -> bytes:
    """The store's export (``Store.export()``) as a WXR 1.2 file, UTF-8.

    ``author`` names the user's own replies; ``site`` is the blog's address when the
    reviews come from one followed source.
    """
    reviews = list(export.get("reviews", []))
    logins = _logins(reviews)
    me = one_line(author) or "Anonymous"
    site = one_line(site).rstrip("/")
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:wp="{WP}">',
        "<channel>",
        _element("title", title or "Reviews"),
        _element("link", site),
        "<description></description>",
        _element("pubDate", format_datetime(datetime.now(UTC))),
        "<language>en</language>",
        f"<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>",
        _element("wp:base_site_url", site),
        _element("wp:base_blog_url", site),
    ]
    for number, (name, login) in enumerate(logins.items(), start=1):
        head.append(
            f"<wp:author><wp:author_id>{number}</wp:author_id>"
            f"{_element('wp:author_login', login)}"
            "<wp:author_email></wp:author_email>"
            f"{_element('wp:author_display_name', name)}"
            "<wp:author_first_name></wp:author_first_name>"
            "<wp:author_last_name></wp:author_last_name></wp:author>"
        )
    head.append("<generator>reviews</generator>")
    items = [
        _item(r, logins[one_line(str(r.get("author") or "")) or "Anonymous"], site, me)
        for r in reviews
    ]
    return "\n".join([*head, *items, "</channel>", "</rss>", ""]).encode("utf-8")
