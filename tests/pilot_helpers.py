"""Helpers for pilot tests: wait for the reader, and read what is on screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from textual.content import Content
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.worker import WorkerCancelled

from tui.app import ReviewsApp
from tui.screens.reader import ReaderScreen
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

FRAMES = 0.015
"""A pause long enough for a few frames (the reader paints up to 240 a second,
``tui.FRAMES_PER_SECOND``; each ``pilot.pause`` also forces one), so work queued with
``call_after_refresh`` has started when it ends."""


@contextmanager
def step(what: str) -> Iterator[None]:
    """One step of a scenario test (several checks sharing one started app, each starting
    where the last one left the reader): a check failing inside names the step first."""
    try:
        yield
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from error


async def workers_done(pilot: Pilot[Any]) -> None:
    """Wait until the app's workers are done. A worker cancelled on the way (an exclusive
    one that a newer key replaced) makes ``wait_for_complete`` raise; its successor is
    then what is waited for."""
    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        return


async def settle(pilot: Pilot[Any], seconds: float = FRAMES) -> None:
    """Let workers finish and messages land: three rounds of "every worker done, then a
    pause". A worker's result can start another worker, or a frame whose refresh starts
    one (``call_after_refresh``), which the next round waits for.

    A longer ``seconds`` (to let a timer that short fire) is waited once, in the first
    round; the other two rounds pause the default for what the timer started.
    """
    for round_ in range(3):
        await workers_done(pilot)
        await pilot.pause(seconds if round_ == 0 else min(seconds, FRAMES))


UNTIL_STEP = 0.01
"""How often ``until`` looks at its condition."""


async def until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 10.0
) -> None:
    """Wait in short steps until ``condition()`` holds; fail naming ``what`` after
    ``timeout`` s (a deadline for a hung app, never a measure of speed).

    Each step is a plain sleep: the app runs its timers, workers and frames meanwhile
    on its own. (A ``pilot.pause`` a step, which posts to every widget and forces a
    frame, cost ~16 % of a core for as long as the wait lasted.) Once it holds, one
    ``pilot.pause`` lets the screen take in what the change started (a screen just
    pushed mounts its widgets) before the test goes on.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if not pilot.app.is_running:
            raise AssertionError(f"the app stopped, not {what}")
        if loop.time() > deadline:
            raise AssertionError(f"after {timeout:.0f} s, still not {what}")
        await asyncio.sleep(UNTIL_STEP)
    await pilot.pause()


async def ready(pilot: Pilot[Any], timeout: float = 10.0) -> ReaderScreen:
    """Wait until the reader shows a review (or an empty database) and return it."""
    app = pilot.app

    def shown() -> bool:
        screen = app.screen
        if not isinstance(screen, ReaderScreen):
            return False
        try:
            sidebar = screen.query_one(ReviewList)
        except NoMatches:  # the screen is there, its widgets not mounted yet
            return False
        return sidebar.option_count == 0 or screen.review_id is not None

    try:
        await until(pilot, shown, "showing a review")
    except AssertionError:
        raise AssertionError(f"the reader did not appear; screen is {app.screen!r}") from None
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def thread_text(app: ReviewsApp) -> str:
    """Every line of the comments panel as laid out (on screen or scrolled away)."""
    thread = app.screen.query_one(CommentThread)
    return "\n".join(
        "".join(text for text, _role in line) for block in thread._blocks for line in block
    )


def visible_thread_lines(app: ReviewsApp) -> list[str]:
    """The lines the comments panel draws right now."""
    thread = app.screen.query_one(CommentThread)
    return [thread.render_line(y).text for y in range(thread.size.height)]


def sidebar_lines(app: ReviewsApp) -> list[str]:
    """The sidebar's options as plain text, in order."""
    sidebar = app.screen.query_one(ReviewList)
    return [sidebar.row_text(i) for i in range(sidebar.option_count)]


def option_texts(options: OptionList) -> list[str]:
    """Any option list's prompts as plain text."""
    return [_plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def header_text(app: ReviewsApp) -> str:
    """The reading pane's header as plain text."""
    return app.screen.query_one(ReadingPane).header_text


def body_source(app: ReviewsApp) -> str:
    """The Markdown source the reading pane is showing."""
    return app.screen.query_one(ReadingPane).body_markdown


def _plain(value: object) -> str:
    if isinstance(value, Content):
        return value.plain
    return str(value)
