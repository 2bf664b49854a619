"""The one place where outside text becomes something a widget may show.

Widgets are given ``Content`` built here, never a string that Textual or Rich
would parse as markup, and every piece of text passes ``tui.text.clean`` on
the way, so neither markup nor terminal control sequences survive.
"""

from __future__ import annotations

from textual.content import Content

from tui.text import clean, one_line


def literal(text: str, style: str = "") -> Content:
    """Multi-line outside text, shown exactly as written (control characters made visible)."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def literal_line(text: str, style: str = "") -> Content:
    """Outside text folded to one line (titles, names, tags, file names)."""
    return Content.styled(one_line(text), style) if style else Content(one_line(text))


def join(*parts: Content | tuple[str, str]) -> Content:
    """Join Content pieces and (our own text, style) pairs into one Content."""
    out = Content("")
    for part in parts:
        out = out + (part if isinstance(part, Content) else Content.styled(*part))
    return out


def display_date(iso: str | None) -> str:
    """A stored ISO date as people read it: ``2014-03-06`` or ``2014-03-06 21:15``."""
    if not iso:
        return ""
    text = one_line(iso)
    if "T" in text:
        day, _, rest = text.partition("T")
        return f"{day} {rest[:5]}"
    return text
