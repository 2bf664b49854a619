"""The sidebar: every review as two lines, on an OptionList (lines, not widgets)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.display import display_date, join, literal_line
from tui.model import Review
from tui.text import one_line


class ReviewList(OptionList):
    """Reviews newest first; filtered by title as the user types."""

    BINDINGS = [
        ("j", "cursor_down", "Down"),
        ("k", "cursor_up", "Up"),
    ]

    @dataclass
    class ReviewHighlighted(Message):
        """The cursor moved to a review."""

        review_id: int

    @dataclass
    class ReviewChosen(Message):
        """The user pressed enter on a review."""

        review_id: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._reviews: list[Review] = []
        self._folded: list[str] = []
        self._shown: list[Review] = []
        self._filter = ""
        self._unread: set[int] = set()

    @property
    def shown(self) -> list[Review]:
        """The reviews on screen, after the filter, in order."""
        return self._shown

    @property
    def current_id(self) -> int | None:
        """The highlighted review's id."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index].id

    def set_reviews(
        self, reviews: list[Review], keep: int | None = None, unread: set[int] | None = None
    ) -> None:
        """Show ``reviews``; keep the cursor on review ``keep`` when it is still there."""
        self._reviews = reviews
        self._folded = [one_line(r.title).casefold() for r in reviews]
        if unread is not None:
            self._unread = unread
        self._apply(keep)

    def set_filter(self, text: str) -> None:
        """Show only the reviews whose title contains ``text`` (case-insensitive)."""
        self._filter = text.casefold().strip()
        self._apply(self.current_id)

    def _apply(self, keep: int | None) -> None:
        needle = self._filter
        if needle:
            self._shown = [
                r for r, t in zip(self._reviews, self._folded, strict=True) if needle in t
            ]
        else:
            self._shown = list(self._reviews)
        self.set_options(Option(self._prompt(r), id=str(r.id)) for r in self._shown)
        if not self._shown:
            return
        index = 0
        if keep is not None:
            index = next((i for i, r in enumerate(self._shown) if r.id == keep), 0)
        self.highlighted = index

    def _prompt(self, review: Review) -> Content:
        count = review.comment_count
        noun = "comment" if count == 1 else "comments"
        marker = ("● ", "bold $accent") if review.id in self._unread else ("  ", "")
        return join(
            marker,
            literal_line(review.title, "bold"),
            ("\n  ", ""),
            (f"{display_date(review.date)} · {count} {noun}", "dim"),
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Tell the screen which review is under the cursor."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ReviewHighlighted(int(event.option.id)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a review opens it (moves focus to the reading pane)."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ReviewChosen(int(event.option.id)))
