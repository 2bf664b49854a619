"""The reply composer: a multi-line editor over the reader, saving off the event loop."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from tui.display import join, literal, literal_line, markdown_words
from tui.model import Comment
from tui.screens import SHORT_BELOW
from tui.text import clean, shorten
from tui.widgets.comment_thread import CommentThread
from tui.widgets.footer import KeyBar

if TYPE_CHECKING:
    from textual.widgets import TextArea

DRAFT_DELAY = 0.8
"""Seconds after the first unsaved change before the draft is written to disk.

A throttle, not a debounce: typing on does not push the save back, so a
crash at any moment loses at most the last second of typing."""


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply answers: the review itself or one comment of it."""

    review_id: int
    parent_id: int | None
    author: str
    """Whose words are being answered."""
    excerpt: str
    """The start of what is being answered, quoted in the composer."""
    title: str

    @property
    def draft_key(self) -> str:
        """The key the draft for this target is kept under."""
        if self.parent_id is None:
            return f"review:{self.review_id}"
        return f"comment:{self.parent_id}"

    def describe(self) -> Content:
        """ "Replying to …" as literal content."""
        if self.parent_id is None:
            return join(("Replying to the review ", "bold"), literal_line(self.title, "italic"))
        return join(("Replying to ", "bold"), literal_line(self.author, "bold $accent"))


@dataclass
class DraftKept(Message, bubble=False):
    """The text was kept as a draft; the composer may close."""

    text: str


@dataclass
class DraftNotKept(Message, bubble=False):
    """The draft could not be written; the composer stays open."""

    text: str
    reason: str


class ReplyComposer(ModalScreen[Comment | None]):
    """Write a reply; ``ctrl+s`` saves it, ``escape`` closes and keeps a draft."""

    # Here, not in reader.tcss: parsed when the screen first opens, not at start.
    DEFAULT_CSS = """
    ReplyComposer {
        align: center middle;
        background: $background 60%;
    }

    #composer {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #composer-quote {
        margin-bottom: 1;
        max-height: 4;
    }

    #reply-text {
        height: 12;
        min-height: 4;
    }

    #composer-status {
        height: 1;
        margin-top: 1;
    }

    #preview-label {
        margin-top: 1;
    }

    #preview {
        height: 6;
        border: none;
        padding: 0;
        background: $boost;
    }

    /* A short terminal (a split pane): the editor keeps the room, the quote one line. */
    ReplyComposer.-short #composer {
        height: 100%;
        max-height: 100%;
    }

    ReplyComposer.-short #composer-quote {
        max-height: 1;
        margin-bottom: 0;
    }

    ReplyComposer.-short #reply-text {
        height: 1fr;
        min-height: 2;
    }

    ReplyComposer.-short #composer-status {
        margin-top: 0;
    }

    ReplyComposer.-short #preview-label, ReplyComposer.-short #preview {
        display: none;
    }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]
    """Below ``SHORT_BELOW`` rows the composer is ``-short``: no preview, a one-line
    quote, and the editor gets what is left (at 12 rows it was pushed off the screen)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="composer.save"),
        Binding("escape", "close", "Close (keep draft)", id="composer.close"),
        Binding("ctrl+e", "external_editor", "$EDITOR", priority=True, id="composer.editor"),
    ]

    def __init__(
        self,
        target: ReplyTarget,
        *,
        draft: str,
        submit: Callable[[str], Comment],
        save_draft: Callable[[str], None],
        author: str = "",
        editing: bool = False,
        restored: bool = False,
        note: str = "",
    ) -> None:
        """``restored``: ``draft`` is an unsent draft brought back (else a fresh start,
        perhaps a quote: left as it is, it is not kept as a draft). ``note``: where the
        reply goes (to the blog, or why it stays here), said before you type."""
        super().__init__()
        self._note = note
        self.target = target
        self._author = author
        self._editing = editing
        self._initial = draft
        self._restored = restored
        self._submit = submit
        self._save_draft = save_draft
        self._draft_timer: Timer | None = None
        self._saving = False
        self._keeping_draft = False
        self._close_failed = False
        self._draft_lock = threading.Lock()
        self._draft_number = 0
        """Bumps with each draft handed to a worker: an older one never overwrites a newer."""

    def compose(self) -> ComposeResult:
        """The target, a quote of it, the editor and a status line."""
        excerpt = shorten(markdown_words(self.target.excerpt), 240)
        with Vertical(id="composer"):
            heading = (
                Content.styled("Editing your reply", "bold")
                if self._editing
                else self.target.describe()
            )
            yield Static(heading, id="composer-target", markup=False)
            yield Static(literal("> " + excerpt, "italic $text-muted"), id="composer-quote")
            from textual.widgets import TextArea  # loaded with the first reply, not at start

            yield TextArea(
                clean(self._initial),
                id="reply-text",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
            )
            yield Static(id="composer-status", markup=False)
            yield Static(Content.styled("Preview", "dim"), id="preview-label")
            yield CommentThread(id="preview")
        yield KeyBar(self.app.size.width)

    def _area(self) -> TextArea:
        """The text editor (its class is loaded once a reply is written, not at start)."""
        from textual.widgets import TextArea

        return self.query_one("#reply-text", TextArea)

    def on_mount(self) -> None:
        """Put the cursor at the end of any draft, ready to type."""
        area = self._area()
        area.focus()
        area.move_cursor(area.document.end)
        self.query_one("#preview", CommentThread).can_focus = False
        self._update_preview()
        if self._restored and not self._editing:
            self._status("Your unsent draft is back.", "$text-muted")
        elif self._note:
            self._status(self._note, "$text-muted")

    @property
    def text(self) -> str:
        """What is in the editor now."""
        return self._area().text

    def _draft_text(self) -> str:
        """What to keep as the draft: nothing for a fresh quote left as it was."""
        text = self.text
        if not self._restored and text.strip() == self._initial.strip():
            return ""
        return text

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#composer-status", Static).update(literal_line(message, style))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Save the draft within ``DRAFT_DELAY`` of the first unsaved change."""
        self._close_failed = False
        if self._draft_timer is None:
            self._draft_timer = self.set_timer(DRAFT_DELAY, self._write_draft)

    def _write_draft(self) -> None:
        self._draft_timer = None
        self._update_preview()
        if not self._editing:
            self._store_draft(self._draft_text())

    def _update_preview(self) -> None:
        """Show the reply as the thread will show it."""
        body = self.text if self.text.strip() else "(your reply)"
        when = datetime.now().astimezone().isoformat(timespec="seconds")
        reply = Comment(0, self.target.review_id, None, self._author, when, body, local=True)
        self.query_one("#preview", CommentThread).set_comments([reply])

    def action_external_editor(self) -> None:
        """Edit the reply in $VISUAL or $EDITOR and take back the result, as mutt does."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self._status("Set $VISUAL or $EDITOR to write in your own editor.", "$warning")
            return
        with tempfile.NamedTemporaryFile(
            "w", suffix=".md", prefix="reviews-reply-", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(self.text)
            path = Path(handle.name)
        try:
            try:
                with self.app.suspend():
                    result = subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:
                # No real terminal to hand over (tests, some embeddings): run it anyway.
                result = subprocess.run(
                    [*shlex.split(command), str(path)], check=False, capture_output=True
                )
            if result.returncode != 0:
                self._status(f"The editor exited with status {result.returncode}.", "$error")
                return
            text = clean(path.read_text(encoding="utf-8", errors="replace"))
        except OSError as error:
            self._status(f"Could not run the editor: {error}", "$error")
            return
        finally:
            path.unlink(missing_ok=True)
        area = self._area()
        area.text = text.rstrip("\n")
        area.move_cursor(area.document.end)
        self._status("Text taken back from the editor.", "$text-muted")

    def _store_draft(self, text: str) -> None:
        self._draft_number += 1
        self._draft_worker(text, self._draft_number)

    @work(thread=True, group="draft", exclusive=False)
    def _draft_worker(self, text: str, number: int) -> None:
        with self._draft_lock:
            if number != self._draft_number:
                return  # a newer draft is on its way: this one would only overwrite it
            try:
                self._save_draft(text)
            except Exception as error:  # noqa: BLE001 - any failure is reported, the text stays
                message = f"Could not save the draft: {error}. Your text is still here."
                self.app.call_from_thread(self._status, message, "$error")

    def action_save(self) -> None:
        """Save the reply; an empty one is refused with a message."""
        if self._saving:
            return
        text = self.text
        if not text.strip():
            self._status("An empty reply was not saved. Type something, or escape.", "$error")
            self.notify("An empty reply was not saved.", severity="warning", markup=False)
            return
        self._saving = True
        self._status("Saving…", "$text-muted")
        self._save(text)

    @work(thread=True, group="save", exclusive=True)
    def _save(self, text: str) -> None:
        try:
            comment = self._submit(text)
        except Exception as error:  # noqa: BLE001 - the user must see why; the draft stays
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._saved, comment)

    def _failed(self, reason: str) -> None:
        self._saving = False
        self._status(f"Not saved: {reason}. Your text is still here.", "$error")
        self.notify(f"Reply not saved: {reason}", severity="error", markup=False)

    def _saved(self, comment: Comment) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.dismiss(comment)

    def action_close(self) -> None:
        """Close without sending, once the text is safe as a draft for this target.

        If the draft cannot be written (a full disk, a read-only folder, a
        broken lock) the composer stays open with the text and says why; a
        second ``escape`` then closes it without keeping the text.
        """
        if self._keeping_draft:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self._editing or self._close_failed:
            if self._close_failed:
                self.notify("Closed without keeping the text.", severity="warning", markup=False)
            self.dismiss(None)
            return
        self._keeping_draft = True
        self._draft_number += 1
        # The app's worker, not this screen's: closing the screen waits for its own workers.
        self.app.run_worker(
            partial(self._close_with_draft, self._draft_text(), self._draft_number),
            thread=True,
            group="draft",
        )

    def _close_with_draft(self, text: str, number: int) -> None:
        with self._draft_lock:
            try:
                self._save_draft(text)
            except Exception as error:  # noqa: BLE001 - the text stays; the user sees why
                self.post_message(DraftNotKept(text, str(error)))
                return
            self._draft_number = max(self._draft_number, number)
        # A message, handled by the screen itself: dismissing from a thread's callback
        # instead can leave the screen's removal waiting on the app forever.
        self.post_message(DraftKept(text))

    def on_draft_kept(self, message: DraftKept) -> None:
        """The draft is on disk: close, and say so if there was text."""
        if message.text.strip():
            self.notify("Draft kept. Press r on the same item to continue.", markup=False)
        self.dismiss(None)

    def on_draft_not_kept(self, message: DraftNotKept) -> None:
        """The draft could not be written: stay open with the text, and say why."""
        text, reason = message.text, message.reason
        self._keeping_draft = False
        if not text.strip():
            # Nothing typed to lose: only an old draft could not be cleared.
            self.notify(f"Could not clear the draft: {reason}", severity="warning", markup=False)
            self.dismiss(None)
            return
        self._close_failed = True
        self._status(
            f"Could not keep the draft: {reason}. Your text is still here: ctrl+s sends it; "
            "escape again closes without keeping it.",
            "$error",
        )
        self.notify(f"Draft not saved: {reason}", severity="error", markup=False)
