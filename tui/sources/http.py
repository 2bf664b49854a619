"""One hardened HTTP fetcher for everything that goes to the network.

Every request has a **total** deadline (a watchdog shuts the socket when it
passes, so a server dripping a byte at a time is cut at the deadline, not per
read), a size cap on the decoded body, http/https only (redirects are followed
here, at most ``MAX_REDIRECTS``, each one checked), conditional GET and gzip.
URLs with a user name or password are refused: logins come with a later issue.
Every failure is a ``FetchError`` whose ``str()`` is one clean line naming the
URL and the cause in words.
"""

from __future__ import annotations

import heapq
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import getproxies

import httpcore
import httpx

import tui
from tui.sources.http_sockets import SocketBackend
from tui.sources.http_wire import Answer, BodyDecoder, request_for
from tui.sources.tls import verifying_context
from tui.text import one_line

DEADLINE = 30.0
"""Seconds a whole request may take, redirects and body included."""
MAX_BYTES = 200_000_000
"""The largest body accepted (after decompression)."""
MAX_REDIRECTS = 5
SCHEMES = frozenset({"http", "https"})
USER_AGENT = f"reviews/{tui.__version__} (+feed reader)"


def display_url(url: str) -> str:
    """``url`` as messages show it: one clean line, any user name or password removed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return one_line(url)
    if parts.username is None and parts.password is None:
        return one_line(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return one_line(urlunsplit(parts._replace(netloc=netloc)))


class FetchError(Exception):
    """A request that failed; ``str()`` is ``"<url>: <cause>"`` on one line."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = display_url(url)
        self.reason = one_line(reason)
        super().__init__(f"{self.url}: {self.reason}")


class RefusedURL(FetchError):  # noqa: N818 - reads as what happened
    """A URL we will not fetch: not http(s), credentials in it, or malformed."""


class TimedOut(FetchError):  # noqa: N818 - reads as what happened
    """The total deadline passed."""


class TooBig(FetchError):  # noqa: N818 - reads as what happened
    """The body is over the size cap."""


class TooManyRedirects(FetchError):  # noqa: N818 - reads as what happened
    """More than ``MAX_REDIRECTS`` redirects, or a redirect loop."""


class _StaleConnection(FetchError):  # noqa: N818 - reads as what happened
    """A kept-alive connection failed before any answer came: worth one more try."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx)."""

    def __init__(self, url: str, status: int, phrase: str) -> None:
        self.status = status
        super().__init__(url, f"the server answered {status} {phrase}".rstrip())


class NetworkError(FetchError):
    """DNS, connection, TLS or protocol failure."""


@dataclass(frozen=True)
class Fetched:
    """A response: the final URL (after redirects), its body and its validators."""

    url: str
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        """The server said nothing changed since the validators we sent (304)."""
        return self.status == 304


def check_url(url: str) -> str:
    """``url`` if we may fetch it; ``RefusedURL`` with the reason otherwise."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise RefusedURL(url, f"not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme}://" if scheme else "a URL without http:// or https://"
        raise RefusedURL(url, f"only http:// and https:// are fetched, not {shown}")
    if parts.username is not None or parts.password is not None:
        raise RefusedURL(
            url, "a user name or password in the URL is not supported; remove it from the URL"
        )
    if not parts.hostname:
        raise RefusedURL(url, "the URL names no host")
    return url


class Turn:
    """One thread at a time, among those that share it, runs Python; each gives its turn
    up while it waits on the network (``Fetcher(turn=...)``).

    A sync's workers spend their time in Python (HTTP parsing, feed parsing) between
    short waits for a local or fast server. Under the GIL only one of them runs anyway;
    eight runnable workers only make each switch cost more, and make a thread that
    is not one of them (the reader's, answering keys) wait behind all eight. Taking
    turns, at most one worker competes with it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def __enter__(self) -> Turn:
        self._lock.acquire()
        self._owner = threading.get_ident()
        return self

    def __exit__(self, *exc: object) -> None:
        self._owner = None
        self._lock.release()

    def give_up(self) -> bool:
        """Give the turn up if this thread has it (before a wait); whether it had it."""
        if self._owner != threading.get_ident():
            return False
        self._owner = None
        self._lock.release()
        return True

    def take_back(self) -> None:
        """Wait for the turn again (after a wait that ``give_up`` answered True for)."""
        self._lock.acquire()
        self._owner = threading.get_ident()

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """The turn given up (if this thread has it) for the time of a wait."""
        had = self.give_up()
        try:
            yield
        finally:
            if had:
                self.take_back()


class _Request:
    """One request's deadline, and the socket it is reading or writing now."""

    __slots__ = ("connected", "deadline", "done", "fired", "sock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.sock: socket.socket | None = None
        self.fired = False
        self.done = False
        self.connected = False
        """It opened a connection (rather than only using one the pool kept)."""


class _Watchdog:
    """One thread per fetcher that shuts a request's socket when its deadline passes.

    A request registers its deadline here; whichever socket it then reads or writes
    (a new connection, or one the pool kept alive) is remembered through ``_WatchedStream``,
    so a blocked read wakes at the deadline, not per read. Only that request's connection
    is shut (the pool drops it); the other requests and connections go on.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._queue: list[tuple[float, int, _Request]] = []
        self._count = 0
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._owner: dict[socket.socket, _Request] = {}
        """Socket -> the request using it now (a pooled socket passes between requests)."""
        self.turn: Turn | None = None
        """The turn the fetcher's threads take, given up while they wait on a socket."""
        self.current = threading.local()
        """The request the calling thread is making (``.request``), if any."""

    def start(self, deadline: float) -> _Request:
        """Watch a request that must end by ``deadline`` (``time.monotonic()``)."""
        request = _Request(deadline)
        with self._lock:
            self._count += 1
            heapq.heappush(self._queue, (deadline, self._count, request))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="fetch-deadline", daemon=True
                )
                self._thread.start()
            elif self._queue[0][2] is request:
                self._lock.notify()
        self.current.request = request
        return request

    def end(self, request: _Request) -> None:
        """The request ended: its socket is no longer watched."""
        self.current.request = None
        with self._lock:
            request.done = True
            if request.sock is not None and self._owner.get(request.sock) is request:
                del self._owner[request.sock]
            request.sock = None

    def waiting(self) -> AbstractContextManager[None]:
        """The fetcher's turn given up for a wait on the network (if it takes turns)."""
        return nullcontext() if self.turn is None else self.turn.waiting()

    def connecting(self) -> None:
        """The calling thread's request opens a new connection."""
        request: _Request | None = getattr(self.current, "request", None)
        if request is not None:
            request.connected = True

    def using(self, sock: socket.socket) -> None:
        """The calling thread's request reads or writes ``sock`` now."""
        request: _Request | None = getattr(self.current, "request", None)
        if request is None or request.sock is sock:
            return
        with self._lock:
            # A pooled socket a finished request left: that request's deadline no longer
            # shuts it (it may fire just after its last read handed the socket back).
            before = self._owner.get(sock)
            if before is not None and before.sock is sock:
                before.sock = None
            self._owner[sock] = request
            request.sock = sock
            if request.fired:
                _shut(sock)

    def stop(self) -> None:
        """End the watchdog's thread."""
        with self._lock:
            self._stopped = True
            self._lock.notify()

    def _run(self) -> None:
        with self._lock:
            while not self._stopped:
                while self._queue and self._queue[0][2].done:
                    heapq.heappop(self._queue)
                if not self._queue:
                    self._lock.wait()
                    continue
                wait = self._queue[0][0] - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                _deadline, _n, request = heapq.heappop(self._queue)
                request.fired = True
                if request.sock is not None:
                    _shut(request.sock)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedStream(httpcore.NetworkStream):
    """A connection's stream that tells the watchdog which socket a request is using."""

    def __init__(self, stream: httpcore.NetworkStream, watchdog: _Watchdog) -> None:
        self._stream = stream
        self._watchdog = watchdog
        sock = stream.get_extra_info("socket")
        self._sock = sock if isinstance(sock, socket.socket) else None
        self._mark()

    def _mark(self) -> None:
        if self._sock is not None:
            self._watchdog.using(self._sock)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, shut at the request's deadline."""
        self._mark()
        turn = self._watchdog.turn
        if turn is None or not turn.give_up():
            return self._stream.read(max_bytes, timeout)
        try:
            return self._stream.read(max_bytes, timeout)
        finally:
            turn.take_back()

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, shut at the request's deadline (in turn: a GET's few hundred bytes go
        straight into the socket's buffer; it is the answer that is waited for)."""
        self._mark()
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        """Close the connection."""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """The TLS stream over this one, watched the same way."""
        self._mark()
        with self._watchdog.waiting():
            tls = self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _WatchedStream(tls, self._watchdog)

    def get_extra_info(self, info: str) -> Any:
        """What the wrapped stream says."""
        return self._stream.get_extra_info(info)


class _WatchedBackend(httpcore.NetworkBackend):
    """The pool's network backend with every stream watched (``_WatchedStream``)."""

    def __init__(self, backend: httpcore.NetworkBackend, watchdog: _Watchdog) -> None:
        self._backend = backend
        self._watchdog = watchdog

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A watched TCP connection."""
        self._watchdog.connecting()
        with self._watchdog.waiting():  # DNS and the handshake: the network
            stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _WatchedStream(stream, self._watchdog)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        """A watched Unix socket connection."""
        self._watchdog.connecting()
        with self._watchdog.waiting():
            stream = self._backend.connect_unix_socket(path, timeout, socket_options)
        return _WatchedStream(stream, self._watchdog)

    def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does (not in turn)."""
        with self._watchdog.waiting():
            self._backend.sleep(seconds)


def _watch_pools(client: httpx.Client, watchdog: _Watchdog) -> None:
    """Put the watchdog under every connection pool of ``client`` (direct and proxied)."""
    for transport in [client._transport, *client._mounts.values()]:
        if transport is not None:  # None: a NO_PROXY pattern, no transport of its own
            _watch_pool(transport, watchdog)


def _watch_pool(transport: httpx.BaseTransport, watchdog: _Watchdog) -> None:
    """Put the watchdog under ``transport``'s connection pool.

    httpx has no public way to hand its pools a network backend; the pools are
    ``httpcore`` ones, whose backend is the documented extension point
    (tests/test_http.py guards the attributes used here).
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.NetworkBackend):
        raise RuntimeError("httpx's connection pools changed: see tui/sources/http.py")
    pool._network_backend = _WatchedBackend(backend, watchdog)  # type: ignore[union-attr]


class Fetcher:
    """A thread-safe HTTP client with the limits above; one per sync or import."""

    def __init__(
        self,
        *,
        deadline: float = DEADLINE,
        max_bytes: int = MAX_BYTES,
        workers: int = 8,
        turn: Turn | None = None,
    ) -> None:
        """``deadline`` seconds per request in total, ``max_bytes`` per body; ``turn``: the
        turn that the threads using this fetcher take (given up while they wait on it)."""
        self.deadline = deadline
        self.max_bytes = max_bytes
        # Keep-alive: the workers share a pool of connections (a sync of many feeds from
        # one blog pays for one connection per worker, not one per request); the
        # watchdog learns which pooled socket each request uses (``_WatchedBackend``).
        self._watchdog = _Watchdog()
        self._watchdog.turn = turn
        self._limits = httpx.Limits(
            max_connections=workers * 2, max_keepalive_connections=workers * 2
        )
        self._headers = {
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": USER_AGENT,
        }
        self._lock = threading.Lock()
        self._pools: dict[str, httpcore.ConnectionPool] = {}
        self._client: httpx.Client | None = None
        if getproxies():
            # Proxies from the environment: httpx's client routes each URL to its proxy.
            self._client = httpx.Client(
                verify=verifying_context(),
                follow_redirects=False,
                trust_env=True,
                headers=self._headers,
                limits=self._limits,
            )
            _watch_pools(self._client, self._watchdog)

    def _pool(self, scheme: str) -> httpcore.ConnectionPool:
        """The pool of direct connections for ``scheme``, made on first use (as httpx's
        transport makes it: HTTP/1.1, keep-alive for ``keepalive_expiry`` seconds)."""
        with self._lock:
            pool = self._pools.get(scheme)
            if pool is None:
                # Plain http never speaks TLS: its pool gets a context with no certificates
                # (nothing to load; it would refuse any server), https the full one
                # (certifi's, or SSL_CERT_FILE / SSL_CERT_DIR as httpx reads them, once a
                # process: tui.sources.tls).
                context = (
                    ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    if scheme == "http"
                    else verifying_context()
                )
                pool = httpcore.ConnectionPool(
                    ssl_context=context,
                    max_connections=self._limits.max_connections,
                    max_keepalive_connections=self._limits.max_keepalive_connections,
                    keepalive_expiry=self._limits.keepalive_expiry,
                    network_backend=SocketBackend(self._watchdog),
                )
                self._pools[scheme] = pool
            return pool

    def _send(self, url: str, headers: Mapping[str, str], remaining: float) -> Answer:
        """Send the GET (its body not read yet), through the proxy if there is one.

        Without a proxy the request goes straight to an httpcore connection pool
        (``tui.sources.http_wire``): httpx's client and models add nothing the
        fetcher uses (it follows no redirects, keeps no cookies, decodes its own
        bodies) and cost about as much again per request as the pool.
        """
        if self._client is not None:
            timeout = httpx.Timeout(remaining)
            built = self._client.build_request("GET", url, headers=headers, timeout=timeout)
            return Answer.from_httpx(self._client.send(built, stream=True))
        request = request_for(url, {**self._headers, **headers}, remaining)
        response = self._pool(request.url.scheme.decode()).handle_request(request)
        return Answer.from_httpcore(response)

    def close(self) -> None:
        """Release the connections and the watchdog's thread."""
        if self._client is not None:
            self._client.close()
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()
        self._watchdog.stop()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` following up to 5 checked redirects; a 304 comes back as such."""
        start = url
        check_url(url)
        deadline = time.monotonic() + self.deadline
        seen = [url]
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(MAX_REDIRECTS + 1):
            fetched, location = self._retried(url, headers, deadline, start)
            if location is None:
                assert fetched is not None
                return fetched
            target = urljoin(url, location)
            try:
                check_url(target)
            except RefusedURL as error:
                raise RefusedURL(
                    start, f"redirected to {error.url}, refused: {error.reason}"
                ) from None
            if target in seen:
                chain = " -> ".join(display_url(u) for u in [*seen, target])
                raise TooManyRedirects(start, f"redirects in a loop ({chain})")
            seen.append(target)
            url = target
        raise TooManyRedirects(start, f"more than {MAX_REDIRECTS} redirects")

    def _retried(
        self, url: str, headers: dict[str, str], deadline: float, start: str
    ) -> tuple[Fetched | None, str | None]:
        """``_once``, again on a new connection if a kept-alive one was closed under it
        (a server may close an idle connection just as the request goes out; a GET is
        safe to repeat)."""
        try:
            return self._once(url, headers, deadline, start)
        except _StaleConnection:
            return self._once(url, headers, deadline, start, fresh=True)

    def _once(
        self, url: str, headers: dict[str, str], deadline: float, start: str, fresh: bool = False
    ) -> tuple[Fetched | None, str | None]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimedOut(start, f"no complete answer within {self.deadline:g} s")
        watched = self._watchdog.start(deadline)
        try:
            try:
                answer = self._send(url, headers, remaining)
                try:
                    location = answer.location
                    if location is not None:
                        return None, location
                    return self._read(url, answer, deadline, start), None
                finally:
                    answer.close()
            except httpcore.TimeoutException as error:  # the pool's own, as httpx names them
                raise httpx.TimeoutException(str(error)) from None
            except (
                httpcore.NetworkError,
                httpcore.ProtocolError,
                httpcore.ProxyError,
                httpcore.UnsupportedProtocol,
            ) as error:
                raise _as_httpx(error) from None
        except httpx.TimeoutException:
            raise TimedOut(start, f"no complete answer within {self.deadline:g} s") from None
        except httpx.HTTPError as error:
            if watched.fired or time.monotonic() >= deadline:
                raise TimedOut(start, f"no complete answer within {self.deadline:g} s") from None
            stale = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
            if isinstance(error, stale) and not watched.connected and not fresh:
                raise _StaleConnection(start, _network_reason(error)) from None
            raise NetworkError(start, _network_reason(error)) from None
        finally:
            self._watchdog.end(watched)

    def _read(self, url: str, answer: Answer, deadline: float, start: str) -> Fetched:
        status = answer.status
        etag = answer.headers.get("etag") or None
        modified = answer.headers.get("last-modified")
        if status == 304:
            for _chunk in answer.chunks:  # nothing, but reading its end keeps the connection
                pass
            return Fetched(url, 304, b"", etag, modified)
        if status >= 400 or status < 200:
            raise HTTPStatusError(start, status, answer.reason)
        decoder = BodyDecoder(answer.headers.get("content-encoding"))
        length = answer.headers.get("content-length", "")
        if decoder.plain and length.isdigit() and int(length) > self.max_bytes:
            raise TooBig(start, f"{int(length):,} bytes is over the {self._cap()} limit")
        chunks: list[bytes] = []
        size = 0
        for raw in answer.chunks:
            chunk = raw if decoder.plain else decoder.decode(raw, self.max_bytes - size)
            size += len(chunk)
            if size > self.max_bytes:
                raise TooBig(start, f"more than the {self._cap()} limit")
            if time.monotonic() >= deadline:
                raise TimedOut(start, f"no complete answer within {self.deadline:g} s")
            chunks.append(chunk)
        if not decoder.plain:
            chunk = decoder.flush()
            size += len(chunk)
            if size > self.max_bytes:
                raise TooBig(start, f"more than the {self._cap()} limit")
            chunks.append(chunk)
        body = b"".join(chunks)
        return Fetched(url, status, body, etag, modified, answer.headers.get("content-type", ""))

    def _cap(self) -> str:
        return f"{self.max_bytes / 1_000_000:g} MB"


def _as_httpx(error: Exception) -> httpx.HTTPError:
    """httpx's exception of the same name as httpcore's ``error`` (as its transport maps them)."""
    kind = getattr(httpx, type(error).__name__, None)
    if not (isinstance(kind, type) and issubclass(kind, httpx.TransportError)):
        kind = httpx.TransportError
    return kind(str(error))


def _network_reason(error: httpx.HTTPError) -> str:
    text = one_line(str(error)) or type(error).__name__
    lowered = text.lower()
    if isinstance(error, httpx.ConnectError):
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return "the host name was not found (DNS)"
        if "certificate" in lowered or "ssl" in lowered:
            return f"the secure connection failed ({text})"
        if "refused" in lowered:
            return "the connection was refused"
        return f"cannot connect ({text})"
    if isinstance(error, httpx.DecodingError):
        return f"the response could not be decoded ({text})"
    return f"the connection failed ({text})"
