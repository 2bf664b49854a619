"""The reader screen: sidebar, reading pane and comments, wired to the store off the loop."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.css.scalar import Scalar
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Input

from tui.comment_text import shown_text
from tui.compositor import ShownAreaCompositor
from tui.model import ANONYMOUS, Comment, ReadState, Review, visible_comments
from tui.screens.writing import WRITING_BINDINGS, Undo, UndoReads, WritingActions
from tui.text import clean, one_line
from tui.widgets.comment_thread import CommentThread, ThreadMarks
from tui.widgets.filter_box import FilterBox
from tui.widgets.footer import KeyBar
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import SORTS, ReviewList

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.screens.search import SearchChoice

REFRESH_SECONDS = 2.0
"""How often the reader checks whether another process changed the database."""
SEEN_AFTER = 0.8
"""Seconds a review stays open before its comments count as seen."""
SIDEBAR_WIDTHS = (24, 30, 38, 48, 60)
FIT_PAUSE = 0.25
"""Seconds on a review before the comments panel takes the height its thread needs."""
TYPING_PAUSE = 0.15
"""Seconds of quiet in the filter box before the review under the cursor is shown."""
NO_COMMENTS = "No comments yet. Press r to reply."
NO_REVIEW_COMMENTS = "No review is shown, so there are no comments."
SIDEBAR_FOCUSED = "-focus-within"
"""The sidebar's class while it (the list or the filter box) has focus."""
_CONTEXT_ACTIONS = ("reply", "quote_reply", "edit", "delete")
"""The actions whose keys come and go with what is highlighted."""


@dataclass
class ReviewsLoaded(Message):
    """The sidebar's reviews, read from the store."""

    reviews: list[Review]
    unread: set[int]
    keep: int | None
    new_comments: set[int] | None = None
    """Read reviews with comments not seen yet; ``None``: not read this time."""
    blog: frozenset[int] | None = None
    """The reviews of the blog the sidebar shows alone, read with them (``None``: that
    source is not followed any more)."""
    blog_source: int | None = None
    """The source ``blog`` was read for; ``None``: every review is shown."""
    outbox: tuple[int, int] | None = None
    """Outbox entries waiting to be sent, and refused by their blog (for the header);
    ``None``: not read this time."""


@dataclass
class ReviewLoaded(Message):
    """One review, its comments and what the user had seen of them."""

    review: Review
    comments: list[Comment]
    read: ReadState
    keep_comment: int | None
    focus_comments: bool = False
    delivery: Mapping[int, str] | None = None
    """Your replies' way to their blog (comment id -> state); ``None``: as shown before."""


@dataclass
class StoreChanged(Message):
    """Another process changed the database; the panes should reload in place."""


@dataclass
class RepliesTried(Message):
    """The outbox was tried: the replies' states in the thread may read differently."""


@dataclass
class LoadFailed(Message):
    """A read from or write to the store failed; the message says why."""

    reason: str
    title: str = field(default="Could not read")


class ReaderScreen(WritingActions, Screen[None]):
    """Browse reviews, read one, read and answer its comments."""

    BINDINGS = [
        *WRITING_BINDINGS,
        Binding("slash", "filter", "Filter", id="reader.filter"),
        Binding("ctrl+f", "search", "Search", id="reader.search"),
        Binding("s", "sort", "Sort", id="reader.sort"),
        Binding("t", "tags", "Tags", show=False, id="reader.tags"),
        Binding("m", "toggle_unread", "Unread", show=False, id="reader.toggle_unread"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="reader.toggle_sidebar"),
        Binding("left_square_bracket", "narrower", "Narrower", show=False, id="reader.narrower"),
        Binding("right_square_bracket", "wider", "Wider", show=False, id="reader.wider"),
        Binding("o", "links", "Links", show=False, id="reader.links"),
        Binding("n", "next_unread_review", "Next unread", show=False, id="reader.next_unread"),
        Binding("A", "mark_all_read", "All read", show=False, id="reader.mark_all_read"),
        Binding("y", "copy", "Copy", show=False, id="reader.copy"),
        Binding("z", "zoom", "Zoom", show=False, id="reader.zoom"),
        Binding("question_mark", "help", "Help", id="reader.help"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="reader.clear_filter"),
    ]

    AUTO_FOCUS = "#reviews"
    """The sidebar has the keys from the start (Textual would pick the hidden filter box)."""

    review_id: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The review on show; set from the sidebar's cursor."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's ``Screen.focused`` (its watcher still refreshes the keys), without the
    repaint of the whole screen its reactive asks for: a tab drew all 120x40 cells for a
    change that the panes draw themselves (a border's colour, the cursor's, the keys).
    (tests/test_textual_private.py guards that this is all the override changes.)"""

    def __init__(self, classes: str | None = None) -> None:
        """``classes``: the screen's own (the app's width class, say)."""
        super().__init__(classes=classes)
        # Private Textual API (tests/test_textual_private.py): a partial update composes
        # only the widgets that show in it (tui/compositor.py).
        self._compositor = ShownAreaCompositor()
        self._review: Review | None = None
        self._undo: list[Undo | UndoReads] = []
        self._seen_timer: Timer | None = None
        self._search_query = ""
        self._highlight = ""
        self.blog: tuple[int, str] | None = None
        """The followed source whose reviews alone the sidebar shows (id, name)."""
        self._unseen: frozenset[int] = frozenset()
        self._shown_loads = -1
        """``Store.file_loads`` of what is on screen: a higher one is another program's change."""
        self._key_state: tuple[bool | None, ...] = ()
        self._typing_timer: Timer | None = None
        self._sidebar_width = 2
        self._kept_unread: int | None = None
        self._fit_timer: Timer | None = None
        self._cursor_first = False
        """The sidebar's cursor is moving under the user's key: paint it before the review."""
        self._comment_ids: tuple[int, ...] = ()
        """Every comment of the review on show, collapsed or not."""
        self._delivery: dict[int, str] = {}
        """Where your replies on show stand on their way to the blog."""
        """The review the user marked unread while it is on show: not marked read again."""

    def _reviews_app(self) -> ReviewsApp:
        # A typing-only name: importing tui.app here would run app -> reader -> app.
        return cast("ReviewsApp", self.app)

    def _thread(self) -> CommentThread:
        return self.query_one(CommentThread)

    def compose(self) -> ComposeResult:
        """Sidebar on the left; review above its comments on the right."""
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield FilterBox(placeholder="Filter titles…", id="filter")
                yield ReviewList(id="reviews")
            with Vertical(id="content"):
                yield ReadingPane(id="reading")
                yield CommentThread(id="comments")
        yield KeyBar(self.app.size.width)

    def on_mount(self) -> None:
        """Start loading, and keep an eye on the file for other processes' changes."""
        self.query_one(ReadingPane).border_title = "Review"
        self._thread().border_title = "Comments"
        self.query_one(ReviewList).set_order(self._reviews_app().ui_state.sort)
        self._title_sidebar()
        self.query_one(ReviewList).focus()
        self.query_one(ReviewList).on_highlight = self._sidebar_moved
        self.watch(self.query_one("#filter", Input), "value", self._filter_changed, init=False)
        snapshot = self._reviews_app().first_screen
        if snapshot is not None:
            # The whole file is still being read: the saved first screen meanwhile.
            self.on_reviews_loaded(ReviewsLoaded(snapshot.reviews, snapshot.unread, None))
            self.query_one(ReviewList).set_new_comments(snapshot.fresh)
            return
        self._fill_from_store(None)

    def _fill_from_store(self, keep: int | None) -> None:
        first = self._reviews_app().take_first_reviews()
        if first is None:
            self.load_reviews(keep)
        else:
            # Read while the database opened: the first frame already shows the newest review.
            # Nothing has taken in another program's change since (only reads did run).
            self._shown_loads = self._reviews_app().store.file_loads
            reviews, unread, _ = first
            self.on_reviews_loaded(ReviewsLoaded(reviews, unread, keep))
            self.load_new_comments()
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    def whole_file_loaded(self) -> None:
        """The store is open: the whole list and the review on show, from it, in place."""
        keep = self.query_one(ReviewList).current_id
        self._fill_from_store(keep)
        self._title_sidebar()
        if self.review_id is not None:
            # Another program may have written between the snapshot and the load.
            self._show(self.review_id)

    # -- reading from the store (thread workers, results as messages) ----------------

    @work(thread=True, exclusive=True, group="reviews")
    def load_reviews(self, keep: int | None) -> None:
        """Read the sidebar's reviews."""
        store = self._reviews_app().store
        self._shown_loads = store.file_loads
        blog = self.blog
        try:
            reviews = store.reviews()
            unread = store.unread_review_ids()
            fresh = store.reviews_with_new_comments()
            ids = store.source_review_ids(blog[0]) if blog is not None else None
            outbox = store.outbox_counts()
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            self.post_message(LoadFailed(str(error)))
            return
        source = blog[0] if blog is not None else None
        self.post_message(ReviewsLoaded(reviews, unread, keep, fresh, ids, source, outbox))

    @work(thread=True, exclusive=True, group="new-comments")
    def load_new_comments(self) -> None:
        """Read which reviews have comments not seen yet, and what the outbox holds
        (after the first fill)."""
        app = self._reviews_app()
        try:
            fresh = app.store.reviews_with_new_comments()
            outbox = app.store.outbox_counts()
        except Exception:  # noqa: BLE001 - a missing marker is not worth an error
            return
        app.call_from_thread(self._show_new_comments, fresh)
        app.call_from_thread(app.syncing.show_outbox, outbox)

    def _show_new_comments(self, fresh: set[int]) -> None:
        pending = self._reviews_app().pending_seen()
        self.query_one(ReviewList).set_new_comments(fresh - pending.keys())

    @work(thread=True, exclusive=True, group="review")
    def load_review(
        self, review_id: int, keep_comment: int | None = None, focus_comments: bool = False
    ) -> None:
        """Read one review, its comments and its read state."""
        store = self._reviews_app().store
        try:
            review = store.review(review_id)
            comments = store.comments(review_id)
            read = store.read_state(review_id)
            ids = {c.id for c in comments if c.local}
            states = store.reply_states() if ids else {}
            delivery = {i: e.describe() for i, e in states.items() if i in ids}
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(
            ReviewLoaded(review, comments, read, keep_comment, focus_comments, delivery)
        )

    @work(thread=True, exclusive=True, group="refresh")
    def check_for_changes(self) -> None:
        """Re-read the file when another process changed it."""
        store = self._reviews_app().store
        try:
            store.refresh()
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error)))
            return
        # Any read or write of ours may already have taken in another process's change,
        # so compare the file's loads rather than trusting refresh()'s own answer. Our own
        # writes (read marks, replies) do not count: each shows itself where it is made.
        loads = store.file_loads
        if loads != self._shown_loads:
            self._shown_loads = loads
            self.post_message(StoreChanged())

    def on_reviews_loaded(self, message: ReviewsLoaded) -> None:
        """Fill the sidebar, keeping the cursor where it was."""
        sidebar = self.query_one(ReviewList)
        pending = self._reviews_app().pending_seen()
        unread = message.unread - pending.keys()
        if self.blog is None:
            sidebar.set_blog(None)
        elif message.blog_source == self.blog[0]:  # else: read before that blog was chosen
            if message.blog is None:
                self.blog = None  # unfollowed: every review again
            sidebar.set_blog(message.blog)
        sidebar.set_reviews(message.reviews, keep=message.keep, unread=unread)
        if message.outbox is not None:
            self._reviews_app().syncing.show_outbox(message.outbox)
        if message.new_comments is not None:
            sidebar.set_new_comments(message.new_comments - pending.keys())
        self._title_sidebar()
        if not sidebar.shown:
            self._show_nothing()

    def _show_nothing(self) -> None:
        self.review_id = None
        self._review = None
        self.query_one(ReadingPane).show(None)
        self.query_one(ReadingPane).border_subtitle = ""
        # No review, so nothing to answer: "press r" would promise a key that does nothing.
        self._thread().empty_text = NO_REVIEW_COMMENTS
        self._thread().set_comments([])
        self._fit_comments_soon()
        self._thread().border_title = "Comments"

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        """Show the review and its thread, unless the user has moved on meanwhile."""
        review = message.review
        if review.id != self.review_id:
            return
        same = self._review is not None and self._review.id == review.id
        if self._review != review and not (same and self._same_text(review)):
            self.query_one(ReadingPane).show(review, keep_scroll=same)
        self._review = review
        pane = self.query_one(ReadingPane)
        label = Content(f"review {review.id}")  # the id the command line takes
        if pane.border_subtitle != label.markup:
            pane.border_subtitle = label
        seen = message.read.seen | self._reviews_app().pending_seen().get(review.id, set())
        unseen = frozenset(c.id for c in message.comments if c.id not in seen and not c.local)
        if same:
            # A reload of the review on show keeps what was new when it was opened.
            unseen |= self._unseen
        self._unseen = unseen
        self._comment_ids = tuple(c.id for c in message.comments)
        if message.delivery is not None or not same:
            self._delivery = dict(message.delivery or {})
        thread = self._thread()
        thread.empty_text = NO_COMMENTS
        thread.set_comments(
            # A deleted reply stays only as a placeholder above replies that answer it.
            visible_comments(message.comments),
            keep=message.keep_comment,
            # "Anonymous" is a placeholder, not a person: it proves no authorship.
            marks=ThreadMarks(
                review.author if review.author != ANONYMOUS else None,
                unseen,
                self._highlight,
                self._delivery,
            ),
            same_review=same,
        )
        thread.border_title = Content(f"Comments ({review.comment_count})")
        self._fit_comments_soon()
        if message.focus_comments:
            thread.focus()
        self._schedule_seen(review.id, [c.id for c in message.comments])
        self._refresh_keys()

    def _fit_comments_soon(self) -> None:
        # Once the user stops on a review: a new height lays the whole screen out, and
        # doing that on every j held down would double the cost of each key.
        if self._fit_timer is not None:
            self._fit_timer.stop()
        self._fit_timer = self.set_timer(FIT_PAUSE, self._fit_comments)

    def _fit_comments(self) -> None:
        """Give the comments the height they need, up to half of the right-hand side.

        Set only when it changes: a new height lays the whole screen out again.
        """
        thread = self._thread()
        room = self.query_one("#content").size.height
        if room <= 0 or self.maximized is not None:
            return
        half = room // 2
        frame = thread.styles.gutter.height  # borders and padding
        height = min(thread.lines_needed(half) + frame, half)
        if thread.styles.height != Scalar.from_number(height):
            thread.styles.height = height

    def on_resize(self, event: events.Resize) -> None:
        """A new terminal size: the comments' share of the height again."""
        self.call_after_refresh(self._fit_comments)

    def _after_write(self, review_id: int, comment_id: int | None) -> None:
        """Show a write of ours, with the cursor (and focus) on the comment written.

        The store's memory holds the write when this runs: both panes are patched from
        there in this very frame. Only when the store is busy (a read-mark batch being
        written) are they read again in workers.
        """
        if not self._show_written(review_id, comment_id):
            self.load_reviews(review_id)
            if review_id == self.review_id:
                self.load_review(review_id, keep_comment=comment_id, focus_comments=True)
        self._refresh_keys()

    def _reload_in_place(self) -> None:
        """Read both panes again, cursor kept (safe from any thread)."""
        self.post_message(StoreChanged())

    def on_store_changed(self, message: StoreChanged) -> None:
        """Reload both panes in place after another process wrote the file."""
        self.load_reviews(self.review_id)
        if self.review_id is not None:
            self.load_review(self.review_id, self._thread().current_id)

    def on_replies_tried(self, message: RepliesTried) -> None:
        """Read the review on show again (its replies' states), not the whole sidebar."""
        if self.review_id is not None:
            self.load_review(self.review_id, self._thread().current_id)

    def on_load_failed(self, message: LoadFailed) -> None:
        """Say plainly what went wrong."""
        self.notify(message.reason, title=message.title, severity="error", markup=False)

    # -- read state ----------------------------------------------------------------------

    def _schedule_seen(
        self, review_id: int, comment_ids: list[int], after: float | None = None
    ) -> None:
        if self._seen_timer is not None:
            self._seen_timer.stop()
        if review_id == self._kept_unread:
            # Marked unread by the user: a reload of it (our own write coming back
            # from the file, say) must not mark it read behind their back.
            return
        self._seen_timer = self.set_timer(
            SEEN_AFTER if after is None else after,
            lambda: self._mark_seen(review_id, comment_ids),
        )

    def _mark_seen(self, review_id: int, comment_ids: list[int]) -> None:
        # Shown as read at once; written to disk with other marks in one batch.
        if review_id != self.review_id or review_id == self._kept_unread:
            return
        since = self._reviews_app().active_since
        if since is None or time.monotonic() - since < SEEN_AFTER:
            # Starting the reader is not reading: the review it opens on counts as
            # read once the user has pressed a key or clicked, and then looked a
            # moment (a first key that moves on must not mark the review it leaves):
            # SEEN_AFTER after that first key, or again later while nothing was pressed.
            left = SEEN_AFTER if since is None else SEEN_AFTER - (time.monotonic() - since)
            self._schedule_seen(review_id, comment_ids, after=max(left, 0.01))
            return
        self._reviews_app().note_seen(review_id, comment_ids)
        self.query_one(ReviewList).set_unread(review_id, False)

    def action_toggle_unread(self) -> None:
        """Mark the review on show unread again, or read."""
        if self.review_id is None:
            return
        if self._seen_timer is not None:
            self._seen_timer.stop()
        review_id = self.review_id
        if self.query_one(ReviewList).is_unread(review_id):
            self._kept_unread = None
            # Read: everything on show counts as seen, written with the next batch.
            ids = list(self._comment_ids)
            self._reviews_app().note_seen(review_id, ids)
            self.query_one(ReviewList).set_unread(review_id, False)
            self.notify("Marked read.", markup=False)
        else:
            self._kept_unread = review_id
            self._reviews_app().forget_seen(review_id)
            self._set_unread(review_id, True)

    @work(thread=True, group="seen")
    def _set_unread(self, review_id: int, unread: bool) -> None:
        try:
            self._reviews_app().store.set_unread(review_id, unread)
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error), "Could not save read marks"))
            return
        self.app.call_from_thread(self.query_one(ReviewList).set_unread, review_id, unread)
        self.app.call_from_thread(self.notify, "Marked unread.", markup=False)

    # -- the user moving around ----------------------------------------------------------

    def _sidebar_moved(self, review_id: int, moved: bool) -> None:
        # Called by the sidebar as its cursor moves. A move by the user paints the
        # cursor first, alone (two rows: the key's answer reaches the terminal in a few
        # milliseconds, as in newsboat), and the review follows in the next frame;
        # drawn together, the key waited for the whole reading pane (~20 ms).
        self._cursor_first = moved
        try:
            self.review_id = review_id
        finally:
            self._cursor_first = False

    def watch_review_id(self, review_id: int | None) -> None:
        """Show the newly chosen review: from memory in this frame when it can."""
        if self._typing_timer is not None:
            self._typing_timer.stop()
            self._typing_timer = None
        if review_id != self._kept_unread:
            self._kept_unread = None
        if review_id is None:
            return
        if self.query_one("#filter", Input).has_focus:
            # While a filter is typed, each key narrows the list at once; the review
            # under the cursor is shown when typing pauses, not on every key.
            self._show_when_typing_pauses(review_id)
            return
        if self._cursor_first:
            self.query_one(ReviewList).call_after_cursor_drawn(lambda: self._show(review_id))
            return
        self._show(review_id)

    def _show(self, review_id: int) -> None:
        self._typing_timer = None
        if review_id != self.review_id:
            return
        snapshot = self._reviews_app().first_screen
        if snapshot is not None:
            # Only the newest review is in the snapshot; any other waits for the whole
            # file (keys are held until then, so only the first fill comes here).
            newest = snapshot.reviews[0]
            if review_id == newest.id:
                read = ReadState(newest.id in snapshot.unread, snapshot.seen)
                self.on_review_loaded(ReviewLoaded(newest, snapshot.comments, read, None))
            return
        found = self._reviews_app().store.peek(review_id)
        if found is None:
            self.load_review(review_id)  # busy or not there: the worker waits and reports
            return
        review, comments, read = found
        self.on_review_loaded(ReviewLoaded(review, comments, read, None))
        self.call_after_refresh(self._prepare_neighbours, review_id)

    def on_review_list_review_chosen(self, message: ReviewList.ReviewChosen) -> None:
        """Enter on a review: read it."""
        self.query_one(ReadingPane).focus()

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        box.focus()

    def _filter_changed(self, value: str) -> None:
        # A watcher, not Input.Changed: the list is filtered in the same frame as the
        # keystroke is drawn, instead of one message (and one frame) later.
        sidebar = self.query_one(ReviewList)
        sidebar.set_filter(value)
        self._title_sidebar()
        if not sidebar.shown:
            self._show_nothing()
        elif self._typing_timer is not None and self.review_id is not None:
            # Still typing: the review waits for a pause after this key, not the first.
            self._show_when_typing_pauses(self.review_id)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(ReviewList).focus()

    def action_clear_filter(self) -> None:
        """Leave a zoomed pane, else empty and hide the filter; back to the list."""
        if self.maximized is not None:
            self._unzoom()
            return
        box = self.query_one("#filter", Input)
        if not box.has_class("-shown"):
            return
        box.value = ""
        box.remove_class("-shown")
        self.query_one(ReviewList).focus()

    def action_sort(self) -> None:
        """Cycle the sidebar's order: newest, latest activity, most comments, title."""
        sidebar = self.query_one(ReviewList)
        orders = list(SORTS)
        order = orders[(orders.index(sidebar.order) + 1) % len(orders)]
        sidebar.set_order(order)
        self._title_sidebar()
        self._reviews_app().remember(sort=order)
        self.notify(f"Sorted by {SORTS[order]}.", markup=False)

    def action_tags(self) -> None:
        """Filter the sidebar by a tag."""
        sidebar = self.query_one(ReviewList)

        def chosen(tag: str | None) -> None:
            if tag is not None:
                sidebar.set_tag(tag)
                self._title_sidebar()
                if not sidebar.shown:
                    self._show_nothing()

        from tui.screens.tags import TagPicker  # each dialog loads on its first use

        self.app.push_screen(TagPicker(sidebar.all_reviews, sidebar.tag), chosen)

    def _title_sidebar(self) -> None:
        sidebar = self.query_one(ReviewList)
        count = (
            f"{len(sidebar.shown)}/{sidebar.total}"
            if len(sidebar.shown) != sidebar.total
            else str(sidebar.total)
        )
        snapshot = self._reviews_app().first_screen
        loading = ""
        if snapshot is not None:
            count, loading = f"{snapshot.total:,}", " · loading…"
        box = self.query_one("#sidebar")
        # Content, not str: a border title given a string parses it as markup. Set only
        # when it changes: setting one redraws the whole sidebar box (~1.5 ms).
        title = Content(f"Reviews ({count})")
        if box.border_title != title.markup:
            box.border_title = title
        tag = " · tagged" if sidebar.tag else ""
        blog = f" · {one_line(self.blog[1])}" if self.blog is not None else ""
        subtitle = Content(f"{SORTS[sidebar.order]}{blog}{tag}{loading}")
        if box.border_subtitle != subtitle.markup:
            box.border_subtitle = subtitle

    def show_blog(self, source_id: int | None, name: str = "") -> None:
        """Show only the reviews of followed source ``source_id`` in the sidebar (its
        name beside the order below it), or every review again (``None``)."""
        self.blog = None if source_id is None else (source_id, name)
        if source_id is None:
            self.query_one(ReviewList).set_blog(None)
            self._title_sidebar()
        self.load_reviews(self.review_id)

    def action_search(self) -> None:
        """Search titles, bodies and comments; go to the hit chosen."""
        store = self._reviews_app().store
        sidebar = self.query_one(ReviewList)
        titles = {r.id: r.title for r in sidebar.all_reviews}

        from tui.screens.search import SearchScreen

        screen = SearchScreen(store.search, titles, self._search_query)

        def chosen(choice: SearchChoice | None) -> None:
            self._search_query = screen.query_text
            if choice is not None:
                self.go_to(choice.review_id, choice.comment_id, highlight=self._search_query)

        self.app.push_screen(screen, chosen)

    def go_to(self, review_id: int, comment_id: int | None, highlight: str = "") -> None:
        """Show ``review_id`` (clearing filters that hide it) and its comment ``comment_id``."""
        sidebar = self.query_one(ReviewList)
        if not any(r.id == review_id for r in sidebar.shown):
            self.query_one("#filter", Input).value = ""
            self.query_one("#filter", Input).remove_class("-shown")
            sidebar.set_filter("")
            sidebar.set_tag("")
            self.blog = None
            sidebar.set_blog(None)
        sidebar.select_review(review_id)
        # Shown now, not after the cursor's frame: the load below puts the cursor on the
        # comment, and a review shown after it would take the cursor back to the top.
        sidebar.show_pending()
        self._highlight = highlight
        self._title_sidebar()
        self.review_id = review_id
        self.load_review(review_id, keep_comment=comment_id, focus_comments=comment_id is not None)

    def action_next_unread_review(self) -> None:
        """Go to the next unread review in the list (after the last, from the top)."""
        sidebar = self.query_one(ReviewList)
        if not sidebar.select_next_unread():
            self.notify("No unread reviews here.", markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every review in the list read, its comments seen (the filter applies)."""
        sidebar = self.query_one(ReviewList)
        ids = [r.id for r in sidebar.shown if sidebar.is_unread(r.id)]
        if not ids:
            self.notify("Every review here is read already.", markup=False)
            return
        self._kept_unread = None
        self._mark_all_read(ids)

    @work(thread=True, group="seen")
    def _mark_all_read(self, review_ids: list[int]) -> None:
        store = self._reviews_app().store
        try:
            marks = {rid: [c.id for c in store.comments(rid)] for rid in review_ids}
            before = store.mark_seen_many(marks)
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error), "Could not save read marks"))
            return

        def shown() -> None:
            sidebar = self.query_one(ReviewList)
            for review_id in review_ids:
                sidebar.set_unread(review_id, False)
            self._undo.append(UndoReads(before))
            noun = "review" if len(review_ids) == 1 else "reviews"
            self.notify(f"Marked {len(review_ids)} {noun} read. Press u to undo.", markup=False)

        self.app.call_from_thread(shown)

    def reads_restored(self, states: Mapping[int, ReadState]) -> None:
        """The sidebar shows the read marks an undo put back."""
        sidebar = self.query_one(ReviewList)
        for review_id, state in states.items():
            sidebar.set_unread(review_id, state.unread)

    def action_copy(self) -> None:
        """Copy the selected text, else the highlighted comment, else the review's text."""
        text = self.get_selected_text()
        what = "the selection"
        thread = self._thread()
        if not text and thread.has_focus and thread.current is not None:
            comment = thread.current
            text = shown_text(clean(comment.body).strip("\n"), local=comment.local)
            what = "the comment"
        elif not text and self._review is not None:
            text, what = self._review.body, "the review"
        if not text:
            return
        # OSC 52: the terminal puts it on the clipboard, over ssh too.
        self.app.copy_to_clipboard(clean(text))
        self.notify(f"Copied {what} to the clipboard.", markup=False)

    def action_zoom(self) -> None:
        """Give the focused pane the whole screen, or put it back (escape too)."""
        if self.maximized is not None:
            self._unzoom()
        elif self.focused is not None:
            # The comments' own height (fitted to the thread) would keep them small.
            self.focused.styles.clear_rule("height")
            self.maximize(self.focused, container=False)

    def _unzoom(self) -> None:
        self.minimize()
        self.call_after_refresh(self._fit_comments)

    def action_toggle_sidebar(self) -> None:
        """Hide or show the sidebar, for more room to read."""
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display
        if not sidebar.display and self.query_one(ReviewList).has_focus:
            self.query_one(ReadingPane).focus()

    def action_narrower(self) -> None:
        """Make the sidebar narrower."""
        self._resize_sidebar(-1)

    def action_wider(self) -> None:
        """Make the sidebar wider."""
        self._resize_sidebar(+1)

    def _resize_sidebar(self, step: int) -> None:
        self._sidebar_width = max(0, min(len(SIDEBAR_WIDTHS) - 1, self._sidebar_width + step))
        self.query_one("#sidebar").styles.width = SIDEBAR_WIDTHS[self._sidebar_width]

    def action_links(self) -> None:
        """List the review's links (the highlighted comment's when the comments have
        focus); one opens in the browser only after asking."""
        if self._review is None:
            return
        from tui.screens.links import LinksScreen

        thread = self._thread()
        comment = thread.current if thread.has_focus else None
        if comment is not None and comment.deleted is None:
            title = f"{one_line(comment.author) or ANONYMOUS}'s comment"
            self.app.push_screen(LinksScreen(comment.body, title, comment.url, comment=True))
        else:
            self.app.push_screen(
                LinksScreen(self._review.body, self._review.title, self._review.url)
            )

    def key_scopes(self) -> list[tuple[Widget | None, str, DOMNode]]:
        """Where keys are defined: (the pane to focus, or None; its title; the node)."""
        sidebar, reading, thread = (
            self.query_one(ReviewList),
            self.query_one(ReadingPane),
            self._thread(),
        )
        return [
            (None, "Everywhere", self),
            (sidebar, "Sidebar", sidebar),
            (reading, "Reading pane", reading),
            (thread, "Comments", thread),
        ]

    def action_help(self) -> None:
        """Show every key, by pane."""
        from tui.screens.help import HelpScreen, dialog_keys

        sections = [(title, type(node).BINDINGS) for _pane, title, node in self.key_scopes()]
        dialogs = [
            (title, [key for keys in scopes.values() for key in keys])
            for title, scopes in dialog_keys()
        ]
        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette", "Every command")
        app_keys = [*self.app.BINDINGS, palette]
        self.app.push_screen(
            HelpScreen(
                [*sections[1:], sections[0], *dialogs, ("App", app_keys)],
                self._reviews_app().config.keymap,
            )
        )

    def _refresh_keys(self) -> None:
        """Refresh the footer only when a context-dependent key came or went.

        Refreshing bindings recomposes the footer; doing it on every cursor move
        costs more than the move itself in a big collection.
        """
        state = tuple(self.writing_check(action) for action in _CONTEXT_ACTIONS)
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

    def _show_when_typing_pauses(self, review_id: int) -> None:
        # Restarted by every key: drawn between two keys, the review's frame would hold
        # back the next key's (Textual's update timer then waits one more tick).
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_PAUSE, lambda: self._show(review_id))

    def _prepare_neighbours(self, review_id: int) -> None:
        # After the frame is out: draw the reviews one key away, so that the next j or k
        # shows its review without rendering Markdown inside the key's frame.
        sidebar = self.query_one(ReviewList)
        index = sidebar.highlighted
        if review_id != self.review_id or index is None:
            return
        pane = self.query_one(ReadingPane)
        for near in (index + 1, index - 1):
            if 0 <= near < len(sidebar.shown):
                pane.prepare(sidebar.shown[near])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys follow context: writing keys only where they make sense."""
        if self._reviews_app().closing:
            # Keys that arrive in the same burst as `q` (fast typing, a paste) must not
            # open screens while the app is closing.
            return False
        # A review still waiting for the cursor's frame is shown first: `r` right after
        # `j` answers the review the cursor is on, never the one it left.
        self.query_one(ReviewList).show_pending()
        return self.writing_check(action)

    def on_comment_thread_comment_highlighted(
        self, message: CommentThread.CommentHighlighted
    ) -> None:
        """Edit and delete apply to the highlighted comment: refresh the footer."""
        self._refresh_keys()
        # The id the command line takes (`reviews reply REVIEW --to COMMENT`).
        thread = self._thread()
        label = Content("" if message.comment_id is None else f"comment {message.comment_id}")
        if thread.border_subtitle != label.markup:
            thread.border_subtitle = label

    def on_descendant_focus(self) -> None:
        """Which pane has focus changes what r, e and d do."""
        self._refresh_keys()

    def watch_focused(self, focused: Widget | None) -> None:
        """Light the sidebar's border while something in it has focus.

        A class on the sidebar, restyled alone: the stylesheet's ``:focus-within`` made
        Textual restyle the sidebar and everything in it (the filter box, the list and
        its parts) at every focus change in or out of it. No rule styles what is inside
        the sidebar by this class (tests/test_focus_cost.py).
        """
        try:
            sidebar = self.query_one("#sidebar")
        except NoMatches:  # not composed yet
            return
        within = focused is not None and sidebar in focused.ancestors_with_self
        if sidebar.has_class(SIDEBAR_FOCUSED) != within:
            sidebar.set_class(within, SIDEBAR_FOCUSED, update=False)
            self.app.stylesheet.update_nodes([sidebar], animate=True)

    # -- showing our own writes from memory ------------------------------------------

    def _show_written(self, review_id: int, comment_id: int | None) -> bool:
        """Patch sidebar and thread from the store's memory; False if it is busy."""
        store = self._reviews_app().store
        loads = store.file_loads  # before the peeks: a change taken in after them still counts
        found = store.peek(review_id) if review_id == self.review_id else None
        if (
            found is not None
            and loads == self._shown_loads
            and self.query_one(ReviewList).replace_review(found[0])
        ):
            # Nothing but our write changed since the list was shown: its row is enough.
            review, comments, read = found
            self.on_review_loaded(ReviewLoaded(review, comments, read, comment_id, True))
            return True
        listed = store.peek_reviews()
        if listed is None or (review_id == self.review_id and found is None):
            return False
        reviews, unread, _ = listed
        # Memory (with any other program's change our write took in) is on screen now:
        # the periodic check reloads only for what comes later.
        self._shown_loads = loads
        if found is not None:
            review, comments, read = found
            self.on_review_loaded(ReviewLoaded(review, comments, read, comment_id, True))

        def sidebar() -> None:
            # The same list a reload would bring: a new count moves the row under
            # "latest activity" or "most comments"; the cursor stays where it is.
            keep = self.query_one(ReviewList).current_id
            self.on_reviews_loaded(ReviewsLoaded(reviews, unread, keep))

        # After the frame with the reply, as a message of its own: the screen coming
        # back from the composer is drawn first, and keys get in between.
        self.call_after_refresh(self.call_later, sidebar)
        return True

    def _same_text(self, review: Review) -> bool:
        """Whether ``review`` differs from the one on show only in its comment figures."""
        shown = self._review
        return shown is not None and shown == dataclasses.replace(
            review, comment_count=shown.comment_count, last_activity=shown.last_activity
        )
