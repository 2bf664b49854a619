"""The real app kept running in a thread of its own, for synchronous tests to drive.

Hypothesis runs a synchronous test body per example; starting the app for each
would cost seconds. This starts it once under ``run_test`` in a background
event loop and runs coroutines there, so every example uses the same app.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pilot_helpers import ready
from textual._context import active_app, active_message_pump
from textual.pilot import Pilot

from tui.app import ReviewsApp

T = TypeVar("T")


class LiveApp:
    """``with LiveApp(app) as live: live.run(step)`` runs ``step(pilot)`` on the app's loop."""

    def __init__(self, app: ReviewsApp, size: tuple[int, int] = (120, 40)) -> None:
        self.app = app
        self._size = size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pilot: Pilot[Any] | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="live-app", daemon=True)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            self._error = error
        finally:
            self._started.set()

    async def _serve(self) -> None:
        async with self.app.run_test(size=self._size, notifications=True) as pilot:
            await ready(pilot)
            self._loop = asyncio.get_running_loop()
            self._pilot = pilot
            self._stop = asyncio.Event()
            self._started.set()
            await self._stop.wait()

    def __enter__(self) -> LiveApp:
        self._thread.start()
        self._started.wait(timeout=60)
        if self._error is not None or self._loop is None:
            raise RuntimeError("the app did not start") from self._error
        return self

    def run(self, step: Callable[[Pilot[Any]], Awaitable[T]], timeout: float = 30) -> T:
        """Run ``step(pilot)`` on the app's loop and return its result (or raise its error)."""
        assert self._loop is not None and self._pilot is not None
        if self._error is not None or not self._thread.is_alive():
            raise RuntimeError("the app has stopped") from self._error
        future = asyncio.run_coroutine_threadsafe(_call(step, self._pilot), self._loop)
        return future.result(timeout=timeout)

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        if self._error is not None:
            raise self._error


async def _call(step: Callable[[Pilot[Any]], Awaitable[T]], pilot: Pilot[Any]) -> T:
    # A coroutine sent from another thread runs in that thread's context, where
    # Textual's "active app" is unset; set it as Textual's own tasks have it.
    active_app.set(pilot.app)
    active_message_pump.set(pilot.app)
    return await step(pilot)
