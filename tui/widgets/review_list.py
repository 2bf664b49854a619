"""The sidebar: every review as two lines, rendered line by line (no widget per review).

Ten thousand reviews are normal, so this is a ScrollView with a fixed row height
that draws only the rows on screen from the current filtered, sorted list.
Filtering or re-sorting is a list operation plus one refresh; nothing is rebuilt
per row, so the cost of a keystroke does not grow with the widgets on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer

from tui.display import display_date
from tui.model import Review
from tui.text import fold, one_line
from tui.widgets.scrolling import LineView, set_virtual_size

ROW_HEIGHT = 2
"""Each review takes a title line and a date · comments line."""
CURSOR_PAINT_WAIT = 0.1
"""Seconds the review waits for the cursor's frame when the list is not painted
(hidden, or covered by a zoomed pane)."""

RowKey = tuple[int, int, bool | None, bool, int, int]
"""A drawn line: review id, line of the row, cursor (focused or not), unread, width, scroll."""

SORTS: dict[str, str] = {
    "date": "newest",
    "activity": "latest activity",
    "comments": "most comments",
    "title": "title",
}
"""Sort orders, in the order ``s`` cycles through them, with how they are shown."""


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis where it was cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + "…"


def meta_line(review: Review, width: int) -> str:
    """The date and comment count in ``width`` cells: the time, then words, go first.

    The count is what the row is read for, so it is the last thing to be cut.
    """
    count = review.comment_count
    noun = "comment" if count == 1 else "comments"
    when = display_date(review.date)
    day = when.split(" ")[0]
    short = "cmt" if count == 1 else "cmts"
    tries = (f"{when} · {count} {noun}", f"{day} · {count} {noun}", f"{day} · {count} {short}")
    for meta in tries:
        if cell_len(meta) <= width:
            return meta
    return fit(f"{count} · {day}", width)


def sort_reviews(
    reviews: list[Review], order: str, folded: dict[int, str] | None = None
) -> list[Review]:
    """``reviews`` (already newest first) in ``order``; ties keep newest first.

    ``folded`` maps review ids to titles already ``fold``ed.
    """
    if order == "title":
        names = folded or {}
        return sorted(reviews, key=lambda r: names.get(r.id) or fold(one_line(r.title)))
    if order == "comments":
        return sorted(reviews, key=lambda r: -r.comment_count)
    if order == "activity":
        return sorted(reviews, key=lambda r: r.last_activity or r.date, reverse=True)
    return list(reviews)


def _place(rows: list[Review], review_id: int, near: int) -> int | None:
    """Where review ``review_id`` is in ``rows``: at ``near`` first (the review written
    to is almost always the one under the cursor), else the first from the top."""
    if 0 <= near < len(rows) and rows[near].id == review_id:
        return near
    return next((i for i, r in enumerate(rows) if r.id == review_id), None)


class ReviewList(LineView, can_focus=True):
    """Reviews newest first; filtered by title as the user types, or by tag; sortable."""

    COMPONENT_CLASSES = {
        "review-list--cursor",
        "review-list--title",
        "review-list--meta",
        "review-list--unread",
    }

    BINDINGS = [
        # The cursor's keys are priority bindings: found as the key arrives at the app,
        # not after it has bubbled from the sidebar up through each of its containers'
        # message queues to the app (~1 ms of a ~6 ms `j` on the machine measured). The
        # sidebar is in the focus chain only while it has the focus, so they apply then,
        # as before, and never while the filter box or the thread has it.
        Binding("j,down", "cursor_down", "Down", show=False, id="sidebar.down", priority=True),
        Binding("k,up", "cursor_up", "Up", show=False, id="sidebar.up", priority=True),
        Binding("home,g", "first", "First", show=False, id="sidebar.first"),
        Binding("end,G", "last", "Last", show=False, id="sidebar.last"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="sidebar.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="sidebar.page_up"),
        Binding("enter", "choose", "Open", show=False, id="sidebar.open"),
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
        # As the store gives them (newest first): every other order is sorted from this.
        self._newest: list[Review] = []
        self._folded: list[str] = []
        # Case-folded titles by review id, kept across reloads: folding ten thousand
        # titles again after every write would cost more than the rest of a reload.
        self._fold_cache: dict[int, tuple[str, str]] = {}
        self._shown: list[Review] = []
        self._filter = ""
        self._tag = ""
        self._blog: frozenset[int] | None = None
        """The reviews of the one blog shown (``S``, ``enter``), or ``None``: every review."""
        self._order = "date"
        self._unread: set[int] = set()
        self._fresh: set[int] = set()
        """Reviews read before that have comments not seen yet (a sync brought them)."""
        self._cursor: int | None = None
        self._role_styles: dict[str, Style] = {}
        self._base_style: Style | None = None
        # Rows as drawn, by what they show: scrolling by a row redraws every line on
        # screen, and all but two of them were drawn for the frame before.
        self._drawn_rows: dict[RowKey, tuple[Review, Strip]] = {}
        self._drawn_before: dict[RowKey, tuple[Review, Strip]] = {}
        # The same rows finished for the screen (styles and filters applied), for one look.
        self._finished: dict[RowKey | int, tuple[Review | None, Strip]] = {}
        self._finished_before: dict[RowKey | int, tuple[Review | None, Strip]] = {}
        self._finished_look: object = None
        self._restyled = True
        """Styles changed since the last draw: see whether the rows kept still hold."""
        self._looks: dict[bool, tuple[object, Style]] = {}
        """What the kept rows were drawn with, by focus: (all but the cursor, the cursor)."""
        self._after_cursor_drawn: Callable[[], None] | None = None
        self._after_cursor_timer: Timer | None = None
        self.on_highlight: Callable[[int, bool], None] | None = None
        """Called with a review id as the cursor lands on it, instead of posting
        ``ReviewHighlighted``, when the owner wants it within the same frame; the flag
        says whether the user moved the cursor (a key or a click), not a reload."""

    # -- what is shown ---------------------------------------------------------------

    @property
    def shown(self) -> list[Review]:
        """The reviews on screen, after the filter, in order."""
        return self._shown

    @property
    def all_reviews(self) -> list[Review]:
        """Every review, filtered or not, in the current order."""
        return self._reviews

    @property
    def option_count(self) -> int:
        """How many reviews are shown."""
        return len(self._shown)

    @property
    def highlighted(self) -> int | None:
        """The index of the review under the cursor in ``shown``."""
        return self._cursor

    @property
    def current_id(self) -> int | None:
        """The highlighted review's id."""
        if self._cursor is None or not 0 <= self._cursor < len(self._shown):
            return None
        return self._shown[self._cursor].id

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

    def row_text(self, index: int) -> str:
        """Both lines of row ``index`` as plain text, as the row shows them."""
        review = self._shown[index]
        lines = (self._row(review, 10_000, line) for line in range(ROW_HEIGHT))
        return "\n".join("".join(text for text, _role in pieces) for pieces in lines)

    def is_unread(self, review_id: int) -> bool:
        """Whether the sidebar shows ``review_id`` as unread."""
        return review_id in self._unread

    def has_new_comments(self, review_id: int) -> bool:
        """Whether the sidebar marks ``review_id`` as having new comments."""
        return review_id in self._fresh

    def set_new_comments(self, review_ids: set[int]) -> None:
        """Mark the reviews that have comments not seen yet (``+`` before the title)."""
        if review_ids != self._fresh:
            self._fresh = set(review_ids)
            self.refresh()

    # -- data in ---------------------------------------------------------------------

    def set_reviews(
        self, reviews: list[Review], keep: int | None = None, unread: set[int] | None = None
    ) -> None:
        """Show ``reviews``; keep the cursor on review ``keep`` when it is still there."""
        self._fold(reviews)
        self._newest = list(reviews)
        self._reviews = sort_reviews(self._newest, self._order, self._titles())
        self._folded = [self._fold_cache[r.id][1] for r in self._reviews]
        if unread is not None:
            self._unread = unread
        self._apply(keep)

    def replace_review(self, review: Review) -> bool:
        """Show new figures of a listed review (comment count, latest activity) in its
        row, without taking in the whole list again: after a reply, at 100,000 reviews,
        a row instead of a list. False when the new figures could move the row (sorted by
        activity or comment count, or a new title under "title") or it is not listed:
        then ``set_reviews`` is the way.
        """
        if self._order in ("activity", "comments"):
            return False
        known = self._fold_cache.get(review.id)
        if known is None or known[0] != review.title:
            return False
        places = [
            (rows, _place(rows, review.id, near))
            for rows, near in (
                (self._newest, 0),
                (self._reviews, 0),
                (self._shown, self._cursor or 0),
            )
        ]
        if any(index is None for _rows, index in places[:2]):
            return False
        for rows, index in places:
            if index is not None:
                rows[index] = review
        self.refresh()
        return True

    def _fold(self, reviews: list[Review]) -> None:
        cache = self._fold_cache
        for review in reviews:
            known = cache.get(review.id)
            if known is None or known[0] != review.title:
                cache[review.id] = (review.title, fold(one_line(review.title)))

    def _titles(self) -> dict[int, str]:
        return {review_id: folded for review_id, (_title, folded) in self._fold_cache.items()}

    def set_filter(self, text: str) -> None:
        """Show only the reviews whose title holds every word of ``text``, in any order.

        Case and accents do not count: "amelie" finds "Amélie", "lady fire" finds
        "Portrait of a Lady on Fire".
        """
        self._filter = " ".join(fold(text).split())
        self._apply(self.current_id)

    def set_order(self, order: str) -> None:
        """Sort by ``order`` (a key of ``SORTS``), keeping the cursor's review."""
        keep = self.current_id
        self._order = order
        # From the newest-first list, not the current order: "newest" is that list as is.
        self._reviews = sort_reviews(self._newest, order, self._titles())
        self._folded = [self._fold_cache[r.id][1] for r in self._reviews]
        self._apply(keep)

    def set_blog(self, review_ids: frozenset[int] | None) -> None:
        """Show only these reviews (one blog's), or every review (``None``)."""
        if review_ids != self._blog:
            self._blog = review_ids
            self._apply(self.current_id)

    def set_tag(self, tag: str) -> None:
        """Show only reviews tagged ``tag``, in any case ("" shows all)."""
        self._tag = tag
        self._apply(self.current_id)

    def set_unread(self, review_id: int, unread: bool) -> None:
        """Mark one review read or unread without reloading the list (read: its comments too)."""
        if unread:
            self._unread.add(review_id)
        else:
            self._unread.discard(review_id)
            self._fresh.discard(review_id)
        self.refresh()

    def select_next_unread(self) -> bool:
        """Move to the next unread review below the cursor, wrapping; False if none."""
        count = len(self._shown)
        start = self._cursor if self._cursor is not None else -1
        for step in range(1, count + 1):
            index = (start + step) % count
            if self._shown[index].id in self._unread and index != self._cursor:
                self._move_to(index)
                return True
        return False

    def select_review(self, review_id: int) -> bool:
        """Move the cursor to ``review_id`` if it is shown."""
        for index, review in enumerate(self._shown):
            if review.id == review_id:
                self._move_to(index)
                return True
        return False

    def _apply(self, keep: int | None) -> None:
        previous = self.current_id
        needle, tag = self._filter, self._tag
        shown = self._reviews
        if needle:
            words = needle.split()
            shown = [
                r
                for r, t in zip(self._reviews, self._folded, strict=True)
                if all(word in t for word in words)
            ]
        if tag:
            wanted = tag.casefold()
            shown = [r for r in shown if any(t.casefold() == wanted for t in r.tags)]
        if self._blog is not None:
            blog = self._blog
            shown = [r for r in shown if r.id in blog]
        self._shown = list(shown)
        set_virtual_size(self, self._virtual_size())
        index: int | None = None
        if self._shown:
            index = 0
            if keep is not None:
                index = next((i for i, r in enumerate(self._shown) if r.id == keep), 0)
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if index is not None and (keep is None or self._shown[index].id != previous):
            self._highlighted(self._shown[index].id)

    def call_after_cursor_drawn(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the cursor's row has been painted (replacing any earlier
        one not called yet), so that a frame with only the cursor goes out first.

        Textual's ``call_after_refresh`` can run before the frame it waits for: the
        screen hears of this widget's refresh only on the widget's next idle. When the
        list is not on screen to be painted, ``CURSOR_PAINT_WAIT`` seconds are the limit.
        """
        self._after_cursor_drawn = callback
        if self._after_cursor_timer is not None:
            self._after_cursor_timer.stop()
        self._after_cursor_timer = self.set_timer(CURSOR_PAINT_WAIT, self._cursor_drawn)

    def show_pending(self) -> None:
        """Run at once what waits for the cursor's frame: a key that acts on the review
        under the cursor (``r``, ``o``, ``m``...) must find it shown, however fast it came."""
        if self._after_cursor_drawn is not None:
            self._cursor_drawn()

    def _cursor_drawn(self) -> None:
        callback, self._after_cursor_drawn = self._after_cursor_drawn, None
        if self._after_cursor_timer is not None:
            self._after_cursor_timer.stop()
            self._after_cursor_timer = None
        if callback is not None:
            callback()

    def _highlighted(self, review_id: int, moved: bool = False) -> None:
        # The screen may ask to hear at once, so it decides in this very step what is
        # drawn with the cursor (a message arrives a step later: one more frame).
        if self.on_highlight is not None:
            self.on_highlight(review_id, moved)
        else:
            self.post_message(self.ReviewHighlighted(review_id))

    # -- drawing ---------------------------------------------------------------------

    def _row(self, review: Review, width: int, line: int) -> list[tuple[str, str]]:
        if line == 0:
            if review.id in self._unread:
                marker = ("● ", "unread")
            else:
                marker = ("+ ", "unread") if review.id in self._fresh else ("  ", "title")
            return [marker, (fit(one_line(review.title), max(width - 2, 1)), "title")]
        return [("  " + meta_line(review, max(width - 2, 1)), "meta")]

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop`` as the screen shows them, each kept by what it shows.

        Textual keeps finished lines (styles and filters applied) by their place in
        the widget, so a scroll by one row finishes every line on screen again; here
        they are kept by row, and a scroll finishes only the two rows that came in.
        """
        self._keep_rows_if_same_look()
        if self._after_cursor_drawn is not None and self._cursor is not None:
            top = self._cursor * ROW_HEIGHT - self.scroll_offset.y
            if crop.y < top + ROW_HEIGHT and top < crop.bottom:
                # This frame shows the cursor: what waited for it comes once it is out.
                self.call_later(self._cursor_drawn)
        size = self.size  # a walk up to the screen each time it is asked: once a frame
        look = (crop.x, crop.width, size, self.background_colors, self.get_line_filters())
        if look != self._finished_look:
            self._finished, self._finished_before = {}, {}
            self._finished_look = look
        scroll_x, scroll_y = self.scroll_offset
        width = self.line_width
        keys = [self._line_key(y, scroll_x, scroll_y, width) for y in crop.line_range]
        finished, before = self._finished, self._finished_before
        found: list[tuple[Review | None, Strip] | None] = []
        for key, review in keys:
            done = finished.get(key) or before.get(key)
            found.append(done if done is not None and done[0] is review else None)
        # Lines not drawn yet go through Textual's own path (styles, filters, its
        # cache), each run of neighbours in one call: once a line costs ~2x as much
        # (a scroll by one row brings four: the new row and the cursor's old one).
        for missing, run in groupby(range(len(found)), key=lambda i: found[i] is None):
            if missing:
                rows = list(run)
                region = Region(crop.x, crop.y + rows[0], crop.width, len(rows))
                for i, line in zip(rows, super().render_lines(region), strict=True):
                    found[i] = (keys[i][1], line)
        strips: list[Strip] = []
        kept = 2 * max(size.height, 1)
        for (key, _review), done in zip(keys, found, strict=True):
            assert done is not None
            if len(self._finished) >= kept:
                self._finished_before, self._finished = self._finished, {}
            self._finished[key] = done
            strips.append(done[1])
        return strips

    def _line_key(
        self, y: int, scroll_x: int, scroll_y: int, width: int
    ) -> tuple[RowKey | int, Review | None]:
        """What line ``y`` of the visible area shows (a row's line, or a blank), and whose."""
        index, line = divmod(y + scroll_y, ROW_HEIGHT)
        if not 0 <= index < len(self._shown):
            return width, None
        review = self._shown[index]
        cursor = None if index != self._cursor else self.has_focus
        marked = review.id in self._unread or review.id in self._fresh
        return (review.id, line, cursor, marked, width, scroll_x), review

    def render_line(self, y: int) -> Strip:
        """Draw line ``y`` of the visible area from the filtered list."""
        self._keep_rows_if_same_look()
        scroll_x, scroll_y = self.scroll_offset
        width = self.line_width
        index, line = divmod(y + scroll_y, ROW_HEIGHT)
        if not 0 <= index < len(self._shown):
            return Strip.blank(width, self._style())
        review = self._shown[index]
        cursor = None if index != self._cursor else self.has_focus
        marked = review.id in self._unread or review.id in self._fresh
        key = (review.id, line, cursor, marked, width, scroll_x)
        drawn = self._drawn_rows.get(key) or self._drawn_before.get(key)
        if drawn is None or drawn[0] is not review:
            drawn = (review, self._draw_row(review, line, cursor, width, scroll_x))
        if len(self._drawn_rows) >= max(self.size.height, 1):
            # A screenful kept, and the one before: rows scrolled off are let go
            # (each kept line holds a dozen objects the garbage collector walks).
            self._drawn_before, self._drawn_rows = self._drawn_rows, {}
        self._drawn_rows[key] = drawn
        return drawn[1]

    def _draw_row(
        self, review: Review, line: int, cursor: bool | None, width: int, scroll_x: int
    ) -> Strip:
        base = self._style()
        if cursor is not None:
            style = self.get_component_rich_style("review-list--cursor")
            if not cursor:
                style = Style(bgcolor=style.bgcolor, dim=True) if style.bgcolor else style
            base = base + Style(bgcolor=style.bgcolor, color=style.color)
        segments = [
            Segment(text, base + self._role(role)) for text, role in self._row(review, width, line)
        ]
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _style(self) -> Style:
        base = self._base_style
        if base is None:  # worked out from every ancestor: once per style change, not per row
            base = self._base_style = self.rich_style
        return base

    def _role(self, role: str) -> Style:
        style = self._role_styles.get(role)
        if style is None:
            full = self.get_component_rich_style(f"review-list--{role}")
            style = Style(color=full.color, bold=full.bold, italic=full.italic, dim=full.dim)
            self._role_styles[role] = style
        return style

    def notify_style_update(self) -> None:
        """A theme, stylesheet or focus change: forget the styles worked out so far.

        The rows drawn so far are kept if they would be drawn the same, which is found
        out at the next draw (the parts' styles, the cursor's, are updated after this is
        called). Focus moving in or out changes the cursor's colour alone: the rows
        kept for the cursor are by focus (``_line_key``), and the rest hold. Dropping
        them all redrew every row on screen at each tab to or from the sidebar.
        """
        self._role_styles = {}
        self._base_style = None
        self._restyled = True
        super().notify_style_update()

    def _keep_rows_if_same_look(self) -> None:
        if not self._restyled:
            return
        self._restyled = False
        rows = (
            self.styles.get_render_rules(),
            self._style(),
            [self._role(role) for role in ("title", "meta", "unread")],
        )
        cursor = self.get_component_rich_style("review-list--cursor")
        looks = self._looks
        if any(drawn != rows for drawn, _ in looks.values()) or (
            looks.get(self.has_focus, (rows, cursor))[1] != cursor
        ):
            self._drawn_rows, self._drawn_before = {}, {}
            self._finished, self._finished_before = {}, {}
            looks.clear()
        looks[self.has_focus] = (rows, cursor)

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width in step with the panel (rows are cut to fit it)."""
        set_virtual_size(self, self._virtual_size())
        self._scroll_to_cursor()

    def _virtual_size(self) -> Size:
        return Size(self.scrollable_content_region.width, len(self._shown) * ROW_HEIGHT)

    # -- moving ----------------------------------------------------------------------

    def _move_to(self, index: int) -> None:
        if not self._shown:
            return
        index = max(0, min(index, len(self._shown) - 1))
        if index == self._cursor:
            self._scroll_to_cursor()
            return
        before, scrolled_from = self._cursor, self.scroll_offset.y
        self._cursor = index
        self._scroll_to_cursor()
        if self.scroll_offset.y == scrolled_from and before is not None:
            # Only the two rows whose cursor state changed need drawing again.
            self.refresh_text(before * ROW_HEIGHT - scrolled_from, ROW_HEIGHT)
            self.refresh_text(index * ROW_HEIGHT - scrolled_from, ROW_HEIGHT)
        else:
            self.refresh_text()
        self._highlighted(self._shown[index].id, moved=True)

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None:
            return
        self.scroll_to_region(
            Region(0, self._cursor * ROW_HEIGHT, 1, ROW_HEIGHT),
            animate=False,
            immediate=True,
            force=True,
        )

    def _page(self) -> int:
        return max(self.scrollable_content_region.height // ROW_HEIGHT - 1, 1)

    def action_cursor_down(self) -> None:
        """Next review."""
        self._move_to((self._cursor if self._cursor is not None else -1) + 1)

    def action_cursor_up(self) -> None:
        """Previous review."""
        self._move_to((self._cursor or 0) - 1)

    def action_first(self) -> None:
        """First review."""
        self._move_to(0)

    def action_last(self) -> None:
        """Last review."""
        self._move_to(len(self._shown) - 1)

    def action_page_down(self) -> None:
        """A screenful further down."""
        self._move_to((self._cursor or 0) + self._page())

    def action_page_up(self) -> None:
        """A screenful further up."""
        self._move_to((self._cursor or 0) - self._page())

    def action_choose(self) -> None:
        """Open the review under the cursor."""
        review_id = self.current_id
        if review_id is not None:
            self.post_message(self.ReviewChosen(review_id))

    def on_click(self, event: events.Click) -> None:
        """A click selects the review under the pointer; a double click opens it."""
        index = (event.y + self.scroll_offset.y) // ROW_HEIGHT
        if 0 <= index < len(self._shown):
            self._move_to(index)
            if event.chain >= 2:
                self.action_choose()

    def on_focus(self) -> None:
        """Show the cursor in full colour."""
        self.refresh()

    def on_blur(self) -> None:
        """Dim the cursor when focus leaves."""
        self.refresh()
