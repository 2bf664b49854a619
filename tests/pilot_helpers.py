"""Helpers for pilot tests: wait for the reader, and read what is on screen."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import OptionList

from tui.app import ReviewsApp
from tui.screens.reader import ReaderScreen
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList


async def settle(pilot: Pilot[Any], seconds: float = 0.05) -> None:
    """Let workers finish and messages land."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause(seconds)


async def ready(pilot: Pilot[Any], timeout: float = 10.0) -> ReaderScreen:
    """Wait until the reader shows a review (or an empty database) and return it."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await pilot.pause(0.05)
        screen = app.screen
        if isinstance(screen, ReaderScreen):
            await settle(pilot)
            sidebar = screen.query_one(ReviewList)
            if sidebar.option_count == 0 or screen.review_id is not None:
                await settle(pilot)
                return screen
    raise AssertionError(f"the reader did not appear; screen is {app.screen!r}")


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
