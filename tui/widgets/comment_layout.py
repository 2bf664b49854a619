"""Laying one comment of a thread out as lines of (text, role) pieces, at a width.

The roles name the thread's component styles (``author``, ``meta``, ``body``…),
so colours stay in the stylesheet and this stays a pure function of its inputs.
"""

from __future__ import annotations

from textual.content import Content

from tui.display import display_date
from tui.model import ANONYMOUS, ThreadRow
from tui.text import clean, one_line

Piece = tuple[str, str]
"""Some text and the role that styles it."""
Line = tuple[Piece, ...]

MAX_INDENT_LEVELS = 8
"""Deeper replies are drawn at this indent so hostile nesting cannot eat the width."""


def lay_out(
    row: ThreadRow,
    width: int,
    *,
    collapsed: bool = False,
    by_review_author: bool = False,
    unseen: bool = False,
    highlight: str = "",
) -> tuple[Line, ...]:
    """The lines of one comment: a header, a meta line, the wrapped body, a gap."""
    comment = row.comment
    depth = min(row.depth, MAX_INDENT_LEVELS)
    ancestors = "".join("│  " if go_on else "   " for go_on in row.guides[1:depth])
    if depth == 0:
        head_prefix = body_prefix = ""
    else:
        head_prefix = ancestors + ("└─ " if row.last_sibling else "├─ ")
        body_prefix = ancestors + ("   " if row.last_sibling else "│  ")
    open_children = row.descendants and not collapsed
    inner = body_prefix + ("│  " if open_children else "   ")
    text_width = max(width - len(inner), 10)

    head: list[Piece] = [(head_prefix, "guide")]
    if unseen:
        head.append(("● ", "new"))
    head.append((one_line(comment.author) or ANONYMOUS, "local" if comment.local else "author"))
    if comment.local:
        head.append(("  you", "local"))
    elif by_review_author:
        head.append(("  author", "op"))
    if collapsed and row.descendants:
        noun = "reply" if row.descendants == 1 else "replies"
        head.append((f"  ▸ {row.descendants} {noun} hidden", "hidden"))
    lines: list[Line] = [tuple(head)]

    meta = display_date(comment.date)
    if comment.edited and comment.deleted is None:
        meta = (meta + " · " if meta else "") + "edited"
    if meta:
        lines.append(((inner, "guide"), (meta, "meta")))
    if comment.deleted is not None:
        lines.append(((inner, "guide"), ("[deleted]", "deleted")))
    else:
        body = clean(comment.body).strip("\n") or " "
        for wrapped in Content(body).wrap(text_width):
            lines.append(((inner, "guide"), *_highlighted(wrapped.plain, highlight)))
    lines.append(((inner if open_children else body_prefix, "guide"),))
    return tuple(lines)


def _highlighted(text: str, needle: str) -> tuple[Piece, ...]:
    """Split ``text`` into body and match pieces for each case-insensitive hit."""
    if not needle:
        return ((text, "body"),)
    folded, target = text.casefold(), needle.casefold()
    if len(folded) != len(text) or target not in folded:
        # casefold can change lengths (ß -> ss); fall back to an unmarked line there.
        return ((text, "body"),)
    pieces: list[Piece] = []
    start = 0
    while (hit := folded.find(target, start)) >= 0:
        if hit > start:
            pieces.append((text[start:hit], "body"))
        pieces.append((text[hit : hit + len(target)], "match"))
        start = hit + len(target)
    if start < len(text):
        pieces.append((text[start:], "body"))
    return tuple(pieces)
