"""benchmarks/sync.py runs on a tiny set of blogs and prints its figures (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# A whole benchmark in fresh processes, like tests/test_benchmarks_smoke.py: not in `-m "not slow"`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_sync_benchmark_prints_its_figures() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sync.py"), "--feeds", "3", "--items", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "sync of 3 feeds x 5 items (20% with 5 comments): 15 reviews" in proc.stdout
    assert "reviews sync, first:" in proc.stdout and "reviews sync, no change:" in proc.stdout
    assert "!" not in proc.stdout  # no command failed
