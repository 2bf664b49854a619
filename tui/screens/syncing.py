"""`R`: the followed blogs synced in a thread worker while the reader stays live.

Progress (sources done / total) is shown in the header; when the sync ends,
the reader reloads both panes in place (the cursor stays on its review and
comment; an open composer keeps its text, it is a screen of its own) and the
sources screen, if open, is read again. The network never runs on the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from tui.sources.sync import SyncOutcome
    from tui.store import Store


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(outcomes: Sequence[SyncOutcome]) -> tuple[str, bool]:
    """The notification after a sync, and whether any source failed."""
    failed = [o for o in outcomes if not o.ok]
    reviews = sum(o.new_reviews for o in outcomes)
    comments = sum(o.new_comments for o in outcomes)
    text = (
        f"{_plural(len(outcomes) - len(failed), 'source')} synced: "
        f"{_plural(reviews, 'new review')}, {_plural(comments, 'new comment')}"
    )
    if failed:
        text += f". {_plural(len(failed), 'source')} failed (S shows why)"
    return text, bool(failed)


class Syncing:
    """The one background sync of the app: at most one runs at a time."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.running = False
        self.done = 0
        self.total = 0

    def start(self, store: Store) -> None:
        """Begin syncing every followed source, unless a sync is already running."""
        if self.running:
            self._app.notify(f"Already syncing ({self.done}/{self.total}).", markup=False)
            return
        self.running = True
        self.done = self.total = 0
        self._app.sub_title = "syncing…"
        self._app.run_worker(
            partial(self._run, store), thread=True, group="sync", exclusive=True, name="sync"
        )

    def _run(self, store: Store) -> None:
        from tui.sources.outbox import send_outbox
        from tui.sources.sync import sync
        from tui.sources.wordpress_sync import watching_pulls

        try:
            with watching_pulls(self._pulled):
                outcomes = sync(store, progress=self._progress)
            store.retry_failed()  # R retries the replies the blog refused, too
            sent = send_outbox(store)
        except Exception as error:  # noqa: BLE001 - said in the UI, never a crash
            self._app.call_from_thread(self._failed, str(error))
            return
        self._app.call_from_thread(self._finished, outcomes)
        if sent.anything:
            text = sent.notice()
            bad = bool(sent.failed or sent.problems)
            self._app.call_from_thread(
                self._app.notify,
                text,
                title="Replies",
                severity="warning" if bad else "information",
                markup=False,
            )

    def _progress(self, done: int, total: int) -> None:
        self._app.call_from_thread(self._show, done, total)

    def _pulled(self, source: object, done: int, total: int) -> None:
        """A page of a WordPress blog came in: how far the pull is, in items."""
        self._app.call_from_thread(self._show_items, done, total)

    def _show_items(self, done: int, total: int) -> None:
        self._app.sub_title = f"syncing {self.done}/{self.total} · {done:,}/{total:,} items"

    def _show(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._app.sub_title = f"syncing {done}/{total}"

    def _failed(self, reason: str) -> None:
        self.running = False
        self._app.sub_title = ""
        self._app.notify(reason, title="Sync failed", severity="error", markup=False)

    def _finished(self, outcomes: list[SyncOutcome]) -> None:
        from tui.screens.reader import ReaderScreen, StoreChanged
        from tui.screens.sources import SourcesScreen

        self.running = False
        self._app.sub_title = ""
        if not outcomes:
            self._app.notify(
                "No blogs followed yet: run `reviews follow URL` in a terminal.", markup=False
            )
            return
        text, failed = summary(outcomes)
        self._app.notify(
            text, title="Sync", severity="warning" if failed else "information", markup=False
        )
        for screen in self._app.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.post_message(StoreChanged())
            elif isinstance(screen, SourcesScreen):
                screen.reload()
