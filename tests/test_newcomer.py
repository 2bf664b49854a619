"""Pilot tests for what a newcomer trips over first (issue 16): sorting, read marks,
tags, accents, tabs, dialogs, the palette, quoting, undo and the empty states."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, settle, sidebar_lines, step, thread_text, until
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import OptionList, Static

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.screens.composer import ReplyComposer
from tui.screens.search import SearchScreen
from tui.screens.tags import TagPicker
from tui.store import Store
from tui.widgets.comment_thread import CommentThread
from tui.widgets.review_list import ReviewList


def films() -> list[ParsedReview]:
    """Reviews whose titles, tags and comments catch the newcomer's cases."""

    def review(
        title: str, date: str, tags: tuple[str, ...], *comments: ParsedComment
    ) -> ParsedReview:
        return ParsedReview(
            title, date, f"About {title}.", tags=tags, source_id=title, comments=comments
        )

    return [
        review("Amélie", "2001-04-25", ("Drama",)),
        review(
            "Past Lives",
            "2024-01-10",
            ("drama",),
            ParsedComment("Ann", "2024-01-11", "col1\tcol2\tcol3", source_id="tabs"),
        ),
        review("Portrait of a Lady on Fire", "2020-03-06", ("drama", "romance")),
        review("Zodiac", "2007-03-02", ("thriller",)),
    ]


AppFactory = Callable[[], ReviewsApp]


@pytest.fixture
def films_app(db_path: Path) -> AppFactory:
    def build() -> ReviewsApp:
        return ReviewsApp(db_path, Config(author="tester"), seed=films)

    return build


def titles(app: ReviewsApp) -> list[str]:
    return [line.splitlines()[0][2:] for line in sidebar_lines(app)]


@over_budget
async def test_sort_back_to_newest_really_is_newest(films_app: AppFactory) -> None:
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        newest = ["Past Lives", "Portrait of a Lady on Fire", "Zodiac", "Amélie"]
        assert titles(app) == newest
        await pilot.press("s", "s", "s")  # activity, comments, title
        assert titles(app)[0] == "Amélie"
        await pilot.press("s")
        assert app.screen.query_one("#sidebar").border_subtitle == "newest"
        assert titles(app) == newest
        # Left on "title" (the same session, not a second start just for it).
        await pilot.press("s", "s", "s")
        await settle(pilot)
    # Remembered as "title", then "s" once: newest again.
    third = films_app()
    async with third.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert titles(third)[0] == "Amélie"
        await pilot.press("s")
        assert titles(third) == newest


@over_budget
async def test_marking_unread_stays_unread(
    films_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 0.2)
    monkeypatch.setattr("tui.screens.reader.REFRESH_SECONDS", 0.3)
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        review_id = screen.review_id or 0
        await pilot.press("j", "k")
        await until(pilot, lambda: not sidebar.is_unread(review_id), "read after SEEN_AFTER")
        await pilot.press("m")
        await settle(pilot)
        assert sidebar.is_unread(review_id)
        # Longer than the refresh and the read delay together: our own write comes
        # back from the file, and the review must stay unread.
        await pilot.pause(1.5)
        await settle(pilot)
        assert sidebar.is_unread(review_id)
        assert sidebar_lines(app)[0].startswith("● ")
    store = Store(db_path)
    try:
        assert review_id in store.unread_review_ids()
    finally:
        store.close()


@over_budget
async def test_starting_the_reader_does_not_mark_the_first_review_read(
    films_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 0.1)
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        await pilot.pause(0.5)
        assert sidebar.is_unread(screen.review_id or 0)
        await pilot.press("tab")  # the user is here now: a moment later it is read
        await until(pilot, lambda: not sidebar.is_unread(screen.review_id or 0), "read")


@over_budget
async def test_a_look_around_the_films(films_app: AppFactory) -> None:
    """Checks that share one started app: each step starts where the last left the reader
    (the first review, Past Lives, shown), and a failure names its step."""
    app = films_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        thread = screen.query_one(CommentThread)

        with step("tabs in a comment are expanded"):
            text = thread_text(app)
            assert "\t" not in text
            assert "col1    col2    col3" in text
            assert all("\t" not in thread.render_line(y).text for y in range(thread.size.height))

        with step("the ids the command line takes are shown"):
            pane = screen.query_one("#reading")
            assert pane.border_subtitle == f"review {screen.review_id}"
            await pilot.press("tab", "tab")
            assert thread.current is not None
            assert thread.border_subtitle == f"comment {thread.current.id}"
            await pilot.press("shift+tab", "shift+tab")
            assert sidebar.has_focus

        with step("copy, zoom and paging keys"):
            await pilot.press("tab", "tab")  # the comments: Ann's tabbed comment
            await pilot.press("y")
            assert copied == ["col1\tcol2\tcol3"]
            await pilot.press("shift+tab", "y")  # the reading pane: the review's text
            assert copied[-1] == "About Past Lives."
            pane = screen.focused
            assert pane is not None and pane.id == "reading"
            await pilot.press("z")
            await settle(pilot)
            assert screen.maximized is pane
            assert pane.region.width == 120  # the whole screen
            await pilot.press("escape")
            await settle(pilot)
            assert screen.maximized is None
            await pilot.press("z", "z")
            assert screen.maximized is None
            # The comments, fitted to a short thread, still fill the screen when zoomed.
            small = thread.region.height
            await pilot.press("tab", "z")
            await settle(pilot)
            assert screen.maximized is thread and thread.region.height > 30
            await pilot.press("z")
            await settle(pilot)
            assert screen.maximized is None and thread.region.height == small
            await pilot.press("shift+tab")
            # The sidebar takes ctrl+d / ctrl+u and g / G like the other panes.
            await pilot.press("shift+tab")
            await pilot.press("G")
            assert sidebar.highlighted == 3
            await pilot.press("g")
            assert sidebar.highlighted == 0
            await pilot.press("ctrl+d")
            assert sidebar.highlighted == 3
            await pilot.press("ctrl+u")
            assert sidebar.highlighted == 0

        with step("tags ignore case"):
            await pilot.press("t")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, TagPicker)
            options = picker.query_one(OptionList)
            count = options.option_count
            prompts = [str(options.get_option_at_index(i).prompt) for i in range(count)]
            assert prompts[1] == "#drama  3"
            assert not any("Drama" in p for p in prompts)
            await pilot.press("down", "enter")
            await settle(pilot)
            assert sorted(titles(app)) == ["Amélie", "Past Lives", "Portrait of a Lady on Fire"]
            await pilot.press("t", "home", "enter")  # all reviews again
            await settle(pilot)
            assert len(titles(app)) == 4

        with step("the filter ignores accents and word order"):
            await pilot.press("slash", *"amel")
            assert titles(app) == ["Amélie"]
            await pilot.press(*"ie")
            assert titles(app) == ["Amélie"]
            await pilot.press("escape", "slash", *"lady fire")
            assert titles(app) == ["Portrait of a Lady on Fire"]
            await pilot.press("escape", "slash", *"AMÉL")
            assert titles(app) == ["Amélie"]
            await pilot.press("escape")
            await settle(pilot)
            assert len(titles(app)) == 4

        with step("j and k move in dialogs"):
            await pilot.press("t")
            await settle(pilot)
            tags = app.screen.query_one("#tag-list", OptionList)
            assert tags.highlighted == 0
            await pilot.press("j", "j")
            assert tags.highlighted == 2
            await pilot.press("k")
            assert tags.highlighted == 1
            await pilot.press("G")
            assert tags.highlighted == tags.option_count - 1
            await pilot.press("escape", "ctrl+f", *"about")
            await pilot.pause(0.4)
            await settle(pilot)
            await pilot.press("down")  # into the hits
            hits = app.screen.query_one("#hits", OptionList)
            assert hits.has_focus and hits.highlighted == 0
            await pilot.press("j")
            assert hits.highlighted == 1
            await pilot.press("k")
            assert hits.highlighted == 0
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen

        with step("a filter that matches nothing offers no reply"):
            await pilot.press("slash", *"nothing like this")
            await settle(pilot)
            lines = [line.strip() for line in visible_lines(app)]
            assert "Press r" not in " ".join(lines)
            assert "No review is shown, so there are no comments." in lines
            # Fitted to that line (with a line around it), with nothing left to scroll.
            thread = app.screen.query_one(CommentThread)
            await until(pilot, lambda: thread.size.height == 3, "the comments panel fitted")
            assert thread.max_scroll_y == 0 and not thread.show_vertical_scrollbar
            await pilot.press("enter", "r")
            await settle(pilot)
            assert app.screen is not None and app.screen.id != "composer"
            assert type(app.screen).__name__ == "ReaderScreen"


@over_budget
async def test_search_ignores_accents(films_app: AppFactory) -> None:
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+f", *"amelie")
        await pilot.pause(0.4)  # the search runs once typing pauses; hits of "ameli" first
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        hits = screen.query_one("#hits", OptionList)
        assert hits.option_count == 2  # the title and the body
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ReviewList).current_id is not None
        assert titles(app)[app.screen.query_one(ReviewList).highlighted or 0] == "Amélie"


def visible_lines(app: ReviewsApp) -> list[str]:
    thread = app.screen.query_one(CommentThread)
    return [thread.render_line(y).text for y in range(thread.size.height)]


@over_budget
async def test_quote_reply_fresh_escape_and_a_new_selection(
    make_app: Callable[[], ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("tab", "tab", "j")  # Bob's "Agreed."
        await pilot.press("greater_than_sign")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        assert composer.text.startswith("> Agreed.")
        status = composer.query_one("#composer-status", Static)
        assert "draft is back" not in str(status.render())
        await pilot.press("escape")  # nothing typed: the bare quote is not a draft
        await settle(pilot, 0.2)
        assert app.drafts.get("comment:2") is None
        # Select words of a comment with the mouse, then quote them.
        thread = app.screen.query_one(CommentThread)
        line = next(y for y in range(thread.size.height) if "Keep up" in visible_lines(app)[y])
        column = visible_lines(app)[line].index("Keep up")
        left, top = (
            thread.content_region.x - thread.region.x,
            thread.content_region.y - thread.region.y,
        )
        await pilot.mouse_down(thread, offset=(left + column, top + line))
        await pilot.hover(thread, offset=(left + column + 6, top + line))
        await pilot.mouse_up(thread, offset=(left + column + 6, top + line))
        await settle(pilot)
        assert app.screen.get_selected_text() == "Keep up"
        await pilot.press("greater_than_sign")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer)
        assert composer.text.startswith("> Keep up")


@over_budget
async def test_the_palette_has_every_keyed_action_whatever_has_focus(
    db_path: Path,
) -> None:
    from test_reading_pro import deep_reviews

    app = ReviewsApp(db_path, Config(author="tester"), seed=deep_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        for focus in ("sidebar", "comments"):
            if focus == "comments":
                await pilot.press("tab", "tab")
                assert screen.query_one(CommentThread).has_focus
            commands = {c.title: c for c in app.get_system_commands(screen)}
            for wanted in (
                "Comments: Fold (space)",
                "Comments: Collapse all (-)",
                "Comments: Expand all (+)",
                "Comments: Parent (p)",
                "Comments: Next sibling (J)",
                "Comments: Prev sibling (K)",
                "Comments: New (n)",
                "Comments: Prev new (N)",
                "Undo (u)",
                "Sort (s)",
            ):
                assert wanted in commands, (focus, sorted(commands))
        # Run from the palette with the sidebar focused: the comments take focus and act.
        await pilot.press("shift+tab", "shift+tab")
        thread = screen.query_one(CommentThread)
        assert not thread.has_focus
        commands = {c.title: c for c in app.get_system_commands(screen)}
        await commands["Comments: Collapse all (-)"].callback()
        await settle(pilot)
        assert thread.has_focus
        assert [row.comment.body for row in thread.rows] == ["comment a", "comment b", "comment c"]
        await commands["Undo (u)"].callback()
        await settle(pilot)
        assert any("Nothing to undo" in n.message for n in app._notifications)


async def test_a_first_key_that_moves_on_never_marks_the_review_it_leaves(
    films_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The start-up review's timer re-arms until the user is active. A first key that
    # moves on makes the user active a moment before the cursor leaves: when the timer
    # fires in that moment, the review being left must stay unread (it made
    # test_next_unread_review_and_mark_all_read fail under load).
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 0.1)
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        first = screen.review_id
        assert first is not None
        await pilot.pause(0.3)  # the timer has fired and re-armed, the user still idle
        app.user_active, app.active_since = True, time.monotonic()  # the key's first step
        screen._mark_seen(first, [])  # ...and the timer firing before the cursor moves
        assert sidebar.is_unread(first)
        await until(pilot, lambda: not sidebar.is_unread(first), "read a moment later")


@over_budget
async def test_next_unread_review_and_mark_all_read(
    films_app: AppFactory, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing is read by lingering here (a loaded machine can take longer than any short
    # pause between two keys): Zodiac is marked read with `m`, the rest stay unread.
    monkeypatch.setattr("tui.screens.reader.SEEN_AFTER", 600.0)
    app = films_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        sidebar = screen.query_one(ReviewList)
        await pilot.press("j", "j")  # Zodiac; Past Lives and Portrait stay unread (passed)
        assert sidebar.is_unread(screen.review_id or 0)
        await pilot.press("m")
        await until(pilot, lambda: not sidebar.is_unread(screen.review_id or 0), "read")
        await settle(pilot)
        assert sidebar.is_unread(sidebar.shown[0].id) and sidebar.is_unread(sidebar.shown[1].id)
        await pilot.press("n")  # the next unread below: Amélie
        assert titles(app)[sidebar.highlighted or 0] == "Amélie"
        await pilot.press("n")  # wraps to the top
        assert sidebar.highlighted == 0
        was_unread = {r.id for r in sidebar.shown if sidebar.is_unread(r.id)}
        assert len(was_unread) >= 3  # Past Lives, Portrait, Amélie at least
        past_lives = next(r for r in sidebar.shown if r.title == "Past Lives")
        seen_before = app.store.read_state(past_lives.id).seen
        await pilot.press("A")
        said = f"Marked {len(was_unread)} reviews read. Press u to undo."
        await until(pilot, lambda: any(n.message == said for n in app._notifications), said)
        await settle(pilot)
        assert not any(sidebar.is_unread(r.id) for r in sidebar.shown)
        assert not app.store.unread_review_ids() & was_unread  # (a read mark may wait)
        comment_ids = {c.id for c in app.store.comments(past_lives.id)}
        assert comment_ids and comment_ids <= app.store.read_state(past_lives.id).seen
        await pilot.press("n")
        await settle(pilot)
        assert any("No unread reviews" in n.message for n in app._notifications)
        # One key by mistake marked them all: u puts back exactly what was unread.
        await pilot.press("u")
        said = f"Mark all read undone: {len(was_unread)} reviews unread again."
        await until(pilot, lambda: any(n.message == said for n in app._notifications), said)
        assert {r.id for r in sidebar.shown if sidebar.is_unread(r.id)} == was_unread
    store = Store(db_path)
    try:
        assert store.unread_review_ids() == was_unread  # on disk too
        assert store.read_state(past_lives.id).seen == seen_before
    finally:
        store.close()


@over_budget
async def test_the_reading_pane_pages_and_jumps(db_path: Path) -> None:
    def long_review() -> list[ParsedReview]:
        body = "\n\n".join(f"Paragraph {i}." for i in range(200))
        return [ParsedReview("Long", "2020-01-01", body, source_id="long")]

    app = ReviewsApp(db_path, Config(author="tester"), seed=long_review)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("enter")
        pane = screen.query_one("#reading")
        assert pane.has_focus and pane.scroll_y == 0
        await pilot.press("ctrl+d")
        half = pane.scroll_y
        assert half > 0
        await pilot.press("ctrl+d")
        assert pane.scroll_y == 2 * half
        await pilot.press("ctrl+u")
        assert pane.scroll_y == half
        await pilot.press("G")
        assert pane.scroll_y == pane.max_scroll_y > 2 * half
        await pilot.press("g")
        assert pane.scroll_y == 0


def evening_reviews() -> list[ParsedReview]:
    """A review with a time of day and a dozen comments, and one with none."""
    comments = tuple(
        ParsedComment("Reader", "2024-03-12", f"comment {i}", source_id=f"c{i}") for i in range(12)
    )
    return [
        ParsedReview(
            "Evening", "2024-03-11T19:30:00+00:00", "Body.", source_id="e", comments=comments
        ),
        ParsedReview("Quiet", "2020-01-01", "Nobody wrote.", source_id="q"),
    ]


@over_budget
async def test_the_composer_in_a_short_pane_keeps_its_editor_on_screen(
    make_app: Callable[..., ReviewsApp], db_path: Path
) -> None:
    """At 12 rows the editor was pushed off the screen under the quote (you typed blind):
    a short composer drops its preview, quotes one line and gives the editor the rest."""
    from textual.widgets import TextArea

    app = make_app()
    async with app.run_test(size=(100, 12)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ReplyComposer) and composer.has_class("-short")
        editor = composer.query_one(TextArea)
        assert editor.region.height >= 4 and editor.region.bottom <= 12
        assert not composer.query_one("#preview").display
        await pilot.press(*"Short but sweet.", "ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ReplyComposer), "saved")
        await pilot.resize_terminal(100, 30)
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.has_class("-tall") and app.screen.query_one("#preview").display
    store = Store(db_path)
    assert any(c.body == "Short but sweet." for c in store.comments(1) if c.local)
    store.close()


@over_budget
async def test_80x24_keeps_help_quit_counts_and_room_to_read(db_path: Path) -> None:
    app = ReviewsApp(db_path, Config(author="tester"), seed=evening_reviews)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        # The whole count shows in the narrow sidebar (the time goes first).
        sidebar = screen.query_one(ReviewList)
        assert sidebar.render_line(1).text.strip() == "2024-03-11 · 12 comments"
        await pilot.press("tab", "tab")
        await settle(pilot)
        bar_keys(screen)
        reading, comments = screen.query_one("#reading"), screen.query_one("#comments")
        assert comments.region.height == reading.region.height  # a long thread: half
        await pilot.press("shift+tab", "shift+tab", "j")  # the review with no comments
        # the panel is fitted once the user stops on a review: its border and why
        await until(pilot, lambda: comments.region.height == 5, "fitted to 5 lines")
        assert reading.region.height == 22 - 5


@over_budget
async def test_a_blogger_picture_in_a_link_shows_as_an_image(db_path: Path) -> None:
    from tui.importers import load_path

    samples = Path(__file__).parent.parent / "data" / "samples" / "blogger-export.xml"
    parsed = load_path(samples)
    her = next(r for r in parsed if r.title.startswith("Her"))
    assert "![Poster: Theodore in a red shirt](https://" in her.body
    assert "[![" not in her.body  # not a link around the picture

    app = ReviewsApp(db_path, Config(author="tester"), seed=lambda: [her])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        from tui.widgets.reading_pane import ReadingPane

        shown = "\n".join(screen.query_one(ReadingPane).lines)
        assert "[image: Poster: Theodore in a red shirt]" in shown
        assert "her-poster.jpg" not in shown


@over_budget
async def test_80x24_keeps_help_and_quit_on_your_own_reply(
    make_app: Callable[[], ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("tab", "tab", "r", *"mine", "ctrl+s")
        await settle(pilot, 0.2)
        thread = screen.query_one(CommentThread)
        assert thread.has_focus and thread.current is not None and thread.current.local
        keys = bar_keys(screen)
        assert "Edit" in keys and "Delete" in keys


def bar_keys(screen: Screen[None]) -> dict[str, Region]:
    """The key bar's keys by name; ? Help and q Quit must be whole within 80 columns."""
    from textual.widgets._footer import FooterKey

    keys = {key.description: key.region for key in screen.query(FooterKey)}
    for wanted in ("Help", "Quit"):
        assert wanted in keys and keys[wanted].right <= 80, keys
    return keys
