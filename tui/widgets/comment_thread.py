"""The comments panel: a review's thread drawn line by line with depth guides.

A thread can hold thousands of comments, so this is a ScrollView that lays the
thread out as lines and renders only the lines on screen; there is no widget
per comment. Collapsed subtrees are skipped when laying out. The first screenful
is laid out before the first frame, the rest in chunks after it; the last few
reviews' layouts are kept, so showing a thread again (coming back to it, or
after a reply) wraps only the comments that changed.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip

from tui.model import Comment, ThreadRow
from tui.widgets.comment_layout import Block, LayoutCache, ThreadLayout, wrap
from tui.widgets.scrolling import SteadyBars, set_virtual_size
from tui.widgets.selection import mark_selected

FIRST_CHUNK = 60
"""Comments laid out at once: more than a screenful, fast even for long comments."""
LATER_CHUNK = 250
"""Comments laid out per step afterwards, between frames (at most)."""
LATER_STEP_SECONDS = 0.008
"""A step afterwards ends past this, fewer comments laid out: a thread of long or
Markdown comments (~0.15 ms each) must not hold a key back for a chunk's 40 ms."""

_GUIDES = "│├└─ "
"""The characters of the depth guides drawn before a comment's lines."""
_ROLES = (
    *("guide", "author", "local", "op", "meta", "new", "body", "deleted", "match", "hidden"),
    *("heading", "quote", "code"),  # a comment's Markdown (tui.comment_text)
)


@dataclass(frozen=True)
class ThreadMarks:
    """What the thread shows beside comments: who wrote the review, what is new."""

    review_author: str | None = None
    unseen: frozenset[int] = frozenset()
    highlight: str = ""
    delivery: Mapping[int, str] = field(default_factory=dict)
    """Your replies on their way to a blog: comment id -> queued, sent, failed: why."""


class CommentThread(SteadyBars, can_focus=True):
    """A review's comments as a navigable, collapsible thread."""

    COMPONENT_CLASSES = {f"comment-thread--{role}" for role in (*_ROLES, "cursor", "empty")}

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next comment", show=False, id="comments.down"),
        Binding("k,up", "cursor_up", "Previous comment", show=False, id="comments.up"),
        # Short names: the key bar must keep ? Help and q Quit at 80 columns. The help
        # screen shows the tooltip.
        Binding(
            "space",
            "toggle_replies",
            "Fold",
            tooltip="Collapse/expand replies",
            id="comments.toggle",
        ),
        Binding("minus", "collapse_all", "Collapse all", show=False, id="comments.collapse_all"),
        Binding("plus,equals_sign", "expand_all", "Expand all", show=False, id="comments.expand"),
        Binding("p", "parent", "Parent", show=False, id="comments.parent"),
        Binding("J", "next_sibling", "Next sibling", show=False, id="comments.next_sibling"),
        Binding("K", "previous_sibling", "Prev sibling", show=False, id="comments.prev_sibling"),
        Binding("n", "next_unread", "New", tooltip="Next new comment", id="comments.next_unread"),
        Binding("N", "previous_unread", "Prev new", show=False, id="comments.prev_unread"),
        Binding("home,g", "first", "First comment", show=False, id="comments.first"),
        Binding("end,G", "last", "Last comment", show=False, id="comments.last"),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False, id="comments.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="comments.page_up"),
    ]

    @dataclass
    class CommentHighlighted(Message):
        """The cursor moved to a comment (``None``: the thread is empty)."""

        comment_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[ThreadRow] = []
        self._shown: list[ThreadRow] = []
        self._collapsed: set[int] = set()
        self._marks = ThreadMarks()
        self._cache = LayoutCache()
        self._thread = ThreadLayout([], [])
        self._blocks: list[Block] = []
        self._starts: list[int] = []
        self._total_lines = 0
        self._layout_generation = 0
        self._role_styles: dict[str, Style] = {}
        self._cursor = 0
        self._laid_out_width = -1
        self.empty_text = "No comments yet."
        """What the panel says when it has no comments (the screen knows why)."""

    # -- data in -------------------------------------------------------------------

    def set_comments(
        self,
        comments: list[Comment],
        keep: int | None = None,
        marks: ThreadMarks | None = None,
        *,
        same_review: bool = False,
    ) -> None:
        """Show ``comments`` as a thread; keep the cursor on comment ``keep`` if present.

        ``same_review`` keeps collapsed subtrees, for a reload of the thread on show.
        """
        self._thread = self._cache.thread_of(comments)
        self._rows = self._thread.rows
        self._marks = marks or ThreadMarks()
        if not same_review:
            self._collapsed = set()
        else:
            known = {r.comment.id for r in self._rows}
            self._collapsed &= known
        if keep is not None:
            self._reveal(keep)
        self._refilter()
        index = self._index_of(keep) if keep is not None else None
        self._cursor = index if index is not None else 0
        self._layout(force=True)
        if keep is None:
            self.scroll_home(animate=False, immediate=True)
        self._scroll_to_cursor()
        self.post_message(self.CommentHighlighted(self.current_id))

    @property
    def rows(self) -> list[ThreadRow]:
        """The rows on show (collapsed subtrees left out), in display order."""
        return self._shown

    @property
    def collapsed(self) -> frozenset[int]:
        """The ids of comments whose replies are hidden."""
        return frozenset(self._collapsed)

    @property
    def cursor(self) -> int:
        """The index of the highlighted comment in ``rows``."""
        return self._cursor

    @property
    def current(self) -> Comment | None:
        """The highlighted comment, if any."""
        if not self._shown:
            return None
        return self._shown[self._cursor].comment

    @property
    def current_id(self) -> int | None:
        """The highlighted comment's id, if any."""
        comment = self.current
        return comment.id if comment else None

    def select_comment(self, comment_id: int) -> bool:
        """Move the cursor to ``comment_id``, expanding what hides it; False if absent."""
        if not any(r.comment.id == comment_id for r in self._rows):
            return False
        if self._reveal(comment_id):
            self._refilter()
            self._layout(force=True)
        index = self._index_of(comment_id)
        if index is not None:
            self._move_to(index, force=True)
        return True

    def line_of(self, comment_id: int) -> int | None:
        """The first line of a shown comment in the laid-out thread (for tests and scroll)."""
        index = self._index_of(comment_id)
        if index is None:
            return None
        self._extend(index + 1)
        return self._starts[index]

    def _index_of(self, comment_id: int | None) -> int | None:
        for index, row in enumerate(self._shown):
            if row.comment.id == comment_id:
                return index
        return None

    def _reveal(self, comment_id: int) -> bool:
        """Expand every collapsed ancestor of ``comment_id``; True if anything changed."""
        parents = {r.comment.id: r.comment.parent_id for r in self._rows}
        changed = False
        node = parents.get(comment_id)
        while node is not None:
            if node in self._collapsed:
                self._collapsed.discard(node)
                changed = True
            node = parents.get(node)
        return changed

    def _refilter(self) -> None:
        shown: list[ThreadRow] = []
        skip_until_depth: int | None = None
        for row in self._rows:
            if skip_until_depth is not None:
                if row.depth > skip_until_depth:
                    continue
                skip_until_depth = None
            shown.append(row)
            if row.comment.id in self._collapsed and row.descendants:
                skip_until_depth = row.depth
        self._shown = shown

    # -- layout --------------------------------------------------------------------

    def _layout(self, force: bool = False) -> None:
        """Lay the thread out again; the first screenful now, the rest in chunks."""
        width = max(self.scrollable_content_region.width, 20)
        if not force and width == self._laid_out_width:
            return
        self._laid_out_width = width
        self._layout_generation += 1
        self._blocks = []
        self._starts = []
        self._total_lines = 0
        first = max(self._cursor + 1, FIRST_CHUNK)
        self._extend(first)
        if len(self._blocks) < len(self._shown):
            # Only after the frame that shows the first screenful: chunks queued as
            # messages would run back to back and hold that frame back until the end.
            self.call_after_refresh(self.call_later, self._continue_layout, self._layout_generation)

    def _extend(self, upto: int, *, publish: bool = True, seconds: float | None = None) -> None:
        """Lay out rows until ``upto`` (exclusive) are done; earlier rows never move.

        Without ``publish`` the new lines are not announced (no new virtual size, no
        repaint): the layout going on below the screen costs no frames until it ends.
        With ``seconds``, stop sooner once that long has gone (after one row at least).
        """
        upto = min(upto, len(self._shown))
        if upto <= len(self._blocks):
            # Lines laid out but not announced yet, or a thread laid out anew that is
            # shorter (none at all: the old height kept a scroll bar on the empty panel).
            if publish and self.virtual_size.height != max(self._total_lines, 1):
                self._publish()
            return
        width = self._laid_out_width
        marks = self._marks
        author = marks.review_author
        total = self._total_lines
        lay_out = self._thread.block
        deadline = None if seconds is None else time.monotonic() + seconds
        for done, row in enumerate(self._shown[len(self._blocks) : upto], 1):
            if deadline is not None and done % 16 == 0 and time.monotonic() > deadline:
                break
            comment = row.comment
            block = lay_out(
                row,
                width,
                collapsed=comment.id in self._collapsed,
                by_review_author=author is not None
                and comment.author == author
                and not comment.local,
                unseen=comment.id in marks.unseen,
                highlight=marks.highlight,
                delivery=marks.delivery.get(comment.id, "") if comment.local else "",
            )
            self._blocks.append(block)
            self._starts.append(total)
            total += len(block)
        self._total_lines = total
        if publish or len(self._blocks) == len(self._shown):
            self._publish()

    def _publish(self) -> None:
        """Let the scroll bars and the screen know about every line laid out so far."""
        set_virtual_size(self, Size(self._laid_out_width, max(self._total_lines, 1)))
        self.refresh()

    async def _continue_layout(self, generation: int) -> None:
        # One chunk per message, each after a turn of the event loop: queued keys,
        # other widgets' messages and a due frame are not held up by the layout.
        await asyncio.sleep(0)
        if generation != self._layout_generation:
            return
        self._extend(len(self._blocks) + LATER_CHUNK, publish=False, seconds=LATER_STEP_SECONDS)
        if not self.laid_out:
            self.call_later(self._continue_layout, generation)

    def lines_needed(self, enough: int) -> int:
        """How many lines the thread takes, counting no further than ``enough``."""
        if not self._shown:
            # What says why there is nothing, with a line above and below it.
            return min(len(self._empty_lines()) + 2, max(enough, 3))
        while self._total_lines < enough and not self.laid_out:
            self._extend(len(self._blocks) + FIRST_CHUNK)
        return min(self._total_lines, enough)

    def _empty_lines(self) -> list[str]:
        """``empty_text`` wrapped to the panel (a narrow one cut its end off)."""
        return wrap(self.empty_text, max(self.scrollable_content_region.width - 1, 10))

    @property
    def laid_out(self) -> bool:
        """Whether every shown comment has been laid out (big threads take a moment)."""
        return len(self._blocks) == len(self._shown)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap the thread when the panel's width changes."""
        self._layout()
        self._scroll_to_cursor()

    # -- rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw line ``y`` of the visible area from the laid-out thread."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._role_styles.get("")
        if base is None:
            base = self._worked_out_base()
        line_no = y + scroll_y
        if not self._blocks:
            lines = self._empty_lines()
            if 1 <= line_no <= len(lines):
                style = base + self._role_style("empty")
                text = " " + lines[line_no - 1]
                return Strip([Segment(text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        index = bisect_right(self._starts, line_no) - 1
        if index < 0 or index >= len(self._blocks):
            return Strip.blank(width, base)
        block = self._blocks[index]
        offset = line_no - self._starts[index]
        if offset >= len(block):
            return Strip.blank(width, base)
        if index == self._cursor:
            base = base + self._role_style("cursor")
        pieces = block[offset]
        segments = [Segment(text, base + self._role_style(role)) for text, role in pieces]
        strip = Strip(segments)
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(line_no)) is not None:
            text = "".join(text for text, _role in pieces)
            style = self.screen.get_component_rich_style("screen--selection")
            strip = mark_selected(strip, text, *span, style)
        # Offsets let the mouse select a comment's words (for `>` to quote them).
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, line_no)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The words under a mouse selection (the thread's guide lines left out)."""
        lines = ["".join(text for text, _role in line) for block in self._blocks for line in block]
        chosen = selection.extract("\n".join(lines))
        return "\n".join(line.lstrip(_GUIDES) for line in chosen.split("\n")), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Draw the selection as it changes."""
        self.refresh()

    def _role_style(self, role: str) -> Style:
        style = self._role_styles.get(role)
        if style is None:
            # Only the role's colour and emphasis, so the cursor's background shows through.
            full = self.get_component_rich_style(f"comment-thread--{role}")
            if role == "match":
                style = full
            elif role == "cursor":
                style = Style(bgcolor=full.bgcolor)
            else:
                style = Style(color=full.color, bold=full.bold, italic=full.italic)
            self._role_styles[role] = style
        return style

    def _worked_out_base(self) -> Style:
        # Once per style change, not per line: it walks every ancestor's background.
        style = self._role_styles[""] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        """A theme or stylesheet change: forget the styles worked out so far."""
        self._role_styles = {}
        super().notify_style_update()

    # -- movement ------------------------------------------------------------------

    def _move_to(self, index: int, force: bool = False) -> None:
        if not self._shown:
            return
        index = max(0, min(index, len(self._shown) - 1))
        if index == self._cursor and not force:
            self._scroll_to_cursor()
            return
        self._cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.CommentHighlighted(self.current_id))

    def _scroll_to_cursor(self) -> None:
        self._extend(self._cursor + 1)
        if not self._blocks or self._cursor >= len(self._blocks):
            return
        start = self._starts[self._cursor]
        height = len(self._blocks[self._cursor])
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
        self._move_to(len(self._shown) - 1)

    def action_page_down(self) -> None:
        """About a screenful further down."""
        self._move_to(self._index_at_line(self._current_line() + self.size.height))

    def action_page_up(self) -> None:
        """About a screenful further up."""
        self._move_to(self._index_at_line(self._current_line() - self.size.height))

    def action_toggle_replies(self) -> None:
        """Collapse or expand the replies under the highlighted comment."""
        comment = self.current
        if comment is None or not self._shown[self._cursor].descendants:
            return
        self._collapsed ^= {comment.id}
        self._relayout_keeping(comment.id)

    def action_collapse_all(self) -> None:
        """Hide every reply: only top-level comments stay, each with its hidden count."""
        self._collapsed = {r.comment.id for r in self._rows if r.depth == 0 and r.descendants}
        current = self.current
        top = current
        if current is not None:
            parents = {r.comment.id: r.comment for r in self._rows}
            while top is not None and top.parent_id is not None and top.parent_id in parents:
                top = parents[top.parent_id]
        self._relayout_keeping(top.id if top else None)

    def action_expand_all(self) -> None:
        """Show every reply."""
        self._collapsed = set()
        self._relayout_keeping(self.current_id)

    def _relayout_keeping(self, comment_id: int | None) -> None:
        self._refilter()
        self._layout(force=True)
        index = self._index_of(comment_id)
        self._move_to(index if index is not None else 0, force=True)

    def action_parent(self) -> None:
        """Jump to the comment this one answers."""
        comment = self.current
        if comment is not None and comment.parent_id is not None:
            index = self._index_of(comment.parent_id)
            if index is not None:
                self._move_to(index)

    def action_next_sibling(self) -> None:
        """Jump to the next comment with the same parent."""
        self._sibling(+1)

    def action_previous_sibling(self) -> None:
        """Jump to the previous comment with the same parent."""
        self._sibling(-1)

    def _sibling(self, step: int) -> None:
        if not self._shown:
            return
        here = self._shown[self._cursor]
        index = self._cursor + step
        while 0 <= index < len(self._shown):
            row = self._shown[index]
            if row.depth < here.depth:
                return
            if row.depth == here.depth and row.comment.parent_id == here.comment.parent_id:
                self._move_to(index)
                return
            index += step

    def action_next_unread(self) -> None:
        """Jump to the next comment that is new since the last visit."""
        self._unread(+1)

    def action_previous_unread(self) -> None:
        """Jump to the previous comment that is new since the last visit."""
        self._unread(-1)

    def _unread(self, step: int) -> None:
        unseen = self._marks.unseen
        if not unseen or not self._rows:
            self.notify("No new comments in this thread.", markup=False)
            return
        order = [r.comment.id for r in self._rows]
        current = self.current_id
        start = order.index(current) if current in order else -1
        index = start + step
        while 0 <= index < len(order):
            if order[index] in unseen:
                self.select_comment(order[index])
                return
            index += step
        self.notify("No more new comments that way.", markup=False)

    def _current_line(self) -> int:
        return self._starts[self._cursor] if self._starts else 0

    def _index_at_line(self, line_no: int) -> int:
        while self._total_lines <= line_no and not self.laid_out:
            self._extend(len(self._blocks) + LATER_CHUNK)
        return max(bisect_right(self._starts, max(line_no, 0)) - 1, 0)

    def on_click(self, event: events.Click) -> None:
        """A click selects the comment under the pointer."""
        if self._blocks:
            self._move_to(self._index_at_line(event.y + self.scroll_offset.y))

    def on_focus(self) -> None:
        """Show the cursor in full colour when the panel has focus."""
        self._role_styles = {}
        self.refresh()

    def on_blur(self) -> None:
        """Dim the cursor when focus leaves."""
        self._role_styles = {}
        self.refresh()
