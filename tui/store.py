"""The database: reviews, comment threads, replies and read state in one TinyDB file.

This is the only module that opens the database. Every public method is
thread-safe (an ``RLock``) and every write is a read-modify-write under a
cross-process lock on ``<db>.lock``: catch up with the file if another process
changed it, modify, replace the file atomically (see ``tui.storage``). Reads
need no lock because the file is only ever replaced whole; each public read
does one ``stat`` so that another process's write shows up on the next read.

The data lives in memory twice: as TinyDB's tables (what gets written) and as
an index of frozen dataclasses (what gets read; see ``tui.store_index``).
"""

from __future__ import annotations

import gc
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.table import Document, Table

from tui.backups import make_backup
from tui.model import ANONYMOUS, SCHEMA_VERSION, Comment, ParsedReview, Review
from tui.storage import AtomicFileStorage, MissingFileError, Tables, UnreadableFileError
from tui.store_errors import (
    CorruptDatabase,
    NewerSchema,
    NotFound,
    NotYours,
    StoreBusy,
    StoreError,
    WriteFailed,
    database_lock,
    holding,
)
from tui.store_import import ImportReport, plan_import
from tui.store_index import StoreIndex, comment_from_doc, review_from_doc
from tui.store_search import SearchHit, SearchIndex
from tui.text import clean, one_line

__all__ = [
    "MIGRATIONS",
    "CorruptDatabase",
    "ImportReport",
    "NewerSchema",
    "NotFound",
    "NotYours",
    "ReadState",
    "SearchHit",
    "Store",
    "StoreBusy",
    "StoreError",
    "WriteFailed",
]

MIGRATIONS: dict[int, Callable[[Tables], None]] = {}
"""Schema version N -> a function upgrading the tables in place from N to N + 1."""

_OVERLAY_LIMIT = 200  # new replies searched one by one before the search text is rebuilt


@dataclass(frozen=True)
class ReadState:
    """What the user has read of one review."""

    unread: bool
    """The review itself is unread."""
    seen: frozenset[int]
    """Comment ids seen."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Store:
    """Reviews, comments, replies and read state, kept in one crash-safe JSON file."""

    def __init__(
        self,
        path: Path,
        *,
        seed: Callable[[], Sequence[ParsedReview]] | None = None,
        lock_timeout: float = 5.0,
    ) -> None:
        """Open ``path``, creating it (from ``seed()`` if given) when it does not exist.

        Raises ``CorruptDatabase`` or ``NewerSchema`` when the file is unusable.
        """
        self.path = Path(path)
        self.generation = 0
        """Bumps on every change of the in-memory data (a reload or a write)."""
        self._rlock = threading.RLock()
        self._flock = database_lock(self.path, lock_timeout)
        self._index: StoreIndex | None = None
        self._search: SearchIndex | None = None
        self._loads = -1
        self._backed_up = False
        self._meta_missing = False
        self._closed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = TinyDB(self.path, storage=AtomicFileStorage)
        self._storage = cast(AtomicFileStorage, self._db.storage)
        if not self.path.exists():
            self._create(seed)
        with self._rlock:
            self._sync()

    # -- loading --------------------------------------------------------------

    def _create(self, seed: Callable[[], Sequence[ParsedReview]] | None) -> None:
        with holding(self._flock, self.path):
            if self.path.exists():
                return  # another process created it while we waited
            tables: Tables = {
                "meta": {"1": {"schema_version": SCHEMA_VERSION}},
                "reviews": {},
                "comments": {},
                "reads": {},
            }
            if seed is not None:
                plan = plan_import(StoreIndex(tables), seed())
                tables["reviews"].update(plan.reviews)
                tables["comments"].update(plan.comments)
            self._save(tables)

    def _tables(self) -> Tables:
        tables = self._storage.read()
        assert tables is not None  # the storage only answers None while creating
        return tables

    def _sync(self) -> bool:
        """Catch up with the file if it changed (one stat when it did not)."""
        if self._closed:
            raise StoreError(f"the store of {self.path} is closed")
        if self._index is not None and not self._storage.changed():
            return False
        # Parsing tens of megabytes allocates millions of objects, and allocation
        # bursts trigger full collections that find nothing (JSON has no cycles).
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load()
        finally:
            if was_enabled:
                gc.enable()
            # Once frozen, the loaded objects are no longer walked by every full
            # collection (pauses in the UI). Reference counting still frees them when a
            # reload drops them, as parsed JSON has no reference cycles; the collection
            # first keeps any garbage cycle lying around from being frozen for good.
            gc.collect()
            gc.freeze()

    def _load(self) -> bool:
        try:
            tables = self._tables()
        except UnreadableFileError as error:
            self._index = None
            raise self._corrupt(str(error)) from None
        except MissingFileError:
            self._index = None
            raise StoreError(
                f"{self.path} has disappeared; run `reviews restore` to list backups"
            ) from None
        tables = self._upgrade(tables)
        try:
            self._index = StoreIndex(tables)
        except UnreadableFileError as error:
            self._index = None
            self._storage.invalidate()
            raise self._corrupt(str(error)) from None
        self._loads = self._storage.loads
        self._search = None
        self.generation += 1
        return True

    def _version(self, tables: Tables) -> int:
        meta = tables.get("meta", {}).get("1")
        self._meta_missing = meta is None
        version = 1 if meta is None else meta.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self._storage.invalidate()
            raise self._corrupt(f"the schema version {version!r} is not a version")
        if version > SCHEMA_VERSION:
            self._storage.invalidate()
            raise NewerSchema(
                f"{self.path} was written by a newer version of reviews (schema {version}, "
                f"this version reads up to {SCHEMA_VERSION}); it was not changed"
            )
        return version

    def _upgrade(self, tables: Tables) -> Tables:
        """Check the schema version; migrate an older file (and write it) at once."""
        if self._version(tables) == SCHEMA_VERSION:
            return tables
        # Upgraded in memory, then written at once (with a backup first), so memory
        # and disk agree again before anything else reads the tables.
        try:
            with holding(self._flock, self.path):
                tables = self._tables()  # another process may have upgraded it meanwhile
                version = self._version(tables)
                if version < SCHEMA_VERSION:
                    self._backup_once()
                    for step in range(version, SCHEMA_VERSION):
                        MIGRATIONS[step](tables)
                    tables["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
                    self._save(tables)
                    self._meta_missing = False
        except BaseException:
            self._storage.invalidate()
            raise
        return tables

    def _corrupt(self, reason: str) -> CorruptDatabase:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        copy = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            if not copy.exists():
                shutil.copyfile(self.path, copy)
            kept = f"a copy was saved as {copy}"
        except OSError as error:
            kept = f"no copy could be saved ({error.strerror})"
        return CorruptDatabase(
            f"{self.path} is unreadable: {reason}; {kept}; the file was not changed; "
            "run `reviews restore` to list backups"
        )

    # -- writing --------------------------------------------------------------

    def _save(self, tables: Tables) -> None:
        """Write all the tables at once (the import path: one write, many tables)."""
        self._commit(lambda: self._storage.write(tables))

    def _commit(self, write: Callable[[], object]) -> None:
        """Run the one write of an operation; an error of the disk becomes ``WriteFailed``."""
        if self._meta_missing:
            # Added only now, so that it reaches the disk with a real change or not at all.
            self._tables()["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
        try:
            write()
        except (OSError, TypeError) as error:
            # TypeError: orjson refused the data, before anything reached the disk.
            reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
            raise WriteFailed(
                f"could not save to {self.path}: {reason}; nothing was changed"
            ) from None
        self._meta_missing = False
        self.generation += 1

    def _backup_once(self) -> None:
        if self._backed_up:
            return
        try:
            make_backup(self.path)
        except OSError as error:
            raise WriteFailed(
                f"could not save to {self.path}: the backup before the first change failed "
                f"({error.strerror or error}); nothing was changed"
            ) from None
        self._backed_up = True

    @contextmanager
    def _writing(self) -> Iterator[tuple[StoreIndex, Tables]]:
        """Lock, catch up with the file, back up once; on failure fall back to the disk."""
        with self._rlock, holding(self._flock, self.path):
            self._sync()
            for table in self._db._tables.values():
                # TinyDB caches query results and the next free id per Table instance;
                # another process may have written since, so both are stale.
                table.clear_cache()
                table._next_id = None
            self._backup_once()
            assert self._index is not None
            tables = self._tables()
            try:
                yield self._index, tables
            except BaseException:
                # TinyDB and the index may hold half a change: drop both, re-read the disk.
                self._storage.invalidate()
                self._index = None
                self._search = None
                with suppress(StoreError):
                    self._sync()
                raise

    def _table(self, name: str) -> Table:
        return self._db.table(name)

    def _update_comment(self, comment_id: int, fields: dict[str, Any]) -> Comment:
        with self._writing() as (index, _tables):
            old = index.comments.get(comment_id)
            if old is None:
                raise NotFound(f"there is no comment {comment_id}")
            if not old.local:
                raise NotYours(f"comment {comment_id} is not one of your replies")
            if all(getattr(old, key) == value for key, value in fields.items()):
                return old
            self._commit(lambda: self._table("comments").update(fields, doc_ids=[comment_id]))
            doc = self._tables()["comments"][str(comment_id)]
            comment = comment_from_doc(comment_id, doc)
            self._note_comment(index, comment)
            return comment

    def _note_comment(self, index: StoreIndex, comment: Comment) -> None:
        index.put_comment(comment)
        if self._search is not None:
            self._search.update_comment(comment)
            if self._search.overlay_size > _OVERLAY_LIMIT:
                self._search = None

    # -- public API: reading --------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[StoreIndex]:
        with self._rlock:
            self._sync()
            assert self._index is not None
            yield self._index

    def close(self) -> None:
        """Forget the data and release the file; the store cannot be used afterwards."""
        with self._rlock:
            if not self._closed:
                self._closed = True
                self._index = None
                self._search = None
                self._db.close()

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if the data changed."""
        with self._rlock:
            return self._sync()

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
            return list(index.by_review.get(review_id, ()))

    def comment(self, comment_id: int) -> Comment:
        """One comment; ``NotFound`` if there is none with that id."""
        with self._reading() as index:
            try:
                return index.comments[comment_id]
            except KeyError:
                raise NotFound(f"there is no comment {comment_id}") from None

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

    # -- public API: writing --------------------------------------------------

    def add_reply(self, review_id: int, parent_id: int | None, author: str, body: str) -> Comment:
        """Save the user's reply to a review or a comment; it is on disk when this returns."""
        body = clean(body)
        if not body.strip():
            raise StoreError("an empty reply was not saved")
        author = one_line(author) or ANONYMOUS
        with self._writing() as (index, _tables):
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            if parent_id is not None:
                parent = index.comments.get(parent_id)
                if parent is None or parent.review_id != review_id:
                    raise NotFound(f"review {review_id} has no comment {parent_id}")
            comment_id = index.max_comment_id + 1
            doc = {
                "review_id": review_id,
                "parent_id": parent_id,
                "author": author,
                "date": _now(),
                "body": body,
                "local": True,
                "source_id": f"local:{uuid.uuid4().hex}",
                "edited": None,
                "deleted": None,
            }
            table = self._table("comments")
            self._commit(lambda: table.insert(Document(doc, doc_id=comment_id)))
            comment = comment_from_doc(comment_id, doc)
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
    ) -> ImportReport:
        """Merge imported reviews and comments: all of it or none of it, in one write."""
        with self._writing() as (index, tables):
            plan = plan_import(index, parsed, progress)
            if not plan.reviews and not plan.comments:
                return plan.report()
            tables.setdefault("reviews", {}).update(plan.reviews)
            tables.setdefault("comments", {}).update(plan.comments)
            self._save(tables)
            for key, doc in plan.comments.items():
                index.put_comment(comment_from_doc(int(key), doc))
            for key, doc in plan.reviews.items():
                index.put_review(review_from_doc(int(key), doc))
            self._search = None
            return plan.report()

    def mark_seen(self, review_id: int, comment_ids: Iterable[int]) -> None:
        """Record comments as seen; also marks the review itself read."""
        with self._writing() as (index, _tables):
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            ours = {c.id for c in index.by_review.get(review_id, ())}
            unread, seen = index.reads.get(review_id, (True, frozenset()))
            new_seen = seen | (ours & set(comment_ids))
            if not unread and new_seen == seen:
                return
            self._set_read(index, review_id, False, new_seen)

    def set_unread(self, review_id: int, unread: bool) -> None:
        """Mark a review unread or read; the seen comments are kept."""
        with self._writing() as (index, _tables):
            if review_id not in index.reviews:
                raise NotFound(f"there is no review {review_id}")
            old_unread, seen = index.reads.get(review_id, (True, frozenset()))
            if old_unread == unread and review_id in index.reads:
                return
            self._set_read(index, review_id, unread, seen)

    def _set_read(
        self, index: StoreIndex, review_id: int, unread: bool, seen: frozenset[int]
    ) -> None:
        doc = {"unread": unread, "seen": sorted(seen)}
        table = self._table("reads")
        # Not upsert: for a new row TinyDB's upsert writes twice (an empty update, an insert).
        if review_id in index.reads:
            self._commit(lambda: table.update(doc, doc_ids=[review_id]))
        else:
            self._commit(lambda: table.insert(Document(doc, doc_id=review_id)))
        index.reads[review_id] = (unread, seen)


def _export_review(index: StoreIndex, review: Review) -> dict[str, Any]:
    comments = index.by_review.get(review.id, [])
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
        "comments": top,
    }
