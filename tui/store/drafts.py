"""Unsent reply drafts, kept in a small JSON file beside the database.

A draft survives a crash or a closed terminal: each change replaces the file
atomically (the same write as the database's) under a lock on
``<drafts>.lock``, so two windows editing different drafts never lose one
another's text. The file is private (``0600``) and never read or written
through a symlink: one planted at the drafts path is refused with a message.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from tui.store.errors import StoreError, WriteFailed, holding
from tui.store.files import private_dir, read_private, set_aside

if TYPE_CHECKING:
    import filelock


class Drafts:
    """Draft texts by key (``"review:3"``, ``"comment:17"``) in one JSON file."""

    def __init__(self, path: Path, *, lock_timeout: float = 5.0) -> None:
        """Use the drafts file at ``path`` (created on the first ``put``)."""
        self.path = Path(path)
        self._rlock = threading.RLock()
        self._lock_timeout = lock_timeout
        self._flock: filelock.FileLock | None = None
        self._swept = False
        """Whether the temp files of a writer killed mid-write were removed yet (by the
        first ``put``: the storage module that does it loads after the first frame)."""

    def _file_lock(self) -> filelock.FileLock:
        """The lock file beside the drafts, made when first taken (the reader's first
        frame makes a ``Drafts`` and does without filelock)."""
        if self._flock is None:
            import filelock

            lock = str(self.path.with_name(self.path.name + ".lock"))
            self._flock = filelock.FileLock(lock, timeout=self._lock_timeout, mode=0o600)
        return self._flock

    def _load(self) -> dict[str, str]:
        try:
            raw = read_private(self.path)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise StoreError(f"could not read drafts {self.path}: {error.strerror}") from None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
            return data
        # Drafts are not worth refusing to work over, but the text is the user's:
        # set the unreadable file aside (its mode kept) before the next draft replaces it.
        try:
            set_aside(self.path, raw)
        except OSError as error:
            raise StoreError(
                f"drafts {self.path} are unreadable and could not be set aside: {error.strerror}"
            ) from None
        return {}

    def get(self, key: str) -> str | None:
        """The draft saved under ``key``, if any."""
        with self._rlock:
            return self._load().get(key)

    def all(self) -> dict[str, str]:
        """Every draft, by key."""
        with self._rlock:
            return self._load()

    def put(self, key: str, text: str) -> None:
        """Save ``text`` as the draft for ``key``; an empty (blank) text removes it."""
        # A lone surrogate (pasted from a broken source) cannot be stored as UTF-8.
        text = text.encode("utf-8", "replace").decode("utf-8")
        with self._rlock:
            try:
                private_dir(self.path.parent)
            except OSError as error:
                raise WriteFailed(
                    f"could not save the draft to {self.path}: {error.strerror}"
                ) from None
        with self._rlock, holding(self._file_lock(), self.path):
            drafts = self._load()
            if text.strip():
                if drafts.get(key) == text:
                    return
                drafts[key] = text
            elif drafts.pop(key, None) is None:
                return
            from tui.store.storage import atomic_write_bytes, remove_stale_temps

            if not self._swept:
                remove_stale_temps(self.path)
                self._swept = True
            try:
                atomic_write_bytes(self.path, orjson.dumps(drafts, option=orjson.OPT_INDENT_2))
            except OSError as error:
                raise WriteFailed(
                    f"could not save the draft to {self.path}: {error.strerror}; "
                    "nothing was changed"
                ) from None

    def discard(self, key: str) -> None:
        """Forget the draft for ``key`` (after the reply was sent, or thrown away)."""
        self.put(key, "")
