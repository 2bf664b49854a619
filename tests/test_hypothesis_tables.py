"""The Hypothesis internals ``tests/hypothesis_tables.py`` builds its tables with are there."""

from __future__ import annotations

from hypothesis.configuration import storage_directory
from hypothesis_tables import build_unicode_tables


def test_the_unicode_tables_are_built_and_cached_where_every_worker_reads_them() -> None:
    files = build_unicode_tables()
    assert [path.name for path in files] == ["charmap.json.gz", "codec-v2-utf-8.json.gz"]
    home = storage_directory("unicode_data", intent_to_write=False).path
    for path in files:
        assert path.is_file(), f"{path}: Hypothesis caches its Unicode tables elsewhere now"
        assert path.is_relative_to(home), path
