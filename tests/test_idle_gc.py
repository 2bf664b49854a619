"""Full garbage collections wait for a pause in the user's input."""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cpu_audit import over_budget
from pilot_helpers import ready, until
from textual import events

from tui import idle_gc
from tui.app import ReviewsApp
from tui.idle_gc import (
    NEVER,
    IdleCollector,
    give_back_free_memory,
    hold_collections_for_start,
    release_after_start,
)

# The policy under test is the reader's: with CPython's thresholds, not the test process's.
pytestmark = pytest.mark.usefixtures("python_gc_defaults")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The interpreter's thresholds, put back whatever a test does."""
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def make_garbage_old() -> None:
    """Push objects through the young generations so a full collection is due."""
    gc.collect(1)
    kept = [[] for _ in range(1000)]  # noqa: F841 - alive through the middle collection
    gc.collect(1)
    assert gc.get_count()[2] > 0


def collector(clock: Clock) -> tuple[IdleCollector, list[int]]:
    runs: list[int] = []
    collect: Callable[[int], object] = runs.append
    return IdleCollector(idle=1.0, longest=30.0, clock=clock, collect=collect), runs


def test_start_stops_automatic_full_collections_and_stop_restores_them(
    thresholds: tuple[int, int, int],
) -> None:
    idle, _ = collector(Clock())
    idle.start()
    assert gc.get_threshold() == (thresholds[0], thresholds[1], NEVER)
    idle.stop()
    assert gc.get_threshold() == thresholds


def test_a_due_collection_waits_for_a_pause(thresholds: tuple[int, int, int]) -> None:
    clock = Clock()
    idle, runs = collector(clock)
    idle.start()
    make_garbage_old()
    idle.touched()
    clock.now += 0.5
    assert idle.tick() is False and runs == []
    clock.now += 0.6  # a second with no input
    assert idle.tick() is True and runs == [2]
    assert idle.collections == 1
    idle.stop()


def test_free_memory_goes_back_after_each_full_collection_only(
    thresholds: tuple[int, int, int],
) -> None:
    clock = Clock()
    events: list[str] = []
    idle = IdleCollector(
        idle=1.0,
        clock=clock,
        collect=lambda generation: events.append(f"collect {generation}"),
        trim=lambda: events.append("trim"),
    )
    idle.start()
    make_garbage_old()
    idle.touched()
    assert idle.tick() is False and events == []  # no pause: neither
    clock.now += 1.1
    assert idle.tick() is True
    assert events == ["collect 2", "trim"]
    idle.stop()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_giving_back_free_memory_lowers_the_resident_size() -> None:
    # 600 blocks of 100 KB (under glibc's mmap threshold: in its heap), every other one
    # freed: 30 MB of holes between blocks that live on, which stay resident (no free
    # top of the heap to shrink) until trimmed.
    blocks = [bytes(100_000) for _ in range(600)]
    pins = blocks[::2]
    del blocks
    before = resident_kb()
    give_back_free_memory()
    if idle_gc._malloc_trim() is None:
        pytest.skip("no glibc malloc_trim here")
    assert resident_kb() < before - 10_000
    assert len(pins) == 300


def resident_kb() -> int:
    """This process's resident size (kB), from /proc (0 where there is none)."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0
    line = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1])


def test_a_user_who_never_pauses_still_gets_one_every_longest(
    thresholds: tuple[int, int, int],
) -> None:
    clock = Clock()
    idle, runs = collector(clock)
    idle.start()
    make_garbage_old()
    for _ in range(59):  # a key every half second for 29.5 s
        clock.now += 0.5
        idle.touched()
        assert idle.tick() is False
    clock.now += 0.5
    idle.touched()
    assert idle.tick() is True and runs == [2]
    idle.stop()


def test_nothing_runs_when_nothing_is_due_or_when_stopped(
    thresholds: tuple[int, int, int],
) -> None:
    clock = Clock()
    idle, runs = collector(clock)
    clock.now += 5
    make_garbage_old()
    assert idle.tick() is False  # not started: the interpreter's own rules apply
    idle.start()
    gc.collect()  # nothing has moved to the oldest generation since
    clock.now += 5
    assert idle.tick() is False and runs == []
    idle.stop()


@over_budget
async def test_the_reader_collects_in_a_pause_and_only_while_it_runs(
    make_app: Callable[..., ReviewsApp], thresholds: tuple[int, int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert gc.get_threshold()[2] == NEVER
        await pilot.press("j", "k")
        make_garbage_old()
        before = app._idle_gc.collections
        await pilot.pause(1.8)  # no input for longer than IDLE_SECONDS
        assert app._idle_gc.collections > before
    assert gc.get_threshold() == thresholds


def test_waiting_means_due_and_the_user_still_typing(thresholds: tuple[int, int, int]) -> None:
    clock = Clock()
    idle = IdleCollector(idle=0.05, clock=clock, collect=lambda generation: 0)
    assert not idle.waiting()  # not started: the interpreter's own collections run
    idle.start()
    make_garbage_old()
    idle.touched()
    assert idle.waiting()
    clock.now += 0.06
    assert not idle.waiting()  # paused: tick collects now
    assert idle.tick()
    idle.stop()


@over_budget
async def test_a_key_arms_one_collection_for_the_gap_after_it(
    make_app: Callable[..., ReviewsApp], thresholds: tuple[int, int, int]
) -> None:
    """Input arms a timer for the gap after it (no twenty-a-second poll while idle)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app._gc_timer is None
        app._idle_gc.idle = 60.0  # a long gap, so the armed timer is still there to see
        await pilot.press("j")
        timer = app._gc_timer
        assert timer is not None
        await pilot.press("k")
        assert app._gc_timer is timer  # one timer for a run of keys, not one a key
        make_garbage_old()
        assert app._idle_gc.waiting()
        before = app._idle_gc.collections
        app._idle_gc.idle = 0.0  # the gap has come
        app._collect_after_input()
        assert app._idle_gc.collections == before + 1
        assert app._gc_timer is None


@pytest.fixture
def collecting() -> Iterator[None]:
    """Automatic collection on, as the interpreter starts, and on again after the test."""
    was = gc.isenabled()
    gc.enable()
    yield
    release_after_start()
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_start_holds_collections_and_gives_back_only_what_it_took(collecting: None) -> None:
    hold_collections_for_start()
    assert not gc.isenabled()
    release_after_start()
    assert gc.isenabled()
    gc.disable()  # someone else's choice: not undone by the start's release
    hold_collections_for_start()
    release_after_start()
    assert not gc.isenabled()


async def test_the_reader_gives_collections_back_after_its_first_frame(
    make_app: Callable[..., ReviewsApp], collecting: None
) -> None:
    hold_collections_for_start()  # as the command line does before importing Textual
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        # Given back after the first frame's refresh (a callback that a loaded machine may
        # run a moment after the reader shows): waited for, never assumed.
        await until(pilot, gc.isenabled, "automatic collections given back")


def _key_probe() -> type[Any]:
    """``benchmarks/_keys.py``'s ``KeyProbe`` (the benchmarks are scripts, not a package)."""
    bench = Path(__file__).resolve().parent.parent / "benchmarks"
    spec = importlib.util.spec_from_file_location("bench_keys", bench / "_keys.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    probe: type[Any] = module.KeyProbe
    return probe


async def test_a_key_no_binding_uses_still_counts_as_input(
    make_app: Callable[..., ReviewsApp], thresholds: tuple[int, int, int]
) -> None:
    """A key from the terminal, bound or not, holds the full collection for a pause."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app._idle_gc.idle = 60.0
        assert app._gc_timer is None
        app.post_message(events.Key("f24", None))  # as the terminal's driver posts it
        await pilot.pause()
        assert app._gc_timer is not None
        make_garbage_old()
        assert app._idle_gc.waiting()  # input just came: no full collection now


@over_budget
async def test_the_benchmarks_probe_keys_count_as_input_as_a_users_keys_do(
    make_app: Callable[..., ReviewsApp],
    thresholds: tuple[int, int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The probe measures a key's wait, then lets the app handle it as any key: a
    benchmark typing through a save sees the app a typing user sees."""
    monkeypatch.setattr(ReviewsApp, "on_event", ReviewsApp.on_event)  # undone after the test
    probe = _key_probe()(ReviewsApp, 0.005)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app._idle_gc.idle = 60.0
        assert app._gc_timer is None
        probe.start(app)
        await pilot.pause(0.1)
        probe.stop()
        await pilot.pause()
        assert probe.waits_ms()  # measured...
        assert app._gc_timer is not None  # ...and taken as input by the app
        make_garbage_old()
        assert app._idle_gc.waiting()


@over_budget
async def test_a_busy_frame_is_not_a_pause_when_keys_wait_behind_it(
    make_app: Callable[..., ReviewsApp], thresholds: tuple[int, int, int]
) -> None:
    """A timer fires in its own task, ahead of keys that came while a long frame was
    drawn: the check for a pause runs behind them, and they hold the collection."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        # The periodic look is stopped and what it queued already runs first: a look
        # queued just before the key below (the timer firing during ``ready`` on a busy
        # machine) would find the pause this test makes and rightly collect.
        assert app._pause_check is not None
        app._pause_check.pause()
        await pilot.pause()
        # A pause is 5 s here, not 50 ms: a loaded machine may take longer than 50 ms
        # between handling the key and the check behind it (which then saw a pause and
        # collected: failed once at load 3.4). Checked before the key, 10 s would be one.
        app._idle_gc.idle = 5.0
        make_garbage_old()
        app._idle_gc._last_input -= 10  # the last key handled was long ago...
        before = app._idle_gc.collections
        app.post_message(events.Key("f24", None))  # ...but one is waiting in the queue
        app._check_for_pause()  # the periodic check fires now
        app._gap_after_input()  # and so does the one armed by the last key
        await pilot.pause()
        assert app._idle_gc.collections == before
        assert app._idle_gc.waiting()  # still due, for the next pause
