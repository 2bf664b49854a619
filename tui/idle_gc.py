"""Full garbage collections while the user pauses, not in the middle of a keystroke.

CPython runs a full (oldest-generation) collection whenever enough objects
have survived the younger ones. In the reader that walks every long-lived
object the UI made since the database was loaded (widgets, drawn lines,
threads built): 20-60 ms measured on a big collection, landing on whatever
key happens to be pressed then, which made the slowest 1% of key presses
3-4 times slower than the rest. Young collections stay automatic (they are
well under a millisecond); the full ones are moved to moments when no key
has come for ``IDLE_SECONDS``, and forced at most every ``MAX_SECONDS`` if the
user never pauses, so cyclic garbage still goes.

The pause needed is short: the time goes into freeing the garbage, not into
walking what lives on (~1.3 ms for the whole reader on ten thousand reviews;
the database's dicts hold only strings and numbers, which the collector does
not track). Most of that garbage is the lines drawn for each key (Textual's
``Strip`` keeps itself in its own caches, a cycle), ~1 ms of freeing per key:
collected in the gap after each key it costs a millisecond or two there, while
waiting for a one-second pause let a run of keys pile up ~12 MB (94 MB instead
of 83 MB resident after 100 keys on ten thousand reviews) and a 35 ms pause.

After each full collection the C heap's free pages go back to the system
(glibc's ``malloc_trim``, microseconds when there is little to give): what the
whole-file load and the first screens left free between objects that live on
(~1.5 MB on ten thousand reviews) otherwise stays in the resident size.

No Textual here: the app calls ``tick`` from a timer and ``touched`` on input.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import sys
import time
from collections.abc import Callable

from tui.store.heap import hold_collections, release_collections

IDLE_SECONDS = 0.05
"""Quiet needed before a full collection runs (the gap between two keys)."""
MAX_SECONDS = 30.0
"""The longest a full collection waits for a pause."""
NEVER = 1_000_000_000
"""A threshold for the oldest generation that automatic collection never reaches."""


class IdleCollector:
    """Owns the oldest generation's collections while ``start``-ed; ``stop`` gives them back."""

    def __init__(
        self,
        *,
        idle: float = IDLE_SECONDS,
        longest: float = MAX_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[int], object] = gc.collect,
        trim: Callable[[], object] | None = None,
    ) -> None:
        """``trim`` runs after each full collection (default: ``give_back_free_memory``)."""
        self.idle = idle
        self.longest = longest
        self._clock = clock
        self._collect = collect
        self._trim = give_back_free_memory if trim is None else trim
        self._saved: tuple[int, int, int] | None = None
        self._last_input = clock()
        self._last_full = clock()
        self.collections = 0
        """Full collections this object ran."""

    def start(self) -> None:
        """Stop automatic full collections (young ones go on as before)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _oldest = self._saved
            gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        """Give full collections back to the interpreter, as they were."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def touched(self) -> None:
        """The user did something (a key, the mouse): not a moment to collect."""
        self._last_input = self._clock()

    def waiting(self) -> bool:
        """A full collection is due and waits for the user to pause (input came within
        ``idle`` seconds): the app then looks again ``idle`` seconds later."""
        if self._saved is None or gc.get_count()[2] == 0:
            return False
        return self._clock() - self._last_input < self.idle

    def tick(self) -> bool:
        """Run a full collection if one is due and the user paused (or waited too long).

        Due means the middle generation was collected since the last full one,
        i.e. objects have moved to the oldest generation since then. True if
        it ran.
        """
        if self._saved is None or gc.get_count()[2] == 0:
            return False
        now = self._clock()
        paused = now - self._last_input >= self.idle
        overdue = now - self._last_full >= self.longest
        if not (paused or overdue):
            return False
        self._collect(2)
        self._trim()
        self._last_full = self._clock()
        self.collections += 1
        return True


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``);
    nothing where there is no glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    return trim


_held_for_start = False


def hold_collections_for_start() -> None:
    """No automatic collections until the reader's first frame (``release_after_start``).

    Starting imports some 550 modules and builds the first screen's widgets:
    hundreds of thousands of objects that all live on, which the collector
    walks again and again as they pile up (young collections that promote
    everything, middle ones over a growing heap) and never finds garbage
    among. The command line calls this before importing Textual; the app calls
    ``release_after_start`` once its first frame is out, and the whole-file load
    that follows collects once and freezes what lives (``tui.store.core``).
    """
    global _held_for_start
    if not _held_for_start:
        _held_for_start = True
        hold_collections()


def release_after_start() -> None:
    """Let go of the hold ``hold_collections_for_start`` took, if it took one; collection
    comes back unless the store is still loading a file (``tui.store.heap`` counts both)."""
    global _held_for_start
    if _held_for_start:
        _held_for_start = False
        release_collections()
