"""Probe keys: does the UI keep answering while something heavy runs?

A thread posts a key no binding uses every ``every`` seconds, the way a
terminal's input thread does, and the app notes how long each waited before
its event handler saw it; the app then handles it like any key from the
terminal (a user typing during a save is typing: the app knows it). A key's
wait counts from when it was *due*, not when the thread got to send it: a
thread (or a C call) holding the GIL also stops the probe thread, and keys
stamped when sent would hide that stall.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from textual import events
from textual.app import App

PROBE_KEY = "f24"
"""A key no binding or widget uses."""


class KeyProbe:
    """Installed on an app class; ``start``/``stop`` around the interval measured."""

    def __init__(self, app_class: type[App[Any]], every: float = 0.005) -> None:
        self.every = every
        self.latencies: list[tuple[float, float]] = []
        """(due at, waited) per key handled, in seconds."""
        self._sent: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        original = app_class.on_event
        probe = self

        async def on_event(app: Any, event: events.Event) -> None:
            if isinstance(event, events.Key) and event.key == PROBE_KEY:
                if probe._stop.is_set():
                    # Probing is over: the app may be closing (no screen left to take a key).
                    return
                due = probe._sent.pop(id(event), None)
                if due is not None:
                    probe.latencies.append((due, time.perf_counter() - due))
            # Then the app handles it as it handles a key from the terminal: it counts
            # as input (the reader holds its full garbage collection for a pause in
            # typing), bindings are checked, the focused widget gets it.
            await original(app, event)

        app_class.on_event = on_event  # type: ignore[method-assign]

    def start(self, app: App[Any]) -> float:
        """Start sending keys to ``app`` (call from its event loop); the start time."""
        loop = asyncio.get_running_loop()
        self._stop.clear()

        def post(due: float) -> None:
            if self._stop.is_set():
                return
            event = events.Key(PROBE_KEY, None)
            self._sent[id(event)] = due
            app.post_message(event)

        def run() -> None:
            due = time.perf_counter()
            while not self._stop.is_set():
                now = time.perf_counter()
                while due <= now:
                    loop.call_soon_threadsafe(post, due)
                    due += self.every
                time.sleep(max(due - time.perf_counter(), 0.0))

        began = time.perf_counter()
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return began

    def stop(self) -> None:
        """Stop sending keys."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def waits_ms(self, since: float = 0.0) -> list[float]:
        """How long each key due at or after ``since`` waited, in milliseconds."""
        return [waited * 1000 for due, waited in self.latencies if due >= since]
