"""Line views whose size changes cost no whole-screen layout and no needless scroll bars.

Textual's ``virtual_size`` is a layout reactive: every change reflows the screen,
tells every scrolling widget its size again and redraws every scroll bar
(~3-5 ms a change at 160x50, on every review shown and every filter key).
Only the scroll bar's thumb depends on the new size, unless the bar has to
appear or disappear; then the screen does need laying out.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar


class LineView(ScrollView):
    """A ScrollView that redraws its scroll bar only when the bar changed."""

    _line_width: tuple[Size, bool, int] | None = None

    @property
    def line_width(self) -> int:
        """The width of the lines drawn (the content's), worked out once per size.

        ``scrollable_content_region`` costs ~20 µs, asked once for each line drawn.
        """
        size, bar = self.size, self.show_vertical_scrollbar
        known = self._line_width
        if known is None or known[0] != size or known[1] != bar:
            known = self._line_width = (size, bar, self.scrollable_content_region.width)
        return known[2]

    def refresh_text(self, y: int = 0, height: int | None = None) -> None:
        """Draw lines ``y`` to ``y + height`` of the visible area again (all by default),
        but not the scroll bar beside them: the bar redraws itself when its thumb moves.

        A refresh of the whole widget takes the scroll bar's column into the frame, and
        with it the bar's lines, their cutting and their bytes (~0.15 ms of a sidebar
        scrolled by a row, at 160x50).
        """
        rows = self.size.height - y if height is None else height
        self.refresh(Region(0, y, self.line_width, rows))

    def notify_style_update(self) -> None:
        """Padding or gutter may have changed: work the line width out again."""
        self._line_width = None
        super().notify_style_update()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Private Textual API (8.2.8; tests/test_scrolling.py fails if it changes). Every
        # screen layout, whatever caused it, calls this on every scrolling widget, and a
        # ScrollView's "virtual size" from the layout is its visible size, never its real
        # one: Textual then redraws the scroll bar (0.5-1 ms) although nothing changed.
        if size == self.size and container_size == self.container_size and bars_current(self):
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scroll: draw the lines again, and the scroll bar only if its thumb moved.

        Ten thousand reviews make a thumb one cell high that moves a cell every
        few dozen rows; redrawing the bar on every row costs 1-2 ms a key.
        """
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            if thumb_cells(bar, bar.position) == thumb_cells(bar, new_value):
                bar.set_reactive(ScrollBar.position, new_value)
            else:
                bar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh_text()


def thumb_cells(bar: ScrollBar, position: float) -> list[Segment]:
    """The cells of vertical scroll bar ``bar`` scrolled to ``position``, as Textual draws them."""
    window = bar.window_size if bar.window_size < bar.window_virtual_size else 0
    cells = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=ceil(bar.window_virtual_size),
        window_size=ceil(window),
        position=position,
        thickness=bar.thickness,
        vertical=True,
    )
    return cells.segments


def bars_current(view: ScrollView) -> bool:
    """Whether ``view``'s vertical scroll bar already shows its current virtual size."""
    height = view.virtual_size.height
    if scroll_bar_needed(view, height) != view.show_vertical_scrollbar:
        return False
    return not view.show_vertical_scrollbar or (
        view.vertical_scrollbar.window_virtual_size == height
    )


def scroll_bar_needed(view: ScrollView, height: int) -> bool:
    """Whether ``view`` shows a vertical scroll bar for content ``height`` lines high."""
    overflow: str = view.styles.overflow_y
    if overflow == "auto":
        return height > view.container_size.height
    return overflow == "scroll"


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give ``view`` a new scrollable size, laying the screen out only when it must.

    Views using this scroll vertically only (``overflow-x: hidden`` or content no
    wider than the view), so only the vertical bar can come or go.
    """
    if size == view.virtual_size:
        return
    width_changed = size.width != view.virtual_size.width
    if (
        width_changed
        or not view.is_mounted
        or not view.container_size
        or scroll_bar_needed(view, size.height) != view.show_vertical_scrollbar
    ):
        view.virtual_size = size  # the layout path: Textual works everything out
        return
    view.set_reactive(ScrollView.virtual_size, size)
    if view.show_vertical_scrollbar:
        view.vertical_scrollbar.window_virtual_size = size.height  # redraws the thumb
    if view.scroll_y > view.max_scroll_y:
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True)
    view.refresh()
