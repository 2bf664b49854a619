"""A key that moves the sidebar's cursor paints the cursor first, then the review."""

from __future__ import annotations

from typing import Any

from cpu_audit import over_budget
from pilot_helpers import header_text, ready, until
from textual.strip import Strip

from tui.screens.composer import ReplyComposer
from tui.widgets.review_list import ReviewList


async def test_the_cursor_is_painted_before_the_review_it_lands_on(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        first, second = (review.title for review in sidebar.shown[:2])
        await until(pilot, lambda: first in header_text(app), "showing the first review")
        # What the reading pane showed whenever the sidebar drew its cursor row.
        seen: list[tuple[int | None, str]] = []
        draw = sidebar.render_line

        def watched(y: int) -> Strip:
            strip = draw(y)
            index = (y + sidebar.scroll_offset.y) // 2
            if index == sidebar.highlighted:
                seen.append((index, header_text(app)))
            return strip

        sidebar.render_line = watched  # type: ignore[method-assign]
        await pilot.press("j")
        await until(pilot, lambda: second in header_text(app), "showing the second review")
        drawn_on_second = [header for index, header in seen if index == 1]
        assert drawn_on_second, "the cursor's row was never drawn on the second review"
        # The first frame with the cursor on the second review still shows the first.
        assert first in drawn_on_second[0] and second not in drawn_on_second[0]


@over_budget
async def test_a_move_while_the_sidebar_is_hidden_still_shows_the_review(
    make_app: Any,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        second = sidebar.shown[1].title
        await pilot.press("b")  # hide the sidebar: its rows are not painted now
        assert not screen.query_one("#sidebar").display
        sidebar.action_cursor_down()
        await until(pilot, lambda: second in header_text(app), "showing the second review")
        assert screen.review_id == sidebar.shown[1].id


@over_budget
async def test_a_key_right_after_the_move_acts_on_the_review_under_the_cursor(
    make_app: Any,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        second = sidebar.shown[1]
        await until(pilot, lambda: screen._review is not None, "showing a review")
        # The move and the reply in one step: no frame has painted the cursor yet.
        sidebar.action_cursor_down()
        await app.run_action("reply", screen)
        await until(pilot, lambda: isinstance(app.screen, ReplyComposer), "composing")
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.target.review_id == second.id


@over_budget
def test_the_reader_paints_up_to_240_frames_a_second_unless_told_otherwise() -> None:
    import os
    import subprocess
    import sys

    probe = "import tui, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    ran = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert ran.stdout.strip() == "240"
    env["TEXTUAL_FPS"] = "30"
    ran = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert ran.stdout.strip() == "30"
