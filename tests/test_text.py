"""Cleaning outside text: control characters become visible, text stays text."""

from __future__ import annotations

from tui.text import clean, is_clean, one_line, shorten


def test_escape_sequences_become_visible_symbols() -> None:
    hostile = "title\x1b]0;pwned\x07 and \x1b[2J and \x9b31m and \x90dcs\x9c"
    out = clean(hostile)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\x90" not in out
    assert "␛]0;pwned␇" in out
    assert is_clean(out)


def test_newlines_and_tabs_survive_and_crlf_becomes_lf() -> None:
    assert clean("a\tb\r\nc\rd\n") == "a\tb\nc\nd\n"


def test_del_and_lone_surrogates_are_replaced() -> None:
    assert clean("x\x7fy") == "x␡y"
    assert clean("a\ud800b") == "a\ufffdb"


def test_markup_is_left_alone_as_plain_characters() -> None:
    text = "[bold]x[/] [/ [@click=app.quit]q[/] $accent"
    assert clean(text) == text


def test_one_line_folds_whitespace_and_shorten_marks_the_cut() -> None:
    assert one_line("  Her\n\n(2013)\t ") == "Her (2013)"
    assert shorten("abcdefgh", 5) == "abcd…"
    assert shorten("abc", 5) == "abc"
