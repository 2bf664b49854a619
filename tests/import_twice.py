"""Import files in one process and in two, in a fresh process of its own; print what came.

    python tests/import_twice.py DB_FOLDER FILE...

A fresh interpreter has one thread, so ``reviews import``'s reading may fork
(``tui.importers.second_process``); a second thread that merely waits keeps it in
one process. Blocks of 3 items and no size floor for streamed feeds make even a
small file split between the two processes, and this process waits (up to ``LATE``)
for the child's first blocks, so a loaded machine still splits it. Prints one JSON
line per file: the database's export after the import in each mode (or the error
message), and how many blocks of results came from a child in the two-process mode.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui.cli.importing import run_import
from tui.importers import feed_stream, second_process
from tui.store import Store

second_process.BLOCK = 3
second_process.LATE = 5.0  # a busy test machine: the child's blocks are waited for
feed_stream.SHARED_BYTES = 0
from_child = [0]
_receive = second_process._Child.receive


def _counting(self: second_process._Child) -> Any:
    message = _receive(self)
    if message is not None and message[1] is not None:
        from_child[0] += 1
    return message


second_process._Child.receive = _counting  # type: ignore[method-assign]
_take_front = second_process.Ends.take_front
CHILD_FIRST = 3
"""Blocks the child takes before this process starts on its own (a loaded machine can
start the forked child after this process has taken every block: nothing to compare)."""


def _after_the_childs_first_blocks(self: second_process.Ends) -> int | None:
    deadline = time.monotonic() + second_process.LATE
    wanted = min(CHILD_FIRST, self.total)
    while len(self.childs()) < wanted and time.monotonic() < deadline:
        time.sleep(0.002)
    return _take_front(self)


second_process.Ends.take_front = _after_the_childs_first_blocks  # type: ignore[method-assign]


@contextlib.contextmanager
def one_process() -> Iterator[None]:
    """A second thread runs meanwhile: no fork."""
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        yield
    finally:
        stop.set()
        waiting.join()


def imported(db: Path, path: Path) -> Any:
    """The export of a new database after ``reviews import path``, or the failures."""
    store = Store(db)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            failures = run_import(store, [str(path)], None)
        return {"failures": failures, "export": store.export()}
    finally:
        store.close()


def main() -> None:
    folder = Path(sys.argv[1])
    for n, name in enumerate(sys.argv[2:]):
        path = Path(name)
        with one_process():
            one = imported(folder / f"one-{n}.json", path)
        from_child[0] = 0
        two = imported(folder / f"two-{n}.json", path)
        print(json.dumps({"file": name, "one": one, "two": two, "from_child": from_child[0]}))


if __name__ == "__main__":
    main()
