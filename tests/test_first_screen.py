"""The first screen saved beside the database: shown at once when it matches, else ignored."""

from __future__ import annotations

import shutil
import stat
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import orjson
import pytest
from conftest import sample_reviews
from cpu_audit import over_budget
from pilot_helpers import ready, sidebar_lines, thread_text, until
from textual.pilot import Pilot

from tui.app import ReviewsApp
from tui.config import Config
from tui.model import ParsedComment, ParsedReview
from tui.opening import Opening
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.store import Store
from tui.store.first_screen import ROWS, first_screen_path, load_first_screen
from tui.store.journal import database_identity, journal_path, journal_size
from tui.widgets.reading_pane import ReadingPane
from tui.widgets.review_list import ReviewList

MANY = ROWS + 50
"""More reviews than the snapshot holds, so the keys can go past it."""


def many_reviews() -> list[ParsedReview]:
    """``MANY`` reviews, one a day, the newest with a short thread."""
    reviews = []
    for n in range(MANY):
        comments: tuple[ParsedComment, ...] = ()
        if n == MANY - 1:
            comments = (
                ParsedComment("Ann", "2021-01-01", "First [bold]thoughts[/]", source_id="c1"),
                ParsedComment("Bo", "2021-01-02", "Second thoughts", source_id="c2"),
            )
        reviews.append(
            ParsedReview(
                title=f"Film {n:03d}",
                date=f"{2000 + n // 300}-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}",
                body=f"The review of film {n:03d}.",
                source="test",
                source_id=f"test:{n}",
                comments=comments,
            )
        )
    return reviews


def saved_database(path: Path, seed: object = many_reviews) -> Path:
    """A database whose last write (a read mark) saved its first screen beside it."""
    store = Store(path, seed=seed)  # type: ignore[arg-type]
    try:
        newest = store.reviews()[1]
        store.set_unread(newest.id, False)  # a write of the store's: the snapshot too
    finally:
        store.close()
    return path


def test_each_write_saves_the_first_screen_privately(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    snapshot = first_screen_path(db_path)
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    first = load_first_screen(db_path)
    assert first is not None
    assert [r.title for r in first.reviews] == ["Her", "Older film"]
    assert first.total == 2
    assert [c.body.split()[0] for c in first.comments] == ["Great", "Agreed.", "Keep"]
    assert first.unread == {first.reviews[0].id}  # the older one was marked read

    store = Store(db_path)
    try:
        reply = store.add_reply(first.reviews[0].id, None, "tester", "A reply of mine")
    finally:
        store.close()
    again = load_first_screen(db_path)
    assert again is not None and again.comments[-1] == reply


def test_the_snapshot_holds_a_screenful_not_the_whole_file(db_path: Path) -> None:
    saved_database(db_path)
    first = load_first_screen(db_path)
    assert first is not None
    assert len(first.reviews) == ROWS and first.total == MANY
    assert first.reviews[0].title == f"Film {MANY - 1:03d}"
    assert [c.author for c in first.comments] == ["Ann", "Bo"]


def test_a_file_written_by_another_program_makes_the_snapshot_stale(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    # Another program replaces the file with the same bytes: a new file all the same.
    copy = db_path.with_name("copy.json")
    shutil.copyfile(db_path, copy)
    copy.replace(db_path)
    assert load_first_screen(db_path) is None


def test_a_hand_edit_in_place_makes_the_snapshot_stale(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    with db_path.open("ab") as stream:
        stream.write(b"\n")
    assert load_first_screen(db_path) is None


def test_a_crash_between_the_two_writes_leaves_a_stale_snapshot(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    before = first_screen_path(db_path).read_bytes()
    store = Store(db_path)
    try:
        store.add_reply(store.reviews()[0].id, None, "tester", "Written, then the crash")
    finally:
        store.close()
    # As if the process died after replacing the database, before its snapshot.
    first_screen_path(db_path).write_bytes(before)
    assert load_first_screen(db_path) is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"[1, 2, 3]",
        lambda data: data.replace(b'"title":"Her"', b'"title":7'),
        lambda data: data.replace(b'"format":2', b'"format":99'),
        lambda data: data.replace(b'"order":"date"', b'"order":"title"'),
        lambda data: data.replace(b'"total":2', b'"total":true'),
    ],
    ids=["empty", "truncated", "not-an-object", "bad-title", "format", "order", "total"],
)
def test_a_corrupt_snapshot_is_ignored(db_path: Path, spoil: object) -> None:
    saved_database(db_path, sample_reviews)
    snapshot = first_screen_path(db_path)
    data = snapshot.read_bytes()
    spoilt = spoil(data)  # type: ignore[operator]
    assert spoilt != data
    snapshot.write_bytes(spoilt)
    assert load_first_screen(db_path) is None


def test_a_symlinked_snapshot_is_ignored(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    snapshot = first_screen_path(db_path)
    elsewhere = db_path.with_name("elsewhere.json")
    snapshot.rename(elsewhere)
    snapshot.symlink_to(elsewhere)
    assert load_first_screen(db_path) is None


def test_opening_a_file_without_a_snapshot_writes_one(db_path: Path) -> None:
    saved_database(db_path, sample_reviews)
    first_screen_path(db_path).unlink()
    opening = Opening(db_path)
    assert opening.first_screen(5) is None
    opened = opening.result()
    opened.store.close()
    assert load_first_screen(db_path) is not None


# -- the reader ------------------------------------------------------------------------


@asynccontextmanager
async def held_reader(
    db_path: Path, config: Config
) -> AsyncIterator[tuple[ReviewsApp, Pilot[object], threading.Event]]:
    """The reader on ``db_path`` whose whole-file load waits until the event is set."""
    hold = threading.Event()
    app = ReviewsApp(db_path, config, opening=Opening(db_path, hold=hold))
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            yield app, pilot, hold
        finally:
            hold.set()  # a failed assertion must not leave the app waiting for the file


async def showing_snapshot(pilot: Pilot[object]) -> ReaderScreen:
    """The reader, up from the snapshot (the whole file not loaded yet)."""
    await pilot.pause(0.1)
    app = pilot.app
    assert isinstance(app, ReviewsApp)
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    assert app.first_screen is not None
    return screen


async def test_the_first_screen_comes_from_the_snapshot_then_the_whole_file(
    db_path: Path, config: Config
) -> None:
    saved_database(db_path)
    async with held_reader(db_path, config) as (app, pilot, hold):
        screen = await showing_snapshot(pilot)
        sidebar = screen.query_one(ReviewList)
        assert len(sidebar.shown) == ROWS
        assert f"Film {MANY - 1:03d}" in sidebar_lines(app)[0]
        assert "loading…" in str(screen.query_one("#sidebar").border_subtitle)
        assert f"Reviews ({MANY})" in str(screen.query_one("#sidebar").border_title)
        reading = screen.query_one(ReadingPane)
        assert reading.border_subtitle is not None
        assert screen.review_id == sidebar.shown[0].id
        assert "First [bold]thoughts[/]" in thread_text(app)
        hold.set()
        screen = await ready(pilot)
        assert app.first_screen is None
        assert len(sidebar.shown) == MANY
        assert "loading" not in str(screen.query_one("#sidebar").border_subtitle)
        assert screen.review_id == sidebar.shown[0].id


async def test_a_snapshot_read_before_the_app_is_the_reader_s_first_screen(
    db_path: Path, config: Config
) -> None:
    """As the command line starts it (the snapshot read while Textual loads): the reader
    is the first screen itself, no blank one under it; keys still wait for the file."""
    saved_database(db_path)
    hold = threading.Event()
    opening = Opening(db_path, hold=hold)
    assert opening.first_screen(10) is not None
    app = ReviewsApp(db_path, config, opening=opening)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await showing_snapshot(pilot)
            assert app.screen_stack == [screen]
            assert "First [bold]thoughts[/]" in thread_text(app)
            await pilot.press("j")
            await pilot.pause(0.1)
            sidebar = screen.query_one(ReviewList)
            assert sidebar.highlighted == 0  # held for the whole file
            hold.set()
            assert await ready(pilot) is screen
            await until(pilot, lambda: sidebar.highlighted == 1, "the held j run")
            assert app.first_screen is None and len(sidebar.shown) == MANY
    finally:
        hold.set()


@over_budget
async def test_keys_pressed_before_the_whole_file_wait_then_run_in_order(
    db_path: Path, config: Config
) -> None:
    saved_database(db_path)
    async with held_reader(db_path, config) as (app, pilot, hold):
        screen = await showing_snapshot(pilot)
        sidebar = screen.query_one(ReviewList)
        await pilot.press("G", "k", "k")  # past the snapshot's last review
        await pilot.pause(0.1)
        assert sidebar.highlighted == 0  # nothing moved on partial data
        hold.set()
        screen = await ready(pilot)
        assert sidebar.highlighted == MANY - 3
        assert screen.review_id == sidebar.shown[MANY - 3].id
        assert "Film 002" in sidebar_lines(app)[MANY - 3]


@over_budget
async def test_a_filter_typed_before_the_whole_file_applies_to_all_of_it(
    db_path: Path, config: Config
) -> None:
    saved_database(db_path)
    async with held_reader(db_path, config) as (_app, pilot, hold):
        await showing_snapshot(pilot)
        await pilot.press("slash", "f", "i", "l", "m", "space", "0", "0", "7", "enter")
        hold.set()
        screen = await ready(pilot)
        await pilot.pause(0.3)
        shown = screen.query_one(ReviewList).shown
        assert [r.title for r in shown] == ["Film 007"]  # far past the snapshot's rows
        assert screen.review_id == shown[0].id


async def test_q_before_the_whole_file_quits_at_once(db_path: Path, config: Config) -> None:
    saved_database(db_path)
    async with held_reader(db_path, config) as (app, pilot, _hold):
        await showing_snapshot(pilot)
        await pilot.press("q")
        await pilot.pause(0.1)
        assert app.closing


@over_budget
async def test_a_stale_snapshot_means_the_usual_loading_screen(
    db_path: Path, config: Config
) -> None:
    saved_database(db_path)
    with db_path.open("ab") as stream:
        stream.write(b"\n")  # a hand edit: the snapshot no longer describes the file
    async with held_reader(db_path, config) as (app, pilot, hold):
        await until(pilot, lambda: isinstance(app.screen, LoadingScreen), "a loading screen")
        assert app.first_screen is None
        hold.set()
        screen = await ready(pilot)
        assert len(screen.query_one(ReviewList).shown) == MANY


async def test_another_write_between_snapshot_and_load_shows_the_file(
    db_path: Path, config: Config
) -> None:
    saved_database(db_path)
    async with held_reader(db_path, config) as (app, pilot, hold):
        screen = await showing_snapshot(pilot)
        newest = screen.query_one(ReviewList).shown[0].id
        # Another process replies after the snapshot was read, before the full load.
        other = Store(db_path)
        try:
            other.add_reply(newest, None, "someone", "Written meanwhile")
        finally:
            other.close()
        hold.set()
        await ready(pilot)
        await pilot.pause(0.2)
        assert "Written meanwhile" in thread_text(app)


def test_the_snapshot_s_identity_of_the_file_is_the_store_s(db_path: Path) -> None:
    """``database_identity`` (read without the storage module) is the identity the store
    stamps its snapshot with, before and after a record is appended to the journal."""
    saved_database(db_path)
    assert _stamp(db_path) == database_identity(db_path)
    store = Store(db_path)
    try:
        store.set_unread(store.reviews()[0].id, False)  # one journal record
    finally:
        store.close()
    assert journal_size(journal_path(db_path)) > 0
    assert _stamp(db_path) == database_identity(db_path)


def _stamp(db_path: Path) -> tuple[int, ...]:
    """The identity the store wrote into the snapshot beside ``db_path``."""
    return tuple(orjson.loads(first_screen_path(db_path).read_bytes())["database"])
