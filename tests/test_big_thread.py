"""A thread of thousands of comments is laid out a screenful first, the rest in steps."""

from __future__ import annotations

import asyncio

import pytest
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


async def test_a_slow_step_lays_out_fewer_comments_and_the_thread_still_ends_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step stops once its time is up (Markdown comments take ~10x plain ones):
    with no time at all each step lays out 15 comments, and every one is still laid out."""
    monkeypatch.setattr("tui.widgets.comment_thread.LATER_STEP_SECONDS", 0.0)
    steps: list[int] = []
    app = ThreadApp()
    async with app.run_test(size=(80, 30)):
        thread = app.query_one(CommentThread)
        extend = thread._extend

        def counted(upto: int, **kwargs: object) -> None:
            before = len(thread._blocks)
            extend(upto, **kwargs)  # type: ignore[arg-type]
            if "seconds" in kwargs:
                steps.append(len(thread._blocks) - before)

        monkeypatch.setattr(thread, "_extend", counted)
        marked = [
            Comment(c.id, 1, c.parent_id, c.author, None, f"*really* [{c.id}](https://x.example/)")
            for c in many(400)
        ]
        thread.set_comments(marked)
        for _ in range(500):
            if thread.laid_out:
                break
            await asyncio.sleep(0.01)
        assert thread.laid_out and len(thread._starts) == 400
        assert steps and max(steps) == 15 and len(steps) >= (400 - FIRST_CHUNK) // 15
        assert "really 400 (https://x.example/)" in "\n".join(
            "".join(text for text, _ in line) for line in thread._blocks[-1]
        )
