"""The reader's world as plain frozen dataclasses: no IO, no Textual.

Two families live here:

* ``Review`` and ``Comment`` are what the store hands out: rows with ids.
* ``ParsedReview`` and ``ParsedComment`` are what importers produce: trees
  with no ids yet, which the store merges into the database.

``thread`` turns a review's flat comment rows into display order with depths.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ANONYMOUS = "Anonymous"
"""The author of a comment whose source does not name one."""

SCHEMA_VERSION = 1
"""The version of the database layout this code reads and writes."""


@dataclass(frozen=True, slots=True)
class Review:
    """One review: a blog post about a film."""

    id: int
    title: str
    date: str
    """ISO 8601: a date (``2014-03-06``) or a date-time with offset."""
    author: str
    body: str
    """Markdown."""
    tags: tuple[str, ...] = ()
    film: str | None = None
    year: int | None = None
    director: str | None = None
    rating: float | None = None
    source: str = ""
    """The format it came from: ``seed``, ``blogger``, ``wordpress``, ``markdown``, ``feed``,
    ``json``."""
    source_id: str = ""
    """A stable identity in its source (the source's own id, else a content hash)."""
    comment_count: int = 0
    """Comments not deleted, filled in by the store."""
    last_activity: str = ""
    """ISO time of the newest comment, else the review's date; filled in by the store."""
    url: str = ""
    """The review's web address (its permalink) where the source gives one, else ``""``."""


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on a review, or a reply to another comment."""

    id: int
    review_id: int
    parent_id: int | None
    """The comment this one answers; ``None`` for a comment on the review itself."""
    author: str
    date: str | None
    """ISO 8601, or ``None`` where the source gives no date."""
    body: str
    local: bool = False
    """Written in this app by the user (a reply), not imported."""
    source_id: str = ""
    edited: str | None = None
    """ISO 8601 time of the last edit of a local reply."""
    deleted: str | None = None
    """ISO 8601 time a local reply was deleted: a tombstone, the text is kept."""
    url: str = ""
    """The comment's web address where the source gives one, else ``""``."""


@dataclass(frozen=True, slots=True)
class ParsedComment:
    """A comment as an importer read it, with its replies nested."""

    author: str
    date: str | None
    body: str
    source_id: str | None = None
    """The source's own id for the comment; ``None`` lets the store hash the content."""
    replies: tuple[ParsedComment, ...] = ()
    local: bool = False
    """True only when re-importing our own export of a user's reply."""
    edited: str | None = None
    """For a re-imported reply of the user's: when it was last edited."""
    deleted: str | None = None
    """For a re-imported reply of the user's: when it was deleted (a tombstone)."""
    url: str = ""
    """The comment's web address where the source gives one."""


@dataclass(frozen=True, slots=True)
class ParsedReview:
    """A review as an importer read it, comments as a tree."""

    title: str
    date: str
    body: str
    author: str = ANONYMOUS
    tags: tuple[str, ...] = ()
    film: str | None = None
    year: int | None = None
    director: str | None = None
    rating: float | None = None
    source: str = ""
    source_id: str | None = None
    comments: tuple[ParsedComment, ...] = field(default=())
    url: str = ""
    """The review's web address (permalink) where the source gives one."""
    aliases: tuple[str, ...] = ()
    """Identities older versions of the importer gave this review: a stored review still
    known by one of them is this review (and takes the new ``source_id``)."""


@dataclass(frozen=True, slots=True)
class ThreadRow:
    """A comment placed in its thread: how deep, and what hangs below it."""

    comment: Comment
    depth: int
    descendants: int
    """How many comments sit below this one, at any depth."""
    last_sibling: bool
    """No later sibling follows; draws the guide's corner instead of a tee."""
    guides: tuple[bool, ...] = ()
    """For each ancestor level, whether that level's guide line continues."""


def thread(comments: Iterable[Comment]) -> list[ThreadRow]:
    """Order a review's comments depth-first, siblings by id, each with its depth.

    A comment whose parent is missing is shown at the top level rather than lost.
    """
    rows = list(comments)
    ids = {c.id for c in rows}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for c in rows:
        parent = c.parent_id if c.parent_id in ids else None
        children[parent].append(c)
    for kids in children.values():
        kids.sort(key=lambda c: c.id)

    # Iterative depth-first walk: threads can be deeper than Python's recursion limit.
    order: list[tuple[Comment, int, bool, tuple[bool, ...]]] = []
    stack: list[tuple[Comment, int, bool, tuple[bool, ...]]] = []
    top = children.get(None, [])
    for i in range(len(top) - 1, -1, -1):
        stack.append((top[i], 0, i == len(top) - 1, ()))
    while stack:
        item = stack.pop()
        order.append(item)
        c, depth, last, guides = item
        kids = children.get(c.id, [])
        child_guides = (*guides, not last)
        for i in range(len(kids) - 1, -1, -1):
            stack.append((kids[i], depth + 1, i == len(kids) - 1, child_guides))
    # Sizes bottom-up: in reverse pre-order every child comes before its parent.
    sizes: dict[int, int] = {}
    for c, _depth, _last, _guides in reversed(order):
        below = sizes.get(c.id, 0)
        parent = c.parent_id if c.parent_id in ids else None
        if parent is not None:
            sizes[parent] = sizes.get(parent, 0) + below + 1
    return [ThreadRow(c, d, sizes.get(c.id, 0), last, g) for c, d, last, g in order]


def visible_comments(comments: Sequence[Comment]) -> list[Comment]:
    """Comments still shown: everything but deleted local replies with no live replies."""
    live_parents = {c.parent_id for c in comments if c.deleted is None}
    return [c for c in comments if c.deleted is None or c.id in live_parents]


@dataclass(frozen=True)
class ReadState:
    """What the user has read of one review."""

    unread: bool
    """The review itself is unread."""
    seen: frozenset[int]
    """Comment ids seen."""
