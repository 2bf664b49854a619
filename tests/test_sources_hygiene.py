"""The network layer (tui.sources) never loads Textual, like the model and the store."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "tui.sources",
        "tui.sources.wordpress",
        "tui.sources.wordpress_discovery",
        "tui.sources.wordpress_json",
        "tui.sources.wordpress_models",
        "tui.sources.secrets",
        "tui.sources.outbox",
        "tui.sources.wordpress_sync",
        "tui.cli.blog",
    ],
)
def test_source_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} pulls in {out}"
