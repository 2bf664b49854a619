"""The reader screen: sidebar, reading pane and comments, wired to the store off the loop."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from tui.model import Comment, Review
from tui.screens.composer import ReplyComposer, ReplyTarget
from tui.screens.help import HelpScreen
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

if TYPE_CHECKING:
    from tui.app import ReviewsApp

REFRESH_SECONDS = 2.0
"""How often the reader checks whether another process changed the database."""


@dataclass
class ReviewsLoaded(Message):
    """The sidebar's reviews, read from the store."""

    reviews: list[Review]
    unread: set[int]
    keep: int | None


@dataclass
class ReviewLoaded(Message):
    """One review and its comments, read from the store."""

    review: Review
    comments: list[Comment]
    keep_comment: int | None
    focus_comments: bool = False


@dataclass
class StoreChanged(Message):
    """Another process changed the database; the panes should reload in place."""


@dataclass
class LoadFailed(Message):
    """A read from the store failed; the message says why."""

    reason: str


class ReaderScreen(Screen[None]):
    """Browse reviews, read one, read and answer its comments."""

    BINDINGS = [
        Binding("r", "reply", "Reply", id="reader.reply"),
        Binding("slash", "filter", "Filter", id="reader.filter"),
        Binding("question_mark", "help", "Help", id="reader.help"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="reader.clear_filter"),
    ]

    review_id: reactive[int | None] = reactive(None, init=False)
    """The review on show; set from the sidebar's cursor."""

    def __init__(self) -> None:
        super().__init__()
        self._review: Review | None = None

    @property
    def reviews_app(self) -> ReviewsApp:
        """The app, typed: it holds the store, drafts and config."""
        from tui.app import ReviewsApp

        app = self.app
        assert isinstance(app, ReviewsApp)
        return app

    def compose(self) -> ComposeResult:
        """Sidebar on the left; review above its comments on the right."""
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield Input(placeholder="Filter titles…", id="filter")
                yield ReviewList(id="reviews")
            with Vertical(id="content"):
                yield ReadingPane(id="reading")
                yield CommentThread(id="comments")
        yield Footer()

    def on_mount(self) -> None:
        """Start loading, and keep an eye on the file for other processes' changes."""
        self.query_one("#sidebar").border_title = "Reviews"
        self.query_one("#reading").border_title = "Review"
        self.query_one("#comments").border_title = "Comments"
        self.query_one(ReviewList).focus()
        self.load_reviews(None)
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    # -- reading from the store (thread workers, results as messages) ----------------

    @work(thread=True, exclusive=True, group="reviews")
    def load_reviews(self, keep: int | None) -> None:
        """Read the sidebar's reviews."""
        store = self.reviews_app.store
        try:
            reviews = store.reviews()
            unread = store.unread_review_ids()
        except Exception as error:  # noqa: BLE001 - shown to the user, never a crash
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(ReviewsLoaded(reviews, unread, keep))

    @work(thread=True, exclusive=True, group="review")
    def load_review(
        self, review_id: int, keep_comment: int | None = None, focus_comments: bool = False
    ) -> None:
        """Read one review and its comments."""
        store = self.reviews_app.store
        try:
            review = store.review(review_id)
            comments = store.comments(review_id)
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(ReviewLoaded(review, comments, keep_comment, focus_comments))

    @work(thread=True, exclusive=True, group="refresh")
    def check_for_changes(self) -> None:
        """Re-read the file when another process changed it."""
        try:
            changed = self.reviews_app.store.refresh()
        except Exception as error:  # noqa: BLE001
            self.post_message(LoadFailed(str(error)))
            return
        if changed:
            self.post_message(StoreChanged())

    def on_reviews_loaded(self, message: ReviewsLoaded) -> None:
        """Fill the sidebar, keeping the cursor where it was."""
        sidebar = self.query_one(ReviewList)
        sidebar.set_reviews(message.reviews, keep=message.keep, unread=message.unread)
        self.query_one("#sidebar").border_title = f"Reviews ({len(message.reviews)})"
        if not message.reviews:
            self.query_one(ReadingPane).show(None)
            self.query_one(CommentThread).set_comments([])

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        """Show the review and its thread, unless the user has moved on meanwhile."""
        review = message.review
        if review.id != self.review_id:
            return
        if self._review != review:
            self.query_one(ReadingPane).show(review)
        self._review = review
        thread = self.query_one(CommentThread)
        thread.set_comments(message.comments, keep=message.keep_comment)
        shown = sum(1 for c in message.comments if c.deleted is None)
        thread.border_title = f"Comments ({shown})"
        if message.focus_comments:
            thread.focus()

    def on_store_changed(self, message: StoreChanged) -> None:
        """Reload both panes in place after another process wrote the file."""
        self.load_reviews(self.review_id)
        if self.review_id is not None:
            self.load_review(self.review_id, self.query_one(CommentThread).current_id)

    def on_load_failed(self, message: LoadFailed) -> None:
        """Say plainly what went wrong."""
        self.notify(message.reason, title="Could not read", severity="error", markup=False)

    # -- the user moving around ----------------------------------------------------------

    def on_review_list_review_highlighted(self, message: ReviewList.ReviewHighlighted) -> None:
        """The sidebar cursor picks the review on show."""
        self.review_id = message.review_id

    def watch_review_id(self, review_id: int | None) -> None:
        """Load the newly chosen review."""
        if review_id is not None:
            self.load_review(review_id)

    def on_review_list_review_chosen(self, message: ReviewList.ReviewChosen) -> None:
        """Enter on a review: read it."""
        self.query_one(ReadingPane).focus()

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(ReviewList).set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(ReviewList).focus()

    def action_clear_filter(self) -> None:
        """Empty and hide the filter; back to the list."""
        box = self.query_one("#filter", Input)
        if not box.has_class("-shown"):
            return
        box.value = ""
        box.remove_class("-shown")
        self.query_one(ReviewList).focus()

    def action_help(self) -> None:
        """Show every key, by pane."""
        self.app.push_screen(
            HelpScreen(
                [
                    ("Sidebar", self.query_one(ReviewList)),
                    ("Reading pane", self.query_one(ReadingPane)),
                    ("Comments", self.query_one(CommentThread)),
                    ("Everywhere", self),
                    ("App", self.app),
                ]
            )
        )

    # -- replying ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reply only when there is a review to reply to."""
        if action == "reply":
            return self._review is not None
        return True

    def _reply_target(self) -> ReplyTarget | None:
        review = self._review
        if review is None:
            return None
        thread = self.query_one(CommentThread)
        comment = thread.current if thread.has_focus else None
        if comment is not None:
            return ReplyTarget(review.id, comment.id, comment.author, comment.body, review.title)
        return ReplyTarget(review.id, None, review.author, review.body, review.title)

    def action_reply(self) -> None:
        """Reply to the highlighted comment (comments focused) or else to the review."""
        target = self._reply_target()
        if target is not None:
            self.open_composer(target)

    @work(thread=True, group="composer")
    def open_composer(self, target: ReplyTarget) -> None:
        """Fetch any draft for the target, then open the composer on it."""
        app = self.reviews_app
        try:
            draft = app.drafts.get(target.draft_key) or ""
        except Exception as error:  # noqa: BLE001 - a lost draft file must not block replying
            app.call_from_thread(
                self.notify, f"Could not read drafts: {error}", severity="warning", markup=False
            )
            draft = ""
        app.call_from_thread(self._push_composer, target, draft)

    def _push_composer(self, target: ReplyTarget, draft: str) -> None:
        app = self.reviews_app

        def submit(text: str) -> Comment:
            # Runs in the composer's thread worker: the reply is on disk when this returns.
            comment = app.store.add_reply(
                target.review_id, target.parent_id, app.config.author, text
            )
            # The reply is saved; a stale draft left behind is only an offer next time.
            with suppress(OSError):
                app.drafts.discard(target.draft_key)
            return comment

        def save_draft(text: str) -> None:
            app.drafts.put(target.draft_key, text)

        def done(comment: Comment | None) -> None:
            if comment is None:
                return
            self.notify("Reply saved.", markup=False)
            self.load_reviews(target.review_id)
            self.load_review(target.review_id, keep_comment=comment.id, focus_comments=True)

        self.app.push_screen(
            ReplyComposer(target, draft=draft, submit=submit, save_draft=save_draft), done
        )
