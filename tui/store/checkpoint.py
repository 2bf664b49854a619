"""The database read and written whole, outside a store: the JSON file with its journal.

For the commands that work on the file itself (``reviews check --repair``,
``reviews restore``); the store reads and writes through
``tui.store.storage.AtomicFileStorage``.
"""

from __future__ import annotations

from pathlib import Path

from tui.store.journal import (
    GarbledJournalError,
    apply,
    checkpoint_of,
    empty_journal,
    journal_checkpoint,
    journal_path,
    read_journal,
    stamp_checkpoint,
)
from tui.store.storage import (
    Signature,
    Tables,
    UnreadableFileError,
    atomic_write_pieces,
    parse_tables,
    serialise_tables,
)


def read_database(raw: bytes | bytearray, journal: Path | None) -> Tables:
    """Parse a database file's bytes and apply ``journal``'s records that belong to it.

    ``UnreadableFileError`` when the file is not a database or the journal is
    garbled. For the commands that read a database without a store (check,
    restore); the store itself reads through ``AtomicFileStorage``.
    """
    tables = parse_tables(raw)
    if journal is not None:
        try:
            replay = read_journal(journal, checkpoint_of(tables), len(raw))
        except GarbledJournalError as error:
            raise UnreadableFileError(str(error)) from None
        for changes in replay.records:
            apply(tables, changes)
    return tables


def write_database(path: Path, tables: Tables) -> Signature:
    """Replace database ``path`` with ``tables`` whole and empty its journal (a checkpoint).

    The caller holds the database lock. The new file's checkpoint number is
    one its journal does not name, so a crash before the journal is emptied
    leaves records that are never applied to it.
    """
    if not isinstance(tables.get("meta"), dict):
        tables["meta"] = {}
    stamp_checkpoint(tables, journal_checkpoint(path))
    sig = atomic_write_pieces(path, serialise_tables(tables))
    empty_journal(journal_path(path))
    return sig
