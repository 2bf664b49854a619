"""The index of ids beside the database: what a reply must check, without parsing the file.

``reviews reply`` must know that the review and the parent comment exist, which
comment id comes next, and where the review's replies go (its source, for the
outbox). On a 554 MB database, finding that out by opening it costs 8 s and
2 GB. ``<db>.ids`` (``0600``) holds just that, in binary arrays that load in
milliseconds::

    {"ids":1,"schema":1,"database":[ino,size,mtime_ns],"checkpoint":7,"journal":E,...}\\n
    review ids | their source_id offsets | comment ids | their review ids
    | the review source_ids (UTF-8) | the sources table (JSON)

The first line is the *stamp*: the database file version (its ``signature``),
its checkpoint number, and how much of the journal (``E`` bytes) the arrays
include, with a CRC-32 of everything after it. It is written by a store
holding the whole database in memory, as the data stood after a full open
(which ran the consistency check, ``find_problems``) or after the store's own
whole-file write (of tables that were checked when loaded and changed only by
the store's own checked writes). So an index whose stamp names the file as it
is now proves that the file was checked as it is, and the journal records past
``E`` are read and taken in as the store's own catch-up takes them in
(``tui.store.point_reply``). Any doubt (another program's write, a hand edit, a
crash mid-write, an older format, a CRC that does not match) and the index is
not used: the command opens the database as before, which is always right,
and that open writes a fresh index. This file can always be deleted.

``reviews check`` never looks at it: it reads and checks the whole file (and
journal) itself, so it finds every problem whatever the index says; the
point write only skips a check the index proves was already passed by this
very file.
"""

from __future__ import annotations

import os
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson

from tui.model import SCHEMA_VERSION
from tui.store.files import read_private
from tui.store.storage import Identity, Signature, Tables, atomic_write_pieces, signature

FORMAT = 1
"""Bumped when the layout changes: an older index is then not used."""

MARK_BYTES = 4096
"""How much of each end of the database goes into the stamp's mark."""

_SECTIONS = ("reviews", "offsets", "comments", "parents", "source_ids", "sources")
"""The payload's parts, in order; the stamp gives each one's length in bytes."""


def ids_path(db_path: Path) -> Path:
    """Where the index of ``db_path`` (the real database file) is kept."""
    return db_path.with_name(db_path.name + ".ids")


@dataclass(frozen=True)
class Stamp:
    """Which version of the database an index describes."""

    database: Signature
    mark: int
    """CRC-32 of the file's first and last ``MARK_BYTES``: an edit in place that kept
    the signature (size and time put back) still shows."""
    checkpoint: int
    journal: int
    """How many bytes of the journal the index includes (0: none applied)."""


@dataclass
class IdIndex:
    """Review ids with their source ids, comment ids with their review ids, the sources.

    Loaded from ``<db>.ids``; records of the journal past the stamp are taken in
    with ``take_in`` (kept beside the arrays, which are never copied).
    """

    stamp: Stamp
    review_ids: memoryview
    offsets: memoryview
    comment_ids: memoryview
    parents: memoryview
    source_ids: bytes
    sources: dict[str, dict[str, Any]]
    max_comment_id: int
    max_outbox_id: int
    new_reviews: dict[int, str] = field(default_factory=dict)
    new_comments: dict[int, int] = field(default_factory=dict)

    def review_source(self, review_id: int) -> str | None:
        """The review's ``source_id`` (``""``: none); ``None`` when there is no such review."""
        if review_id in self.new_reviews:
            return self.new_reviews[review_id]
        at = _find(self.review_ids, review_id)
        if at is None:
            return None
        return self.source_ids[self.offsets[at] : self.offsets[at + 1]].decode()

    def comment_review(self, comment_id: int) -> int | None:
        """The review a comment belongs to; ``None`` when there is no such comment."""
        if comment_id in self.new_comments:
            return self.new_comments[comment_id]
        at = _find(self.comment_ids, comment_id)
        return None if at is None else int(self.parents[at])

    def take_in(self, changes: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bool:
        """Take in one journal record; False when it holds what the index cannot follow
        (a change of ``meta``, an unknown table, a malformed id field): then the
        database must be opened whole, which checks it properly."""
        for name, docs in changes.items():
            if name == "reads":
                continue  # read marks: nothing a reply checks
            if name == "reviews":
                for key, doc in docs.items():
                    source_id = doc.get("source_id", "")
                    if type(source_id) is not str:
                        return False
                    self.new_reviews[int(key)] = source_id
            elif name == "comments":
                for key, doc in docs.items():
                    review_id = doc.get("review_id")
                    if type(review_id) is not int:
                        return False
                    self.new_comments[int(key)] = review_id
                    self.max_comment_id = max(self.max_comment_id, int(key))
            elif name == "outbox":
                self.max_outbox_id = max(self.max_outbox_id, max(map(int, docs), default=0))
            elif name == "sources":
                self.sources.update({key: dict(doc) for key, doc in docs.items()})
            else:
                return False
        return True


def _find(ids: memoryview, wanted: int) -> int | None:
    """Where ``wanted`` is in the sorted ``ids`` (None when it is not there)."""
    at = bisect_left(ids, wanted)
    return at if at < len(ids) and ids[at] == wanted else None


def ids_bytes(
    reviews: Mapping[int, str], tables: Tables, stamp: Stamp
) -> Iterator[bytes | memoryview]:
    """The index file's pieces for ``reviews`` (id -> source_id) and the tables' comments,
    outbox and sources, as of ``stamp``."""
    review_ids = array("q", sorted(reviews))
    blob = bytearray()
    offsets = array("q", [0])
    for review_id in review_ids:
        blob += reviews[review_id].encode()
        offsets.append(len(blob))
    docs = tables.get("comments") or {}
    comment_ids = array("q", map(int, docs))
    parents = array("q", [doc["review_id"] for doc in docs.values()])
    if any(a >= b for a, b in pairwise(comment_ids)):
        pairs = sorted(zip(comment_ids, parents, strict=True))
        comment_ids = array("q", (c for c, _ in pairs))
        parents = array("q", (p for _, p in pairs))
    sources = orjson.dumps(tables.get("sources") or {})
    parts: list[bytes | memoryview] = [
        memoryview(review_ids).cast("B"),
        memoryview(offsets).cast("B"),
        memoryview(comment_ids).cast("B"),
        memoryview(parents).cast("B"),
        bytes(blob),
        sources,
    ]
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    head = {
        "ids": FORMAT,
        "schema": SCHEMA_VERSION,
        "byteorder": sys.byteorder,
        "database": list(stamp.database),
        "mark": stamp.mark,
        "checkpoint": stamp.checkpoint,
        "journal": stamp.journal,
        "max_comment": max(comment_ids, default=0),
        "max_outbox": max(map(int, tables.get("outbox") or {}), default=0),
        "lengths": [len(part) for part in parts],
        "crc": crc,
    }
    yield orjson.dumps(head) + b"\n"
    yield from parts


def save_ids(db_path: Path, reviews: Mapping[int, str], tables: Tables, stamp: Stamp) -> None:
    """Write the index of the data in memory (file version ``stamp``) atomically, ``0600``.

    The caller holds that data still (its store's lock); ``OSError`` propagates.
    """
    atomic_write_pieces(ids_path(db_path), ids_bytes(reviews, tables, stamp))


def read_stamp(db_path: Path) -> Stamp | None:
    """The stamp of the index beside ``db_path`` (None: none, or not one this version reads)."""
    try:
        with ids_path(db_path).open("rb") as stream:
            head = _header(stream.readline(4096))
    except OSError:
        return None
    return None if head is None else _stamp(head)


def load_ids(db_path: Path) -> IdIndex | None:
    """The index beside ``db_path``, whole and checked (None when missing or not trusted:
    another format, another machine's byte order, a symlink, a CRC that does not match)."""
    try:
        raw = read_private(ids_path(db_path))
    except OSError:
        return None
    newline = raw.find(b"\n")
    head = _header(raw[: newline + 1]) if newline > 0 else None
    if head is None:
        return None
    lengths = head.get("lengths")
    if not isinstance(lengths, list) or len(lengths) != len(_SECTIONS):
        return None
    if not all(type(n) is int and n >= 0 for n in lengths):
        return None
    view = memoryview(raw)[newline + 1 :]
    if sum(lengths) != len(view) or zlib.crc32(view) != head.get("crc"):
        return None
    parts: list[memoryview] = []
    at = 0
    for length in lengths:
        parts.append(view[at : at + length])
        at += length
    try:
        review_ids, offsets, comment_ids, parents = (part.cast("q") for part in parts[:4])
        sources = orjson.loads(parts[5])
    except (TypeError, ValueError):
        return None
    stamp = _stamp(head)
    max_comment, max_outbox = head.get("max_comment"), head.get("max_outbox")
    if (
        stamp is None
        or len(offsets) != len(review_ids) + 1
        or len(parents) != len(comment_ids)
        or not isinstance(sources, dict)
        or type(max_comment) is not int
        or type(max_outbox) is not int
    ):
        return None
    return IdIndex(
        stamp,
        review_ids,
        offsets,
        comment_ids,
        parents,
        bytes(parts[4]),
        sources,
        max_comment,
        max_outbox,
    )


def _header(line: bytes) -> dict[str, Any] | None:
    try:
        head = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if (
        not isinstance(head, dict)
        or head.get("ids") != FORMAT
        or head.get("schema") != SCHEMA_VERSION
        or head.get("byteorder") != sys.byteorder
    ):
        return None
    return head


def _stamp(head: dict[str, Any]) -> Stamp | None:
    database, mark = head.get("database"), head.get("mark")
    checkpoint, journal = head.get("checkpoint"), head.get("journal")
    if not isinstance(database, list) or len(database) != 3:
        return None
    if not all(type(n) is int for n in database):
        return None
    if type(checkpoint) is not int or type(journal) is not int or type(mark) is not int:
        return None
    return Stamp((database[0], database[1], database[2]), mark, checkpoint, journal)


def file_mark(db_path: Path) -> tuple[Signature, int]:
    """The database file's signature and mark (see ``Stamp.mark``), from one open file."""
    fd = os.open(db_path, os.O_RDONLY)
    try:
        st = os.fstat(fd)
        mark = zlib.crc32(os.pread(fd, MARK_BYTES, 0))
        mark = zlib.crc32(os.pread(fd, MARK_BYTES, max(st.st_size - MARK_BYTES, 0)), mark)
        return signature(st), mark
    finally:
        os.close(fd)


def stamp_for(db_path: Path, identity: Identity, checkpoint: int) -> Stamp | None:
    """The stamp of data read from file version ``identity`` (signature, journal end) at
    ``checkpoint``; None when the file on disk is another version by now."""
    sig, mark = file_mark(db_path)
    if sig != identity[:3]:
        return None
    return Stamp(sig, mark, checkpoint, identity[3])
