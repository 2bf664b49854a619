"""A feed read from the XML tree imports exactly as the same feed read by feedparser.

The feed importer takes plain RSS 2.0 and Atom 1.0 straight from defusedxml's
tree and leaves every other file to feedparser; each file here is imported both
ways and the reviews compared, field by field.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from blog_server import FixtureBlog
from hypothesis import given, settings
from hypothesis import strategies as st
from property_counts import examples
from shared_corpus import CORPUS as SHARED
from shared_corpus import needs_corpus

from tui.importers import ImportFailed, feed, safe_xml
from tui.importers.xmlfeed import Parsed
from tui.model import ParsedReview

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
CORPUS = SHARED / "feed"
PLAIN_CORPUS = ("rss-parser-guardian.rss", "pelican-all.atom.xml")
"""Real feeds the tree reader takes (the others need feedparser's dialects)."""


def _both(
    monkeypatch: pytest.MonkeyPatch, data: bytes, origin: str
) -> tuple[list[ParsedReview] | str, list[ParsedReview] | str]:
    def imported() -> list[ParsedReview] | str:
        try:
            return feed.parse(data, origin)
        except ImportFailed as error:
            return str(error)

    fast = imported()
    with monkeypatch.context() as patched:
        patched.setattr(feed, "read_tree", lambda root: None)
        slow = imported()
    return fast, slow


def _takes_tree(data: bytes) -> bool:
    return isinstance(feed._read(data, safe_xml.check(data, "x")), Parsed)


@pytest.mark.parametrize("name", ["feed-rss.xml", "feed-atom.xml"])
def test_samples_import_alike(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    fast, slow = _both(monkeypatch, data, name)
    assert fast == slow and fast
    assert _takes_tree(data) == (name == "feed-rss.xml")  # the Atom sample has an HTML title


@needs_corpus
@pytest.mark.slow  # every real-world feed of the corpus
def test_real_feeds_import_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(CORPUS.iterdir()):
        data = path.read_bytes()
        fast, slow = _both(monkeypatch, data, path.name)
        assert fast == slow, path.name
    for name in PLAIN_CORPUS:
        assert _takes_tree((CORPUS / name).read_bytes()), name


def test_fixture_blog_feeds_import_alike(
    monkeypatch: pytest.MonkeyPatch, blog: FixtureBlog
) -> None:
    for path in ("/feed/", "/atom/", "/comments/feed/", "/her/feed/"):
        data = blog.server.routes[path].body
        fast, slow = _both(monkeypatch, data, path)
        assert fast == slow, path


def test_what_feedparser_rewrites_goes_to_feedparser() -> None:
    def rss(item: str, head: str = '<?xml version="1.0"?>') -> bytes:
        channel = f"<channel><title>t</title><item>{item}</item></channel>"
        return f'{head}<rss version="2.0">{channel}</rss>'.encode()

    assert _takes_tree(rss("<title>Her</title><description>&lt;p&gt;x&lt;/p&gt;</description>"))
    for odd in [
        rss("<title>a &amp;amp; b</title>"),  # feedparser reads this title as HTML
        rss("<title>Her</title><itunes:summary xmlns:itunes='urn:i'>s</itunes:summary>"),
        rss("<title>Amélie</title>", '<?xml version="1.0" encoding="iso-8859-1"?>'),
        rss("<title>Ã©</title>"),  # UTF-8 read as Latin-1: feedparser repairs it
        rss("<title>a\u0093b</title>"),  # a C1 control: feedparser reads it as cp1252
    ]:
        assert not _takes_tree(odd), odd


TEXT = st.text(
    st.sampled_from([*"abcXYZ09 .,;:!?'\"()/-#=%@éж日&<>*_[]\\`\n\t", "\u2019", "\u00a0"]),
    max_size=30,
)
BODY = st.lists(
    st.one_of(
        TEXT.map(lambda t: f"<p>{escape(t)}</p>"),
        TEXT.map(lambda t: f"<p>a <em>{escape(t)}</em> b</p>"),
        TEXT.map(lambda t: f'<p><a href="https://x.org/{len(t)}">{escape(t)}</a></p>'),
        TEXT.map(lambda t: f"<ul><li>{escape(t)}</li></ul>"),
        st.just("<script>alert(1)</script><br /><br />"),
    ),
    max_size=4,
).map("".join)


AUTHOR = st.one_of(
    TEXT,
    st.lists(
        st.sampled_from(["Ann", " ", "(", ")", "<", ">", "()", "ann@x.org", "a.b+c@mail.x.co"]),
        max_size=5,
    ).map("".join),
)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(TEXT, BODY, AUTHOR, TEXT), min_size=1, max_size=4))
def test_generated_rss_imports_alike(items: list[tuple[str, str, str, str]]) -> None:
    parts = []
    for n, (title, body, author, tag) in enumerate(items):
        parts.append(
            f"<item><title>{escape(title)}</title><guid>g{n}</guid>"
            f"<link>https://x.org/{n}</link><author>{escape(author)}</author>"
            f"<category>{escape(tag)}</category>"
            f"<description>{escape(body)}</description></item>"
        )
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        + "".join(parts)
        + "</channel></rss>"
    ).encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(monkeypatch, data, "gen.xml")
    assert fast == slow
