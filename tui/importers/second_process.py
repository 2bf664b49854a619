"""CPU work shared with one forked child process: the second core for a big import.

Parsing an export or a feed is Python under the GIL: one process uses one core.
``shared_map`` cuts a list of items (a WordPress export's posts) into blocks,
works them here and in one forked child, and returns the results in order, the
same as working them all here. ``shared_stream`` does it for items read one at a
time (a big feed's entries): both processes read them all, the child works every
other block. ``reviews sync`` shares its harvest with the same pieces
(``tui.sources.two_processes``).

- **Fork safety.** ``can_fork`` is false while any other thread runs (a fork
  copies only the thread that forks: a lock another thread held would stay held
  forever in the child), on one core, and where there is no ``fork``. The child
  never opens the database and ends with ``os._exit``, running no clean-up of the
  parent's objects it holds a copy of.
- **Work sharing.** In ``shared_map`` this process takes blocks from the front, the
  child from the back, each counter in shared memory written by one process only (no lock a dying
  child could keep). Where the two meet, a stale read may let both take the same
  block: the work is pure, the first result to arrive counts.
- **Results come back pickled** over a pipe, one message per block, model objects
  as their class and field values (``pack``).
- **A child that dies, hangs or lags loses nothing.** Blocks it took and did not
  send back are worked here once it is gone; one that sends nothing for ``STALL``
  seconds is killed first. Nor does a slow child (another process on its core) hold
  this one back: what it is late with is worked here, its results dropped.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import fcntl
import gc
import io
import multiprocessing
import operator
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import ForkProcess
from typing import Any, TypeVar

from tui.model import ParsedComment, ParsedReview

Item = TypeVar("Item")
Result = TypeVar("Result")

BLOCK = 128
"""Items in a block: small enough that the two ends meet evenly, large enough that a
message costs little beside the work."""
LATE = 0.05
"""Seconds waited at the least for a block of the child's before working it here."""
LATE_TIMES = 2
"""Blocks in a row the child is late with before it is stopped."""
STALL = 5.0
"""Seconds without a block from the child, while this process waits on nothing else,
before the child counts as hung (a block takes milliseconds). Wrongly taken for hung
(one enormous item), its blocks are only worked here again."""
PIPE_BYTES = 1 << 20
"""The pipe's buffer asked for: the child's results of several blocks."""


def cores() -> int:
    """The cores this process may run on (a CPU affinity or container limit counts)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a second process may be forked now: no other thread, two cores, ``fork``."""
    return (
        threading.active_count() == 1
        and cores() > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class Ends:
    """A list of work taken from both ends: this process's from the front, the child's
    from the back; each counter in shared memory is written by one process only."""

    def __init__(self, total: int) -> None:
        self.total = total
        context = multiprocessing.get_context("fork")
        self.front = context.RawValue("q", 0)
        """Pieces the parent took (from index 0 up)."""
        self.back = context.RawValue("q", 0)
        """Pieces the child took (from the last index down)."""
        self.tick = context.RawValue("d", time.monotonic())
        """When the child last showed it is alive (``time.monotonic()``, system-wide)."""
        self._lock = threading.Lock()  # among one process's threads

    def take_front(self) -> int | None:
        """The parent's next piece, or None when every one is taken."""
        with self._lock:
            i = int(self.front.value)
            if i >= self.total - int(self.back.value):
                return None
            self.front.value = i + 1
            return i

    def take_back(self) -> int | None:
        """The child's next piece, or None when every one is taken."""
        with self._lock:
            i = self.total - 1 - int(self.back.value)
            if i < int(self.front.value):
                return None
            self.back.value = self.total - i
            return i

    def childs(self) -> range:
        """The pieces the child took."""
        return range(self.total - int(self.back.value), self.total)


def _fields_of(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    get = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))
    return lambda obj: (cls, get(obj))


PACKING = {
    **copyreg.dispatch_table,
    ParsedReview: _fields_of(ParsedReview),
    ParsedComment: _fields_of(ParsedComment),
}
"""Slotted frozen dataclasses pickled as their class and field values: rebuilt by their
``__init__``, about half the cost of pickle's generic state for them both ways."""


def pack(value: object) -> bytes:
    """``value`` pickled with ``PACKING``; ``TypeError`` etc. when it cannot be."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = PACKING
    pickler.dump(value)
    return buffer.getvalue()


def unpack(data: bytes) -> Any:
    """What ``pack`` made (only ever bytes from our own forked child)."""
    return pickle.loads(data)  # noqa: S301 - written by our own forked child


def _widen(conn: Connection) -> None:
    """A pipe of a megabyte where Linux allows it: the child seldom waits to send."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _blocks(total: int, size: int) -> list[range]:
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _run_child(
    conn: Connection,
    ends: Ends,
    items: Sequence[Any],
    blocks: list[range],
    work: Callable[[Any], Any],
) -> None:
    """The child: work blocks from the back, send each one's results, leave."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    code = 0
    try:
        while (i := ends.take_back()) is not None:
            try:
                results: list[Any] | None = [work(items[n]) for n in blocks[i]]
            except Exception:  # noqa: BLE001 - worked (and its error raised) in the parent
                results = None
            conn.send_bytes(_packed_block(i, results))
            ends.tick.value = time.monotonic()
        conn.close()
    except BaseException:  # noqa: BLE001 - the parent works what is missing
        code = 1
    os._exit(code)


def _start(target: Callable[..., None], *args: Any) -> tuple[ForkProcess, Connection]:
    """The forked child running ``target(sending_end, *args)``, and this end of its pipe."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=target, args=(sending, *args), name="reviews-import-child", daemon=True
    )
    # Neither collector may visit every object from before the fork: the visit writes to
    # each one, and each page written to is copied, in both processes. Those objects stay
    # frozen here too (freed by reference counts as ever; a cycle among them stays).
    gc.freeze()
    child.start()
    sending.close()
    _widen(receiving)
    return child, receiving


class _Child:
    """The forked child as this process sees it: its messages, whether it is still there."""

    def __init__(self, process: ForkProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.alive = True

    def ready(self) -> bool:
        """Whether a message (or the end of the pipe) waits to be received."""
        return self.alive and self.conn.poll()

    def receive(self) -> Any:
        """The child's next message; ``None`` once it is gone: ended, died, or silent for
        ``STALL`` seconds (hung: then killed)."""
        if self.alive:
            try:
                if self.conn.poll(STALL):
                    return unpack(self.conn.recv_bytes())
                self.close()
            except Exception:  # noqa: BLE001 - the pipe ended, or a message cut short
                self.process.kill()
            self.alive = False
        return None

    def close(self) -> None:
        """Stop the child if it still runs, and wait for it."""
        self.alive = False
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _packed_block(i: int, results: list[Any] | None) -> bytes:
    """Block ``i``'s results as the child sends them; ``None``: work it in the parent."""
    try:
        return pack((i, results))
    except Exception:  # noqa: BLE001 - cannot be sent: worked in the parent instead
        return pack((i, None))


def shared_map(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    least: int | None = None,
    block: int | None = None,
) -> list[Result]:
    """``[work(item) for item in items]``, worked here and in a forked child when
    ``can_fork`` and there are ``least`` items or more (two blocks of ``BLOCK``).

    ``work`` must be pure (a block may be worked in both processes) and its results
    picklable (one that is not is worked here). An exception it raises comes from
    this process, as in the list comprehension.
    """
    block = block or BLOCK
    if len(items) < max(least or 2 * block, 2) or not can_fork():
        return [work(item) for item in items]
    blocks = _blocks(len(items), block)
    ends = Ends(len(blocks))
    child = _Child(*_start(_run_child, ends, items, blocks, work))
    done: dict[int, list[Result]] = {}

    def keep(message: tuple[int, list[Result] | None] | None) -> None:
        if message is not None and message[1] is not None:
            done.setdefault(message[0], message[1])  # where the ends met, the first counts

    try:
        pace = LATE
        while (i := ends.take_front()) is not None:
            started = time.monotonic()
            done[i] = [work(items[n]) for n in blocks[i]]
            pace = max(LATE, 2 * (time.monotonic() - started))
            while child.ready():
                keep(child.receive())
        # The child's last blocks: waited for about as long as two blocks take here, then
        # worked here (a child with no core of its own would hold the import back).
        while child.alive and any(i not in done for i in ends.childs()):
            if not child.conn.poll(pace):
                break
            keep(child.receive())
        for i in range(len(blocks)):  # what the child took and never sent, worked here
            if i not in done:
                done[i] = [work(items[n]) for n in blocks[i]]
    finally:
        child.close()
    return [result for i in range(len(blocks)) for result in done[i]]


def _run_stream_child(
    conn: Connection,
    items: Callable[[], Iterator[Any]],
    work: Callable[[Any], Any],
    block: int,
) -> None:
    """The child of ``shared_stream``: read every item, work the odd blocks, send each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    code = 0
    try:
        mine: list[Any] | None = []
        pending: int | None = None
        for k, item in enumerate(items()):
            b, place = divmod(k, block)
            if not b % 2:
                continue
            pending = b
            if mine is not None:
                try:
                    mine.append(work(item))
                except Exception:  # noqa: BLE001 - worked (and its error raised) in the parent
                    mine = None
            if place == block - 1:
                conn.send_bytes(_packed_block(b, mine))
                mine, pending = [], None
        if pending is not None:
            conn.send_bytes(_packed_block(pending, mine))
        conn.close()
    except BaseException:  # noqa: BLE001 - the parent works what is missing
        code = 1
    os._exit(code)


class _Turns:
    """The child's blocks of a stream, taken in turn: never waited for long. A block the
    child is late with is worked here (its results, when they come, are dropped); a child
    late ``LATE_TIMES`` times in a row has no core of its own, and is stopped."""

    def __init__(self, child: _Child) -> None:
        self.child = child
        self.late = 0
        self.pace = LATE
        """Seconds a block takes here (the last one worked), or ``LATE``, whichever is more."""

    def worked(self, seconds: float) -> None:
        """A block of this process's took ``seconds``: the child is given as long."""
        self.pace = max(LATE, seconds)

    def take(self, b: int, held: list[Item], work: Callable[[Item], Result]) -> list[Result]:
        """Block ``b``'s results from the child, or worked here."""
        child = self.child
        try:
            while child.alive and child.conn.poll(self.pace):
                message = child.receive()
                if message is None or message[0] > b:  # gone, or never sent so: not trusted
                    child.close()
                elif message[0] == b:
                    self.late = 0
                    if message[1] is not None:
                        results: list[Result] = message[1]
                        return results
                    break
                # else: a block worked here already
            else:
                self.late += 1
                if self.late >= LATE_TIMES and child.alive:
                    child.close()
        except OSError:  # the pipe is closed
            child.close()
        return [work(item) for item in held]


def shared_stream(
    items: Callable[[], Iterator[Item]], work: Callable[[Item], Result], *, block: int | None = None
) -> Iterator[Result]:
    """``work(item) for item in items()`` in order, with a forked child when ``can_fork``.

    Both processes read every item (``items()`` must give the same ones in each); the
    child works every other block of them and sends the results, which are taken here
    in turn (``_Turns``: a block the child is late with is worked here, and a child
    that keeps being late has no core to itself and is stopped). Memory stays flat:
    this process holds one block of the child's items until their results come, and
    the child waits when the pipe is full. A child that is gone leaves its blocks to be
    worked here; an exception ``work`` raises comes from here.
    """
    if not can_fork():
        for item in items():
            yield work(item)
        return
    block = block or BLOCK
    child = _Child(*_start(_run_stream_child, items, work, block))
    turns = _Turns(child)
    try:
        held: list[Item] = []
        b = 0
        started = time.monotonic()
        for k, item in enumerate(items()):
            b, place = divmod(k, block)
            if b % 2 and child.alive:
                held.append(item)
                if place == block - 1:
                    yield from turns.take(b, held, work)
                    held = []
                continue
            if place == 0:
                started = time.monotonic()
            yield work(item)
            if place == block - 1:
                turns.worked(time.monotonic() - started)
        if held:
            yield from turns.take(b, held, work)
    finally:
        child.close()
