"""Startup in a real terminal: launch until the newest review, its body and comments show.

Each run starts a fresh ``python -m tui --db COPY`` in a 160x50 tmux pane and
times, from the launch command: the first non-blank screen, the moment the
newest review's first sentence and its first comment's first sentence are both
on screen, and the last paint before the app goes quiet. The floor
(``floor_app.py``: ``json.loads`` of the same file, then the same texts as
plain widgets) runs in the same pane, alternating with the reader.

Two ways the reader starts are measured: as it starts every day, from the
first-screen snapshot its last session (or any save) left beside the file
(issue 17's target: <= 0.5x the floor), and as it starts the very first time
after an import, with no snapshot yet (the whole file is parsed before the first
screen). The snapshot is left before the launches, as a session does; it used to
come from the unmeasured warm-up launch, written as it loaded, just before the
next launch killed it.

    python benchmarks/startup.py            # 10,000 reviews, 100,000 comments
    python benchmarks/startup.py --quick
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from _harness import (
    BENCH_DIR,
    PYTHON,
    Facts,
    Figure,
    child_env,
    copy_into,
    corpus_file,
    corpus_of,
    emit,
    facts,
    interleave,
    parser,
    runs_of,
    scratch,
    sizes_of,
)
from _terminal import Launch, TmuxTerminal, tmux_available

from tui.store.first_screen import first_screen_path

TARGET = 1.25
"""The reader may take at most this many times as long as the floor."""
SNAPSHOT_TARGET = 0.5
"""From the snapshot, the newest review and its comments in at most half the floor's time."""


def expected_texts(corpus: Facts) -> list[str]:
    """What proves the reader is up: the newest review's first sentence, its first comment's."""
    review = corpus.newest
    texts = [corpus.ledes[review]]
    comments = corpus.comment_ledes.get(review)
    if comments:
        texts.append(comments[0])
    return texts


def reader_command(db: Path) -> list[str]:
    """How a user starts the reader."""
    return [PYTHON, "-m", "tui", "--db", str(db)]


def floor_command(db: Path) -> list[str]:
    """The floor app on the same file."""
    return [PYTHON, str(BENCH_DIR / "floor_app.py"), "--db", str(db)]


@dataclass
class StartupRuns:
    """Launches of the reader and of the floor on one corpus, interleaved."""

    reader: list[Launch]
    floor: list[Launch]


def leave_snapshot(db: Path) -> None:
    """What a session before this one leaves beside the file: the first-screen snapshot."""
    from tui.store import Store

    store = Store(db)
    try:
        store.keep_first_screen()
    finally:
        store.close()


def measure(
    db: Path,
    runs: int,
    work: Path,
    *,
    warm_up: bool = True,
    snapshot: bool = True,
    floor: bool = True,
) -> StartupRuns:
    """Launch reader and floor ``runs`` times each, alternately, on a private copy of ``db``.

    ``warm_up=False`` skips the unmeasured launches (quicker; the first run is then cold).
    ``snapshot``: each reader starts with the first-screen snapshot a session before it
    left (taken once, before the launches, and checked by the reader against the file);
    False: with none, as the first launch after an import (removed before each launch).
    ``floor=False``: the reader alone (its ``floor`` list is empty).
    """
    copy = copy_into(work, db)
    expect = expected_texts(facts(copy))
    if snapshot:
        leave_snapshot(copy)

    def reader() -> Launch:
        if not snapshot:
            first_screen_path(copy).unlink(missing_ok=True)
        return terminal.launch(reader_command(copy), expect)

    with TmuxTerminal(env=child_env(work)) as terminal:
        subjects = {
            "reader": reader,
            "floor": lambda: terminal.launch(floor_command(copy), expect),
        }
        if not floor:
            del subjects["floor"]
        if warm_up:
            # One unmeasured launch of each warms the page cache and the bytecode.
            for launch in subjects.values():
                launch()
        results = interleave(runs, subjects)
        terminal.stop()
    return StartupRuns(results["reader"], results.get("floor", []))


def figures(
    runs: StartupRuns, label: str = "", ready_target: float | None = TARGET, targets: bool = True
) -> list[Figure]:
    """First frame, review on screen and settled, each against the floor (``targets``:
    with the targets; without, the figures alone)."""
    suffix = f", {label}" if label else ""

    def figure(name: str, attr: str, limit: float | None) -> Figure:
        return Figure(
            f"startup: {name}{suffix}",
            [getattr(launch, attr) for launch in runs.reader],
            unit="s",
            floor=[getattr(launch, attr) for launch in runs.floor],
            limit=limit,
            ratio_target=True,
        )

    return [
        figure("first frame", "first_frame", None),
        figure("newest review + comments on screen", "ready", ready_target if targets else None),
        figure("settled", "settled", TARGET if targets else None),
    ]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the startup table."""
    p = parser(__doc__.split("\n\n")[0], runs=5, quick_runs=2)
    p.add_argument(
        "--no-big-newest",
        action="store_true",
        help="skip the second corpus whose newest review carries the big thread",
    )
    p.add_argument("--no-warm-up", action="store_true", help="skip the unmeasured warm-up launches")
    p.add_argument(
        "--floor-once",
        action="store_true",
        help="launch the floor with the first set only and show it again beside the first "
        "launch (the floor reads no snapshot: the same launch; quicker, fewer floor samples)",
    )
    args = p.parse_args(argv)
    if not tmux_available():
        print("startup: skipped, tmux is not installed", file=sys.stderr)
        return 0
    db = corpus_of(args)
    runs = runs_of(args)
    with scratch() as work:
        warm_up = not args.no_warm_up
        daily = measure(db, runs, work, warm_up=warm_up)
        rows = figures(daily, "from the snapshot", SNAPSHOT_TARGET)
        # Shown, not judged: a first launch parses the whole file, as the floor does; the
        # targets are on the start a user has every other day.
        first = measure(db, runs, work, warm_up=warm_up, snapshot=False, floor=not args.floor_once)
        if args.floor_once:
            first.floor = daily.floor
        rows += figures(first, "first launch, no snapshot", targets=False)
        sizes = sizes_of(args)
        if not args.no_big_newest and args.corpus is None and sizes.big_thread:
            big_first = corpus_file(
                type(sizes)(sizes.reviews, sizes.comments, sizes.big_thread, "newest")
            )
            rows += figures(
                measure(big_first, runs, work, warm_up=warm_up),
                f"{sizes.big_thread:,} comments on the newest",
            )
    emit("Startup (tmux 160x50)", rows, args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
