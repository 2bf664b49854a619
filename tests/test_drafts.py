"""Reply drafts: saved atomically beside the database, shared between instances."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from cpu_audit import over_budget

from tui.store.drafts import Drafts
from tui.store.paths import drafts_path


def test_round_trip_and_a_new_instance_sees_it(tmp_path: Path) -> None:
    path = drafts_path(tmp_path / "reviews.json")
    drafts = Drafts(path)
    assert drafts.get("review:3") is None
    drafts.put("review:3", "half a thought\nsecond line")
    drafts.put("comment:17", "another")
    assert drafts.get("review:3") == "half a thought\nsecond line"
    again = Drafts(path)
    assert again.get("comment:17") == "another"
    assert again.all() == {"review:3": "half a thought\nsecond line", "comment:17": "another"}
    assert orjson.loads(path.read_bytes())["review:3"] == "half a thought\nsecond line"
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_empty_text_and_discard_remove_the_draft(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "d.json")
    drafts.put("review:1", "x")
    drafts.put("review:1", "  \n")
    assert drafts.get("review:1") is None
    drafts.put("review:2", "y")
    drafts.discard("review:2")
    drafts.discard("review:404")  # nothing to discard is fine
    assert Drafts(tmp_path / "d.json").all() == {}


def test_an_unchanged_draft_is_not_rewritten(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "d.json")
    drafts.put("k", "text")
    inode = (tmp_path / "d.json").stat().st_ino
    drafts.put("k", "text")
    assert (tmp_path / "d.json").stat().st_ino == inode


def test_an_unreadable_drafts_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b"{not json")
    drafts = Drafts(path)
    assert drafts.get("k") is None
    drafts.put("k", "v")
    assert drafts.get("k") == "v"
    (copy,) = tmp_path.glob("d.json.corrupt-*")
    assert copy.read_bytes() == b"{not json"


def test_text_that_cannot_be_utf8_is_still_saved(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "d.json")
    drafts.put("k", "broken \ud800 surrogate")
    assert drafts.get("k") == "broken ? surrogate"


WRITER = """
import sys
from pathlib import Path
from tui.store.drafts import Drafts
d = Drafts(Path(sys.argv[1]))
for i in range(40):
    d.put(f"{sys.argv[2]}:{i}", f"text {i}")
"""


@over_budget
def test_two_processes_never_lose_each_others_drafts(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), key]) for key in ("a", "b")]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    assert len(Drafts(path).all()) == 80
