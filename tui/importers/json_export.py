"""Our own JSON export, read back: ``{"reviews": [...]}`` with nested comment trees.

The same mapping shape is the YAML front matter of the Markdown export, so the
conversion from mappings to ``ParsedReview``/``ParsedComment`` lives here and
``markdown`` uses it too. Reviews keep their ``source`` and ``source_id``, and
the user's own replies stay ``local`` with their ``local:`` ids, so importing an
export into the database it came from changes nothing.

Threads deeper than ``NESTING_LIMIT`` are written with their deepest replies
listed flat, each naming its parent's ``source_id`` in ``reply_to`` (YAML and
JSON parsers stop at a few hundred levels); reading puts them back in place.

The user's replies come back with their ``edited`` and ``deleted`` marks (a
deleted one as the tombstone it was). Any other deleted comment is dropped, or,
when live replies hang below it, kept as a ``(deleted)`` placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from tui.importers import ImportFailed, Origin
from tui.importers.dates import iso_date
from tui.importers.fields import number, tag_list
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import clean, one_line

SOURCE = "json"
DELETED = "(deleted)"
"""The text of a deleted reply kept only because live replies hang below it."""
NESTING_LIMIT = 64
"""Comment levels an export nests before it lists deeper replies flat with ``reply_to``."""
MAX_COMMENTS = 2_000_000
"""Per file, a backstop; YAML aliases that repeat comments are refused as they are met."""


def _line(value: Any) -> str | None:
    return None if value is None else (one_line(str(value)) or None)


def _mapping(value: Any, what: str, origin: Origin) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ImportFailed(origin, f"{what} is not a mapping of keys")
    return value


def _list(value: Any, what: str, origin: Origin) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportFailed(origin, f"{what} is not a list")
    return value


def _flatten(raw: Any, origin: Origin, budget: list[int]) -> list[tuple[FlatComment, bool]]:
    """Nested comment mappings in pre-order, each with whether it was deleted."""
    out: list[tuple[FlatComment, bool]] = []
    replying: dict[int, str] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, str | None]] = [
        (item, None) for item in reversed(_list(raw, "comments", origin))
    ]
    while stack:
        item, parent = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            raise ImportFailed(origin, f"more than {MAX_COMMENTS} comments (refused)")
        entry = _mapping(item, "a comment", origin)
        # YAML aliases can name one comment millions of times (or inside itself): refuse.
        if id(entry) in seen:
            raise ImportFailed(origin, "a comment appears twice (YAML aliases are refused)")
        seen.add(id(entry))
        body = entry.get("body")
        if not isinstance(body, str):
            raise ImportFailed(origin, "a comment has no body text")
        key = f"n{len(out)}"
        comment = ParsedComment(
            author=_line(entry.get("author")) or ANONYMOUS,
            date=iso_date(entry.get("date")),
            body=clean(body).strip(),
            source_id=_line(entry.get("source_id")),
            local=entry.get("local") is True,
            edited=_line(entry.get("edited")) if entry.get("local") is True else None,
            deleted=_line(entry.get("deleted")) if entry.get("local") is True else None,
            url=_line(entry.get("url")) or "",
        )
        if reply_to := _line(entry.get("reply_to")):
            replying[len(out)] = reply_to
        out.append((FlatComment(key, parent, comment), bool(entry.get("deleted"))))
        replies = _list(entry.get("replies"), "replies", origin)
        stack.extend((reply, key) for reply in reversed(replies))
    # A reply listed flat below a deep thread names its parent's source_id.
    keys: dict[str, str] = {}
    for item, _ in out:
        if item.comment.source_id is not None:
            keys.setdefault(item.comment.source_id, item.key)
    for index, reply_to in replying.items():
        item, deleted = out[index]
        out[index] = (item._replace(parent=keys.get(reply_to)), deleted)
    return out


def comments_from(
    raw: Any, origin: Origin, budget: list[int] | None = None
) -> tuple[ParsedComment, ...]:
    """Nested comment mappings (``author, date, body, local, source_id, replies``) as trees.

    Walked with a stack, not recursion: threads can be very deep.
    """
    flat = _flatten(raw, origin, budget if budget is not None else [MAX_COMMENTS])
    live_below: set[str] = set()
    for item, deleted in reversed(flat):  # children come after their parent in pre-order
        if (not deleted or item.key in live_below) and item.parent is not None:
            live_below.add(item.parent)
    kept = []
    for item, deleted in flat:
        if not deleted or (item.comment.local and item.comment.deleted):
            kept.append(item)  # the user's own deleted reply comes back as the tombstone it was
        elif item.key in live_below:
            kept.append(item._replace(comment=_placeholder(item.comment)))
    return build_thread(kept, by_date=False)


def _placeholder(comment: ParsedComment) -> ParsedComment:
    return ParsedComment(
        author=comment.author,
        date=comment.date,
        body=DELETED,
        source_id=comment.source_id,
        local=comment.local,
    )


def review_from(
    meta: Mapping[str, Any],
    body: str,
    origin: Origin,
    *,
    source: str,
    title: str | None = None,
    source_id: str | None = None,
    budget: list[int] | None = None,
) -> ParsedReview:
    """A review from an export mapping; ``source``, ``title`` and ``source_id`` fill gaps.

    A date that is missing or cannot be read leaves the review undated (``""``), as
    in every other format.
    """
    return ParsedReview(
        title=_line(meta.get("title")) or title or "Untitled review",
        date=iso_date(meta.get("date")) or "",
        body=clean(body).strip(),
        author=_line(meta.get("author")) or ANONYMOUS,
        tags=tag_list(meta.get("tags")),
        film=_line(meta.get("film")),
        year=number(meta.get("year"), int, "year", origin),
        director=_line(meta.get("director")),
        rating=number(meta.get("rating"), float, "rating", origin),
        source=_line(meta.get("source")) or source,
        source_id=_line(meta.get("source_id")) or source_id,
        comments=comments_from(meta.get("comments"), origin, budget),
        url=_line(meta.get("url")) or "",
    )


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every review in a reviews JSON export, threads and the user's replies included."""
    try:
        document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as error:
        raise ImportFailed(origin, f"not valid JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("reviews"), list):
        raise ImportFailed(origin, 'not a reviews export (no "reviews" list)')
    budget = [MAX_COMMENTS]
    reviews = []
    for raw in document["reviews"]:
        review = _mapping(raw, "a review", origin)
        body = review.get("body")
        if not isinstance(body, str):
            named = _line(review.get("title"))
            which = f"review '{named}'" if named else "a review without a title"
            raise ImportFailed(origin, f"{which} has no body text")
        reviews.append(review_from(review, body, origin, source=SOURCE, budget=budget))
    return reviews
