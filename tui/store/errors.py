"""The store's errors, and the cross-process lock whose timeout is one of them.

They live apart from ``tui.store`` so that ``tui.store.backups`` can raise them and
take the same lock without importing the store; ``tui.store`` re-exports them.
Every message is one line fit to show as it is in the CLI and the UI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where a lock is made: the reader's first frame needs these errors, not
    # filelock (~15 ms of start-up).
    import filelock


class StoreError(Exception):
    """Anything the store refuses or cannot do, in one clear line."""


class StoreBusy(StoreError):  # noqa: N818  # the names are the store's contract
    """Another process held the database lock for longer than the timeout."""


class CorruptDatabase(StoreError):  # noqa: N818  # the names are the store's contract
    """The file is not a readable database: names it, the copy set aside, how to restore."""


class InconsistentDatabase(CorruptDatabase):
    """The file is readable but breaks an invariant; ``reviews check --repair`` fixes it."""


class NewerSchema(StoreError):  # noqa: N818  # the names are the store's contract
    """The database was written by a newer version of reviews; it is left untouched."""


class WriteFailed(StoreError):  # noqa: N818  # the names are the store's contract
    """Saving failed (disk full, I/O error...); nothing on disk changed."""


class ReadOnlyDatabase(StoreError):  # noqa: N818  # the names are the store's contract
    """The user made the database file read-only: it is read, never written."""


class NotFound(StoreError):  # noqa: N818  # the names are the store's contract
    """No review or comment with that id."""


class NotYours(StoreError):  # noqa: N818  # the names are the store's contract
    """Only the user's own (local) replies can be edited or deleted."""


def lock_path(db_path: Path) -> Path:
    """The lock file beside a database: ``<db>.lock`` (never the database itself)."""
    return db_path.with_name(db_path.name + ".lock")


def database_lock(db_path: Path, timeout: float) -> filelock.FileLock:
    """The cross-process lock around every read-modify-write of ``db_path``."""
    import filelock

    return filelock.FileLock(str(lock_path(db_path)), timeout=timeout, mode=0o600)


@contextmanager
def holding(lock: filelock.FileLock, db_path: Path) -> Iterator[None]:
    """Hold ``lock``; a timeout becomes ``StoreBusy``, an unusable lock file a ``StoreError``."""
    import filelock

    try:
        lock.acquire()
    except filelock.Timeout:
        raise StoreBusy(
            f"another reviews process is busy: could not lock {db_path} within {lock.timeout:g} s"
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise StoreError(f"could not lock {db_path}: {reason}") from None
    try:
        yield
    finally:
        lock.release()
