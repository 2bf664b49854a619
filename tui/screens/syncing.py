"""`R`, and the reader's own syncs: the followed blogs synced in a thread worker while
the reader stays live.

Progress (sources done / total) is shown in the header; when the sync ends,
the reader reloads both panes in place (the cursor stays on its review and
comment; an open composer keeps its text, it is a screen of its own) and the
sources screen, if open, is read again. The network never runs on the event loop.

Every ``LOOK_EVERY`` the app looks whether the blogs are due (``sync_every`` in the
config; ``tui.sources.schedule``): a look that syncs is quiet unless something came in,
a reply went out, or a source failed that did not fail at the look before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from tui.sources.outbox import SendReport
    from tui.sources.sync import SyncOutcome
    from tui.store import Source, Store


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


def quit_note(waiting: int, refused: int) -> str:
    """What the command line says as the reader quits with replies left, or ``""``."""
    if not waiting and not refused:
        return ""
    parts = [f"{waiting} waiting"] if waiting else []
    parts += [f"{refused} refused by the blog"] if refused else []
    then = "the waiting go out at the next start or `reviews sync`; " if waiting else ""
    return f"the outbox holds {', '.join(parts)}: {then}`reviews outbox` lists them"


def outbox_line(waiting: int, refused: int) -> str:
    """The header's word on the outbox: ``outbox: 1 waiting, 1 refused (O)``, or ``""``."""
    parts = [f"{waiting} waiting"] if waiting else []
    parts += [f"{refused} refused"] if refused else []
    return f"outbox: {', '.join(parts)} (O)" if parts else ""


class Syncing:
    """The one background sync of the app: at most one runs at a time."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.running = False
        self.done = 0
        self.total = 0
        self._failing: frozenset[int] = frozenset()
        """The sources that failed at the last look (a look says a failure once)."""
        self._look_error: str | None = None
        """Why the last look could not sync at all (said once, not at every look)."""
        self.looking = False
        """A look (not ``R``) is running."""
        self.outbox = (0, 0)
        """The outbox's entries (waiting, refused) when last counted."""
        self._after: list[Callable[[], None]] = []
        """What waits for the running sync to end: an ``R`` pressed during a look, the
        first fetch of a blog just followed."""

    def start(self, store: Store) -> None:
        """Begin syncing every followed source, unless a sync is already running."""
        if self.running and self.looking:
            self._after.append(partial(self.start, store))  # R follows the look
            self._app.sub_title = "syncing…"
            return
        if self.running:
            self._app.notify(f"Already syncing ({self.done}/{self.total}).", markup=False)
            return
        self.running = True
        self.done = self.total = 0
        self._app.sub_title = "syncing…"
        self._app.run_worker(
            partial(self._run, store), thread=True, group="sync", exclusive=True, name="sync"
        )

    def fetch_followed(self, store: Store, source: Source) -> None:
        """Fetch a blog just followed (its posts and comments), in the background; after
        the sync that is running, if one is."""
        if self.running:
            self._after.append(partial(self.fetch_followed, store, source))
            return
        self.running = True
        self.done = self.total = 0
        self._app.sub_title = "syncing…"
        self._app.run_worker(
            partial(self._run, store, False, source),
            thread=True,
            group="sync",
            exclusive=True,
            name="sync followed",
        )

    def look(self, store: Store, every: float) -> None:
        """The reader's own look: sync when the blogs are due (``every`` seconds after the
        oldest last sync), else send the replies that wait, else nothing; quietly."""
        if self.running:
            return  # R, or the look before, is still at it: it does what this would
        self.running = self.looking = True
        self._app.run_worker(
            partial(self._look, store, every),
            thread=True,
            group="sync",
            exclusive=True,
            name="sync look",
        )

    def _look(self, store: Store, every: float) -> None:
        from tui.sources.outbox import send_outbox
        from tui.sources.schedule import Plan, plan

        try:
            waiting = any(entry.state == "queued" for entry in store.outbox())
            what = plan(store.sources(), waiting, every, datetime.now().astimezone())
            if what is Plan.SEND:
                sent = send_outbox(store)
        except Exception as error:  # noqa: BLE001 - said in the UI, never a crash
            self._app.call_from_thread(self._failed, str(error), True)
            return
        if what is Plan.SYNC:
            self._run(store, quiet=True)
            return
        if what is Plan.SEND:
            self._app.call_from_thread(self.show_outbox, store.outbox_counts())
            self._app.call_from_thread(self._sent, sent, True)
        else:
            self._app.call_from_thread(self._rested)

    def _run(self, store: Store, quiet: bool = False, followed: Source | None = None) -> None:
        """Pull every source (``followed``: only that one, just followed), then send the
        outbox; say how it went on the event loop."""
        from tui.sources.outbox import SendReport, send_outbox
        from tui.sources.sync import sync
        from tui.sources.wordpress_sync import watching_pulls

        chosen = None if followed is None else [followed]
        try:
            with watching_pulls(self._pulled):
                outcomes = sync(store, chosen, progress=self._progress)
            if not quiet and followed is None:
                store.retry_failed()  # R retries the replies the blog refused, too
            sent = send_outbox(store) if followed is None else SendReport()
            counts = store.outbox_counts()
        except Exception as error:  # noqa: BLE001 - said in the UI, never a crash
            self._app.call_from_thread(self._failed, str(error), quiet)
            return
        self._app.call_from_thread(self.show_outbox, counts)
        if followed is not None:
            self._app.call_from_thread(self._first_fetch, outcomes)
        else:
            self._app.call_from_thread(self._finished, outcomes, quiet)
        self._app.call_from_thread(self._sent, sent, quiet)

    def show_outbox(self, counts: tuple[int, int]) -> None:
        """What the outbox holds (waiting, refused), in the header whenever no sync runs."""
        self.outbox = counts
        if not self.running:
            self._app.sub_title = outbox_line(*self.outbox)

    def _settled(self) -> None:
        """The sync or look is over: what waited for it starts (one thing; the rest wait
        for that in turn)."""
        self.running = self.looking = False
        if self._after:
            self._after.pop(0)()

    def _sent(self, sent: SendReport, quiet: bool) -> None:
        """Say what the outbox did: after R, anything it tried; after a look, only what
        moved (a reply still waiting for the network says so in the thread)."""
        moved = bool(sent.sent or sent.held or sent.failed or sent.adopted)
        if quiet and sent.anything:
            # Each reply's state in the thread: sent, or queued with this try's reason (a
            # send that ran while ctrl+s's own was refused left it showing "sending").
            # The thread alone: a reply waiting for the network is tried every minute.
            from tui.screens.outbox import OutboxScreen
            from tui.screens.reader import ReaderScreen, RepliesTried

            for screen in self._app.screen_stack:
                if isinstance(screen, ReaderScreen):
                    screen.post_message(RepliesTried())
                elif isinstance(screen, OutboxScreen):
                    screen.reload()
        if sent.anything and (moved or not quiet):
            bad = bool(sent.failed or sent.problems)
            self._app.notify(
                sent.notice(),
                title="Replies",
                severity="warning" if bad else "information",
                markup=False,
            )
        self._settled()

    def _rested(self) -> None:
        """A look found nothing due."""
        self._settled()

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

    def _failed(self, reason: str, quiet: bool = False) -> None:
        self._app.sub_title = outbox_line(*self.outbox)
        said = quiet and reason == self._look_error  # at the look before
        self._look_error = reason if quiet else None
        if not said:
            self._app.notify(reason, title="Sync failed", severity="error", markup=False)
        self._settled()

    def _finished(self, outcomes: list[SyncOutcome], quiet: bool = False) -> None:
        """The pull is done (the outbox's notice follows): say so and show what came in.
        After a look, only new reviews or comments, or a source newly failing, are said."""
        self._app.sub_title = outbox_line(*self.outbox)
        if not outcomes:
            if not quiet:
                self._app.notify(
                    "No blogs followed yet: press S, then a, to follow one.", markup=False
                )
            return
        text, failed = summary(outcomes)
        if quiet:
            self._look_error = None
            failing = frozenset(o.source.id for o in outcomes if not o.ok)
            newly_failing = bool(failing - self._failing)
            self._failing = failing
            if not newly_failing and not any(o.new_reviews or o.new_comments for o in outcomes):
                self._reload(everything=False)  # the sources' times, if that screen is open
                return
        self._app.notify(
            text, title="Sync", severity="warning" if failed else "information", markup=False
        )
        self._reload(everything=True)

    def _first_fetch(self, outcomes: list[SyncOutcome]) -> None:
        """A blog just followed has been fetched: what came in, or why not."""
        self._app.sub_title = outbox_line(*self.outbox)
        for outcome in outcomes:
            name = outcome.source.title or outcome.source.url
            if outcome.ok:
                text = (
                    f"Following {name}: {_plural(outcome.new_reviews, 'new review')}, "
                    f"{_plural(outcome.new_comments, 'new comment')}"
                )
                self._app.notify(text, title="Followed", markup=False)
            else:
                text = (
                    f"Following {name}, but its first fetch failed ({outcome.error}); "
                    "it is tried again at the next sync"
                )
                self._app.notify(text, title="Followed", severity="warning", markup=False)
        self._reload(everything=True)

    def reload(self) -> None:
        """Show the store again everywhere (after a login, say)."""
        self._reload(everything=True)

    def _reload(self, everything: bool) -> None:
        """Show the store again: the reader's panes in place (``everything``; else only
        the sources screen, when a look brought nothing), the sources screen if open."""
        from tui.screens.listing import ListingScreen
        from tui.screens.reader import ReaderScreen, StoreChanged
        from tui.screens.sources import SourcesScreen

        for screen in self._app.screen_stack:
            if isinstance(screen, ReaderScreen) and everything:
                screen.post_message(StoreChanged())
            elif isinstance(screen, (SourcesScreen, ListingScreen)):
                screen.reload()
