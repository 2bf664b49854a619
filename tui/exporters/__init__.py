"""Writing the store's export: one JSON file, or a folder of readable Markdown files.

Both read back through the importers to the same reviews and threads: the
Markdown files carry everything in YAML front matter (the shape
``tui.importers.markdown`` reads), the review's text below it. Plain Python:
no Textual, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
import yaml

from tui.importers.json_export import NESTING_LIMIT, comments_from
from tui.model import ParsedComment
from tui.store.files import private_dir
from tui.store.storage import atomic_write_bytes
from tui.text import clean

SLUG_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_REVIEW_KEYS = ("title", "date", "author", "tags", "film", "year", "director", "rating")
_OPTIONAL = frozenset({"film", "year", "director", "rating"})


def nest_limited(
    comments: Sequence[Mapping[str, Any]], limit: int, *, empty_replies: bool = True
) -> list[dict[str, Any]]:
    """Copies of nested comment mappings nested at most ``limit`` levels deep.

    Replies below that are listed flat after their parent, each with ``reply_to``
    naming its parent's ``source_id``; the importers put them back in place.
    ``empty_replies`` gives every comment a ``replies`` list, empty or not (the
    JSON export's fixed shape); the Markdown files leave empty ones out.
    Walked with a stack: the thread being written can be arbitrarily deep.
    """
    out: list[dict[str, Any]] = []
    stack: list[tuple[Mapping[str, Any], list[dict[str, Any]], int, str | None]] = [
        (c, out, 1, None) for c in reversed(comments)
    ]
    while stack:
        node, target, depth, reply_to = stack.pop()
        copy = {k: v for k, v in node.items() if k not in {"replies", "reply_to"}}
        if reply_to is not None:
            copy["reply_to"] = reply_to
        target.append(copy)
        replies = node.get("replies") or []
        source_id = node.get("source_id")
        kids: list[dict[str, Any]] = []
        if empty_replies or (replies and (depth < limit or not source_id)):
            copy["replies"] = kids  # every comment carries the key: the export's shape is fixed
        if depth < limit or not source_id:
            stack.extend((r, kids, depth + 1, None) for r in reversed(replies))
        else:  # kids go right after this comment in the same list
            stack.extend((r, target, depth, str(source_id)) for r in reversed(replies))
    return out


def to_json(export: Mapping[str, Any]) -> bytes:
    """The export as indented UTF-8 JSON (deep threads listed flat past the nesting limit)."""
    reviews = [
        {**review, "comments": nest_limited(review.get("comments") or [], NESTING_LIMIT)}
        for review in export.get("reviews", [])
    ]
    return orjson.dumps({**export, "reviews": reviews}, option=orjson.OPT_INDENT_2)


def _comment_mappings(comments: Sequence[ParsedComment]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack: list[tuple[ParsedComment, list[dict[str, Any]]]] = [(c, out) for c in reversed(comments)]
    while stack:
        comment, target = stack.pop()
        entry: dict[str, Any] = {
            "author": comment.author,
            "date": comment.date,
            "body": comment.body,
            "local": comment.local,
            "source_id": comment.source_id,
        }
        if comment.edited:
            entry["edited"] = comment.edited
        if comment.deleted:
            entry["deleted"] = comment.deleted
        if comment.url:
            entry["url"] = comment.url
        target.append(entry)
        if comment.replies:
            replies: list[dict[str, Any]] = []
            entry["replies"] = replies
            stack.extend((r, replies) for r in reversed(comment.replies))
    return out


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line text as literal blocks, so bodies read as they were written."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    )


_Dumper.add_representer(str, _represent_text)


def markdown_text(review: Mapping[str, Any]) -> str:
    """One review as a Markdown file: YAML front matter, a blank line, the text."""
    meta: dict[str, Any] = {}
    for key in _REVIEW_KEYS:
        value = review.get(key)
        if key == "tags":
            value = list(value or [])
        if value is not None or key not in _OPTIONAL:
            meta[key] = value
    meta["source"] = review.get("source") or "markdown"
    meta["source_id"] = review.get("source_id")
    if review.get("url"):
        meta["url"] = review.get("url")
    parsed = comments_from(review.get("comments") or [], "export")
    if parsed:
        meta["comments"] = nest_limited(
            _comment_mappings(parsed), NESTING_LIMIT, empty_replies=False
        )
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    body = clean(str(review.get("body") or "")).strip()
    return f"---\n{front}---\n\n{body}\n"


def file_name(review: Mapping[str, Any], fallback: int) -> str:
    """A safe file name: an ASCII slug of the title and the review's id, ``.md``."""
    ascii_title = unicodedata.normalize("NFKD", str(review.get("title") or ""))
    slug = _NOT_SLUG.sub("-", ascii_title.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")[:SLUG_LENGTH].strip("-") or "review"
    ident = review.get("id")
    tail = str(ident) if isinstance(ident, int) and not isinstance(ident, bool) else ""
    tail = tail or _NOT_SLUG.sub("-", str(ident or "").lower()).strip("-")[:20] or str(fallback)
    return f"{slug}-{tail}.md"


def to_markdown_folder(export: Mapping[str, Any], folder: Path) -> list[Path]:
    """Write each review to ``folder`` as its own Markdown file; the paths written, in order.

    A folder made here (and missing parents) is ``0700``, like every folder of the user's
    data; one that exists is the user's and keeps its mode. Each file is ``0600``.
    """
    if not folder.exists():
        private_dir(folder)
    written: list[Path] = []
    used: set[str] = set()
    for number, review in enumerate(export.get("reviews", []), start=1):
        name = file_name(review, number)
        stem, counter = name.removesuffix(".md"), 2
        while name in used:
            name, counter = f"{stem}-{counter}.md", counter + 1
        used.add(name)
        path = folder / name  # a slug holds only [a-z0-9-]: no separators, no "..", no controls
        # Each file whole or not at all, like the database (temp file, fsync, rename).
        atomic_write_bytes(path, markdown_text(review).encode("utf-8"))
        written.append(path)
    return written
