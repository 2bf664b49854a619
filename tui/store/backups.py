"""Rotating backups of the database, and putting one back.

The store keeps the database as ``<dir>/backups/<name>.<time>.bak`` before
the first write of a session that changes reviews or comments (not read
marks), and keeps the newest ``KEEP`` once that write has succeeded. The
database file is only ever replaced, never written in place, so the backup is
a hard link to it (no copy, however big it is); the small changes appended
since the last checkpoint are in the journal, copied beside the backup as
``<backup>.journal`` (a few megabytes at most). A restore takes the store's
lock, backs up the current state first, then writes the backup (with its
journal applied) in place of the file, so a restore can itself be undone. The
``backups`` folder is private (``0700``) and never a symlink.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.store.checkpoint import read_database, write_database
from tui.store.errors import StoreError, WriteFailed, database_lock, holding
from tui.store.files import private_dir, writable
from tui.store.journal import journal_path, journal_size
from tui.store.storage import (
    UnreadableFileError,
    atomic_write_bytes,
    fsync_dir,
    remove_stale_temps,
)

KEEP = 3
"""How many backups are kept per database."""

_STAMP = "%Y%m%dT%H%M%S-%f"  # sorts as text in time order; microseconds keep names unique


@dataclass(frozen=True)
class Backup:
    """One backup file: where it is, when it was taken, how big it is."""

    path: Path
    time: datetime
    size: int

    def describe(self) -> str:
        """One line for a listing: time, size, file name."""
        return f"{self.time:%Y-%m-%d %H:%M:%S}  {_size(self.size)}  {self.path.name}"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def backups_dir(db_path: Path) -> Path:
    """Where backups of ``db_path`` go: ``backups/`` beside it."""
    return db_path.parent / "backups"


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(db_path.name) + r"\.(\d{8}T\d{6}-\d{6})\.bak")


def backup_journal(backup: Path) -> Path:
    """The copy of the journal kept with a backup (it may not exist: nothing to replay)."""
    return backup.with_name(backup.name + ".journal")


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of ``db_path``, newest first (none from a folder that is a symlink)."""
    folder = backups_dir(db_path)
    pattern = _pattern(db_path)
    found: list[Backup] = []
    if folder.is_symlink():
        return found
    with contextlib.suppress(FileNotFoundError):
        for path in folder.iterdir():
            match = pattern.fullmatch(path.name)
            if match is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                size = path.stat().st_size
                found.append(Backup(path, datetime.strptime(match.group(1), _STAMP), size))
    found.sort(key=lambda b: b.time, reverse=True)
    return found


def make_backup(db_path: Path, *, keep: int | None = KEEP) -> Path | None:
    """Copy ``db_path`` into the backups atomically; then keep only the newest ``keep``.

    The caller holds the database lock. Returns the new backup, or ``None`` when
    there is no database yet. ``keep=None`` rotates nothing (the caller prunes
    once its write succeeded). ``OSError`` propagates (``UnsafePath`` for a
    ``backups`` symlink): the caller decides whether a write may go on without.
    """
    if not db_path.exists():
        return None
    folder = backups_dir(db_path)
    private_dir(folder)
    remove_stale_temps(
        folder / db_path.name, name_pattern=_pattern(db_path).pattern + r"(?:\.journal)?"
    )
    target = folder / f"{db_path.name}.{datetime.now().strftime(_STAMP)}.bak"
    try:
        # The database is only ever replaced by a rename, never written in place, so a
        # hard link to it is a snapshot that costs nothing however big the file is.
        os.link(db_path, target, follow_symlinks=False)
        fsync_dir(folder)
    except FileNotFoundError:
        return None
    except OSError:  # no hard links here (another file system, FAT, a sandbox): copy
        try:
            data = db_path.read_bytes()
            mode = stat.S_IMODE(db_path.stat().st_mode)
        except FileNotFoundError:
            return None
        atomic_write_bytes(target, data, mode=mode)
    journal = journal_path(db_path)
    if journal_size(journal):
        try:
            atomic_write_bytes(backup_journal(target), journal.read_bytes())
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()
            raise
    if keep is not None:
        prune_backups(db_path, keep=keep, spare=(target,))
    return target


def prune_backups(db_path: Path, *, keep: int = KEEP, spare: tuple[Path, ...] = ()) -> None:
    """Keep ``keep`` backups of ``db_path``: those in ``spare``, then the newest others."""
    others = [b for b in list_backups(db_path) if b.path not in spare]
    for old in others[max(keep - len(spare), 0) :]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
        with contextlib.suppress(FileNotFoundError):
            backup_journal(old.path).unlink()


def restore_backup(db_path: Path, backup: Backup, *, lock_timeout: float = 5.0) -> None:
    """Put ``backup`` in place of ``db_path``, keeping a backup of the current file first.

    Raises ``StoreBusy`` if the lock is held, ``StoreError`` if the backup is
    unreadable, ``WriteFailed`` if the disk refuses; in each case the database
    is left as it was.
    """
    with holding(database_lock(db_path, lock_timeout), db_path):
        try:
            data = backup.path.read_bytes()
        except OSError as error:
            raise StoreError(f"could not read backup {backup.path}: {error.strerror}") from None
        try:
            tables = read_database(data, backup_journal(backup.path))
        except UnreadableFileError as error:
            raise StoreError(
                f"backup {backup.path} is unreadable ({error}); {db_path} was not changed"
            ) from None
        try:
            if not writable(db_path):
                raise StoreError(f"{db_path} is read-only; it was not changed")
            taken = make_backup(db_path, keep=None)
            # Written anew, not copied: its checkpoint number must differ from the one the
            # current journal names, so that journal is never replayed over the backup.
            write_database(db_path, tables)
            # Three in all: the one just taken, the one restored, the newest other.
            prune_backups(db_path, spare=tuple(p for p in (taken, backup.path) if p is not None))
        except OSError as error:
            reason = error.strerror or str(error)
            raise WriteFailed(
                f"could not restore {db_path}: {reason}; nothing was changed"
            ) from None
