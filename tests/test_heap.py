"""Automatic collection held by the start and by a whole-file load at once (tui.store.heap).

The reader's start holds collection off until its first frame, and the thread
opening the database holds it off while it parses the file. Each used to put
back the state it found: interleaved, the reader could be left with no
automatic collection at all (a flaky ``test_idle_gc`` under load showed it).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import sample_reviews

from tui.idle_gc import hold_collections_for_start, release_after_start
from tui.opening import Opening
from tui.store.heap import collections_held, hold_collections, holders, release_collections

# The policy under test is the reader's: with CPython's thresholds, not the test process's.
pytestmark = pytest.mark.usefixtures("python_gc_defaults")


@pytest.fixture(autouse=True)
def collection_on() -> Iterator[None]:
    """Automatic collection on, as the interpreter starts, and put back after the test."""
    was = gc.isenabled()
    gc.enable()
    yield
    release_after_start()
    assert holders() == 0
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_load_ending_after_the_first_frame_gives_collection_back() -> None:
    hold_collections_for_start()
    with collections_held():  # the opening thread starts loading, collection already off
        release_after_start()  # the first frame is out while the file still loads
        assert not gc.isenabled()  # still loading: nothing walks the growing heap
    assert gc.isenabled()


def test_the_load_ending_before_the_first_frame_leaves_the_start_holding() -> None:
    hold_collections_for_start()
    with collections_held():
        pass
    assert not gc.isenabled()  # the start still holds it
    release_after_start()
    assert gc.isenabled()


def test_a_load_after_the_start_puts_collection_back_as_it_was() -> None:
    with collections_held():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collections_held():
        pass
    assert not gc.isenabled()  # off before the first holder came: off after the last


def test_a_release_without_a_hold_is_an_error_not_a_silent_count() -> None:
    with pytest.raises(RuntimeError, match="without hold_collections"):
        release_collections()
    hold_collections()
    release_collections()
    assert gc.isenabled()


def test_the_first_frame_landing_while_the_opening_thread_collects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving that lost collection, forced: the real opening thread starts its
    load (collection held for the start), and the first frame's release lands while that
    thread runs the collection before parsing. Collection must be on once both are done."""
    hold_collections_for_start()
    collect = gc.collect
    released: list[str] = []

    def collect_while_the_frame_goes_out(generation: int = 2) -> int:
        if not released and threading.current_thread() is not threading.main_thread():
            released.append(threading.current_thread().name)
            release_after_start()  # what the main thread does after the first frame
        return collect(generation)

    monkeypatch.setattr(gc, "collect", collect_while_the_frame_goes_out)
    opening = Opening(tmp_path / "reviews.json", seed=sample_reviews)
    assert opening.wait(10)
    opening.result()
    opening.close()
    monkeypatch.undo()
    assert released, "the opening thread never collected before its load"
    assert gc.isenabled(), "automatic collection left off for good"
    assert holders() == 0
