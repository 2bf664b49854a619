"""How many examples each property test tries: all of them in the whole suite, a fifth
in the inner loop.

``conftest.py`` loads one of two Hypothesis profiles before the tests are collected:

- ``ci`` (the README's command, ``make test``, CI): Hypothesis's 100 examples a test,
  and every test's own count (``examples(500)`` is 500);
- ``dev`` (``-m "not slow"``, ``make fast``): 20, and a fifth of every test's own count
  (at least 10), for a quick loop that still shakes each property.

``HYPOTHESIS_PROFILE=ci`` (or ``dev``) picks one by hand.
"""

from __future__ import annotations

import os

from hypothesis import settings

FULL = 100
"""Examples a test in the ``ci`` profile (Hypothesis's default)."""

settings.register_profile("ci", max_examples=FULL)
settings.register_profile("dev", max_examples=FULL // 5)


def inner_loop(mark_expression: str) -> bool:
    """Whether a run is the inner loop: its ``-m`` leaves the slow tests out."""
    return "not slow" in mark_expression


def choose_profile(mark_expression: str) -> str:
    """``HYPOTHESIS_PROFILE`` if set, else ``dev`` for the inner loop, else ``ci``."""
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "dev" if inner_loop(mark_expression) else "ci"


def examples(full: int) -> int:
    """A test's own count of examples, scaled by the loaded profile: ``full`` in ``ci``."""
    scaled = full * settings().max_examples // FULL
    return full if scaled >= full else max(10, scaled)
