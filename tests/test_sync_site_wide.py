"""A first sync reads the site-wide comments feed: a post whose every comment it lists
(its ``slash:comments`` count matches exactly) needs no fetch of its own comment feed."""

from __future__ import annotations

from pathlib import Path

from blog_server import BlogServer, FixtureBlog

from tui.sources.discovery import discover
from tui.sources.http import Fetcher
from tui.sources.sync import sync
from tui.store import Store

Thread = list[tuple[str, str, str, str | None, str]]


def _synced(tmp_path: Path, blog: FixtureBlog, name: str) -> Store:
    store = Store(tmp_path / f"{name}.json")
    with Fetcher() as fetcher:
        found = discover(fetcher, blog.server.url("/"))
    store.add_source("feed", found.feed_url, comments=found.comments_url)
    blog.server.clear_hits()
    [outcome] = sync(store)
    assert outcome.ok
    return store


def _threads(store: Store) -> dict[str, Thread]:
    """Title -> (source id, author, date, parent's source id, body) of each comment."""
    out = {}
    for review in store.reviews():
        comments = store.comments(review.id)
        ids = {c.id: c.source_id for c in comments}
        out[review.title] = [
            (c.source_id, c.author, c.date, ids.get(c.parent_id) if c.parent_id else None, c.body)
            for c in comments
        ]
    return out


def _fetched(server: BlogServer) -> set[str]:
    return {h.path for h in server.hits}


def test_a_covered_posts_thread_comes_from_the_site_wide_feed(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    fetching = _synced(tmp_path, blog, "fetching")  # no counts in the feed: every thread fetched
    assert "/her/feed/" in _fetched(blog.server)
    blog.comment_counts = True  # as WordPress: <slash:comments>2</slash:comments>
    blog.publish()
    covered = _synced(tmp_path, blog, "covered")
    assert _fetched(blog.server) == {"/feed/", "/comments/feed/"}
    threads = _threads(covered)
    assert threads == _threads(fetching)
    [ana, ben] = threads["Her"]
    assert ben[3] == ana[0] and ben[4] == "Agreed, the score too."  # "In reply to" threads it
    assert threads["Moon"] == []


def test_a_post_with_more_comments_than_the_site_wide_feed_lists_is_fetched(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    moon = blog.posts[1]
    for n in range(9):  # the site-wide feed's last 10: Moon's 9 and only one of Her's 2
        blog.add_comment(moon, f"V{n}", f"Take {n}.")
    blog.publish()
    fetching = _synced(tmp_path, blog, "fetching")
    blog.comment_counts = True
    blog.publish()
    covered = _synced(tmp_path, blog, "covered")
    fetched = _fetched(blog.server)
    assert "/her/feed/" in fetched and "/moon/feed/" not in fetched
    threads = _threads(covered)
    assert threads == _threads(fetching)
    assert len(threads["Her"]) == 2 and len(threads["Moon"]) == 9


def test_a_later_sync_after_a_covered_first_one_brings_new_comments(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    blog.comment_counts = True
    blog.publish()
    store = _synced(tmp_path, blog, "covered")
    her = blog.posts[0]
    blog.add_comment(her, "Cy", "A third voice.", parent=blog.comments[1])
    blog.publish()
    blog.server.clear_hits()
    [outcome] = sync(store)
    assert outcome.ok and outcome.new_comments == 1
    assert [h.status for h in blog.server.hits_of("/her/feed/")] == [200]
    thread = _threads(store)["Her"]
    assert [c[1] for c in thread] == ["Ana", "Ben", "Cy"] and thread[2][3] == thread[1][0]
