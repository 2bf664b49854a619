"""Every benchmark runs on a tiny corpus and prints its table (no timing is asserted).

The benchmarks are scripts that print ratios; this keeps them working as the
app changes under them. Each runs in a subprocess exactly as a person would
run it, with one fresh run per subject and a corpus of 50 reviews.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui.store.storage import parse_lines

# Each runs a whole benchmark in fresh processes: slow, left out of `-m "not slow"`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
TINY = ["--reviews", "50", "--comments", "300", "--big-thread", "100", "--runs", "1"]

needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed: the startup benchmark needs it"
)
needs_store = pytest.mark.skipif(
    importlib.util.find_spec("tui.store") is None, reason="tui.store is not written yet"
)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private cache of generated corpora, so tests never write into the work tree."""
    return tmp_path_factory.mktemp("corpora")


def run(script: str, args: list[str], corpora: Path, tmp_path: Path) -> tuple[str, Path]:
    """Run ``benchmarks/<script>`` with ``args``; its stdout and its ``--json`` file."""
    out = tmp_path / "figures.json"
    env = dict(os.environ, REVIEWS_BENCH_CORPORA=str(corpora))
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, out


def check_table(stdout: str, out: Path, *names: str) -> None:
    """The table is printed with the expected rows, and the JSON holds the same rows."""
    assert "| figure | median | floor | ratio | target | result | samples |" in stdout
    for name in names:
        assert name in stdout
    rows = json.loads(out.read_text())["figures"]
    assert rows and all(row["samples"] for row in rows), rows


def test_corpus_is_deterministic_and_in_the_store_layout(tmp_path: Path) -> None:
    args = ["--reviews", "20", "--comments", "120", "--big-thread", "40", "--big-thread-at"]
    for name in ("a.json", "b.json"):
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "corpus.py"),
                *args,
                "newest",
                "--out",
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
        )
    raw = (tmp_path / "a.json").read_bytes()
    assert raw == (tmp_path / "b.json").read_bytes()
    tables = orjson.loads(raw)
    assert parse_lines(bytearray(raw)) == tables  # in the store's own line layout
    assert raw.count(b"\n") > 4
    assert sorted(tables) == ["comments", "meta", "reads", "reviews"]
    assert tables["meta"] == {"1": {"schema_version": 1}}
    assert len(tables["reviews"]) == 20 and len(tables["comments"]) == 120
    on_newest = [c for c in tables["comments"].values() if c["review_id"] == 20]
    assert len(on_newest) == 40
    ids = {int(k) for k in tables["comments"]}
    for key, comment in tables["comments"].items():
        assert comment["parent_id"] is None or comment["parent_id"] in ids
        assert comment["parent_id"] is None or comment["parent_id"] < int(key)


def test_corpus_export_nests_every_comment(tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), *TINY[:6], "--out", str(out), "--export"],
        check=True,
        capture_output=True,
    )
    reviews = orjson.loads(out.read_bytes())["reviews"]

    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(node["replies"]) for node in nodes)

    assert len(reviews) == 50
    assert sum(count(r["comments"]) for r in reviews) == 300


@needs_tmux
@needs_store
def test_startup(corpora: Path, tmp_path: Path) -> None:
    # One set of floor launches shown beside both starts (the floor reads no snapshot).
    args = [*TINY, "--no-big-newest", "--no-warm-up", "--floor-once"]
    stdout, out = run("startup.py", args, corpora, tmp_path)
    check_table(stdout, out, "startup: first frame", "newest review + comments on screen")
    assert "first launch, no snapshot" in stdout
    rows = json.loads(out.read_text())["figures"]
    assert len(rows) == 6 and all(row["floor"] for row in rows), rows


@needs_store
def test_navigation(corpora: Path, tmp_path: Path) -> None:
    # One key during a read-mark write, written 0.2 s after the dwell instead of ~6 s.
    args = [*TINY, "--keys", "5", "--write-keys", "1", "--marks-after", "0.2"]
    stdout, out = run("navigation.py", args, corpora, tmp_path)
    check_table(stdout, out, "navigation: key → painted, p50", "p99")


@needs_store
def test_big_thread(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("big_thread.py", [*TINY, "--opens", "1"], corpora, tmp_path)
    check_table(stdout, out, "big thread: first comments on screen", "big thread: settled")


@needs_store
def test_filter(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("filter.py", [*TINY, "--queries", "1"], corpora, tmp_path)
    check_table(stdout, out, "filter: keystroke → list painted, median")


@needs_store
def test_reply_save(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("reply_save.py", [*TINY, "--replies", "2"], corpora, tmp_path)
    check_table(
        stdout,
        out,
        "reply save: Store.add_reply",
        "key latency during save",
        "reply command: `reviews reply`",
        "reply command: first call",
    )


@needs_store
def test_live_refresh(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("live_refresh.py", TINY, corpora, tmp_path)
    check_table(
        stdout, out, "another process's reply: check → painted", "key latency during the reload"
    )


@needs_store
def test_memory(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("memory.py", [*TINY, "--after", "0.2"], corpora, tmp_path)
    check_table(stdout, out, "reader RSS after startup", "parsed data alone")


@needs_tmux
@needs_store
def test_scaling(corpora: Path, tmp_path: Path) -> None:
    args = ["--runs", "1", "--sizes", "0.05,0.1", "--replies", "2", "--no-warm-up"]
    stdout, out = run("scaling.py", args, corpora, tmp_path)
    assert "| MB | startup |" in stdout
    check_table(stdout, out, "startup slope", "reply save slope")


@needs_tmux
@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_peer_newsboat(tmp_path: Path) -> None:
    """The side-by-side with newsboat runs on a tiny feed and prints every row."""
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [
            *(sys.executable, str(BENCH / "peer_newsboat.py")),
            *("--items", "30", "--runs", "1", "--keys", "10", "--idle", "0.2"),
            *("--json", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for row in ("take in the feed", "launch -> the list on screen", "RSS after 100 keys"):
        assert row in proc.stdout
    rows = json.loads(out.read_text())["figures"]
    assert all(row["samples"] and row["floor"] for row in rows[:4]), rows


def test_import_wxr(corpora: Path, tmp_path: Path) -> None:
    stdout, out = run("import_wxr.py", ["--reviews", "50", "--runs", "1"], corpora, tmp_path)
    check_table(stdout, out, "reviews import: 50 posts, 100 comments")
