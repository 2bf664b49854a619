"""An empty comments panel says why in full, however narrow it is."""

from __future__ import annotations

from test_big_thread import ThreadApp

from tui.widgets.comment_thread import CommentThread

WHY = "No comments yet. Press r to write the first."


async def test_the_empty_message_wraps_instead_of_losing_its_end() -> None:
    app = ThreadApp()
    async with app.run_test(size=(60, 10)) as pilot:
        thread = app.query_one(CommentThread)
        thread.styles.width, thread.styles.height = 30, 8
        thread.empty_text = WHY
        thread.set_comments([])
        await pilot.pause()
        rows = [thread.render_line(y).text.rstrip() for y in range(5)]
        shown = [row.strip() for row in rows if row.strip()]
        assert " ".join(shown) == WHY
        assert len(shown) == 2 and rows[0] == ""  # a line above, as at full width
        assert thread.lines_needed(40) == 4  # the panel is fitted to the two lines
        thread.styles.width = 80
        await pilot.pause()
        assert thread.render_line(1).text.strip() == WHY
        assert thread.lines_needed(40) == 3
