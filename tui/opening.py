"""Opening the database in a plain thread, started before Textual is even imported.

Opening a big file (tens of megabytes to parse and index) is most of the
reader's start. ``Opening`` starts it at once, so that it runs while the
command line imports Textual and builds the app, and the reader's first
frame can already show the newest review. It imports no Textual: the command
line starts it first thing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.model import ParsedReview, Review
from tui.store import Store
from tui.store.paths import state_path
from tui.store.ui_state import UiState, load_ui_state

SeedLoader = Callable[[], Sequence[ParsedReview]]


@dataclass(frozen=True)
class Opened:
    """The open store, the UI state remembered beside it, and the first screen's list."""

    store: Store
    state: UiState
    first: tuple[list[Review], set[int], int] | None
    """``Store.peek_reviews()`` right after opening: the sidebar's first fill."""


class Opening:
    """``Store(db_path)`` and the remembered UI state, read in a daemon thread.

    ``wait(timeout)`` says whether it has finished; ``result()`` then gives the
    ``Opened`` result or raises what opening raised (``CorruptDatabase``,
    ``StoreBusy``, ...), so the caller reports it as it would a direct call.
    """

    def __init__(
        self, db_path: Path, *, seed: SeedLoader | None = None, lock_timeout: float = 5.0
    ) -> None:
        self.db_path = db_path
        self._seed = seed
        self._lock_timeout = lock_timeout
        self._done = threading.Event()
        self._opened: Opened | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="reviews-open", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            store = Store(self.db_path, seed=self._seed, lock_timeout=self._lock_timeout)
            first = store.peek_reviews()  # nothing else uses the store yet
            state = load_ui_state(state_path(self.db_path))
            self._opened = Opened(store, state, first)
        except BaseException as error:  # noqa: BLE001 - handed to whoever asks for the result
            self._error = error
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (forever if None); True once it has finished."""
        return self._done.wait(timeout)

    def done(self) -> bool:
        """Whether opening has finished, well or badly."""
        return self._done.is_set()

    def result(self) -> Opened:
        """The open store and state, waiting if needed; raises what opening raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._opened is not None
        return self._opened

    def close(self) -> None:
        """Close the store if it opened (for a caller that gives up on it)."""
        self._done.wait()
        if self._opened is not None:
            self._opened.store.close()
