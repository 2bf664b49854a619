"""Pilot tests for searching, read marks, thread navigation, editing and the keyboard."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cpu_audit import over_budget
from pilot_helpers import (
    header_text,
    option_texts,
    ready,
    settle,
    sidebar_lines,
    step,
    thread_text,
    until,
)
from textual.containers import VerticalScroll
from textual.widgets import OptionList, TextArea

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.screens.composer import ReplyComposer
from tui.screens.confirm import ConfirmScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.screens.tags import TagPicker
from tui.store import Store
from tui.widgets.comment_thread import CommentThread
from tui.widgets.review_list import ReviewList

AppFactory = Callable[..., ReviewsApp]


def deep_reviews() -> list[ParsedReview]:
    """One review whose thread has two levels of replies and siblings."""

    def c(key: str, *replies: ParsedComment, author: str = "Reader") -> ParsedComment:
        return ParsedComment(author, None, f"comment {key}", source_id=key, replies=replies)

    thread = (
        c("a", c("a1", c("a1x")), c("a2")),
        c("b", author="Critic"),
        c("c", c("c1")),
    )
    return [
        ParsedReview(
            "Deep thread",
            "2020-01-01",
            "Body.",
            author="Critic",
            tags=("noir",),
            source_id="deep",
            comments=thread,
        ),
        ParsedReview("Zebra film", "2019-01-01", "Z.", tags=("comedy",), source_id="z"),
        ParsedReview("Apple film", "2018-01-01", "A.", tags=("noir",), source_id="a"),
    ]


@pytest.fixture
def deep_app(db_path: Path, config: Config) -> ReviewsApp:
    return ReviewsApp(db_path, config, seed=deep_reviews)


def bodies(thread: CommentThread) -> list[str]:
    return [row.comment.body for row in thread.rows]


@over_budget
async def test_search_the_palette_and_quoting_a_passage(make_app: AppFactory) -> None:
    """Checks that share one started app: each step starts where the last left the reader,
    and a failure names its step."""
    from textual.geometry import Offset
    from textual.selection import Selection

    from tui.widgets.reading_pane import ReadingPane

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)

        with step("the palette lists the reader's actions"):
            titles = [command.title for command in app.get_system_commands(screen)]
            for wanted in ("Reply (r)", "Search (^f)", "Sort (s)", "Help (?)"):
                assert wanted in titles, titles

        with step("search finds comments and opens them"):
            await pilot.press("j")  # away from the review that holds the hit
            await settle(pilot)
            await pilot.press("ctrl+f")
            await settle(pilot)
            assert isinstance(app.screen, SearchScreen)
            await pilot.press(*"agreed")
            await pilot.pause(0.3)
            await settle(pilot)
            hits = option_texts(app.screen.query_one("#hits", OptionList))
            assert len(hits) == 1 and "Her" in hits[0] and "Agreed." in hits[0]
            await pilot.press("enter")
            await settle(pilot, 0.1)
            assert "Her" in header_text(app)
            thread = app.screen.query_one(CommentThread)
            assert thread.has_focus
            assert thread.current is not None and thread.current.body == "Agreed."
            assert any(
                role == "match" for block in thread._blocks for line in block for _, role in line
            )
            await pilot.press("shift+tab", "shift+tab")  # back to the sidebar
            assert screen.query_one(ReviewList).has_focus

        with step("quote a passage selected in the review"):
            pane = screen.query_one(ReadingPane)
            row = next(i for i, line in enumerate(pane.lines) if "Theodore writes" in line)
            start = pane.lines[row].index("Theodore")
            screen.selections = {pane: Selection(Offset(start, row), Offset(start + 16, row))}
            await pilot.pause(0.05)
            assert screen.get_selected_text() == "Theodore writes "
            assert "Theodore" in pane.render_line(row - pane.scroll_offset.y).text
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert isinstance(app.screen, ReplyComposer)
            assert app.screen.query_one(TextArea).text.startswith("> Theodore writes")


@over_budget
async def test_sort_cycles_and_is_shown_and_remembered(deep_app: ReviewsApp, db_path: Path) -> None:
    async with deep_app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        assert sidebar.shown[0].title == "Deep thread"
        await pilot.press("s")  # latest activity
        await pilot.press("s")  # most comments
        assert sidebar.order == "comments"
        assert sidebar.shown[0].title == "Deep thread"
        await pilot.press("s")  # title
        assert [r.title for r in sidebar.shown] == ["Apple film", "Deep thread", "Zebra film"]
        assert "title" in str(screen.query_one("#sidebar").border_subtitle)
        await settle(pilot, 0.2)
    again = ReviewsApp(db_path, Config(author="tester"), seed=deep_reviews)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.query_one(ReviewList).order == "title"


@over_budget
async def test_tag_filter_then_the_thread_keys(deep_app: ReviewsApp) -> None:
    """Checks that share one started app: each step starts where the last left the reader
    (the sidebar focused, every review shown), and a failure names its step."""
    async with deep_app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)

        with step("the tag filter"):
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(deep_app.screen, TagPicker)
            tags = option_texts(deep_app.screen.query_one(OptionList))
            assert tags[0] == "All reviews" and "#noir  2" in tags[1]
            await pilot.press("down", "enter")
            await settle(pilot)
            assert [r.title for r in screen.query_one(ReviewList).shown] == [
                "Deep thread",
                "Apple film",
            ]
            await pilot.press("t", "home", "enter")
            await settle(pilot)
            assert len(screen.query_one(ReviewList).shown) == 3
            assert "Deep thread" in header_text(deep_app)

        with step("collapse, parent and sibling keys"):
            thread = screen.query_one(CommentThread)
            await pilot.press("tab", "tab")
            assert bodies(thread) == [
                "comment a",
                "comment a1",
                "comment a1x",
                "comment a2",
                "comment b",
                "comment c",
                "comment c1",
            ]
            await pilot.press("space")  # collapse a
            assert bodies(thread)[:2] == ["comment a", "comment b"]
            assert "3 replies hidden" in thread_text(deep_app)
            await pilot.press("space")  # expand a
            await pilot.press("j", "J")  # a1 -> its next sibling a2
            assert thread.current is not None and thread.current.body == "comment a2"
            await pilot.press("K")
            assert thread.current is not None and thread.current.body == "comment a1"
            await pilot.press("p")
            assert thread.current is not None and thread.current.body == "comment a"
            await pilot.press("minus")  # collapse all
            assert bodies(thread) == ["comment a", "comment b", "comment c"]
            await pilot.press("plus")
            assert len(bodies(thread)) == 7
            assert "author" in thread_text(deep_app)  # comment b is by the review's author


@over_budget
async def test_unread_marks_and_next_new_comment(deep_app: ReviewsApp, db_path: Path) -> None:
    async with deep_app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        assert sidebar_lines(deep_app)[0].startswith("● ")
        await pilot.press("tab")  # starting is not reading: the user does something
        # opened long enough (SEEN_AFTER) to count as seen
        await until(pilot, lambda: not sidebar.is_unread(screen.review_id or 0), "seen")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert sidebar.is_unread(screen.review_id or 0)
        await pilot.press("m")
        await settle(pilot)
    # Another process adds a comment: next time it is the one new comment.
    store = Store(db_path)
    store.import_reviews(
        [
            ParsedReview(
                "Deep thread",
                "2020-01-01",
                "Body.",
                author="Critic",
                tags=("noir",),
                source_id="deep",
                comments=(ParsedComment("Late", None, "a late comment", source_id="late"),),
            )
        ]
    )
    store.close()
    again = ReviewsApp(db_path, Config(author="tester"), seed=deep_reviews)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        thread = screen.query_one(CommentThread)
        await pilot.press("tab", "tab", "n")
        assert thread.current is not None and thread.current.body == "a late comment"
        assert "● Late" in thread_text(again)


@over_budget
async def test_edit_delete_and_undo_your_reply(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        thread = screen.query_one(CommentThread)
        await pilot.press("tab", "tab")
        await pilot.press("e")  # not yours: nothing opens
        assert not isinstance(app.screen, ReplyComposer)
        await pilot.press("r", *"draft one", "ctrl+s")
        await settle(pilot, 0.2)
        mine = thread.current
        assert mine is not None and mine.local
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        area = app.screen.query_one(TextArea)
        assert area.text == "draft one"
        area.text = "draft two"
        await pilot.press("ctrl+s")
        await settle(pilot, 0.2)
        assert thread.current is not None and thread.current.body == "draft two"
        assert "edited" in thread_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, 0.2)
        assert "draft two" not in thread_text(app)
        assert all(row.comment.id != mine.id for row in thread.rows)  # gone, not "[deleted]"
        store = Store(db_path)
        gone = store.comment(mine.id)
        store.close()
        assert gone.deleted is not None and gone.body == "draft two"  # a tombstone
        await pilot.press("u")  # undo the delete
        await settle(pilot, 0.2)
        assert "draft two" in thread_text(app)
        await pilot.press("u")  # undo the edit
        await settle(pilot, 0.2)
        assert "draft one" in thread_text(app)
        # The reply is as it was before the edit: never edited, no "· edited".
        assert "edited" not in thread_text(app)
        store = Store(db_path)
        restored = store.comment(mine.id)
        store.close()
        assert restored.body == "draft one" and restored.edited is None


@over_budget
async def test_quote_reply_and_external_editor(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n"
        "p.write_text(p.read_text() + 'from the editor')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "j")  # Bob's "Agreed."
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        area = app.screen.query_one(TextArea)
        assert area.text.startswith("> Agreed.")
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert area.text.endswith("from the editor")
        # the preview follows typing after a short pause
        await until(pilot, lambda: "from the editor" in thread_text_preview(app), "previewed")


def thread_text_preview(app: ReviewsApp) -> str:
    preview = app.screen.query_one("#preview", CommentThread)
    return "\n".join("".join(t for t, _ in line) for block in preview._blocks for line in block)


@over_budget
async def test_keymap_rebinds_and_reports_problems(db_path: Path) -> None:
    config = Config(
        author="tester",
        keymap={
            "reader.reply": "w",
            "no.such.binding": "x",
            "reader.sort": "m",
            "reader.tags": "T",
            "tags.find": "f",  # a dialog's key: the tag picker's find box
        },
    )
    from conftest import sample_reviews

    app = ReviewsApp(db_path, config, seed=sample_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any("no binding 'no.such.binding'" in m for m in messages)
        assert any("'m' would do all of" in m for m in messages)
        assert not any("tags.find" in m for m in messages)
        await pilot.press("T")  # the tag picker, rebound from t
        await settle(pilot)
        assert isinstance(app.screen, TagPicker)
        await pilot.press("f")
        assert app.screen.query_one("#tag-find").has_focus
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)


@over_budget
async def test_small_terminal_and_hidden_sidebar(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        assert screen.query_one(CommentThread).size.height >= 3
        await pilot.press("b")
        assert not screen.query_one("#sidebar").display
        await pilot.press("b", "right_square_bracket")
        assert screen.query_one("#sidebar").display
        assert screen.query_one("#sidebar").styles.width is not None


@over_budget
async def test_theme_is_remembered(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await pilot.pause(0.2)
        await settle(pilot)
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert again.theme == "nord"


async def test_no_color_is_honoured(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.no_color


@over_budget
async def test_help_shows_rebound_keys_and_pages_as_the_review_does(db_path: Path) -> None:
    from conftest import sample_reviews

    config = Config(author="tester", keymap={"reader.reply": "w", "comments.toggle": "z"})
    app = ReviewsApp(db_path, config, seed=sample_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("#help-keys").content)
        lines = {line.strip() for line in text.splitlines()}
        assert any(
            line.startswith("w ") and "Reply" in line and line.endswith("reader.reply")
            for line in lines
        ), lines
        assert any(line.startswith("z") and "Collapse" in line for line in lines), lines

        box = app.screen.query_one("#help", VerticalScroll)
        assert box.max_scroll_y > box.scrollable_content_region.height  # over two pages
        for keys, where in (
            (["G"], lambda: box.max_scroll_y),
            (["g"], lambda: 0),
            (["space"], lambda: box.scrollable_content_region.height),
            (["ctrl+u"], lambda: 0),
            (["end"], lambda: box.max_scroll_y),
            (["home"], lambda: 0),
        ):
            with step(f"{' '.join(keys)} in the help"):
                await pilot.press(*keys)
                await settle(pilot)
                assert box.scroll_y == where(), (box.scroll_y, box.max_scroll_y)
        with step("q closes the help"):
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)


@over_budget
async def test_read_marks_are_written_in_batches_and_at_quit(
    deep_app: ReviewsApp, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 0.1)
    async with deep_app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        before = db_path.read_bytes()
        await pilot.press("tab", "shift+tab")  # starting is not reading: a key first
        await pilot.pause(0.3)
        for _ in range(2):
            await pilot.press("j")
            await pilot.pause(0.3)  # each review counts as seen...
        assert not screen.query_one(ReviewList).is_unread(screen.review_id or 0)
        assert db_path.read_bytes() == before  # ...but nothing is written per review
        await pilot.press("q")
    store = Store(db_path)
    try:
        unread = store.unread_review_ids()
    finally:
        store.close()
    assert len(unread) == 0  # all three were seen, written at quit in one batch
