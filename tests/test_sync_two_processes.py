"""`reviews sync` harvests in two processes; a child killed or stopped mid-sync loses nothing.

The command runs as a user runs it (a real process, which forks its real child);
the test finds that child in /proc and kills (or stops) it while its sources wait
on slow feeds, then checks every source synced (or failed with its reason) and the
database holds every post and comment exactly once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from blog_server import BlogServer, FixtureBlog
from process_tree import children, clean_output, running

from tui.store import Store

BLOGS = 10  # at least MIN_SHARED: two processes
DELAY = 0.25
"""Seconds each feed takes to answer: the child is mid-harvest when the test acts."""


@pytest.fixture
def blogs() -> Iterator[list[FixtureBlog]]:
    """Ten fixture blogs (two posts, a threaded reply each), each on its own server."""
    servers = [BlogServer() for _ in range(BLOGS)]
    made = []
    try:
        for n, server in enumerate(servers):
            blog = FixtureBlog(server, name=f"Blog {n}")
            her = blog.add_post("her", f"Her {n}", "Theodore writes letters for others.")
            blog.add_post("moon", f"Moon {n}", "Sam Bell is three weeks from the end.")
            first = blog.add_comment(her, "Ana", "Lovely review.")
            blog.add_comment(her, "Ben", "Agreed, the score too.", parent=first)
            blog.publish()
            made.append(blog)
        yield made
    finally:
        for server in servers:
            server.close()


def _database(tmp_path: Path, blogs: list[FixtureBlog]) -> Path:
    db = tmp_path / "reviews.json"
    store = Store(db)
    for blog in blogs:
        store.add_source(
            "feed",
            blog.server.url("/feed/"),
            title=blog.name,
            comments=blog.server.url("/comments/feed/"),
        )
    store.close()
    for blog in blogs:
        for route in blog.server.routes.values():
            route.delay = DELAY
    return db


REVIEWS = [sys.executable, "-m", "tui"]
"""The command as a user runs it."""
SYNC_CHILD = Path(__file__).parent / "sync_child.py"
HANG_STALL = 0.5
"""The stall limit of the hang test (the production ``STALL`` is 5 s): the child is stopped,
so any limit proves the same, and a short one waits less."""


def _sync_and_hit_child(
    db: Path, blogs: list[FixtureBlog], sig: int, *args: str, reviews: list[str] = REVIEWS
) -> str:
    """Run `reviews sync` (``reviews`` is the command line that starts it), send ``sig`` to
    its child once the child has asked for a feed, and return what the command printed;
    it must exit 0."""
    env = {**os.environ, "REVIEWS_DB": str(db)}
    with running([*reviews, "sync", *args], env) as command:
        child = None
        give_up = time.monotonic() + 60
        while child is None and time.monotonic() < give_up:
            kids = children(command.pid)
            asked = sum(len(b.server.hits) for b in blogs[BLOGS // 2 :])  # the child's end
            if kids and asked:
                child = kids[0]
            time.sleep(0.02)
        assert child is not None, "the sync made no child that fetched"
        os.kill(child, sig)
        return clean_output(command)


def _check_everything_synced_once(db: Path, blogs: list[FixtureBlog]) -> None:
    store = Store(db)
    try:
        sources = store.sources()
        assert len(sources) == BLOGS
        assert all(s.status == "ok" and not s.last_error for s in sources)
        reviews = store.reviews()
        titles = sorted(r.title for r in reviews)
        assert titles == sorted(p.title for b in blogs for p in b.posts)  # each exactly once
        for review in reviews:
            comments = store.comments(review.id)
            if review.title.startswith("Moon"):
                assert comments == []
                continue
            [ana, ben] = comments
            assert (ana.author, ben.author, ben.parent_id) == ("Ana", "Ben", ana.id)
    finally:
        store.close()


def _fetched_twice(blogs: list[FixtureBlog]) -> list[int]:
    """The blogs whose feed was asked for twice: the child's, harvested again here."""
    return [n for n, b in enumerate(blogs) if len(b.server.hits_of("/feed/")) > 1]


@pytest.mark.slow  # kills a child of a real `reviews sync`
def test_a_child_killed_mid_sync_loses_no_source(tmp_path: Path, blogs: list[FixtureBlog]) -> None:
    db = _database(tmp_path, blogs)
    out = _sync_and_hit_child(db, blogs, signal.SIGKILL)
    assert f"synced {BLOGS} sources: {2 * BLOGS} new reviews, {2 * BLOGS} new comments" in out
    _check_everything_synced_once(db, blogs)
    again = _fetched_twice(blogs)
    assert again and all(n >= BLOGS // 2 for n in again)  # the child's end of the list


@pytest.mark.slow  # stops a child of a real `reviews sync`, which kills it
def test_a_child_that_hangs_is_killed_and_its_sources_harvested(
    tmp_path: Path, blogs: list[FixtureBlog]
) -> None:
    db = _database(tmp_path, blogs)
    # `reviews sync` itself, its stall limit lowered: it waits 2 s + 0.5 s, not 2 s + 5 s.
    launcher = [sys.executable, str(SYNC_CHILD), str(HANG_STALL)]
    out = _sync_and_hit_child(db, blogs, signal.SIGSTOP, "--timeout", "2", reviews=launcher)
    assert f"synced {BLOGS} sources: {2 * BLOGS} new reviews" in out
    _check_everything_synced_once(db, blogs)
    assert _fetched_twice(blogs)


def test_users_get_the_production_stall_limit() -> None:
    """Only the hang test's launcher lowers the limit; `reviews sync` runs with 5 s."""
    from tui.sources import two_processes

    assert two_processes.STALL == 5.0
    assert HANG_STALL < two_processes.STALL


def test_a_harvest_crosses_the_pipe_whole() -> None:
    from tui.model import ParsedComment, ParsedReview
    from tui.sources.comments import FeedComment
    from tui.sources.feeds import FeedPost
    from tui.sources.sync import Harvest
    from tui.sources.two_processes import _packed, _unpacked
    from tui.store import Source

    sources = [Source(1, "feed", "http://a/feed/"), Source(2, "feed", "http://b/feed/")]
    reply = ParsedComment("Ben", None, "Agreed.", source_id="feed:c2", url="http://b/p/#c2")
    comment = ParsedComment("Ana", "2023-03-07", "Lovely.", "feed:c1", replies=(reply,))
    review = ParsedReview("Her", "2023-03-06", "Letters.", tags=("drama",), year=2013, rating=4.5)
    harvest = Harvest(
        sources[1],
        posts=[FeedPost(review, "http://b/her/", "http://b/her/feed/", 2)],
        comments={"feed:her": [FeedComment(comment, "feed:c1", "http://b/her/", "", "c-1", None)]},
        fields={"etag": '"x"', "state": {"posts": {"feed:her": {"count": 2}}}},
    )
    assert _unpacked(_packed(1, harvest), sources) == (1, harvest)
    unsendable = Harvest(sources[0], fields={"state": {"lock": threading.Lock()}})
    assert _unpacked(_packed(0, unsendable), sources) == (0, None)  # harvested by the parent


def test_a_process_with_threads_never_forks(
    tmp_path: Path, blogs: list[FixtureBlog], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's `R` runs with the app's threads (here: the servers'): one process."""
    from tui.sources import sync as syncing

    db = _database(tmp_path, blogs)
    for blog in blogs:
        for route in blog.server.routes.values():
            route.delay = 0
    harvested_in: list[int] = []
    feed = syncing.HARVESTERS["feed"]

    def recording(*args: Any) -> syncing.Harvest:
        harvested_in.append(os.getpid())  # a child's appends would stay in the child
        return feed(*args)

    monkeypatch.setitem(syncing.HARVESTERS, "feed", recording)
    assert threading.active_count() > 1
    store = Store(db)
    outcomes = syncing.sync(store, processes=2)
    assert len(outcomes) == BLOGS and all(o.ok for o in outcomes)
    assert harvested_in == [os.getpid()] * BLOGS
