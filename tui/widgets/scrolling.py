"""Changing a line view's scrollable size without laying the whole screen out again.

Textual's ``virtual_size`` is a layout reactive: every change reflows the screen,
tells every scrolling widget its size again and redraws every scroll bar
(~3-5 ms a change at 160x50, on every review shown and every filter key).
Only the scroll bar's thumb depends on the new size, unless the bar has to
appear or disappear; then the screen does need laying out.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


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
