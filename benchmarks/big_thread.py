"""Opening the review with the big thread (2,000 comments, threaded up to depth 6).

Each fresh process opens the reader in-process (``App.run_test``, 160x50),
puts the sidebar cursor on the review just above the big one, then presses
``j``: *first comments* is the time to the first frame painted after the thread
received the comments, *settled* the last frame before the app goes quiet.
This repeats (``--opens``) by moving back and pressing ``j`` again; the first
opening of each process is also reported alone (nothing cached yet). The
floor app shows the same review's first screenful of comments as plain text.

    python benchmarks/big_thread.py [--quick] [--opens 5]
"""

from __future__ import annotations

import contextlib
import sys
import time
from typing import TYPE_CHECKING, Any

from _harness import (
    Figure,
    copy_into,
    corpus_of,
    emit,
    facts,
    parser,
    reader_and_floor,
    runs_of,
    scratch,
    write_result,
)

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

FIRST_MS = 50.0
SETTLED_MS = 150.0


def child(args: Any) -> int:
    """One process: open the big review ``--opens`` times from its neighbour above."""
    # The reader's and Textual's modules: the children's, not the parent's (0.14 s of CPU).
    from _pilot import instrument, press, review_shown, run_app, settle, started

    subject = instrument(args.subject)
    corpus = facts(args.db)
    big = corpus.big_thread
    if big is None:
        raise SystemExit("the corpus has no comments")
    position = corpus.order.index(big)
    if position == 0:
        raise SystemExit("the big thread is on the newest review; use --big-thread-at middle")
    above = corpus.order[position - 1]

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, Any]:
        await started(app, corpus.newest, began)
        first: list[float] = []
        settled: list[float] = []
        for _ in range(args.opens):
            moved = time.perf_counter()
            subject.select(app, above)
            # Already there (the big thread is second newest): nothing to wait for.
            with contextlib.suppress(TimeoutError):
                await settle(app, moved, review_shown(above, moved), quiet=0.1, timeout=5)
            key_at = press(app, "j")
            timing = await settle(app, key_at, review_shown(big, key_at), quiet=0.1)
            first.append(timing.first * 1000)
            settled.append(timing.settled * 1000)
        return {"first": first, "settled": settled, "comments": corpus.comment_counts[big]}

    write_result(args.result, run_app(subject, args.db, scenario))
    return 0


def figures(reader: list[dict[str, Any]], floor: list[dict[str, Any]]) -> list[Figure]:
    """First comments and settled over all openings; settled on the first opening alone."""

    def every(runs: list[dict[str, Any]], key: str) -> list[float]:
        return [value for run in runs for value in run[key]]

    def cold(runs: list[dict[str, Any]], key: str) -> list[float]:
        return [run[key][0] for run in runs if run[key]]

    count = reader[0]["comments"] if reader else 0
    note = f"{count:,} comments"
    return [
        Figure(
            "big thread: first comments on screen",
            every(reader, "first"),
            "ms",
            every(floor, "first"),
            FIRST_MS,
            note=note,
        ),
        Figure(
            "big thread: settled",
            every(reader, "settled"),
            "ms",
            every(floor, "settled"),
            SETTLED_MS,
            note=note,
        ),
        Figure(
            "big thread: settled, first opening in a process",
            cold(reader, "settled"),
            "ms",
            cold(floor, "settled"),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run reader and floor processes alternately and print the table."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    p.add_argument("--opens", type=int, default=None, help="openings per process (default 5)")
    args = p.parse_args(argv)
    args.opens = args.opens or (2 if args.quick else 5)
    if args.child:
        return child(args)
    db = corpus_of(args)
    with scratch() as work:
        copy = copy_into(work, db)
        extra = ["--db", str(copy), "--opens", str(args.opens)]
        results = reader_and_floor("big_thread.py", extra, runs_of(args), work)
    emit("Big thread (open the review with the most comments)", figures(**results), args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
