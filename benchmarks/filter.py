"""Filtering the sidebar's titles as the user types, one keystroke at a time.

Each fresh process opens the reader in-process (``App.run_test``, 160x50),
opens the filter with ``/`` and types several queries character by character,
then deletes each with backspace (widening back to every title is the costly
direction). A keystroke's latency is the time to the first frame painted after
the list received the new filter text; *settled* also waits for the reading
pane, which follows the highlighted match. The floor app filters the same
titles into a plain ``Static``.

    python benchmarks/filter.py [--quick]
"""

from __future__ import annotations

import functools
import sys
from statistics import median
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

MEDIAN_MS = 15.0
MAX_MS = 30.0
QUERIES = ("the glass", "harbour", "review: a", "amélie", "東京")
"""Typed, then deleted: broad and narrow matches, punctuation, accents, CJK."""

_KEYS = {" ": "space", ":": "colon"}


def child(args: Any) -> int:
    """One process: type and delete every query, timing each keystroke."""
    # The reader's and Textual's modules: the children's, not the parent's (0.14 s of CPU).
    from _pilot import PROBE, instrument, no_blink, press, run_app, settle, started

    subject = instrument(args.subject)
    corpus = facts(args.db)

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, Any]:
        await started(app, corpus.newest, began)
        await pilot.press("slash")
        no_blink(app)
        first: list[float] = []
        settled: list[float] = []
        values: list[str] = []
        typed = ""
        for query in QUERIES[: args.queries]:
            keys = [(char, typed + query[: i + 1]) for i, char in enumerate(query)]
            keys += [("backspace", typed + query[:i]) for i in range(len(query) - 1, -1, -1)]
            for key, value in keys:
                key_at = press(app, _KEYS.get(key, key))
                reached = functools.partial(PROBE.mark_after, "filter", key_at, value)
                timing = await settle(app, key_at, reached)
                first.append(timing.first * 1000)
                settled.append(timing.settled * 1000)
                values.append(value)
        return {
            "first": first,
            "settled": settled,
            "titles": len(corpus.order),
            "keys": len(first),
            # For diagnosis: the slowest keystrokes, by the filter text they produced.
            "slowest": sorted(zip(first, values, strict=True), reverse=True)[:6],
        }

    write_result(args.result, run_app(subject, args.db, scenario))
    return 0


def figures(reader: list[dict[str, Any]], floor: list[dict[str, Any]]) -> list[Figure]:
    """Median and worst keystroke per process (their medians over processes), and settled."""

    def per_run(runs: list[dict[str, Any]], key: str, stat: Any) -> list[float]:
        return [float(stat(run[key])) for run in runs if run[key]]

    keys = reader[0]["keys"] if reader else 0
    titles = reader[0]["titles"] if reader else 0
    note = f"{titles:,} titles, {keys} keystrokes per run"
    return [
        Figure(
            "filter: keystroke → list painted, median",
            per_run(reader, "first", median),
            "ms",
            per_run(floor, "first", median),
            MEDIAN_MS,
            note=note,
        ),
        Figure(
            "filter: keystroke → list painted, max",
            per_run(reader, "first", max),
            "ms",
            per_run(floor, "first", max),
            MAX_MS,
        ),
        Figure(
            "filter: keystroke → settled (reading pane too), median",
            per_run(reader, "settled", median),
            "ms",
            per_run(floor, "settled", median),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run reader and floor processes alternately and print the table."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    p.add_argument("--queries", type=int, default=None, help=f"how many of {len(QUERIES)}")
    args = p.parse_args(argv)
    args.queries = args.queries or (2 if args.quick else len(QUERIES))
    if args.child:
        return child(args)
    db = corpus_of(args)
    with scratch() as work:
        copy = copy_into(work, db)
        extra = ["--db", str(copy), "--queries", str(args.queries)]
        results = reader_and_floor("filter.py", extra, runs_of(args), work)
    emit("Filter (type into the sidebar filter)", figures(**results), args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
