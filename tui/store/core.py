"""How the store holds the database file: loading, locking, backing up, writing.

``StoreCore`` is the machinery under ``tui.store.Store``: it keeps TinyDB's
tables (what gets written) and the index (what gets read) in step with the
file. Reads need no lock because the file is only ever replaced whole and the
journal only appended to (a record cut short is not read); each read does one
``stat`` of each, so another process's write shows up on the next read.
Each write runs inside ``_writing``: the thread lock, the cross-process lock
on ``<db>.lock``, catching up with the file, the session's backup; and if the
write fails after the tables were touched, a fall back to what is on disk.

A write changes the cached documents in place and hands them to the storage:
a few documents are appended to the journal (one record, one fsync), many (an
import) or a checkpoint are one serialisation and one atomic replace of the
file, which empties the journal. Another process's appended records are taken
in from the journal's tail and patched into the index. TinyDB's ``Table``
methods are not used for it, as each of them rebuilds the whole table (every
key to int and back) before writing, which costs more than the write on a big
file. The index is then patched, never rebuilt, after the store's own write.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB

from tui.model import SCHEMA_VERSION, ParsedReview
from tui.store.backups import backup_journal, make_backup, prune_backups
from tui.store.check import find_problems
from tui.store.errors import (
    CorruptDatabase,
    InconsistentDatabase,
    NewerSchema,
    ReadOnlyDatabase,
    StoreError,
    WriteFailed,
    database_lock,
    holding,
)
from tui.store.files import private_dir, real_database_path, set_aside, writable
from tui.store.first_screen import (
    FirstScreen,
    first_screen_path,
    refresh_first_screen,
    save_first_screen,
    save_screen,
)
from tui.store.heap import collections_held
from tui.store.ids import Stamp, load_ids, read_stamp, save_ids, stamp_for
from tui.store.index import StoreIndex, comment_from_doc, read_from_doc
from tui.store.journal import FOLD_BYTES, MAX_RECORD_DOCS
from tui.store.merge import plan_import
from tui.store.search import SearchIndex
from tui.store.storage import (
    AtomicFileStorage,
    Fragments,
    MissingFileError,
    Signature,
    Tables,
    UnreadableFileError,
    release,
    remove_stale_temps,
    signature,
)

IDS_TAIL_LIMIT = 1024 * 1024
"""Journal bytes past the index of ids after which a full open writes it afresh."""

MIGRATIONS: dict[int, Callable[[Tables], None]] = {}
"""Schema version N -> a function upgrading the tables in place from N to N + 1."""


class StoreCore:
    """The database file held in memory, kept in step with the disk (see the module doc)."""

    def __init__(
        self,
        path: Path,
        *,
        seed: Callable[[], Sequence[ParsedReview]] | None = None,
        lock_timeout: float = 5.0,
        keep_small: bool = False,
    ) -> None:
        """Open ``path``, creating it (from ``seed()`` if given) when it does not exist.

        ``keep_small``: hold the documents in less memory (long bodies packed,
        key-sharing dicts), for a process that keeps the store open (the reader);
        it makes a whole load ~45 % slower, so a one-off command leaves it off.

        Raises ``CorruptDatabase`` or ``NewerSchema`` when the file is unusable.
        """
        try:
            self.path = real_database_path(Path(path))
        except OSError as error:
            raise StoreError(error.strerror or str(error)) from None
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a database file")
        self.generation = 0
        """Bumps on every change of the in-memory data (a reload or a write)."""
        self._rlock = threading.RLock()
        self._flock = database_lock(self.path, lock_timeout)
        self._index: StoreIndex | None = None
        self._search: SearchIndex | None = None
        self._loads = -1
        self._backup: Path | None = None
        self._backed_up = False
        self._touched = False
        self._meta_missing = False
        self._closed = False
        self._set_aside: tuple[Signature, Path] | None = None
        try:
            private_dir(self.path.parent)
        except OSError as error:
            raise StoreError(
                f"could not create the folder of {self.path}: {error.strerror or error}"
            ) from None
        self._db = TinyDB(self.path, storage=AtomicFileStorage, compact=keep_small)
        self._storage = cast(AtomicFileStorage, self._db.storage)
        remove_stale_temps(first_screen_path(self.path))  # of a writer killed mid-snapshot
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
                plan = plan_import(StoreIndex(tables, compact=self._storage.compact), seed())
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
        # ``loads`` catches a re-parse that happened behind the index's back (a TinyDB
        # read that found the file changed): the index must then be rebuilt too.
        current = self._index is not None and self._loads == self._storage.loads
        if current and not self._storage.changed():
            if not self._storage.journal_grew():
                return False
            caught_up = self._catch_up()
            if caught_up is not None:
                return caught_up
        # The old version goes before the new one is parsed: the two never sit in
        # memory together, and the collection below does not walk the old one.
        self._index = None
        self._search = None
        release(self._storage.forget())
        with _loading_heap():
            return self._load()

    def _catch_up(self) -> bool | None:
        """Take in the journal records another process appended: the tables and the
        index are patched, as after a write of ours. None when the file must be read."""
        index = self._index
        assert index is not None
        records = self._storage.catch_up()
        if records is None:
            return None
        try:
            for changes in records:
                self._take_in(index, changes)
        except UnreadableFileError:
            return None  # a bad document: the whole load names it properly
        self._loads = self._storage.loads
        if not records:
            return False
        self.generation += 1
        return True

    def _take_in(self, index: StoreIndex, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Patch the index with one record's documents (already in the tables)."""
        reviews = changes.get("reviews")
        if reviews:
            index.put_reviews(dict(reviews))
            self._search = None
        comments = changes.get("comments")
        if comments:
            built = [comment_from_doc(int(key), doc) for key, doc in comments.items()]
            index.put_comments(built)
            if self._search is not None:
                for comment in built:
                    self._search.update_comment(comment)
        for key, doc in (changes.get("reads") or {}).items():
            index.reads[int(key)] = read_from_doc(int(key), doc)

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
        problems = find_problems(tables)
        if problems:
            self._index = None
            self._storage.invalidate()
            broken = [p for p in problems if not p.repairable]
            if broken:  # nothing but a backup can fix it: set aside, as an unreadable file
                raise self._corrupt(broken[0].text)
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise InconsistentDatabase(
                f"{self.path} is inconsistent: {problems[0].text}{more}; the file was not "
                "changed; run `reviews check` to list the problems, `reviews check --repair` "
                "to fix them"
            )
        try:
            self._index = StoreIndex(tables, compact=self._storage.compact)
        except UnreadableFileError as error:
            self._index = None
            self._storage.invalidate()
            raise self._corrupt(str(error)) from None
        self._loads = self._storage.loads
        self._search = None
        self.generation += 1
        self._keep_ids(tail_limit=IDS_TAIL_LIMIT)
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
                    self._refuse_read_only()
                    self._backup_once()
                    for step in range(version, SCHEMA_VERSION):
                        MIGRATIONS[step](tables)
                    tables["meta"] = {"1": {"schema_version": SCHEMA_VERSION}}
                    self._save(tables)
                    self._backup_kept()
                    self._meta_missing = False
        except BaseException:
            self._storage.invalidate()
            raise
        return tables

    def _corrupt(self, reason: str) -> CorruptDatabase:
        try:
            current = signature(self.path.stat())
            if self._set_aside is not None and self._set_aside[0] == current:
                copy: Path | None = self._set_aside[1]  # found bad again: the copy is made
            elif not _json_at_all(self.path):
                # --db aimed at some other file (a text, /etc/passwd): nothing of ours to
                # keep, and a copy beside it would litter the user's (or the system's) folder.
                copy = None
            else:
                copy = set_aside(self.path)  # one copy per distinct content, its mode kept
                self._set_aside = (current, copy)
            kept = (
                f"a copy was saved as {copy}"
                if copy is not None
                else "it is not a reviews database, so no copy was made"
            )
        except OSError as error:
            kept = f"no copy could be saved ({error.strerror or error})"
        return CorruptDatabase(
            f"{self.path} is unreadable: {reason}; {kept}; the file was not changed; "
            "run `reviews restore` to list backups"
        )

    @property
    def read_only(self) -> bool:
        """Whether the user has made the database file read-only (then nothing is written)."""
        return not writable(self.path)

    def _refuse_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabase(
                f"{self.path} is read-only; it was not changed "
                "(make it writable with chmod u+w to save changes)"
            )

    # -- writing --------------------------------------------------------------

    def _save(self, tables: Tables) -> None:
        """Write all the tables at once (creating and migrating the file)."""
        self._commit(lambda: self._storage.write(tables))

    def _put(
        self,
        tables: Tables,
        changes: dict[str, dict[str, dict[str, Any]]],
        *,
        whole_file: bool = False,
    ) -> None:
        """Put documents (table name -> key -> document) into the tables; one write.

        The documents replace whole ones: a change of some fields passes the old
        document merged with the new fields, as a new dict. A few documents are
        appended to the journal; many (or ``whole_file``: an import) rewrite the
        file, folding the journal in.
        """
        storage = self._storage
        small = (
            not whole_file
            and not self._meta_missing  # added by the write: only a whole one carries it
            and storage.can_append
            and storage.journal_bytes < FOLD_BYTES
            and sum(map(len, changes.values())) <= MAX_RECORD_DOCS
        )

        def write() -> None:
            for name, docs in changes.items():
                tables.setdefault(name, {}).update(docs)
            if small:
                storage.append(changes)
            else:
                storage.write(tables)

        # Read marks are not worth a backup: browsing must not rotate away the one
        # taken before an import. Reviews and comments are.
        if any(name != "reads" for name in changes):
            self._backup_once()
        self._commit(write)
        self._backup_kept()

    def _put_appended(
        self,
        tables: Tables,
        changes: dict[str, dict[str, dict[str, Any]]],
        appended: Mapping[str, Fragments],
        screen: FirstScreen | None,
    ) -> None:
        """``_put`` plus documents already encoded (a big import's, from ``NewDocs``).

        They never enter the cached tables: the cache and the index are dropped
        after the write, and the next read loads the file. ``screen`` is the
        first screen of the file written, taken as the documents streamed past
        (``FirstScreenWatch``); None leaves no snapshot (the reader writes one
        after its first load).
        """

        def write() -> None:
            for name, docs in changes.items():
                tables.setdefault(name, {}).update(docs)
            sig = self._storage.write_appended(tables, appended)
            self._index = None
            self._search = None
            save_screen(self.path, screen, (*sig, 0))  # the journal was just emptied

        self._backup_once()
        self._commit(write)
        self._backup_kept()

    def _commit(self, write: Callable[[], object]) -> None:
        """Run the one write of an operation; an error of the disk becomes ``WriteFailed``.

        From here on the cached tables may be changed, so a failure rolls back to disk.
        """
        self._touched = True
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
        """Copy the file aside before the session's first change of reviews or comments.

        The copy is taken without rotating the old ones away: only once the
        write has succeeded (``_backup_kept``) is the oldest dropped, and a
        write that fails removes its copy again, so a failing command leaves
        the backups as they were.
        """
        if self._backed_up:
            return
        try:
            self._backup = make_backup(self.path, keep=None)
        except OSError as error:
            raise WriteFailed(
                f"could not save to {self.path}: the backup before the first change failed "
                f"({error.strerror or error}); nothing was changed"
            ) from None
        self._backed_up = True

    def _backup_kept(self) -> None:
        """The write after the backup succeeded: keep it, and only the newest few."""
        if self._backup is not None:
            self._backup = None
            with suppress(OSError):
                prune_backups(self.path)

    def _backup_dropped(self) -> None:
        """The write after the backup failed: take the backup back, as if never made."""
        if self._backup is not None:
            with suppress(OSError):
                self._backup.unlink()
            with suppress(OSError):
                backup_journal(self._backup).unlink()
            self._backup = None
            self._backed_up = False

    @contextmanager
    def _writing(self) -> Iterator[tuple[StoreIndex, Tables]]:
        """Lock, catch up with the file, back up once; on failure fall back to the disk."""
        with self._rlock, holding(self._flock, self.path):
            self._sync()
            self._refuse_read_only()
            assert self._index is not None
            tables = self._tables()
            self._touched = False
            try:
                yield self._index, tables
            except BaseException as error:
                self._backup_dropped()
                if self._touched:
                    # The tables and the index may hold half a change: drop both, re-read.
                    self._storage.invalidate()
                    self._index = None
                    self._search = None
                    with suppress(StoreError):
                        self._sync()
                # Else it was refused before anything changed: memory still equals disk.
                if isinstance(error, UnreadableFileError):
                    raise self._corrupt(str(error)) from None
                raise
            else:
                if self._touched:
                    self._save_first_screen()
                    self._keep_ids()

    def _save_first_screen(self) -> None:
        """The first screen as of the file just written, beside it (best effort, never raises)."""
        identity = self._storage.identity
        if self._index is not None and identity is not None:
            save_first_screen(self.path, self._index, identity)

    def _keep_ids(self, *, tail_limit: int | None = None) -> None:
        """Write the index of ids (``tui.store.ids``) if the one beside the file is of
        another file version, or (``tail_limit``) leaves more journal than that to read.

        After a full open (checked by ``find_problems``) or the store's own whole-file
        write, so the index always describes a checked file. Not after a journal
        append: the point write reads the records past the index, and writing a
        million ids with every save would hold up the reader. Best effort (never
        raises); nothing is written beside a read-only database or one whose
        ``meta`` document is still to be written.
        """
        identity = self._storage.identity
        if self._index is None or identity is None or self._meta_missing or self.read_only:
            return
        try:
            stamp = stamp_for(self.path, identity, self._storage.checkpoint)
        except OSError:
            return
        if stamp is None:
            return  # the file is another version by now: its next open writes the index
        # After a load the whole index is read (its CRC checked); after a write, its stamp.
        found = read_stamp(self.path) if tail_limit is None else _stamp_of_whole(self.path)
        if found is not None and found.database == stamp.database and found.mark == stamp.mark:
            near = tail_limit is None or stamp.journal - found.journal <= tail_limit
            if found.checkpoint == stamp.checkpoint and near:
                return
        reviews = {review_id: r.source_id for review_id, r in self._index.reviews.items()}
        with suppress(OSError):
            save_ids(self.path, reviews, self._tables(), stamp)

    def keep_first_screen(self) -> None:
        """Write the first-screen snapshot if the one beside the file is missing or stale.

        For a file written by another program (or before snapshots existed), so the
        next start is quick; nothing is written to a read-only database's folder.
        """
        with self._reading() as index:
            identity = self._storage.identity
            if identity is not None and not self.read_only:
                refresh_first_screen(self.path, index, identity)

    # -- reading --------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[StoreIndex]:
        with self._rlock:
            self._sync()
            assert self._index is not None
            try:
                yield self._index
            except UnreadableFileError as error:
                # A comment document is checked when it is first built, after loading.
                raise self._corrupt(str(error)) from None

    def close(self) -> None:
        """Forget the data and release the file; the store cannot be used afterwards."""
        with self._rlock:
            if not self._closed:
                self._closed = True
                self._index = None
                self._search = None
                self._db.close()

    def checkpoint(self, *, past: int = 0) -> bool:
        """Fold the journal into the database file if it holds more than ``past`` bytes.

        The file is rewritten whole (plain TinyDB JSON again) and the journal
        emptied; True if that happened. Nothing is done to a read-only database.
        Slow on a big file: the reader calls it from a worker when it quits.
        """
        with self._rlock:
            if self.read_only or self._storage.journal_bytes <= past:
                return False  # decided from memory: quitting never waits for the lock for this
            with self._writing() as (_index, tables):
                if self._storage.journal_bytes <= past:
                    return False
                self._commit(lambda: self._storage.write(tables))
                return True

    @property
    def journal_bytes(self) -> int:
        """How big the journal of small changes is (what a checkpoint would fold)."""
        return self._storage.journal_bytes

    @property
    def file_loads(self) -> int:
        """How many times the data was read from disk: the first load, then once for
        each change by another process taken in (the file read again, or the records
        it appended to the journal). Our own writes leave it as it is, so a reader
        that compares it shows another program's change, never its own write."""
        return self._storage.loads

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if the data changed."""
        with self._rlock:
            return self._sync()


def _stamp_of_whole(db_path: Path) -> Stamp | None:
    """The stamp of the index of ids beside ``db_path`` if the whole index is sound."""
    ids = load_ids(db_path)
    return None if ids is None else ids.stamp


@contextmanager
def _loading_heap() -> Iterator[None]:
    """Around a (re)load: collect first, no collections during it, freeze what is alive after.

    Parsing tens of megabytes allocates millions of objects, and allocation
    bursts trigger full collections that find nothing (JSON has no cycles):
    the collector is off meanwhile. Frozen afterwards, the loaded data is left
    out of every later collection, so the full collections that allocation
    triggers in the UI no longer walk it (pauses of tens of milliseconds on a
    big file). Freezing keeps nothing alive: reference counting frees the old
    data when a reload drops it, as parsed JSON and the index hold no reference
    cycles.

    The collection runs before the load, once the old data is gone, so that
    nothing already garbage is frozen; it walks only what was not frozen yet.
    A reload does not unfreeze first: that collection would walk the whole
    heap and hold the GIL for ~60 ms (keys wait meanwhile) to find, at most,
    the cycles that became garbage after an earlier freeze (a closed screen's
    widgets), which stay frozen instead: a little memory per reload, and a
    reload happens only when another process wrote the file.

    The hold on collection is counted with the start's (``tui.store.heap``): the load
    runs in a thread, and the reader's first frame may give collections back
    (``tui.idle_gc.release_after_start``) at any moment of it; each putting back the
    state it had seen once left the whole session with no automatic collection.
    """
    gc.collect()
    with collections_held():  # counted with the start's hold (``tui.store.heap``)
        try:
            yield
        finally:
            gc.freeze()


def _json_at_all(path: Path) -> bool:
    """Whether ``path`` starts as JSON does (``{`` or ``[`` first, or nothing at all): a
    damaged database is kept aside, another kind of file is not."""
    with path.open("rb") as file:
        start = file.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    return not start or start[:1] in (b"{", b"[")
