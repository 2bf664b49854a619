"""Keys while `R` syncs: does the reader keep answering during a sync?

The reader runs in-process (headless, 160x50) on a database following
``--feeds`` local blogs (served by ``sync.py --serve`` in a child process).
``R``'s sync starts; meanwhile a thread sends a probe key every 5 ms, the way a
terminal's input thread does (``_keys.py``: each key's wait counts from when it
was due). Printed: key latency p50 / p99 / max during the first sync (every
feed new: parsing and the merge) and during a no-change sync. Target: p99 <= 50 ms.

    python benchmarks/sync_keys.py [--feeds 50] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

TARGET_P99_MS = 50.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _one_sync(app: Any, pilot: Any, probe: Any) -> tuple[list[float], float]:
    began = probe.start(app)
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    app.action_sync()
    while app.syncing.running:
        await asyncio.sleep(0.02)
    took = time.perf_counter() - started
    await asyncio.sleep(0.2)  # the reload of both panes after the sync
    probe.stop()
    waits = probe.waits_ms(began)
    probe.latencies.clear()
    return waits, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    from _keys import KeyProbe
    from sync import start_blogs

    from tui.app import ReviewsApp
    from tui.config import Config
    from tui.store import Store

    child, base = start_blogs(args.feeds, args.items)
    try:
        db = Path(tempfile.mkdtemp(prefix="reviews-sync-keys-")) / "reviews.json"
        store = Store(db)
        for n in range(args.feeds):
            store.add_source("feed", f"{base}/b{n}/feed/", comments=f"{base}/b{n}/comments/feed/")
        store.close()
        probe = KeyProbe(ReviewsApp, 0.005)
        app = ReviewsApp(db, Config(author="bench", sync_every=None))  # R alone syncs
        results: dict[str, tuple[list[float], float]] = {}

        async def run() -> None:
            async with app.run_test(size=(160, 50)) as pilot:
                for _ in range(100):
                    await pilot.pause(0.05)
                    if app.screen.__class__.__name__ == "ReaderScreen":
                        break
                await pilot.pause(0.5)
                results["first sync"] = await _one_sync(app, pilot, probe)
                results["no-change sync"] = await _one_sync(app, pilot, probe)

        asyncio.run(run())
        print(f"keys during R ({args.feeds} feeds x {args.items} items), probe every 5 ms:")
        for name, (waits, took) in results.items():
            p99 = _percentile(waits, 99)
            verdict = "met" if p99 <= TARGET_P99_MS else "MISSED"
            print(
                f"  {name:15} {took:6.2f} s  keys {len(waits):5}  p50 {_percentile(waits, 50):6.1f}"
                f" ms  p99 {p99:6.1f} ms  max {max(waits, default=0):6.1f} ms"
                f"  (p99 target <= {TARGET_P99_MS:.0f} ms: {verdict})"
            )
    finally:
        child.kill()
        child.wait()
    print(f"  load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
