"""Where a review's replies go: a logged-in WordPress blog, or nowhere (they stay local).

Decided from the ``sources`` table alone and the review's ``source_id``, so both
the store (``tui.store.outbox``) and the point write of ``reviews reply``
(``tui.store.point_reply``, which never parses the database) ask the same
questions the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.text import one_line

SourceDocs = Mapping[str, Mapping[str, Any]]
"""The ``sources`` table: source id (a decimal string) -> its document."""


@dataclass(frozen=True)
class ReplyTarget:
    """Where a review's replies go: a followed WordPress source with a login, and the post."""

    source_id: int
    post: int
    user: str
    name: str = ""
    """The name the blog shows for that user (recorded at login), ``""`` when unknown:
    a reply sent there is stored under it, as its readers will see it."""


def reply_author(target: ReplyTarget | None, author: str) -> str:
    """The author a new reply is stored under: the name the blog shows for the logged-in
    user when the reply goes to a blog that named it, else ``author``."""
    return target.name if target is not None and target.name else author


def target_in(sources: SourceDocs, review_source_id: str) -> ReplyTarget | None:
    """The logged-in WordPress source and post a review (by identity) belongs to."""
    for key, doc in sources.items():
        if doc.get("kind") != "wordpress":
            continue
        post = ((doc.get("state") or {}).get("posts") or {}).get(review_source_id)
        if not isinstance(post, dict):
            continue
        user = doc.get("user")
        post_id = post.get("id")
        if isinstance(user, str) and user and isinstance(post_id, int):
            name = doc.get("name")
            return ReplyTarget(int(key), post_id, user, name if isinstance(name, str) else "")
    return None


def local_reason(sources: SourceDocs, review_source_id: str) -> str:
    """Why a reply to the review stays in this file (``""`` when it is sent to a blog)."""
    if target_in(sources, review_source_id) is not None:
        return ""
    for key, doc in sources.items():
        posts = (doc.get("state") or {}).get("posts") or {}
        if doc.get("kind") == "wordpress" and review_source_id in posts:
            return (
                f"not logged in to {one_line(str(doc.get('url') or 'the blog'))}: "
                f"this reply stays here (to log in: S, then l; or reviews login {key} "
                "--user NAME)"
            )
    return "this review's source accepts no replies: this reply stays here"


def reply_note(target: ReplyTarget | None, reason: str) -> str:
    """What ``reviews reply`` says happens to a new reply: queued for the blog, or why not."""
    if target is not None:
        return "queued for the blog; `reviews sync` sends it"
    return reason
