"""The store's in-memory view of the tables: rows as dataclasses, and the lookups.

Built once each time the file is (re)loaded from disk, then patched by the
store's own writes, so reading the review list or a long thread never scans
or re-parses the tables. Building also checks every document's fields, so a
file of the right outline but the wrong content is reported as corrupt rather
than failing later in the UI.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from tui.model import Comment, Review
from tui.storage import Tables, UnreadableFileError

_MISSING = object()


def _field(kind: str, doc_id: int, doc: dict[str, Any], name: str, types: Any, default: Any) -> Any:
    value = doc.get(name, default)
    if value is _MISSING:
        raise UnreadableFileError(f"{kind} {doc_id} has no {name!r}")
    # bool is an int in Python; a true/false where a number belongs is still corrupt.
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise UnreadableFileError(f"{kind} {doc_id} has a malformed {name!r}")
    return value


def review_from_doc(review_id: int, doc: dict[str, Any]) -> Review:
    """A ``Review`` from its stored document; ``UnreadableFileError`` when a field is wrong.

    The derived fields (comment count, last activity) are left for the index to fill.
    """
    tags = _field("review", review_id, doc, "tags", (list,), [])
    if not all(isinstance(tag, str) for tag in tags):
        raise UnreadableFileError(f"review {review_id} has a malformed 'tags'")
    rating = _field("review", review_id, doc, "rating", (int, float, type(None)), None)
    return Review(
        id=review_id,
        title=_field("review", review_id, doc, "title", (str,), _MISSING),
        date=_field("review", review_id, doc, "date", (str,), _MISSING),
        author=_field("review", review_id, doc, "author", (str,), ""),
        body=_field("review", review_id, doc, "body", (str,), _MISSING),
        tags=tuple(tags),
        film=_field("review", review_id, doc, "film", (str, type(None)), None),
        year=_field("review", review_id, doc, "year", (int, type(None)), None),
        director=_field("review", review_id, doc, "director", (str, type(None)), None),
        rating=None if rating is None else float(rating),
        source=_field("review", review_id, doc, "source", (str,), ""),
        source_id=_field("review", review_id, doc, "source_id", (str,), ""),
    )


def _checked_comment(comment_id: int, doc: dict[str, Any]) -> Comment:
    optional = (str, type(None))
    return Comment(
        id=comment_id,
        review_id=_field("comment", comment_id, doc, "review_id", (int,), _MISSING),
        parent_id=_field("comment", comment_id, doc, "parent_id", (int, type(None)), None),
        author=_field("comment", comment_id, doc, "author", (str,), ""),
        date=_field("comment", comment_id, doc, "date", optional, None),
        body=_field("comment", comment_id, doc, "body", (str,), _MISSING),
        local=_field("comment", comment_id, doc, "local", (bool,), False),
        source_id=_field("comment", comment_id, doc, "source_id", (str,), ""),
        edited=_field("comment", comment_id, doc, "edited", optional, None),
        deleted=_field("comment", comment_id, doc, "deleted", optional, None),
    )


def comment_from_doc(comment_id: int, doc: dict[str, Any]) -> Comment:
    """A ``Comment`` from its stored document; ``UnreadableFileError`` when a field is wrong."""
    # The fast path: one pass of exact type checks, for the 100,000 comments of a big
    # file; only a bad document takes the slow path, which names the bad field.
    get = doc.get
    review_id, parent_id, date = get("review_id"), get("parent_id"), get("date")
    author, body, local = get("author", ""), get("body"), get("local", False)
    source_id, edited, deleted = get("source_id", ""), get("edited"), get("deleted")
    if (
        type(review_id) is int
        and (parent_id is None or type(parent_id) is int)
        and type(author) is str
        and (date is None or type(date) is str)
        and type(body) is str
        and type(local) is bool
        and type(source_id) is str
        and (edited is None or type(edited) is str)
        and (deleted is None or type(deleted) is str)
    ):
        return Comment(
            comment_id, review_id, parent_id, author, date, body, local, source_id, edited, deleted
        )
    return _checked_comment(comment_id, doc)


def read_from_doc(review_id: int, doc: dict[str, Any]) -> tuple[bool, frozenset[int]]:
    """``(unread, seen comment ids)`` from a ``reads`` document."""
    unread = _field("read state of review", review_id, doc, "unread", (bool,), True)
    seen = _field("read state of review", review_id, doc, "seen", (list,), [])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in seen):
        raise UnreadableFileError(f"read state of review {review_id} has a malformed 'seen'")
    return unread, frozenset(seen)


def instant(date: str) -> str:
    """A sort key for an ISO date or time: times with an offset are moved to UTC.

    Plain string order would put ``23:00-05:00`` before ``01:00+00:00`` of the
    next day; dates and times without an offset compare as written.
    """
    try:
        parsed = datetime.fromisoformat(date)
    except ValueError:
        return date
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed.isoformat()


def newer(a: str, b: str) -> bool:
    """Whether ISO date/time ``a`` is later than ``b``."""
    # Same length and same offset: plain text order is time order, and no parsing
    # is needed; that is almost every comparison within one review's thread.
    if len(a) == len(b) and a[19:] == b[19:]:
        return a > b
    return instant(a) > instant(b)


class StoreIndex:
    """Reviews, comments and read state as objects, with the lookups the store needs."""

    def __init__(self, tables: Tables) -> None:
        """Build everything from the parsed tables; ``UnreadableFileError`` if a document is bad."""
        self.comments: dict[int, Comment] = {}
        self.by_review: dict[int, list[Comment]] = {}
        """Review id -> its comments (tombstones included) in id order."""
        self.counts: dict[int, int] = {}
        """Review id -> how many of its comments are not deleted."""
        self.latest: dict[int, str] = {}
        """Review id -> the date of its newest live comment that has one."""
        self.reviews: dict[int, Review] = {}
        self.review_by_source: dict[str, int] = {}
        self.reads: dict[int, tuple[bool, frozenset[int]]] = {}
        self._comment_by_source: dict[tuple[int, str], int] | None = None
        self._order: list[Review] | None = None
        self._position: dict[int, int] = {}

        review_docs = tables.get("reviews", {})
        for key in review_docs:
            self.by_review[int(key)] = []
            self.counts[int(key)] = 0
        # Documents are visited in id order so each review's list comes out sorted.
        for key, doc in sorted(tables.get("comments", {}).items(), key=lambda kv: int(kv[0])):
            comment = comment_from_doc(int(key), doc)
            self.comments[comment.id] = comment
            # A comment whose review is gone stays reachable by id but is shown nowhere.
            if comment.review_id in self.by_review:
                self.by_review[comment.review_id].append(comment)
                self._count_in(comment)
        for key, doc in review_docs.items():
            review = self._filled(review_from_doc(int(key), doc))
            self.reviews[review.id] = review
            if review.source_id:
                self.review_by_source[review.source_id] = review.id
        for key, doc in tables.get("reads", {}).items():
            self.reads[int(key)] = read_from_doc(int(key), doc)
        self.max_review_id = max(self.reviews, default=0)
        self.max_comment_id = max(self.comments, default=0)

    def _count_in(self, comment: Comment) -> None:
        """Take a new live comment into its review's count and newest date."""
        if comment.deleted is not None:
            return
        self.counts[comment.review_id] = self.counts.get(comment.review_id, 0) + 1
        if comment.date:
            latest = self.latest.get(comment.review_id)
            if latest is None or newer(comment.date, latest):
                self.latest[comment.review_id] = comment.date

    def _recount(self, review_id: int) -> None:
        self.counts[review_id] = 0
        self.latest.pop(review_id, None)
        for c in self.by_review.get(review_id, ()):
            self._count_in(c)

    def _filled(self, review: Review) -> Review:
        """The review with the store's derived fields: comment count, last activity."""
        latest = self.latest.get(review.id)
        return dataclasses.replace(
            review,
            comment_count=self.counts.get(review.id, 0),
            last_activity=latest or review.date,
        )

    def ordered(self) -> list[Review]:
        """Reviews newest first (date desc, then id desc); sorted once, then cached."""
        if self._order is None:
            self._order = sorted(self.reviews.values(), key=lambda r: (r.date, r.id), reverse=True)
            self._position = {r.id: i for i, r in enumerate(self._order)}
        return self._order

    def position(self, review_id: int) -> int:
        """Where a review sits in ``ordered()`` (past the end if unknown)."""
        self.ordered()
        return self._position.get(review_id, len(self._position))

    def comment_by_source(self) -> dict[tuple[int, str], int]:
        """``(review id, source id) -> comment id``, built on first use (only imports need it)."""
        if self._comment_by_source is None:
            self._comment_by_source = {
                (c.review_id, c.source_id): c.id for c in self.comments.values() if c.source_id
            }
        return self._comment_by_source

    def put_review(self, review: Review) -> Review:
        """Add or replace a review (derived fields come from the index); returns it."""
        review = self._filled(review)
        old = self.reviews.get(review.id)
        if old is not None and old.source_id and old.source_id != review.source_id:
            self.review_by_source.pop(old.source_id, None)
        self.reviews[review.id] = review
        self.by_review.setdefault(review.id, [])
        if review.source_id:
            self.review_by_source[review.source_id] = review.id
        self.max_review_id = max(self.max_review_id, review.id)
        self._order = None
        return review

    def put_comment(self, comment: Comment) -> None:
        """Add a new comment or replace an existing one, keeping the review's figures right."""
        old = self.comments.get(comment.id)
        self.comments[comment.id] = comment
        self.max_comment_id = max(self.max_comment_id, comment.id)
        siblings = self.by_review.setdefault(comment.review_id, [])
        if old is None:
            siblings.append(comment)
            if len(siblings) > 1 and siblings[-2].id > comment.id:
                siblings.sort(key=lambda c: c.id)  # only a hand-edited file gets here
            # A new comment can only raise the count and the newest date: no rescan.
            self._count_in(comment)
        else:
            siblings[siblings.index(old)] = comment
            self._recount(comment.review_id)
        if self._comment_by_source is not None and comment.source_id:
            self._comment_by_source[(comment.review_id, comment.source_id)] = comment.id
        review = self.reviews.get(comment.review_id)
        if review is not None:
            review = self._filled(review)
            self.reviews[review.id] = review
            if self._order is not None:
                # New figures do not move the review: patch it in place, no re-sort.
                self._order[self._position[review.id]] = review
