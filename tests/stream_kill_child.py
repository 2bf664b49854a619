"""``reviews import FEED`` as a user runs it, killed with SIGKILL at a chosen phase.

Usage::

    stream_kill_child.py PHASE ARGS...    run ``reviews ARGS...``; SIGKILL itself at PHASE

The streamed import's kill test (tests/test_feed_stream.py) needs the database whole,
old or new, whenever the command dies. Killing a child after guessed delays needed a
feed of thousands of entries (the temp file is used past ``IN_MEMORY_DOCS``) and ten
full imports to land a few kills mid-import; here the temp file is used past
``SPOOL_AFTER`` documents and the feed is read ``CHUNK_BYTES`` at a time (as the test
module's in-process imports do), and the command kills itself at the moment named:

- ``reading``: entries merged and held in memory, no temp file yet;
- ``spooling``: the temp file started and being appended to;
- ``writing``: the new database's temp file partly written, the old file in place;
- ``replaced``: the new file renamed over the old, the command not yet finished.

Before the kill it writes ``killed at PHASE`` to stderr; a phase never reached lets the
command finish (exit 0), which the test refuses. The command, the store and the disk
are the real ones; only these limits and the moment of death are the test's.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from tui.cli import main
from tui.importers import feed_stream
from tui.store import database, storage
from tui.store.spool import NewDocs

SPOOL_AFTER = 200
"""New documents held in memory before the temp file is used (the shipped value: 5,000)."""

CHUNK_BYTES = 16_384
"""The stream's read size, so a feed spans several reads."""

PHASES = ("reading", "spooling", "writing", "replaced")

HELD = 50
"""``reading``: killed as the 50th new document is held (fewer than ``SPOOL_AFTER``)."""

APPENDED = SPOOL_AFTER + 50
"""``spooling``: killed at this append to the temp file (50 after it was started)."""

PIECES = 2
"""``writing``: killed after this many pieces of the new file were written."""


def die(phase: str) -> None:
    """Say where, then SIGKILL this process (nothing runs after it: no cleanup, no flush)."""
    sys.stderr.write(f"killed at {phase}\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def arm(phase: str, db: Path) -> None:
    """Scale the spool down and put the kill at ``phase`` of an import into ``db``."""
    database.NewDocs = partial(NewDocs, in_memory=SPOOL_AFTER)  # type: ignore[misc]
    feed_stream.CHUNK = CHUNK_BYTES
    if phase == "reading":
        put = NewDocs.__setitem__

        def held(docs: NewDocs, key: str, doc: dict[str, Any]) -> None:
            put(docs, key, doc)
            if len(docs) == HELD and not docs.spilled:
                die(phase)

        NewDocs.__setitem__ = held  # type: ignore[method-assign]
    elif phase == "spooling":
        append = NewDocs._append
        count = [0]

        def appended(docs: NewDocs, key: str, data: bytes) -> None:
            append(docs, key, data)
            count[0] += 1
            if count[0] == APPENDED:
                die(phase)

        NewDocs._append = appended  # type: ignore[method-assign]
    elif phase == "writing":
        serialise = storage.serialise_tables

        def pieces(
            tables: storage.Tables, appended: Mapping[str, Any] | None = None
        ) -> Iterator[bytes | memoryview]:
            for number, piece in enumerate(serialise(tables, appended)):
                if appended and number == PIECES:  # the ones before it are on disk
                    die(phase)
                yield piece

        storage.serialise_tables = pieces  # type: ignore[assignment]
    elif phase == "replaced":
        write = storage.atomic_write_pieces

        def written(path: Path, *args: Any, **kwargs: Any) -> storage.Signature:
            sig = write(path, *args, **kwargs)
            if Path(path).resolve() == db.resolve():  # the database, not the ids index
                die(phase)
            return sig

        storage.atomic_write_pieces = written
    else:
        raise SystemExit(f"stream_kill_child.py: no phase {phase!r}: one of {', '.join(PHASES)}")


def run(phase: str, argv: list[str]) -> int:
    """Arm the kill at ``phase``, then run the command line ``argv`` (with ``--db``)."""
    arm(phase, Path(argv[argv.index("--db") + 1]))
    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2:]))
