"""How startup and reply save grow with the database: 5, 10, 20 and 43 MB.

For each size a corpus of the default shape is scaled to about that many
megabytes; startup (tmux, until the newest review and its comments are on
screen) and ``Store.add_reply`` are measured against their floors as in
``startup.py`` and ``reply_save.py``. The table shows each median, its cost
per MB, and the slope between successive sizes: growth is linear when the
slope stays level, and the slope is what a bigger database will cost.

    python benchmarks/scaling.py [--quick] [--sizes 5,10,20,43] [--replies 4] [--no-warm-up]
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import reply_save
import startup
from _harness import FULL, Figure, corpus_file, emit, parser, runs_of, scratch, sizes_of
from _terminal import tmux_available

FULL_MB = 55.2
"""The size of the default corpus (10,000 reviews, 100,000 comments), for scaling."""


@dataclass
class Point:
    """Medians at one database size, in seconds."""

    megabytes: float
    startup: float
    startup_floor: float
    save: float
    save_floor: float


def measure(path: Path, runs: int, work: Path, *, replies: int = 4, warm_up: bool = True) -> Point:
    """Startup and reply save medians (reader and floor) on one corpus.

    ``replies`` saves per process (the first, which takes the backup, is left out of
    the median, so at least 2); ``warm_up`` as in ``startup.measure``.
    """
    nan = float("nan")
    # The first launch (no snapshot): the startup that grows with the file. From the
    # snapshot the first screen does not depend on the size (startup.py measures it).
    start = (
        startup.measure(path, runs, work, warm_up=warm_up, snapshot=False)
        if tmux_available()
        else None
    )
    saves = reply_save.measure(path, runs, work, replies=replies)
    steady = [median(run["saves"][1:]) for run in saves["store"]]
    floor = [median(run["saves"][1:]) for run in saves["floor"]]
    return Point(
        path.stat().st_size / 1e6,
        median([launch.ready for launch in start.reader]) if start else nan,
        median([launch.ready for launch in start.floor]) if start else nan,
        median(steady),
        median(floor),
    )


def slope(points: list[Point], attr: str) -> list[float]:
    """Milliseconds per MB between each pair of successive sizes."""
    return [
        (getattr(b, attr) - getattr(a, attr)) * 1000 / (b.megabytes - a.megabytes)
        for a, b in itertools.pairwise(points)
    ]


def table(points: list[Point]) -> str:
    """Medians, cost per MB and slope per size, as Markdown."""
    lines = [
        "| MB | startup | floor | startup ms/MB | floor ms/MB | startup slope | floor slope "
        "| save | floor | save ms/MB | floor ms/MB | save slope | floor slope |",
        "|" + "---:|" * 13,
    ]
    slopes = {
        attr: ["-", *(f"{s:.1f}" for s in slope(points, attr))]
        for attr in ("startup", "startup_floor", "save", "save_floor")
    }
    for i, p in enumerate(points):
        lines.append(
            f"| {p.megabytes:.1f} | {p.startup:.3f} s | {p.startup_floor:.3f} s "
            f"| {p.startup * 1000 / p.megabytes:.1f} | {p.startup_floor * 1000 / p.megabytes:.1f} "
            f"| {slopes['startup'][i]} | {slopes['startup_floor'][i]} "
            f"| {p.save * 1000:.1f} ms | {p.save_floor * 1000:.1f} ms "
            f"| {p.save * 1000 / p.megabytes:.2f} | {p.save_floor * 1000 / p.megabytes:.2f} "
            f"| {slopes['save'][i]} | {slopes['save_floor'][i]} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every size and print the scaling table and the overall slopes."""
    p = parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    p.add_argument("--sizes", default=None, help="target sizes in MB, comma separated")
    p.add_argument("--replies", type=int, default=4, help="reply saves per process (>= 2)")
    p.add_argument(
        "--no-warm-up", action="store_true", help="skip startup's unmeasured warm-up launches"
    )
    args = p.parse_args(argv)
    if args.replies < 2:
        p.error("--replies: at least 2 (the first save, with the backup, is not counted)")
    targets = [
        float(s) for s in (args.sizes or ("0.5,1,2" if args.quick else "5,10,20,43")).split(",")
    ]
    base = sizes_of(args) if (args.reviews or args.comments) else FULL
    runs = runs_of(args)
    points: list[Point] = []
    with scratch() as work:
        for target in targets:
            path = corpus_file(base.scaled(target / FULL_MB))
            points.append(
                measure(path, runs, work, replies=args.replies, warm_up=not args.no_warm_up)
            )
    print("### Scaling: startup (newest review on screen) and reply save, by database size")
    print()
    print(table(points))
    print()
    first, last = points[0], points[-1]
    span = last.megabytes - first.megabytes

    def overall(attr: str) -> float:
        return (getattr(last, attr) - getattr(first, attr)) * 1000 / span if span else float("nan")

    rows = [
        Figure(
            f"startup slope {first.megabytes:.0f}-{last.megabytes:.0f} MB",
            [overall("startup")],
            "ms/MB",
            [overall("startup_floor")],
        ),
        Figure(
            f"reply save slope {first.megabytes:.0f}-{last.megabytes:.0f} MB",
            [overall("save")],
            "ms/MB",
            [overall("save_floor")],
        ),
    ]
    emit("Scaling (slopes)", rows, args, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
