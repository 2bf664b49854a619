"""Crash-safe JSON storage for TinyDB: whole-file atomic replace, parsed data cached.

A database file is only ever replaced, never written in place: the new bytes go
to a temporary file in the same directory, are flushed and fsynced, renamed
over the old file with ``os.replace`` and the directory is fsynced. A reader
(this process or another) therefore sees either the old file or the new one,
whatever moment a process is killed at.

The parsed tables are kept in memory and handed to TinyDB as they are (no copy
per read: databases reach tens of megabytes). The file is parsed again only
when its ``(inode, size, mtime)`` signature changes, i.e. when another process
replaced it.

The tables are serialised a thousand documents at a time, each piece written
as soon as it is made: one orjson call over a 50 MB database holds the GIL for
most of 100 ms, long enough for the UI thread to miss keys, whereas ``os.write``
between the pieces lets it run every few milliseconds. Reading is cut up the
same way: each piece goes on a line of its own (JSON allows the newlines, and
orjson never writes a raw newline, so every line is one piece), and a file in
that layout is parsed a line at a time, instead of one ``orjson.loads`` that
holds the GIL for a quarter of a second while another process's change is
taken in. Any other file (hand-edited, written by stock TinyDB) is parsed whole.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from tui.store.files import PRIVATE_FILE, create_exclusive, keep_mode_and_owner
from tui.store.journal import (
    Changes,
    GarbledJournalError,
    append_record,
    apply,
    checkpoint_of,
    empty_journal,
    journal_checkpoint,
    journal_path,
    journal_signature,
    read_journal,
    read_records,
    stamp_checkpoint,
)

# Their home is the journal (free of TinyDB); the store's modules take them from here too.
from tui.store.journal import Identity as Identity
from tui.store.journal import Signature as Signature
from tui.store.journal import signature as signature
from tui.store.packed import compact_review, json_default
from tui.store.small_docs import small_comment_doc, small_review_doc

Tables = dict[str, dict[str, Any]]
"""What TinyDB stores: table name -> document id (a decimal string) -> document."""

CHUNK_DOCS = 1_000
"""Documents serialised by one orjson call when writing (about half a megabyte of comments)."""

STALE_TEMP_AGE = 60.0
"""Seconds after which a temp file is stale even if its pid is alive (pids get reused)."""

_TEMP_INFIX = ".tmp-"
_UNSEEN = (-1, -1, -1)  # no journal_signature is this: the next look reads the journal


class UnreadableFileError(ValueError):
    """The file exists but does not hold a database: the reason says why."""


class MissingFileError(FileNotFoundError):
    """The database file is gone although the store did not expect to create it."""


def temp_name(path: Path) -> Path:
    """A fresh temp file beside ``path``: ``.<name>.tmp-<pid>-<random>``."""
    return path.with_name(f".{path.name}{_TEMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}")


def fsync_dir(directory: Path) -> None:
    """Make a rename or link in ``directory`` durable (best effort, never raises)."""
    # Errors are swallowed: the rename has already happened and cannot be undone, so
    # reporting "nothing was changed" would be false. Only the rename's durability
    # across a power cut is weakened (some file systems cannot fsync a directory).
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> Signature:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file whole.

    Returns the signature of the new file. On any ``OSError`` the temp file is
    removed, ``path`` is untouched and the error propagates.
    """
    return atomic_write_pieces(path, (data,), mode=mode)


def atomic_write_pieces(
    path: Path, pieces: Iterable[bytes | memoryview], *, mode: int | None = None
) -> Signature:
    """``atomic_write_bytes`` of the pieces joined, each written as soon as it comes.

    A new file is created ``0600`` (or ``mode``); a replaced one keeps its mode
    and, for root, its owner. The temp file is never opened through a symlink.
    Any error while the pieces are made (or written) removes the temp file and
    propagates; ``path`` is then untouched.
    """
    tmp = temp_name(path)
    try:
        original: os.stat_result | None = path.stat()
    except FileNotFoundError:
        original = None
    fd = create_exclusive(tmp, PRIVATE_FILE if mode is None else mode)
    try:
        try:
            if mode is None:
                keep_mode_and_owner(fd, original)
            for piece in pieces:
                view = memoryview(piece)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            os.fsync(fd)
            sig = signature(os.fstat(fd))
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)
    return sig


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (someone else's counts)."""
    if pid <= 0:
        return False  # 0 and negatives name process groups, never one process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def remove_stale_temps(
    path: Path, *, name_pattern: str | None = None, max_age: float = STALE_TEMP_AGE
) -> list[Path]:
    """Delete temp files of ``path`` left by killed writers; returns what was removed.

    A temp file is stale when the pid in its name is not running, or when it
    is older than ``max_age`` seconds (the pid may have been reused).
    ``name_pattern``, a regular expression, widens the match from ``path``'s
    own name to any target name in the same directory that it matches.
    """
    target = name_pattern if name_pattern is not None else re.escape(path.name)
    pattern = re.compile(r"\." + target + re.escape(_TEMP_INFIX) + r"(?P<pid>\d+)-[0-9a-f]+")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except FileNotFoundError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > max_age
        except FileNotFoundError:
            continue
        if old or not pid_alive(int(match.group("pid"))):
            with contextlib.suppress(FileNotFoundError):
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
    return removed


Fragments = Iterable[tuple[str, bytes]]
"""Documents already encoded: (document id, its JSON), as ``orjson.dumps`` makes it."""


def serialise_tables(
    tables: Tables, appended: Mapping[str, Fragments] | None = None
) -> Iterator[bytes | memoryview]:
    """The tables as JSON in lines: each table's name, then its documents, ``CHUNK_DOCS`` a line.

    ``appended`` (table name -> encoded documents) are written after the table's
    own documents, as if they were in it (a table only there is written too):
    a big import's new documents go from their temp file to the new file
    without ever being dicts in memory again.

    The layout (``parse_lines`` reads it back a line at a time)::

        {
        "meta":{
        "1":{"schema_version":1}
        }
        ,"reviews":{
        "1":{...},"2":{...},...
        ,"1001":{...},...
        }
        }

    Joined, the pieces are JSON whose value is the tables (``orjson.dumps`` of
    them, plus whitespace); orjson's ``TypeError`` for data it cannot encode
    comes from the piece that holds it.
    """
    appended = appended or {}
    extra: Tables = {name: {} for name in appended if name not in tables}
    yield b"{\n"
    for number, (name, table) in enumerate({**tables, **extra}.items()):
        if not isinstance(name, str):
            raise TypeError("Dict key must be str")  # as orjson.dumps(tables) would
        comma = b"," if number else b""
        if not isinstance(table, dict):
            # Not a table TinyDB would write: kept as it is, read back by the whole-file parse.
            yield comma + orjson.dumps(name) + b":" + orjson.dumps(table) + b"\n"
            continue
        yield comma + orjson.dumps(name) + b":{\n"
        items = iter(table.items())
        separator = b""
        while chunk := dict(islice(items, CHUNK_DOCS)):
            # One piece per line (one write, one GIL release): the chunk's braces dropped.
            # json_default: a body the index keeps packed is written as its text.
            piece = orjson.dumps(chunk, default=json_default)
            yield b"".join((separator, memoryview(piece)[1:-1], b"\n"))
            separator = b","
        fragments = iter(appended.get(name, ()))
        while encoded := list(islice(fragments, CHUNK_DOCS)):
            line = b",".join(b'"%s":%s' % (key.encode("ascii"), doc) for key, doc in encoded)
            yield separator + line + b"\n"
            separator = b","
        yield b"}\n"
    yield b"}"


def parse_lines(raw: bytearray, *, compact: bool = False) -> Tables | None:
    """The tables of a file in ``serialise_tables``' layout, a line at a time; else None.

    Each line of documents is parsed by its own ``orjson.loads``, and the
    thread gives way (``time.sleep(0)``) between lines, so a thread parsing a
    big file holds up the others (the UI) for a line at most, not for the
    whole file. The newline before a line and the one after it serve as its
    braces while it is parsed: ``raw`` is changed in place and put back as it
    was before this returns. A file that is not exactly in that layout gives
    None (the caller parses it whole); so does a line that is not valid JSON
    (the whole-file parse then says where). What this accepts is valid JSON
    with the same value.

    ``compact``: each line's documents are made small as they are parsed
    (``tui.store.packed``, ``tui.store.small_docs``): the value is then the same
    only once written out again (long review bodies are packed bytes).
    """
    if raw[:2] != b"{\n" or raw[-2:] != b"\n}":
        return None
    view = memoryview(raw)
    find, loads = raw.find, orjson.loads
    tables: Tables = {}
    end = len(raw) - 1  # the final "}"
    pos = 2
    try:
        while pos < end:
            newline = find(b"\n", pos)
            header = bytes(raw[pos + (1 if tables else 0) : newline])
            if (raw[pos : pos + 1] == b",") != bool(tables) or header[-2:] != b":{":
                return None
            name = loads(header[:-2])
            if type(name) is not str:
                return None
            table: dict[str, Any] = {}
            opening = newline  # the "{" of the first line of documents
            pos = newline + 1
            while raw[pos : pos + 2] != b"}\n":
                newline = find(b"\n", pos)
                if newline < 0:
                    return None
                if not table:
                    if raw[pos : pos + 1] != b'"':
                        return None
                    start = opening
                elif raw[pos : pos + 2] == b',"':
                    start = pos  # the comma is the "{"
                else:
                    return None
                was = raw[start]
                raw[start], raw[newline] = 0x7B, 0x7D  # { and }
                try:
                    docs = loads(view[start : newline + 1])
                finally:
                    raw[start], raw[newline] = was, 0x0A
                if not docs:
                    return None
                if compact:
                    # Now, a line at a time, not after the whole parse: the next
                    # line's documents then take the place the texts left.
                    _compact(name, docs)
                table.update(docs)
                time.sleep(0)  # let a waiting thread (the UI) have the GIL
                pos = newline + 1
            pos += 2
            tables[name] = table
    except orjson.JSONDecodeError:
        return None
    finally:
        view.release()
    return tables


def _compact(name: str, docs: dict[str, Any]) -> None:
    """Make one line's documents of table ``name`` small in memory, in place."""
    if name == "reviews":
        for key, doc in docs.items():
            if type(doc) is dict:
                compact_review(doc)
                docs[key] = small_review_doc(doc)
    elif name == "comments":
        for key, doc in docs.items():
            if type(doc) is dict:
                docs[key] = small_comment_doc(doc)


def parse_tables(raw: bytes | bytearray, *, compact: bool = False) -> Tables:
    """Parse a database file and check its outline; ``UnreadableFileError`` says what is wrong.

    A ``bytearray`` in ``serialise_tables``' layout is parsed a line at a time
    (``parse_lines``); it is left as it was.
    """
    if not raw:
        raise UnreadableFileError("the file is empty")
    try:
        data = parse_lines(raw, compact=compact) if isinstance(raw, bytearray) else None
        if data is None:
            data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise UnreadableFileError(f"not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UnreadableFileError(
            f"expected a JSON object of tables, found a {type(data).__name__}"
        )
    check_tables(data)
    return data


def check_tables(data: Tables) -> None:
    """Check the outline of parsed tables; ``UnreadableFileError`` names the bad part."""
    for name, table in data.items():
        if not isinstance(table, dict):
            raise UnreadableFileError(f"table {name!r} is a {type(table).__name__}, not an object")
        # Checked in C first (a table can hold 100,000 documents); the loop names the bad one.
        if all(map(str.isdecimal, table)) and set(map(type, table.values())) <= {dict}:
            continue
        for doc_id, doc in table.items():
            if not doc_id.isdecimal() or not isinstance(doc, dict):
                raise UnreadableFileError(
                    f"table {name!r} has a malformed document {doc_id[:20]!r}"
                )


def release(tables: Tables | None) -> None:
    """Free parsed tables a document at a time, emptying them.

    Dropping 50 MB of parsed JSON at once frees a million objects in one
    deallocation cascade that holds the GIL for ~30 ms; popped one by one,
    other threads (the UI) get to run in between. Only for tables nothing else
    uses any more.
    """
    if tables is None:
        return
    for table in tables.values():
        if isinstance(table, dict):
            while table:
                for _ in range(min(len(table), CHUNK_DOCS)):
                    table.popitem()
                time.sleep(0)  # let a waiting thread (the UI) have the GIL
    tables.clear()


class AtomicFileStorage(Storage):
    """A TinyDB storage that writes atomically, keeps a journal and caches the parsed file.

    ``read`` returns the cached tables themselves: TinyDB mutates them before
    calling ``write``, so a failed ``write`` drops the cache and the next read
    comes from disk again. ``missing_ok`` lets ``read`` answer ``None`` for a
    missing file; only the store sets it, while it creates a new database.

    The data is the JSON file with the journal's records applied
    (``tui.store.journal``): ``append`` adds a record, ``write`` replaces the
    file and empties the journal (a checkpoint), ``catch_up`` takes in the
    records another process appended since.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, missing_ok: bool = False, compact: bool = False
    ) -> None:
        """Prepare to read ``path``; stale temp files of killed writers are removed.

        ``compact``: documents read are made small (``parse_tables``'s ``compact``).
        """
        self.path = Path(path)
        self.compact = compact
        self.journal = journal_path(self.path)
        self.missing_ok = missing_ok
        self._data: Tables | None = None
        self._sig: Signature | None = None
        self._checkpoint = 0
        self._journal_end = 0
        """Where the records held in memory end in the journal (0: none apply)."""
        self._journal_seen = _UNSEEN
        """The journal's ``journal_signature`` when memory last read or wrote it."""
        self.loads = 0
        """How many times another process's data was taken in (the file parsed, or
        records of the journal it appended): lets the store notice a reload."""
        remove_stale_temps(self.path)

    def changed(self) -> bool:
        """True when the file on disk is not the version held in memory (one stat call)."""
        if self._data is None:
            return True
        try:
            return signature(self.path.stat()) != self._sig
        except FileNotFoundError:
            return True

    def journal_grew(self) -> bool:
        """True when the journal changed since memory last read or wrote it (one stat).

        Its size alone would not do: a torn record cut off and a new one of the
        same length appended leave the size as it was.
        """
        return journal_signature(self.journal) != self._journal_seen

    def read(self) -> Tables | None:
        """The tables, parsed again only when the file changed since the last read or write."""
        if not self.changed():
            return self._data
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self.invalidate()
            if self.missing_ok:
                return None
            raise MissingFileError(
                errno.ENOENT, "the database file has disappeared", str(self.path)
            ) from None
        try:
            # Signature and bytes come from the same open file, so they always match.
            sig = signature(os.fstat(fd))
            # Read straight into a buffer parse_lines can use (no 50 MB copy holding the GIL).
            raw = bytearray(max(os.fstat(fd).st_size, 0))
            with os.fdopen(fd, "rb", closefd=False) as stream:
                got = stream.readinto(raw)
                del raw[got:]
                raw += stream.read()  # only if it was written in place meanwhile (not by us)
        finally:
            os.close(fd)
        self.invalidate()
        data = parse_tables(raw, compact=self.compact)
        del raw
        checkpoint = checkpoint_of(data)
        seen = journal_signature(self.journal)  # before reading: a later append shows
        try:
            replay = read_journal(self.journal, checkpoint, sig[1])
        except GarbledJournalError as error:
            raise UnreadableFileError(str(error)) from None
        except OSError as error:
            raise UnreadableFileError(
                f"its journal {self.journal} could not be read ({error.strerror or error})"
            ) from None
        for changes in replay.records:
            apply(data, changes)  # checked as they were read: no second look at the tables
        self._data = data
        self._sig = sig
        self._checkpoint = checkpoint
        self._journal_end = replay.end
        self._journal_seen = seen
        self.loads += 1
        return self._data

    def catch_up(self) -> list[Changes] | None:
        """Apply the records appended since memory was read; None if the file must be read.

        Only the new tail of the journal is read: another process's reply costs
        its record, not the database. None (read everything again) when the
        journal shrank or holds anything but good records after our end.
        """
        if self._data is None:
            return None
        seen = journal_signature(self.journal)  # before reading: a later append shows
        if self._journal_end == 0:
            # Nothing of it applied so far (none, or a stale one): read it whole.
            try:
                size = self._sig[1] if self._sig is not None else -1
                replay = read_journal(self.journal, self._checkpoint, size)
            except (GarbledJournalError, OSError):
                return None
            records, self._journal_end = replay.records, replay.end
        else:
            if seen[1] < self._journal_end:
                return None  # cut back below what memory holds: not by an append
            try:
                with self.journal.open("rb") as stream:
                    stream.seek(self._journal_end)
                    tail = stream.read()
            except OSError:
                return None
            try:
                records, used = read_records(tail, 0, where=str(self.journal))
            except GarbledJournalError:
                return None
            self._journal_end += used
        self._journal_seen = seen
        for changes in records:
            apply(self._data, changes)
        if records:
            self.loads += 1
        return records

    def append(self, changes: Changes) -> None:
        """Add one record to the journal durably (the caller holds the lock and has
        already put the documents into the cached tables). On failure the cache is
        dropped and the ``OSError`` propagates; the journal is as it was."""
        try:
            size = self._sig[1] if self._sig is not None else -1
            self._journal_end = append_record(
                self.journal, self._checkpoint, size, self._journal_end, changes
            )
            self._journal_seen = journal_signature(self.journal)
        except BaseException:
            self.invalidate()
            raise

    @property
    def can_append(self) -> bool:
        """Whether small changes may go to the journal: the file is read and known."""
        return self._data is not None and self._sig is not None

    @property
    def checkpoint(self) -> int:
        """The checkpoint number of the file version held in memory (0: none, or nothing read)."""
        return self._checkpoint

    @property
    def journal_bytes(self) -> int:
        """How much of the journal memory holds (what a checkpoint would fold)."""
        return self._journal_end

    def _next_checkpoint(self, data: Tables) -> None:
        """Stamp the tables with a new checkpoint number before a whole-file write
        (tables that are not a database, with no ``meta`` table, never get a journal)."""
        stamp_checkpoint(data, max(self._checkpoint, journal_checkpoint(self.path)))

    def _written(self, data: Tables | None, sig: Signature) -> None:
        """The file was replaced: empty the journal, which now names an older checkpoint."""
        empty_journal(self.journal)
        self._checkpoint = checkpoint_of(data) if data is not None else 0
        self._journal_end = 0
        self._journal_seen = journal_signature(self.journal)
        self._sig = sig
        self._data = data

    def write(self, data: Tables) -> None:
        """Replace the file atomically with the tables (a checkpoint); on failure drop the cache."""
        try:
            self._next_checkpoint(data)
            sig = atomic_write_pieces(self.path, serialise_tables(data))
        except BaseException:
            # TinyDB already changed the cached dict in place: it no longer matches disk.
            self.invalidate()
            raise
        self._written(data, sig)

    def write_appended(self, data: Tables, appended: Mapping[str, Fragments]) -> Signature:
        """Replace the file with the tables plus ``appended`` documents (see
        ``serialise_tables``); the cache is dropped, as it lacks those documents.

        Returns the new file's signature.
        """
        try:
            self._next_checkpoint(data)
            sig = atomic_write_pieces(self.path, serialise_tables(data, appended))
            self._written(None, sig)
        finally:
            self.invalidate()
        return sig

    @property
    def signature(self) -> Signature | None:
        """The identity of the file version held in memory (None when nothing is)."""
        return self._sig

    @property
    def identity(self) -> Identity | None:
        """The file version and journal length held in memory (None when nothing is)."""
        if self._sig is None:
            return None
        return (*self._sig, self._journal_end)

    def forget(self) -> Tables | None:
        """Forget the cached tables and hand them over (for ``release``), if there were any."""
        data = self._data
        self.invalidate()
        return data

    def invalidate(self) -> None:
        """Forget the cached tables so the next read parses the file."""
        self._data = None
        self._sig = None
        self._journal_end = 0
        self._journal_seen = _UNSEEN

    def close(self) -> None:
        """Drop the cache; there is no file handle kept open between calls."""
        self.invalidate()
