"""Reading WordPress's JSON answers into the client's dataclasses, defensively.

Every field is checked for its type: a blog (or something posing as one) can send
anything, and a missing or odd field becomes an empty value, never an exception.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tui.sources.wordpress_models import BlogComment, BlogPost, SentComment
from tui.text import one_line

Json = dict[str, Any]
_TAG = re.compile(r"<[^>]*>")


def html_to_text(fragment: str) -> str:
    """A title or short HTML fragment as one line of plain text."""
    return one_line(html.unescape(_TAG.sub("", fragment)))


def window(name: str, since: datetime | None) -> list[tuple[str, str | int]]:
    """The query parameter for changes at or after ``since`` (none for a full pull)."""
    if since is None:
        return []
    start = since.astimezone(UTC) - timedelta(seconds=1)
    return [(name, start.strftime("%Y-%m-%dT%H:%M:%SZ"))]


def header_int(response: httpx.Response, name: str, default: int) -> int:
    """A whole-number response header, or ``default``."""
    try:
        return max(0, int(response.headers.get(name, default)))
    except ValueError:
        return default


def server_time(response: httpx.Response) -> datetime | None:
    """When the server began answering: its Date header less the request's duration."""
    value = response.headers.get("date")
    if not value:
        return None
    try:
        answered = parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None
    return answered - response.elapsed


def int_field(data: Json, key: str) -> int:
    """An integer field, 0 when missing or of another type."""
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def str_field(data: Json, key: str) -> str:
    """A string field, empty when missing or of another type."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def rendered(data: Json, key: str) -> str:
    """The ``rendered`` HTML of a field such as ``title`` or ``content``."""
    value = data.get(key)
    if isinstance(value, dict):
        rendered = value.get("rendered")
        return rendered if isinstance(rendered, str) else ""
    return value if isinstance(value, str) else ""


def ids(data: Json, key: str) -> list[int]:
    """A list of integer ids (tags, categories)."""
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, int) and not isinstance(i, bool)]


def post_from(data: Json, authors: dict[int, str], terms: dict[str, dict[int, str]]) -> BlogPost:
    """A post from its JSON and the names looked up for its ids."""

    def names(key: str) -> tuple[str, ...]:
        return tuple(name for i in ids(data, key) if (name := terms[key].get(i, "")))

    return BlogPost(
        id=int_field(data, "id"),
        link=one_line(str_field(data, "link")),
        title=html_to_text(rendered(data, "title")),
        content_html=rendered(data, "content"),
        date_gmt=str_field(data, "date_gmt"),
        modified_gmt=str_field(data, "modified_gmt"),
        author=authors.get(int_field(data, "author"), ""),
        tags=names("tags"),
        categories=names("categories"),
    )


def comment_from(data: Json) -> BlogComment:
    """A comment from its JSON."""
    return BlogComment(
        id=int_field(data, "id"),
        post=int_field(data, "post"),
        parent=int_field(data, "parent"),
        author_name=one_line(str_field(data, "author_name")),
        date_gmt=str_field(data, "date_gmt"),
        content_html=rendered(data, "content"),
        link=one_line(str_field(data, "link")),
        status=str_field(data, "status"),
    )


def sent_from(data: Json) -> SentComment:
    """The blog's answer to a reply, edit, trash or restore."""
    return SentComment(
        id=int_field(data, "id"),
        link=one_line(str_field(data, "link")),
        status=str_field(data, "status"),
        post=int_field(data, "post"),
        parent=int_field(data, "parent"),
    )
