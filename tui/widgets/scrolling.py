"""Line views whose size changes cost no whole-screen layout and no needless scroll bars.

Textual's ``virtual_size`` is a layout reactive: every change reflows the screen,
tells every scrolling widget its size again and redraws every scroll bar
(~3-5 ms a change at 160x50, on every review shown and every filter key).
Only the scroll bar's thumb depends on the new size, unless the bar has to
appear or disappear; then the screen does need laying out.
"""

from __future__ import annotations

from math import ceil
from typing import Self

from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar


class SteadyScrollBar(ScrollBar):
    """Textual's scroll bar, not drawn again when asked to but its look is the same.

    Every restyle of its widget (focus moving in or out, for ``:focus``) sets each of
    the widget's seven scroll bar colours again, unchanged, and each set asks the bar
    to draw itself again: the bar (~0.8 ms at 50 rows) was drawn at every tab, in two
    frames, and sent to the terminal.
    """

    _drawn: object = None

    def _look(self) -> object:
        """Everything ``ScrollBar.render`` draws with, and the bar's own styles."""
        parent = self.parent
        if parent is None or not self.is_mounted:
            return None
        styles = parent.styles
        return (
            self.size,
            self.window_size,
            self.window_virtual_size,
            self.position,
            self.thickness,
            self.grabbed,
            self.mouse_over,
            styles.scrollbar_background,
            styles.scrollbar_background_hover,
            styles.scrollbar_background_active,
            styles.scrollbar_color,
            styles.scrollbar_color_hover,
            styles.scrollbar_color_active,
            parent.background_colors,
            self.screen.styles.scrollbar_color,
            self.styles.get_render_rules(),
        )

    def render(self) -> RenderableType:
        """Textual's bar, remembering what it was drawn with."""
        self._drawn = self._look()
        return super().render()

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Textual's refresh, but none for a whole repaint that would draw the same."""
        if not regions and repaint and not layout and not recompose:
            drawn = self._drawn
            if drawn is not None and drawn == self._look():
                return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class SteadyBars(ScrollView):
    """A ScrollView whose vertical scroll bar is a ``SteadyScrollBar``."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's bar, made a ``SteadyScrollBar`` as it is made (once)."""
        bar = super().vertical_scrollbar
        if type(bar) is ScrollBar:
            # Made by Widget.vertical_scrollbar a moment ago, not drawn yet: the same bar
            # as the subclass, which only adds the check above.
            bar.__class__ = SteadyScrollBar
        return bar


class LineView(SteadyBars):
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
