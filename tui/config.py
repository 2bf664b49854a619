"""The user's YAML config: author name, theme and key bindings. Plain Python, no UI."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.text import one_line


class ConfigError(Exception):
    """The config file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Config:
    """What the user can set in ``config.yaml``."""

    author: str = field(default_factory=lambda: default_author())
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma separated), as Textual's keymap takes them."""


def default_author() -> str:
    """The login name, or "me" where the platform cannot tell."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = ""
    return one_line(name) or "me"


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
    unknown = sorted(set(map(str, data)) - {"author", "theme", "keymap"})
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
    name = one_line(author) if author else ""
    return Config(author=name or default_author(), theme=theme, keymap=dict(keymap))
