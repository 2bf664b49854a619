"""Another process writes: the reader takes the change in while keys keep being answered.

Each fresh process runs the reader in-process (160x50) on a private copy of
the big file. Once the newest review is up, ``reviews reply`` in a child
process adds a reply to it (a second terminal, a script); when that process
has exited, the reader's own check for changes runs (the one its 2-second
timer runs) and re-reads the whole file. Meanwhile a thread sends a probe key
every 5 ms, the way a terminal's input thread does: the longest wait of a key
shows whether the reload ever holds up the UI. Also: check → the new reply
painted in the thread. The floor is ``orjson.loads`` of the same file in the
same process (what any reload of the whole file must do).

    python benchmarks/live_refresh.py [--quick] [--runs 3]
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from _harness import (
    Figure,
    copy_into,
    corpus_of,
    emit,
    facts,
    parser,
    percentile,
    run_child,
    runs_of,
    scratch,
    write_result,
)

KEY_MS = 50.0
PROBE_EVERY = 0.005
REPLY = "A reply written by another process while the reader was open."


def ui_child(db: Path) -> dict[str, Any]:
    """Reader open; another process replies; the reload timed and keys probed meanwhile."""
    from _keys import KeyProbe
    from _pilot import PROBE, instrument, run_app, settle, started
    from textual.app import App
    from textual.pilot import Pilot

    from tui.app import ReviewsApp
    from tui.screens.reader import ReaderScreen

    subject = instrument("reader")
    corpus = facts(db)
    keys = KeyProbe(ReviewsApp, PROBE_EVERY)

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, Any]:
        await started(app, corpus.newest, began)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        # The other process: the real command line, as a second terminal would run it.
        command = [sys.executable, "-m", "tui", "reply", str(corpus.newest), "--db", str(db)]
        writer = await asyncio.to_thread(
            subprocess.run, [*command, "--text", REPLY], capture_output=True, text=True, check=True
        )
        keys.start(app)
        await asyncio.sleep(0.05)  # the probe running before the reload starts
        checked_at = time.perf_counter()
        screen.check_for_changes()
        shown = await settle(
            app, checked_at, lambda: PROBE.mark_after("comments", checked_at), quiet=0.2
        )
        await asyncio.sleep(0.05)
        keys.stop()
        waits = keys.waits_ms()
        if REPLY not in [row.comment.body for row in screen._thread().rows]:
            raise RuntimeError("the other process's reply was not shown")
        return {
            # For diagnosis: keys that waited > 20 ms, (due after the check, waited) in ms.
            "slow_keys": [
                (round((due - checked_at) * 1000, 1), round(waited * 1000, 1))
                for due, waited in keys.latencies
                if waited > 0.02
            ],
            "visible": shown.first * 1000,
            "settled": shown.settled * 1000,
            "key_max": max(waits, default=0.0),
            "key_p50": percentile(waits, 50),
            "probes": len(waits),
            "comment_id": int(writer.stdout.strip()),
        }

    data: dict[str, Any] = run_app(subject, db, scenario)
    return data


def floor_child(db: Path) -> dict[str, Any]:
    """``orjson.loads`` of the file, as any reload must do (three times; the median)."""
    raw = db.read_bytes()
    times = []
    for _ in range(3):
        began = time.perf_counter()
        orjson.loads(raw)
        times.append((time.perf_counter() - began) * 1000)
    return {"loads": sorted(times)[1]}


def child(args: Any) -> int:
    """One process of the kind asked for."""
    data = floor_child(args.db) if args.subject == "floor" else ui_child(args.db)
    write_result(args.result, data)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Reader runs and floor runs alternately, each reader on a fresh copy."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    args = p.parse_args(argv)
    if args.child:
        return child(args)
    db = corpus_of(args)
    ui: list[dict[str, Any]] = []
    floor: list[dict[str, Any]] = []
    with scratch() as work:
        for number in range(runs_of(args)):
            copy = copy_into(work, db, f"live-{number}.json")
            ui.append(run_child("live_refresh.py", ["--subject", "ui", "--db", str(copy)], work))
            floor.append(
                run_child("live_refresh.py", ["--subject", "floor", "--db", str(copy)], work)
            )
    rows = [
        Figure(
            "another process's reply: check → painted in the thread",
            [run["visible"] for run in ui],
            "ms",
            [run["loads"] for run in floor],
            note="floor: orjson.loads of the file",
        ),
        Figure(
            "key latency during the reload, max",
            [run["key_max"] for run in ui],
            "ms",
            limit=KEY_MS,
            note=f"probe key every {PROBE_EVERY * 1000:.0f} ms",
        ),
        Figure("key latency during the reload, p50", [run["key_p50"] for run in ui], "ms"),
    ]
    emit("Live refresh (another process writes)", rows, args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
