"""Markdown front matter: YAML aliases and tags that are not words are refused at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_in_process
from cpu_audit import over_budget

# 267 bytes: each level repeats the one above nine times, the tags name the top (9**6 words).
BOMB = """---
title: bomb
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
j: &j {k: *f}
tags: *j
---
body
"""


def _import(path: Path, db: Path, *, child: bool) -> subprocess.CompletedProcess[str]:
    """``reviews import``: in a child for the bomb (were it expanded, only the child would
    run out of memory), in this process for the rest."""
    if not child:
        return run_in_process("import", str(path), "--db", str(db))
    return subprocess.run(
        [sys.executable, "-m", "tui", "import", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


@over_budget
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BOMB, "YAML aliases are refused at line 4"),
        ("---\ntitle: t\nx: &x a\ntags: [*x]\n---\nbody\n", "YAML aliases are refused"),
        ("---\ntitle: t\ntags: [a, {b: c}]\n---\nbody\n", "'tags' must be a list of words"),
        ("---\ntitle: t\ntags: {b: c}\n---\nbody\n", "'tags' must be a list of words"),
    ],
)
def test_aliases_and_non_word_tags_are_refused_with_one_line(
    tmp_path: Path, text: str, reason: str
) -> None:
    source = tmp_path / "post.md"
    source.write_text(text)
    db = tmp_path / "reviews.json"
    result = _import(source, db, child=text is BOMB)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"skipped post.md: bad YAML front matter ({reason}" in result.stderr
    assert not db.exists() or "post" not in db.read_text()
    assert not db.exists() or db.stat().st_size < 10_000
