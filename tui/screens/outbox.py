"""``O``: every reply, edit and delete that has not reached its blog, and why.

The thread shows each reply's state where it is; this lists them all, whatever review
they are on: queued (with the last try's reason), sending, or refused by the blog
(failed, with its message). ``enter`` goes to the reply; ``R`` tries them all now (the
refused ones too), and the list is read again when that ends. Read from the store in a
thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.widgets.option_list import Option

from tui.display import join, literal_line
from tui.text import one_line
from tui.widgets.choice_list import ChoiceList
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.store import PendingEntry, Store

EMPTY = "Nothing waits: every reply, edit and delete has reached its blog."
PREVIEW = 70
"""Characters of each reply's text shown."""


@dataclass
class OutboxLoaded(Message):
    """The entries not sent yet, read from the store."""

    pending: list[PendingEntry]


def entry_lines(pending: PendingEntry) -> Content:
    """What, where it stands, on which review, and the start of its text."""
    entry = pending.entry
    state = entry.describe()
    style = "$error" if entry.state == "failed" else "$warning"
    what = {"reply": "Reply", "edit": "Edit", "delete": "Delete", "undelete": "Undelete"}
    head = join((f"{what.get(entry.op, entry.op)} · ", "bold"), literal_line(state, style))
    where = join(
        ("   on ", "dim"),
        literal_line(pending.title or "a review no longer here", "dim"),
        (f" · reply {entry.comment_id}", "dim"),
    )
    text = one_line(entry.content)
    if len(text) > PREVIEW:
        text = text[: PREVIEW - 1] + "…"
    return Content("\n").join([head, where, join(("   ", ""), literal_line(text))])


class OutboxScreen(ModalScreen[tuple[int, int] | None]):
    """The outbox's waiting entries; ``enter`` gives the review and reply to go to."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    OutboxScreen {
        align: center middle;
        background: $background 60%;
    }

    #outbox {
        width: 100;
        max-width: 95%;
        height: 70%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #outbox-title {
        padding: 1 0 0 0;
    }

    #outbox-hint {
        color: $text-muted;
        padding: 0 0 1 0;
    }

    #outbox-list {
        height: 1fr;
        border: none;
    }

    #outbox-list > .option-list--option {
        padding: 0 0 1 0;
    }
    """

    BINDINGS = [
        Binding("escape,q,O", "dismiss(None)", "Close", id="outbox.close"),
        Binding("enter", "go", "Go to the reply", priority=True, id="outbox.go"),
        # The app's R, here too: a modal screen's keys stop at the screen.
        Binding("R", "sync", "Send now", id="outbox.sync"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._pending: list[PendingEntry] = []

    def compose(self) -> ComposeResult:
        """A title, a line on what this is, the entries."""
        with Vertical(id="outbox"):
            yield Static(Content.styled("Outbox", "bold"), id="outbox-title")
            yield Static(
                Content("Replies, edits and deletes that have not reached their blog."),
                id="outbox-hint",
            )
            yield ChoiceList(id="outbox-list")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Read the entries off the event loop."""
        self.query_one("#outbox-list", ChoiceList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the entries again (after a sync, say), handing the thread the app."""
        app = cast("ReviewsApp", self.app)
        self._read(app, app.store)

    @work(thread=True, exclusive=True, group="outbox")
    def _read(self, app: ReviewsApp, store: Store) -> None:
        try:
            pending = store.pending_outbox()
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(
                app.notify, str(error), title="Could not read", severity="error", markup=False
            )
            return
        self.post_message(OutboxLoaded(pending))

    def on_outbox_loaded(self, message: OutboxLoaded) -> None:
        """Fill the list, keeping the highlighted entry's place."""
        self._pending = message.pending
        self.refresh_bindings()
        listing = self.query_one("#outbox-list", ChoiceList)
        keep = listing.highlighted
        listing.clear_options()
        if not message.pending:
            listing.add_option(Option(Content.styled(EMPTY, "italic"), disabled=True))
            return
        listing.add_options(Option(entry_lines(p), id=str(p.entry.id)) for p in message.pending)
        listing.highlighted = min(keep or 0, len(message.pending) - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` only on an entry whose review is still here; ``R`` with entries."""
        if action == "go":
            chosen = self._highlighted()
            return chosen is not None and chosen.review_id != 0
        if action == "sync":
            return bool(self._pending)
        return True

    def on_option_list_option_highlighted(self) -> None:
        """``enter`` is shown for an entry it can go to."""
        self.refresh_bindings()

    def _highlighted(self) -> PendingEntry | None:
        index = self.query_one("#outbox-list", ChoiceList).highlighted
        return self._pending[index] if self._pending and index is not None else None

    def action_go(self) -> None:
        """Close, and show the highlighted entry's reply in its review."""
        chosen = self._highlighted()
        if chosen is not None and chosen.review_id:
            self.dismiss((chosen.review_id, chosen.entry.comment_id))

    def action_sync(self) -> None:
        """Sync and send everything now (``R``); the refused entries are tried again."""
        cast("ReviewsApp", self.app).action_sync()
