"""Pilot tests: the real app, driven with keys, checked on screen and on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cpu_audit import over_budget
from pilot_helpers import (
    body_source,
    header_text,
    ready,
    settle,
    sidebar_lines,
    step,
    thread_text,
    until,
    visible_thread_lines,
)
from textual.widgets import Static, TextArea

from tui.app import ReviewsApp
from tui.screens.composer import ReplyComposer
from tui.screens.help import HelpScreen
from tui.store import Store
from tui.widgets.comment_thread import CommentThread
from tui.widgets.filter_box import FilterBox
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

AppFactory = Callable[..., ReviewsApp]


def stored_comments(db_path: Path, review_id: int) -> list[tuple[int | None, str, bool]]:
    store = Store(db_path)
    try:
        return [(c.parent_id, c.body, c.local) for c in store.comments(review_id)]
    finally:
        store.close()


@over_budget
async def test_a_first_look_around(make_app: AppFactory) -> None:
    """Checks that share one started app: each step starts where the last left the reader
    (the sidebar focused on the newest review), and a failure names its step."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)

        with step("starts on the newest review with its comments"):
            lines = sidebar_lines(app)
            assert len(lines) == 2
            assert "Her" in lines[0] and "2014-03-06" in lines[0] and "3 comments" in lines[0]
            assert "Older film" in lines[1]
            assert screen.query_one(ReviewList).highlighted == 0
            header = header_text(app)
            assert "Her" in header and "2014-03-06" in header and "Spike Jonze" in header
            assert "Theodore writes letters" in body_source(app)
            text = thread_text(app)
            assert "Great review!" in text and "Agreed." in text and "Bob" in text

        with step("tab moves between panes and enter opens"):
            assert isinstance(screen.focused, ReviewList)
            await pilot.press("enter")
            assert isinstance(screen.focused, ReadingPane)
            await pilot.press("tab")
            assert isinstance(screen.focused, CommentThread)
            await pilot.press("shift+tab")
            assert isinstance(screen.focused, ReadingPane)
            await pilot.press("shift+tab")
            assert isinstance(screen.focused, ReviewList)

        with step("moving in the sidebar shows that review"):
            await pilot.press("j")
            await settle(pilot)
            assert "Older film" in header_text(app)
            assert "An older review." in body_source(app)
            assert "No comments yet" in "\n".join(visible_thread_lines(app))
            await pilot.press("k")
            await settle(pilot)
            assert "Her" in header_text(app)

        with step("markup in comments is shown literally"):
            await pilot.press("tab", "tab")
            shown = "\n".join(visible_thread_lines(app))
            assert "[bold]not bold[/] [@click=app.quit]quit[/]" in shown
            assert "[/ machines" in body_source(app)
            await pilot.click(CommentThread, offset=(20, 2))
            await settle(pilot)
            assert app.is_running
            await pilot.press("shift+tab", "shift+tab")
            assert isinstance(screen.focused, ReviewList)

        with step("the filter narrows the sidebar as you type"):
            await pilot.press("slash", *"old")
            await settle(pilot)
            lines = sidebar_lines(app)
            assert len(lines) == 1 and "Older film" in lines[0]
            # shown once the typing pauses (TYPING_PAUSE)
            await until(pilot, lambda: "Older film" in header_text(app), "showing Older film")
            await pilot.press("escape")
            await settle(pilot)
            assert len(sidebar_lines(app)) == 2

        with step("help lists the keys by pane"):
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-keys").content)
            for fragment in ("Sidebar", "Comments", "Reply", "Filter", "Quit", "Collapse/expand"):
                assert fragment in text
            # The ids a keymap uses, and the composer's keys.
            for fragment in ("reader.reply", "comments.toggle", "Reply composer", "composer.save"):
                assert fragment in text
            assert "Tag picker" in text and "tags.find" in text
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)


@over_budget
async def test_reply_to_the_review_is_saved_and_shown(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        assert composer.target.parent_id is None
        # The review quoted as its words read, not as its Markdown source.
        quote = str(composer.query_one("#composer-quote", Static).render())
        assert quote == "> Theodore writes letters for others. A film about love and [/ machines."
        await pilot.press(*"A fine review.")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.2)
        assert not isinstance(app.screen, ReplyComposer)
        thread = app.screen.query_one(CommentThread)
        assert thread.current is not None and thread.current.body == "A fine review."
        assert thread.has_focus
        assert "A fine review." in thread_text(app)
    assert (None, "A fine review.", True) in stored_comments(db_path, 1)


@over_budget
async def test_reply_to_a_comment_threads_under_it(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "j")  # comments panel, second comment (Bob's)
        thread = app.screen.query_one(CommentThread)
        assert thread.current is not None and thread.current.author == "Bob"
        bob = thread.current.id
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.target.parent_id == bob
        await pilot.press(*"Me too, Bob.")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.2)
        row = next(r for r in thread.rows if r.comment.body == "Me too, Bob.")
        assert row.depth == 2 and row.comment.parent_id == bob
        assert thread.current is not None and thread.current.body == "Me too, Bob."
    assert (bob, "Me too, Bob.", True) in stored_comments(db_path, 1)


@over_budget
async def test_replies_survive_a_restart(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", *"first reply", "ctrl+s")
        await settle(pilot, 0.2)
        await pilot.press("r", *"second reply", "ctrl+s")
        await settle(pilot, 0.2)
        await pilot.press("q")
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        text = thread_text(again)
        assert "first reply" in text and "second reply" in text
        assert text.count("you") >= 2


@over_budget
async def test_an_empty_reply_is_refused(make_app: AppFactory, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("space", "space", "enter", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        assert "empty reply was not saved" in str(app.screen.query_one("#composer-status").content)
    assert all(not local for _p, _b, local in stored_comments(db_path, 1))


@over_budget
async def test_escape_keeps_a_draft_offered_back_next_time(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", *"half a thought")
        await pilot.press("escape")
        await settle(pilot, 0.2)
        assert not isinstance(app.screen, ReplyComposer)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplyComposer)
        assert app.screen.query_one(TextArea).text == "half a thought"


async def test_keys_arriving_with_quit_open_nothing(make_app: AppFactory) -> None:
    """A burst like "q" then "t" (typed fast, or pasted) quits cleanly."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        for key in ("q", "t", "slash", "r", "question_mark"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert app._exception is None


async def test_a_corrupt_database_stops_the_app_with_a_way_out(tmp_path: Path) -> None:
    broken = tmp_path / "reviews.json"
    broken.write_bytes(b'{"reviews": {"1": {"title": "cut o')
    app = ReviewsApp(broken)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if app.startup_error:
                break
    assert app.return_code == 1
    assert app.startup_error is not None
    assert str(broken) in app.startup_error and "reviews restore" in app.startup_error
    assert broken.read_bytes() == b'{"reviews": {"1": {"title": "cut o'
    assert list(tmp_path.glob("reviews.json.corrupt-*"))


@over_budget
async def test_the_sidebars_cursor_keys_apply_only_while_it_has_the_focus(
    make_app: AppFactory,
) -> None:
    """j and k are the sidebar's priority bindings (found as the key arrives): typed in
    the filter box they are text, in the thread they move the comment cursor."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        assert isinstance(screen.focused, ReviewList) and sidebar.highlighted == 0
        await pilot.press("j")
        await settle(pilot)
        assert sidebar.highlighted == 1
        await pilot.press("k")
        await settle(pilot)
        assert sidebar.highlighted == 0

        await pilot.press("slash", "j", "k")
        await settle(pilot)
        box = screen.query_one(FilterBox)
        assert box.has_focus and box.value == "jk"
        assert sidebar.highlighted in (0, None)  # no title holds "jk": nothing to move to
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("tab", "tab")
        await settle(pilot)
        thread = screen.query_one(CommentThread)
        assert thread.has_focus and thread.cursor == 0
        await pilot.press("j")
        await settle(pilot)
        assert thread.cursor == 1
        assert sidebar.highlighted == 0
