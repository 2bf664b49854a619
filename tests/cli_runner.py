"""The real ``reviews`` command in a child process, as a user runs it (for CLI tests)."""

from __future__ import annotations

import os
import subprocess
import sys


def run_reviews(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui ARGS`` and return what it printed and its exit code."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=timeout,
    )
