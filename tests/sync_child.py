"""``reviews sync`` as a user runs it, with the sync child's stall limit lowered.

Usage::

    sync_child.py STALL ARGS...    run ``reviews ARGS...`` with ``two_processes.STALL = STALL``

The hang test (tests/test_sync_two_processes.py) proves that a stopped child is killed
and its sources harvested in the parent. With the production limit that waits the
request deadline plus five seconds; the limit is all this script changes, so the
command, its fork and its child are the real ones. Every other test, and every user,
runs with ``STALL`` as it ships.
"""

from __future__ import annotations

import sys

from tui.cli import main
from tui.sources import two_processes


def run(argv: list[str]) -> int:
    """Lower the stall limit to ``argv[0]`` seconds, then run the command line in the rest."""
    two_processes.STALL = float(argv[0])
    return main(argv[1:])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
