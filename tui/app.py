"""The Textual app: opens the store off the event loop, then shows the reader."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from tui.config import Config
from tui.display import markup_escaped
from tui.held_input import HeldInput
from tui.idle_gc import IdleCollector, release_after_start
from tui.keymap import check_keymap
from tui.literal_app import LiteralTextApp
from tui.logs import log
from tui.model import Review
from tui.opening import Opening, SeedLoader
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.screens.syncing import Syncing
from tui.store.drafts import Drafts
from tui.store.errors import StoreError
from tui.store.first_screen import FirstScreen
from tui.store.journal import QUIT_FOLD_BYTES
from tui.store.paths import drafts_path, real_path, state_path
from tui.store.ui_state import UiState, save_ui_state
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

if TYPE_CHECKING:
    from tui.sources.following import Followed
    from tui.store import Store

SEEN_FLUSH = 5.0
"""Seconds read marks wait to be written together (each write rewrites the database)."""
IDLE_GC_CHECK = 0.5
"""Seconds between checks for a pause to run a full garbage collection in (input also
arms a check for the gap after it: see ``_collect_after_input``)."""
_ACTIVE = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
"""Input that shows the user is here (a pointer merely passing over is not)."""
LOADING_DELAY = 0.25
"""Seconds an open may take (counted from its start) before the loading screen shows. A
small file opens in a few ms: a spinner drawn and taken away that fast is only a flash
(and a quarter of the start's work). Past a quarter of a second a blank screen starts to
look stuck, so a slow open (a big file, a lock another program holds) says what it is
doing; at once if the command line has already waited that long for it."""
GLANCE_WAIT = 0.5
"""Seconds the app waits for the first-screen snapshot to be looked at (it takes ms)."""


def binding_scopes() -> dict[str, Iterable[BindingType]]:
    """Every place the reader defines keys, by the name the help and keymap use."""
    # The dialogs load with their first use, not before the first frame (this runs only
    # when the config has a keymap).
    from tui.screens.help import HelpScreen, dialog_keys

    dialogs = {name: keys for _title, scopes in dialog_keys() for name, keys in scopes.items()}
    return {
        "app": ReviewsApp.BINDINGS,
        "reader": ReaderScreen.BINDINGS,
        "sidebar": ReviewList.BINDINGS,
        "reading": ReadingPane.BINDINGS,
        "comments": CommentThread.BINDINGS,
        **dialogs,
        "help": HelpScreen.BINDINGS,
    }


def _report_failure(task: asyncio.Task[None]) -> None:
    """Log what went wrong while keys waited their turn (the keys flow again anyway)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("keys typed together: %s", error, exc_info=error)


class ReviewsApp(LiteralTextApp):
    """A keyboard-first reader for film reviews and their comment threads."""

    CSS_PATH = "reader.tcss"
    TITLE = "reviews"
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (64, "-narrow"), (100, "-wide")]
    """The reader's width classes (reader.tcss): under 64 columns (a split pane) the
    sidebar takes a share of the width, not its 30 columns, which left the review 10."""
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("R", "sync", "Sync", show=False, id="app.sync"),
        Binding("S", "sources", "Followed blogs", show=False, id="app.sources"),
        Binding("O", "outbox", "Outbox", show=False, id="app.outbox"),
        Binding("I", "inbox", "Answers to you", show=False, id="app.inbox"),
    ]

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS the one that writes
        each frame as it is made (``tui.frame_driver``)."""
        chosen = super().get_driver_class()
        if chosen.__module__ == "textual.drivers.linux_driver":
            from tui.frame_driver import FrameDriver

            return FrameDriver
        return chosen

    def __init__(
        self,
        db_path: Path,
        config: Config | None = None,
        *,
        seed: SeedLoader | None = None,
        lock_timeout: float = 5.0,
        opening: Opening | None = None,
    ) -> None:
        """``opening``: the database already being opened (the command line starts it
        before importing Textual); by default the app starts opening it when mounted."""
        super().__init__()
        self._opening = opening
        self.db_path = db_path
        self._lock_timeout = lock_timeout
        self.config = config or Config()
        self._seed = seed
        self._store: Store | None = None
        self._first_reviews: tuple[list[Review], set[int], int] | None = None
        self.first_screen: FirstScreen | None = None
        """The snapshot on screen while the whole file loads (None once it is loaded)."""
        self._held = HeldInput(self, self.config, lambda: self.closing)
        """Input that arrives before the reader can act on it (``tui.held_input``)."""
        self._after_key: asyncio.Task[None] | None = None
        """The wait for the last key sent on, then for what arrived meanwhile."""
        with suppress(StoreError):  # opening the store reports it
            db_path = real_path(db_path)  # drafts, lock and state beside the real file
        self.db_path = db_path
        self.drafts = Drafts(drafts_path(db_path))
        self.ui_state = UiState()
        self.startup_error: str | None = None
        """Why the app could not start (a corrupt database, say); the CLI prints it."""
        self._keymap_problems: list[str] = []
        self._pending_seen: dict[int, set[int]] = {}
        self._seen_timer: Timer | None = None
        self._idle_gc = IdleCollector()
        self._gc_timer: Timer | None = None
        self._pause_check: Timer | None = None
        """The periodic look for a pause to collect in (``IDLE_GC_CHECK``)."""
        self._loading_timer: Timer | None = None
        self.syncing = Syncing(self)
        self.closing = False
        """Set once the app has been told to exit."""
        self.user_active = False
        """Whether the user has pressed a key or clicked yet (starting is not reading)."""
        self.active_since: float | None = None
        """When (``time.monotonic()``) the user first pressed a key or clicked."""
        if self.config.keymap:
            keymap, self._keymap_problems = check_keymap(self.config.keymap, binding_scopes())
            self.set_keymap(keymap)
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme

    def _check_for_pause(self) -> None:
        """A garbage-collection timer fired: look for a pause behind the input already
        queued (a timer runs in its own task, ahead of keys that came while a long frame
        was drawn; those keys are typing, and the busy frame only looked like a pause)."""
        self.call_later(self._idle_gc.tick)

    def _gap_after_input(self) -> None:
        """The timer armed by input fired: check the gap behind any input queued since."""
        self.call_later(self._collect_after_input)

    def _collect_after_input(self) -> None:
        """In the gap after a key: the full collection the key's drawing made due (a
        timer armed by input, so an idle reader is not woken twenty times a second)."""
        self._gc_timer = None
        if not self._idle_gc.tick() and self._idle_gc.waiting():
            self._gc_timer = self.set_timer(
                self._idle_gc.idle, self._gap_after_input, name="gc after input"
            )

    def exit(
        self, result: Any = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Exit, remembering that the app is closing (keys still queued must do nothing)."""
        self.closing = True
        super().exit(result, return_code, message)

    @property
    def store(self) -> Store:
        """The open store; only valid once the reader screen is up."""
        if self._store is None:
            raise RuntimeError("the database is not open yet")
        return self._store

    def on_load(self) -> None:
        """The app is running: start opening the database now, unless the command line
        already has. A small file is then open before the first screen is chosen
        (``get_default_screen``), a few ms later. Not in ``__init__``: an app built and
        never run must not hold the database's lock."""
        if self._opening is None:
            self._opening = Opening(self.db_path, seed=self._seed, lock_timeout=self._lock_timeout)

    def get_default_screen(self) -> Screen[Any]:
        """The reader itself when the database is already open (a small file, or one the
        command line opened while Textual was imported), or its first-screen snapshot
        already read (the command line waits for that): the first frame is the reader's,
        with no blank screen laid out and drawn under it first. Otherwise Textual's blank
        screen, which ``on_mount`` covers with the reader or, for a slow open, a loading
        screen. A file that failed to open is left to ``on_mount`` to report."""
        opening = self._opening
        if opening is not None:
            if opening.done():
                if self._take_store() is None:
                    return self._reader()
            elif (first := opening.first_screen(0)) is not None:
                self._from_snapshot(first)
                return self._reader()
        return super().get_default_screen()

    def _from_snapshot(self, first: FirstScreen) -> None:
        """The reader is to show the snapshot while the whole file loads: keys wait."""
        assert self._opening is not None
        self.first_screen = first
        self._held.hold()
        self._apply_state(self._opening.ui_state())

    def _reader(self) -> ReaderScreen:
        """A reader screen wearing the width class (``HORIZONTAL_BREAKPOINTS``) its first
        resize would give it: its widgets are styled once, not again (all of them) then."""
        width = self.size.width
        fits = [name for least, name in sorted(self.HORIZONTAL_BREAKPOINTS) if width >= least]
        return ReaderScreen(classes=fits[-1] if fits else None)

    def on_mount(self) -> None:
        """Show the reader if the database is open, else wait for it off the event loop
        (with a loading screen only if that takes a while: ``LOADING_DELAY``)."""
        self._idle_gc.start()
        self._pause_check = self.set_interval(IDLE_GC_CHECK, self._check_for_pause, name="idle gc")
        self.call_after_refresh(release_after_start)  # held by the command line till now
        if self.config.sync_every is not None:
            self._start_looking(self.config.sync_every)
        assert self._opening is not None  # started by on_load (Textual's Load comes first)
        if self._store is not None:  # the reader is the first screen (get_default_screen)
            self._take_type_ahead()
            self._opened_notice()
        elif self.first_screen is not None:  # the same, on the snapshot: the whole file next
            self.call_after_refresh(self._opening.go)
            self._wait_for_store(self._opening)
        elif self._opening.done():
            self._store_ready()
            self._take_type_ahead()
        elif (first := self._opening.first_screen(GLANCE_WAIT)) is not None:
            # The snapshot matches the file: the reader at once, the whole file after.
            self._from_snapshot(first)
            self.push_screen(self._reader())
            self.call_after_refresh(self._opening.go)
            self._wait_for_store(self._opening)
        else:
            self._held.hold()  # keys typed meanwhile run once the reader is up
            wait = LOADING_DELAY - self._opening.elapsed()  # the command line waited already
            if wait > 0:
                self._loading_timer = self.set_timer(wait, self._show_loading, name="loading")
            else:
                self._show_loading()
            self._wait_for_store(self._opening)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for problem in self._keymap_problems:
            self.notify(problem, title="Config", severity="warning", timeout=10, markup=False)
        if self.config.theme and self.config.theme not in self.available_themes:
            self.notify(
                f"theme: there is no theme '{self.config.theme}'; using the default",
                title="Config",
                severity="warning",
                markup=False,
            )

    def _take_type_ahead(self) -> None:
        """Keys typed before the terminal was the app's (while Python started) arrive in one
        read, queued together: the reader holds them until its first frame is out, then
        runs them one by one as it runs keys held while the file opens. Queued together,
        a ``/`` had not focused the filter before the letters after it were handled (they
        ran as commands: ``z`` zoomed, ``o`` listed links)."""
        if not self._held.holding:
            self._held.hold()
            self.call_after_refresh(self._type_ahead_done)

    def _type_ahead_done(self) -> None:
        """The reader's first frame is out: run what was typed ahead, if anything."""
        if self._held.waiting:
            self._replay_held()
        else:
            self._held.release()

    def _show_loading(self) -> None:
        """The open is taking a while: say so, with the file's name, until it is done."""
        self._loading_timer = None
        done = self._opening is not None and self._opening.done()  # _store_ready is on its way
        if self._store is None and not self.closing and not done:
            self.push_screen(LoadingScreen(self.db_path))

    @work(thread=True, exclusive=True, group="open")
    def _wait_for_store(self, opening: Opening) -> None:
        """Wait for the database to open (or fail), off the event loop."""
        opening.wait()
        self.call_from_thread(self._store_ready)

    def _take_store(self) -> str | None:
        """Take the open store, its UI state and first list from the opening: None once
        taken, or why the database could not be opened (and nothing taken)."""
        assert self._opening is not None
        try:
            opened = self._opening.result()
        except Exception as error:  # noqa: BLE001 - every failure ends in a clear message
            return str(error)
        self._store = opened.store
        self._first_reviews = opened.first
        self._opening.handed_over()
        if self.first_screen is None:
            self._apply_state(opened.state)
        return None

    def _store_ready(self) -> None:
        assert self._opening is not None
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        if self._store is not None:
            return  # taken already, by get_default_screen
        if self.closing:  # quit while the file was loading: nothing left to show it in
            self._opening.close()  # done by now: this only releases the store
            return
        if (failure := self._take_store()) is not None:
            self._cannot_start(failure)
            return
        if self.first_screen is not None:
            # The reader shows the snapshot: it takes the whole file in place, then
            # the keys pressed meanwhile run, in order, on the whole data.
            self.first_screen = None
            if isinstance(self.screen, ReaderScreen):
                self.screen.whole_file_loaded()
            self._replay_held()
        else:
            shown: Awaitable[object] = (
                self.switch_screen(self._reader())
                if isinstance(self.screen, LoadingScreen)
                else self.push_screen(self._reader())
            )
            if self._held.waiting:
                self._replay_held(shown)
            else:
                self._held.release()  # nothing typed: keys go to the reader from now on
        self._opened_notice()

    def _opened_notice(self) -> None:
        """Say once, as the reader appears, what the user should know about the file."""
        assert self._store is not None
        if self._store.read_only:
            self.notify(
                f"{self._store.path} is read-only: you can read, but replies and read marks "
                "are not saved (make it writable with chmod u+w).",
                title="Read-only",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _apply_state(self, state: UiState) -> None:
        self.ui_state = state
        if state.theme and state.theme in self.available_themes and state.theme != self.theme:
            self.theme = state.theme

    @work(exclusive=True, group="replay")
    async def _replay_held(self, shown: Awaitable[object] | None = None) -> None:
        """Run the input held while the file opened (or the whole file loaded), in order,
        on the reader (``shown``: its push, awaited first)."""
        await self._held.replay(shown)

    def take_first_reviews(self) -> tuple[list[Review], set[int], int] | None:
        """The review list read along with opening, once (the reader's first fill)."""
        first, self._first_reviews = self._first_reviews, None
        return first

    def _cannot_start(self, reason: str) -> None:
        self.startup_error = reason
        self.exit(return_code=1)

    def _theme_changed(self, theme: Any) -> None:
        if self._store is not None and self.theme != self.ui_state.theme:
            self.remember(theme=self.theme)

    def remember(self, **changes: Any) -> None:
        """Keep a UI preference (theme, sort) for the next run."""
        self.ui_state = replace(self.ui_state, **changes)
        self._save_state(self.ui_state)

    @work(thread=True, group="state")
    def _save_state(self, state: UiState) -> None:
        try:
            save_ui_state(state_path(self.db_path), state)
        except OSError as error:
            self.call_from_thread(
                self.notify, f"Could not remember the setting: {error}", markup=False
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers every reader action that has a key, whatever has focus.

        A pane's action (collapse all, next sibling, …) focuses its pane first, so it
        runs from the palette as it would from its key.
        """
        yield from super().get_system_commands(screen)
        if not isinstance(screen, ReaderScreen):
            return
        for pane, title, node in screen.key_scopes():
            for binding in node.BINDINGS:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                if binding.action in _NOT_IN_PALETTE:
                    continue
                if node is screen and screen.check_action(binding.action, ()) is not True:
                    continue
                key = self.key_for(binding)
                name = binding.description if node is screen else f"{title}: {binding.description}"
                # The palette parses its titles as markup: a key shown as "[" must stay text.
                yield SystemCommand(
                    markup_escaped(f"{name} ({key})"),
                    markup_escaped(_PALETTE_HELP.get(binding.action, binding.description)),
                    _runner(screen, pane, binding.action),
                )
        for binding in self.BINDINGS:  # the app's own: sync and the sources screen
            if isinstance(binding, Binding) and binding.action in _APP_COMMANDS:
                title, helptext, run = {
                    "sync": (
                        "Sync followed blogs",
                        "Fetch new reviews and comments",
                        self.action_sync,
                    ),
                    "sources": (
                        "Followed blogs",
                        "Each source with its status and last error",
                        self.action_sources,
                    ),
                    "outbox": (
                        "Outbox",
                        "The replies that have not reached their blog, and why",
                        self.action_outbox,
                    ),
                    "inbox": (
                        "Answers to you",
                        "The comments that answer one of your replies, newest first",
                        self.action_inbox,
                    ),
                }[binding.action]
                # The palette parses its titles as markup: a key shown as "[" must stay text.
                yield SystemCommand(
                    markup_escaped(f"{title} ({self.key_for(binding)})"),
                    markup_escaped(helptext),
                    run,
                )
        yield SystemCommand(
            "Follow a blog (a in S)",
            "A blog's feed, or the blog's own address: its feed is found",
            self.action_follow,
        )

    def key_for(self, binding: Binding) -> str:
        """The first key ``binding`` answers to, with the user's keymap applied, as shown."""
        keys = self.config.keymap.get(binding.id or "", binding.key) if binding.id else binding.key
        first = keys.split(",")[0].strip()
        return self.get_key_display(Binding(first, binding.action))

    # -- followed blogs ----------------------------------------------------------------

    def action_sync(self) -> None:
        """Sync every followed source in a thread worker; progress in the header."""
        if self._store is not None:
            self.syncing.start(self._store)

    def _start_looking(self, every: float) -> None:
        """Look whether the followed blogs are due (``tui.sources.schedule``): soon after
        the start, then every ``LOOK_EVERY`` (or ``every / 2``, when that is sooner)."""
        from tui.sources.schedule import FIRST_LOOK, LOOK_EVERY

        self.set_timer(min(FIRST_LOOK, every), partial(self._look, every), name="first look")
        self.set_interval(min(LOOK_EVERY, every / 2), partial(self._look, every), name="look")

    def _look(self, every: float) -> None:
        """Sync in the background if the blogs are due, or send the replies that wait."""
        store = self._store
        if store is None or store.read_only or self.first_screen is not None:
            return  # still opening (or read-only): the next look will do
        self.syncing.look(store, every)

    def action_outbox(self) -> None:
        """List the replies, edits and deletes that have not reached their blog."""
        from tui.screens.outbox import OutboxScreen

        if self._store is not None and not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen(), self._go_to_reply)

    def action_inbox(self) -> None:
        """List the comments that answer one of your replies."""
        from tui.screens.inbox import InboxScreen

        if self._store is not None and not isinstance(self.screen, InboxScreen):
            self.push_screen(InboxScreen(), self._go_to_reply)

    def reader_screen(self) -> ReaderScreen | None:
        """The reader, wherever it is in the screen stack (under a dialog, say)."""
        return next((s for s in self.screen_stack if isinstance(s, ReaderScreen)), None)

    def _go_to_reply(self, chosen: tuple[int, int] | None) -> None:
        """Show the comment picked in a listing (a reply in the outbox, an answer to you)
        in its review, the thread focused on it."""
        if chosen is not None and (reader := self.reader_screen()) is not None:
            reader.go_to(*chosen)

    def action_follow(self) -> None:
        """Ask for a blog's address and follow it (``a`` on the followed blogs screen)."""
        from tui.screens.follow import FollowScreen

        if self._store is not None and not isinstance(self.screen, FollowScreen):
            self.push_screen(FollowScreen(), self._followed)

    def _followed(self, followed: Followed | None) -> None:
        if followed is None or self._store is None:
            return
        source = followed.source
        if not followed.new:
            name = source.title or source.url
            self.notify(f"Already following {name} (source {source.id}).", markup=False)
            return
        self.syncing.fetch_followed(self._store, source)

    def action_sources(self) -> None:
        """Show the followed sources (their status and last error)."""
        from tui.screens.sources import SourcesScreen

        if self._store is not None and not isinstance(self.screen, SourcesScreen):
            self.push_screen(SourcesScreen())

    # -- read marks, written in batches ------------------------------------------------

    def note_seen(self, review_id: int, comment_ids: Iterable[int]) -> None:
        """Remember that the user has seen these comments; written within SEEN_FLUSH."""
        if self._store is not None and self._store.read_only:
            return  # said once when the file opened; not a warning per review read
        self._pending_seen.setdefault(review_id, set()).update(comment_ids)
        if self._seen_timer is None:
            self._seen_timer = self.set_timer(SEEN_FLUSH, self._flush_seen)

    def forget_seen(self, review_id: int) -> None:
        """Drop read marks not yet written (the user marked the review unread)."""
        self._pending_seen.pop(review_id, None)

    def pending_seen(self) -> dict[int, set[int]]:
        """Read marks noted but not yet on disk, by review."""
        return self._pending_seen

    def _flush_seen(self) -> None:
        self._seen_timer = None
        if self._store is None:  # the whole file is still loading: the marks wait
            self._seen_timer = self.set_timer(SEEN_FLUSH, self._flush_seen)
            return
        marks, self._pending_seen = self._pending_seen, {}
        if marks:
            self._write_seen(marks)

    @work(thread=True, group="seen")
    def _write_seen(self, marks: dict[int, set[int]]) -> None:
        try:
            self.store.mark_seen_many(marks)
        except Exception as error:  # noqa: BLE001 - read marks are a nicety: say, never crash
            self.call_from_thread(
                self.notify,
                str(error),
                title="Could not save read marks",
                severity="warning",
                markup=False,
            )

    async def on_event(self, event: events.Event) -> None:
        """Input marks the user as busy: no full garbage collection for a moment.

        While the database opens, or the first screen waits for the whole file, keys
        and pastes are held (and run in order on the reader once it is loaded), and
        clicks are ignored: nothing acts on the snapshot's part of the data.
        """
        if isinstance(event, (events.Key, events.MouseEvent, events.Paste)):
            self._idle_gc.touched()
            if self._gc_timer is None:
                self._gc_timer = self.set_timer(
                    self._idle_gc.idle, self._gap_after_input, name="gc after input"
                )
            if isinstance(event, _ACTIVE) and not self.user_active:
                self.user_active = True
                self.active_since = time.monotonic()
            if self._held.take(event):
                return
        if isinstance(event, (events.Key, events.Paste)) and self._keys_wait_their_turn(event):
            target = self.focused or self.screen  # where Textual sends it on
            await super().on_event(event)
            self._held.hold(starting=False)
            self._after_key = asyncio.create_task(self._held.after(target))
            self._after_key.add_done_callback(_report_failure)
            return
        await super().on_event(event)

    def expect_screen(self) -> None:
        """The action running opens a screen from a thread worker: the keys typed after
        its key wait for that screen (``screen_opened`` once it is pushed)."""
        self._held.expect_screen()

    def screen_opened(self) -> None:
        """The screen ``expect_screen`` announced is pushed: the keys after it go there."""
        self._held.screen_opened()

    def _keys_wait_their_turn(self, event: events.Key | events.Paste) -> bool:
        """Whether input arriving after ``event`` waits until it has been handled
        (``tui.held_input``): new input, once the reader is running."""
        return (
            not event.is_forwarded
            and not self._held.holding  # a replayed key: holding until the replay ends
            and self._store is not None
            and not self.closing
        )

    def on_unmount(self) -> None:
        """Write the read marks still waiting, then release the store's files and lock."""
        self._idle_gc.stop()
        if self._after_key is not None:
            self._after_key.cancel()  # keys after the last one have nowhere to go
        if self._store is None:
            return
        if self._pending_seen:
            # Quitting must not fail over read marks; a busy lock only loses these marks.
            with suppress(StoreError, OSError):
                self._store.mark_seen_many(self._pending_seen)
        # Past a megabyte of journal, fold it into the file now that nothing is on
        # screen to wait for it; a busy lock or a full disk leaves it for next time.
        with suppress(StoreError, OSError):
            self._store.checkpoint(past=QUIT_FOLD_BYTES)
        self._store.close()


def _runner(screen: ReaderScreen, pane: Widget | None, action: str) -> Callable[[], Any]:
    async def run() -> None:
        if pane is None:
            await screen.run_action(action)
            return
        if pane.focusable and not pane.has_focus:
            pane.focus()
        await pane.run_action(action)

    return run


_APP_COMMANDS = ("sync", "sources", "outbox", "inbox")
"""The app's own bindings the palette offers (with their titles in ``get_system_commands``)."""

_NOT_IN_PALETTE = {"cursor_down", "cursor_up", "scroll_down", "scroll_up"}
"""One step down or up: a key to hold, not a command to look up."""

_PALETTE_HELP = {
    "reply": "Reply to the highlighted comment, or to the review",
    "quote_reply": "Reply quoting the selected passage or the comment",
    "edit": "Edit your highlighted reply",
    "delete": "Delete your highlighted reply (asks first; u undoes)",
    "undo": "Undo the last delete or edit",
    "filter": "Filter the sidebar by title as you type",
    "search": "Search titles, review text and comments",
    "sort": "Cycle the sidebar order: newest, activity, comments, title",
    "tags": "Show only reviews with a tag",
    "toggle_unread": "Mark the review unread, or read",
    "toggle_sidebar": "Hide or show the sidebar",
    "narrower": "Make the sidebar narrower",
    "wider": "Make the sidebar wider",
    "links": "List the review's links; open one in the browser after asking",
    "help": "Every key, by pane, with the ids a keymap uses",
    "next_unread_review": "Go to the next unread review in the list",
    "mark_all_read": "Mark every review in the list read",
    "copy": "Copy the selection, the comment or the review to the clipboard",
    "zoom": "Give the focused pane the whole screen, or put it back",
    "toggle_replies": "Collapse or expand the replies under the highlighted comment",
    "collapse_all": "Hide every reply: only the top-level comments stay",
    "expand_all": "Show every reply",
    "parent": "Jump to the comment the highlighted one answers",
    "next_sibling": "Jump to the next comment with the same parent",
    "previous_sibling": "Jump to the previous comment with the same parent",
    "next_unread": "Jump to the next comment that is new since your last visit",
    "previous_unread": "Jump to the previous comment that is new since your last visit",
}
