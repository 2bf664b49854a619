"""Laying one comment of a thread out as lines of (text, role) pieces, at a width.

The roles name the thread's component styles (``author``, ``meta``, ``body``…),
so colours stay in the stylesheet and this stays a pure function of its inputs.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import is_

from rich.cells import cell_len, chop_cells

from tui.comment_text import comment_lines
from tui.display import display_date
from tui.model import ANONYMOUS, Comment, ThreadRow, thread
from tui.text import clean, fold, one_line

Piece = tuple[str, str]
"""Some text and the role that styles it."""
Line = tuple[Piece, ...]

MAX_INDENT_LEVELS = 8
"""Deeper replies are drawn at this indent so hostile nesting cannot eat the width."""
CACHED_THREADS = 4
"""How many reviews' threads keep their rows and laid-out comments for showing again."""

TAB_SIZE = 8
"""Columns between tab stops, as terminals have them by default."""

Block = tuple[Line, ...]
"""The lines of one comment."""


def lay_out(
    row: ThreadRow,
    width: int,
    *,
    collapsed: bool = False,
    by_review_author: bool = False,
    unseen: bool = False,
    highlight: str = "",
    delivery: str = "",
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
    if delivery:  # a reply of yours on its way to a blog: where it stands
        failed = delivery.startswith("failed")
        shown = one_line(delivery)
        lines.append(((inner, "guide"), (meta + " · " if meta else "", "meta"),
                      (shown, "deleted" if failed else "local")))  # fmt: skip
    elif meta:
        lines.append(((inner, "guide"), (meta, "meta")))
    if comment.deleted is not None:
        lines.append(((inner, "guide"), ("[deleted]", "deleted")))
    else:
        # Tabs expanded to the terminal's 8-column stops: measured as drawn, drawn as measured.
        body = clean(comment.body).strip("\n").expandtabs(TAB_SIZE) or " "
        # Markdown converted from the blog's HTML, shown as the words it reads.
        for lead, hang, text, role in comment_lines(body, local=comment.local):
            for i, wrapped in enumerate(wrap(text, max(text_width - len(hang), 10))):
                mark = ((lead if i == 0 else hang, "meta"),) if lead or hang else ()
                pieces = _highlighted(wrapped, highlight, role)
                lines.append(((inner, "guide"), *mark, *pieces))
    lines.append(((inner if open_children else body_prefix, "guide"),))
    return tuple(lines)


# Characters one terminal cell wide each (ASCII, Latin-1, Latin Extended, common
# punctuation): text made only of these can be wrapped by counting characters.
_NARROW = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u024f\u2010-\u2027\u2030-\u205e]*")


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` terminal cells at spaces, folding over-long words.

    A thread of thousands of comments is laid out at once, so this is a greedy
    wrap that counts characters for plain single-width text and asks rich's cached
    cell widths otherwise (CJK and emoji take two cells, combining marks none).
    """
    out: list[str] = []
    for paragraph in text.split("\n"):
        if len(paragraph) <= width and paragraph.isascii():
            out.append(paragraph)
        elif _NARROW.fullmatch(paragraph):
            out.extend(_greedy(paragraph, width, len, _chop_chars))
        else:
            out.extend(_greedy(paragraph, width, cell_len, chop_cells))
    return out


def _chop_chars(word: str, width: int) -> list[str]:
    return [word[i : i + width] for i in range(0, len(word), width)]


def _greedy(
    paragraph: str,
    width: int,
    measure: Callable[[str], int],
    chop: Callable[[str, int], list[str]],
) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    for word in paragraph.split(" "):
        size = measure(word)
        if size > width:
            if line:
                lines.append(line)
            *whole, word = chop(word, width) or [""]
            lines.extend(whole)
            line, used = word, measure(word)
        elif not line and not used:
            line, used = word, size
        elif used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
        else:
            lines.append(line)
            line, used = word, size
    lines.append(line)
    return lines


def _highlighted(text: str, needle: str, role: str = "body") -> tuple[Piece, ...]:
    """Split ``text`` into ``role`` and match pieces for each case- and accent-insensitive
    hit of ``needle``."""
    if not needle:
        return ((text, role),)
    folded, target = fold(text), fold(needle)
    if target not in folded:
        return ((text, role),)
    pieces: list[Piece] = []
    start = 0
    while (hit := folded.find(target, start)) >= 0:
        if hit > start:
            pieces.append((text[start:hit], role))
        pieces.append((text[hit : hit + len(target)], "match"))
        start = hit + len(target)
    if start < len(text):
        pieces.append((text[start:], role))
    return tuple(pieces)


@dataclass
class ThreadLayout:
    """One review's thread: its rows, and its comments laid out so far at one width."""

    comments: list[Comment]
    rows: list[ThreadRow]
    width: int = -1
    blocks: dict[int, tuple[tuple[object, ...], Block]] = field(default_factory=dict)
    """Comment id -> what its block was laid out from, and the block."""

    def block(
        self,
        row: ThreadRow,
        width: int,
        *,
        collapsed: bool,
        by_review_author: bool,
        unseen: bool,
        highlight: str,
        delivery: str = "",
    ) -> Block:
        """``lay_out`` of ``row``, or the block laid out before from the very same inputs."""
        if width != self.width:
            self.blocks.clear()
            self.width = width
        key = (row, collapsed, by_review_author, unseen, highlight, delivery)
        known = self.blocks.get(row.comment.id)
        if known is not None and known[0] == key:
            return known[1]
        block = lay_out(
            row,
            width,
            collapsed=collapsed,
            by_review_author=by_review_author,
            unseen=unseen,
            highlight=highlight,
            delivery=delivery,
        )
        self.blocks[row.comment.id] = (key, block)
        return block


class LayoutCache:
    """The threads of the last few reviews shown, kept to be shown again cheaply.

    Coming back to a review, or showing it again after a reply was written, then
    costs a look-up per comment: only the comments whose text, place in the thread
    or marks changed are threaded and wrapped again. Comments are frozen, so the
    same objects (the store hands out the ones it keeps) mean the same thread.
    """

    def __init__(self, size: int = CACHED_THREADS) -> None:
        self._size = size
        self._threads: OrderedDict[int, ThreadLayout] = OrderedDict()

    def thread_of(self, comments: list[Comment]) -> ThreadLayout:
        """The thread of ``comments`` (one review's), threaded again only if they changed."""
        if not comments:
            return ThreadLayout([], [])
        review_id = comments[0].review_id
        known = self._threads.get(review_id)
        if known is None:
            known = ThreadLayout(list(comments), thread(comments))
            self._threads[review_id] = known
            if len(self._threads) > self._size:
                self._threads.popitem(last=False)
            return known
        self._threads.move_to_end(review_id)
        same = len(known.comments) == len(comments) and all(map(is_, known.comments, comments))
        if not same:
            known.comments, known.rows = list(comments), thread(comments)
        return known
