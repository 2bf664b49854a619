"""The sidebar: every review as two lines, on an OptionList (lines, not widgets)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.display import display_date, join, literal_line
from tui.model import Review
from tui.text import one_line

SORTS: dict[str, str] = {
    "date": "newest",
    "activity": "latest activity",
    "comments": "most comments",
    "title": "title",
}
"""Sort orders, in the order ``s`` cycles through them, with how they are shown."""


def sort_reviews(reviews: list[Review], order: str) -> list[Review]:
    """``reviews`` (already newest first) in ``order``; ties keep newest first."""
    if order == "title":
        return sorted(reviews, key=lambda r: one_line(r.title).casefold())
    if order == "comments":
        return sorted(reviews, key=lambda r: -r.comment_count)
    if order == "activity":
        return sorted(reviews, key=lambda r: r.last_activity or r.date, reverse=True)
    return list(reviews)


class ReviewList(OptionList):
    """Reviews newest first; filtered by title as the user types, or by tag; sortable."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar.up"),
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
        self._tag = ""
        self._order = "date"
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

    @property
    def all_reviews(self) -> list[Review]:
        """Every review, filtered or not, in the current order."""
        return self._reviews

    def select_review(self, review_id: int) -> bool:
        """Move the cursor to ``review_id`` if it is shown."""
        for index, review in enumerate(self._shown):
            if review.id == review_id:
                self.highlighted = index
                return True
        return False

    @property
    def order(self) -> str:
        """The sort order in use (a key of ``SORTS``)."""
        return self._order

    @property
    def tag(self) -> str:
        """The tag the list is filtered by ("" for none)."""
        return self._tag

    @property
    def total(self) -> int:
        """How many reviews there are before filtering."""
        return len(self._reviews)

    def set_reviews(
        self, reviews: list[Review], keep: int | None = None, unread: set[int] | None = None
    ) -> None:
        """Show ``reviews``; keep the cursor on review ``keep`` when it is still there."""
        self._reviews = sort_reviews(reviews, self._order)
        self._folded = [one_line(r.title).casefold() for r in self._reviews]
        if unread is not None:
            self._unread = unread
        self._apply(keep)

    def set_order(self, order: str) -> None:
        """Sort by ``order`` (a key of ``SORTS``), keeping the cursor's review."""
        keep = self.current_id
        self._order = order
        self._reviews = sort_reviews(self._reviews, order)
        self._folded = [one_line(r.title).casefold() for r in self._reviews]
        self._apply(keep)

    def set_tag(self, tag: str) -> None:
        """Show only reviews tagged ``tag`` ("" shows all)."""
        self._tag = tag
        self._apply(self.current_id)

    def set_unread(self, review_id: int, unread: bool) -> None:
        """Mark one review read or unread without reloading the list."""
        if (review_id in self._unread) == unread:
            return
        if unread:
            self._unread.add(review_id)
        else:
            self._unread.discard(review_id)
        for index, review in enumerate(self._shown):
            if review.id == review_id:
                self.replace_option_prompt_at_index(index, self._prompt(review))
                break

    def is_unread(self, review_id: int) -> bool:
        """Whether the sidebar shows ``review_id`` as unread."""
        return review_id in self._unread

    def set_filter(self, text: str) -> None:
        """Show only the reviews whose title contains ``text`` (case-insensitive)."""
        self._filter = text.casefold().strip()
        self._apply(self.current_id)

    def _apply(self, keep: int | None) -> None:
        needle, tag = self._filter, self._tag
        shown = self._reviews
        if needle:
            shown = [r for r, t in zip(self._reviews, self._folded, strict=True) if needle in t]
        if tag:
            shown = [r for r in shown if tag in r.tags]
        self._shown = list(shown)
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
