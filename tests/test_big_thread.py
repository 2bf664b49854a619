"""A thread of thousands of comments is laid out a screenful first, the rest in steps."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from tui.model import Comment
from tui.widgets.comment_thread import FIRST_CHUNK, CommentThread


def many(count: int) -> list[Comment]:
    comments: list[Comment] = []
    for i in range(1, count + 1):
        parent = None if i % 7 == 1 else i - 1
        comments.append(Comment(i, 1, parent, f"reader {i}", None, f"comment number {i} " * 3))
    return comments


class ThreadApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CommentThread()


async def test_first_screenful_now_rest_later_and_all_in_order() -> None:
    app = ThreadApp()
    async with app.run_test(size=(80, 30)) as pilot:
        thread = app.query_one(CommentThread)
        thread.set_comments(many(1500))
        assert FIRST_CHUNK <= len(thread._blocks) < 1500  # not all at once
        assert "reader 1" in thread.render_line(0).text
        for _ in range(200):
            if thread.laid_out:
                break
            await asyncio.sleep(0.01)
        assert thread.laid_out
        starts = thread._starts
        assert starts == sorted(starts) and len(starts) == 1500
        await pilot.press("G")  # the last comment, far below
        assert thread.current is not None and thread.current.id == 1500


async def test_a_deep_comment_can_be_chosen_before_the_layout_finishes() -> None:
    app = ThreadApp()
    async with app.run_test(size=(80, 30)):
        thread = app.query_one(CommentThread)
        thread.set_comments(many(3000), keep=2999)
        assert thread.current is not None and thread.current.id == 2999
        line = thread.line_of(2999)
        assert line is not None and thread.scroll_offset.y <= line
        assert any("reader 2999" in thread.render_line(y).text for y in range(30))


async def test_lines_laid_out_below_the_screen_are_announced_once_at_the_end() -> None:
    app = ThreadApp()
    async with app.run_test(size=(80, 30)):
        thread = app.query_one(CommentThread)
        thread.set_comments(many(1500))
        first_lines = thread.virtual_size.height
        assert first_lines == thread._total_lines  # the first screenful: announced now
        for _ in range(200):
            if thread.laid_out:
                break
            await asyncio.sleep(0.01)
        assert thread.laid_out
        await asyncio.sleep(0.05)
        assert thread.virtual_size.height == thread._total_lines > first_lines


async def test_coming_back_to_a_thread_shows_it_as_it_is_now() -> None:
    app = ThreadApp()
    async with app.run_test(size=(80, 30)):
        thread = app.query_one(CommentThread)
        first = many(300)
        other = [Comment(9001, 2, None, "elsewhere", None, "another review")]
        thread.set_comments(first)
        lines = [thread.render_line(y).text for y in range(30)]
        thread.set_comments(other)
        assert "elsewhere" in thread.render_line(0).text
        thread.set_comments(list(first))
        assert [thread.render_line(y).text for y in range(30)] == lines
        edited = [Comment(1, 1, None, "reader 1", None, "words changed since"), *first[1:]]
        thread.set_comments(edited)
        assert any("words changed since" in thread.render_line(y).text for y in range(30))
