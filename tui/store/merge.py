"""Merging imported review trees into the tables: identities, updates, new comments.

Nothing here touches the file: ``plan_import`` works out the documents to add
or change, and the store writes them all in one atomic write.

Comment threads kept apart from their posts (a Disqus export: reviews whose
``source`` is ``disqus``) carry no review of their own: their comments join
the review whose permalink matches the thread's, whether it is already stored
or comes in the same import. A thread that matches none is an orphan: it is
reported, or, when the caller keeps orphans, stored as a review of its own.

Identities make re-imports idempotent. A review is its ``source_id`` when the
source gives one, else a hash of its title, date and body. A comment is its
``source_id``, else a hash of its parent's identity, author, date, body and its
place among identical siblings, so the same thread imported twice maps onto
the same rows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from tui.model import ANONYMOUS, ParsedComment, ParsedReview, Review
from tui.store.first_screen_import import FirstScreenWatch
from tui.store.index import StoreIndex
from tui.store.permalinks import permalink_index, permalink_key
from tui.store.spool import NewDocs
from tui.text import clean, one_line


@dataclass(frozen=True)
class ImportReport:
    """What an import did, review by review and comment by comment."""

    added_reviews: int
    updated_reviews: int
    unchanged_reviews: int
    added_comments: int
    unchanged_comments: int
    orphans: tuple[tuple[str, int], ...] = ()
    """Comment threads that matched no review and were not kept: (link, comments)."""


THREADS_ONLY = "disqus"
"""The ``source`` of parsed reviews that are only comment threads, placed by permalink."""


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
    orphans: list[tuple[str, int]] = field(default_factory=list)
    new_reviews: NewDocs | None = None
    """Where new reviews go instead of ``reviews`` (a big import: see ``tui.store.spool``)."""
    new_comments: NewDocs | None = None
    """Where new comments go instead of ``comments``."""
    watch: FirstScreenWatch | None = None
    """Shown every new or changed document, to take the first screen after a big import."""

    def review(self, key: str) -> dict[str, Any] | None:
        """The planned document of review ``key``, new or changed; ``None`` if none."""
        doc = self.reviews.get(key)
        if doc is None and self.new_reviews is not None:
            doc = self.new_reviews.get(key)
        return doc

    def put_review(self, key: str, doc: dict[str, Any], *, new: bool) -> None:
        """Plan review ``key`` (``new``: a row this import adds)."""
        if self.watch is not None:
            self.watch.review(int(key), doc)
        if new and self.new_reviews is not None:
            self.new_reviews[key] = doc
        else:
            self.reviews[key] = doc

    def put_comment(self, key: str, doc: dict[str, Any]) -> None:
        """Plan the new comment ``key``."""
        if self.watch is not None:
            self.watch.comment(int(key), doc)
        if self.new_comments is not None:
            self.new_comments[key] = doc
        else:
            self.comments[key] = doc

    def report(self) -> ImportReport:
        """The counts, frozen."""
        return ImportReport(
            self.added_reviews,
            self.updated_reviews,
            self.unchanged_reviews,
            self.added_comments,
            self.unchanged_comments,
            tuple(self.orphans),
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
    doc: dict[str, Any] = {
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
    if url := one_line(p.url):  # only where there is one: older documents stay as they were
        doc["url"] = url
    return doc


def doc_of_review(r: Review) -> dict[str, Any]:
    """A stored review as a document, to compare with an incoming one."""
    doc: dict[str, Any] = {
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
    if r.url:
        doc["url"] = r.url
    return doc


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


@dataclass
class _Ids:
    """Row ids handed out so far in one import, and the identities they were given to."""

    next_review: int
    next_comment: int
    by_source: dict[tuple[int, str], int]
    new_sources: dict[tuple[int, str], int] = field(default_factory=dict)
    new_reviews: dict[str, int] = field(default_factory=dict)
    added: set[int] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)


def _place_review(
    plan: ImportPlan, index: StoreIndex, ids: _Ids, p: ParsedReview
) -> tuple[int, str]:
    """The row the review goes to, and its identity once placed."""
    doc = review_doc(p)
    identity = doc["source_id"]
    review_id = ids.new_reviews.get(identity, index.review_by_source.get(identity))
    if review_id is None and p.aliases:
        review_id = _by_alias(index, ids, p)
        if review_id is not None:
            ids.new_reviews[identity] = review_id
    if review_id is not None:
        ids.claimed.add(review_id)
    if review_id is None:
        review_id, ids.next_review = ids.next_review, ids.next_review + 1
        ids.new_reviews[identity] = review_id
        ids.added.add(review_id)
        plan.added_reviews += 1
        plan.put_review(str(review_id), doc, new=True)
        return review_id, identity
    current = plan.review(str(review_id)) or doc_of_review(index.reviews[review_id])
    if current == doc:
        plan.unchanged_reviews += 1
    else:
        # Counted once, however often the same review appears in one import.
        plan.updated_reviews += review_id not in ids.added and str(review_id) not in plan.reviews
        plan.put_review(str(review_id), doc, new=review_id in ids.added)
    # The placed document is this one (or one equal to it): its identity is the review's.
    return review_id, identity


def _by_alias(index: StoreIndex, ids: _Ids, p: ParsedReview) -> int | None:
    """A stored review still known by an identity an older importer gave this one.

    Each is claimed once per import: an old identity that several posts shared (a
    WordPress guid) goes to the first of them, and the others are added.
    """
    for alias in p.aliases:
        review_id = index.review_by_source.get(one_line(alias))
        if review_id is not None and review_id not in ids.claimed:
            ids.claimed.add(review_id)
            return review_id
    return None


def _place_comments(
    plan: ImportPlan, ids: _Ids, review_id: int, identity: str, comments: Sequence[ParsedComment]
) -> None:
    if not comments:  # most reviews of a sync: nothing to place
        return
    # Depth-first without recursion: imported threads can be very deep.
    stack = _children(comments, None, identity)[::-1]
    while stack:
        c, author, date, body, parent_id, parent_identity, ordinal = stack.pop()
        cid_source = one_line(c.source_id or "") or content_hash(
            parent_identity, author, date, body, ordinal
        )
        key = (review_id, cid_source)
        comment_id = ids.new_sources.get(key, ids.by_source.get(key))
        if comment_id is None:
            comment_id, ids.next_comment = ids.next_comment, ids.next_comment + 1
            ids.new_sources[key] = comment_id
            plan.added_comments += 1
            doc: dict[str, Any] = {
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
            if url := one_line(c.url):
                doc["url"] = url
            plan.put_comment(str(comment_id), doc)
        else:
            plan.unchanged_comments += 1
        stack.extend(_children(c.replies, comment_id, cid_source)[::-1])


def count_comments(comments: Sequence[ParsedComment]) -> int:
    """How many comments a tree holds, replies at any depth included."""
    total, stack = 0, list(comments)
    while stack:
        total += 1
        stack.extend(stack.pop().replies)
    return total


def plan_import(
    index: StoreIndex,
    parsed: Iterable[ParsedReview],
    progress: Callable[[int, int], None] | None = None,
    *,
    keep_orphans: bool = False,
    new_reviews: NewDocs | None = None,
    new_comments: NewDocs | None = None,
    watch: FirstScreenWatch | None = None,
) -> ImportPlan:
    """Work out every document an import adds or updates; local replies are never changed.

    ``parsed`` may be a stream (a generator): each review is placed as it comes
    and not kept. Comment threads without a post of their own (``source ==
    THREADS_ONLY``) are placed last, on the review whose permalink matches theirs;
    an unmatched one is listed in ``orphans``, or stored as a review when
    ``keep_orphans``. New documents go to ``new_reviews`` / ``new_comments`` when
    given (a big import), else into the plan's dicts; ``watch`` sees each of them.
    ``progress(done, total)`` is called for a sequence only (a stream's length is not
    known).
    """
    plan = ImportPlan(new_reviews=new_reviews, new_comments=new_comments, watch=watch)
    ids = _Ids(index.max_review_id + 1, index.max_comment_id + 1, index.comment_by_source())
    threads: list[ParsedReview] = []
    total = len(parsed) if isinstance(parsed, Sequence) else 0
    step = max(1, total // 100)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None and total and (done % step == 0 or done == total):
            progress(done, total)

    for p in parsed:
        if p.source == THREADS_ONLY:
            threads.append(p)
            continue
        placed, identity = _place_review(plan, index, ids, p)
        _place_comments(plan, ids, placed, identity, p.comments)
        advance()
    if threads:
        pages = permalink_index(
            [(i, r.url) for i, r in index.reviews.items()]
            + [(int(key), str(doc.get("url") or "")) for key, doc in plan.reviews.items()]
            + [(int(key), str(doc.get("url") or "")) for key, doc in _new_docs(plan)]
        )
        for p in threads:
            review_id: int | None = pages.get(permalink_key(p.url))
            if review_id is None and keep_orphans:
                review_id = _place_review(plan, index, ids, p)[0]
            if review_id is None:
                if p.comments:
                    link = one_line(p.url) or f"{one_line(p.title)} (no link)"
                    plan.orphans.append((link, count_comments(p.comments)))
            else:
                identity = _identity_of(plan, index, review_id)
                _place_comments(plan, ids, review_id, identity, p.comments)
            advance()
    _drop_unchanged(plan, index, ids)
    return plan


def _new_docs(plan: ImportPlan) -> Iterable[tuple[str, dict[str, Any]]]:
    return () if plan.new_reviews is None else plan.new_reviews.docs()


def _drop_unchanged(plan: ImportPlan, index: StoreIndex, ids: _Ids) -> None:
    """Forget updates that end where they started: one import holding two versions
    of a review (the same post in two files) leaves it as the last one says, and
    importing the same files again must then change nothing."""
    for key, doc in list(plan.reviews.items()):
        review_id = int(key)
        if review_id not in ids.added and doc == doc_of_review(index.reviews[review_id]):
            del plan.reviews[key]
            plan.updated_reviews -= 1
            plan.unchanged_reviews += 1


def _identity_of(plan: ImportPlan, index: StoreIndex, review_id: int) -> str:
    doc = plan.review(str(review_id))
    if doc is not None:
        return str(doc["source_id"])
    return index.reviews[review_id].source_id
