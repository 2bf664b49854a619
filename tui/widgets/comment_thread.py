"""The comments panel: a review's thread drawn line by line with depth guides.

A thread can hold thousands of comments, so this is a ScrollView that lays the
thread out as lines (strips) and renders only the lines on screen; there is no
widget per comment.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.display import display_date
from tui.model import Comment, ThreadRow, thread
from tui.text import clean, one_line

_MAX_INDENT_LEVELS = 8


@dataclass(frozen=True)
class _Block:
    """One comment laid out: its lines as (guide prefix, text, text role)."""

    row: ThreadRow
    lines: tuple[tuple[str, str, str], ...]


class CommentThread(ScrollView, can_focus=True):
    """A review's comments as a navigable thread; the cursor is on one comment."""

    COMPONENT_CLASSES = {
        "comment-thread--cursor",
        "comment-thread--guide",
        "comment-thread--author",
        "comment-thread--local",
        "comment-thread--meta",
        "comment-thread--body",
        "comment-thread--deleted",
        "comment-thread--empty",
    }

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next comment", show=False),
        Binding("k,up", "cursor_up", "Previous comment", show=False),
        Binding("home,g", "first", "First comment", show=False),
        Binding("end,G", "last", "Last comment", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    @dataclass
    class CommentHighlighted(Message):
        """The cursor moved to a comment (``None``: the thread is empty)."""

        comment_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[ThreadRow] = []
        self._blocks: list[_Block] = []
        self._starts: list[int] = []
        self._cursor = 0
        self._laid_out_width = -1
        self.empty_text = "No comments yet. Press r to write the first."

    # -- data in -------------------------------------------------------------------

    def set_comments(self, comments: list[Comment], keep: int | None = None) -> None:
        """Show ``comments`` as a thread; keep the cursor on comment ``keep`` if present."""
        self._rows = thread(comments)
        index = 0
        if keep is not None:
            index = next((i for i, r in enumerate(self._rows) if r.comment.id == keep), 0)
        self._cursor = index
        self._layout(force=True)
        if keep is None:
            self.scroll_home(animate=False, immediate=True)
        self._scroll_to_cursor()
        self.post_message(self.CommentHighlighted(self.current_id))

    @property
    def rows(self) -> list[ThreadRow]:
        """The thread in display order."""
        return self._rows

    @property
    def cursor(self) -> int:
        """The index of the highlighted comment in ``rows``."""
        return self._cursor

    @property
    def current(self) -> Comment | None:
        """The highlighted comment, if any."""
        if not self._rows:
            return None
        return self._rows[self._cursor].comment

    @property
    def current_id(self) -> int | None:
        """The highlighted comment's id, if any."""
        comment = self.current
        return comment.id if comment else None

    def select_comment(self, comment_id: int) -> bool:
        """Move the cursor to ``comment_id``; False when it is not in this thread."""
        for index, row in enumerate(self._rows):
            if row.comment.id == comment_id:
                self._move_to(index)
                return True
        return False

    # -- layout --------------------------------------------------------------------

    def _layout(self, force: bool = False) -> None:
        width = max(self.scrollable_content_region.width, 20)
        if not force and width == self._laid_out_width:
            return
        self._laid_out_width = width
        self._blocks = [self._lay_out_row(row, width) for row in self._rows]
        self._starts = []
        total = 0
        for block in self._blocks:
            self._starts.append(total)
            total += len(block.lines)
        self.virtual_size = Size(width, max(total, 1))
        self.refresh()

    def _lay_out_row(self, row: ThreadRow, width: int) -> _Block:
        comment = row.comment
        depth = min(row.depth, _MAX_INDENT_LEVELS)
        ancestors = "".join("│  " if go_on else "   " for go_on in row.guides[1:depth])
        if depth == 0:
            head_prefix = body_prefix = ""
        else:
            head_prefix = ancestors + ("└─ " if row.last_sibling else "├─ ")
            body_prefix = ancestors + ("   " if row.last_sibling else "│  ")
        body_prefix_children = body_prefix + ("│  " if row.descendants else "   ")
        text_width = max(width - len(body_prefix_children), 10)

        author = one_line(comment.author) or "Anonymous"
        head_role = "local" if comment.local else "author"
        meta = display_date(comment.date)
        if comment.local:
            meta = (meta + " · " if meta else "") + "your reply"
        if comment.edited and comment.deleted is None:
            meta += " · edited"
        lines: list[tuple[str, str, str]] = [(head_prefix, author, head_role)]
        if meta:
            lines.append((body_prefix_children, meta, "meta"))
        if comment.deleted is not None:
            lines.append((body_prefix_children, "[deleted]", "deleted"))
        else:
            body = clean(comment.body).strip("\n") or " "
            for line in Content(body).wrap(text_width):
                lines.append((body_prefix_children, line.plain, "body"))
        lines.append((body_prefix_children if row.descendants else body_prefix, "", "body"))
        return _Block(row, tuple(lines))

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap the thread when the panel's width changes."""
        self._layout()
        self._scroll_to_cursor()

    # -- rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw line ``y`` of the visible area from the laid-out thread."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        line_no = y + scroll_y
        if not self._blocks:
            if y == 1:
                style = base + self._role_style("empty")
                return Strip([Segment(" " + self.empty_text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index = bisect_right(self._starts, line_no) - 1
        if index < 0 or index >= len(self._blocks):
            return Strip.blank(width, base)
        block = self._blocks[index]
        offset = line_no - self._starts[index]
        if offset >= len(block.lines):
            return Strip.blank(width, base)
        prefix, text, role = block.lines[offset]
        if index == self._cursor:
            cursor = self.get_component_rich_style("comment-thread--cursor")
            base = base + Style(bgcolor=cursor.bgcolor)
        guide = self._role_style("guide")
        segments = [Segment(prefix, base + guide), Segment(text, base + self._role_style(role))]
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _role_style(self, role: str) -> Style:
        # Only the role's colour and emphasis, so the cursor's background shows through.
        full = self.get_component_rich_style(f"comment-thread--{role}")
        return Style(color=full.color, bold=full.bold, italic=full.italic)

    # -- movement ------------------------------------------------------------------

    def _move_to(self, index: int) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            self._scroll_to_cursor()
            return
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CommentHighlighted(self.current_id))

    def _scroll_to_cursor(self) -> None:
        if not self._blocks or self._cursor >= len(self._blocks):
            return
        start = self._starts[self._cursor]
        height = len(self._blocks[self._cursor].lines)
        self.scroll_to_region(
            Region(0, start, 1, min(height, max(self.size.height, 1))),
            animate=False,
            immediate=True,
            force=True,
        )

    def action_cursor_down(self) -> None:
        """Next comment."""
        self._move_to(self._cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous comment."""
        self._move_to(self._cursor - 1)

    def action_first(self) -> None:
        """First comment."""
        self._move_to(0)

    def action_last(self) -> None:
        """Last comment."""
        self._move_to(len(self._rows) - 1)

    def action_page_down(self) -> None:
        """About a screenful further down."""
        self._move_to(self._index_at_line(self._current_line() + self.size.height))

    def action_page_up(self) -> None:
        """About a screenful further up."""
        self._move_to(self._index_at_line(self._current_line() - self.size.height))

    def _current_line(self) -> int:
        return self._starts[self._cursor] if self._starts else 0

    def _index_at_line(self, line_no: int) -> int:
        return max(bisect_right(self._starts, max(line_no, 0)) - 1, 0)

    def on_click(self, event: events.Click) -> None:
        """A click selects the comment under the pointer."""
        if self._blocks:
            self._move_to(self._index_at_line(event.y + self.scroll_offset.y))

    def on_focus(self) -> None:
        """Show the cursor in full colour when the panel has focus."""
        self.refresh()

    def on_blur(self) -> None:
        """Dim the cursor when focus leaves."""
        self.refresh()
