"""A line view's scrollable size changes without a screen layout, and the scroll bar follows."""

from __future__ import annotations

import inspect

from rich.console import RenderableType
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.pilot import Pilot
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from tui.widgets.scrolling import LineView, set_virtual_size


class Lines(LineView):
    """Numbered lines, as many as the virtual size says."""

    DEFAULT_CSS = "Lines { height: 8; overflow-x: hidden; scrollbar-gutter: stable; }"

    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def test_the_scroll_bar_follows_the_size_it_is_given() -> None:
    app = LinesApp()
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(Lines)
        width = view.scrollable_content_region.width
        set_virtual_size(view, Size(width, 5))
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        # Taller than the view: the bar appears (a layout) with the right thumb.
        set_virtual_size(view, Size(width, 100))
        await pilot.pause()
        assert view.show_vertical_scrollbar
        assert view.vertical_scrollbar.window_virtual_size == 100
        view.scroll_to(y=80, animate=False, immediate=True)
        assert view.scroll_y == 80
        # Still taller: no layout, but the thumb and the scroll position follow.
        set_virtual_size(view, Size(width, 40))
        assert view.virtual_size == Size(width, 40)
        assert view.vertical_scrollbar.window_virtual_size == 40
        bottom = 40 - view.scrollable_content_region.height
        assert view.scroll_y == view.max_scroll_y == bottom
        await pilot.pause()
        assert view.show_vertical_scrollbar and view.scroll_y == bottom
        # Short again: the bar goes, and the view is back at the top.
        set_virtual_size(view, Size(width, 3))
        await pilot.pause()
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        assert view.scroll_y == 0


class TwoViews(App[None]):
    """A line view beside a box whose showing and hiding lays the screen out."""

    def compose(self) -> ComposeResult:
        yield Lines()
        yield Static("other", id="other")


async def counted_view(pilot: Pilot[None], lines: int) -> tuple[Lines, list[int]]:
    """The app's view, ``lines`` high and laid out, and a count of its bar's renders."""
    view = pilot.app.query_one(Lines)
    set_virtual_size(view, Size(view.scrollable_content_region.width, lines))
    await pilot.pause()
    await pilot.pause()
    assert view.show_vertical_scrollbar
    bar = view.vertical_scrollbar
    calls = [0]
    render = bar.render

    def counting() -> RenderableType:
        calls[0] += 1
        return render()

    bar.render = counting  # type: ignore[method-assign]
    return view, calls


def test_the_private_hook_line_views_override_is_still_there() -> None:
    # LineView overrides ScrollView._size_updated (private in Textual 8.2.8); if this
    # fails, Textual changed it: check tui/widgets/scrolling.py before upgrading.
    hook = ScrollView._size_updated
    names = list(inspect.signature(hook).parameters)
    assert names == ["self", "size", "virtual_size", "container_size", "layout"]
    assert LineView._size_updated is not hook


async def test_a_layout_elsewhere_does_not_redraw_the_scroll_bar() -> None:
    app = TwoViews()
    async with app.run_test(size=(40, 12)) as pilot:
        view, calls = await counted_view(pilot, 100)
        app.query_one("#other").display = False  # a whole-screen layout
        await pilot.pause()
        await pilot.pause()
        assert calls == [0]
        # A new size does reach the bar.
        view.styles.height = 6
        await pilot.pause()
        await pilot.pause()
        assert calls[0] >= 1
        assert view.vertical_scrollbar.window_size == view.scrollable_content_region.height


async def test_the_bar_is_redrawn_only_when_the_thumb_moves() -> None:
    app = LinesApp()
    async with app.run_test(size=(40, 12)) as pilot:
        view, calls = await counted_view(pilot, 20_000)
        view.scroll_to(y=2, animate=False, immediate=True)  # the thumb stays in its cell
        await pilot.pause()
        assert calls == [0] and view.vertical_scrollbar.position == 2
        view.scroll_to(y=10_000, animate=False, immediate=True)
        await pilot.pause()
        assert calls == [1] and view.vertical_scrollbar.position == 10_000


async def test_a_scroll_redraws_the_lines_and_not_the_bar_beside_them() -> None:
    # A frame that scrolls the text by a line takes only the text's columns: the bar's
    # column (its lines, their cutting, their bytes) only when its thumb moves.
    app = LinesApp()
    async with app.run_test(size=(40, 12)) as pilot:
        view, calls = await counted_view(pilot, 20_000)
        asked: list[tuple[Region, ...]] = []
        refresh = view.refresh

        def noted(*regions: Region, **options: bool) -> Lines:
            asked.append(regions)
            return refresh(*regions, **options)

        view.refresh = noted  # type: ignore[method-assign]
        view.scroll_to(y=3, animate=False, immediate=True)
        await pilot.pause()
        assert calls == [0]
        assert asked == [(Region(0, 0, view.line_width, view.size.height),)]
        assert view.line_width < view.size.width  # the bar's column is left out
