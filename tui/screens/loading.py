"""Shown for the moment the database takes to open."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from tui.display import join, literal_line


class LoadingScreen(Screen[None]):
    """A spinner and the file being opened."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    LoadingScreen LoadingIndicator {
        height: 3;
    }

    #loading-path {
        width: auto;
    }
    """

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self._db_path = db_path

    def compose(self) -> ComposeResult:
        """The file name, literally, under a spinner."""
        with Middle(), Center():
            yield LoadingIndicator()
            yield Static(
                join(("Opening ", "dim"), literal_line(str(self._db_path), "dim")),
                id="loading-path",
            )
