"""The reader and the outbox (pilot tests): ctrl+s sends to the real WordPress, the thread
shows each reply's state, e / d / u reach the blog, and the composer says before you type
when a reply stays local."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pilot_helpers import option_texts, ready, settle, thread_text, until
from screen_output import terminal_output
from test_auto_sync import said_by
from test_outbox_wordpress import WRONG, blog_comments, followed, log_in, raw, review_of
from test_sync_ui import _open_sources
from textual.widgets import Input, Static

from tui.app import ReviewsApp
from tui.config import Config
from tui.screens.composer import ReplyComposer
from tui.screens.inbox import InboxScreen
from tui.screens.login import LoginScreen
from tui.screens.reader import ReaderScreen
from tui.sources import schedule
from tui.store import SourceUpdate, Store
from tui.store.outbox import OPEN

if TYPE_CHECKING:
    from collections.abc import Callable

    from wp_fixture import WordPressSite

pytest_plugins = ["wp_fixture"]


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets go to the 0600 file in the test's own config directory."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def composer_note(app: ReviewsApp) -> str:
    screen = app.screen
    assert isinstance(screen, ReplyComposer)
    return str(screen.query_one("#composer-status", Static).render())


def inbox_texts(app: ReviewsApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return option_texts(screen.query_one("#listing-list"))  # type: ignore[arg-type]


def login_status(app: ReviewsApp) -> str:
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    return str(screen.query_one("#asking-status", Static).render())


def left(app: ReviewsApp, op: str, count: int = 1) -> bool:
    """``count`` outbox entries for ``op`` are out of the open states (sent, failed) and
    nothing else waits: the reader's send for the last key has ended."""
    entries = app.store.outbox()
    done = sum(e.op == op and e.state not in OPEN for e in entries)
    return done >= count and not any(e.state in OPEN for e in entries)


async def sent(pilot: object, app: ReviewsApp, op: str, count: int = 1) -> None:
    """Wait until the reader has sent ``count`` ``op`` entries, then for the thread to show
    it (the send's reload in place)."""
    await until(pilot, lambda: left(app, op, count), f"{count} {op} out of the outbox")  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]


async def open_review(pilot: object, screen: ReaderScreen, review_id: int) -> None:
    screen.go_to(review_id, None)
    await settle(pilot)  # type: ignore[arg-type]


@pytest.mark.wordpress
async def test_ctrl_s_sends_the_reply_and_e_d_u_follow_it_to_the_blog(
    wordpress: WordPressSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, source = followed(tmp_path, wordpress)
    log_in(store, source, monkeypatch, wordpress.user, wordpress.app_password)
    review = review_of(store, "Review 1:")
    closed = review_of(store, "Review 3:")
    store.close()
    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await open_review(pilot, screen, review)
        await pilot.press("r")
        await settle(pilot)
        assert "sends it to the blog" in composer_note(app)
        await pilot.press(*"Typed in the reader.", "ctrl+s")
        await sent(pilot, app, "reply")
        assert isinstance(app.screen, ReaderScreen)
        texts: Callable[[], Counter[str]] = lambda: Counter(  # noqa: E731
            raw(c) for c in blog_comments(wordpress)
        )
        assert texts()["Typed in the reader."] == 1
        assert "Typed in the reader." in thread_text(app)
        assert " · sent" in thread_text(app)
        # Under the name the blog shows it under (from the login), not the config's.
        (blog,) = app.store.sources()
        (mine,) = [c for c in app.store.comments(review) if c.local]
        assert blog.name and mine.author == blog.name != "tester"
        assert f"{blog.name}  you" in thread_text(app)

        # the cursor rests on the reply: edit it, delete it, undo the delete
        await pilot.press("e", "end", *" Edited.", "ctrl+s")
        await sent(pilot, app, "edit")
        assert texts()["Typed in the reader. Edited."] == 1
        await pilot.press("d", "y")
        await sent(pilot, app, "delete")
        trashed = [c for c in blog_comments(wordpress) if raw(c).startswith("Typed in")]
        assert [c["status"] for c in trashed] == ["trash"]
        await pilot.press("u")
        await sent(pilot, app, "undelete")
        back = [c for c in blog_comments(wordpress) if raw(c).startswith("Typed in")]
        assert [c["status"] for c in back] == ["approved"]

        # closed comments: the blog's message in the thread, the reply kept
        await open_review(pilot, screen, closed)
        await pilot.press("r", *"Too late.", "ctrl+s")
        await sent(pilot, app, "reply", 2)
        shown = thread_text(app)
        assert "Too late." in shown and "failed: " in shown and "closed" in shown.lower()
        assert texts()["Too late."] == 0


async def test_the_composer_says_a_reply_to_a_review_that_takes_none_stays_local(
    make_app: Callable[[], ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "accepts no replies" in composer_note(app)
        await pilot.press(*"Only here.", "ctrl+s")
        await until(pilot, lambda: "Only here." in thread_text(app), "showing the reply")
        await settle(pilot)
        assert "Only here." in thread_text(app) and " · sent" not in thread_text(app)
        assert app.store.outbox() == []


@pytest.mark.wordpress
async def test_a_reply_saved_while_the_blog_is_down_is_sent_by_a_look_with_no_key(
    wordpress: WordPressSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader looks about once a minute (here every 0.2 s) and sends what waits, once,
    without pulling the blogs that are not due (``sync_every`` an hour here)."""
    monkeypatch.setattr(schedule, "LOOK_EVERY", 0.2)
    monkeypatch.setattr(schedule, "FIRST_LOOK", 0.2)
    store, source = followed(tmp_path, wordpress)
    log_in(store, source, monkeypatch, wordpress.user, wordpress.app_password)
    review = review_of(store, "Review 1:")
    api = source.state["api"]
    dead = {**store.sources()[0].state, "api": "http://127.0.0.1:9/index.php?rest_route=/"}
    store.apply_sync([], [SourceUpdate(source.id, {"state": dead})])
    synced = store.sources()[0].last_sync
    store.close()
    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester", sync_every=3600.0))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await open_review(pilot, screen, review)
        await pilot.press("r", *"Sent when the network is back.", "ctrl+s")
        await until(pilot, lambda: " · queued" in thread_text(app), "the reply queued")
        tries = app.store.outbox()[0].tries
        await until(pilot, lambda: app.store.outbox()[0].tries > tries, "a look's try")

        back = {**app.store.sources()[0].state, "api": api}  # the network is back
        app.store.apply_sync([], [SourceUpdate(source.id, {"state": back})])
        await sent(pilot, app, "reply")
        await until(pilot, lambda: " · sent" in thread_text(app), "the thread saying so")
        assert app.store.sources()[0].last_sync == synced  # sent, not pulled
    texts = [raw(c) for c in blog_comments(wordpress)]
    assert texts.count("Sent when the network is back.") == 1


@pytest.mark.wordpress
async def test_log_in_and_out_of_a_blog_from_the_sources_screen(
    wordpress: WordPressSite, tmp_path: Path
) -> None:
    """S, l: the user and the application password, checked by the blog; a wrong one is
    said in the dialog and nothing kept; the password is never on screen, in the
    database or in the log; l again logs out, after asking."""
    store, _source = followed(tmp_path, wordpress)
    store.close()
    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester"))
    said = said_by(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        screen, listing = await _open_sources(pilot, app)
        await until(pilot, lambda: "not logged in" in option_texts(listing)[0], "the list")
        assert "l logs in" in option_texts(listing)[0]
        assert screen.active_bindings["l"].binding.description == "Log in"

        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login dialog")
        dialog = app.screen
        await pilot.press(*wordpress.user, "enter")  # on to the password
        assert dialog.query_one("#login-password", Input).has_focus
        await pilot.press(*WRONG, "enter")
        await until(pilot, lambda: "Not logged in" in login_status(app), "the refusal")
        assert WRONG not in terminal_output(app)
        assert isinstance(app.screen, LoginScreen) and app.store.sources()[0].user == ""
        dialog.query_one("#login-password", Input).value = ""
        await pilot.press(*wordpress.app_password)
        assert wordpress.app_password not in terminal_output(app)  # shown as dots
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "logged in")
        await until(pilot, lambda: "replies are sent as" in option_texts(listing)[0], "shown")
        (blog,) = app.store.sources()
        assert blog.user == wordpress.user and blog.name
        assert said[-1].startswith(f"Logged in to {blog.title} as {blog.name}: replies")
        assert wordpress.app_password not in "".join(said)
        await settle(pilot)
        assert screen.active_bindings["l"].binding.description == "Log out"

        await pilot.press("l", "y")
        await until(pilot, lambda: "not logged in" in option_texts(listing)[0], "logged out")
        assert app.store.sources()[0].user == ""
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.name != "secrets.json":  # where a password lives without a keyring
                assert wordpress.app_password.encode() not in data, path


@pytest.mark.wordpress
async def test_an_answer_to_your_reply_on_the_blog_is_listed_by_i_and_enter_goes_to_it(
    wordpress: WordPressSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Your reply reaches the blog; someone answers it there; the next sync threads the
    answer under your reply; ``I`` lists it as new, and ``enter`` shows it in its thread."""
    import httpx
    from test_wordpress_client import blog as client_of

    from tui.sources.outbox import send_outbox
    from tui.sources.sync import sync
    from tui.widgets.comment_thread import CommentThread

    store, source = followed(tmp_path, wordpress)
    log_in(store, source, monkeypatch, wordpress.user, wordpress.app_password)
    review = review_of(store, "Review 2:")
    mine = store.add_reply(review, None, "me", "What did you make of the ending?")
    assert send_outbox(store).sent == 1
    remote = store.reply_states()[mine.id].remote_id
    target = store.reply_target(review)
    assert target is not None and remote
    with httpx.Client(timeout=30) as http:
        client_of(http, wordpress, reader=True).create_comment(
            target.post, remote, "That it was <strong>earned</strong>."
        )
    sync(store)
    (answer,) = store.answers_to_you()
    assert answer.comment.parent_id == mine.id and not answer.seen
    assert answer.title.startswith("Review 2:")
    store.close()

    app = ReviewsApp(tmp_path / "reviews.json", Config(author="tester"))
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await ready(pilot)
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, InboxScreen), "the answers")
        await until(pilot, lambda: bool(inbox_texts(app)), "the list")
        (shown,) = inbox_texts(app)
        assert shown.startswith(f"new  {answer.comment.author} answered you")
        assert "That it was earned." in shown  # as words, not Markdown
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await settle(pilot)
        assert reader.review_id == review
        assert reader.query_one(CommentThread).current_id == answer.comment.id

        # Seen once on screen a moment (the read marks' rule): no longer new, even
        # before the marks are written.
        def noted() -> bool:
            return answer.comment.id in app.pending_seen().get(review, set())

        await until(pilot, noted, "the answer seen")
        await pilot.press("I")
        await until(pilot, lambda: bool(inbox_texts(app)), "the list again")
        assert inbox_texts(app)[0].startswith(f"{answer.comment.author} answered you")
    reopened = Store(tmp_path / "reviews.json")
    reopened.mark_seen(review, [answer.comment.id])
    assert [a.seen for a in reopened.answers_to_you()] == [True]
    reopened.close()
