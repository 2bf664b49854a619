"""Cleaning outside text: control characters become visible, text stays text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_counts import examples

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


def _clean_by_the_rules(text: str) -> str:
    """``clean`` spelled out without its quick return for clean text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pictures = {c: chr(0x2400 + c) for c in range(0x20)} | {0x7F: "\u2421"}
    kept = {9: "\t", 10: "\n"}
    return "".join(
        kept.get(ord(c))
        or pictures.get(ord(c))
        or ("\ufffd" if 0x80 <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF else c)
        for c in text
    )


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(max_codepoint=0xE000),
            st.sampled_from(["\ud800", "\udfff", "\r", "\r\n", "\x85", "\x7f", "\x1b"]),
        ),
        max_size=40,
    ).map("".join)
)
def test_clean_passes_clean_text_on_and_changes_the_rest_by_its_rules(text: str) -> None:
    assert clean(text) == _clean_by_the_rules(text)
    assert is_clean(text) == (clean(text) == text)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(max_codepoint=0x3000),
            st.sampled_from([" ", "  ", "\t", "\r\n", "\x85", "\u2028", "\x1b", "\ud800"]),
        ),
        max_size=30,
    ).map("".join)
)
def test_one_line_is_clean_text_with_its_spaces_folded(text: str) -> None:
    assert one_line(text) == re.sub(r"[ \t\n\r]+", " ", clean(text)).strip()


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("Blog 3 review 17", "Blog 3 review 17"),
        ("  Two  spaces  ", "Two spaces"),
        ("tab\there\nand\r\nbreaks", "tab here and breaks"),
        ("esc\x1b[31m", "esc\u241b[31m"),
        ("\u00a0no-break\u00a0", "no-break"),
        ("line\u2028separator", "line\u2028separator"),
        ("lone \ud800", "lone \ufffd"),
        ("", ""),
    ],
)
def test_one_line_quick_path_and_slow_path_agree(raw: str, line: str) -> None:
    assert one_line(raw) == line


@given(st.text())
@settings(max_examples=examples(300))
def test_one_line_is_clean_then_folded(raw: str) -> None:
    # The quick path for printable text gives what cleaning and folding always gave.
    assert one_line(raw) == re.sub(r"[ \t\n\r]+", " ", clean(raw)).strip()
