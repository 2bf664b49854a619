"""The database: reviews, comment threads, replies and read state in one TinyDB file.

This is the only module that opens the database; ``Store`` is its whole API.
Every public method is thread-safe, and every write is durable under a
cross-process lock before the method returns: a small change is one record
appended to the journal, a big one (an import) one atomic replace of the file
(the machinery is in ``tui.store.core``, the file format in
``tui.store.storage`` and ``tui.store.journal``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tui.model import ANONYMOUS, Comment, ParsedReview, ReadState, Review
from tui.store.errors import (
    NotFound,
    NotYours,
    StoreError,
    WriteFailed,
)
from tui.store.first_screen_import import FirstScreenWatch
from tui.store.index import StoreIndex, comment_from_doc, local_reply_doc
from tui.store.merge import ImportPlan, ImportReport, plan_import
from tui.store.outbox import LoginStore, OutboxStore, target_of
from tui.store.reply_targets import reply_author
from tui.store.search import SearchHit, SearchIndex
from tui.store.sources import SourcesStore
from tui.store.spool import NewDocs, SpoolError
from tui.store.storage import Tables, UnreadableFileError
from tui.text import clean, one_line

__all__ = ["ReadState", "Store"]

_OVERLAY_LIMIT = 200  # new replies searched one by one before the search text is rebuilt


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Store(OutboxStore, LoginStore, SourcesStore):
    """Reviews, comments, replies and read state, kept in one crash-safe JSON file.

    ``Store(path, *, seed=None, lock_timeout=5.0, keep_small=False)`` opens
    ``path``, creating it (from ``seed()`` when given) if it does not exist
    (``keep_small``: less memory, a slower whole load, for the reader); it raises
    ``CorruptDatabase`` or ``NewerSchema`` when the file is unusable. Every
    method is thread-safe; every change is on disk when the method returns.
    """

    # -- public API: reading --------------------------------------------------

    def reviews(self) -> list[Review]:
        """All reviews, newest first (date desc, then id desc), comment counts filled in."""
        with self._reading() as index:
            return list(index.ordered())

    def review(self, review_id: int) -> Review:
        """One review; ``NotFound`` if there is none with that id."""
        with self._reading() as index:
            try:
                return index.reviews[review_id]
            except KeyError:
                raise NotFound(f"there is no review {review_id}") from None

    def comments(self, review_id: int) -> list[Comment]:
        """A review's comments in id order, deleted replies (tombstones) included."""
        with self._reading() as index:
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            return list(index.comments_of(review_id))

    def comment(self, comment_id: int) -> Comment:
        """One comment; ``NotFound`` if there is none with that id."""
        with self._reading() as index:
            comment = index.comment(comment_id)
            if comment is None:
                raise NotFound(f"there is no comment {comment_id}")
            return comment

    def search(self, query: str, limit: int = 500) -> list[SearchHit]:
        """Case-insensitive substring search over titles, bodies and live comments."""
        with self._reading() as index:
            if self._search is None:
                self._search = SearchIndex(index)
            return self._search.search(query, limit)

    def export(self) -> dict[str, Any]:
        """Everything as ``{"reviews": [...]}``, reviews by id, comments as nested trees."""
        with self._reading() as index:
            return {
                "reviews": [_export_review(index, index.reviews[i]) for i in sorted(index.reviews)]
            }

    def read_state(self, review_id: int) -> ReadState:
        """Whether a review is unread and which of its comments were seen."""
        with self._reading() as index:
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            unread, seen = index.reads.get(review_id, (True, frozenset()))
            return ReadState(unread, seen)

    def unread_review_ids(self) -> set[int]:
        """Ids of the reviews not yet read (a review with no read state is unread)."""
        with self._reading() as index:
            return {i for i in index.reviews if index.reads.get(i, (True,))[0]}

    def peek(self, review_id: int) -> tuple[Review, list[Comment], ReadState] | None:
        """A review, its comments and read state from memory only, without waiting.

        No disk access and no waiting for a writer: ``None`` when the data is busy
        (a write in progress), not loaded, or has no such review. The reader uses
        this to answer a key in the same frame, and falls back to a worker on None;
        changes by other processes arrive through ``refresh``.
        """
        if not self._rlock.acquire(blocking=False):
            return None
        try:
            index = self._index
            if index is None or review_id not in index.reviews:
                return None
            unread, seen = index.reads.get(review_id, (True, frozenset()))
            try:
                comments = list(index.comments_of(review_id))
            except UnreadableFileError:
                return None  # the worker path reports it properly
            return index.reviews[review_id], comments, ReadState(unread, seen)
        finally:
            self._rlock.release()

    def peek_reviews(self) -> tuple[list[Review], set[int], int] | None:
        """``reviews()``, ``unread_review_ids()`` and the generation, from memory only.

        Like ``peek``: no disk access, no waiting (``None`` when busy or not loaded).
        Right after a write of ours, memory holds it: the reader shows it from here
        in the same frame instead of reading everything again in a worker.
        """
        if not self._rlock.acquire(blocking=False):
            return None
        try:
            index = self._index
            if index is None:
                return None
            reads = index.reads
            unread = {i for i in index.reviews if reads.get(i, (True,))[0]}
            return list(index.ordered()), unread, self.generation
        finally:
            self._rlock.release()

    # -- public API: writing --------------------------------------------------

    def add_reply(self, review_id: int, parent_id: int | None, author: str, body: str) -> Comment:
        """Save the user's reply to a review or a comment; it is on disk when this returns."""
        body = clean(body)
        if not body.strip():
            raise StoreError("an empty reply was not saved")
        author = one_line(author) or ANONYMOUS
        with self._writing() as (index, tables):
            review = index.reviews.get(review_id)
            if review is None:
                raise NotFound(f"there is no review {review_id}")
            if parent_id is not None:
                parent = index.comment(parent_id)
                if parent is None or parent.review_id != review_id:
                    raise NotFound(f"review {review_id} has no comment {parent_id}")
            comment_id = index.max_comment_id + 1
            # Sent to a blog: stored under the name its readers will see it under.
            author = reply_author(target_of(tables, review.source_id), author)
            doc = local_reply_doc(review_id, parent_id, author, body, _now())
            comment = comment_from_doc(comment_id, doc)
            # The outbox entry (a reply to a logged-in blog) goes in the same write.
            outgoing = self._outbox_changes(index, tables, comment_id, None, comment)
            self._put(tables, {"comments": {str(comment_id): doc}, **outgoing})
            self._note_comment(index, comment)
            return comment

    def edit_reply(self, comment_id: int, body: str) -> Comment:
        """Change the text of one of the user's replies (not of a deleted one)."""
        body = clean(body)
        if not body.strip():
            raise StoreError("an empty reply was not saved")
        with self._rlock:
            current = self.comment(comment_id)
            if not current.local:
                raise NotYours(f"comment {comment_id} is not one of your replies")
            if current.deleted is not None:
                raise StoreError(f"reply {comment_id} is deleted; undelete it to edit it")
            if current.body == body:
                return current
            return self._update_comment(comment_id, {"body": body, "edited": _now()})

    def restore_reply(self, comment_id: int, body: str, edited: str | None) -> Comment:
        """Put back an earlier version of one of the user's replies: its text and its
        edit time (``None``: never edited), as when undoing an edit."""
        body = clean(body)
        if not body.strip():
            raise StoreError("an empty reply was not saved")
        with self._rlock:
            current = self.comment(comment_id)
            if current.deleted is not None:
                raise StoreError(f"reply {comment_id} is deleted; undelete it to edit it")
            return self._update_comment(comment_id, {"body": body, "edited": edited})

    def delete_reply(self, comment_id: int) -> Comment:
        """Delete one of the user's replies, keeping a tombstone (its text stays)."""
        with self._rlock:
            current = self.comment(comment_id)
            if not current.local:
                raise NotYours(f"comment {comment_id} is not one of your replies")
            if current.deleted is not None:
                return current
            return self._update_comment(comment_id, {"deleted": _now()})

    def undelete_reply(self, comment_id: int) -> Comment:
        """Bring back a deleted reply of the user's."""
        return self._update_comment(comment_id, {"deleted": None})

    def import_reviews(
        self,
        parsed: Sequence[ParsedReview],
        progress: Callable[[int, int], None] | None = None,
        *,
        keep_orphans: bool = False,
    ) -> ImportReport:
        """Merge imported reviews and comments: all of it or none of it, in one write.

        Comment threads that match no review's permalink are reported in the
        result's ``orphans``, or kept as reviews of their own when ``keep_orphans``.
        """
        with self._writing() as (index, tables):
            plan = plan_import(index, parsed, progress, keep_orphans=keep_orphans)
            return self._write_plan(index, tables, plan)

    def import_stream(
        self, parsed: Iterable[ParsedReview], *, keep_orphans: bool = False
    ) -> ImportReport:
        """``import_reviews`` of a stream (a generator), each review merged as it comes.

        Memory stays flat however many reviews come: past a few thousand, the new
        documents wait encoded in a temp file (``tui.store.spool``) and are copied
        into the new database file; nothing is written if the stream raises.
        """
        with (
            self._writing() as (index, tables),
            NewDocs(self.path.parent) as reviews,
            NewDocs(self.path.parent) as comments,
        ):
            watch = FirstScreenWatch(index)
            try:
                plan = plan_import(
                    index,
                    parsed,
                    keep_orphans=keep_orphans,
                    new_reviews=reviews,
                    new_comments=comments,
                    watch=watch,
                )
            except SpoolError as error:  # the temp file's (disk full): nothing written yet
                raise WriteFailed(
                    f"could not save to {self.path}: {error.strerror or error}; nothing was changed"
                ) from None
            new = {"reviews": reviews, "comments": comments}
            if not (reviews.spilled or comments.spilled):
                plan.reviews.update(reviews.in_memory())
                plan.comments.update(comments.in_memory())
                return self._write_plan(index, tables, plan)
            changes = {"reviews": plan.reviews, "comments": plan.comments}
            for name, docs in new.items():
                if not docs.spilled:
                    changes[name] = {**changes[name], **docs.in_memory()}
            spilled = {name: docs.fragments() for name, docs in new.items() if docs.spilled}
            # Taken before the write, which drops the index it is merged with; a nicety
            # that never stops the import (a bad stored comment, the temp file unreadable:
            # no snapshot, and the next load reports what it finds).
            try:
                screen = watch.first_screen(plan.reviews, plan.added_reviews, comments.get)
            except (UnreadableFileError, OSError):
                screen = None
            self._put_appended(tables, changes, spilled, screen)
            return plan.report()

    def _write_plan(self, index: StoreIndex, tables: Tables, plan: ImportPlan) -> ImportReport:
        """Write what ``plan`` adds or changes (if anything) and take it into the index."""
        if not plan.reviews and not plan.comments:
            return plan.report()
        # An import is a checkpoint: the file is rewritten with it, the journal folded in.
        self._put(tables, {"reviews": plan.reviews, "comments": plan.comments}, whole_file=True)
        index.put_comments(comment_from_doc(int(key), doc) for key, doc in plan.comments.items())
        index.put_reviews(plan.reviews)
        self._search = None
        return plan.report()

    def mark_seen(self, review_id: int, comment_ids: Iterable[int]) -> None:
        """Record comments as seen; also marks the review itself read."""
        with self._writing() as (index, tables):
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            ours = set(index.thread_ids.get(review_id, ()))
            unread, seen = index.reads.get(review_id, (True, frozenset()))
            new_seen = seen | (ours & set(comment_ids))
            if not unread and new_seen == seen:
                return
            self._write_reads(index, tables, {review_id: (False, new_seen)})

    def mark_seen_many(self, marks: Mapping[int, Iterable[int]]) -> dict[int, ReadState]:
        """Record what was seen in several reviews with one write; unknown reviews are skipped.

        The reader batches read marks this way: a big database costs one write per
        batch, not one per review the user glanced at. Returns the read state each
        changed review had before, for ``restore_reads`` to take the marks back.
        """
        before: dict[int, ReadState] = {}
        with self._writing() as (index, tables):
            updates: dict[int, tuple[bool, frozenset[int]]] = {}
            for review_id, comment_ids in marks.items():
                if review_id not in index.reviews:
                    continue
                ours = set(index.thread_ids.get(review_id, ()))
                unread, seen = index.reads.get(review_id, (True, frozenset()))
                new_seen = seen | (ours & set(comment_ids))
                if not unread and new_seen == seen:
                    continue
                updates[review_id] = (False, new_seen)
                before[review_id] = ReadState(unread, seen)
            self._write_reads(index, tables, updates)
        return before

    def restore_reads(self, states: Mapping[int, ReadState]) -> None:
        """Put reviews' read states back as they were (the undo of a ``mark_seen_many``),
        in one write; reviews gone since are skipped."""
        with self._writing() as (index, tables):
            updates = {
                review_id: (
                    state.unread,
                    frozenset(state.seen) & set(index.thread_ids.get(review_id, ())),
                )
                for review_id, state in states.items()
                if review_id in index.reviews
            }
            self._write_reads(index, tables, updates)

    def set_unread(self, review_id: int, unread: bool) -> None:
        """Mark a review unread or read; the seen comments are kept."""
        with self._writing() as (index, tables):
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            old_unread, seen = index.reads.get(review_id, (True, frozenset()))
            if old_unread == unread and review_id in index.reads:
                return
            self._write_reads(index, tables, {review_id: (unread, seen)})

    def _write_reads(
        self,
        index: StoreIndex,
        tables: Tables,
        updates: Mapping[int, tuple[bool, frozenset[int]]],
    ) -> None:
        """Write reviews' read states (unread, seen) in one write; the index takes them
        once the write is done. Nothing is written for no updates."""
        if not updates:
            return
        old_reads = tables.get("reads", {})
        changes = {
            str(review_id): {
                **old_reads.get(str(review_id), {}),
                "unread": unread,
                "seen": sorted(seen),
            }
            for review_id, (unread, seen) in updates.items()
        }
        self._put(tables, {"reads": changes})
        index.reads.update(updates)

    # -- internals of the replies ---------------------------------------------

    def _update_comment(self, comment_id: int, fields: dict[str, Any]) -> Comment:
        with self._writing() as (index, tables):
            old = index.comment(comment_id)
            key = index.comment_key(comment_id)
            if old is None or key is None:
                raise NotFound(f"there is no comment {comment_id}")
            if not old.local:
                raise NotYours(f"comment {comment_id} is not one of your replies")
            if all(getattr(old, name) == value for name, value in fields.items()):
                return old
            doc = {**tables["comments"][key], **fields}
            comment = comment_from_doc(comment_id, doc)
            outgoing = self._outbox_changes(index, tables, comment_id, old, comment)
            self._put(tables, {"comments": {key: doc}, **outgoing})
            self._note_comment(index, comment)
            return comment

    def _note_comment(self, index: StoreIndex, comment: Comment) -> None:
        index.put_comments([comment])
        if self._search is not None:
            self._search.update_comment(comment)
            if self._search.overlay_size > _OVERLAY_LIMIT:
                self._search = None


def _export_review(index: StoreIndex, review: Review) -> dict[str, Any]:
    comments = index.comments_of(review.id, cache=False)
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for c in comments:  # id order: a parent always comes before its replies
        nodes[c.id] = {
            "id": c.id,
            "author": c.author,
            "date": c.date,
            "body": c.body,
            "local": c.local,
            "source_id": c.source_id,
            "edited": c.edited,
            "deleted": c.deleted,
            "url": c.url,
            "replies": [],
        }
    for c in comments:
        parent = nodes.get(c.parent_id) if c.parent_id is not None else None
        (parent["replies"] if parent is not None else top).append(nodes[c.id])
    return {
        "id": review.id,
        "title": review.title,
        "date": review.date,
        "author": review.author,
        "body": review.body,
        "tags": list(review.tags),
        "film": review.film,
        "year": review.year,
        "director": review.director,
        "rating": review.rating,
        "source": review.source,
        "source_id": review.source_id,
        "url": review.url,
        "comments": top,
    }
