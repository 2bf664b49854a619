"""Moving the focus between the reader's panes redraws only what changes.

A tab (or shift+tab) changes a pane border's colour, the cursor's colour in the
panes that gain and lose focus, and (between some panes) the keys in the key bar.
Counted, not timed: full-screen renders, layouts of the screen, and which widgets
are restyled per key. What the terminal shows is checked too: every partial update
is played onto a model of the terminal's cells, which must then read what a full
render of the screen would show (so nothing that changed was left undrawn).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import sample_reviews
from cpu_audit import over_budget
from pilot_helpers import ready, settle, sidebar_lines, until
from rich.cells import cell_len
from rich.style import Style
from textual.dom import DOMNode
from textual.geometry import Region
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.screens.reader import ReaderScreen
from tui.widgets.comment_thread import CommentThread
from tui.widgets.footer import KeyBar
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList
from tui.widgets.scrolling import SteadyScrollBar

SIZE = (120, 40)


def many_reviews() -> list[ParsedReview]:
    """Forty reviews with long bodies and a long thread: every pane has a scroll bar."""
    comments = tuple(
        ParsedComment(f"Reader {n}", "2020-01-02", f"Comment {n}. " + "Words here. " * 20)
        for n in range(30)
    )
    return [
        ParsedReview(
            title=f"Film number {number}",
            date=f"2020-01-{1 + number % 28:02d}",
            body="A paragraph of words. " * 200,
            source="test",
            source_id=f"test:{number}",
            comments=comments if number == 40 else (),
        )
        for number in range(40, 0, -1)
    ]


Cell = tuple[str, Style | None]


def cells(strip: Strip) -> list[Cell]:
    """A line of the screen, one entry per terminal cell (a wide character's second is "")."""
    row: list[Cell] = []
    for text, style, control in strip:
        if control:
            continue
        for character in text:
            row.append((character, style))
            row.extend(("", style) for _ in range(cell_len(character) - 1))
    return row


class Terminal:
    """The cells a terminal shows, drawn as the reader's screen sends its updates.

    A full update draws every cell; a partial one the cells of its changed regions
    (``tests/test_compositor.py`` checks that a partial update draws in them exactly
    what a full render draws there).
    """

    def __init__(self, screen: ReaderScreen) -> None:
        self.compositor = screen._compositor
        self.rows = [cells(strip) for strip in self.compositor.render_strips()]
        self.renders: Counter[str] = Counter()
        self.layouts = 0
        self.restyled: list[DOMNode] = []

    def draw(self, regions: set[Region]) -> None:
        """What a partial update of ``regions`` draws, drawn into the model."""
        shown = [cells(strip) for strip in self.compositor.render_strips()]
        for y, x1, x2 in self.compositor._regions_to_spans(regions):
            self.rows[y][x1:x2] = shown[y][x1:x2]

    def stale(self) -> list[int]:
        """The rows whose cells differ from what the screen shows now, every widget
        drawn afresh (no line kept from before: a line left undrawn although its look
        changed is found too)."""
        for widget in self.compositor.visible_widgets:
            widget._styles_cache.clear()
        shown = [cells(strip) for strip in self.compositor.render_strips()]
        return [y for y, (row, now) in enumerate(zip(self.rows, shown, strict=True)) if row != now]


@contextmanager
def watching(app: ReviewsApp) -> Iterator[Terminal]:
    """Count the screen's renders, layouts and restyled widgets, drawing each update."""
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    terminal = Terminal(screen)
    compositor = screen._compositor
    full, partial = compositor.render_full_update, compositor.render_partial_update
    layout = screen._refresh_layout
    apply = app.stylesheet.apply

    def full_update(*args: Any, **kwargs: Any) -> Any:
        terminal.renders["full"] += 1
        terminal.rows = [cells(strip) for strip in compositor.render_strips()]
        return full(*args, **kwargs)

    def partial_update() -> Any:
        terminal.renders["partial"] += 1
        terminal.draw(set(compositor._dirty_regions))
        return partial()

    def refresh_layout(*args: Any, **kwargs: Any) -> None:
        terminal.layouts += 1
        layout(*args, **kwargs)

    def restyle(node: DOMNode, *args: Any, **kwargs: Any) -> None:
        terminal.restyled.append(node)
        apply(node, *args, **kwargs)

    compositor.render_full_update = full_update  # type: ignore[method-assign]
    compositor.render_partial_update = partial_update  # type: ignore[method-assign]
    screen._refresh_layout = refresh_layout  # type: ignore[method-assign]
    app.stylesheet.apply = restyle  # type: ignore[method-assign]
    try:
        yield terminal
    finally:
        del compositor.render_full_update, compositor.render_partial_update
        del screen._refresh_layout
        del app.stylesheet.apply


def focused_name(app: ReviewsApp) -> str:
    """The focused pane's type."""
    return type(app.screen.focused).__name__


async def press(pilot: Pilot[Any], key: str) -> None:
    """Press ``key`` and let everything it started (the key bar's change) land."""
    await pilot.press(key)
    await settle(pilot)


@over_budget
@pytest.mark.parametrize("seed", [sample_reviews, many_reviews], ids=["small", "scrolling"])
async def test_tabs_draw_only_the_changed_regions_and_miss_none(
    tmp_path: Path, seed: Callable[[], list[ParsedReview]]
) -> None:
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=seed)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        panes = []
        for key in ["tab"] * 6 + ["shift+tab"] * 6:
            with watching(app) as terminal:
                await press(pilot, key)
            panes.append(focused_name(app))
            where = f"{key} to the {focused_name(app)}"
            assert terminal.renders["full"] == 0, f"{where}: a full-screen render"
            assert terminal.renders["partial"] >= 1, f"{where}: nothing drawn"
            assert terminal.stale() == [], f"{where}: rows left as they were"
        assert set(panes) == {"ReviewList", "ReadingPane", "CommentThread"}


async def test_a_tab_between_panes_with_the_same_keys_lays_out_nothing(
    tmp_path: Path,
) -> None:
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=sample_reviews)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen.focused, ReviewList)
        with watching(app) as terminal:
            await press(pilot, "tab")
        assert isinstance(app.screen.focused, ReadingPane)
        assert terminal.layouts == 0
        # The two panes whose :focus look changed (with their parts), and the sidebar
        # (its border): not the filter box, nor the rest of the sidebar.
        widgets = {type(node).__name__ for node in terminal.restyled if node.id is not None}
        assert widgets == {"ReviewList", "ReadingPane", "Vertical"}
        sidebar = app.screen.query_one("#sidebar")
        assert [node for node in terminal.restyled if node.id == "sidebar"] == [sidebar]


@over_budget
async def test_tabs_in_and_out_of_the_comments_lay_out_once_and_mount_no_key(
    tmp_path: Path,
) -> None:
    # The comments pane brings two keys to the bar: the bar's keys change in place,
    # the two are hidden when it loses focus and shown again when it gets it back.
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=sample_reviews)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        bar = app.screen.query_one(KeyBar)
        for _ in range(3):  # once round, so the bar has had the comments' keys
            await press(pilot, "tab")
        keys = list(bar.children)
        for key in ["tab"] * 3 + ["shift+tab"] * 3:
            shown = bar._shown
            with watching(app) as terminal:
                await press(pilot, key)
            where = f"{key} to the {focused_name(app)}"
            assert list(bar.children) == keys, f"{where}: keys mounted or removed"
            assert terminal.layouts == (0 if bar._shown == shown else 1), where
            assert bar.shows() == bar._shown, where


@over_budget
async def test_focus_in_and_out_of_the_sidebar_draws_no_row_again(tmp_path: Path) -> None:
    # The rows kept hold: focus changes the cursor's colour alone, and the cursor's row
    # is kept for both looks once each has been drawn.
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=sample_reviews)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        sidebar = app.screen.query_one(ReviewList)
        await press(pilot, "tab")
        await press(pilot, "shift+tab")
        # Once the user has pressed a key, the review under the cursor is marked read after
        # SEEN_AFTER (0.8 s) on show: a change of its row's look, which a loaded machine's
        # slower keys below would land amid. Waited for, then both looks drawn again.
        screen = app.screen
        await until(pilot, lambda: not sidebar_lines(screen)[0].startswith("●"), "marked read")
        await press(pilot, "tab")
        await press(pilot, "shift+tab")
        drawn: list[int] = []
        original = sidebar._draw_row

        def draw_row(*args: Any) -> Strip:
            drawn.append(args[1])
            return original(*args)

        sidebar._draw_row = draw_row  # type: ignore[method-assign]
        for key in ("tab", "shift+tab", "tab", "shift+tab"):
            await press(pilot, key)
        assert isinstance(app.screen.focused, ReviewList)
        assert drawn == []
        # A real change of look (the theme) still draws them again.
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        assert drawn


@over_budget
async def test_a_tab_draws_no_scroll_bar_again(tmp_path: Path) -> None:
    # Restyling a pane for its focus sets its scroll bar colours again, unchanged.
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=many_reviews)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = app.screen
        for key in ("tab", "tab", "tab"):  # the bars' own styles come with the first restyle
            await press(pilot, key)
        panes = [screen.query_one(kind) for kind in (ReviewList, ReadingPane, CommentThread)]
        bars = [pane.vertical_scrollbar for pane in panes if pane.show_vertical_scrollbar]
        assert len(bars) >= 2 and all(isinstance(bar, SteadyScrollBar) for bar in bars)
        drawn: list[ScrollBar] = []
        for bar in bars:
            original = bar.render

            def render(bar: ScrollBar = bar, original: Any = original) -> Any:
                drawn.append(bar)
                return original()

            bar.render = render  # type: ignore[method-assign]
        for key in ["tab"] * 3 + ["shift+tab"] * 3:
            await press(pilot, key)
        assert drawn == []
        # A bar whose thumb moves is drawn again.
        await press(pilot, "end")
        assert drawn


@over_budget
async def test_the_sidebar_border_follows_the_focus_in_and_out(tmp_path: Path) -> None:
    app = ReviewsApp(tmp_path / "r.json", Config(), seed=sample_reviews)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = app.screen
        sidebar = screen.query_one("#sidebar")
        lit = sidebar.styles.border_top
        await press(pilot, "tab")
        dim = sidebar.styles.border_top
        assert lit != dim
        assert screen.query_one(ReadingPane).styles.border_top == lit
        await press(pilot, "slash")  # the filter box, inside the sidebar
        assert sidebar.styles.border_top == lit
        await press(pilot, "escape")
        await press(pilot, "tab")
        await press(pilot, "tab")
        assert isinstance(screen.focused, CommentThread)
        assert sidebar.styles.border_top == dim


def test_no_rule_styles_inside_the_sidebar_by_its_focus_class() -> None:
    # The reader restyles only the sidebar itself when its focus class changes, and
    # no rule asks Textual to restyle a whole subtree with :focus-within.
    css = (Path(__file__).parent.parent / "tui" / "reader.tcss").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    selectors = [
        part.strip() for block in re.findall(r"([^{}]+)\{", css) for part in block.split(",")
    ]
    assert "#sidebar.-focus-within" in selectors
    for selector in selectors:
        assert ":focus-within" not in selector, selector
        if "-focus-within" in selector:
            assert selector.endswith(".-focus-within"), f"{selector}: styles inside the sidebar"
