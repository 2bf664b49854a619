"""Following a blog: syncs against a real local fixture blog whose feeds change between syncs."""

from __future__ import annotations

import stat
from pathlib import Path

from blog_server import BlogServer, FixtureBlog

from tui.model import ParsedComment, ParsedReview
from tui.sources.discovery import discover
from tui.sources.http import Fetcher
from tui.sources.sync import sync
from tui.store import Source, Store
from tui.store.journal import journal_path, journal_size


def _store(tmp_path: Path) -> Store:
    return Store(tmp_path / "reviews.json")


def _follow(store: Store, url: str) -> Source:
    with Fetcher() as fetcher:
        found = discover(fetcher, url)
    return store.add_source(
        "feed", found.feed_url, title=found.title, site=found.site, comments=found.comments_url
    )


def _threads(store: Store) -> dict[str, list[tuple[str, str | None, str]]]:
    """Title -> (author, parent's author, body) of each comment."""
    out = {}
    for review in store.reviews():
        comments = store.comments(review.id)
        names = {c.id: c.author for c in comments}
        out[review.title] = [
            (c.author, names.get(c.parent_id) if c.parent_id else None, c.body) for c in comments
        ]
    return out


def test_a_site_url_is_followed_through_its_alternate_link(blog: FixtureBlog) -> None:
    with Fetcher() as fetcher:
        found = discover(fetcher, blog.server.url("/"))
    assert found.feed_url == blog.server.url("/feed/")
    assert found.comments_url == blog.server.url("/comments/feed/")
    assert found.title == "Matinee" and found.posts == 2


def test_first_sync_brings_posts_and_threaded_comments(tmp_path: Path, blog: FixtureBlog) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    [outcome] = sync(store)
    assert outcome.ok and outcome.new_reviews == 2 and outcome.new_comments == 2
    threads = _threads(store)
    # The "In reply to Ana." line threads Ben's reply under Ana's and is dropped from it.
    assert threads["Her"] == [
        ("Ana", None, "Lovely review."),
        ("Ben", "Ana", "Agreed, the score too."),
    ]
    assert threads["Moon"] == []
    [source] = store.sources()
    assert source.status == "ok" and source.etag and source.last_sync


def test_a_no_change_sync_downloads_no_feed_body(tmp_path: Path, blog: FixtureBlog) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    sync(store)
    blog.server.clear_hits()
    [outcome] = sync(store)
    assert outcome.ok and outcome.unchanged
    hits = blog.server.hits
    assert {h.path for h in hits} == {"/feed/", "/comments/feed/"}
    assert all(h.status == 304 and h.body_bytes == 0 and h.conditional for h in hits)


def test_a_post_whose_feed_says_it_has_no_comments_is_not_asked_for_them(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    blog.comment_counts = True  # as WordPress does: <slash:comments>2</slash:comments>
    blog.publish()
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    blog.server.clear_hits()
    [outcome] = sync(store)
    assert outcome.new_comments == 2
    paths = [h.path for h in blog.server.hits]
    # Her's two comments are all in the site-wide comments feed (tests/test_sync_site_wide.py)
    assert "/moon/feed/" not in paths
    # A first comment on the quiet post: the site-wide comments feed names it.
    moon = blog.posts[1]
    blog.add_comment(moon, "Cy", "The twist!")
    blog.publish()
    blog.server.clear_hits()
    [outcome] = sync(store)
    assert outcome.new_comments == 1
    assert [h.status for h in blog.server.hits_of("/moon/feed/")] == [200]
    assert _threads(store)["Moon"] == [("Cy", None, "The twist!")]


def test_a_sync_that_changes_only_how_it_went_leaves_the_database_file_alone(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    db = tmp_path / "reviews.json"
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    sync(store)
    written = db.stat()
    feed = blog.server.routes["/feed/"]
    blog.server.set("/feed/", status=500)
    [failed] = sync(store)
    assert not failed.ok
    [source] = store.sources()
    assert source.status == "failed" and "500" in source.last_error
    blog.server.routes["/feed/"] = feed  # back, unchanged: every answer a 304
    journal = journal_size(journal_path(db))  # the failure was a small change: appended
    [outcome] = sync(store)
    assert outcome.unchanged
    [source] = store.sources()
    assert source.status == "ok" and source.last_error == "" and source.new_reviews == 0
    assert source.last_sync is not None and source.etag == feed.etag
    now = db.stat()
    assert (now.st_ino, now.st_mtime_ns, now.st_size) == (
        written.st_ino,
        written.st_mtime_ns,
        written.st_size,
    )
    assert journal_size(journal_path(db)) == journal
    times = tmp_path / "reviews.json.sync.json"
    assert stat.S_IMODE(times.stat().st_mode) == 0o600
    store.close()
    reopened = Store(db)  # another process reads the same
    [source] = reopened.sources()
    assert source.status == "ok" and source.last_sync is not None
    # A sync that brings something writes the database, outcome and all.
    blog.add_comment(blog.posts[1], "Eve", "Moon is underrated.")
    blog.publish()
    [outcome] = sync(reopened)
    # (a few documents: appended to the journal, the file itself is rewritten at a checkpoint)
    assert outcome.new_comments == 1 and journal_size(journal_path(db)) > journal
    [source] = reopened.sources()
    assert source.status == "ok" and source.new_comments == 1


def test_new_posts_and_comments_arrive_without_touching_read_state_or_replies(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    sync(store)
    her = next(r for r in store.reviews() if r.title == "Her")
    ana = store.comments(her.id)[0]
    store.mark_seen(her.id, [c.id for c in store.comments(her.id)])
    mine = store.add_reply(her.id, ana.id, "me", "My own reply.")

    her_post = blog.posts[0]
    blog.add_comment(her_post, "Cy", "A third voice.", parent=blog.comments[0])
    blog.add_post("arrival", "Arrival", "Louise learns a language.")
    blog.publish()
    blog.server.clear_hits()
    [outcome] = sync(store)

    assert outcome.new_reviews == 1 and outcome.new_comments == 1
    fetched = {h.path for h in blog.server.hits if h.status == 200}
    assert "/moon/feed/" not in fetched  # the site-wide comments feed said Moon is unchanged
    assert {"/feed/", "/comments/feed/", "/her/feed/", "/arrival/feed/"} <= fetched
    threads = _threads(store)
    assert ("Cy", "Ana", "A third voice.") in threads["Her"]
    assert ("me", "Ana", "My own reply.") in threads["Her"]
    assert len(threads["Her"]) == 4 and sorted(threads) == ["Arrival", "Her", "Moon"]
    state = store.read_state(her.id)
    assert not state.unread and mine.id not in state.seen
    assert store.comment(mine.id).local and store.comment(mine.id).body == "My own reply."
    assert store.reviews_with_new_comments() == {her.id}


def test_a_reply_to_a_comment_gone_from_the_feed_window_still_threads(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    sync(store)
    blog.comment_feed_size = 1  # WordPress lists only the newest comments
    blog.add_comment(blog.posts[0], "Dee", "Replying to Ana late.", parent=blog.comments[0])
    blog.publish()
    sync(store)
    assert ("Dee", "Ana", "Replying to Ana late.") in _threads(store)["Her"]


def test_atom_replies_links_and_thr_in_reply_to(tmp_path: Path, blog: FixtureBlog) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/atom/"))
    [outcome] = sync(store)
    assert outcome.ok and outcome.new_reviews == 2
    assert _threads(store)["Her"] == [
        ("Ana", None, "Lovely review."),
        ("Ben", "Ana", "Agreed, the score too."),
    ]


def test_a_failing_source_is_recorded_and_does_not_stop_the_others(
    tmp_path: Path, blog: FixtureBlog, blog_server: BlogServer
) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    broken = store.add_source("feed", blog_server.url("/gone/"))
    loop = store.add_source("feed", blog_server.url("/loop"))
    blog_server.set("/loop", redirect="/loop2")
    blog_server.set("/loop2", redirect="/loop")
    outcomes = {o.source.id: o for o in sync(store)}
    assert outcomes[1].ok and outcomes[1].new_reviews == 2
    assert outcomes[broken.id].error == "the server answered 404 Not Found"
    assert "redirects in a loop" in outcomes[loop.id].error
    by_id = {s.id: s for s in store.sources()}
    assert by_id[broken.id].status == "failed"
    assert by_id[broken.id].describe_status() == "failed: the server answered 404 Not Found"
    # Retried on the next sync: once the feed is back, it syncs.
    blog_server.set("/gone/", blog_server.routes["/feed/"].body)
    again = {o.source.id: o for o in sync(store, [by_id[broken.id]])}
    assert again[broken.id].ok
    assert store.sources()[broken.id - 1].status == "ok"


def test_a_dripping_feed_is_cut_at_the_deadline_and_others_sync(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    blog.server.set("/drip/", blog.server.routes["/feed/"].body, drip=0.3)
    slow = store.add_source("feed", blog.server.url("/drip/"))
    outcomes = {o.source.id: o for o in sync(store, deadline=1.0)}
    assert outcomes[slow.id].error == "no complete answer within 1 s"
    assert outcomes[1].ok


def test_gzip_feeds_are_read(tmp_path: Path, blog: FixtureBlog) -> None:
    blog.server.routes["/feed/"].gzip = True
    store = _store(tmp_path)
    _follow(store, blog.server.url("/"))
    [outcome] = sync(store)
    assert outcome.ok and outcome.new_reviews == 2


def test_a_post_imported_from_the_blogs_export_is_not_added_twice(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    store = _store(tmp_path)
    guid = blog.server.url("/?p=1")
    exported = ParsedReview(
        title="Her (from the export)",
        date="2023-03-06",
        body="Exported text.",
        source="wordpress",
        source_id=f"wordpress:{guid}",
        comments=(
            ParsedComment("Ana", None, "Lovely review.", source_id=f"wordpress:{guid}#comment-101"),
        ),
    )
    store.import_reviews([exported])
    _follow(store, blog.server.url("/"))
    sync(store)
    titles = sorted(r.title for r in store.reviews())
    assert titles == ["Her (from the export)", "Moon"]
    her = next(r for r in store.reviews() if r.title.startswith("Her"))
    comments = store.comments(her.id)
    assert [(c.author, c.parent_id) for c in comments] == [("Ana", None), ("Ben", comments[0].id)]


def test_keep_drops_old_unread_posts_but_never_replied_ones(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    for i in range(3):
        blog.add_post(f"p{i}", f"Post {i}", "text", date=f"Wed, 0{i + 1} Feb 2023 10:00:00 +0000")
    blog.publish()
    store = _store(tmp_path)
    source = _follow(store, blog.server.url("/"))
    sync(store)
    assert len(store.reviews()) == 5
    oldest = next(r for r in store.reviews() if r.title == "Post 0")
    store.add_reply(oldest.id, None, "me", "Keep this one.")
    store.set_keep(source.id, "2")
    sync(store)
    titles = sorted(r.title for r in store.reviews())
    assert titles == ["Her", "Moon", "Post 0"]
    # A later change of the feed does not bring the dropped posts back.
    blog.posts[0].title = "Her (edited)"
    blog.publish()
    [outcome] = sync(store)
    assert outcome.ok and outcome.new_reviews == 0
    assert sorted(r.title for r in store.reviews()) == ["Her (edited)", "Moon", "Post 0"]


def test_a_feed_with_a_stylesheet_instruction_is_a_feed(tmp_path: Path, blog: FixtureBlog) -> None:
    body = blog.server.routes["/feed/"].body.replace(
        b"?>", b'?><?xml-stylesheet href="/style.xsl" type="text/xsl"?>', 1
    )
    blog.server.set("/styled/", body)
    with Fetcher() as fetcher:
        found = discover(fetcher, blog.server.url("/styled/"))
    assert found.feed_url == blog.server.url("/styled/") and found.posts == 2


def test_comments_know_their_posts_address(blog: FixtureBlog) -> None:
    from tui.sources.comments import read_comments

    for path in ("/her/feed/", "/atom/1/comments"):  # WordPress #comment-N, Blogger ?showComment
        found = read_comments(blog.server.routes[path].body, blog.server.url(path))
        assert {c.post_link for c in found} == {blog.server.url("/her/")}
