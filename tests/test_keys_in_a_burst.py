"""Keys that arrive together (a quick typist, a terminal's paste of keys, tmux's
send-keys) run in order, each on what the key before it focused or opened
(``tui.held_input``). Textual hands each key to the widget focused as it arrives:
``tab tab j`` went to the sidebar, whose own ``j`` ran before the tabs did, and the
words typed straight after ``r`` went to the reader (``o`` listed links, ``q`` quit).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, settle, sidebar_lines, step, until
from textual import events
from textual.widgets import Input

from tui.app import ReviewsApp
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.comment_thread import CommentThread
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

CHARACTERS = {"space": " ", "slash": "/"}


def burst(app: ReviewsApp, *keys: str) -> None:
    """Post ``keys`` to the app at once, as one read from the terminal gives them (a
    pilot's ``press`` waits for the app between keys, which hides the race)."""
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key("space" if key == " " else key, key))
        else:
            app.post_message(events.Key(key, CHARACTERS.get(key)))


@over_budget
async def test_keys_arriving_together_run_in_order_on_what_the_one_before_opened(
    make_app: Callable[..., ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        thread = screen.query_one(CommentThread)
        her = sidebar.current_id
        assert her is not None

        with step("tab tab j: the comments' j, not the sidebar's"):
            burst(app, "tab", "tab", "j")
            await until(pilot, lambda: thread.current_id == 2, "j on the comments")
            await settle(pilot)
            assert thread.has_focus and sidebar.current_id == her

        with step("r, a reply typed straight after it (q and o too), ctrl+s"):
            burst(app, "r", *"quite good, or so", "ctrl+s")

            def saved() -> list[tuple[str, int | None]]:
                return [(c.body, c.parent_id) for c in app.store.comments(her) if c.local]

            await until(pilot, lambda: bool(saved()), "the reply saved")
            await settle(pilot)
            assert saved() == [("quite good, or so", 2)]  # an answer to the comment on show
            assert app.is_running and app.screen is screen

        with step("/ and the filter's text"):
            burst(app, "slash", *"old")
            field = screen.query_one("#filter", Input)
            await until(pilot, lambda: field.value == "old", "the filter typed")
            await settle(pilot)
            assert len(sidebar_lines(app)) == 1 and "Older film" in sidebar_lines(app)[0]
            burst(app, "escape", "escape")
            await until(pilot, lambda: len(sidebar_lines(app)) == 2, "the filter cleared")

        with step("ctrl+f and the words to search for"):
            burst(app, "ctrl+f", *"agreed")
            await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the search")
            search = app.screen
            await until(
                pilot, lambda: search.query_one(Input).value == "agreed", "the search typed"
            )
            burst(app, "escape")
            await until(pilot, lambda: app.screen is screen, "back on the reader")


async def test_a_composer_that_never_opens_lets_the_keys_go_on_to_the_reader(
    make_app: Callable[..., ReviewsApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An action that says a screen is coming and then opens none (its worker failed)
    holds what follows only for a while, then lets it run where it is."""
    monkeypatch.setattr("tui.held_input.EXPECT_WAIT", 0.2)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        app.expect_screen()  # as r does, with no composer to follow
        burst(app, "j", "tab")  # the tab waits for the screen, then runs on the reader
        await until(pilot, lambda: isinstance(app.focused, ReadingPane), "the held tab run")
        assert sidebar.highlighted == 1
        assert isinstance(app.screen, ReaderScreen) and app.screen is screen
