"""A real HTTP server on 127.0.0.1 serving a fixture blog whose feeds change between syncs.

``BlogServer`` serves ``Route`` objects (a body, or a status, a redirect, a
delay, a drip of one byte at a time, gzip) with ETag / Last-Modified and 304s,
and records every request. ``FixtureBlog`` keeps posts and comments and renders
them the way WordPress does (RSS with ``wfw:commentRss``, per-post comment
feeds with "In reply to" lines, a site-wide comments feed, a site page with
``<link rel="alternate">``) and the way Blogger does (Atom with
``rel="replies"`` and ``thr:in-reply-to``). It listens on port 0, so parallel
test sessions never collide.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    redirect: str | None = None
    delay: float = 0.0
    """Seconds before the headers are sent."""
    drip: float = 0.0
    """Seconds between single bytes of the body (0: all at once)."""
    drip_headers: float = 0.0
    """Seconds between single bytes of the status line and headers (0: all at once)."""
    gzip: bool = False
    validators: bool = True
    """Send ETag and Last-Modified (and answer 304 to a matching conditional GET)."""
    last_modified: str = field(default_factory=lambda: formatdate(usegmt=True))

    @property
    def etag(self) -> str:
        """A strong ETag of the body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    """One request the server answered."""

    path: str
    status: int
    conditional: bool
    body_bytes: int
    peer: int = 0
    """The client's port: requests on one kept-alive connection share it."""


class BlogServer:
    """A threaded HTTP server for ``Route``s; ``url(path)`` is its address."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (the fetcher cuts slow servers off)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        # serve_forever looks for shutdown() every poll_interval: at its default 0.5 s, closing
        # the server cost every test that used it up to half a second of nothing.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The full URL of ``path``."""
        return self.base + path

    def set(self, path: str, body: bytes | str = b"", **options: object) -> Route:
        """Serve ``body`` (or the options' status, redirect, ...) at ``path``."""
        data = body.encode() if isinstance(body, str) else body
        route = Route(body=data, **options)  # type: ignore[arg-type]
        with self._lock:
            self.routes[path] = route
        return route

    def hits_of(self, path: str) -> list[Hit]:
        """The requests for ``path`` so far."""
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def clear_hits(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self.hits.clear()

    def close(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def _record(self, path: str, status: int, conditional: bool, size: int, peer: int = 0) -> None:
        with self._lock:
            self.hits.append(Hit(path, status, conditional, size, peer))

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        peer = handler.client_address[1]
        with self._lock:
            route = self.routes.get(path)
        conditional = bool(
            handler.headers.get("If-None-Match") or handler.headers.get("If-Modified-Since")
        )
        if route is None:
            self._record(path, 404, conditional, 9, peer)
            self._send(handler, 404, b"not found", {"Content-Type": "text/plain"})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.redirect is not None:
            self._record(path, 302, conditional, 0, peer)
            self._send(handler, 302, b"", {"Location": route.redirect})
            return
        if route.status != 200:
            self._record(path, route.status, conditional, 7, peer)
            self._send(handler, route.status, b"failure", {"Content-Type": "text/plain"})
            return
        headers = {"Content-Type": route.content_type}
        if route.validators:
            headers["ETag"] = route.etag
            headers["Last-Modified"] = route.last_modified
            match = handler.headers.get("If-None-Match")
            since = handler.headers.get("If-Modified-Since")
            if (match and match == route.etag) or (not match and since == route.last_modified):
                self._record(path, 304, conditional, 0, peer)
                self._send(handler, 304, b"", headers)
                return
        body = route.body
        if route.gzip and "gzip" in (handler.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        # Recorded before the answer leaves: a client that has its answer finds the hit.
        self._record(path, 200, conditional, len(body), peer)
        if route.drip_headers:
            self._drip_headers(handler, body, headers, route.drip_headers)
        elif route.drip:
            self._drip(handler, body, headers, route.drip)
        else:
            self._send(handler, 200, body, headers)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if status != 304:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if status != 304:
                handler.wfile.write(body)
        except OSError:
            pass  # the client went away

    @staticmethod
    def _drip_headers(
        handler: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str], pause: float
    ) -> None:
        lines = ["HTTP/1.1 200 OK", *(f"{k}: {v}" for k, v in headers.items())]
        head = ("\r\n".join([*lines, f"Content-Length: {len(body)}"]) + "\r\n\r\n").encode()
        try:
            for i in range(len(head)):
                handler.wfile.write(head[i : i + 1])
                handler.wfile.flush()
                time.sleep(pause)
            handler.wfile.write(body)
        except OSError:
            pass
        handler.close_connection = True

    @staticmethod
    def _drip(
        handler: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str], pause: float
    ) -> None:
        try:
            handler.send_response(200)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.flush()
            for i in range(len(body)):
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass
        handler.close_connection = True


@dataclass
class Post:
    """A blog post."""

    number: int
    slug: str
    title: str
    body: str
    date: str = "Mon, 06 Mar 2023 10:00:00 +0000"


@dataclass
class BlogComment:
    """A comment on a post; ``parent`` is another comment's number (threaded reply)."""

    number: int
    post: int
    author: str
    body: str
    parent: int | None = None
    date: str = "Tue, 07 Mar 2023 10:00:00 +0000"


class FixtureBlog:
    """A WordPress-style blog (and its Blogger-style Atom twin) rendered onto a server."""

    def __init__(self, server: BlogServer, name: str = "Matinee") -> None:
        self.server = server
        self.name = name
        self.posts: list[Post] = []
        self.comments: list[BlogComment] = []
        self.comment_feed_size = 10
        """Like WordPress: a comment feed lists only the newest N comments."""
        self.comment_counts = False
        """Like WordPress: each post in the feed says how many comments it has
        (``<slash:comments>``)."""

    def add_post(self, slug: str, title: str, body: str, date: str | None = None) -> Post:
        """A new post, newest first in the feeds."""
        post = Post(len(self.posts) + 1, slug, title, body)
        if date:
            post.date = date
        self.posts.append(post)
        return post

    def add_comment(
        self, post: Post, author: str, body: str, parent: BlogComment | None = None
    ) -> BlogComment:
        """A new comment (a threaded reply when ``parent`` is given)."""
        number = 100 + len(self.comments) + 1
        comment = BlogComment(number, post.number, author, body, parent and parent.number)
        self.comments.append(comment)
        return comment

    def permalink(self, post: Post) -> str:
        """The post's address."""
        return self.server.url(f"/{post.slug}/")

    def publish(self) -> None:
        """Render every page and feed onto the server (only what changed gets a new ETag)."""
        put = self._republish
        put("/", self._site_page(), content_type="text/html; charset=utf-8")
        put("/feed/", self._rss())
        put("/comments/feed/", self._comment_rss(None))
        for post in self.posts:
            put(f"/{post.slug}/feed/", self._comment_rss(post))
            put(f"/{post.slug}/", f"<html><body>{escape(post.body)}</body></html>")
        put("/atom/", self._atom(), content_type="application/atom+xml")
        for post in self.posts:
            put(
                f"/atom/{post.number}/comments",
                self._atom_comments(post),
                content_type="application/atom+xml",
            )

    def _count(self, post: Post) -> str:
        if not self.comment_counts:
            return ""
        count = sum(c.post == post.number for c in self.comments)
        return f"<slash:comments>{count}</slash:comments>"

    def _republish(self, path: str, body: str, **options: object) -> None:
        old = self.server.routes.get(path)
        if old is not None and old.body == body.encode():
            return  # unchanged: keep its validators, so conditional GETs get a 304
        self.server.set(path, body, **options)

    def _site_page(self) -> str:
        feed, comments = self.server.url("/feed/"), self.server.url("/comments/feed/")
        return (
            "<!doctype html><html><head><title>" + escape(self.name) + "</title>"
            f'<link rel="alternate" type="application/rss+xml" title="{self.name} &raquo; Feed"'
            f' href="{feed}">'
            '<link rel="alternate" type="application/rss+xml" '
            f'title="{self.name} &raquo; Comments Feed" href="{comments}">'
            "</head><body><h1>" + escape(self.name) + "</h1></body></html>"
        )

    def _rss(self) -> str:
        items = []
        for post in reversed(self.posts):
            link = self.permalink(post)
            items.append(
                f"<item><title>{escape(post.title)}</title><link>{link}</link>"
                f'<guid isPermaLink="false">{self.server.url(f"/?p={post.number}")}</guid>'
                f"<pubDate>{post.date}</pubDate><dc:creator>Mara</dc:creator>"
                f"<description>{escape(post.body[:40])}</description>"
                f"<content:encoded><![CDATA[<p>{escape(post.body)}</p>]]></content:encoded>"
                f"<wfw:commentRss>{link}feed/</wfw:commentRss>{self._count(post)}</item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
            f"<title>{escape(self.name)}</title><link>{self.server.url('/')}</link>"
            "<generator>https://wordpress.org/?v=6.4</generator>"
            + "".join(items)
            + "</channel></rss>"
        )

    def _comment_rss(self, post: Post | None) -> str:
        chosen = [c for c in self.comments if post is None or c.post == post.number]
        chosen = chosen[-self.comment_feed_size :]
        by_number = {c.number: c for c in self.comments}
        posts = {p.number: p for p in self.posts}
        items = []
        for c in reversed(chosen):
            link = self.permalink(posts[c.post])
            body = f"<p>{escape(c.body)}</p>"
            if c.parent is not None:
                parent = by_number[c.parent]
                body = (
                    f'<p>In reply to <a href="{link}#comment-{parent.number}">'
                    f"{escape(parent.author)}</a>.</p>\n" + body
                )
            items.append(
                f"<item><title>By: {escape(c.author)}</title>"
                f"<link>{link}#comment-{c.number}</link>"
                f"<dc:creator><![CDATA[{c.author}]]></dc:creator><pubDate>{c.date}</pubDate>"
                f'<guid isPermaLink="false">{self.server.url(f"/?p={c.post}")}'
                f"#comment-{c.number}</guid>"
                f"<description>{escape(c.body)}</description>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
            )
        title = f"Comments on: {post.title}" if post else f"Comments for {self.name}"
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{escape(title)}</title><link>{self.server.url('/')}</link>"
            + "".join(items)
            + "</channel></rss>"
        )

    def _atom(self) -> str:
        entries = []
        for post in reversed(self.posts):
            replies = self.server.url(f"/atom/{post.number}/comments")
            entries.append(
                f"<entry><id>tag:blogger.com,1999:blog-7.post-{post.number}</id>"
                f"<published>2023-03-0{min(post.number, 9)}T10:00:00Z</published>"
                f"<title>{escape(post.title)}</title>"
                f'<content type="html">{escape("<p>" + escape(post.body) + "</p>")}</content>'
                f'<link rel="alternate" type="text/html" href="{self.permalink(post)}"/>'
                f'<link rel="replies" type="application/atom+xml" href="{replies}"/>'
                "<author><name>Mara</name></author></entry>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:thr="http://purl.org/syndication/thread/1.0">'
            f"<id>tag:blogger.com,1999:blog-7</id><title>{escape(self.name)}</title>"
            "<updated>2023-03-09T10:00:00Z</updated>" + "".join(entries) + "</feed>"
        )

    def _atom_comments(self, post: Post) -> str:
        entries = []
        for c in self.comments:
            if c.post != post.number:
                continue
            ref = (
                f"tag:blogger.com,1999:blog-7.post-{c.parent}"
                if c.parent is not None
                else f"tag:blogger.com,1999:blog-7.post-{post.number}"
            )
            entries.append(
                f"<entry><id>tag:blogger.com,1999:blog-7.post-{c.number}</id>"
                "<published>2023-03-10T10:00:00Z</published>"
                f"<title>{escape(c.body[:20])}</title>"
                f'<content type="html">{escape("<p>" + escape(c.body) + "</p>")}</content>'
                f"<author><name>{escape(c.author)}</name></author>"
                f'<link rel="alternate" type="text/html" '
                f'href="{self.permalink(post)}?showComment={c.number}#c{c.number}"/>'
                f'<thr:in-reply-to ref="{ref}"/></entry>'
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:thr="http://purl.org/syndication/thread/1.0">'
            f"<id>tag:blogger.com,1999:blog-7.post-{post.number}.comments</id>"
            f"<title>Comments on {escape(post.title)}</title>"
            "<updated>2023-03-10T10:00:00Z</updated>" + "".join(entries) + "</feed>"
        )
