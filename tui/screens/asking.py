"""A small dialog that asks for a line or two and checks it off the event loop (follow a
blog, log in to one): its frame, a muted explanation, and a status line that says what
is happening or what went wrong, cleared as soon as the user types again."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.display import join, literal_line

T = TypeVar("T")


class AskingScreen(ModalScreen[T]):
    """The frame (``#asking``), explanation (``.asking-intro``) and status line
    (``#asking-status``) that the asking dialogs share; ``busy`` while a check runs."""

    # Here, not in reader.tcss: parsed when a dialog first opens, not at start.
    DEFAULT_CSS = """
    AskingScreen {
        align: center middle;
        background: $background 60%;
    }

    #asking {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }

    .asking-intro {
        color: $text-muted;
        margin: 1 0;
    }

    #asking-status {
        height: auto;
        margin-top: 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        """A check is running (the boxes are disabled meanwhile)."""

    @on(Input.Changed)
    def _typed(self) -> None:
        if not self.busy:
            self.say(Content(""))

    def say(self, text: Content) -> None:
        """Put ``text`` on the status line."""
        self.query_one("#asking-status", Static).update(text)

    def checking(self, what: str, boxes: list[Input]) -> None:
        """A check of ``what`` (outside text) starts: the boxes wait, the line says so."""
        self.busy = True
        for box in boxes:
            box.disabled = True
        self.say(join(("Asking ", "dim"), literal_line(what, "dim"), ("…", "dim")))

    def refused(self, heading: str, reason: str, boxes: list[Input], focus: Input) -> None:
        """The check failed: the boxes are back, ``focus`` has the cursor, and the line
        says ``heading`` and the reason (outside text, kept literal)."""
        self.busy = False
        for box in boxes:
            box.disabled = False
        focus.focus()
        self.say(join((heading, "$error"), literal_line(reason, "$error")))
