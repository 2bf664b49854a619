"""The option list of the reader's dialogs, moved with the same keys as the panes."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class ChoiceList(OptionList):
    """An ``OptionList`` that also takes ``j``/``k`` and ``g``/``G`` (search hits, links, tags)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="choices.down"),
        Binding("k", "cursor_up", "Up", show=False, id="choices.up"),
        Binding("g", "first", "First", show=False, id="choices.first"),
        Binding("G", "last", "Last", show=False, id="choices.last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="choices.page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="choices.page_up"),
    ]
