"""The sockets under the fetcher's direct connection pool: httpcore's network backend,
made for the fetcher's watchdog and turn.

httpcore's own backend wraps each read and write in an exception-mapping context
manager and resets the socket's timeout every time; under the watchdog's wrapper
that was three layers per call, a few per cent of a sync's CPU. These streams do
the same as one: the watchdog learns the socket (so the request's total deadline
shuts it), the turn is given up while a read waits, socket errors become httpcore's
exceptions, exactly as httpcore's ``SyncBackend`` maps them.
"""

from __future__ import annotations

import select
import socket
import ssl
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import httpcore


class Watcher(Protocol):
    """What the streams need of the fetcher's watchdog (``tui.sources.http._Watchdog``)."""

    turn: Any

    def using(self, sock: socket.socket) -> None:
        """The calling thread's request reads or writes ``sock`` now."""

    def connecting(self) -> None:
        """The calling thread's request opens a new connection."""

    def waiting(self) -> AbstractContextManager[None]:
        """The turn given up for a wait on the network."""


class SocketStream(httpcore.NetworkStream):
    """A TCP (or TLS) connection, watched and read in turn."""

    def __init__(self, sock: socket.socket, watcher: Watcher) -> None:
        self._sock = sock
        self._watcher = watcher
        self._timeout: float | None = sock.gettimeout()
        watcher.using(sock)

    def _settimeout(self, timeout: float | None) -> None:
        if timeout != self._timeout:  # each change is a system call
            self._sock.settimeout(timeout)
            self._timeout = timeout

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, the turn given up while waiting; shut at the request's deadline."""
        self._watcher.using(self._sock)
        turn = self._watcher.turn
        had = turn is not None and turn.give_up()
        try:
            self._settimeout(timeout)
            return self._sock.recv(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(error) from error
        except OSError as error:
            raise httpcore.ReadError(error) from error
        finally:
            if had:
                turn.take_back()

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, in turn (a GET's few hundred bytes go straight into the socket's buffer)."""
        self._watcher.using(self._sock)
        try:
            self._settimeout(timeout)
            while buffer:
                sent = self._sock.send(buffer)
                buffer = buffer[sent:]
        except TimeoutError as error:
            raise httpcore.WriteTimeout(error) from error
        except OSError as error:
            raise httpcore.WriteError(error) from error

    def close(self) -> None:
        """Close the connection."""
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """The TLS stream over this connection (the handshake is a wait on the network)."""
        self._watcher.using(self._sock)
        if isinstance(self._sock, ssl.SSLSocket):  # TLS in TLS: only through a proxy
            self.close()
            raise httpcore.ConnectError("TLS inside TLS is only made through a proxy")
        try:
            with self._watcher.waiting():
                self._sock.settimeout(timeout)
                sock = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
        except TimeoutError as error:
            self.close()
            raise httpcore.ConnectTimeout(error) from error
        except OSError as error:  # ssl.SSLError among them
            self.close()
            raise httpcore.ConnectError(error) from error
        return SocketStream(sock, self._watcher)

    def get_extra_info(self, info: str) -> Any:
        """What httpcore asks of a stream: the TLS object, addresses, the socket, whether
        the server closed it (readable while idle)."""
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock._sslobj  # type: ignore[attr-defined]
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            poll = select.poll()
            poll.register(self._sock.fileno(), select.POLLIN)
            return bool(poll.poll(0))
        return None


class SocketBackend(httpcore.NetworkBackend):
    """Opens ``SocketStream`` connections (TCP_NODELAY, as httpcore's backend does)."""

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A new TCP connection to ``host``:``port`` (DNS and the handshake out of turn)."""
        self._watcher.connecting()
        source = None if local_address is None else (local_address, 0)
        try:
            with self._watcher.waiting():
                sock = socket.create_connection((host, port), timeout, source_address=source)
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(error) from error
        except OSError as error:
            raise httpcore.ConnectError(error) from error
        return SocketStream(sock, self._watcher)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        """A Unix socket connection (the fetcher's pools are never given one)."""
        self._watcher.connecting()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(timeout)
            with self._watcher.waiting():
                sock.connect(path)
        except TimeoutError as error:
            sock.close()
            raise httpcore.ConnectTimeout(error) from error
        except OSError as error:
            sock.close()
            raise httpcore.ConnectError(error) from error
        return SocketStream(sock, self._watcher)

    def sleep(self, seconds: float) -> None:
        """Sleep out of turn."""
        with self._watcher.waiting():
            time.sleep(seconds)
