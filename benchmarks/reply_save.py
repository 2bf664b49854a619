"""Saving a reply on the big database: the durable write, and the UI while it runs.

*Store* processes open ``tui.store.Store`` on a private copy and time
``add_reply`` several times (the first of a session also copies a backup,
so it is reported alone). *Floor* processes parse the same file and time what
any durable save must do: ``orjson.dumps`` of all the tables, ``write`` and
``fsync``. The two kinds alternate.

*UI* processes run the reader in-process, open the reply composer on the
newest review, press ``ctrl+s``, and meanwhile a thread sends a probe key
every 5 ms the way a terminal's input thread does (``_keys.py``: each
stamped when it was due): how long each waits before
the app handles it shows whether the UI keeps answering during the save and
the reload after it.

*Command* runs are ``reviews reply`` as a user runs it from the shell: a fresh
process per reply, all on one private copy (each adds its reply to the same
file, as a user's replies do). The first call finds no index of ids beside the
copy, opens the whole file and writes one; it is reported alone. The others
take the point write (``tui.store.point_reply``). Their floor is a fresh
process that ``orjson.loads`` the file, which any command that parses the
database pays; the target is the issue's 1 s, at any size.

    python benchmarks/reply_save.py [--quick] [--replies 6] [--command-only] [--ui-only]
"""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

import orjson
from _harness import (
    PYTHON,
    Figure,
    child_env,
    copy_into,
    corpus_of,
    emit,
    facts,
    interleave,
    parser,
    percentile,
    run_child,
    runs_of,
    scratch,
    write_result,
)

RATIO = 1.5
COMMAND_S = 1.0
"""The issue's target for ``reviews reply``, whatever the database's size."""
KEY_MS = 50.0
PROBE_EVERY = 0.005


# -- the durable write --------------------------------------------------------------------


def store_child(db: Path, replies: int) -> dict[str, Any]:
    """Open the store, then time ``replies`` calls of ``add_reply`` on the newest review."""
    from tui.store import Store

    newest = facts(db).newest
    began = time.perf_counter()
    store = Store(db)
    opened = time.perf_counter() - began
    times = []
    try:
        for number in range(replies):
            began = time.perf_counter()
            store.add_reply(newest, None, "bench", f"Benchmark reply {number}.")
            times.append(time.perf_counter() - began)
    finally:
        store.close()
    return {"open": opened, "saves": times}


def floor_child(db: Path, replies: int) -> dict[str, Any]:
    """Parse ``db``; then, ``replies`` times, serialise everything, write and fsync it."""
    began = time.perf_counter()
    tables = orjson.loads(db.read_bytes())
    opened = time.perf_counter() - began
    target = db.with_name(db.name + ".floor")
    times = []
    for number in range(replies):
        tables["comments"][str(10**9 + number)] = {"body": f"Benchmark reply {number}."}
        began = time.perf_counter()
        data = orjson.dumps(tables)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        times.append(time.perf_counter() - began)
    target.unlink()
    return {"open": opened, "saves": times}


# -- the UI during the save ------------------------------------------------------------------


def ui_child(db: Path) -> dict[str, Any]:
    """Save a reply from the composer while probe keys arrive; their latencies and timings."""
    from _keys import KeyProbe
    from _pilot import PROBE, instrument, run_app, settle, started, wait_mark
    from textual.app import App
    from textual.pilot import Pilot

    from tui.app import ReviewsApp

    subject = instrument("reader")
    corpus = facts(db)
    keys = KeyProbe(ReviewsApp, PROBE_EVERY)

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, Any]:
        await started(app, corpus.newest, began)
        await pilot.press("r")
        deadline = time.perf_counter() + 10
        while type(app.screen).__name__ != "ReplyComposer":
            if time.perf_counter() > deadline:
                raise TimeoutError("the reply composer did not open")
            await asyncio.sleep(0.005)
        for key in "ok":
            await pilot.press(key)
        saved_at = keys.start(app)
        await pilot.press("ctrl+s")
        start = await wait_mark("write-start", saved_at, 30)
        end = await wait_mark("write-end", saved_at, 60)
        if start is None or end is None:
            raise TimeoutError("the reply was not saved")
        shown = await settle(app, saved_at, lambda: PROBE.mark_after("comments", end), quiet=0.2)
        keys.stop()
        waits = keys.waits_ms(saved_at)
        return {
            # For diagnosis: keys that waited > 20 ms, (due after the write began, waited) in ms.
            "slow_keys": [
                (round((due - start) * 1000, 1), round(waited * 1000, 1))
                for due, waited in keys.latencies
                if due >= saved_at and waited > 0.02
            ],
            "reloaded": (shown.first + saved_at - start) * 1000,
            "write": end - start,
            "visible": shown.first,
            "key_max": max(waits, default=0.0),
            "key_p50": percentile(waits, 50),
            "probes": len(waits),
        }

    data: dict[str, Any] = run_app(subject, db, scenario)
    return data


# -- the parent ------------------------------------------------------------------------------


def child(args: Any) -> int:
    """Dispatch to the kind of child asked for."""
    if args.subject == "store":
        data = store_child(args.db, args.replies)
    elif args.subject == "floor":
        data = floor_child(args.db, args.replies)
    else:
        data = ui_child(args.db)
    write_result(args.result, data)
    return 0


def measure(db: Path, runs: int, work: Path, replies: int) -> dict[str, list[Any]]:
    """Store and floor processes alternately, on a private copy of ``db``."""
    copy = copy_into(work, db)
    extra = ["--db", str(copy), "--replies", str(replies)]
    return interleave(
        runs,
        {
            kind: functools.partial(run_child, "reply_save.py", ["--subject", kind, *extra], work)
            for kind in ("store", "floor")
        },
    )


def save_figures(store: list[dict[str, Any]], floor: list[dict[str, Any]]) -> list[Figure]:
    """Steady and first-of-session saves, and opening, each against the floor."""

    def steady(runs: list[dict[str, Any]]) -> list[float]:
        return [median(run["saves"][1:] or run["saves"]) * 1000 for run in runs]

    def first(runs: list[dict[str, Any]]) -> list[float]:
        return [run["saves"][0] * 1000 for run in runs]

    def opened(runs: list[dict[str, Any]]) -> list[float]:
        return [run["open"] * 1000 for run in runs]

    return [
        Figure(
            "reply save: Store.add_reply",
            steady(store),
            "ms",
            steady(floor),
            RATIO,
            True,
            note="floor: dumps + write + fsync",
        ),
        Figure(
            "reply save: first of a session (backup)",
            first(store),
            "ms",
            first(floor),
            RATIO,
            True,
        ),
        Figure("store open: Store(path)", opened(store), "ms", opened(floor), note="floor: loads"),
    ]


def ui_figures(ui: list[dict[str, Any]], floor: list[dict[str, Any]]) -> list[Figure]:
    """The save as the app runs it, and the keys meanwhile."""
    floor_ms = [median(run["saves"][1:] or run["saves"]) * 1000 for run in floor]
    return [
        Figure(
            "reply save in the app (worker)",
            [run["write"] * 1000 for run in ui],
            "ms",
            floor_ms,
            note="first of session",
        ),
        Figure("ctrl+s → reply painted in the thread", [run["visible"] * 1000 for run in ui], "ms"),
        Figure(
            "key latency during save + reload, max",
            [run["key_max"] for run in ui],
            "ms",
            limit=KEY_MS,
            note=f"probe key every {PROBE_EVERY * 1000:.0f} ms",
        ),
        Figure("key latency during save + reload, p50", [run["key_p50"] for run in ui], "ms"),
    ]


def _timed(command: list[str], work: Path) -> float:
    """Seconds a fresh process running ``command`` took, start to exit (it must succeed)."""
    began = time.perf_counter()
    subprocess.run(
        command, env=child_env(work), stdin=subprocess.DEVNULL, capture_output=True, check=True
    )
    return time.perf_counter() - began


def command_figures(db: Path, runs: int, work: Path) -> list[Figure]:
    """``reviews reply`` from the shell on a private copy of ``db`` (see the module doc)."""
    copy = copy_into(work, db, "command.json")
    newest = str(facts(db).newest)

    def reply() -> float:
        text = f"Benchmark reply from the command line, {time.time()}."
        command = [PYTHON, "-m", "tui", "reply", "--db", str(copy), newest, "--text", text]
        return _timed(command, work)

    def floor() -> float:
        load = "import orjson, sys; orjson.loads(open(sys.argv[1], 'rb').read())"
        return _timed([PYTHON, "-c", load, str(copy)], work)

    first = reply()  # no index of ids yet: the whole file is opened, and the index written
    results = interleave(runs, {"reply": reply, "floor": floor})
    return [
        Figure(
            "reply command: `reviews reply`",
            results["reply"],
            "s",
            results["floor"],
            COMMAND_S,
            note="floor: a process that orjson.loads the file",
        ),
        Figure(
            "reply command: first call (no index of ids yet)",
            [first],
            "s",
            results["floor"],
            note="opens the whole file, writes the index",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Time the durable write against its floor, then the UI during a save, then the
    command; ``--command-only``: the command alone (a big database in minutes)."""
    p = parser(__doc__.split("\n\n")[0], runs=5, quick_runs=2)
    p.add_argument("--replies", type=int, default=6, help="saves per process")
    p.add_argument("--command-only", action="store_true", help="only `reviews reply` rows")
    p.add_argument(
        "--ui-only", action="store_true", help="only the UI rows (``--runs`` reader processes)"
    )
    args = p.parse_args(argv)
    if args.child:
        return child(args)
    db = corpus_of(args)
    runs = runs_of(args)
    rows: list[Figure] = []
    with scratch() as work:
        if args.ui_only:
            copy = copy_into(work, db, "ui.json")
            ui = [
                run_child("reply_save.py", ["--subject", "ui", "--db", str(copy)], work)
                for _ in range(runs)
            ]
            extra = ["--db", str(copy), "--replies", str(args.replies)]
            floor = [run_child("reply_save.py", ["--subject", "floor", *extra], work)]
            for run in ui:
                print("slow keys (due after the write began ms, waited ms):", run["slow_keys"])
            emit("Reply save: the UI during it", ui_figures(ui, floor), args, db)
            return 0
        if not args.command_only:
            results = measure(db, runs, work, args.replies)
            copy = copy_into(work, db, "ui.json")
            ui = [
                run_child("reply_save.py", ["--subject", "ui", "--db", str(copy)], work)
                for _ in range(max(1, runs // 2 + 1))
            ]
            rows += save_figures(results["store"], results["floor"])
            rows += ui_figures(ui, results["floor"])
        rows += command_figures(db, runs, work)
    emit("Reply save (durable write; UI during it; the command)", rows, args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
