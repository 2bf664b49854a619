"""The WXR tests' data, and what "the same reviews" means for an export read back.

Compared, for every review: title, date, author, body, tags, film, year, director,
rating, source, source_id, url; for every comment: its source_id, its parent's
source_id (the threading), author, date, body, whether it is the user's own reply,
url. Not compared: database ids (a new database numbers afresh), read marks, an
edited reply's edit time (its text is exported as it is now). Deleted replies are
left out of the export, so the expected side drops them and hangs their replies
from the nearest ancestor still there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from conftest import sample_reviews

from tui.model import ParsedComment, ParsedReview
from tui.store import Store

ME = "tester"
"""The configured author the user's replies are exported under."""

REVIEW_FIELDS = (
    "title",
    "date",
    "author",
    "body",
    "tags",
    "film",
    "year",
    "director",
    "rating",
    "source",
    "source_id",
    "url",
)
CommentRow = tuple[str, str | None, str, str | None, str, bool, str]


def comment_rows(comments: Sequence[Mapping[str, Any]], author: str | None) -> list[CommentRow]:
    """Each live comment as (source_id, parent source_id, author, date, body, local, url),
    sorted; ``author`` (when given) is the name the user's replies are exported under."""
    rows: list[CommentRow] = []
    stack: list[tuple[Mapping[str, Any], str | None]] = [(c, None) for c in comments]
    while stack:
        comment, parent = stack.pop()
        replies = comment.get("replies") or []
        if comment.get("deleted"):
            stack.extend((r, parent) for r in replies)
            continue
        local = bool(comment.get("local"))
        name = author if local and author is not None else comment["author"]
        rows.append(
            (
                comment["source_id"],
                parent,
                name,
                comment["date"],
                comment["body"],
                local,
                comment.get("url") or "",
            )
        )
        stack.extend((r, comment["source_id"]) for r in replies)
    return sorted(rows)


def comparable_reviews(
    export: Mapping[str, Any], author: str | None = None
) -> list[dict[str, Any]]:
    """A store export reduced to what a WordPress export must carry, in a fixed order."""
    out = []
    for review in export["reviews"]:
        row = {key: review.get(key) for key in REVIEW_FIELDS}
        row["tags"] = list(row["tags"] or [])
        row["url"] = row["url"] or ""
        row["comments"] = comment_rows(review.get("comments") or [], author)
        out.append(row)
    return sorted(out, key=lambda r: str(r["source_id"]))


def rich_reviews() -> list[ParsedReview]:
    """The shared samples plus what a WXR must not lose: offsets, undated comments, film
    details, a permalink, deep threads, text that looks like XML, HTML and CDATA ends."""
    deep: tuple[ParsedComment, ...] = ()
    for level in range(30, 0, -1):
        deep = (ParsedComment(f"Level {level}", None, f"depth {level}", f"t:d{level}", deep),)
    return [
        *sample_reviews(),
        ParsedReview(
            title="Tom & Jerry <em>vs</em> ]]> &amp; friends",
            date="2021-05-01T21:30:00+02:00",
            body="# Heading\n\n<script>alert(1)</script> & ]]> **bold**\n\n    code\n\n- a\n- b",
            author="Zoë O'Brien",
            tags=("Animation", "café", "C++"),
            film="Tom & Jerry",
            year=2021,
            director="Tim Story",
            rating=2.0,
            source="blogger",
            source_id="blogger:tag:blogger.com,1999:blog-1.post-2",
            url="https://blog.example/2021/05/tom-jerry.html",
            comments=(
                ParsedComment(
                    "Ann <b>",
                    "2021-05-02T08:00:00+00:00",
                    "First & <i>best</i>",
                    "blogger:c1",
                    (ParsedComment("Ben", "2021-05-02T09:00:00-05:00", "Reply", "blogger:c2"),),
                    url="https://blog.example/2021/05/tom-jerry.html?showComment=1#c1",
                ),
                *deep,
            ),
        ),
        ParsedReview(title="Undated", date="", body="No date at all.", source_id="t:undated"),
    ]


def store_with_replies(path: Path) -> Store:
    """A database of ``rich_reviews`` with the user's replies: one edited, one deleted
    that has a reply of its own (which must survive, one level up)."""
    store = Store(path, seed=rich_reviews)
    her = next(r for r in store.export()["reviews"] if r["title"] == "Her")
    first = her["comments"][0]
    mine = store.add_reply(her["id"], first["id"], "someone else", "My first reply")
    store.edit_reply(mine.id, "My first reply, edited ]]> <b>")
    doomed = store.add_reply(her["id"], mine.id, ME, "I will delete this")
    store.add_reply(her["id"], doomed.id, ME, "A reply under the deleted one")
    store.delete_reply(doomed.id)
    store.add_reply(her["id"], None, ME, "A reply to the review itself")
    return store
