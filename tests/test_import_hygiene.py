"""The layers point one way: storage, model, importers and text never load Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

UI_FREE = [
    "tui.model",
    "tui.text",
    "tui.store",
    "tui.storage",
    "tui.drafts",
    "tui.backups",
    "tui.config",
    "tui.paths",
    "tui.importers",
    "tui.exporters",
]


@pytest.mark.parametrize("module", UI_FREE)
def test_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} pulls in {out}"


def test_widgets_never_open_the_database() -> None:
    """Only the app shell may hold the store; widgets get data handed down."""
    from pathlib import Path

    import tui

    root = Path(tui.__file__).parent / "widgets"
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "tui.store" not in text, f"{path.name} imports the store"
        assert "tinydb" not in text, f"{path.name} imports tinydb"
