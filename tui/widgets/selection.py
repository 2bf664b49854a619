"""Drawing a mouse selection over a line of text the line views drew themselves."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from textual.strip import Strip


def mark_selected(strip: Strip, text: str, start: int, end: int, style: Style) -> Strip:
    """``strip`` (showing ``text``) with characters ``start:end`` in ``style``; -1 ends it."""
    end = len(text) if end == -1 else end
    cells = [cell_len(text[:start]), cell_len(text[:end])]
    before, chosen, after = strip.divide([*cells, strip.cell_length])
    return Strip.join([before, chosen.apply_style(style), after])
