"""Input typed before the reader can act on it: held, then run in order.

While the database opens (a loading screen, or nothing yet) or the first screen
shows the snapshot and waits for the whole file, keys and pastes are held and
clicks ignored: nothing may act on a partial list. Once the whole file is in,
the held input runs on the reader, one event at a time, each handled to the end
before the next is sent (a ``/`` must have opened the filter before the letters
after it arrive). The quit keys never wait.

The same holds for keys that arrive while the one before is still on its way.
Textual hands a key to the widget focused as the key arrives and runs the app's
bindings once it has bubbled back up: ``tab tab j`` arriving in one read sent all
three to the sidebar, whose own ``j`` ran first (and the tabs after it); ``r`` and
the words typed straight after it went to the reader, not the composer it opened.
So from the moment a key is sent on until it has been handled along its way up
(and a screen it opened is up), keys and pastes that arrive wait, then run in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from tui.config import Config

REPLAY_WAIT = 2.0
"""Seconds a held key may take to be handled before the next one is sent anyway."""
EXPECT_WAIT = 2.0
"""Seconds input waits for a screen an action said it would open (``expect_screen``)
before it runs where it is."""
REPLAY_ROUNDS = 4
"""Rounds of waiting for the queues per held key: app, widget, the binding, its effects."""
QUIT_KEYS = ("ctrl+c", "ctrl+q")
"""Keys that quit at once even while input is held."""


def _arrive(reached: asyncio.Future[None]) -> None:
    """Mark ``reached`` (unless its wait gave up, and cancelled it)."""
    if not reached.done():
        reached.set_result(None)


class HeldInput:
    """The app's held keys and pastes: ``hold`` starts holding, ``take`` keeps what
    arrives, ``replay`` runs it on the reader and stops holding."""

    def __init__(self, app: App[Any], config: Config, closing: Callable[[], bool]) -> None:
        """``closing``: whether the app has been told to exit (held input then stops)."""
        self._app = app
        self._config = config
        self._closing = closing
        self._held: list[events.Key | events.Paste] | None = None
        self._replaying: events.Event | None = None
        self._expected = 0
        self._opened = asyncio.Event()
        self._starting = True
        """Whether the hold is the start's (clicks ignored, the quit key passes) or one
        key's way through the app (clicks pass, every key but ctrl+c waits)."""

    @property
    def holding(self) -> bool:
        """Whether input is held now."""
        return self._held is not None

    @property
    def waiting(self) -> bool:
        """Whether any input waits to run."""
        return bool(self._held)

    def hold(self, *, starting: bool = True) -> None:
        """Hold input from now on (until ``replay`` or ``release``). ``starting=False``:
        only while a key is on its way (``after``)."""
        if self._held is None:
            self._held = []
            self._starting = starting
        elif starting:
            self._starting = True  # the start's hold wins over a key's

    def release(self) -> None:
        """Stop holding, with nothing held: input goes straight to the app again."""
        self._held = None

    def take(self, event: events.Event) -> bool:
        """Keep ``event`` for later if input is held: True if the app must not handle it
        now (a key or paste kept, a click ignored); False for what passes (a quit key,
        an event being replayed, a forwarded one, anything else)."""
        if self._held is None or event.is_forwarded or event is self._replaying:
            return False
        if isinstance(event, (events.Key, events.Paste)) and not self._quits(event):
            self._held.append(event)
            return True
        return self._starting and isinstance(
            event, (events.MouseDown, events.MouseUp, events.Click)
        )

    def _quits(self, event: events.Key | events.Paste) -> bool:
        """Whether a key arriving while input is held should quit at once instead."""
        if not isinstance(event, events.Key):
            return False
        if event.key in QUIT_KEYS:
            return True
        if not self._starting:
            return False  # q may be the first letter typed into what the last key opened
        # The quit key, pressed before anything else: nothing typed could make it text.
        keys = self._config.keymap.get("app.quit", "q").split(",")
        return not self._held and event.key in {k.strip() for k in keys}

    def expect_screen(self) -> None:
        """The key being handled opens a screen later (from a thread worker): input that
        follows it waits for that screen (``screen_opened``) rather than going to this one."""
        self._expected += 1
        self._opened.clear()

    def screen_opened(self) -> None:
        """The screen ``expect_screen`` announced has been pushed (or will not come)."""
        self._expected = max(0, self._expected - 1)
        if not self._expected:
            self._opened.set()

    async def after(self, target: DOMNode) -> None:
        """A key was just sent on to ``target`` (``hold(starting=False)`` came with it):
        wait until it has been handled (``_handled``), then run what arrived meanwhile.
        With nothing arrived by the time it has bubbled up (the usual case: keys come
        tens of milliseconds apart), holding stops there, at the cost of a few hops."""
        screen = self._app.screen
        try:
            await self._reached(target)
            if self._starting:
                return  # the start's hold took over meanwhile: it runs what is held
            if not self._held:
                self.release()
                return
            await self._settled(screen)
            await self.replay()
        except BaseException:
            if not self._starting:
                # Never left holding: input would wait for ever (what was held is dropped).
                self._replaying = self._held = None
            raise

    async def _handled(self, target: DOMNode, screen: object) -> None:
        """Wait until a key sent on to ``target`` on ``screen`` has been handled there
        and by each node it bubbles up to (the app's bindings last), until a screen it
        said it would open (``expect_screen``) is pushed, and until a new screen is up."""
        await self._reached(target)
        await self._settled(screen)

    async def _reached(self, target: DOMNode) -> None:
        """The key has bubbled up from ``target`` to the app, and a screen its action
        said it would open (``expect_screen``) has been pushed."""
        await self._along(target)
        if self._expected:
            try:
                await asyncio.wait_for(self._opened.wait(), EXPECT_WAIT)
            except TimeoutError:
                self._expected = 0  # it is not coming: the keys run where they are

    async def _settled(self, screen: object) -> None:
        """What the key set off is done: a new screen (than ``screen``) mounted and
        focused. (On the same screen the key's way up is enough: a round over every
        widget for each key held down cost ~1.3 ms of the ~16 of a ``j``.)"""
        if self._app.screen is not screen:
            for _ in range(REPLAY_ROUNDS):
                await self._caught_up()

    async def _along(self, target: DOMNode) -> None:
        """Wait until ``target`` and then each of its ancestors, in turn, has handled
        what was queued to it before (a key bubbles up one node's queue at a time)."""
        node: DOMNode | None = target
        while node is not None:
            reached: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if node.call_later(_arrive, reached):
                with suppress(TimeoutError):
                    await asyncio.wait_for(reached, REPLAY_WAIT)
            node = node.parent

    async def replay(self, shown: Awaitable[object] | None = None) -> None:
        """Run the held input in order, as if it arrived now, on the reader (``shown``:
        its push, awaited first); input arriving meanwhile joins the end of the queue.
        Each event is handled to the end (``_handled``) before the next is sent.
        Holding stops once the queue is empty (or the app is closing)."""
        app = self._app
        if shown is not None:
            await shown
        while self._held and not self._closing():
            event = self._held.pop(0)
            fresh: events.Key | events.Paste = (
                events.Paste(event.text)
                if isinstance(event, events.Paste)
                else events.Key(event.key, event.character)
            )
            self._replaying = fresh
            target, screen = app.focused or app.screen, app.screen  # where the app sends it
            app.post_message(fresh)
            await self._along(app)  # sent on
            await self._handled(target, screen)
        self._replaying = None
        self._held = None

    async def _caught_up(self) -> None:
        """Wait until the app, the screen and its widgets handled what is queued now."""
        app = self._app
        nodes = [app, *app.screen.walk_children(with_self=True)]
        pending = len(nodes)
        done = asyncio.Event()

        def one_done() -> None:
            nonlocal pending
            pending -= 1
            if pending <= 0:
                done.set()

        for node in nodes:
            if not node.call_later(one_done):
                one_done()
        with suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), REPLAY_WAIT)
