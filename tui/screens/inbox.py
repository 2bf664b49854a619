"""``I``: the answers to your replies, newest first, whatever review they are on.

Following a thread means knowing when someone answered you. Each answer shows who
wrote it, when, on which review, and the start of what they said, marked ``new``
until it has been on screen in its thread; ``enter`` goes to it there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.content import Content

from tui.display import display_date, join, literal_line
from tui.model import ANONYMOUS
from tui.screens.listing import ListingScreen, preview
from tui.store.words import searchable

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.store import Answer, Store


def answer_lines(answer: Answer, seen: bool) -> Content:
    """``new`` (unless ``seen``), who and when; on which review; the start of what they
    said (as words)."""
    comment = answer.comment
    head = join(
        ("new  " if not seen else "", "bold $accent"),
        literal_line(comment.author or ANONYMOUS, "bold"),
        (" answered you", ""),
        (f" · {display_date(comment.date)}" if comment.date else "", "dim"),
    )
    where = join(
        ("   on ", "dim"), literal_line(answer.title, "dim"), (f" · comment {comment.id}", "dim")
    )
    words = searchable(comment.body) if not comment.local else comment.body
    return Content("\n").join([head, where, join(("   ", ""), preview(words))])


class InboxScreen(ListingScreen["Answer"]):
    """Answers to your replies; ``enter`` gives the review and comment to go to."""

    TITLE_TEXT = "Answers to you"
    HINT = "Comments that answer one of your replies, newest first."
    EMPTY = "No answers to your replies yet: press r on a comment to write one."

    BINDINGS = [
        Binding("escape,q,I", "dismiss(None)", "Close", id="inbox.close"),
        Binding("enter", "go", "Go to the answer", priority=True, id="inbox.go"),
    ]

    def read(self, store: Store) -> list[Answer]:
        """The answers, newest first."""
        return store.answers_to_you()

    def lines(self, item: Answer) -> Content:
        """Who, when, where, and the start of it; seen counts the marks not written yet."""
        waiting = cast("ReviewsApp", self.app).pending_seen().get(item.comment.review_id, set())
        return answer_lines(item, item.seen or item.comment.id in waiting)

    def target(self, item: Answer) -> tuple[int, int] | None:
        """The answer, in its review."""
        return item.comment.review_id, item.comment.id
