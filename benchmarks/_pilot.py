"""Timing keys to painted frames in-process, for the reader and for the floor app.

Runs inside a benchmark's child process (never in the parent, never in tests
of the app): it patches, at class level, the few widget methods through which
new data reaches the screen, so each call leaves a *mark* with its time, and
wraps ``App._display`` so each painted frame leaves a time too. In headless
mode Textual skips turning a frame into terminal bytes; the wrapper does that
work (``render_segments``) so a frame costs what it costs in a real terminal.

A key's latency is the time from the key to the first frame painted after the
mark that shows its result; *settled* is the last frame before the app stays
quiet (no frames for ``quiet`` seconds, no thread worker running).
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerState

SIZE = (160, 50)
"""The terminal size every in-process benchmark uses."""


@dataclass
class Probe:
    """Marks (data reaching a widget) and frames (paints), with their times."""

    frames: list[float] = field(default_factory=list)
    marks: list[tuple[float, str, Any]] = field(default_factory=list)

    def mark(self, kind: str, value: Any) -> None:
        """Record that ``kind`` data (for ``value``) just reached the screen's widgets."""
        self.marks.append((time.perf_counter(), kind, value))

    def mark_after(self, kind: str, since: float, value: Any = ...) -> float | None:
        """The time of the first ``kind`` mark at or after ``since`` (matching ``value``)."""
        start = bisect.bisect_left(self.marks, since, key=lambda m: m[0])
        for at, k, v in self.marks[start:]:
            if k == kind and (value is ... or v == value):
                return at
        return None

    def frame_after(self, since: float) -> float | None:
        """The first frame painted at or after ``since``."""
        index = bisect.bisect_left(self.frames, since)
        return self.frames[index] if index < len(self.frames) else None


PROBE = Probe()


def _wrap(cls: type, name: str, after: Callable[[tuple[Any, ...]], None]) -> None:
    """Replace ``cls.name`` by a wrapper that calls ``after(args)`` once it returns."""
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        after(args)
        return result

    setattr(cls, name, wrapper)


def _wrap_before(cls: type, name: str, before: Callable[[tuple[Any, ...]], None]) -> None:
    """Replace ``cls.name`` by a wrapper that calls ``before(args)`` first."""
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        before(args)
        return original(self, *args, **kwargs)

    setattr(cls, name, wrapper)


def _hook_frames(app_class: type[App[Any]]) -> None:
    original = app_class._display

    @functools.wraps(original)
    def _display(self: App[Any], screen: Any, renderable: Any) -> None:
        original(self, screen, renderable)
        if renderable is None or getattr(self, "_batch_count", False):
            return
        if self.is_headless and hasattr(renderable, "render_segments"):
            renderable.render_segments(self.console)  # what a real driver would write
        PROBE.frames.append(time.perf_counter())

    app_class._display = _display  # type: ignore[method-assign]


# -- the two subjects ------------------------------------------------------------------------


@dataclass
class Subject:
    """An app under test: how to build it and how to move its cursor directly."""

    name: str
    make: Callable[[Path], App[Any]]
    select: Callable[[App[Any], int], None]
    """Put the sidebar cursor on a review id (setup, not measured)."""


def _reader(db: Path) -> App[Any]:
    from tui.app import ReviewsApp
    from tui.config import Config

    return ReviewsApp(db, Config(author="bench"))


def _reader_select(app: App[Any], review_id: int) -> None:
    from tui.widgets.review_list import ReviewList

    sidebar = app.screen.query_one(ReviewList)
    if not sidebar.select_review(review_id):
        raise RuntimeError(f"review {review_id} is not in the sidebar")


def instrument_reader() -> Subject:
    """Mark the reader's data arriving: review pane, thread, filter; and its frames."""
    from tui.app import ReviewsApp
    from tui.widgets.comment_thread import CommentThread
    from tui.widgets.reading_pane import ReadingPane
    from tui.widgets.review_list import ReviewList

    def review(args: tuple[Any, ...]) -> None:
        PROBE.mark("review", args[0].id if args and args[0] is not None else None)

    def comments(args: tuple[Any, ...]) -> None:
        PROBE.mark("comments", args[0][0].review_id if args and args[0] else None)

    _wrap(ReadingPane, "show", review)
    _wrap(CommentThread, "set_comments", comments)
    _wrap(ReviewList, "set_filter", lambda args: PROBE.mark("filter", args[0]))
    _hook_frames(ReviewsApp)
    instrument_store()
    return Subject("reader", _reader, _reader_select)


def instrument_store() -> None:
    """Mark when each of the store's writes starts and ends (they run in thread workers)."""
    from tui.store import Store

    for name in ("add_reply", "mark_seen", "mark_seen_many", "set_unread"):
        _wrap_before(Store, name, functools.partial(_mark_write, "write-start", name))
        _wrap(Store, name, functools.partial(_mark_write, "write-end", name))


def _mark_write(kind: str, name: str, args: tuple[Any, ...]) -> None:
    PROBE.mark(kind, name)


def _floor(db: Path) -> App[Any]:
    from floor_app import FloorReader, load

    return FloorReader(load(db, "orjson"))


def _floor_select(app: App[Any], review_id: int) -> None:
    from floor_app import FloorReader

    assert isinstance(app, FloorReader)
    app.index = app.data.order.index(review_id)
    app.show_review(review_id)


def instrument_floor() -> Subject:
    """The same marks for the floor app."""
    from floor_app import FloorReader

    def shown(args: tuple[Any, ...]) -> None:
        PROBE.mark("review", args[0])
        PROBE.mark("comments", args[0])

    _wrap(FloorReader, "show_review", shown)
    _wrap(FloorReader, "apply_filter", lambda args: PROBE.mark("filter", args[0]))
    _hook_frames(FloorReader)
    return Subject("floor", _floor, _floor_select)


def instrument(name: str) -> Subject:
    """The subject called ``name`` (``reader`` or ``floor``), instrumented."""
    return instrument_reader() if name == "reader" else instrument_floor()


# -- waiting and timing --------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Seconds from a key (or launch) to the first frame showing its result, and to quiet."""

    first: float
    settled: float


def busy(app: App[Any]) -> bool:
    """True while any thread or async worker of the app is pending or running."""
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle(
    app: App[Any],
    since: float,
    reached: Callable[[], float | None],
    *,
    quiet: float = 0.05,
    timeout: float = 20.0,
) -> Timing:
    """Wait for the state ``reached`` reports (the time it was reached), its frame, and quiet."""
    deadline = time.perf_counter() + timeout
    while True:
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        if now > deadline:
            raise TimeoutError(f"no settled frame within {timeout:.0f} s")
        at = reached()
        if at is None:
            continue
        first = PROBE.frame_after(at)
        if first is None:
            continue
        last = PROBE.frames[-1]
        if now - last >= quiet and not busy(app):
            return Timing(first - since, last - since)


async def wait_mark(kind: str, since: float, timeout: float) -> float | None:
    """Wait up to ``timeout`` s for a ``kind`` mark at or after ``since``; its time or None."""
    deadline = time.perf_counter() + timeout
    while (at := PROBE.mark_after(kind, since)) is None:
        if time.perf_counter() > deadline:
            return None
        await asyncio.sleep(0.002)
    return at


def last_mark(kind: str) -> float:
    """The time of the latest ``kind`` mark (0 when there is none)."""
    return next((at for at, k, _ in reversed(PROBE.marks) if k == kind), 0.0)


def review_shown(review_id: int, since: float) -> Callable[[], float | None]:
    """A ``reached`` test: review ``review_id`` and then its comments reached the widgets."""

    def reached() -> float | None:
        at = PROBE.mark_after("review", since, review_id)
        return None if at is None else PROBE.mark_after("comments", at)

    return reached


def key_event(key: str) -> events.Key:
    """The event a terminal's input would produce for ``key`` (as the pilot builds it)."""
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        )
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def press(app: App[Any], key: str) -> float:
    """Send ``key`` to the app and return the time just before it was sent.

    Unlike ``Pilot.press`` nothing waits here: the pilot's waiting posts a
    callback to every widget, which would load the very interval measured.
    """
    event = key_event(key)
    event.set_sender(app)
    began = time.perf_counter()
    app.post_message(event)
    return began


def no_blink(app: App[Any]) -> None:
    """Stop every cursor on screen blinking (a blink is a frame the benchmark did not cause)."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


Scenario = Callable[[App[Any], Pilot[Any], float], Awaitable[Any]]
"""Plays keys on a running app; gets the app, its pilot and the time the app was built."""


def run_app(subject: Subject, db: Path, scenario: Scenario) -> Any:
    """Build the subject's app on ``db``, run it headless at ``SIZE`` and play ``scenario``."""

    async def main() -> Any:
        began = time.perf_counter()
        app = subject.make(db)
        async with app.run_test(size=SIZE) as pilot:
            return await scenario(app, pilot, began)

    return asyncio.run(main())


async def started(app: App[Any], newest: int, began: float) -> Timing:
    """Wait until the app shows the newest review and its comments, and has settled."""
    timing = await settle(app, began, review_shown(newest, began), quiet=0.2, timeout=120)
    no_blink(app)
    return timing
