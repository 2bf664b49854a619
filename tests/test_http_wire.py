"""The fetcher's own request building and body decoding agree with httpx's."""

from __future__ import annotations

import gzip
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from blog_server import BlogServer

from tui.sources.http import Fetcher, NetworkError
from tui.sources.http_wire import BodyDecoder, request_for

URLS = [
    "http://example.org/feed/",
    "http://Example.ORG:80/feed/?a=1&b=2#frag",
    "https://example.org:443/",
    "https://example.org:8443/x",
    "http://example.org",
    "http://example.org/a b/ü?q=ä ö",
    "http://bücher.example/feed",
    "http://example.org/a/../b/./c",
    "http://example.org/100%/x%41",
    "http://example.org/p?",
    "http://[::1]:8080/feed",
    "http://example.org/p;x=1?q='v'",
]


@pytest.mark.parametrize("url", URLS)
def test_the_request_is_what_httpx_would_send(url: str) -> None:
    ours = request_for(url, {"Accept": "*/*"}, 5.0)
    theirs = httpx.Request("GET", url)
    assert ours.url.scheme == theirs.url.raw_scheme
    assert ours.url.host == theirs.url.raw_host
    assert ours.url.port == theirs.url.port
    assert ours.url.target == theirs.url.raw_path
    assert ours.headers[0] == (b"Host", theirs.headers["Host"].encode())
    assert (b"Accept", b"*/*") in ours.headers


def _decoded(encoding: str, data: bytes, limit: int = 10_000_000) -> bytes:
    decoder = BodyDecoder(encoding)
    out = b"".join(decoder.decode(data[i : i + 7], limit) for i in range(0, len(data), 7))
    return out + decoder.flush()


def test_gzip_and_both_kinds_of_deflate_are_undone() -> None:
    text = b"A long take on a film. " * 200
    assert _decoded("gzip", gzip.compress(text)) == text
    assert _decoded("deflate", zlib.compress(text)) == text
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert _decoded("deflate", raw.compress(text) + raw.flush()) == text
    assert _decoded("deflate, gzip", gzip.compress(zlib.compress(text))) == text
    assert _decoded("identity", text) == text and BodyDecoder("br").plain


def test_a_bomb_is_never_inflated_past_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(BodyDecoder("gzip").decode(bomb, 1000)) == 1001


class _BrokenGzip(BaseHTTPRequestHandler):
    """Says gzip, sends something else."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = b"\x1f\x8b not really gzip" * 10
        self.send_response(200)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_broken_gzip_body_is_a_one_line_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BrokenGzip)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed"
    try:
        with Fetcher() as fetcher, pytest.raises(NetworkError) as caught:
            fetcher.get(url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert str(caught.value).startswith(f"{url}: the response could not be decoded (")
    assert "\n" not in str(caught.value)


def test_an_odd_url_reaches_the_server_as_httpx_would_send_it(blog_server: BlogServer) -> None:
    blog_server.set("/a%20b/%C3%BC", b"<rss/>")
    with Fetcher() as fetcher:
        got = fetcher.get(blog_server.url("/x/../a b/ü"))
    assert got.status == 200 and got.body == b"<rss/>"
