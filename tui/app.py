"""The Textual app: opens the store off the event loop, then shows the reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding

from tui.config import Config
from tui.drafts import Drafts
from tui.model import ParsedReview
from tui.paths import drafts_path
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.store import Store

SeedLoader = Callable[[], Sequence[ParsedReview]]


class ReviewsApp(App[int]):
    """A keyboard-first reader for film reviews and their comment threads."""

    CSS_PATH = "reader.tcss"
    TITLE = "reviews"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        db_path: Path,
        config: Config | None = None,
        *,
        seed: SeedLoader | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.config = config or Config()
        self._seed = seed
        self._store: Store | None = None
        self.drafts = Drafts(drafts_path(db_path))
        self.startup_error: str | None = None
        """Why the app could not start (a corrupt database, say); the CLI prints it."""
        if self.config.theme:
            self.theme = self.config.theme

    @property
    def store(self) -> Store:
        """The open store; only valid once the reader screen is up."""
        if self._store is None:
            raise RuntimeError("the database is not open yet")
        return self._store

    def on_mount(self) -> None:
        """Show a loading screen while the database opens in a thread."""
        self.push_screen(LoadingScreen(self.db_path))
        self.open_store()

    @work(thread=True, exclusive=True, group="open")
    def open_store(self) -> None:
        """Open (or create from the bundled seeds) the database, off the event loop."""
        try:
            store = Store(self.db_path, seed=self._seed)
        except Exception as error:  # noqa: BLE001 - every failure ends in a clear message
            self.call_from_thread(self._cannot_start, str(error))
            return
        self.call_from_thread(self._store_ready, store)

    def _store_ready(self, store: Store) -> None:
        self._store = store
        self.switch_screen(ReaderScreen())

    def _cannot_start(self, reason: str) -> None:
        self.startup_error = reason
        self.exit(1)

    def on_unmount(self) -> None:
        """Release the store's file handles and lock."""
        if self._store is not None:
            self._store.close()
