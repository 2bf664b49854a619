"""A yes/no question, answered from the keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask ``question``; ``y`` or enter on Yes confirms, ``n`` or escape declines."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        background: $background 60%;
    }

    #confirm {
        width: 60;
        max-width: 95%;
        height: auto;
        border: round $error;
        background: $surface;
        padding: 1 2;
    }

    #confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }

    #confirm-buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Content, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        """The question (literal content) and two buttons."""
        with Vertical(id="confirm"):
            yield Static(self._question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content(self._yes), id="yes", variant="error")
                yield Button(Content(self._no), id="no")

    def on_mount(self) -> None:
        """Safe default: the focus starts on No."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A click or enter on a button answers."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(answer)
