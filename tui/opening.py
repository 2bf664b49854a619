"""Opening the database in a plain thread, started before Textual is even imported.

Opening a big file (tens of megabytes to parse and index) is most of the
reader's start. ``Opening`` starts it at once, so that it runs while the
command line imports Textual and builds the app, and the reader's first
frame can already show the newest review. It imports no Textual: the command
line starts it first thing.

When the first-screen snapshot beside the database (``tui.store.first_screen``)
belongs to the file as it is, it is read first and offered as ``first_screen``;
the whole file is then parsed only once the reader says its first frame is
out (``go``), so the two do not fight over the interpreter meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.model import ParsedReview, Review
from tui.store.errors import StoreError
from tui.store.first_screen import ORDER, FirstScreen, load_first_screen
from tui.store.paths import real_path, state_path
from tui.store.ui_state import UiState, load_ui_state

if TYPE_CHECKING:
    from tui.store import Store

SeedLoader = Callable[[], Sequence[ParsedReview]]

GO_WAIT = 2.0
"""Seconds the full load waits for the reader's first frame before starting anyway."""


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
        self,
        db_path: Path,
        *,
        seed: SeedLoader | None = None,
        lock_timeout: float = 5.0,
        hold: threading.Event | None = None,
    ) -> None:
        """``hold``: the full load also waits for this event (tests keep the first screen up)."""
        self.db_path = db_path
        self._seed = seed
        self._lock_timeout = lock_timeout
        self._hold = hold
        self._done = threading.Event()
        self._glanced = threading.Event()
        self._go = threading.Event()
        self._first_screen: FirstScreen | None = None
        self._state: UiState | None = None
        self._opened: Opened | None = None
        self._error: BaseException | None = None
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="reviews-open", daemon=True)
        self._thread.start()

    def elapsed(self) -> float:
        """Seconds since opening started (the command line may have waited some already)."""
        return time.monotonic() - self._started

    def _run(self) -> None:
        try:
            try:
                self._state = state = load_ui_state(state_path(self.db_path))
                if state.sort == ORDER:
                    self._first_screen = load_first_screen(real_path(self.db_path))
            except StoreError:
                pass  # opening the store below reports it
            finally:
                self._glanced.set()
            if self._first_screen is not None:
                self._go.wait(GO_WAIT)
            if self._hold is not None:
                self._hold.wait()
            # Imported here, after the first frame: TinyDB and the store are not needed for it.
            from tui.store import Store

            store = Store(
                self.db_path, seed=self._seed, lock_timeout=self._lock_timeout, keep_small=True
            )
            first = store.peek_reviews()  # nothing else uses the store yet
            # Before the reader has the store (a few ms, only when the snapshot is stale):
            # afterwards it would hold the store while the reader's first keys want it.
            with suppress(StoreError, OSError):  # a nicety for the next start: never an error
                store.keep_first_screen()
            self._opened = Opened(store, state, first)
        except BaseException as error:  # noqa: BLE001 - handed to whoever asks for the result
            self._error = error
        finally:
            self._done.set()

    def first_screen(self, timeout: float | None = None) -> FirstScreen | None:
        """The first screen from the snapshot if it matches the file (None if not, or yet).

        Waits up to ``timeout`` seconds for the snapshot to be looked at (a few ms).
        """
        self._glanced.wait(timeout)
        return self._first_screen if self._glanced.is_set() else None

    def ui_state(self) -> UiState:
        """The remembered UI state, once the snapshot was looked at (defaults before)."""
        return self._state if self._glanced.is_set() and self._state else UiState()

    def go(self) -> None:
        """The reader's first frame is out: parse the whole file now."""
        self._go.set()

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

    def handed_over(self) -> None:
        """The reader has what it needs of the first screen and list: they are let go
        here (the sidebar's fill is 10,000 reviews and a set of their ids on a big
        file), and only the store is kept, for ``close``."""
        self._first_screen = None
        if self._opened is not None:
            self._opened = replace(self._opened, first=None)

    def close(self) -> None:
        """Close the store if it opened (for a caller that gives up on it)."""
        self._done.wait()
        if self._opened is not None:
            self._opened.store.close()
