"""``reviews reply`` without opening the database: a point write checked by the index of ids.

Opening a 554 MB database to add one reply costs 8 s (parse, consistency
check, index); the append itself costs milliseconds. Here the command checks
the review and the parent comment, and takes the next comment id, from
``<db>.ids`` (``tui.store.ids``) and the journal records appended since that
index was written, then appends the same record ``Store.add_reply`` would. All
of it happens under the database's cross-process lock, the one every writer
holds for its whole read-modify-write, so no other writer's record or
checkpoint can come between the look and the append: two replies at once get
two ids, one after the other.

The index is used only when it names the file exactly as it is (signature,
checkpoint number in the file's first line, schema), the journal past it holds
only good records it can follow, and the journal is below the size at which a
write folds it. Then the file is the one a full open checked, plus records
the store's own catch-up would take in the same way; any other case answers
``None`` and the caller opens the database whole (``Store``), which is always
right and writes a fresh index. Errors are the store's own: ``NotFound``
("there is no review 123"), ``ReadOnlyDatabase``, ``StoreBusy``, ``WriteFailed``;
nothing is written when one is raised.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from tui.model import ANONYMOUS, Comment
from tui.store.backups import backup_journal, make_backup, prune_backups
from tui.store.errors import (
    NotFound,
    ReadOnlyDatabase,
    StoreError,
    WriteFailed,
    database_lock,
    holding,
)
from tui.store.files import real_database_path, writable
from tui.store.first_screen import patch_first_screen
from tui.store.ids import IdIndex, file_mark, ids_path, load_ids
from tui.store.index import comment_from_doc, local_reply_doc
from tui.store.journal import (
    FOLD_BYTES,
    Changes,
    GarbledJournalError,
    append_record,
    header_applies,
    journal_path,
    read_journal,
    read_records,
)
from tui.store.reply_targets import local_reason, reply_author, reply_note, target_in
from tui.store.storage import Identity
from tui.text import clean, one_line


@dataclass(frozen=True)
class PointReply:
    """A reply saved by the point write, and what happens to it next."""

    comment: Comment
    note: str
    """Queued for the blog, or why it stays local (``reply_targets.reply_note``)."""


@dataclass(frozen=True)
class _Tail:
    """Where the journal stands: its records past the index, and where the next goes."""

    records: list[Changes]
    end: int
    checkpoint: int
    file_size: int
    identity: Identity
    """The database's identity before our append (for the first-screen snapshot)."""


def add_reply_at_once(
    db_path: Path,
    review_id: int,
    parent_id: int | None,
    author: str,
    body: str,
    *,
    lock_timeout: float = 5.0,
) -> PointReply | None:
    """Save a reply by a point write; ``None`` when the database must be opened instead.

    Same checks, same document, same record and same errors as ``Store.add_reply``
    followed by ``reply_note``; the session's backup is taken as the store takes it.
    """
    body = clean(body)
    if not body.strip():
        raise StoreError("an empty reply was not saved")
    author = one_line(author) or ANONYMOUS
    try:
        path = real_database_path(Path(db_path))
        if not path.is_file() or not ids_path(path).is_file():
            return None  # no index yet: the open writes one
    except OSError:
        return None  # the store names the problem
    with holding(database_lock(path, lock_timeout), path):
        ids = load_ids(path)
        tail = _journal_tail(path, ids) if ids is not None else None
        if ids is None or tail is None or not all(map(ids.take_in, tail.records)):
            return None
        if not writable(path):
            raise ReadOnlyDatabase(
                f"{path} is read-only; it was not changed "
                "(make it writable with chmod u+w to save changes)"
            )
        source_id = ids.review_source(review_id)
        if source_id is None:
            raise NotFound(f"there is no review {review_id}")
        if parent_id is not None and ids.comment_review(parent_id) != review_id:
            raise NotFound(f"review {review_id} has no comment {parent_id}")
        comment_id = ids.max_comment_id + 1
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        target = target_in(ids.sources, source_id)
        author = reply_author(target, author)  # as Store.add_reply stores it
        doc = local_reply_doc(review_id, parent_id, author, body, stamp)
        comment = comment_from_doc(comment_id, doc)
        changes: Changes = {"comments": {str(comment_id): doc}}
        if target is not None:  # queued for the blog in the same record, as the store does
            entry = {
                "op": "reply",
                "comment_id": comment_id,
                "source_id": target.source_id,
                "content": comment.body,
                "state": "queued",
                "created": stamp,
                "updated": stamp,
            }
            changes["outbox"] = {str(ids.max_outbox_id + 1): entry}
        end = _append(path, tail, changes)
        patch_first_screen(path, tail.identity, (*tail.identity[:3], end), comment)
        return PointReply(comment, reply_note(target, local_reason(ids.sources, source_id)))


def _journal_tail(path: Path, ids: IdIndex) -> _Tail | None:
    """The journal records past the index's stamp, if the index names the file as it is."""
    try:
        sig, mark = file_mark(path)
        if sig != ids.stamp.database or mark != ids.stamp.mark:
            return None
        checkpoint = _file_checkpoint(path)
        if checkpoint is not None and checkpoint != ids.stamp.checkpoint:
            return None
        journal = journal_path(path)
        start = ids.stamp.journal
        if start == 0:
            # Nothing of the journal was in memory: it is read whole, as an open reads it.
            replay = read_journal(journal, ids.stamp.checkpoint, sig[1])
            records, end, size = replay.records, replay.end, replay.size
        else:
            with journal.open("rb") as stream:
                if os.fstat(stream.fileno()).st_size < start:
                    return None  # cut back below the index: not by an append
                head = orjson.loads(stream.readline(200))
                stream.seek(start)
                raw = stream.read()
            if not header_applies(head, ids.stamp.checkpoint, sig[1]):
                return None
            records, used = read_records(raw, 0, where=str(journal))
            end, size = start + used, start + len(raw)
    except (OSError, GarbledJournalError, orjson.JSONDecodeError, AttributeError):
        return None  # the open reports what is wrong, or reads it as it is
    if end >= FOLD_BYTES:
        return None  # past the size a write folds it: the store writes a checkpoint
    identity = (*sig, size)
    return _Tail(records, end, ids.stamp.checkpoint, sig[1], identity)


def _file_checkpoint(path: Path) -> int | None:
    """The checkpoint number in the database's first line of documents (the ``meta``
    table, written first by the store); None when the file is not in that layout
    (written by stock TinyDB, say: then the signature and mark alone name it)."""
    with path.open("rb") as stream:
        if stream.readline(16) != b"{\n" or stream.readline(16) != b'"meta":{\n':
            return None
        line = stream.readline(4096)
    try:
        docs = orjson.loads(b"{" + line.rstrip(b"\n") + b"}")
    except orjson.JSONDecodeError:
        return None
    meta = docs.get("1") if isinstance(docs, dict) else None
    number = meta.get("checkpoint", 0) if isinstance(meta, dict) else None
    return number if type(number) is int and number >= 0 else None


def _append(path: Path, tail: _Tail, changes: Changes) -> int:
    """Back up (the session's first change), append the record durably; the new end.

    A failure takes the backup back and raises ``WriteFailed``: nothing was changed.
    """
    try:
        backup = make_backup(path, keep=None)
    except OSError as error:
        raise WriteFailed(
            f"could not save to {path}: the backup before the first change failed "
            f"({error.strerror or error}); nothing was changed"
        ) from None
    try:
        end = append_record(journal_path(path), tail.checkpoint, tail.file_size, tail.end, changes)
    except OSError as error:
        if backup is not None:
            with suppress(OSError):
                backup.unlink()
            with suppress(OSError):
                backup_journal(backup).unlink()
        raise WriteFailed(
            f"could not save to {path}: {error.strerror or error}; nothing was changed"
        ) from None
    with suppress(OSError):
        prune_backups(path)
    return end
