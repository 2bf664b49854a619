"""The user's YAML config: author name, theme, key bindings and how often the reader
syncs the followed blogs. Plain Python, no UI."""

from __future__ import annotations

import getpass
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.text import one_line

SYNC_EVERY: float | None = 30 * 60.0
"""How often the reader syncs the followed blogs by itself, in seconds, unless the config
says otherwise (``sync_every``); ``None``: only on ``R``."""

MIN_SYNC_EVERY = 60.0
"""The shortest ``sync_every`` the config takes: each sync asks every followed blog."""

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_OFF = {"off", "never", "no", "false", "0"}
_NOT_A_DURATION = "a duration such as 30m, 2h or 1d, or off"


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Config:
    """What the user can set in ``config.yaml``."""

    author: str = field(default_factory=lambda: default_author())
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma separated), as Textual's keymap takes them."""
    sync_every: float | None = field(default_factory=lambda: SYNC_EVERY)
    """Seconds between the reader's own syncs of the followed blogs; ``None``: only ``R``."""


def default_author() -> str:
    """The login name, or "me" where the platform cannot tell."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = ""
    return one_line(name) or "me"


def parse_every(value: object) -> float | None:
    """``sync_every`` as seconds: ``30m``, ``2h``, ``1d``, ``90s``, a bare number of minutes,
    or ``off`` (``None``). ``ValueError`` with the reason for anything else, or under
    :data:`MIN_SYNC_EVERY`."""
    if value is False or (isinstance(value, str) and value.strip().lower() in _OFF):
        return None
    if isinstance(value, bool):
        raise ValueError(_NOT_A_DURATION)
    if isinstance(value, (int, float)):
        if value == 0:
            return None
        if not 0 < value < math.inf:
            raise ValueError(_NOT_A_DURATION)
        seconds = float(value) * 60.0
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        number, unit = match.groups()
        seconds = float(number) * _UNIT_SECONDS[(unit or "m").lower()]
        if seconds == 0:
            return None
    else:
        raise ValueError(_NOT_A_DURATION)
    if seconds < MIN_SYNC_EVERY:
        raise ValueError("at least 1m: each sync asks every followed blog")
    return seconds


def load_config(path: Path) -> Config:
    """Read ``path``; a missing file gives the defaults, a broken one a ConfigError."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the config: {error}") from error
    import yaml  # only when there is a config file: the reader's first frame need not wait

    try:
        data: Any = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, found {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - {"author", "theme", "keymap", "sync_every"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    author = data.get("author")
    if author is not None and not isinstance(author, str):
        raise ConfigError(f"{path}: 'author' must be text")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise ConfigError(f"{path}: 'theme' must be the name of a theme")
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()
    ):
        raise ConfigError(f"{path}: 'keymap' must map binding ids to keys, e.g. reply: ctrl+r")
    try:
        every = parse_every(data["sync_every"]) if "sync_every" in data else SYNC_EVERY
    except ValueError as error:
        raise ConfigError(f"{path}: 'sync_every' must be {error}") from error
    name = one_line(author) if author else ""
    return Config(
        author=name or default_author(), theme=theme, keymap=dict(keymap), sync_every=every
    )
