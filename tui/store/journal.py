"""The journal beside the database: small changes appended, replayed over the JSON file.

Rewriting the whole database for one reply costs the whole file (half a second
per hundred megabytes, and an ``fsync`` of all of it). Small changes are
appended instead to ``<db>.journal``, one line each, and ``fsync``ed; the JSON
file is rewritten only at a checkpoint, which folds the journal in (as
SQLite's write-ahead log is folded into the database).

The layout::

    {"journal":1,"checkpoint":7}
    1a2b3c4d {"comments":{"1201":{...}},"outbox":{"3":{...}}}
    ...

The first line names the checkpoint of the JSON file the records apply to
(and its size, for a file that has no checkpoint number yet):
every whole-file write stores a new number in the file's ``meta`` document and
only then empties the journal, so a crash between the two leaves a journal
that names an older checkpoint, and it is ignored: a record is never applied
to a file that already holds it, nor to another file. Each record is a
CRC-32 (eight hex digits), a space, and one JSON object, table name ->
document id -> the whole new document; replaying a record twice changes
nothing. A record cut short (a writer killed mid-append) is the last line and
is ignored, then cut off by the next write; a bad record followed by good ones
is corruption, reported, never repaired silently.
"""

from __future__ import annotations

import contextlib
import errno
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tui.store.files import PRIVATE_FILE
from tui.store.packed import json_default

Signature = tuple[int, int, int]
"""``(st_ino, st_size, st_mtime_ns)``: changes whenever the file is replaced."""

Identity = tuple[int, int, int, int]
"""A ``Signature`` and the journal's length: changes with every write of the database."""

Changes = dict[str, dict[str, dict[str, Any]]]
"""One record: table name -> document id -> the whole new document."""

FORMAT = 1
"""The journal's layout version, in its header."""

FOLD_BYTES = 16 * 1024 * 1024
"""Past this size a write folds the journal into the JSON file there and then."""

QUIT_FOLD_BYTES = 1024 * 1024
"""Past this size the reader folds the journal when it quits (in a worker)."""

MAX_RECORD_DOCS = 1_000
"""Changes of more documents than this are a whole-file write (a checkpoint) instead."""


class GarbledJournalError(ValueError):
    """The journal holds a bad record that is not the last one: the reason says where."""


def journal_path(db_path: Path) -> Path:
    """Where the journal of ``db_path`` (the real database file) is kept."""
    return db_path.with_name(db_path.name + ".journal")


def header(checkpoint: int, file_size: int = 0) -> bytes:
    """The first line of a journal whose records apply to the JSON file at ``checkpoint``.

    A file with no checkpoint number (written by an older version or another
    program) is named by its size as well: a rewrite of it by such a program
    changes its size, and the journal then no longer applies.
    """
    head: dict[str, int] = {"journal": FORMAT, "checkpoint": checkpoint}
    if checkpoint == 0:
        head["size"] = file_size
    return orjson.dumps(head) + b"\n"


def encode_record(changes: Changes) -> bytes:
    """One record line: CRC-32 of the JSON, a space, the JSON, a newline."""
    payload = orjson.dumps(changes, default=json_default)  # a packed body goes as text
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def checkpoint_of(tables: dict[str, dict[str, Any]]) -> int:
    """The checkpoint number a JSON file's ``meta`` document holds (0 when none)."""
    meta = tables.get("meta")
    doc = meta.get("1") if isinstance(meta, dict) else None
    number = doc.get("checkpoint") if isinstance(doc, dict) else None
    if type(number) is not int or number < 0:
        return 0
    return number


def stamp_checkpoint(tables: dict[str, dict[str, Any]], above: int) -> None:
    """Give the tables a new checkpoint number, greater than their own and ``above``
    (the numbers a journal or memory may name), before a whole-file write: a crash
    before the journal is emptied leaves it naming another number, so it is never
    replayed over the new file. Tables without a ``meta`` table (not a database) are
    left as they are."""
    meta = tables.get("meta")
    if not isinstance(meta, dict):
        return
    doc = meta.get("1")
    number = max(above, checkpoint_of(tables)) + 1
    meta["1"] = {**(doc if isinstance(doc, dict) else {}), "checkpoint": number}


@dataclass
class Replay:
    """What a journal holds for one JSON file: the records to apply, where they end."""

    records: list[Changes] = field(default_factory=list)
    end: int = 0
    """The offset just past the last good record; 0 when nothing applies."""
    applies: bool = False
    """Whether the header names the file's checkpoint (else the journal is stale)."""
    size: int = 0
    """How many bytes of the journal were read."""


def _decode(line: bytes | memoryview) -> Changes | None:
    """The record of one line (without its newline); None if the line is not one."""
    if len(line) < 11 or line[8:9] != b" ":
        return None
    try:
        crc = int(bytes(line[:8]), 16)
    except ValueError:
        return None
    payload = line[9:]
    if zlib.crc32(payload) != crc:
        return None
    try:
        changes = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(changes, dict):
        return None
    for docs in changes.values():
        if not isinstance(docs, dict):
            return None
        for key, doc in docs.items():
            if not key.isdecimal() or not isinstance(doc, dict):
                return None
    return changes


def read_records(raw: bytes, start: int, *, where: str) -> tuple[list[Changes], int]:
    """The good records of ``raw`` from offset ``start``, and the offset past the last one.

    A bad or unfinished last line is left out (a torn append); a bad line with
    anything after it raises ``GarbledJournalError`` naming ``where`` and the offset.
    """
    records: list[Changes] = []
    view = memoryview(raw)
    pos = start
    size = len(raw)
    try:
        while pos < size:
            newline = raw.find(b"\n", pos)
            if newline < 0:
                break  # cut short: the last append did not finish
            changes = _decode(view[pos:newline])
            if changes is None:
                if newline + 1 < size:
                    raise GarbledJournalError(f"{where} is garbled at byte {pos}")
                break  # the last line, whole in length but not in content: torn too
            records.append(changes)
            pos = newline + 1
    finally:
        view.release()
    return records, pos


def read_journal(path: Path, checkpoint: int, file_size: int) -> Replay:
    """The records of ``path`` that apply to the JSON file at ``checkpoint`` (of ``file_size``
    bytes: checked when the file has no checkpoint number).

    A missing or empty journal, one cut short inside its header, or one naming
    another checkpoint (left by a crash during a checkpoint) gives no records.
    ``GarbledJournalError`` when a bad line has good ones after it, or the header is
    not a journal's.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Replay()
    size = len(raw)
    first = raw.find(b"\n")
    if first < 0:
        return Replay(size=size)  # nothing but a header cut short
    try:
        head: Any = orjson.loads(raw[:first])
    except orjson.JSONDecodeError:
        head = None
    if (
        not isinstance(head, dict)
        or head.get("journal") != FORMAT
        or type(head.get("checkpoint")) is not int
    ):
        if first + 1 >= len(raw):
            return Replay(size=size)  # the header line itself was torn
        raise GarbledJournalError(f"the journal {path} does not start with a journal header")
    if not header_applies(head, checkpoint, file_size):
        return Replay(size=size)
    records, end = read_records(raw, first + 1, where=f"the journal {path}")
    return Replay(records, end, applies=True, size=size)


def header_applies(head: dict[str, Any], checkpoint: int, file_size: int) -> bool:
    """Whether a journal whose header is ``head`` belongs to the JSON file at
    ``checkpoint`` (of ``file_size`` bytes: the header names the size when the file has
    no checkpoint number)."""
    return head.get("checkpoint") == checkpoint and (
        checkpoint != 0 or head.get("size") == file_size
    )


def apply(tables: dict[str, dict[str, Any]], changes: Changes) -> None:
    """Put a record's documents into the tables (whole documents: idempotent)."""
    for name, docs in changes.items():
        table = tables.get(name)
        if not isinstance(table, dict):
            tables[name] = table = {}
        table.update(docs)


def journal_size(path: Path) -> int:
    """The journal's size on disk (0 when there is none)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def signature(st: os.stat_result) -> Signature:
    """The identity of one version of a file, from a stat result."""
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def database_identity(path: Path) -> Identity:
    """The identity of the database as it is on disk: the file's signature and the
    journal's length (a record appended changes it as surely as a rewrite). Here, not
    beside the storage, so the reader can check its first-screen snapshot before TinyDB
    is loaded."""
    return (*signature(path.stat()), journal_size(journal_path(path)))


def append_record(path: Path, checkpoint: int, file_size: int, end: int, changes: Changes) -> int:
    """Append one record durably at ``end``; returns the new end. The caller holds the lock.

    Anything past ``end`` (a torn record) is cut off first. ``end == 0`` starts
    the journal afresh with a header naming ``checkpoint`` (and ``file_size``). If the append
    fails, the journal is cut back to ``end`` (no half record stays for a later
    replay to trip over) and the ``OSError`` propagates.
    """
    record = encode_record(changes)
    if end == 0:
        record = header(checkpoint, file_size) + record
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    created = not path.exists()
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        try:
            size = os.fstat(fd).st_size
            if size != end:
                if end:  # (at 0 what is there names another file: it is dropped whole)
                    _check_only_torn(fd, size, end, path)
                os.ftruncate(fd, end)
            view = memoryview(record)
            offset = end
            while view:
                written = os.pwrite(fd, view, offset)
                view = view[written:]
                offset += written
            os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, end)
                os.fsync(fd)
            raise
    finally:
        os.close(fd)
    if created:
        from tui.store.storage import fsync_dir  # here: storage imports this module

        fsync_dir(path.parent)
    return end + len(record)


def _check_only_torn(fd: int, size: int, end: int, path: Path) -> None:
    """Before cutting the journal back to ``end``: what lies past it must be a torn
    record, never a whole one (which would mean memory missed another process's
    append). ``OSError`` otherwise: nothing is cut, nothing written."""
    if size > end:
        try:
            records, _ = read_records(os.pread(fd, size - end, end), 0, where=str(path))
        except GarbledJournalError:
            records = [{}]
        if not records:
            return
    raise OSError(errno.ESTALE, f"the journal {path} changed unexpectedly; try again")


def journal_signature(path: Path) -> tuple[int, int, int]:
    """``(inode, size, mtime)`` of the journal: changes with every append or cut
    (``(0, 0, 0)`` when there is none)."""
    try:
        return signature(path.stat())
    except FileNotFoundError:
        return (0, 0, 0)


def empty_journal(path: Path) -> None:
    """Drop the journal's records after a checkpoint (best effort: a stale one is ignored)."""
    with contextlib.suppress(FileNotFoundError, OSError):
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)


def journal_checkpoint(path: Path) -> int:
    """The checkpoint the journal of database ``path`` names (0 when none can be read)."""
    try:
        with journal_path(path).open("rb") as stream:
            head = stream.readline(200)
        found = orjson.loads(head).get("checkpoint")
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return 0
    return found if type(found) is int and found > 0 else 0
