"""Merging imported review trees into the tables: identities, updates, new comments.

Nothing here touches the file: ``plan_import`` works out the documents to add
or change, and the store writes them all in one atomic write.

Identities make re-imports idempotent. A review is its ``source_id`` when the
source gives one, else a hash of its title, date and body. A comment is its
``source_id``, else a hash of its parent's identity, author, date, body and its
place among identical siblings, so the same thread imported twice maps onto
the same rows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from tui.model import ANONYMOUS, ParsedComment, ParsedReview, Review
from tui.store.index import StoreIndex
from tui.text import clean, one_line


@dataclass(frozen=True)
class ImportReport:
    """What an import did, review by review and comment by comment."""

    added_reviews: int
    updated_reviews: int
    unchanged_reviews: int
    added_comments: int
    unchanged_comments: int


@dataclass
class ImportPlan:
    """The documents an import adds or changes, keyed by document id."""

    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)
    added_reviews: int = 0
    updated_reviews: int = 0
    unchanged_reviews: int = 0
    added_comments: int = 0
    unchanged_comments: int = 0

    def report(self) -> ImportReport:
        """The counts, frozen."""
        return ImportReport(
            self.added_reviews,
            self.updated_reviews,
            self.unchanged_reviews,
            self.added_comments,
            self.unchanged_comments,
        )


def content_hash(*parts: object) -> str:
    """``hash:<16 hex>`` of the parts (JSON-encoded, so no two tuples collide by joining)."""
    return "hash:" + hashlib.sha256(orjson.dumps(parts)).hexdigest()[:16]


def _optional_line(value: str | None) -> str | None:
    return None if value is None else (one_line(value) or None)


def review_doc(p: ParsedReview) -> dict[str, Any]:
    """The stored document of a parsed review, all text cleaned, identity in ``source_id``."""
    title, date, body = one_line(p.title), one_line(p.date), clean(p.body)
    source_id = one_line(p.source_id or "") or content_hash(title, date, body)
    return {
        "title": title,
        "date": date,
        "author": one_line(p.author) or ANONYMOUS,
        "body": body,
        "tags": [t for t in (one_line(tag) for tag in p.tags) if t],
        "film": _optional_line(p.film),
        "year": None if p.year is None else int(p.year),
        "director": _optional_line(p.director),
        "rating": None if p.rating is None else float(p.rating),
        "source": one_line(p.source),
        "source_id": source_id,
    }


def doc_of_review(r: Review) -> dict[str, Any]:
    """A stored review as a document, to compare with an incoming one."""
    return {
        "title": r.title,
        "date": r.date,
        "author": r.author,
        "body": r.body,
        "tags": list(r.tags),
        "film": r.film,
        "year": r.year,
        "director": r.director,
        "rating": r.rating,
        "source": r.source,
        "source_id": r.source_id,
    }


_Pending = tuple[ParsedComment, str, str | None, str, int | None, str, int]
"""A comment waiting to be placed: itself, its cleaned author, date and body,
its parent's row id and identity, and its place among identical siblings."""


def _children(
    siblings: Sequence[ParsedComment], parent_id: int | None, parent_identity: str
) -> list[_Pending]:
    seen: Counter[tuple[str, str | None, str]] = Counter()
    out = []
    for c in siblings:
        key = (one_line(c.author) or ANONYMOUS, _optional_line(c.date), clean(c.body))
        out.append((c, *key, parent_id, parent_identity, seen[key]))
        seen[key] += 1
    return out


def plan_import(
    index: StoreIndex,
    parsed: Sequence[ParsedReview],
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Work out every document an import adds or updates; local replies are never changed."""
    plan = ImportPlan()
    next_review = index.max_review_id + 1
    next_comment = index.max_comment_id + 1
    by_source = index.comment_by_source()
    new_sources: dict[tuple[int, str], int] = {}
    new_reviews: dict[str, int] = {}
    added: set[int] = set()
    total = len(parsed)
    step = max(1, total // 100)
    for done, p in enumerate(parsed, start=1):
        doc = review_doc(p)
        identity = doc["source_id"]
        review_id = new_reviews.get(identity, index.review_by_source.get(identity))
        if review_id is None:
            review_id, next_review = next_review, next_review + 1
            new_reviews[identity] = review_id
            added.add(review_id)
            plan.added_reviews += 1
            plan.reviews[str(review_id)] = doc
        else:
            current = plan.reviews.get(str(review_id)) or doc_of_review(index.reviews[review_id])
            if current == doc:
                plan.unchanged_reviews += 1
            else:
                # Counted once, however often the same review appears in one import.
                plan.updated_reviews += (
                    review_id not in added and str(review_id) not in plan.reviews
                )
                plan.reviews[str(review_id)] = doc
        # Depth-first without recursion: imported threads can be very deep.
        stack = _children(p.comments, None, identity)[::-1]
        while stack:
            c, author, date, body, parent_id, parent_identity, ordinal = stack.pop()
            cid_source = one_line(c.source_id or "") or content_hash(
                parent_identity, author, date, body, ordinal
            )
            key = (review_id, cid_source)
            comment_id = new_sources.get(key, by_source.get(key))
            if comment_id is None:
                comment_id, next_comment = next_comment, next_comment + 1
                new_sources[key] = comment_id
                plan.added_comments += 1
                plan.comments[str(comment_id)] = {
                    "review_id": review_id,
                    "parent_id": parent_id,
                    "author": author,
                    "date": date,
                    "body": body,
                    "local": bool(c.local),
                    "source_id": cid_source,
                    "edited": c.edited if c.local else None,
                    "deleted": c.deleted if c.local else None,
                }
            else:
                plan.unchanged_comments += 1
            stack.extend(_children(c.replies, comment_id, cid_source)[::-1])
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    return plan
