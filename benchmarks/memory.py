"""Memory: the reader's resident size after startup against the parsed data alone.

The floor is what the data itself costs: the RSS of a process that only
``orjson.loads`` the file, minus that of a bare interpreter that imported
orjson. The reader runs in-process (``App.run_test``, 160x50) until the newest
review and its comments are painted and quiet; its RSS is read then, and its
peak (``VmHWM``) two seconds later, after the read-mark write that follows.
The floor app (Textual plus the parsed data in plain widgets) is shown for
comparison.

    python benchmarks/memory.py [--quick]
"""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path
from typing import Any

import orjson
from _harness import (
    Figure,
    copy_into,
    corpus_of,
    emit,
    facts,
    interleave,
    parser,
    run_child,
    runs_of,
    scratch,
    write_result,
)

RATIO = 2.0
AFTER = 2.0
"""Seconds after startup at which the peak is read (a read-mark write happens by then)."""


def status() -> dict[str, float]:
    """This process's resident size now and at its peak, in MB."""
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0]) / 1024
    return out


def app_child(subject_name: str, db: Path, after: float) -> dict[str, float]:
    """Start the reader (or floor app), wait until it settles, then read its memory."""
    from _pilot import instrument, run_app, started
    from textual.app import App
    from textual.pilot import Pilot

    subject = instrument(subject_name)
    newest = facts(db).newest

    async def scenario(app: App[Any], pilot: Pilot[Any], began: float) -> dict[str, float]:
        await started(app, newest, began)
        now = status()
        await asyncio.sleep(after)
        later = status()
        return {"rss": now["VmRSS"], "later": later["VmRSS"], "peak": later["VmHWM"]}

    data: dict[str, float] = run_app(subject, db, scenario)
    return data


def child(args: Any) -> int:
    """Measure one process of the kind asked for."""
    if args.subject == "bare":
        data = status()
    elif args.subject == "parsed":
        raw = args.db.read_bytes()
        tables = orjson.loads(raw)
        del raw
        data = status()
        data["tables"] = len(tables)
    else:
        data = app_child(args.subject, args.db, args.after)
    write_result(args.result, data)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Measure the four kinds of process alternately and print the table."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    p.add_argument("--after", type=float, default=AFTER, help="seconds before the peak is read")
    args = p.parse_args(argv)
    if args.child:
        return child(args)
    db = corpus_of(args)
    with scratch() as work:
        copy = copy_into(work, db)
        results = interleave(
            runs_of(args),
            {
                kind: functools.partial(
                    run_child,
                    "memory.py",
                    ["--subject", kind, "--db", str(copy), "--after", str(args.after)],
                    work,
                )
                for kind in ("bare", "parsed", "reader", "floor")
            },
        )
    bare = [run["VmRSS"] for run in results["bare"]]
    parsed = [run["VmRSS"] - b for run, b in zip(results["parsed"], bare, strict=True)]
    rows = [
        Figure("parsed data alone (orjson RSS - bare RSS)", parsed, "MB"),
        Figure(
            "reader RSS after startup",
            [run["rss"] for run in results["reader"]],
            "MB",
            parsed,
            RATIO,
            True,
            note="floor: parsed data",
        ),
        Figure(
            f"reader RSS {args.after:g} s later",
            [r["later"] for r in results["reader"]],
            "MB",
            parsed,
        ),
        Figure("reader peak RSS (VmHWM)", [r["peak"] for r in results["reader"]], "MB", parsed),
        Figure(
            "floor app RSS (Textual + parsed data)",
            [r["rss"] for r in results["floor"]],
            "MB",
            parsed,
        ),
        Figure("bare interpreter RSS", bare, "MB"),
    ]
    emit("Memory", rows, args, db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
