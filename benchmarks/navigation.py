"""Moving through the sidebar: a key to the reading pane and comments repainted.

Each fresh process opens the reader in-process (``App.run_test``, 160x50),
waits for the newest review, then presses ``j`` ~200 times, one key at a
time: the latency of a key is the time to the first frame painted after both
the review pane and the thread received the new review. p50 and p99 per
process; the table shows their medians over processes. The floor app steps
through the same reviews repainting plain ``Static`` widgets.

A second figure (reader only) is a key pressed while the reader is saving
read marks: they are batched and written (the whole database) a few seconds
after a review has been open a moment, so a user who keeps reading meets that
write.

A third (reader only) is ``tab``, the focus moving round the sidebar, the
reading pane and the comments: the time to the first frame after the focus
moved (the panes' borders and cursors) and to the last (the key bar's keys),
against the floor's ``j``.

    python benchmarks/navigation.py [--quick] [--keys 200] [--write-keys 10] [--tabs 30]
                                    [--marks-after S]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from _harness import (
    Figure,
    copy_into,
    corpus_of,
    emit,
    facts,
    parser,
    percentile,
    reader_and_floor,
    runs_of,
    scratch,
    write_result,
)

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

P50_MS = 16.0
P99_MS = 50.0
WRITE_WAIT = 9.0
"""Seconds to wait for the reader to start writing read marks after a dwell
(they are noted after SEEN_AFTER and written in a batch SEEN_FLUSH later)."""


def child(args: Any) -> int:
    """One process: open, then time ``--keys`` presses of ``j`` (and keys during writes)."""
    # The reader's and Textual's modules: the children's, not the parent's (0.14 s of CPU).
    from _pilot import (
        instrument,
        last_mark,
        press,
        review_shown,
        run_app,
        settle,
        started,
        wait_mark,
    )

    subject = instrument(args.subject)
    corpus = facts(args.db)
    if args.marks_after is not None:  # a quicker dwell: the smoke test's, not the user's
        import tui.app
        import tui.screens.reader

        tui.screens.reader.SEEN_AFTER = args.marks_after / 2
        tui.app.SEEN_FLUSH = args.marks_after / 2
    keys = min(args.keys, len(corpus.order) - 1)

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, Any]:
        await started(app, corpus.newest, began)
        first: list[float] = []
        settled: list[float] = []
        for step in range(1, keys + 1):
            key_at = press(app, "j")
            timing = await settle(app, key_at, review_shown(corpus.order[step], key_at), quiet=0.03)
            first.append(timing.first * 1000)
            settled.append(timing.settled * 1000)
        during: list[float] = []
        if subject.name == "reader":
            step = keys
            for _ in range(min(args.write_keys, len(corpus.order) - 1 - keys)):
                # Stay on the review until its read marks start saving, then move on.
                if await wait_mark("write-start", last_mark("comments"), WRITE_WAIT) is None:
                    break
                await asyncio.sleep(0.005)
                step += 1
                key_at = press(app, "j")
                target = review_shown(corpus.order[step], key_at)
                timing = await settle(app, key_at, target, quiet=0.03)
                during.append(timing.first * 1000)
        tab_first: list[float] = []
        tab_settled: list[float] = []
        if subject.name == "reader":
            watch_focus()
            for _ in range(args.tabs):
                key_at = press(app, "tab")
                timing = await settle(app, key_at, focus_moved(key_at), quiet=0.03)
                tab_first.append(timing.first * 1000)
                tab_settled.append(timing.settled * 1000)
        return {
            "first": first,
            "settled": settled,
            "during_write": during,
            "tab_first": tab_first,
            "tab_settled": tab_settled,
        }

    write_result(args.result, run_app(subject, args.db, scenario))
    return 0


def watch_focus() -> None:
    """Mark each focus change (a ``focus`` mark with the time the screen moved it)."""
    from _pilot import PROBE
    from textual.screen import Screen

    original = Screen.set_focus

    def set_focus(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        before = self.focused
        original(self, *args, **kwargs)
        if self.focused is not before:
            PROBE.mark("focus", type(self.focused).__name__)

    Screen.set_focus = set_focus  # type: ignore[method-assign]


def focus_moved(since: float) -> Callable[[], float | None]:
    """A ``reached`` test: the focus moved after ``since``."""
    from _pilot import PROBE

    return lambda: PROBE.mark_after("focus", since)


def main(argv: list[str] | None = None) -> int:
    """Run reader and floor processes alternately; print p50/p99 medians."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    p.add_argument("--keys", type=int, default=None, help="keys per process (default 200)")
    p.add_argument("--write-keys", type=int, default=None, help="keys during writes (10)")
    p.add_argument("--tabs", type=int, default=None, help="tabs (default: --keys, <= 30)")
    p.add_argument(
        "--marks-after",
        type=float,
        default=None,
        help="seconds from a dwell to its read marks being written (default: the app's, ~6)",
    )
    args = p.parse_args(argv)
    args.keys = args.keys or (40 if args.quick else 200)
    args.write_keys = args.write_keys if args.write_keys is not None else (3 if args.quick else 10)
    # As many tabs as keys, at most 30 (9 quick): a smoke run of 5 keys presses 5 tabs.
    args.tabs = args.tabs if args.tabs is not None else min(args.keys, 9 if args.quick else 30)
    if args.child:
        return child(args)
    db = corpus_of(args)
    with scratch() as work:
        copy = copy_into(work, db)
        extra = ["--db", str(copy), "--keys", str(args.keys), "--write-keys", str(args.write_keys)]
        extra += ["--tabs", str(args.tabs)]
        if args.marks_after is not None:
            extra += ["--marks-after", str(args.marks_after)]
        results = reader_and_floor("navigation.py", extra, runs_of(args), work)
    rows = figures(results["reader"], results["floor"], args.keys)
    emit("Navigation (sidebar j → review + comments painted)", rows, args, db)
    return 0


def figures(
    reader: list[dict[str, list[float]]], floor: list[dict[str, list[float]]], keys: int
) -> list[Figure]:
    """p50, p99 and settled p50 per process, against the floor; keys during writes."""

    def per_run(runs: list[dict[str, list[float]]], key: str, q: float) -> list[float]:
        return [percentile(run[key], q) for run in runs if run[key]]

    note = f"{keys} keys per run"
    return [
        Figure(
            "navigation: key → painted, p50",
            per_run(reader, "first", 50),
            "ms",
            per_run(floor, "first", 50),
            P50_MS,
            note=note,
        ),
        Figure(
            "navigation: key → painted, p99",
            per_run(reader, "first", 99),
            "ms",
            per_run(floor, "first", 99),
            P99_MS,
            note=note,
        ),
        Figure(
            "navigation: key → settled, p50",
            per_run(reader, "settled", 50),
            "ms",
            per_run(floor, "settled", 50),
        ),
        Figure(
            "navigation: key during a read-mark write, p50",
            per_run(reader, "during_write", 50),
            "ms",
            per_run(floor, "first", 50),
            P99_MS,
            note="after a dwell",
        ),
        Figure(
            "navigation: tab → painted, p50",
            per_run(reader, "tab_first", 50),
            "ms",
            per_run(floor, "first", 50),
            P50_MS,
            note="focus round the panes; floor: j",
        ),
        Figure(
            "navigation: tab → settled (key bar), p50",
            per_run(reader, "tab_settled", 50),
            "ms",
            per_run(floor, "first", 50),
            note="floor: j",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
