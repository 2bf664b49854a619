"""What the terminal would receive for the screen on show, and checks that it is inert."""

from __future__ import annotations

import io
from typing import Any

from hostile_corpus import C1_CONTROLS, INJECTED
from rich.console import Console
from textual.app import App


def terminal_output(app: App[Any]) -> str:
    """The full screen rendered as the escape sequences Textual would write to a terminal."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    # The same full render export_screenshot does; headless apps never write to a driver.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def injected_in(output: str) -> list[str]:
    """The names of injected sequences found in ``output`` (a terminal's input), if any."""
    found = [name for name, sequence in INJECTED.items() if sequence in output]
    found += [f"C1 U+{ord(ch):04X}" for ch in sorted(set(output) & C1_CONTROLS)]
    return found
