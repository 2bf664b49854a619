"""Automatic garbage collection held off, by as many holders at once as need it.

Two parts of the reader turn automatic collection off for a while: the command
line until the first frame is out (``tui.idle_gc.hold_collections_for_start``),
and the store while it parses a whole file, in the thread that opens it
(``tui.store.core``). Each used to note ``gc.isenabled()``, turn it off and, at
the end, turn it back on only if it had been on. Interleaved across the two
threads that lost it for good: the opening thread saw it off (held for the
start), the first frame gave it back, the thread then turned it off, and at
the end left it off, as it had found it. The reader then never collected
again, young generations included.

Here the holders are counted under a lock: collection goes off with the first
holder and comes back with the last, if it was on when the first came.
Light on purpose (no TinyDB): the command line imports it before anything else.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


def hold_collections() -> None:
    """Turn automatic collection off until every holder has called ``release_collections``."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1


def release_collections() -> None:
    """One holder lets go; the last one gives collection back if it was on before."""
    global _holders
    with _lock:
        if _holders == 0:
            raise RuntimeError("release_collections() without hold_collections()")
        _holders -= 1
        if _holders == 0 and _was_enabled:
            gc.enable()


@contextmanager
def collections_held() -> Iterator[None]:
    """No automatic collection inside the block (held, then released, even on error)."""
    hold_collections()
    try:
        yield
    finally:
        release_collections()


def holders() -> int:
    """How many holders hold collection off now (for tests and diagnostics)."""
    with _lock:
        return _holders
