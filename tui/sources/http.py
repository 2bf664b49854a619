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

import socket
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

import tui
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


class _Watchdog:
    """Shuts the request's socket when the deadline passes, waking any blocked read."""

    def __init__(self, deadline: float) -> None:
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.fired = False
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: remember each socket as it connects."""
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sockets.append(sock)
                    if self.fired:
                        _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        """The request ended: no need to fire."""
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class Fetcher:
    """A thread-safe HTTP client with the limits above; one per sync or import."""

    def __init__(
        self, *, deadline: float = DEADLINE, max_bytes: int = MAX_BYTES, workers: int = 8
    ) -> None:
        """``deadline`` seconds per request in total, ``max_bytes`` per body."""
        self.deadline = deadline
        self.max_bytes = max_bytes
        # No keep-alive: every request gets its own connection, so the watchdog always
        # knows the socket to shut (a pooled one is connected before our trace hook).
        self._client = httpx.Client(
            follow_redirects=False,
            trust_env=True,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=workers * 2, max_keepalive_connections=0),
        )

    def close(self) -> None:
        """Release the connections."""
        self._client.close()

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
            fetched, location = self._once(url, headers, deadline, start)
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

    def _once(
        self, url: str, headers: dict[str, str], deadline: float, start: str
    ) -> tuple[Fetched | None, str | None]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimedOut(start, f"no complete answer within {self.deadline:g} s")
        watchdog = _Watchdog(deadline)
        try:
            request = self._client.build_request(
                "GET",
                url,
                headers=headers,
                timeout=httpx.Timeout(remaining),
                extensions={"trace": watchdog.trace},
            )
            response = self._client.send(request, stream=True)
            try:
                if response.is_redirect and response.headers.get("Location"):
                    return None, response.headers["Location"]
                return self._read(url, response, deadline, start), None
            finally:
                response.close()
        except httpx.TimeoutException:
            raise TimedOut(start, f"no complete answer within {self.deadline:g} s") from None
        except httpx.HTTPError as error:
            if watchdog.fired or time.monotonic() >= deadline:
                raise TimedOut(start, f"no complete answer within {self.deadline:g} s") from None
            raise NetworkError(start, _network_reason(error)) from None
        finally:
            watchdog.cancel()

    def _read(self, url: str, response: httpx.Response, deadline: float, start: str) -> Fetched:
        status = response.status_code
        if status == 304:
            return Fetched(url, 304, b"", _etag(response), response.headers.get("Last-Modified"))
        if status >= 400 or status < 200:
            raise HTTPStatusError(start, status, response.reason_phrase)
        length = response.headers.get("Content-Length", "")
        plain = "content-encoding" not in response.headers
        if plain and length.isdigit() and int(length) > self.max_bytes:
            raise TooBig(start, f"{int(length):,} bytes is over the {self._cap()} limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise TooBig(start, f"more than the {self._cap()} limit")
            if time.monotonic() >= deadline:
                raise TimedOut(start, f"no complete answer within {self.deadline:g} s")
            chunks.append(chunk)
        return Fetched(
            url,
            status,
            b"".join(chunks),
            _etag(response),
            response.headers.get("Last-Modified"),
            response.headers.get("Content-Type", ""),
        )

    def _cap(self) -> str:
        return f"{self.max_bytes / 1_000_000:g} MB"


def _etag(response: httpx.Response) -> str | None:
    return response.headers.get("ETag") or None


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
