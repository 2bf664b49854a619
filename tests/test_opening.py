"""Opening the database before Textual starts: first frame on the reader, errors reported."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import sample_reviews
from cpu_audit import over_budget
from pilot_helpers import ready, sidebar_lines, until
from textual import events
from textual.screen import Screen
from textual.widgets import Input, Static

import tui.app
from tui.app import LOADING_DELAY, ReviewsApp
from tui.config import Config
from tui.opening import Opening
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.store import CorruptDatabase, Store, StoreError
from tui.widgets.reading_pane import ReadingPane


def open_seeded(db_path: Path) -> Opening:
    """An opening of the seeded database, waited for until it is done."""
    opening = Opening(db_path, seed=sample_reviews)
    assert opening.wait(10)
    return opening


class GatedOpening(Opening):
    """An opening that holds on until the test lets it go (a big file, slowly parsed)."""

    def __init__(self, db_path: Path) -> None:
        self.gate = threading.Event()
        super().__init__(db_path, seed=sample_reviews)

    def _run(self) -> None:
        self.gate.wait(10)
        super()._run()


def test_opening_reads_the_store_the_state_and_the_first_list(db_path: Path) -> None:
    opening = open_seeded(db_path)
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
    opening = open_seeded(db_path)
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
    opening = open_seeded(db_path)
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


class RecordingApp(ReviewsApp):
    """The app, noting each screen it pushes or switches to, and its first screen."""

    CSS_PATH = Path(tui.app.__file__).with_name(ReviewsApp.CSS_PATH)  # not beside this file

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[type[Screen[Any]]] = []

    def get_default_screen(self) -> Screen[Any]:
        screen = super().get_default_screen()
        self.shown.append(type(screen))
        return screen

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        self.shown.append(type(screen))
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:
        self.shown.append(type(screen))
        return super().switch_screen(screen)


async def test_an_opened_database_starts_on_the_reader_with_no_loading_screen(
    db_path: Path, config: Config
) -> None:
    opening = open_seeded(db_path)
    app = RecordingApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Before any worker could run: the reader already holds the newest review.
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.review_id is not None
        assert app.screen.query_one(ReadingPane).has_focus is False
        assert app.screen.focused is not None and app.screen.focused.id == "reviews"
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
        # The reader is the first screen itself: no blank screen under it.
        assert app.screen_stack == [screen]
    assert app.shown == [ReaderScreen]


@over_budget
async def test_the_app_opens_the_database_only_once_it_runs(db_path: Path, config: Config) -> None:
    """Built, an app has started nothing (no thread, no file, no lock); run, it starts
    opening at its Load, before its first screen is chosen."""
    app = RecordingApp(db_path, config, seed=sample_reviews)
    assert app._opening is None and not db_path.exists()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app._opening is not None
        await ready(pilot)
    assert db_path.exists()


@over_budget
async def test_a_quick_open_goes_straight_to_the_reader(db_path: Path, config: Config) -> None:
    """Opened by the app (a few ms for a small file): never a loading screen flashed."""
    Store(db_path, seed=sample_reviews).close()  # the file made, the store's modules loaded
    app = RecordingApp(db_path, config, seed=sample_reviews)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
        await pilot.pause(LOADING_DELAY + 0.1)  # past the moment a loading screen would show
        assert app.screen is screen
    assert LoadingScreen not in app.shown
    assert app.shown.count(ReaderScreen) == 1


@over_budget
async def test_a_slow_database_gets_a_loading_screen_then_the_reader(
    db_path: Path, config: Config
) -> None:
    opening = GatedOpening(db_path)
    app = RecordingApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoadingScreen), "a loading screen")
        assert "reviews.json" in str(app.screen.query_one("#loading-path", Static).render())
        opening.gate.set()
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
        assert not any(isinstance(s, LoadingScreen) for s in app.screen_stack)
    assert app.shown.count(LoadingScreen) == 1


@over_budget
async def test_an_open_the_command_line_waited_for_gets_the_loading_screen_at_once(
    db_path: Path, config: Config
) -> None:
    """The delay counts from the start of the open: once the command line has waited that
    long, the loading screen is the app's first look, with no blank wait before it."""
    opening = GatedOpening(db_path)
    while opening.elapsed() <= LOADING_DELAY:
        time.sleep(0.05)
    app = RecordingApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.shown == [Screen, LoadingScreen]  # pushed as the app mounted
        opening.gate.set()
        screen = await ready(pilot)
        assert "Her" in sidebar_lines(screen)[0]
    assert app.shown == [Screen, LoadingScreen, ReaderScreen]


@pytest.mark.parametrize("loading_shown", [False, True])
async def test_q_while_the_database_opens_quits_at_once(
    db_path: Path, config: Config, loading_shown: bool
) -> None:
    """q as the first key quits at once, before and after the loading screen shows."""
    opening = GatedOpening(db_path)
    app = RecordingApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        if loading_shown:
            await until(pilot, lambda: isinstance(app.screen, LoadingScreen), "loading")
        await pilot.press("q")
        await until(pilot, lambda: app.closing, "closing")
        opening.gate.set()
    assert app.return_code == 0
    assert ReaderScreen not in app.shown
    assert opening.wait(10)
    opening.close()


@over_budget
@pytest.mark.parametrize("loading_shown", [False, True])
async def test_keys_typed_while_the_database_opens_run_on_the_reader(
    db_path: Path, config: Config, loading_shown: bool
) -> None:
    """Nothing typed before the reader appears is lost: it runs, in order, once it is up
    (here the filter opened, a title typed into it and Enter back to the list)."""
    opening = GatedOpening(db_path)
    app = RecordingApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        if loading_shown:
            await until(pilot, lambda: isinstance(app.screen, LoadingScreen), "loading")
        await pilot.press("slash", "o", "l", "d", "enter")
        await pilot.pause()
        assert ReaderScreen not in app.shown
        opening.gate.set()
        screen = await ready(pilot)
        box = screen.query_one("#filter", Input)
        await until(pilot, lambda: box.value == "old" and not box.has_focus, "the keys run")
        # The review under the cursor follows once typing pauses (TYPING_PAUSE): waited for.
        await until(
            pilot,
            lambda: screen._review is not None and screen._review.title == "Older film",
            "the filtered review shown",
        )
        assert sidebar_lines(screen) == [line for line in sidebar_lines(screen) if "Older" in line]
    assert app.shown.count(ReaderScreen) == 1


@over_budget
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


class TypeAheadApp(RecordingApp):
    """The app with keys already read from the terminal as it starts (typed while Python
    started), queued together ahead of anything the reader queues for itself."""

    def on_mount(self) -> None:  # Textual runs ReviewsApp.on_mount too, after this
        for key, character in (("slash", "/"), ("o", "o"), ("l", "l"), ("d", "d")):
            self.post_message(events.Key(key, character))


@over_budget
async def test_keys_typed_ahead_of_the_first_frame_run_one_by_one(
    db_path: Path, config: Config
) -> None:
    """``/old`` typed before the reader's first frame filters for "old": the ``/`` has
    focused the filter before the letters after it run (queued together, ``o`` listed the
    review's links instead)."""
    opening = open_seeded(db_path)
    app = TypeAheadApp(db_path, config, opening=opening)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        box = screen.query_one("#filter", Input)
        await until(pilot, lambda: box.value == "old", "the keys typed ahead in the filter")
        assert box.has_focus
        assert app.screen is screen  # no links list over the reader
        assert sidebar_lines(screen) == [line for line in sidebar_lines(screen) if "Older" in line]
    assert app.shown == [ReaderScreen]
