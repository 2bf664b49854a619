"""Input typed before the reader can act on it: held, then run in order.

While the database opens (a loading screen, or nothing yet) or the first screen
shows the snapshot and waits for the whole file, keys and pastes are held and
clicks ignored: nothing may act on a partial list. Once the whole file is in,
the held input runs on the reader, one event at a time, each handled to the end
before the next is sent (a ``/`` must have opened the filter before the letters
after it arrive). The quit keys never wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App

    from tui.config import Config

REPLAY_WAIT = 2.0
"""Seconds a held key may take to be handled before the next one is sent anyway."""
REPLAY_ROUNDS = 4
"""Rounds of waiting for the queues per held key: app, widget, the binding, its effects."""
QUIT_KEYS = ("ctrl+c", "ctrl+q")
"""Keys that quit at once even while input is held."""


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

    @property
    def holding(self) -> bool:
        """Whether input is held now."""
        return self._held is not None

    @property
    def waiting(self) -> bool:
        """Whether any input waits to run."""
        return bool(self._held)

    def hold(self) -> None:
        """Hold input from now on (until ``replay`` or ``release``)."""
        if self._held is None:
            self._held = []

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
        return isinstance(event, (events.MouseDown, events.MouseUp, events.Click))

    def _quits(self, event: events.Key | events.Paste) -> bool:
        """Whether a key arriving while input is held should quit at once instead."""
        if not isinstance(event, events.Key):
            return False
        if event.key in QUIT_KEYS:
            return True
        # The quit key, pressed before anything else: nothing typed could make it text.
        keys = self._config.keymap.get("app.quit", "q").split(",")
        return not self._held and event.key in {k.strip() for k in keys}

    async def replay(self, shown: Awaitable[object] | None = None) -> None:
        """Run the held input in order, as if it arrived now, on the reader (``shown``:
        its push, awaited first); input arriving meanwhile joins the end of the queue.
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
            app.post_message(fresh)
            for _ in range(REPLAY_ROUNDS):  # app -> focused widget -> back up to a binding
                await self._caught_up()
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
