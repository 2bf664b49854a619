"""The YAML config: defaults, the author name, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError, load_config


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "none.yaml")
    assert config.author
    assert config.keymap == {}


def test_author_theme_and_keymap_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text('author: "Ann \\x1b[31m Lee"\ntheme: nord\nkeymap:\n  reader.reply: ctrl+r\n')
    config = load_config(path)
    assert config.author == "Ann ␛[31m Lee"
    assert config.theme == "nord"
    assert config.keymap == {"reader.reply": "ctrl+r"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("author: [unclosed", "not valid YAML"),
        ("- a list\n", "expected a mapping"),
        ("colour: red\n", "unknown setting(s): colour"),
        ("keymap: 3\n", "'keymap' must map"),
        ("author: 3\n", "'author' must be text"),
    ],
)
def test_bad_config_names_the_file_and_the_problem(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
