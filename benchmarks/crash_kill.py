"""Fault injection at scale: SIGKILL a writer N times (default 1000), print the counts.

    python benchmarks/crash_kill.py [KILLS] [--size-mb MB] [--max-delay SECONDS] [--keep DIR]

The full run (the defaults): 1,000 kills of writers adding replies to a 20 MB
database, each killed at a random moment spread over its whole run (opening
the file, taking the backup, serialising, writing, renaming, acknowledging).
Each writer is a real process adding replies through the real Store; after
each kill the file is opened with a fresh Store. Every kill must leave a
loadable file holding every acknowledged reply: ``corrupt`` and ``missing``
must be 0 (exit status 1 if not). ``mid_write`` counts the kills that landed
while a new file was being written (a temp file was left behind). Replies go to
the journal; ``--fold-bytes 1`` makes every other reply a checkpoint (the whole
file rewritten, then the journal emptied), so kills land in those too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from writer_child import kill_loop, seed

from tui.model import ParsedComment, ParsedReview
from tui.store import Store


def fill(db: Path, megabytes: float) -> None:
    """A database of about ``megabytes`` MB whose review 1 the writers reply to."""
    store = Store(db, seed=seed)
    per_review = 10_000
    count = int(megabytes * 1_000_000 / per_review)
    store.import_reviews(
        [
            ParsedReview(
                title=f"Filler {i}",
                date="2001-01-01",
                body="word " * (per_review // 5 - 40),
                source_id=f"filler:{i}",
                comments=tuple(
                    ParsedComment("reader", None, "comment " * 50, source_id=f"c{i}-{j}")
                    for j in range(3)
                ),
            )
            for i in range(count)
        ]
    )
    store.close()


def main() -> int:
    """Run the kills and print one line of counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kills", type=int, nargs="?", default=1000)
    parser.add_argument("--size-mb", type=float, default=20.0, help="database size (MB)")
    parser.add_argument(
        "--max-delay",
        type=float,
        default=None,
        help="seconds, uniform (default: a writer's whole run on a database of that size)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fold-bytes",
        type=int,
        default=None,
        help="writers fold the journal past this size (1: every other reply is a checkpoint)",
    )
    parser.add_argument("--keep", type=Path, help="use this directory instead of a temp one")
    parser.add_argument(
        "--point",
        action="store_true",
        help="writers add replies as `reviews reply` does (the point write, tui.store.point_reply)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "reviews.json"
        fill(db, args.size_mb)
        size = db.stat().st_size
        max_delay = args.max_delay
        if max_delay is None:
            # A writer's run: open plus a reply (backup, append), on this machine; with
            # --fold-bytes, plus the checkpoint the next reply makes (write, rename, empty).
            from tui.store import core

            folding = core.FOLD_BYTES
            if args.fold_bytes is not None:
                core.FOLD_BYTES = args.fold_bytes
            started = time.perf_counter()
            if args.point:  # a point write: no open, the index beside the file
                from tui.store.point_reply import add_reply_at_once

                Store(db).close()  # (the fill's open wrote the index; this makes sure)
                started = time.perf_counter()
                for n in range(2):
                    add_reply_at_once(db, 1, None, "timing", f"reply {n}")
            else:
                store = Store(db)
                for n in range(1 if args.fold_bytes is None else 2):
                    store.add_reply(1, None, "timing", f"reply {n}")
                store.close()
            max_delay = 1.5 * (time.perf_counter() - started)
            core.FOLD_BYTES = folding
        print(f"database={size / 1e6:.1f}MB max_delay={max_delay:.3f}s", flush=True)
        started = time.perf_counter()
        counts = kill_loop(
            db,
            args.kills,
            max_delay=max_delay,
            rng_seed=args.seed,
            fold_bytes=args.fold_bytes,
            point=args.point,
        )
        elapsed = time.perf_counter() - started
    print(counts.summary())
    print(f"elapsed={elapsed:.1f}s")
    for error in counts.errors[:5]:
        print("error:", error)
    return 0 if counts.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
