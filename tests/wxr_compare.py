"""What "the same reviews" means for a WordPress export read back (shared by the WXR tests).

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
from typing import Any

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
