"""``O``: every reply, edit and delete that has not reached its blog, and why.

The thread shows each reply's state where it is; this lists them all, whatever review
they are on: queued (with the last try's reason), sending, or refused by the blog
(failed, with its message). ``enter`` goes to the reply; ``R`` tries them all now (the
refused ones too), and the list is read again when that ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.content import Content

from tui.display import join, literal_line
from tui.screens.listing import ListingScreen, preview

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.store import PendingEntry, Store


def entry_lines(pending: PendingEntry) -> Content:
    """What, where it stands, on which review, and the start of its text."""
    entry = pending.entry
    style = "$error" if entry.state == "failed" else "$warning"
    what = {"reply": "Reply", "edit": "Edit", "delete": "Delete", "undelete": "Undelete"}
    head = join(
        (f"{what.get(entry.op, entry.op)} · ", "bold"), literal_line(entry.describe(), style)
    )
    where = join(
        ("   on ", "dim"),
        literal_line(pending.title or "a review no longer here", "dim"),
        (f" · reply {entry.comment_id}", "dim"),
    )
    return Content("\n").join([head, where, join(("   ", ""), preview(entry.content))])


class OutboxScreen(ListingScreen["PendingEntry"]):
    """The outbox's waiting entries; ``enter`` gives the review and reply to go to."""

    TITLE_TEXT = "Outbox"
    HINT = "Replies, edits and deletes that have not reached their blog."
    EMPTY = "Nothing waits: every reply, edit and delete has reached its blog."

    BINDINGS = [
        Binding("escape,q,O", "dismiss(None)", "Close", id="outbox.close"),
        Binding("enter", "go", "Go to the reply", priority=True, id="outbox.go"),
        # The app's R, here too: a modal screen's keys stop at the screen.
        Binding("R", "sync", "Send now", id="outbox.sync"),
    ]

    def read(self, store: Store) -> list[PendingEntry]:
        """The entries that have not reached their blog."""
        return store.pending_outbox()

    def lines(self, item: PendingEntry) -> Content:
        """What, where it stands, on which review, the start of its text."""
        return entry_lines(item)

    def target(self, item: PendingEntry) -> tuple[int, int] | None:
        """The reply, in its review (``None`` when the review is gone)."""
        return (item.review_id, item.entry.comment_id) if item.review_id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``R`` only when something waits; ``enter`` as every listing."""
        if action == "sync":
            return bool(self.items)
        return super().check_action(action, parameters)

    def action_sync(self) -> None:
        """Sync and send everything now (``R``); the refused entries are tried again."""
        cast("ReviewsApp", self.app).action_sync()
