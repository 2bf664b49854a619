"""`reviews check` and `--repair`: inconsistent files refused alike, then fixed losing nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from cli_runner import run_in_process

from tui.store import CorruptDatabase, Store
from tui.store.backups import list_backups

REVIEW = {"title": "t", "date": "2000-01-01", "body": "b"}


def comment(review_id: int, parent_id: int | None = None, body: Any = "x") -> dict[str, Any]:
    return {"review_id": review_id, "parent_id": parent_id, "author": "a", "body": body}


def write(db: Path, reviews: dict[str, Any], comments: dict[str, Any]) -> None:
    db.write_bytes(
        orjson.dumps(
            {"meta": {"1": {"schema_version": 1}}, "reviews": reviews, "comments": comments}
        )
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


INCONSISTENT = {
    "number-body": (
        {"1": REVIEW},
        {"1": comment(1), "2": comment(1, 1, body=42)},
        "comment 2 has a malformed 'body'",
    ),
    "missing-review": ({"1": REVIEW}, {"1": comment(1), "2": comment(9)}, "belongs to review 9"),
    "missing-parent": ({"1": REVIEW}, {"1": comment(1, 5)}, "answers comment 5, which does not"),
    "other-review": (
        {"1": REVIEW, "2": REVIEW},
        {"1": comment(1), "2": comment(2, 1)},
        "answers comment 1 of another review",
    ),
    "cycle": (
        {"1": REVIEW},
        {"1": comment(1, 2), "2": comment(1, 1)},
        "comments 1, 2 answer each other in a circle",
    ),
}


@pytest.mark.parametrize("kind", sorted(INCONSISTENT))
def test_an_inconsistent_database_is_refused_alike_then_repaired(tmp_path: Path, kind: str) -> None:
    reviews, comments, problem = INCONSISTENT[kind]
    db = tmp_path / "reviews.json"
    write(db, reviews, comments)
    before = db.read_bytes()
    for command in (("export",), ("reply", "1", "--text", "hi")):
        result = run_in_process(*command, "--db", str(db))
        assert result.returncode == 1
        assert problem in result.stderr and "reviews check --repair" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == before
    checked = run_in_process("check", "--db", str(db))
    assert checked.returncode == 1
    assert f"{db}: " in checked.stdout and problem in checked.stdout
    assert db.read_bytes() == before
    repaired = run_in_process("check", "--repair", "--db", str(db))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired: " in repaired.stdout and "no problems found" in repaired.stdout
    (backup,) = list_backups(db)
    assert backup.path.read_bytes() == before
    store = Store(db)  # opens now, and every comment's text is still there
    texts = sorted(c.body for review in store.reviews() for c in store.comments(review.id))
    assert texts == sorted(str(c["body"]) for c in comments.values())
    assert sum(r.comment_count for r in store.reviews()) == len(comments)
    assert run_in_process("check", "--db", str(db)).returncode == 0


def test_orphans_of_a_missing_review_go_to_lost_and_found(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    write(db, {"1": REVIEW}, {"1": comment(1), "2": comment(9, body="orphan"), "3": comment(9, 2)})
    assert run_in_process("check", "--repair", "--db", str(db)).returncode == 0
    store = Store(db)
    (lost,) = [r for r in store.reviews() if r.title == "Lost and found"]
    assert sorted(c.body for c in store.comments(lost.id)) == ["orphan", "x"]


def test_an_id_beyond_64_bits_is_reported_and_not_repairable(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    write(db, {"1": REVIEW, str(2**64): REVIEW}, {})
    with pytest.raises(CorruptDatabase, match="beyond 64 bits"):
        Store(db)
    checked = run("check", "--repair", "--db", str(db))
    assert checked.returncode == 1
    assert "beyond 64 bits (cannot be repaired: restore a backup)" in checked.stdout


def test_a_sound_database_checks_clean(tmp_path: Path) -> None:
    db = tmp_path / "reviews.json"
    write(db, {"1": REVIEW}, {"1": comment(1), "2": comment(1, 1)})
    result = run("check", "--db", str(db))
    assert result.returncode == 0 and result.stdout.strip() == f"{db}: no problems found"
