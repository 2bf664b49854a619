"""Opening the database before Textual starts: first frame on the reader, errors reported."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import sample_reviews
from pilot_helpers import ready, sidebar_lines
from textual.screen import Screen

from tui.app import ReviewsApp
from tui.config import Config
from tui.opening import Opening
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.store import CorruptDatabase, Store, StoreError
from tui.widgets.reading_pane import ReadingPane


class GatedOpening(Opening):
    """An opening that holds on until the test lets it go (a big file, slowly parsed)."""

    def __init__(self, db_path: Path) -> None:
        self.gate = threading.Event()
        super().__init__(db_path, seed=sample_reviews)

    def _run(self) -> None:
        self.gate.wait(10)
        super()._run()


def test_opening_reads_the_store_the_state_and_the_first_list(db_path: Path) -> None:
    opening = Opening(db_path, seed=sample_reviews)
    assert opening.wait(10)
    opened = opening.result()
    try:
        assert opened.first is not None
        reviews, unread, generation = opened.first
        assert [r.title for r in reviews] == ["Her", "Older film"]
        assert unread == {r.id for r in reviews}
        assert generation == opened.store.generation
        assert opened.state.sort == "date"
    finally:
        opened.store.close()


def test_handed_over_lets_the_first_list_go_and_keeps_the_store(db_path: Path) -> None:
    opening = Opening(db_path, seed=sample_reviews)
    assert opening.wait(10)
    store = opening.result().store
    opening.handed_over()
    assert opening.result().first is None
    assert opening.result().store is store
    assert opening.first_screen(0) is None
    opening.close()
    with pytest.raises(StoreError, match="closed"):
        store.reviews()


async def test_the_reader_hands_the_first_list_over_once_it_has_it(
    db_path: Path, config: Config
) -> None:
    opening = Opening(db_path, seed=sample_reviews)
    assert opening.wait(10)
    app = ReviewsApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
        assert opening.result().first is None  # the sidebar has its own


def test_opening_a_corrupt_file_raises_from_result(tmp_path: Path) -> None:
    broken = tmp_path / "reviews.json"
    broken.write_bytes(b'{"reviews": {"1": ')
    opening = Opening(broken)
    assert opening.wait(10)
    with pytest.raises(CorruptDatabase, match="reviews restore"):
        opening.result()
    assert broken.read_bytes() == b'{"reviews": {"1": '


def test_the_opening_module_loads_no_textual() -> None:
    code = (
        "import sys, tui.opening\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


async def test_an_opened_database_starts_on_the_reader_with_no_loading_screen(
    db_path: Path, config: Config
) -> None:
    opening = Opening(db_path, seed=sample_reviews)
    assert opening.wait(10)
    app = ReviewsApp(db_path, config, opening=opening)
    screens: list[type[Screen[object]]] = []
    original = app.push_screen

    def recording(screen: object, *args: object, **kwargs: object) -> object:
        screens.append(type(screen))  # type: ignore[arg-type]
        return original(screen, *args, **kwargs)  # type: ignore[call-overload]

    app.push_screen = recording  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Before any worker could run: the reader already holds the newest review.
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.review_id is not None
        assert app.screen.query_one(ReadingPane).has_focus is False
        assert app.screen.focused is not None and app.screen.focused.id == "reviews"
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
    assert LoadingScreen not in screens


async def test_a_slow_database_gets_a_loading_screen_then_the_reader(
    db_path: Path, config: Config
) -> None:
    opening = GatedOpening(db_path)
    app = ReviewsApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, LoadingScreen)
        opening.gate.set()
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)


async def test_another_process_writing_after_the_opening_is_seen(
    db_path: Path, config: Config
) -> None:
    app = ReviewsApp(db_path, config, opening=Opening(db_path, seed=sample_reviews))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        other = Store(db_path)
        try:
            newest = other.reviews()[0]
            other.add_reply(newest.id, None, "Someone else", "Written by another process.")
        finally:
            other.close()
        screen.check_for_changes()
        for _ in range(40):
            await pilot.pause(0.05)
            if screen._review is not None and screen._review.comment_count == 4:
                break
        assert screen._review is not None and screen._review.comment_count == 4
