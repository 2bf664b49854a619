"""What ``tui.sources.http`` sends and reads on the wire, without httpx's models.

A sync makes thousands of small requests; httpx's ``Request``/``Response`` (URL
parsing and normalising, header objects, decoders) cost as much CPU again per
request as the httpcore connection pool under them. Direct connections therefore
go straight to an httpcore pool: ``request_for`` builds its request (an httpx
``Request`` only normalises a URL that needs it: non-ASCII, escapes to add, dot
segments), ``Answer`` reads its status, headers and body, and ``BodyDecoder``
undoes gzip and deflate as httpx does, within the size cap.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

import httpcore
import httpx

_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?")
_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
_QUERY = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+")
"""The URL parts httpx would send unchanged (nothing to escape, no IDNA)."""
_DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def request_for(url: str, headers: Mapping[str, str], timeout: float) -> httpcore.Request:
    """The GET of ``url`` (already checked: http or https, a host) with ``headers``."""
    timeouts = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port
    plain = (
        url.isascii()
        and _HOST.fullmatch(host) is not None
        and _PATH.fullmatch(parts.path) is not None
        and "/." not in parts.path
        and (not parts.query or _QUERY.fullmatch(parts.query) is not None)
        and ("?" not in url.partition("#")[0] or bool(parts.query))
    )
    if not plain:  # httpx normalises it as it would have sent it
        built = httpx.Request("GET", url)
        return httpcore.Request(
            b"GET",
            httpcore.URL(
                scheme=built.url.raw_scheme,
                host=built.url.raw_host,
                port=built.url.port,
                target=built.url.raw_path,
            ),
            headers=[(b"Host", built.headers["Host"].encode("ascii")), *_encoded(headers)],
            extensions={"timeout": timeouts},
        )
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = host if port is None else f"{host}:{port}"
    return httpcore.Request(
        b"GET",
        httpcore.URL(scheme=scheme.encode(), host=host.encode(), port=port, target=target.encode()),
        headers=[(b"Host", host_header.encode()), *_encoded(headers)],
        extensions={"timeout": timeouts},
    )


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("ascii"), _header_bytes(v)) for k, v in headers.items()]


def _header_bytes(value: str) -> bytes:
    """A header value as sent: Latin-1 (HTTP's own), or UTF-8 when it cannot be."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _header_text(value: bytes) -> str:
    """A header value as read: UTF-8 (a redirect to a non-ASCII path), else Latin-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class Answer:
    """A response whose body is not read yet: status, headers (names in lower case,
    repeated ones joined with ", " as httpx does) and the raw body's chunks."""

    def __init__(
        self,
        status: int,
        reason: str,
        headers: Mapping[str, str],
        chunks: Iterator[bytes],
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.chunks = chunks
        self._closers: list[object] = []

    @classmethod
    def from_httpcore(cls, response: httpcore.Response) -> Answer:
        """The answer of a request the pool sent."""
        headers: dict[str, str] = {}
        for name, value in response.headers:
            key = name.decode("latin-1").lower()
            text = _header_text(value)
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        phrase = response.extensions.get("reason_phrase", b"")
        reason = phrase.decode("ascii", "replace") if isinstance(phrase, bytes) else ""
        answer = cls(response.status, reason, headers, response.iter_stream())
        answer._closers.append(response)
        return answer

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> Answer:
        """The answer of a request httpx's client sent (through a proxy)."""
        headers = {k.lower(): v for k, v in response.headers.items()}
        answer = cls(response.status_code, response.reason_phrase, headers, response.iter_raw())
        answer._closers.append(response)
        return answer

    @property
    def location(self) -> str | None:
        """Where a redirect points, else ``None``."""
        if self.status not in REDIRECTS:
            return None
        return self.headers.get("location") or None

    def close(self) -> None:
        """Give the connection back to the pool (or close it, if the body was not all read)."""
        for closer in self._closers:
            closer.close()  # type: ignore[attr-defined]


class BodyDecoder:
    """Undo the ``Content-Encoding`` (gzip, deflate; others are passed on as httpx
    does), never producing more than ``limit`` + 1 bytes from one input."""

    def __init__(self, content_encoding: str | None) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",")]
        self._steps = [n for n in names if n in {"gzip", "deflate"}]
        self._objects: list[zlib._Decompress | None] = [
            zlib.decompressobj(zlib.MAX_WBITS | 16) if n == "gzip" else None for n in self._steps
        ]
        self._raw_deflate = [False] * len(self._steps)

    @property
    def plain(self) -> bool:
        """Nothing to undo."""
        return not self._steps

    def decode(self, data: bytes, limit: int) -> bytes:
        """The decoded bytes of ``data``; at most ``limit`` + 1 of them (more: over the cap)."""
        try:
            for i in reversed(range(len(self._steps))):  # the last encoding applied first
                data = self._step(i, data, limit if i == 0 else -1)
        except zlib.error as error:
            raise httpx.DecodingError(str(error)) from None
        return data

    def flush(self) -> bytes:
        """What the decoders still hold at the end of the body."""
        data = b""
        try:
            for i in reversed(range(len(self._steps))):
                if data:
                    data = self._step(i, data, -1)
                obj = self._objects[i]
                if obj is not None:
                    data += obj.flush()
        except zlib.error as error:
            raise httpx.DecodingError(str(error)) from None
        return data

    def _step(self, i: int, data: bytes, limit: int) -> bytes:
        obj = self._objects[i]
        if obj is None:  # deflate: zlib-wrapped as the RFC says, or raw as some servers send
            obj = self._objects[i] = zlib.decompressobj()
            try:
                return self._bounded(obj, data, limit)
            except zlib.error:
                obj = self._objects[i] = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._bounded(obj, data, limit)

    @staticmethod
    def _bounded(obj: zlib._Decompress, data: bytes, limit: int) -> bytes:
        if limit < 0:
            return obj.decompress(data)
        # Past ``limit`` + 1 bytes the rest stays in ``unconsumed_tail``, never inflated:
        # the body is over the cap already.
        return obj.decompress(data, limit + 1)
