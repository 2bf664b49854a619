"""The ``slow`` mark is where CONTRIBUTING.md says it belongs.

``slow`` is for tests slow by nature (kill loops, fault injection, the real
WordPress, benchmark smoke runs, a real terminal, children per command, the whole
real-world corpus) and for any test over the inner loop's CPU budget
(``tests/cpu_audit.py``: ``pytest -m "not slow" --cpu-audit`` lists those left out):
the long pilot journeys, the snapshot comparisons. ``-m "not slow"`` leaves them out
of the inner loop; the README's command and CI run them all. The lists below name
what is slow by nature, so a test moved or rewritten keeps its mark; and every module
that drives the reader keeps a pilot test in the inner loop, so the quick loop still
starts the app and presses keys in each part of it.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType

import pytest
from cpu_audit import BUDGET
from shared_corpus import HERE as CORPUS_HERE
from shared_corpus import WHERE as NO_CORPUS

SLOW_MODULES = {
    "test_benchmarks_smoke": "benchmark smoke runs",
    "test_sync_benchmark_smoke": "a benchmark smoke run",
    "test_draft_faults": "fault injection: unwritable drafts, a full disk, a kill",
    "test_write_failures": "fault injection: a held lock, a full disk",
    "test_draft_crash": "the app in a child, killed",
    "test_terminal_injection": "a real terminal",
}
"""Modules whose every test is slow."""

SLOW_TESTS = {
    ("test_crash", "test_sigkill_at_random_moments_never_loses_an_acknowledged_reply"): "kills",
    ("test_crash", "test_sigkill_in_each_phase_of_a_write_never_loses_an_acknowledged_reply"): (
        "kills"
    ),
    ("test_concurrency", "test_four_processes_adding_150_replies_each"): "four processes",
    ("test_point_reply", "test_two_point_writers_and_two_checkpointing_store_writers_at_once"): (
        "four processes"
    ),
    ("test_point_reply", "test_sigkill_of_a_point_writer_mid_append_and_after"): "kills",
    ("test_point_reply", "test_random_sigkills_of_point_writers_lose_and_duplicate_nothing"): (
        "kills"
    ),
    ("test_point_reply", "test_six_reviews_reply_commands_at_once_get_six_ids"): "six commands",
    ("test_feed_stream", "test_sigkill_during_a_streamed_import_leaves_the_old_file_or_the_new"): (
        "kills"
    ),
    ("test_feed_stream", "test_a_full_disk_while_spooling_is_one_line_and_changes_nothing"): (
        "fault injection"
    ),
    ("test_feed_stream", "test_the_big_feed_benchmark_runs_and_prints_its_table"): "benchmark",
    ("test_feed_paths", "test_real_feeds_import_alike"): "the whole real-world corpus",
    ("test_follow_cli", "test_follow_a_site_then_list_sync_and_unfollow"): "a child a command",
    ("test_sync_two_processes", "test_a_child_killed_mid_sync_loses_no_source"): "kills",
    ("test_import_two_processes", "test_a_child_killed_mid_import_loses_and_duplicates_nothing"): (
        "kills"
    ),
    ("test_import_two_processes", "test_a_child_that_hangs_is_killed_and_its_work_done_here"): (
        "stops a child, which is killed"
    ),
    (
        "test_import_two_processes",
        "test_the_corpus_gives_the_same_database_from_one_and_two_processes",
    ): "the whole real-world corpus",
    ("test_sync_two_processes", "test_a_child_that_hangs_is_killed_and_its_sources_harvested"): (
        "stops a child, which is killed"
    ),
    ("test_compositor", "test_partial_updates_match_textuals_compositor"): (
        "compares every changed area of four screens (240+) against Textual's own "
        "compositor: ~1.8 s of CPU; the other compositor test stays in the inner loop"
    ),
}
"""Single tests that are slow in a module of quick ones."""

GIANTBOMB = "feed/rss-parser-giantbomb-podcast.rss"
SLOW_PARAMS = {
    ("test_corpus", "test_each_file_imports_as_the_table_says", GIANTBOMB): (
        "the corpus's 1.6 MB feed: ~1 s of CPU to parse and import"
    ),
    ("test_first_screen_import", "test_real_exports_imported_one_after_the_other", GIANTBOMB): (
        "the corpus's 1.6 MB feed imported: ~1.1 s of CPU"
    ),
    (
        "test_first_screen_import",
        "test_real_exports_imported_one_after_the_other",
        f"{GIANTBOMB}+feed/rss-parser-guardian.rss",
    ): "the corpus's 1.6 MB feed, then another: ~1.1 s of CPU",
}
"""Single cases of a parametrized test that are slow where the others are quick, by id."""


def _marks(owner: object) -> list[pytest.Mark]:
    marks = getattr(owner, "pytestmark", [])
    return list(marks) if isinstance(marks, list) else [marks]


def _is_slow(owner: object) -> bool:
    return any(getattr(mark, "name", None) == "slow" for mark in _marks(owner))


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", sorted(SLOW_MODULES))
def test_slow_modules_carry_the_mark(name: str) -> None:
    assert _is_slow(_module(name)), (
        f"{name}.py: pytestmark must include slow ({SLOW_MODULES[name]})"
    )


@pytest.mark.parametrize(("name", "test"), sorted(SLOW_TESTS))
def test_slow_tests_carry_the_mark(name: str, test: str) -> None:
    module = _module(name)
    assert hasattr(module, test), f"{name}.py has no {test} (renamed? update SLOW_TESTS)"
    reason = SLOW_TESTS[(name, test)]
    assert _is_slow(getattr(module, test)) or _is_slow(module), (
        f"{name}.py::{test} must be marked slow ({reason})"
    )


@pytest.mark.parametrize(("name", "test", "case"), sorted(SLOW_PARAMS))
def test_slow_cases_carry_the_mark(name: str, test: str, case: str) -> None:
    function = getattr(_module(name), test)
    cases = [
        value
        for mark in _marks(function)
        if mark.name == "parametrize"
        for value in mark.args[1]
        if getattr(value, "id", None) == case
    ]
    if not cases and not CORPUS_HERE and name == "test_corpus":
        pytest.skip(f"{name}.py's cases are the corpus's files: {NO_CORPUS}")
    assert cases, f"{name}.py::{test} has no case {case!r} (renamed? update SLOW_PARAMS)"
    assert all(any(mark.name == "slow" for mark in value.marks) for value in cases), (
        f"{name}.py::{test}[{case}] must be marked slow ({SLOW_PARAMS[(name, test, case)]})"
    )


PILOTS_ONLY_IN_THE_WHOLE_SUITE = {
    "test_big_text": "megabytes of text in every pane",
    "test_journal": "a journal past a megabyte folded at quit",
    "test_links": "the links dialog; test_permalinks_shown keeps an `o` in the inner loop",
}
"""Modules whose every pilot test is slow, with what makes them so."""

TESTS = Path(__file__).resolve().parent


def _pilot_modules() -> list[str]:
    """Test modules that start the reader with ``run_test`` and are not slow as a whole."""
    return sorted(
        path.stem
        for path in TESTS.glob("test_*.py")
        if "run_test(" in path.read_text(encoding="utf-8") and path.stem not in SLOW_MODULES
    )


@pytest.mark.parametrize("name", _pilot_modules())
def test_each_part_of_the_reader_keeps_a_pilot_test_in_the_inner_loop(name: str) -> None:
    module = _module(name)
    inner = (
        []
        if _is_slow(module)
        else [
            test
            for test, function in vars(module).items()
            if test.startswith("test_")
            and inspect.isfunction(function)
            and "run_test(" in inspect.getsource(function)
            and not _is_slow(function)
        ]
    )
    if name in PILOTS_ONLY_IN_THE_WHOLE_SUITE:
        assert not inner, f"{name}.py has a quick pilot test: drop it from the exceptions"
    else:
        assert inner, (
            f"{name}.py: every pilot test is marked slow; keep its quickest in the inner loop"
        )


def test_the_marker_text_names_the_rule(pytestconfig: pytest.Config) -> None:
    markers = "\n".join(pytestconfig.getini("markers"))
    assert "slow: slow by nature" in markers
    assert f"over {BUDGET} s of CPU (--cpu-audit" in markers
