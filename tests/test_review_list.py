"""The sidebar on its own: rows drawn again exactly when what they show changes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cpu_audit import over_budget
from pilot_helpers import header_text, ready, sidebar_lines
from textual.app import App, ComposeResult

import tui
from tui.model import Review
from tui.screens import reader
from tui.widgets.filter_box import FilterBox
from tui.widgets.review_list import ReviewList

REVIEWS = [Review(i, f"Film {i}", f"2014-03-{i:02d}", "Critic", "Body.") for i in range(1, 40)]


class SidebarApp(App[None]):
    """The filter box above the list, as the reader has them."""

    CSS_PATH = Path(tui.__file__).parent / "reader.tcss"
    CSS = "#filter { width: 12; }"

    def compose(self) -> ComposeResult:
        yield FilterBox(id="filter", classes="-shown")
        yield ReviewList(id="reviews")


async def test_rows_show_edits_unread_marks_and_focus() -> None:
    app = SidebarApp()
    async with app.run_test(size=(40, 20)) as pilot:
        sidebar = app.query_one(ReviewList)
        sidebar.set_reviews(REVIEWS)
        sidebar.focus()
        await pilot.pause()
        assert sidebar.render_line(0).text.startswith("  Film 1")
        focused = sidebar.render_line(0)
        # An edited title (a new Review) is drawn afresh, not from the lines kept.
        sidebar.set_reviews([replace(REVIEWS[0], title="Film 1, edited"), *REVIEWS[1:]])
        await pilot.pause()
        assert sidebar.render_line(0).text.startswith("  Film 1, edited")
        sidebar.set_unread(1, True)
        await pilot.pause()
        assert sidebar.render_line(0).text.startswith("● Film 1, edited")
        sidebar.set_unread(1, False)
        sidebar.set_reviews(REVIEWS)
        app.query_one(FilterBox).focus()
        await pilot.pause()
        # The cursor row is dimmed when focus leaves.
        assert sidebar.render_line(0).text == focused.text
        assert sidebar.render_line(0) != focused
        # Scrolled: rows kept for a line are never shown on another.
        await pilot.press("end")
        sidebar.focus()
        await pilot.press("end")
        await pilot.pause()
        bottom = sidebar.size.height - 2
        assert sidebar.render_line(bottom).text.startswith("  Film 39")


async def test_the_filter_box_scrolls_with_long_text() -> None:
    app = SidebarApp()
    async with app.run_test(size=(40, 20)) as pilot:
        box = app.query_one(FilterBox)
        box.focus()
        await pilot.press(*"a long filter text")
        await pilot.pause()
        assert box.value == "a long filter text"
        assert box.virtual_size.width == len(box.value) + 1
        assert box.scroll_x > 0  # the cursor stays in view


@over_budget
async def test_the_review_under_the_cursor_waits_for_a_pause_in_typing(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "TYPING_PAUSE", 0.5)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash", "o")  # only "Older film" is left: the cursor is on it
        await asyncio.sleep(0.3)
        await pilot.press("l")
        await asyncio.sleep(0.3)
        # 0.6 s since the cursor moved, but only 0.3 s since the last key.
        assert len(sidebar_lines(app)) == 1
        assert "Older film" not in header_text(app)
        await asyncio.sleep(0.6)
        await pilot.pause()
        assert "Older film" in header_text(app)
        sidebar = app.screen.query_one("#sidebar")
        assert sidebar.border_title == "Reviews (1/2)"


async def test_lines_kept_by_row_match_textuals_own_drawing() -> None:
    # ReviewList.render_lines keeps finished lines by row; Textual's path draws them by
    # place. After scrolls, marks, focus changes and a filter, both give the same lines.
    from textual.geometry import Region
    from textual.widget import Widget

    app = SidebarApp()
    async with app.run_test(size=(40, 20)) as pilot:
        sidebar = app.query_one(ReviewList)
        sidebar.set_reviews(REVIEWS)
        sidebar.focus()
        await pilot.pause()

        def same() -> None:
            whole = Region(0, 0, sidebar.size.width, sidebar.size.height)
            kept = [strip.text for strip in sidebar.render_lines(whole)]
            drawn = Widget.render_lines(sidebar, whole)
            assert kept == [strip.text for strip in drawn]
            assert sidebar.render_lines(whole) == drawn  # styles too, not only the text

        same()
        for keys in (("j",) * 12, ("k",) * 3, ("end",), ("home",), ("j",) * 9):
            await pilot.press(*keys)
            same()
        sidebar.set_unread(REVIEWS[9].id, True)
        await pilot.pause()
        same()
        app.query_one(FilterBox).focus()  # the cursor row dims
        await pilot.pause()
        same()
        sidebar.set_filter("film 2")
        await pilot.pause()
        same()
        # Nothing kept (a first frame, a new filter): one call draws them, a part too.
        sidebar._finished, sidebar._finished_before = {}, {}
        part = Region(0, 1, sidebar.size.width, 4)
        assert sidebar.render_lines(part) == Widget.render_lines(sidebar, part)
        # Some lines kept, some not (a scroll by a row): each run of missing lines is
        # drawn in one call, and the lines come out as Textual draws them.
        whole = Region(0, 0, sidebar.size.width, sidebar.size.height)
        sidebar.render_lines(whole)
        for number, key in enumerate(list(sidebar._finished)):
            if number % 3 == 0 or number in (4, 5, 6):
                del sidebar._finished[key]
        sidebar._finished_before = {}
        assert sidebar.render_lines(whole) == Widget.render_lines(sidebar, whole)
