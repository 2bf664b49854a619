"""The fetcher's own request building and body decoding agree with httpx's."""

from __future__ import annotations

import gzip
import shutil
import ssl
import subprocess
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from blog_server import BlogServer
from cpu_audit import over_budget

from tui.sources.http import Fetcher, NetworkError
from tui.sources.http_wire import BodyDecoder, request_for
from tui.sources.tls import verifying_context

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


class _Hello(_BrokenGzip):
    """Answers every GET with a small feed."""

    def do_GET(self) -> None:
        body = b"<rss/>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTPS server on 127.0.0.1 with a certificate of its own (made by openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no certificate for a TLS server")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/feed", cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@over_budget
@pytest.mark.usefixtures("fresh_tls_context")
def test_https_is_verified_and_kept_alive(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    with Fetcher() as fetcher, pytest.raises(NetworkError) as caught:
        fetcher.get(url)  # a certificate nobody vouches for
    assert str(caught.value).startswith(f"{url}: the secure connection failed (")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as httpx reads it: trusted now...
    verifying_context.cache_clear()  # ...by the next process
    with Fetcher() as fetcher:
        assert fetcher.get(url).body == b"<rss/>"
        assert fetcher.get(url).body == b"<rss/>"


class _Redirecting(_BrokenGzip):
    """Redirects /old to a non-ASCII path (UTF-8 in the Location header), serves that."""

    def do_GET(self) -> None:
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/f\u00fcr-alle/")  # http.server writes it Latin-1
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.path.encode()
        self.send_response(200)
        self.send_header("ETag", '"caf\u00e9"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_non_ascii_headers_are_read_and_sent_back() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with Fetcher() as fetcher:
            got = fetcher.get(f"{base}/old")
            assert got.body == b"/f%C3%BCr-alle/"  # the Latin-1 ü, escaped as httpx does
            assert got.etag == '"caf\u00e9"'
            again = fetcher.get(got.url, etag=got.etag)  # sent back as it came
            assert again.status == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
