"""Plain text too long for Markdown: a note saying so, and the text wrapped as plain lines.

Rich's Markdown takes seconds on a 1 MB body, so the reading pane shows bodies
past a size threshold as plain lines instead: wrapping 1 MB takes ~0.1 s and
happens once per width; only the lines on screen are drawn.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip

from tui.text import clean


def wrap_lines(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` cells, breaking at spaces when it can.

    Words wider than the line are cut; wide (CJK, emoji) characters are never split.
    """
    return [line.plain for line in Content(text.expandtabs(4)).wrap(max(width, 2))]


def long_text_note(length: int) -> Content:
    """Why a body of ``length`` characters is shown as plain text."""
    size = f"{length / 1000:,.0f} thousand characters"
    return Content.styled(
        f"A very long review ({size}): shown as plain text, without formatting.",
        "italic $text-muted",
    )


def plain_strips(text: str, width: int, style: Style) -> list[Strip]:
    """``text`` (outside text: cleaned here) as plain lines of ``width`` cells at most."""
    return [Strip([Segment(line, style)]) for line in wrap_lines(clean(text), width)]
