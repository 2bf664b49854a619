"""`reviews export --format wordpress` of 10,000 reviews, against the JSON export of the same.

The baseline is `reviews export --output FILE` (JSON, everything the database holds),
the same command with its own format: both read the database in a fresh process and
write one file atomically, so the ratio is what the WXR costs on top (Markdown
rendered to HTML, XML escaping, the meta). The database is made by importing the
WXR file of ``import_wxr.py``. Runs alternate (json, wordpress, json, ...); the table
shows the medians and their ratio, which is what to compare between commits.

    python benchmarks/export_wxr.py [--posts 10000] [--comments 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_wxr import write_wxr

ROOT = Path(__file__).resolve().parent.parent


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    """Build the database, time both exports alternately, print the medians and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    reviews = [sys.executable, "-m", "tui"]
    with tempfile.TemporaryDirectory(prefix="export-wxr-") as scratch:
        folder = Path(scratch)
        source, db = folder / "source.xml", folder / "reviews.json"
        write_wxr(source, args.posts, args.comments)
        subprocess.run([*reviews, "import", "--db", str(db), str(source)], check=True, env=env)
        json_out, wxr_out = folder / "out.json", folder / "out.xml"
        baselines, candidates = [], []
        for _ in range(args.runs):
            baselines.append(
                _timed([*reviews, "export", "--db", str(db), "-o", str(json_out)], env)
            )
            candidates.append(
                _timed(
                    [
                        *reviews,
                        "export",
                        "--db",
                        str(db),
                        "--format",
                        "wordpress",
                        "-o",
                        str(wxr_out),
                    ],
                    env,
                )
            )
        sizes = json_out.stat().st_size / 1e6, wxr_out.stat().st_size / 1e6
    base, candidate = statistics.median(baselines), statistics.median(candidates)
    print(f"export_wxr: {args.posts:,} reviews, {args.comments} comments each")
    print(f"{'figure':<32}{'median s':>10}{'json s':>10}{'ratio':>8}")
    print(
        f"{'reviews export --format wordpress':<32}{candidate:>10.2f}{base:>10.2f}"
        f"{candidate / base:>8.1f}x"
    )
    print(f"file sizes: json {sizes[0]:.1f} MB, wxr {sizes[1]:.1f} MB")


if __name__ == "__main__":
    main()
