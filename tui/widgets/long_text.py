"""Plain text too long for Markdown, wrapped once per width and drawn line by line.

Rich's Markdown takes seconds on a 1 MB body and Textual renders a ``Static``
whole again on every focus change, so the reading pane hands bodies past a
size threshold to this widget: it wraps the text when its width changes
(~0.1 s for 1 MB) and draws only the lines on screen.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from tui.text import clean


def wrap_lines(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` cells, breaking at spaces when it can.

    Words wider than the line are cut; wide (CJK, emoji) characters are never split.
    """
    return [line.plain for line in Content(text.expandtabs(4)).wrap(max(width, 2))]


class LongText(Widget):
    """Shows a long text as plain, wrapped lines; renders only what is on screen."""

    DEFAULT_CSS = """
    LongText {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._lines: list[str] = []
        self._wrapped_at = -1

    @property
    def text(self) -> str:
        """The text shown (cleaned)."""
        return self._text

    @property
    def lines(self) -> list[str]:
        """The text as wrapped for the current width."""
        return self._lines

    def set_text(self, text: str) -> None:
        """Show ``text`` (outside text: it is cleaned here)."""
        self._text = clean(text)
        self._lines = []
        self._wrapped_at = -1
        self.refresh(layout=True)

    def _wrap(self, width: int) -> None:
        if width != self._wrapped_at:
            self._lines = wrap_lines(self._text, width) if self._text else []
            self._wrapped_at = width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One row per wrapped line."""
        self._wrap(width)
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the wrapped text, padded to the width."""
        width = self.size.width
        self._wrap(width)
        style = self.rich_style
        if not 0 <= y < len(self._lines):
            return Strip.blank(width, style)
        return Strip([Segment(self._lines[y], style)]).crop_extend(0, width, style)
