"""A sync's harvest (fetch + parse) on both cores: this process and one forked child.

Fetching and parsing a feed is Python under the GIL: one process uses one core,
however many threads wait on the network. ``reviews sync`` of many sources forks
one child that harvests beside it; the merge and the one write stay here, under
the store's lock, as in a sync in one process.

- **Fork safety.** The child is forked before this process starts any thread
  (``sync`` only asks for two processes when ``threading.active_count() == 1``,
  and the fetchers, pools and watchdogs are made after the fork, one set in each
  process), and after the imports a harvest needs, so it starts warm. The child
  never opens the database: it ends with ``os._exit``, running no clean-up of the
  parent's objects it holds a copy of.
- **Work sharing.** The sources are one list in both processes; this process takes
  them from the front, the child from the back, each counter in shared memory
  written by one process only (no lock a dying child could keep). Neither idles
  while a source is left. Where the two meet, a stale read may let both take the
  same source: harvesting is read-only, the first harvest to arrive counts.
- **Harvests come back pickled** over a pipe, one message per source as it is done.
- **A child that dies or hangs loses nothing.** Its unfinished sources (taken, no
  harvest back) are harvested here once it is gone. It is hung when it made no
  request for ``STALL`` seconds past the request deadline while this process has
  nothing left to do; then it is killed and its sources are harvested here.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from multiprocessing.connection import Connection
from multiprocessing.context import ForkProcess
from typing import TYPE_CHECKING, Any

from tui.importers.second_process import Ends, pack, unpack
from tui.sources.http import Fetched, Fetcher, Turn

if TYPE_CHECKING:
    from tui.sources.sync import Harvest
    from tui.store import Source

Harvester = Callable[["Source", Fetcher, Mapping[str, str]], "Harvest"]
Progress = Callable[[int, int], None]

WARM = ("encodings.idna", "tui.importers.feed", "tui.importers.html")
"""Modules a harvest imports on first use: imported once, before the fork, not in both."""

STALL = 5.0
"""Seconds past the request deadline without a request done before the child counts as
hung (each request, and each page of a WordPress pull, ends by its deadline). Wrongly
taken for hung (a huge feed parsing for long), its sources are only harvested here again.
Read at each sync: the hang test's launcher (tests/sync_child.py) lowers it, so it need
not wait out the production limit; tests/test_sync_two_processes.py pins the value."""


def _packed(i: int, harvest: Harvest) -> bytes:
    """Source ``i``'s harvest as the child sends it (without the source: the parent has it)."""
    try:
        return pack((i, (harvest.error, harvest.posts, harvest.comments, harvest.fields)))
    except Exception:  # noqa: BLE001 - cannot be sent: the parent harvests it instead
        return pack((i, None))


def _unpacked(data: bytes, sources: Sequence[Source]) -> tuple[int, Harvest | None]:
    """What ``_packed`` made: the source's index and its harvest (None: harvest it here)."""
    from tui.sources.sync import Harvest

    i, parts = unpack(data)
    return i, None if parts is None else Harvest(sources[i], *parts)


class _TickingFetcher(Fetcher):
    """The child's fetcher: each request done says the child is alive (``Ends.tick``)."""

    def __init__(self, ends: Ends, **options: Any) -> None:
        super().__init__(**options)
        self._ends = ends

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """``Fetcher.get``, then a tick."""
        try:
            return super().get(url, etag=etag, last_modified=last_modified)
        finally:
            self._ends.tick.value = time.monotonic()


def _ticking_pulls(ends: Ends, sources: Sequence[Source]) -> AbstractContextManager[None]:
    """WordPress sites are pulled through their own client, not the fetcher: each page
    pulled says the child is alive too."""
    if not any(s.kind == "wordpress" for s in sources):
        return nullcontext()
    from tui.sources.wordpress_sync import watching_pulls

    def tick(_source: Source, _done: int, _total: int) -> None:
        ends.tick.value = time.monotonic()

    return watching_pulls(tick)


def _run_child(
    conn: Connection,
    ends: Ends,
    sources: Sequence[Source],
    aliases: Mapping[str, str],
    harvester: Harvester,
    workers: int,
    options: dict[str, Any],
) -> None:
    """The child: harvest from the back of the list, send each harvest, leave."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    code = 0
    try:
        sending = threading.Lock()
        turn = Turn()
        with (
            _TickingFetcher(ends, turn=turn, workers=workers, **options) as fetcher,
            _ticking_pulls(ends, sources),
        ):

            def work() -> None:
                while (i := ends.take_back()) is not None:
                    with turn:
                        data = _packed(i, harvester(sources[i], fetcher, aliases))
                    with sending:
                        conn.send_bytes(data)

            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
                for done in [pool.submit(work) for _ in range(workers)]:
                    done.result()
        conn.close()
    except BaseException:  # noqa: BLE001 - the parent harvests what is missing
        code = 1
    os._exit(code)


def _failed(source: Source, reason: str) -> Harvest:
    from tui.sources.sync import Harvest

    return Harvest(source, error=reason)


class _Gathering:
    """The parent's side: harvest from the front, take the child's harvests as they come,
    and harvest what a child that died or hung left."""

    def __init__(
        self,
        sources: Sequence[Source],
        aliases: Mapping[str, str],
        harvester: Harvester,
        ends: Ends,
        child: ForkProcess,
        receiving: Connection,
        progress: Progress | None,
        arrived: Callable[[Harvest], None] | None,
    ) -> None:
        self.sources = sources
        self.arrived = arrived
        self.aliases = aliases
        self.harvester = harvester
        self.ends = ends
        self.child = child
        self.receiving = receiving
        self.progress = progress
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.results: dict[int, Harvest] = {}
        self.receiver = threading.Thread(target=self._receive, name="sync-child", daemon=True)

    def run(self, workers: int, options: dict[str, Any], stall: float) -> None:
        """Harvest until every source has its harvest."""
        turn = Turn()
        total = self.ends.total
        receiver = self.receiver
        with (
            Fetcher(turn=turn, workers=workers, **options) as fetcher,
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool,
        ):
            receiver.start()

            def harvest(i: int) -> None:
                source = self.sources[i]
                try:
                    with turn:
                        found = self.harvester(source, fetcher, self.aliases)
                except Exception as error:  # noqa: BLE001 - a harvest must come back
                    found = _failed(source, f"unexpected {type(error).__name__}")
                self.events.put(("harvest", (i, found)))

            def again(i: int) -> None:
                try:
                    harvest(i)
                finally:
                    self.events.put(("idle", None))

            def work() -> None:
                try:
                    while (i := self.ends.take_front()) is not None:
                        harvest(i)
                finally:
                    self.events.put(("idle", None))

            busy = workers
            for _ in range(workers):
                pool.submit(work)
            child_gone = False
            while len(self.results) < total:
                try:
                    kind, value = self.events.get(timeout=0.5)
                except queue.Empty:
                    idle_for = time.monotonic() - float(self.ends.tick.value)
                    if not busy and not child_gone and idle_for > stall:
                        self.child.kill()  # hung: the receiver sees the pipe end
                    continue
                if kind == "idle":
                    busy -= 1
                elif kind == "harvest":
                    self._keep(*value)
                elif kind == "child":
                    i, found = _unpacked(value, self.sources)
                    if found is None:  # it could not be sent: harvested here
                        busy += 1
                        pool.submit(again, i)
                    else:
                        self._keep(i, found)
                elif kind == "gone":
                    child_gone = True
                    for i in self.ends.childs():
                        if i not in self.results:
                            busy += 1
                            pool.submit(again, i)

    def _keep(self, i: int, found: Harvest) -> None:
        if i in self.results:
            return  # both took it where their ends met: the first one counts
        self.results[i] = found
        if self.arrived is not None:
            self.arrived(found)
        if self.progress is not None:
            self.progress(len(self.results), self.ends.total)

    def _receive(self) -> None:
        """Pass the child's harvests on until its end of the pipe closes (it ended)."""
        while True:
            try:
                data = self.receiving.recv_bytes()
            except (EOFError, OSError):
                self.child.join()
                self.events.put(("gone", None))
                return
            self.events.put(("child", data))


def harvest_in_two_processes(
    sources: Sequence[Source],
    aliases: Mapping[str, str],
    harvester: Harvester,
    *,
    workers: int,
    deadline: float,
    max_bytes: int,
    progress: Progress | None = None,
    arrived: Callable[[Harvest], None] | None = None,
) -> list[Harvest]:
    """Every source's harvest, fetched and parsed here and in one forked child
    (``workers`` threads in all, half in each); ``arrived`` is called with each one as it
    comes, in this thread, while the others are still harvested."""
    ends = Ends(len(sources))
    mine = max(1, workers // 2)
    theirs = max(1, workers - mine)
    options: dict[str, Any] = {"deadline": deadline, "max_bytes": max_bytes}
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_run_child,
        args=(sending, ends, sources, aliases, harvester, theirs, options),
        name="reviews-sync-child",
        daemon=True,
    )
    for name in WARM:
        importlib.import_module(name)
    child.start()  # before any thread of ours: the fork copies a process with one thread
    sending.close()
    gathering = _Gathering(sources, aliases, harvester, ends, child, receiving, progress, arrived)
    try:
        gathering.run(mine, options, deadline + STALL)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        if gathering.receiver.is_alive():
            gathering.receiver.join()
        receiving.close()
    return [gathering.results[i] for i in range(len(sources))]
