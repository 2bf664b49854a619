"""Several processes and several Store instances on one file, all through the real Store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.model import ParsedComment, ParsedReview
from tui.store import Store, StoreBusy

HERE = Path(__file__).parent
CHILD = HERE / "writer_child.py"
sys.path.insert(0, str(HERE))

from writer_child import seed  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.json"
    Store(path, seed=seed).close()
    return path


@pytest.mark.slow
def test_four_processes_adding_150_replies_each(
    db: Path, record_property: Callable[[str, object], None]
) -> None:
    before = len(Store(db).comments(1))
    writers = [
        subprocess.Popen(
            [sys.executable, str(CHILD), "replies", str(db), "--count", "150"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    acked: list[int] = []
    errors: list[str] = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        for line in out.splitlines():
            if line.startswith("ack "):
                acked.append(int(line.split()[1]))
            else:
                errors.append(line)
        errors.extend(line for line in err.splitlines() if line.strip())
    record_property("concurrency", f"replies={len(acked)} unique={len(set(acked))}")
    assert errors == []
    assert len(acked) == 600 == len(set(acked))
    store = Store(db)
    comments = store.comments(1)
    assert len(comments) == before + 600
    assert set(acked) <= {c.id for c in comments}
    assert store.review(1).comment_count == before + 600


READER = """
import sys
from pathlib import Path
from tui.store import Store
store = Store(Path(sys.argv[1]))
print(len(store.comments(1)), flush=True)
sys.stdin.readline()
print(len(store.comments(1)), store.review(1).comment_count, flush=True)
reply = store.add_reply(1, None, "child", "from the child")
print(reply.id, flush=True)
sys.stdin.readline()
"""


def test_a_write_in_one_process_is_seen_by_the_next_read_in_another(db: Path) -> None:
    store = Store(db)
    child = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        count = int(child.stdout.readline())
        assert count == len(store.comments(1))
        mine = store.add_reply(1, None, "parent", "from the parent")
        child.stdin.write("go\n")
        child.stdin.flush()
        assert child.stdout.readline().split() == [str(count + 1), str(count + 1)]
        theirs = int(child.stdout.readline())
        assert theirs == mine.id + 1
        assert store.comment(theirs).body == "from the child"
        assert store.review(1).comment_count == count + 2
        assert [c.id for c in store.comments(1)][-2:] == [mine.id, theirs]
    finally:
        child.communicate("done\n", timeout=30)


IMPORTER = """
import sys
from pathlib import Path
from tui.model import ParsedComment, ParsedReview
from tui.store import Store
Store(Path(sys.argv[1])).import_reviews([
    ParsedReview(title="Newest", date="2030-01-01", body="b", source_id="new",
                 comments=(ParsedComment("a", None, "x"), ParsedComment("b", None, "y"))),
    ParsedReview(title="Oldest", date="1900-01-01", body="b", source_id="old"),
])
"""


def test_the_index_follows_another_processs_import(db: Path) -> None:
    store = Store(db)
    store.import_reviews([ParsedReview(title="Middle", date="2010-01-01", body="m")])
    generation = store.generation
    assert [r.title for r in store.reviews()] == ["Middle", "Seed"]
    subprocess.run([sys.executable, "-c", IMPORTER, str(db)], check=True, timeout=60)
    reviews = store.reviews()
    assert [r.title for r in reviews] == ["Newest", "Middle", "Seed", "Oldest"]
    assert [r.comment_count for r in reviews] == [2, 0, 1, 0]
    assert store.generation > generation
    assert len(store.search("newest")) == 1
    assert store.refresh() is False


def test_two_stores_in_one_process(db: Path) -> None:
    a, b = Store(db), Store(db)
    ra = a.add_reply(1, None, "a", "one")
    assert b.comment(ra.id) == ra
    rb = b.add_reply(1, ra.id, "b", "two")
    assert rb.id == ra.id + 1
    assert a.comments(1)[-1] == rb
    b.import_reviews(
        [
            ParsedReview(
                title="Later",
                date="2001-01-01",
                body="x",
                comments=(ParsedComment("c", None, "z"),),
            )
        ]
    )
    assert [r.title for r in a.reviews()] == ["Later", "Seed"]
    assert a.reviews()[0].comment_count == 1


HOLDER = """
import sys, time
from filelock import FileLock
with FileLock(sys.argv[1] + ".lock"):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_held_lock_times_out_as_store_busy_and_loses_nothing(db: Path) -> None:
    store = Store(db, lock_timeout=0.3)
    before = db.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusy) as info:
            store.add_reply(1, None, "me", "waiting")
        assert str(info.value) == (
            f"another reviews process is busy: could not lock {db} within 0.3 s"
        )
        assert db.read_bytes() == before
        assert len(store.comments(1)) == 1  # reads need no lock
    finally:
        holder.communicate("release\n", timeout=30)
    assert store.add_reply(1, None, "me", "now").body == "now"
