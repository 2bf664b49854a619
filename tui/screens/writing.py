"""The reader's writing actions: reply, quote, edit, delete and undo (a screen mixin).

Every store call runs in a thread worker; the store is the only thing that
touches the database, and each call is on disk before the UI says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.binding import Binding

from tui.display import join, literal_line
from tui.model import Comment, ReadState, Review
from tui.store import StoreError
from tui.store.reply_targets import reply_author
from tui.text import clean
from tui.widgets.comment_thread import CommentThread

if TYPE_CHECKING:
    from tui.app import ReviewsApp
    from tui.screens.composer import ReplyComposer, ReplyTarget

RETIRE_AFTER = 1.0
"""Seconds a closed composer is kept (suspended) before it is removed: see ``_open_composer``."""


@dataclass(frozen=True)
class Undo:
    """How to take back one delete or edit of a reply, this session."""

    kind: Literal["delete", "edit"]
    review_id: int
    comment_id: int
    old_body: str = ""
    old_edited: str | None = None
    """When the reply had last been edited before (``None``: never)."""


@dataclass(frozen=True)
class UndoReads:
    """How to take back one "mark all read" (``A``), this session."""

    before: Mapping[int, ReadState]
    """Each review it marked, with the read state it had before."""


def _where_it_goes(app: ReviewsApp, review_id: int) -> tuple[str, str]:
    """The composer's note (the reply goes to the blog, or why it stays here) and the
    name the reply is stored and shown under: the blog's name for you, when it goes to a
    blog that gave one at login, else the config's ``author``."""
    try:
        why = app.store.why_local(review_id)
        author = reply_author(app.store.reply_target(review_id), app.config.author)
    except StoreError:
        return "", app.config.author
    return why or "ctrl+s saves this reply and sends it to the blog", author


QUOTE_LIMIT = 1_000
"""Characters of a comment or review quoted when nothing is selected."""


def quote(text: str, *, whole: bool = False) -> str:
    """``text`` as a Markdown/e-mail quote, ready to answer below.

    Unless ``whole`` (a passage the user selected), only the first paragraph is
    quoted, cut at ``QUOTE_LIMIT``: a reply quotes, it does not copy a review.
    """
    text = clean(text).strip("\n")
    if not whole:
        text = text.split("\n\n", 1)[0]
        if len(text) > QUOTE_LIMIT:
            text = text[:QUOTE_LIMIT].rsplit(" ", 1)[0] + " …"
    lines = text.splitlines() or [""]
    return "\n".join("> " + line if line else ">" for line in lines) + "\n\n"


WRITING_BINDINGS = [
    Binding("r", "reply", "Reply", id="reader.reply"),
    Binding("greater_than_sign", "quote_reply", "Quote", show=False, id="reader.quote"),
    Binding("e", "edit", "Edit", id="reader.edit"),
    Binding("d", "delete", "Delete", id="reader.delete"),
    Binding("u", "undo", "Undo", show=False, id="reader.undo"),
]


class WritingActions:
    """Reply, quote, edit, delete and undo for the reader screen."""

    _review: Review | None
    _undo: list[Undo | UndoReads]

    # Provided by the reader screen.
    def _reviews_app(self) -> ReviewsApp:
        raise NotImplementedError

    def _after_write(self, review_id: int, comment_id: int | None) -> None:
        raise NotImplementedError

    def _thread(self) -> CommentThread:
        raise NotImplementedError

    def _reload_in_place(self) -> None:
        raise NotImplementedError

    def _open_composer(
        self, composer: ReplyComposer, done: Callable[[Comment | None], None]
    ) -> None:
        """Push ``composer``; once it closes, remove it a moment later, not as it closes.

        Textual removes a popped screen from inside the app's own message loop and
        waits there until every widget of it has stopped, while the reader repaints
        (the reply, the sidebar, the key bar): keys typed as a reply was saved waited
        for all of that (65-140 ms). A popped screen that is installed is only
        suspended, so the reader shows the reply with keys flowing, and the composer
        is removed ``RETIRE_AFTER`` seconds later (a few milliseconds, then).
        """
        app = self._reviews_app()
        app.install_screen(composer, f"composer-{id(composer)}")

        def retire() -> None:
            if composer not in app.screen_stack:
                app.uninstall_screen(composer)
                composer.remove()

        def closed(result: Comment | None) -> None:
            done(result)
            app.set_timer(RETIRE_AFTER, retire, name="retire composer")

        app.push_screen(composer, closed)

    def _own_comment(self) -> Comment | None:
        """The highlighted comment when it is the user's own live reply."""
        thread = self._thread()
        comment = thread.current if thread.has_focus else None
        if comment is None or not comment.local or comment.deleted is not None:
            return None
        return comment

    def writing_check(self, action: str) -> bool | None:
        """Which writing actions make sense now."""
        if action in ("reply", "quote_reply"):
            return self._review is not None
        # Hidden (False) rather than greyed out when they cannot apply: the footer is short.
        if action in ("edit", "delete"):
            return self._own_comment() is not None
        # Undo is always there (from its key and the palette): with nothing to undo it
        # says so, rather than the key doing nothing.
        return True

    # -- replying ------------------------------------------------------------------

    def _reply_target(self) -> ReplyTarget | None:
        # The composer loads with the first reply, not before the reader's first frame.
        from tui.screens.composer import ReplyTarget

        review = self._review
        if review is None:
            return None
        thread = self._thread()
        comment = thread.current if thread.has_focus else None
        if comment is not None and comment.deleted is None:
            return ReplyTarget(review.id, comment.id, comment.author, comment.body, review.title)
        return ReplyTarget(review.id, None, review.author, review.body, review.title)

    def action_reply(self) -> None:
        """Reply to the highlighted comment (comments focused), else to the review."""
        target = self._reply_target()
        if target is not None:
            self._start_composer(target, "")

    def action_quote_reply(self) -> None:
        """Reply quoting the selected passage, else the whole comment or review start."""
        target = self._reply_target()
        if target is None:
            return
        selected = self._reviews_app().screen.get_selected_text()
        text = quote(selected, whole=True) if selected else quote(target.excerpt)
        self._start_composer(target, text)

    def _start_composer(self, target: ReplyTarget, prefix: str) -> None:
        """Open the composer (its draft is read first, off the event loop); what is typed
        meanwhile goes into it, not to the reader."""
        self._reviews_app().expect_screen()
        self.open_composer(target, prefix)

    @work(thread=True, group="composer")
    def open_composer(self, target: ReplyTarget, prefix: str) -> None:
        """Fetch any draft for the target, then open the composer on it."""
        app = self._reviews_app()
        try:
            draft = app.drafts.get(target.draft_key) or ""
        except Exception as error:  # noqa: BLE001 - an unreadable draft must not block replying
            app.call_from_thread(
                app.notify, f"Could not read drafts: {error}", severity="warning", markup=False
            )
            draft = ""
        restored = bool(draft.strip())
        text = draft if restored else prefix
        if restored and prefix.strip() and prefix.strip() not in draft:
            # A new quote is not lost to an old draft: it comes after what was written.
            text = draft.rstrip("\n") + "\n\n" + prefix
        note, author = _where_it_goes(app, target.review_id)
        app.call_from_thread(self._push_composer, target, text, restored, note, author)

    def _push_composer(
        self,
        target: ReplyTarget,
        text: str,
        restored: bool,
        note: str,
        author: str,
    ) -> None:
        from tui.screens.composer import ReplyComposer

        app = self._reviews_app()

        def submit(body: str) -> Comment:
            # Runs in the composer's thread worker: the reply is on disk when this returns.
            comment = app.store.add_reply(
                target.review_id, target.parent_id, app.config.author, body
            )
            # The reply is saved, whatever happens to its draft now: a draft left
            # behind is a warning (it is offered again next time), never "not saved".
            try:
                app.drafts.discard(target.draft_key)
            except (StoreError, OSError) as error:
                app.call_from_thread(
                    app.notify,
                    f"Reply saved, but its draft could not be cleared: {error}",
                    severity="warning",
                    markup=False,
                )
            return comment

        def save_draft(body: str) -> None:
            app.drafts.put(target.draft_key, body)

        def done(comment: Comment | None) -> None:
            if comment is not None:
                app.notify("Reply saved.", markup=False)
                self._after_write(target.review_id, comment.id)
                self.send_replies()

        self._open_composer(
            ReplyComposer(
                target,
                draft=text,
                submit=submit,
                save_draft=save_draft,
                author=author,
                restored=restored,
                note=note,
            ),
            done,
        )
        app.screen_opened()  # what was typed after r goes into it

    # -- editing and deleting your own replies ------------------------------------

    def action_edit(self) -> None:
        """Edit your highlighted reply in the composer."""
        from tui.screens.composer import ReplyComposer, ReplyTarget

        comment = self._own_comment()
        review = self._review
        if comment is None or review is None:
            return
        app = self._reviews_app()
        old_body, old_edited = comment.body, comment.edited
        target = ReplyTarget(review.id, comment.parent_id, comment.author, old_body, review.title)

        def submit(body: str) -> Comment:
            return app.store.edit_reply(comment.id, body)

        def done(edited: Comment | None) -> None:
            if edited is not None:
                self._undo.append(Undo("edit", review.id, comment.id, old_body, old_edited))
                app.notify("Reply edited. Press u to undo.", markup=False)
                self._after_write(review.id, comment.id)
                self.send_replies()

        self._open_composer(
            ReplyComposer(
                target,
                draft=old_body,
                submit=submit,
                save_draft=lambda _text: None,
                author=comment.author,  # an edit keeps the reply's name
                editing=True,
            ),
            done,
        )

    def action_delete(self) -> None:
        """Delete your highlighted reply, after asking."""
        from tui.screens.confirm import ConfirmScreen

        comment = self._own_comment()
        review = self._review
        if comment is None or review is None:
            return
        question = join(
            ("Delete your reply?\n\n", "bold"),
            literal_line(comment.body[:200], "italic"),
            ("\n\nYou can undo this with u until you quit.", "dim"),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(
                    lambda: self._reviews_app().store.delete_reply(comment.id),
                    Undo("delete", review.id, comment.id),
                    "Reply deleted. Press u to undo.",
                )

        self._reviews_app().push_screen(ConfirmScreen(question, yes="Delete", no="Keep"), answered)

    def action_undo(self) -> None:
        """Take back the last delete or edit of this session."""
        if not self._undo:
            self._reviews_app().notify("Nothing to undo.", markup=False)
            return
        undo = self._undo.pop()
        store = self._reviews_app().store
        if isinstance(undo, UndoReads):
            self._restore_reads(undo.before)
        elif undo.kind == "delete":
            self._write(lambda: store.undelete_reply(undo.comment_id), None, "Delete undone.")
        else:
            self._write(
                lambda: store.restore_reply(undo.comment_id, undo.old_body, undo.old_edited),
                None,
                "Edit undone.",
            )

    @work(thread=True, group="seen")
    def _restore_reads(self, states: Mapping[int, ReadState]) -> None:
        app = self._reviews_app()
        try:
            app.store.restore_reads(states)
        except Exception as error:  # noqa: BLE001 - the user sees why; nothing else changes
            app.call_from_thread(
                app.notify, str(error), title="Not undone", severity="error", markup=False
            )
            return

        def shown() -> None:
            self.reads_restored(states)
            unread = sum(1 for state in states.values() if state.unread)
            noun = "review" if unread == 1 else "reviews"
            app.notify(f"Mark all read undone: {unread} {noun} unread again.", markup=False)

        app.call_from_thread(shown)

    def reads_restored(self, states: Mapping[int, ReadState]) -> None:
        """Show read states put back by an undo (the reader screen shows them)."""

    @work(thread=True, group="write")
    def _write(self, change: Callable[[], Comment], undo: Undo | None, done: str) -> None:
        app = self._reviews_app()
        try:
            comment = change()
        except Exception as error:  # noqa: BLE001 - the user sees why; nothing else changes
            app.call_from_thread(
                app.notify, str(error), title="Not saved", severity="error", markup=False
            )
            return

        def finish() -> None:
            if undo is not None:
                self._undo.append(undo)
            app.notify(done, markup=False)
            # After a delete the cursor rests where the reply hung, if it is gone.
            target = comment.id if comment.deleted is None else comment.parent_id or comment.id
            self._after_write(comment.review_id, target)
            self.send_replies()

        app.call_from_thread(finish)

    # -- sending to the blog ------------------------------------------------------------

    @work(thread=True, group="outbox")
    def send_replies(self) -> None:
        """Send what waits in the outbox (a reply, edit or delete just queued) in the
        background; the thread shows each reply's state before and after."""
        from tui.sources.outbox import send_outbox

        app = self._reviews_app()
        counts = app.store.outbox_counts()
        app.call_from_thread(app.syncing.show_outbox, counts)  # a delete may have cancelled one
        if not counts[0]:
            return
        self._reload_in_place()  # "queued" on screen while it goes
        try:
            report = send_outbox(app.store)
        except Exception as error:  # noqa: BLE001 - said in the UI; the entry stays queued
            app.call_from_thread(
                app.notify, str(error), title="Not sent", severity="error", markup=False
            )
            return
        self._reload_in_place()
        app.call_from_thread(app.syncing.show_outbox, app.store.outbox_counts())
        if report.anything:
            text = report.notice()
            bad = bool(report.failed or report.problems)
            app.call_from_thread(
                app.notify, text, severity="warning" if bad else "information", markup=False
            )
