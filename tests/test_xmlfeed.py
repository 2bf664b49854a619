"""The fast reading of RSS 2.0 / Atom 1.0 from the XML tree gives what feedparser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from blog_server import FixtureBlog

from tui.sources import comments, feeds

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _both(
    monkeypatch: pytest.MonkeyPatch, read: object, data: bytes, url: str
) -> tuple[object, object]:
    fast = read(data, url)  # type: ignore[operator]
    with monkeypatch.context() as patched:
        patched.setattr(feeds, "read_tree", lambda root: None)
        slow = read(data, url)  # type: ignore[operator]
    return fast, slow


@pytest.mark.parametrize("name", ["feed-rss.xml", "feed-atom.xml"])
def test_sample_feeds_read_alike(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    fast, slow = _both(monkeypatch, feeds.read_feed, data, "https://example.org/feed")
    assert fast == slow


def test_fixture_blog_feeds_read_alike(monkeypatch: pytest.MonkeyPatch, blog: FixtureBlog) -> None:
    routes = blog.server.routes
    for path in ("/feed/", "/atom/"):
        fast, slow = _both(monkeypatch, feeds.read_feed, routes[path].body, blog.server.url(path))
        assert isinstance(fast, feeds.FeedPage) and isinstance(slow, feeds.FeedPage)
        # (feedparser takes an Atom feed's id for its site link when it has none; we do not.)
        assert (fast.posts, fast.title, fast.comments_url) == (
            slow.posts,
            slow.title,
            slow.comments_url,
        )
        assert fast.posts
    for path in ("/her/feed/", "/comments/feed/", "/atom/1/comments"):
        fast, slow = _both(
            monkeypatch, comments.read_comments, routes[path].body, blog.server.url(path)
        )
        assert fast == slow and fast


def test_xhtml_content_goes_to_feedparser() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>e1</id>'
        b'<title>Her</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        b"<p>Lovely <b>film</b>.</p></div></content></entry></feed>"
    )
    page = feeds.read_feed(data, "https://example.org/atom")
    assert page.posts[0].review.body == "Lovely **film**."
