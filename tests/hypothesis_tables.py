"""Hypothesis's Unicode tables, built once a run instead of once an xdist worker.

The first ``st.text()`` in a process needs two tables: the characters of each Unicode
category and those UTF-8 can encode. Hypothesis builds each by walking all 1.1 million
code points (~2.2 s of CPU) and caches them under ``.hypothesis/unicode_data/``; with the
cache there, a process reads them in ~0.2 s. In a fresh clone (CI) the cache is missing,
and each worker that reached a property test built both (four workers: ~9 s of CPU).
``conftest.pytest_configure`` calls ``build_unicode_tables`` in the controller, before the
workers start, so they all read the tables it wrote.

These are Hypothesis internals (6.170): ``tests/test_hypothesis_tables.py`` fails loudly if
they move, and without them the run is only slower.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from hypothesis.errors import HypothesisSideeffectWarning


def build_unicode_tables() -> list[Path]:
    """Build (or read) the tables ``st.text()`` needs; return the cache files Hypothesis
    keeps them in."""
    from hypothesis.internal.charmap import charmap, charmap_file, intervals_from_codec

    # Hypothesis warns of slow work while plugins start (its storage touched before the
    # session): here that is the point, done once before the workers start.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisSideeffectWarning)
        charmap()
        intervals_from_codec("utf-8")
        return [charmap_file(), charmap_file("codec-v2-utf-8")]
