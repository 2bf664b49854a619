"""Run every benchmark, each in its own process, and print one combined table.

    python benchmarks/run_all.py                    # full size: ~10 minutes
    python benchmarks/run_all.py --quick            # small corpora, one or two runs
    python benchmarks/run_all.py --markdown benchmarks/results.md
    python benchmarks/run_all.py --only startup,filter

Options after ``--`` go to every benchmark (``-- --runs 3``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import BENCH_DIR, PYTHON, ROOT, Figure, table

BENCHMARKS = (
    "startup",
    "navigation",
    "big_thread",
    "filter",
    "reply_save",
    "live_refresh",
    "memory",
    "scaling",
    "peer_newsboat",
    "big_feed",
)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks in order; print their tables, then the summary."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small corpora, few runs")
    p.add_argument("--only", default="", help="comma-separated benchmarks to run")
    p.add_argument("--skip", default="", help="comma-separated benchmarks to leave out")
    p.add_argument("--markdown", type=Path, default=None, help="also write the summary here")
    p.add_argument("rest", nargs="*", help="options passed to every benchmark (after --)")
    args = p.parse_args(argv)
    chosen = [b for b in (args.only.split(",") if args.only else BENCHMARKS) if b]
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")
    skipped = set(filter(None, args.skip.split(",")))
    figures: list[Figure] = []
    failed: list[str] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reviews-bench-all-") as tmp:
        for name in chosen:
            if name in skipped:
                continue
            out = Path(tmp) / f"{name}.json"
            command = [PYTHON, str(BENCH_DIR / f"{name}.py"), "--json", str(out), *args.rest]
            if args.quick:
                command.append("--quick")
            print(f"$ {' '.join(command[1:])}", flush=True)
            proc = subprocess.run(command, cwd=ROOT, check=False)
            if proc.returncode != 0:
                failed.append(name)
                continue
            if out.exists():
                figures += [Figure.from_row(row) for row in json.loads(out.read_text())["figures"]]
    summary = table(figures, f"All benchmarks ({time.perf_counter() - began:.0f} s)")
    print(summary)
    if args.markdown is not None:
        args.markdown.write_text(summary + "\n")
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
