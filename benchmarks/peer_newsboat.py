"""Side by side with newsboat, the reader people compare with, on the same big RSS feed.

Both programs get the same generated feed (10,000 items of ~1.3 KB HTML) and
run in the same 160x50 tmux pane, alternating, each run in fresh processes:

- take in the feed: ``newsboat -x reload`` into a fresh cache, against
  ``reviews import FEED`` into a fresh database (wall time and peak RSS);
- launch -> the list on screen: newsboat's feed list, then Enter to its article
  list; reviews' newest title and the first words of its body;
- ``j`` in the list -> the screen starts to change, p50 and p99 over many presses
  (newsboat is given ``bind-key j down``, as its users do);
- RSS when idle after launch, and after 100 presses.

newsboat is the floor column; the ratio is reviews / newsboat. Nothing is
installed here: without ``newsboat`` (Debian's package) or tmux on the PATH the
script says so and exits 0.

    python benchmarks/peer_newsboat.py [--quick] [--items 10000] [--runs 5] [--keys 500]
                                        [--idle 1.0] [--only-import]

``--only-import`` measures only the first two rows (taking in the feed), in seconds
rather than minutes: for comparing importer changes.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from _harness import PYTHON, Figure, interleave, percentile, scratch, table
from _terminal import TmuxTerminal, tmux_available

WORDS = (
    *("light", "frame", "score", "silence", "harbour", "mirror", "winter", "train"),
    *("station", "garden", "letters", "camera", "actor", "scene", "pacing", "tension"),
    *("luminous", "familiar", "stranger", "mountain", "desert", "road"),
)
FILMS = ("Her", "Amélie", "Parasite", "Moon", "Past Lives", "Aftersun", "Burning", "Tár")


def write_feed(path: Path, items: int, seed: int = 17) -> Path:
    """An RSS 2.0 feed of ``items`` reviews, newest first, ~1.3 KB of HTML each."""
    rng = random.Random(seed)
    start = time.mktime((2025, 1, 1, 12, 0, 0, 0, 0, 0))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Peer Bench Reviews</title><link>http://bench.invalid/</link>"
        "<description>generated</description>\n"
    ]
    for number in range(items, 0, -1):
        film = FILMS[number % len(FILMS)]
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(35, 45))).capitalize() + "."
            for _ in range(4)
        ]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(start - number * 3600))
        parts.append(
            f"<item><title>Review {number}: {escape(film)}</title>"
            f"<link>http://bench.invalid/{number}</link><guid>bench-{number}</guid>"
            f"<pubDate>{stamp}</pubDate><description>{escape(body)}</description></item>\n"
        )
    parts.append("</channel></rss>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Peer:
    """How to run newsboat on the feed, with its own urls, config and cache files."""

    folder: Path
    feed: Path

    def files(self) -> tuple[Path, Path, Path]:
        urls, config, cache = (self.folder / n for n in ("urls", "config", "cache.db"))
        urls.write_text(f"file://{self.feed}\n")
        config.write_text("bind-key j down\nbind-key k up\nshow-read-feeds yes\n")
        return urls, config, cache

    def argv(self, *extra: str) -> list[str]:
        urls, config, cache = self.files()
        return ["newsboat", "-u", str(urls), "-C", str(config), "-c", str(cache), *extra]


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of ``argv``, as the kernel accounts it."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{argv[0]} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` now, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    """Measure both programs and print the table of reviews against newsboat."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="1,000 items, 2 runs, 100 keys")
    p.add_argument("--items", type=int, default=None)
    p.add_argument("--runs", type=int, default=None)
    p.add_argument("--keys", type=int, default=None)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument(
        "--idle", type=float, default=1.0, help="seconds after launch before the idle RSS"
    )
    p.add_argument("--only-import", action="store_true", help="only the rows of the import")
    args, _ = p.parse_known_args(argv)  # run_all passes corpus sizes it does not use
    if shutil.which("newsboat") is None or not tmux_available():
        print("peer_newsboat: skipped, newsboat or tmux is not installed", file=sys.stderr)
        return 0
    items = args.items or (1_000 if args.quick else 10_000)
    runs = args.runs or (2 if args.quick else 5)
    keys = args.keys or (100 if args.quick else 500)
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    with scratch() as work:
        feed = write_feed(work / "feed.xml", items)
        rows = measure(work, feed, runs, keys, args.idle, launches=not args.only_import)
        size = feed.stat().st_size / 1e6
    title = f"reviews vs newsboat — {items:,}-item feed ({size:.1f} MB), medians of {runs} runs"
    print(table(rows, title).replace("| floor |", "| newsboat |"))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nmachine load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} cores")
    if args.json is not None:
        import json

        args.json.write_text(json.dumps({"title": title, "figures": [r.row() for r in rows]}))
    return 0


def measure(
    work: Path, feed: Path, runs: int, keys: int, idle: float = 1.0, *, launches: bool = True
) -> list[Figure]:
    """Every figure (or only the import's, without ``launches``), both programs alternating."""
    peer = Peer(work, feed)
    db = work / "reviews.json"

    def newsboat_import() -> tuple[float, float]:
        (work / "cache.db").unlink(missing_ok=True)
        return timed(peer.argv("-x", "reload"))

    def reviews_import() -> tuple[float, float]:
        for stale in work.glob("reviews.json*"):
            stale.unlink()
        return timed([PYTHON, "-m", "tui", "--db", str(db), "import", str(feed)])

    took = interleave(runs, {"reviews": reviews_import, "newsboat": newsboat_import})
    newest = "Review 1: "  # the newest item (numbers count back in time)
    rows = [
        Figure(
            "take in the feed",
            [t[0] for t in took["reviews"]],
            "s",
            [t[0] for t in took["newsboat"]],
            limit=1.0,
            ratio_target=True,
        ),
        Figure(
            "take in the feed: peak RSS",
            [t[1] for t in took["reviews"]],
            "MB",
            [t[1] for t in took["newsboat"]],
        ),
    ]
    if not launches:
        return rows
    launched = interleave(
        runs,
        {
            "reviews": lambda: _launch_reviews(db, newest, keys, idle),
            "newsboat": lambda: _launch_newsboat(peer, newest, keys, idle),
        },
    )
    for name, index, unit, limit in (  # the targets of "Faster than newsboat"
        ("launch -> the list on screen", 0, "s", 1.0),
        ("j in the list -> screen changed, p50", 1, "ms", 1.0),
        ("j in the list -> screen changed, p99", 2, "ms", 1.5),
        ("RSS idle after launch", 3, "MB", 1.5),
        ("RSS after 100 keys", 4, "MB", 2.0),
    ):
        rows.append(
            Figure(
                name,
                [r[index] for r in launched["reviews"]],
                unit,
                [r[index] for r in launched["newsboat"]],
                limit=limit,
                ratio_target=True,
            )
        )
    return rows


def _keys(terminal: TmuxTerminal, count: int) -> tuple[float, float, float]:
    """Press ``j`` ``count`` times: p50, p99 (ms) and the RSS after the first 100."""
    times: list[float] = []
    rss_after = float("nan")
    pid = terminal.pane_pid()
    for number in range(count):
        took = terminal.press("j")
        if took is not None:
            times.append(took * 1000)
        if number == 99:
            rss_after = rss_mb(pid)
    if len(times) < count * 0.9:
        raise RuntimeError(f"only {len(times)} of {count} keys changed the screen")
    return percentile(times, 50), percentile(times, 99), rss_after


def _launch_reviews(db: Path, newest: str, keys: int, idle: float) -> tuple[float, ...]:
    with TmuxTerminal() as terminal:
        launch = terminal.launch([PYTHON, "-m", "tui", "--db", str(db)], [newest])
        time.sleep(idle)
        idle = rss_mb(launch.pid)
        p50, p99, after = _keys(terminal, keys)
    return launch.ready, p50, p99, idle, after


def _launch_newsboat(peer: Peer, newest: str, keys: int, idle: float) -> tuple[float, ...]:
    with TmuxTerminal() as terminal:
        launch = terminal.launch(peer.argv(), ["Peer Bench Reviews"])
        articles = terminal.press_until("Enter", [newest])
        time.sleep(idle)
        idle = rss_mb(launch.pid)
        p50, p99, after = _keys(terminal, keys)
    return launch.ready + articles, p50, p99, idle, after


if __name__ == "__main__":
    sys.exit(main())
