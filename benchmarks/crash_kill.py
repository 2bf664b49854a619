"""Fault injection at scale: SIGKILL a writer N times (default 1000), print the counts.

    python benchmarks/crash_kill.py [KILLS] [--max-delay SECONDS] [--keep DIR]

Each writer is a real process adding replies through the real Store; it is
killed at a random moment and the file is then opened with a fresh Store.
Every kill must leave a loadable file holding every acknowledged reply:
``corrupt`` and ``missing`` must be 0. Exit status 1 if they are not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from writer_child import kill_loop


def main() -> int:
    """Run the kills and print one line of counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kills", type=int, nargs="?", default=1000)
    parser.add_argument("--max-delay", type=float, default=0.03, help="seconds, uniform")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="use this directory instead of a temp one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        counts = kill_loop(
            folder / "reviews.json", args.kills, max_delay=args.max_delay, rng_seed=args.seed
        )
        elapsed = time.perf_counter() - started
    print(counts.summary())
    print(f"elapsed={elapsed:.1f}s")
    for error in counts.errors[:5]:
        print("error:", error)
    return 0 if counts.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
