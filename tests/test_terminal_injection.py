"""The real reader in a pseudo-terminal, on a database full of escape sequences.

``python -m tui`` runs with its output going to a pty of a fixed size; the test
reads every byte the app writes while pressing a few keys, and checks that
none of the injected sequences (each marked by a ``PWNED`` or ``evil.example``
payload right after its introducer) reaches the terminal, while their payloads
do show, as visible characters.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hostile_corpus import hostile_reviews, poison_database
from pty_terminal import read_for, read_until, started
from screen_output import injected_in

from tui.store import Store

COLUMNS, LINES = 120, 40
KEYS = [b"j", b"k", b"\t", b"G", b"\t", b"o", b"\x1b", b"?", b"\x1b", b"q"]
"""Next review and back, into the thread and to its end, the links, the help, quit."""

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty"),
    pytest.mark.slow,  # a real terminal: the app in a child, read byte by byte
]


def _run_in_pty(db: Path) -> tuple[bytes, int]:
    """Run the reader on ``db`` in a pty, press ``KEYS``; the bytes it wrote and its exit code."""
    output = bytearray()
    argv = [sys.executable, "-m", "tui", "--db", str(db)]
    settings = {"TEXTUAL_ANIMATIONS": "none"}
    with started(argv, columns=COLUMNS, lines=LINES, env=settings) as (process, master):
        # Wait for the reader to draw its sidebar, then press keys as a person would.
        read_until(master, b"Reviews (", output)
        for key in KEYS:
            os.write(master, key)
            if not read_for(master, 0.4, output):
                break
        read_for(master, 2.0, output)
        code = process.wait(timeout=10)
    return bytes(output), code


def test_no_injected_sequence_reaches_the_terminal(tmp_path: Path) -> None:
    # Even the folder's name is hostile: the loading screen shows the path.
    db = tmp_path / "pty\x1b]0;PWNED-path\x07" / "reviews.json"
    Store(db, seed=hostile_reviews).close()
    poison_database(db)

    raw, code = _run_in_pty(db)

    text = raw.decode("utf-8")  # strict: a raw 8-bit C1 byte would not decode
    assert "Traceback" not in text, text[-2000:]
    assert code == 0
    assert len(raw) > 20_000, "the app drew too little to judge"
    assert injected_in(text) == []
    # The payloads were on screen, as visible characters, in the sidebar, panes and links.
    assert "␛]0;PWNED-title␇" in text
    assert text.count("PWNED") >= 10
