"""Laying comments out: wrapping by terminal cells, guides, labels, highlights."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.model import Comment, thread
from tui.widgets.comment_layout import lay_out, wrap

WORDS = st.sampled_from(["a", "film", "über", "漢字漢字", "🎬", "e\u0301", "x" * 37, "שלום", ""])


@given(st.lists(WORDS, max_size=40).map(" ".join), st.integers(min_value=4, max_value=60))
@settings(max_examples=300, deadline=None)
def test_wrap_never_overflows_and_loses_no_text(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_paragraph_breaks_and_folds_long_words() -> None:
    assert wrap("a\n\nb", 10) == ["a", "", "b"]
    assert wrap("x" * 25 + " hello", 10) == ["x" * 10, "x" * 10, "xxxxx", "hello"]


def test_layout_labels_guides_and_highlight() -> None:
    comments = [
        Comment(1, 1, None, "Critic", "2020-01-01", "Top words here"),
        Comment(2, 1, 1, "me", "2026-01-01T10:00:00+00:00", "a reply", local=True),
    ]
    top, reply = thread(comments)
    first = lay_out(top, 40, by_review_author=True, unseen=True, highlight="words")
    assert [t for t, _ in first[0]] == ["", "● ", "Critic", "  author"]
    assert ("words", "match") in first[2]
    second = lay_out(reply, 40)
    assert second[0][0] == ("└─ ", "guide")
    assert ("  you", "local") in second[0]
    collapsed = lay_out(top, 40, collapsed=True)
    assert any("1 reply hidden" in t for t, _ in collapsed[0])


def test_quotes_take_the_first_paragraph_capped_or_the_whole_selection() -> None:
    from tui.screens.writing import QUOTE_LIMIT, quote

    assert quote("One.\n\nTwo.") == "> One.\n\n"
    assert quote("One.\n\nTwo.", whole=True) == "> One.\n>\n> Two.\n\n"
    long = quote("word " * 10_000)
    assert len(long) < QUOTE_LIMIT + 20 and long.rstrip().endswith("…")
    assert quote("a\x1b]0;x\x07b") == "> a␛]0;x␇b\n\n"
