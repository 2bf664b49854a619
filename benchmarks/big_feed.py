"""A 100,000-entry RSS feed through `reviews import`: time, and peak memory against the file.

Issue 11: "A feed with 100,000 entries took 42 s and 391 MB to import. Stream
it, show progress, and keep memory flat (<= 2x the size of what is imported)".
"What is imported" is read as the feed file: its size in bytes on disk is the
floor column of every memory row, so the ratio column is peak RSS / feed size
and the target is <= 2x.

One generated feed (``peer_newsboat.write_feed``: 100,000 items of ~1.3 KB of
HTML, 142 MB; ``--quick``: 10,000) in a temp dir; each measured command runs in
a fresh child process, and its peak RSS and CPU time are that child's own
(``os.wait4``); the time target is on CPU time, as wall time on the shared build
machine moves by 2x with other work:

- ``reviews import FEED`` into a new database (streamed);
- the same into a database that already holds 5,000 reviews of the same blog
  (the oldest posts, with other text: 5,000 updated, the rest added);
- the whole-file path the import took before streaming (``load_path`` then
  ``Store.import_reviews``, still what a feed that cannot be streamed takes),
  measured in the same run as the "before" figure; its time is the floor of
  the streamed import's time (target: no slower);
- the baseline: a bare ``python -c pass`` (what any Python process costs);
- ``newsboat -x reload`` of the same feed, when newsboat is installed.

    python benchmarks/big_feed.py [--quick] [--items N] [--runs N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from _harness import PYTHON, ROOT, Figure, interleave, scratch, table
from peer_newsboat import write_feed

EXISTING = 5_000
"""Reviews already in the database of the second case."""
WHOLE_FILE = (
    "import sys; from pathlib import Path; import tui.cli.importing; "
    "from tui.importers import load_path; "
    "from tui.store import Store; "
    "s = Store(Path(sys.argv[1])); s.import_reviews(load_path(Path(sys.argv[2]))); s.close()"
)
"""The import as it was before streaming: the whole feed read, then merged (with the
modules the command loads, so that only the import itself differs)."""


_HELPER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
cpu = usage.ru_utime + usage.ru_stime
said = errors.decode(errors="replace")[-2000:]
print(json.dumps([wall, usage.ru_maxrss / 1024, cpu, code, said]))
"""
"""Runs one command and reports its wall time, its own peak RSS and CPU time. A child's peak RSS
counts the memory of the process it was forked from (until its exec): this small helper,
not the benchmark holding a 142 MB feed, is what the measured command is forked from."""


def measure_child(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one fresh process running ``argv``."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [PYTHON, "-c", _HELPER, *argv], cwd=ROOT, env=env, capture_output=True, check=True
    )
    wall, rss, cpu, code, errors = json.loads(out.stdout)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv[:4])}… failed: {errors}")
    return float(wall), float(rss), float(cpu)


def main(argv: list[str] | None = None) -> int:
    """Generate the feed, measure every subject alternately, print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="10,000 items, 2 runs")
    p.add_argument("--items", type=int, default=None, help="entries in the feed (100,000)")
    p.add_argument("--runs", type=int, default=None, help="fresh runs of each (3)")
    p.add_argument(
        "--existing",
        type=int,
        default=EXISTING,
        help=f"reviews already in the database of the second case ({EXISTING:,})",
    )
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args, _ = p.parse_known_args(argv)  # run_all passes corpus sizes it does not use
    items = args.items or (10_000 if args.quick else 100_000)
    runs = args.runs or (2 if args.quick else 3)
    with scratch() as work:
        feed = write_feed(work / "feed.xml", items)
        megabytes = feed.stat().st_size / 1e6
        rows = measure(work, feed, runs, megabytes, args.existing)
    title = (
        f"reviews import of a {items:,}-entry RSS feed ({megabytes:.1f} MB), medians of {runs} "
        "fresh runs; memory floor = the feed file's size (what is imported), target RSS <= 2x it"
    )
    print(table(rows, title))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nmachine load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} cores")
    if args.json is not None:
        args.json.write_text(json.dumps({"title": title, "figures": [r.row() for r in rows]}))
    return 0


def measure(
    work: Path, feed: Path, runs: int, megabytes: float, existing: int = EXISTING
) -> list[Figure]:
    """Every subject, alternating, ``runs`` times; the table's rows (``existing``: the
    reviews already in the database of the second case)."""
    db = work / "reviews.json"
    seeded = _seeded_database(work, existing)

    def fresh(argv: Callable[[], list[str]]) -> Callable[[], tuple[float, float, float]]:
        def run() -> tuple[float, float, float]:
            for stale in work.glob("reviews.json*"):
                stale.unlink()
            shutil.rmtree(work / "backups", ignore_errors=True)
            return measure_child(argv())

        return run

    def into_existing() -> list[str]:
        shutil.copyfile(seeded, db)
        return _import(db, feed)

    subjects = {
        "streamed": fresh(lambda: _import(db, feed)),
        "existing": fresh(into_existing),
        "whole file": fresh(lambda: [PYTHON, "-c", WHOLE_FILE, str(db), str(feed)]),
        "bare python": lambda: measure_child([PYTHON, "-c", "pass"]),
    }
    if shutil.which("newsboat") is not None:
        subjects["newsboat"] = lambda: _newsboat(work, feed)
    took = interleave(runs, subjects)
    size = [megabytes] * runs
    # Python and the libraries take ~40 MB whatever the feed: the 2x target is the
    # issue's, for its 100,000 entries; a smaller feed is measured against none.
    target = 2.0 if megabytes >= 100 else None

    def wall(name: str) -> list[float]:
        return [t[0] for t in took[name]]

    def rss(name: str) -> list[float]:
        return [t[1] for t in took[name]]

    def cpu(name: str) -> list[float]:
        return [t[2] for t in took[name]]

    # On a shared 2-core machine wall time moves by 2x with other work: the time target
    # is on CPU time (user + sys), wall time is shown beside it.
    rows = [
        Figure(
            "import into a new database: CPU time (floor: the whole-file import)",
            cpu("streamed"),
            "s",
            cpu("whole file"),
            limit=1.0,
            ratio_target=True,
        ),
        Figure(
            "import into a new database: wall (floor: the whole-file import)",
            wall("streamed"),
            "s",
            wall("whole file"),
        ),
        Figure(
            "import into a new database: peak RSS",
            rss("streamed"),
            "MB",
            size,
            limit=target,
            ratio_target=True,
        ),
        Figure(
            f"import into a database of {existing:,} reviews: CPU time",
            cpu("existing"),
            "s",
            cpu("whole file"),
        ),
        Figure(
            f"import into a database of {existing:,} reviews: peak RSS",
            rss("existing"),
            "MB",
            size,
            limit=target,
            ratio_target=True,
        ),
        Figure(
            "before streaming (whole file, then merged): peak RSS", rss("whole file"), "MB", size
        ),
        Figure("baseline: bare python -c pass, peak RSS", rss("bare python"), "MB"),
    ]
    if "newsboat" in took:
        rows += [
            Figure("newsboat -x reload of the same feed: wall", wall("newsboat"), "s"),
            Figure("newsboat -x reload: CPU time", cpu("newsboat"), "s"),
            Figure("newsboat -x reload: peak RSS", rss("newsboat"), "MB", size),
        ]
    return rows


def _import(db: Path, feed: Path) -> list[str]:
    return [PYTHON, "-m", "tui", "--db", str(db), "import", str(feed)]


def _seeded_database(work: Path, existing: int = EXISTING) -> Path:
    """A database holding ``existing`` reviews: the blog's oldest posts, other text."""
    older = write_feed(work / "older.xml", existing, seed=3)
    seeded = work / "seeded.json"
    measure_child(_import(seeded, older))
    older.unlink()
    return seeded


def _newsboat(work: Path, feed: Path) -> tuple[float, float, float]:
    folder = work / "newsboat"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "urls").write_text(f"file://{feed}\n")
    (folder / "config").write_text("")
    argv = ["newsboat", "-u", str(folder / "urls"), "-C", str(folder / "config")]
    return measure_child([*argv, "-c", str(folder / "cache.db"), "-x", "reload"])


if __name__ == "__main__":
    sys.exit(main())
