"""``reviews import`` as a user runs it, with the two-process reading scaled down.

Usage::

    import_child.py ARGS...    run ``reviews ARGS...`` with small blocks and limits

The kill and hang tests (tests/test_import_two_processes.py) prove that a child
killed or stopped mid-import loses and duplicates nothing. At the shipped sizes that
needs a file of thousands of posts (blocks of 128, streaming from 2 MB) and, for a
hang, five seconds of waiting; here blocks of 8 items, streaming at any size and a
0.5 s stall limit show the same on a few hundred. Only these numbers change: the
command, its fork and its child are the real ones, and every other test, and every
user, runs with the values as they ship.
"""

from __future__ import annotations

import sys

from tui.cli import main
from tui.importers import feed_stream, second_process

BLOCK = 8
STALL = 0.5


def run(argv: list[str]) -> int:
    """Scale the two-process reading down, then run the command line ``argv``."""
    second_process.BLOCK = BLOCK
    second_process.STALL = STALL
    feed_stream.SHARED_BYTES = 0
    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
