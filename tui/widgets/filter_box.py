"""The sidebar's filter box: an Input whose typing lays nothing out."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterBox(Input):
    """Text typed here narrows the sidebar as it is typed."""

    # Input sets its virtual size to the text's width on every key, and Textual's
    # virtual size asks for a whole-screen layout (~1 ms, and every scroll bar drawn
    # again) with each change. Only the box's own horizontal scrolling reads it, and
    # that needs a repaint, not a layout.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0))
