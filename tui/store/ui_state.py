"""Small UI preferences remembered between runs (theme, sort order), beside the database.

Kept out of the user's config file (which we never rewrite) and out of the
database (a theme change should not rewrite tens of megabytes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from tui.store.files import private_dir


@dataclass(frozen=True)
class UiState:
    """What the reader remembers of how it was left."""

    theme: str | None = None
    sort: str = "date"


def load_ui_state(path: Path) -> UiState:
    """Read ``path``; anything missing or unreadable falls back to the defaults."""
    try:
        data: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    theme = data.get("theme")
    sort = data.get("sort")
    return UiState(
        theme=theme if isinstance(theme, str) else None,
        sort=sort if isinstance(sort, str) else "date",
    )


def save_ui_state(path: Path, state: UiState) -> None:
    """Write ``state`` to ``path`` atomically."""
    private_dir(path.parent)
    from tui.store.storage import atomic_write_bytes  # not loaded before the first frame

    atomic_write_bytes(path, orjson.dumps(asdict(state), option=orjson.OPT_INDENT_2))
