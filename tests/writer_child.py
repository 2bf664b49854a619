"""A child process that writes through the real Store, for the crash and concurrency tests.

Usage::

    writer_child.py replies DB [--count N] [--timeout S]   add replies, print "ack <id>" each
    writer_child.py replies DB --point ...                 the same, as `reviews reply` adds them
    writer_child.py once DB --fsize BYTES [--warm]         one reply under a file size limit
    writer_child.py import DB --fsize BYTES --reviews N    one big import under the limit
    writer_child.py serve                                  fork writers on demand (see below)

``serve`` reads commands on stdin so the kill tests need not pay Python's
start-up for every kill: ``fork DB`` forks a ``replies`` writer from this
already-warm process and prints ``pid <pid>``; once that writer has died (the
test kills it) it prints ``done <pid> <status>``. The writer's ``ack`` lines go
to the same stdout, all before its ``done``. ``fork DB fold=BYTES`` makes the
writer fold its journal past BYTES (``fold_every``). ``fork DB PHASE N`` forks a writer
that SIGKILLs itself at ``PHASE`` of its ``N``-th database write (see ``PHASES``),
so a test can hit each moment of a write on purpose instead of by chance. A last word
``point`` makes the writer add each reply as ``reviews reply`` does (``--point``).

Exit codes: 0 done, 3 ``WriteFailed``, 4 another ``StoreError``, 5 the store's
memory did not match the disk after a failed write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from line_server import LineServer, serve_forks

from tui.model import ParsedComment, ParsedReview
from tui.store import CorruptDatabase, Store, StoreError, WriteFailed
from tui.store.point_reply import add_reply_at_once

EXIT_WRITE_FAILED = 3
EXIT_STORE_ERROR = 4
EXIT_DIVERGED = 5


def seed() -> list[ParsedReview]:
    """One small review, so every write is quick and kills land in every phase."""
    return [
        ParsedReview(
            title="Seed",
            date="2000-01-01",
            body="A review to reply to.",
            source_id="seed:1",
            comments=(ParsedComment("someone", None, "a first comment"),),
        )
    ]


def replies(db: Path, count: int | None, timeout: float, *, point: bool = False) -> int:
    """Add replies to review 1, printing each id once it is on disk.

    ``point``: each reply as ``reviews reply`` adds it: the point write checked by the
    index of ids (``tui.store.point_reply``), else a store opened for that reply alone.
    """
    try:
        store = None if point else Store(db, seed=seed, lock_timeout=timeout)
        n = 0
        while count is None or n < count:
            author, body = f"writer {os.getpid()}", f"reply {n}"
            if store is not None:
                comment = store.add_reply(1, None, author, body)
            else:
                done = add_reply_at_once(db, 1, None, author, body, lock_timeout=timeout)
                if done is None:
                    opened = Store(db, seed=seed, lock_timeout=timeout)
                    try:
                        comment = opened.add_reply(1, None, author, body)
                    finally:
                        opened.close()
                else:
                    comment = done.comment
            # One write(2) of a whole line: a kill can never leave half an ack in the pipe.
            os.write(sys.stdout.fileno(), f"ack {comment.id}\n".encode())
            n += 1
    except StoreError as error:
        print(f"error {error}", flush=True)
        return EXIT_STORE_ERROR
    return 0


FILE_PHASES = ("before-write", "mid-write", "before-rename", "after-rename")
"""The moments of a whole-file write (a checkpoint) a writer can be told to die at: before
the temp file exists; half-way through writing it; written and fsynced but not renamed;
renamed over the database but the journal not yet emptied (nor the reply acknowledged).
A writer told to die in one of these writes every other reply as a checkpoint."""
JOURNAL_PHASES = ("mid-append", "after-append")
"""The moments of a journal append: half the record written; written and fsynced but the
reply not yet acknowledged."""
PHASES = FILE_PHASES + JOURNAL_PHASES
"""Every moment a writer can be told to die at."""


def die_at(db: Path, phase: str, nth: int) -> None:
    """Arrange for this process to SIGKILL itself at ``phase`` of its ``nth`` write of ``db``.

    Only for a forked writer (it patches this process's modules): the temp files of
    the database are recognised by name, so a backup's writes never trigger it.
    """
    from tui.store import core, journal, storage

    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    if phase in JOURNAL_PHASES:
        die_appending(journal, phase, nth)
        return
    # Past one byte of journal every write folds it: replies alternate between an
    # append and a checkpoint, so "after-rename" dies between the file's replacement
    # and the emptying of a journal holding a record.
    setattr(core, "FOLD_BYTES", 1)  # noqa: B010
    from tui.store import point_reply

    setattr(point_reply, "FOLD_BYTES", 1)  # noqa: B010
    prefix = f".{db.name}.tmp-"
    writes = 0
    armed_fd: list[int] = []
    create: Callable[[Path, int], int] = getattr(storage, "create_exclusive")  # noqa: B009
    replace, write = Path.replace, os.write

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def creating(path: Path, mode: int = 0o600) -> int:
        nonlocal writes
        ours = path.parent == db.parent and path.name.startswith(prefix)
        writes += ours
        if ours and writes == nth and phase == "before-write":
            die()
        fd = create(path, mode)
        if ours and writes == nth:
            armed_fd.append(fd)
        return fd

    def writing(fd: int, data: bytes | memoryview, /) -> int:
        if armed_fd and fd == armed_fd[0] and phase == "mid-write":
            write(fd, memoryview(data)[: max(1, len(data) // 2)])
            die()
        return write(fd, data)

    def replacing(self: Path, target: str | os.PathLike[str]) -> Path:
        if armed_fd and phase == "before-rename" and self.name.startswith(prefix):
            die()
        result = replace(self, target)
        if armed_fd and phase == "after-rename" and self.name.startswith(prefix):
            die()
        return result

    # setattr: these replace functions of this (forked, about to die) process only.
    setattr(storage, "create_exclusive", creating)  # noqa: B010
    setattr(os, "write", writing)  # noqa: B010
    setattr(Path, "replace", replacing)  # noqa: B010


def die_appending(journal: ModuleType, phase: str, nth: int) -> None:
    """``die_at`` for the phases of a journal append (the ``nth`` append of this process)."""
    appends = 0
    pwrite = os.pwrite
    append = journal.append_record

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def writing(fd: int, data: bytes | memoryview, offset: int, /) -> int:
        if appends == nth and phase == "mid-append":
            pwrite(fd, memoryview(data)[: max(1, len(data) // 2)], offset)
            die()
        return pwrite(fd, data, offset)

    def appending(*args: Any) -> int:
        nonlocal appends
        appends += 1
        end: int = append(*args)
        if appends == nth and phase == "after-append":
            die()
        return end

    setattr(os, "pwrite", writing)  # noqa: B010
    setattr(journal, "append_record", appending)  # noqa: B010
    from tui.store import point_reply, storage

    setattr(storage, "append_record", appending)  # noqa: B010
    setattr(point_reply, "append_record", appending)  # noqa: B010


def fold_every(limit: int) -> None:
    """Make this (forked) writer fold the journal into the file past ``limit`` bytes, so
    random kills land in checkpoints too (1: every other reply is a checkpoint)."""
    from tui.store import core, point_reply

    setattr(core, "FOLD_BYTES", limit)  # noqa: B010
    setattr(point_reply, "FOLD_BYTES", limit)  # noqa: B010


def limit_file_size(limit: int) -> None:
    """Make writes past ``limit`` bytes fail with EFBIG instead of killing us."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def once(db: Path, fsize: int, warm: bool) -> int:
    """One reply under a file size limit smaller than the database."""
    store = Store(db)
    if warm:
        # The first write of a session also writes a backup; get that out of the way
        # so the limit hits the database write itself.
        store.set_unread(1, False)
    before = len(store.comments(1))
    limit_file_size(fsize)
    try:
        store.add_reply(1, None, "me", "this will not fit")
    except WriteFailed as error:
        print(error, file=sys.stderr)
        after = len(store.comments(1))
        return EXIT_WRITE_FAILED if after == before == len(Store(db).comments(1)) else EXIT_DIVERGED
    except StoreError as error:
        print(error, file=sys.stderr)
        return EXIT_STORE_ERROR
    return 0


def big_import(db: Path, fsize: int, reviews: int) -> int:
    """Import many reviews in one write that cannot fit under the limit."""
    store = Store(db)
    store.set_unread(1, False)  # the session's backup, before the limit
    before = store.export()
    limit_file_size(fsize)
    parsed = [
        ParsedReview(
            title=f"Imported {i}",
            date="2001-01-01",
            body="x" * 200,
            comments=(ParsedComment("a", None, "c" * 100),),
        )
        for i in range(reviews)
    ]
    try:
        store.import_reviews(parsed)
    except WriteFailed as error:
        print(error, file=sys.stderr)
        same = store.export() == before == Store(db).export()
        return EXIT_WRITE_FAILED if same else EXIT_DIVERGED
    return 0


def serve() -> int:
    """Fork a ``replies`` writer for each ``replies DB [PHASE N] [fold=K] [point]`` line
    (``serve_forks``)."""
    import filelock  # noqa: F401  # loaded once here, not in every forked writer's first write

    def run(words: list[str]) -> int:
        try:
            point = words[-1] == "point"
            if point:
                words.pop()
            if words[-1].startswith("fold="):
                fold_every(int(words.pop()[5:]))
            if len(words) == 4:
                die_at(Path(words[1]), words[2], int(words[3]))
            return replies(Path(words[1]), None, 5.0, point=point)
        except BaseException:  # noqa: BLE001  # shown to the test; the child exits 1
            traceback.print_exc()
            return 1

    return serve_forks(run)


@dataclass(frozen=True)
class PlannedKill:
    """A writer that killed itself at ``phase`` of its ``nth`` write, and what it left."""

    phase: str
    nth: int
    acked: int
    """Replies it acknowledged before it died."""
    temp_left: bool
    """A temp file of the database was left behind."""
    landed_unacked: int
    """Replies in the file that it never acknowledged."""


@dataclass
class KillCounts:
    """What a run of kills found; ``corrupt`` and ``missing`` must stay 0."""

    kills: int = 0
    loads_ok: int = 0
    acked_present: int = 0
    corrupt: int = 0
    missing: int = 0
    """Kills after which an acknowledged reply was not in the file."""
    extra: int = 0
    """Kills after which more than one unacknowledged reply was in the file (must be 0)."""
    landed_unacked: int = 0
    """Kills that interrupted a write after the rename, before the ack: allowed."""
    mid_write: int = 0
    """Kills that left a temp file behind: the writer died while writing the new file."""
    acked: int = 0
    errors: list[str] = field(default_factory=list)
    planned: list[PlannedKill] = field(default_factory=list)
    """What each planned kill (a writer killing itself at a chosen moment) left behind."""

    def ok(self) -> bool:
        """Every kill left a loadable file with every acknowledged reply in it."""
        good = self.loads_ok == self.acked_present == self.kills
        return good and not (self.corrupt or self.missing or self.extra or self.errors)

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"kills={self.kills} loads_ok={self.loads_ok} acked_present={self.acked_present} "
            f"corrupt={self.corrupt} missing={self.missing} extra={self.extra} "
            f"landed_unacked={self.landed_unacked} mid_write={self.mid_write} "
            f"acked_replies={self.acked} "
            f"errors={len(self.errors)}"
        )


class Zygote(LineServer):
    """A ``writer_child.py serve`` process, its stdout read line by line on a thread."""

    def __init__(self) -> None:
        """Start ``writer_child.py serve``."""
        super().__init__(Path(__file__).resolve())


def local_reply_ids(db: Path) -> set[int]:
    """The user's replies in the file, through a fresh Store (which must load)."""
    store = Store(db)
    try:
        return {c.id for c in store.comments(1) if c.local}
    finally:
        store.close()


def kill_loop(
    db: Path,
    kills: int,
    *,
    max_delay: float = 0.03,
    rng_seed: int = 0,
    planned: Sequence[tuple[str, int]] = (),
    fold_bytes: int | None = None,
    point: bool = False,
) -> KillCounts:
    """Start writers and SIGKILL each, checking the file after each kill.

    The first ``len(planned)`` writers each kill themselves at a chosen moment
    (a ``(phase, nth write)`` pair, see ``die_at``); the next ``kills`` are
    killed by this process after a random delay of up to ``max_delay`` seconds.
    ``fold_bytes`` makes the random ones fold the journal past that size (see
    ``fold_every``), so kills also land in checkpoints. ``point``: the writers add their
    replies as ``reviews reply`` does (the point write; see ``replies``).
    """
    rng = random.Random(rng_seed)
    counts = KillCounts()
    Store(db, seed=seed).close()  # created here, so a kill never finds no file
    known = local_reply_ids(db)  # replies known to be in the file
    zygote = Zygote()
    plan: list[tuple[str, int] | None] = [*planned, *([None] * kills)]
    try:
        for moment in plan:
            fold = "" if fold_bytes is None or moment is not None else f" fold={fold_bytes}"
            how = " point" if point else ""
            zygote.send(
                f"fork {db}{fold}{how}"
                if moment is None
                else f"fork {db} {moment[0]} {moment[1]}{how}"
            )
            acks: set[int] = set()
            pid = None
            while pid is None:
                line = zygote.line()
                if line.startswith("ack "):
                    acks.add(int(line.split()[1]))
                elif line.startswith("pid "):
                    pid = int(line.split()[1])
                else:
                    raise RuntimeError(f"writer server said {line!r}")
            if moment is None:
                time.sleep(rng.uniform(0, max_delay))
                with contextlib.suppress(ProcessLookupError):  # it died by itself: "done" says
                    os.kill(pid, signal.SIGKILL)
            while True:
                line = zygote.line()
                if line.startswith("ack "):
                    acks.add(int(line.split()[1]))
                elif line.startswith("done "):
                    status = int(line.split()[2])
                    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                        counts.errors.append(f"writer ended with status {status}")
                    break
                elif line.startswith("error "):
                    counts.errors.append(line)
                else:
                    raise RuntimeError(f"writer server said {line!r}")
            counts.kills += 1
            counts.acked += len(acks)
            temp = f".{db.name}.tmp-"
            temp_left = any(entry.name.startswith(temp) for entry in os.scandir(db.parent))
            counts.mid_write += temp_left
            try:
                on_disk = local_reply_ids(db)
            except CorruptDatabase as error:
                counts.corrupt += 1
                counts.errors.append(str(error))
                continue
            counts.loads_ok += 1
            expected = known | acks
            if expected <= on_disk:
                counts.acked_present += 1
            else:
                counts.missing += 1
            unacked = on_disk - expected
            if len(unacked) == 1:
                counts.landed_unacked += 1
            elif unacked:
                counts.extra += 1
            if moment is not None:
                counts.planned.append(PlannedKill(*moment, len(acks), temp_left, len(unacked)))
            known = on_disk
    finally:
        zygote.close()
    return counts


def main() -> int:
    """Parse the command line and run one mode."""
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["replies", "once", "import", "serve"])
    parser.add_argument("db", type=Path, nargs="?")
    parser.add_argument("--count", type=int)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--fsize", type=int, default=0)
    parser.add_argument("--warm", action="store_true")
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--point", action="store_true", help="add replies as `reviews reply` does")
    parser.add_argument("--fold", type=int, help="fold the journal past this size (see fold_every)")
    args = parser.parse_args()
    if args.fold is not None:
        fold_every(args.fold)
    if args.mode == "serve":
        return serve()
    if args.mode == "replies":
        return replies(args.db, args.count, args.timeout, point=args.point)
    if args.mode == "once":
        return once(args.db, args.fsize, args.warm)
    return big_import(args.db, args.fsize, args.reviews)


if __name__ == "__main__":
    sys.exit(main())
