"""A line view's scrollable size changes without a screen layout, and the scroll bar follows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.scrolling import set_virtual_size


class Lines(ScrollView):
    """Numbered lines, as many as the virtual size says."""

    DEFAULT_CSS = "Lines { overflow-x: hidden; scrollbar-gutter: stable; }"

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
        assert view.scroll_y == view.max_scroll_y == 30
        await pilot.pause()
        assert view.show_vertical_scrollbar and view.scroll_y == 30
        # Short again: the bar goes, and the view is back at the top.
        set_virtual_size(view, Size(width, 3))
        await pilot.pause()
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        assert view.scroll_y == 0
