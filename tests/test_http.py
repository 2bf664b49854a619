"""The hardened fetcher against a real local server: deadlines, caps, redirects, 304s, gzip."""

from __future__ import annotations

import threading

import httpcore
import pytest
from blog_server import BlogServer

from tui.sources.http import (
    Fetcher,
    HTTPStatusError,
    NetworkError,
    RefusedURL,
    TimedOut,
    TooBig,
    TooManyRedirects,
    Turn,
)

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"


def test_plain_get_then_conditional_get_is_a_304(blog_server: BlogServer) -> None:
    blog_server.set("/feed", FEED)
    with Fetcher() as fetcher:
        first = fetcher.get(blog_server.url("/feed"))
        assert first.status == 200 and first.body == FEED and first.etag
        again = fetcher.get(blog_server.url("/feed"), etag=first.etag)
        assert again.not_modified and again.body == b""
        by_date = fetcher.get(blog_server.url("/feed"), last_modified=first.last_modified)
        assert by_date.not_modified
    hits = blog_server.hits_of("/feed")
    assert [h.status for h in hits] == [200, 304, 304]
    assert [h.body_bytes for h in hits] == [len(FEED), 0, 0]


def test_gzip_is_accepted_and_decoded(blog_server: BlogServer) -> None:
    blog_server.set("/feed", FEED * 50, gzip=True)
    with Fetcher() as fetcher:
        got = fetcher.get(blog_server.url("/feed"))
    assert got.body == FEED * 50
    assert blog_server.hits_of("/feed")[0].body_bytes < len(FEED) * 50


def test_a_dripping_server_is_cut_at_the_total_deadline(blog_server: BlogServer) -> None:
    # Each byte arrives well within any per-read timeout; only a total deadline stops it.
    blog_server.set("/drip", FEED, drip=0.2)
    with Fetcher(deadline=1.0) as fetcher, pytest.raises(TimedOut) as caught:
        fetcher.get(blog_server.url("/drip"))
    assert str(caught.value) == f"{blog_server.url('/drip')}: no complete answer within 1 s"


def test_connections_are_kept_alive_between_requests(blog_server: BlogServer) -> None:
    blog_server.set("/a", FEED)
    blog_server.set("/b", FEED * 2)
    with Fetcher() as fetcher:
        for path in ("/a", "/b", "/a", "/b"):
            assert fetcher.get(blog_server.url(path)).status == 200
        etag = blog_server.routes["/a"].etag
        assert fetcher.get(blog_server.url("/a"), etag=etag).not_modified
    peers = {h.peer for h in blog_server.hits}
    assert len(blog_server.hits) == 5 and len(peers) == 1  # one connection, five answers


def test_the_deadline_cuts_a_kept_alive_connection_too(blog_server: BlogServer) -> None:
    # The second request reuses the first one's connection (no new socket is
    # opened), and the headers come a byte at a time: only the total deadline ends it.
    blog_server.set("/feed", FEED)
    blog_server.set("/drip", FEED, drip_headers=0.1)
    with Fetcher(deadline=1.0) as fetcher:
        fetcher.get(blog_server.url("/feed"))
        with pytest.raises(TimedOut) as caught:
            fetcher.get(blog_server.url("/drip"))
        assert str(caught.value) == f"{blog_server.url('/drip')}: no complete answer within 1 s"
        assert fetcher.get(blog_server.url("/feed")).body == FEED  # the fetcher goes on
    first, drip = blog_server.hits_of("/feed")[0], blog_server.hits_of("/drip")[0]
    assert first.peer == drip.peer


def test_a_thread_waiting_on_the_network_gives_its_turn_up(blog_server: BlogServer) -> None:
    blog_server.set("/slow", b"slow answer", drip=0.05)  # recorded, then a byte at a time
    turn = Turn()
    order: list[str] = []
    with Fetcher(turn=turn) as fetcher:

        def slow() -> None:
            with turn:
                order.append("slow asks")
                fetcher.get(blog_server.url("/slow"))
                order.append("slow has its answer")

        worker = threading.Thread(target=slow)
        worker.start()
        while not blog_server.hits_of("/slow"):  # the request is at the server
            worker.join(0.01)
        with turn:  # had the slow thread kept its turn, this would wait for its answer
            order.append("other runs")
        worker.join()
    assert order == ["slow asks", "other runs", "slow has its answer"]


def test_the_pools_still_take_a_network_backend() -> None:
    # tui/sources/http.py hands httpx's pools (``transport._pool``, an httpcore pool)
    # a watched network backend through ``_network_backend``; the proxied client's
    # pools are found through ``client._transport`` and ``client._mounts``.
    import httpx

    transport = httpx.HTTPTransport()
    assert isinstance(transport._pool._network_backend, httpcore.NetworkBackend)
    client = httpx.Client()
    assert isinstance(client._transport, httpx.HTTPTransport)
    assert isinstance(client._mounts, dict)
    client.close()


def test_a_server_that_never_answers_is_cut_at_the_deadline(blog_server: BlogServer) -> None:
    blog_server.set("/slow", FEED, delay=3.0)
    with Fetcher(deadline=0.5) as fetcher, pytest.raises(TimedOut):
        fetcher.get(blog_server.url("/slow"))


def test_the_size_cap_applies_to_the_decoded_body(blog_server: BlogServer) -> None:
    blog_server.set("/big", b"x" * 5000)
    blog_server.set("/bomb", b"\0" * 200_000, gzip=True)
    with Fetcher(max_bytes=1000) as fetcher:
        with pytest.raises(TooBig, match=r"over the 0\.001 MB limit"):
            fetcher.get(blog_server.url("/big"))
        with pytest.raises(TooBig, match=r"more than the 0\.001 MB limit"):
            fetcher.get(blog_server.url("/bomb"))


def test_redirects_are_followed_and_checked(blog_server: BlogServer) -> None:
    blog_server.set("/feed", FEED)
    blog_server.set("/old", redirect="/feed")
    blog_server.set("/ftp", redirect="ftp://127.0.0.1/feed")
    blog_server.set("/a", redirect="/b")
    blog_server.set("/b", redirect="/a")
    for i in range(7):
        blog_server.set(f"/hop{i}", redirect=f"/hop{i + 1}")
    blog_server.set("/hop7", FEED)
    with Fetcher() as fetcher:
        moved = fetcher.get(blog_server.url("/old"))
        assert moved.body == FEED and moved.url == blog_server.url("/feed")
        with pytest.raises(RefusedURL) as ftp:
            fetcher.get(blog_server.url("/ftp"))
        with pytest.raises(TooManyRedirects) as loop:
            fetcher.get(blog_server.url("/a"))
        with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
            fetcher.get(blog_server.url("/hop0"))
    assert "ftp://" in str(ftp.value) and "only http:// and https://" in str(ftp.value)
    message = str(loop.value)
    assert "\n" not in message and "redirects in a loop" in message
    assert message.startswith(blog_server.url("/a") + ": ")


def test_errors_are_one_line_naming_the_url(blog_server: BlogServer) -> None:
    blog_server.set("/broken", status=500)
    with Fetcher() as fetcher:
        with pytest.raises(HTTPStatusError) as status:
            fetcher.get(blog_server.url("/broken"))
        with pytest.raises(HTTPStatusError, match="404 Not Found"):
            fetcher.get(blog_server.url("/missing"))
        with pytest.raises(NetworkError, match="refused"):
            fetcher.get("http://127.0.0.1:1/feed")
    assert str(status.value) == f"{blog_server.url('/broken')}: the server answered 500 " + (
        "Internal Server Error"
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.org/feed", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("https://mara:hunter2@example.org/feed", "user name or password"),
        ("http:///nohost", "no host"),
    ],
)
def test_refused_urls(url: str, words: str) -> None:
    with Fetcher() as fetcher, pytest.raises(RefusedURL) as caught:
        fetcher.get(url)
    assert words in str(caught.value)
    assert "hunter2" not in str(caught.value)
