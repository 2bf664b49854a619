"""``O``: the replies that have not reached their blog, whatever review they are on
(pilot tests, no network: a WordPress source with a login but no address to reach)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import sample_reviews
from cpu_audit import over_budget
from pilot_helpers import option_texts, ready, settle, until
from pty_terminal import read_until, started

from tui.app import ReviewsApp
from tui.screens.inbox import InboxScreen
from tui.screens.outbox import OutboxScreen
from tui.screens.reader import ReaderScreen
from tui.screens.syncing import quit_note
from tui.store import Store
from tui.widgets.comment_thread import CommentThread


def waiting_replies(db: Path) -> tuple[int, int, int]:
    """Two replies queued for a blog that cannot be reached, the second refused by it:
    (the review they are on, the queued reply, the refused reply)."""
    store = Store(db, seed=sample_reviews)
    her = next(r for r in store.reviews() if r.title == "Her")
    source = store.add_source(
        "wordpress",
        "https://matinee.example/",
        title="Matinee",
        state={"posts": {her.source_id: {"id": 42}}},
    )
    store.set_login(source.id, "ann", "Ann")
    queued = store.add_reply(her.id, None, "Ann", "Waiting for the network to come back.")
    refused = store.add_reply(her.id, None, "Ann", "Too late for [bold]this[/] one.")
    entry = next(e for e in store.outbox() if e.comment_id == refused.id)
    claimed = store.claim(entry.id, "try-1")
    assert claimed is not None
    store.mark_failed(entry.id, "try-1", "Sorry, comments are closed for this item.")
    store.close()
    return her.id, queued.id, refused.id


def listed(app: ReviewsApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, OutboxScreen)
    return option_texts(screen.query_one("#listing-list"))  # type: ignore[arg-type]


@over_budget
async def test_o_lists_what_waits_and_enter_goes_to_the_reply(
    make_app: Callable[..., ReviewsApp], db_path: Path
) -> None:
    her, queued, refused = waiting_replies(db_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await ready(pilot)
        if reader.review_id == her:  # elsewhere first: enter must take the reader there
            await pilot.press("j")
            await settle(pilot)
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen), "the outbox")
        await until(pilot, lambda: len(listed(app)) == 2, "both entries")
        first, second = listed(app)
        assert first.startswith("Reply · queued") and "on Her · reply" in first
        assert "Waiting for the network to come back." in first
        assert second.startswith("Reply · failed: Sorry, comments are closed")
        assert "[bold]this[/]" in second  # the reply's text, as typed
        assert app.screen.active_bindings["enter"].binding.description == "Go to the reply"

        await pilot.press("j", "enter")  # the refused one
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await settle(pilot)
        assert reader.review_id == her
        assert reader.query_one(CommentThread).current_id == refused
    assert queued != refused


async def test_an_empty_outbox_says_so(make_app: Callable[..., ReviewsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen), "the outbox")
        await until(pilot, lambda: listed(app) == [OutboxScreen.EMPTY], "the empty list")
        assert "R" not in app.screen.active_bindings  # nothing to send: no dead key
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "closed")


async def test_the_header_says_what_the_outbox_holds(
    make_app: Callable[..., ReviewsApp], db_path: Path
) -> None:
    her, queued, _refused = waiting_replies(db_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await ready(pilot)
        await until(
            pilot, lambda: app.sub_title == "outbox: 1 waiting, 1 refused (O)", "the header"
        )
        reader.go_to(her, queued)  # the queued reply, focused
        await settle(pilot)
        assert reader.query_one(CommentThread).current_id == queued
        await pilot.press("d", "y")  # deleted before it left: never sent
        await until(pilot, lambda: app.sub_title == "outbox: 1 refused (O)", "one fewer")


def test_the_quit_note_names_what_is_left() -> None:
    assert quit_note(0, 0) == ""
    assert quit_note(1, 0) == (
        "the outbox holds 1 waiting: the waiting go out at the next start or "
        "`reviews sync`; `reviews outbox` lists them"
    )
    assert quit_note(2, 1) == (
        "the outbox holds 2 waiting, 1 refused by the blog: the waiting go out at the next "
        "start or `reviews sync`; `reviews outbox` lists them"
    )
    assert quit_note(0, 1) == "the outbox holds 1 refused by the blog: `reviews outbox` lists them"


@pytest.mark.slow  # a real terminal
def test_quitting_with_replies_left_says_so_on_the_terminal(db_path: Path) -> None:
    waiting_replies(db_path)
    output = bytearray()
    argv = [sys.executable, "-m", "tui", "--db", str(db_path)]
    with started(argv, columns=100, lines=30) as (child, master):
        assert read_until(master, b"outbox: 1 waiting, 1 refused (O)", output), output[-400:]
        os.write(master, b"q")
        assert read_until(master, b"reviews outbox` lists them", output), output[-400:]
        assert child.wait(timeout=20) == 0
    said = bytes(output).decode(errors="replace")
    assert "reviews: the outbox holds 1 waiting, 1 refused by the blog" in said


async def test_with_no_answers_i_says_how_to_get_some(
    make_app: Callable[..., ReviewsApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, InboxScreen), "the answers")
        screen = app.screen
        await until(
            pilot,
            lambda: option_texts(screen.query_one("#listing-list")) == [InboxScreen.EMPTY],  # type: ignore[arg-type]
            "the empty list",
        )
        assert screen.check_action("go", ()) is False  # nothing to go to: not shown
        await pilot.press("I")  # the key that opened it closes it
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "closed")
