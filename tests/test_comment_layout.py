"""Laying comments out: wrapping by terminal cells, guides, labels, highlights."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from property_counts import examples
from rich.cells import cell_len

from tui.model import Comment, thread
from tui.widgets.comment_layout import LayoutCache, ThreadLayout, lay_out, wrap

WORDS = st.sampled_from(["a", "film", "über", "漢字漢字", "🎬", "e\u0301", "x" * 37, "שלום", ""])


@given(st.lists(WORDS, max_size=40).map(" ".join), st.integers(min_value=4, max_value=60))
@settings(max_examples=examples(300), deadline=None)
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


def _three() -> list[Comment]:
    return [
        Comment(1, 7, None, "A", None, "first"),
        Comment(2, 7, 1, "B", None, "answer"),
        Comment(3, 7, None, "C", None, "second"),
    ]


def _block(layout: ThreadLayout, index: int, width: int = 40, unseen: bool = False) -> object:
    return layout.block(
        layout.rows[index],
        width,
        collapsed=False,
        by_review_author=False,
        unseen=unseen,
        highlight="",
    )


def test_a_thread_shown_again_is_neither_threaded_nor_laid_out_again() -> None:
    comments = _three()
    cache = LayoutCache()
    first = cache.thread_of(comments)
    blocks = [_block(first, i) for i in range(3)]
    again = cache.thread_of(list(comments))  # a new list of the very same comments
    assert again.rows is first.rows
    assert all(_block(again, i) is blocks[i] for i in range(3))
    # Other inputs lay the comment out anew: a new mark, a new width.
    assert _block(again, 0, unseen=True) is not blocks[0]
    assert _block(again, 0, width=30) == tuple(lay_out(first.rows[0], 30))


def test_a_new_reply_rethreads_and_lays_out_only_what_it_changed() -> None:
    comments = _three()
    cache = LayoutCache()
    before = cache.thread_of(comments)
    old = {row.comment.id: _block(before, i) for i, row in enumerate(before.rows)}
    reply = Comment(4, 7, 2, "me", None, "my reply", local=True)
    after = cache.thread_of([*comments, reply])
    assert [row.comment.id for row in after.rows] == [1, 2, 4, 3]
    new = {row.comment.id: _block(after, i) for i, row in enumerate(after.rows)}
    assert new == {**old, 2: new[2], 4: new[4]}
    assert new[3] is old[3]  # untouched by the reply: the same block
    assert new[2] is not old[2]  # it has a reply now: its guide goes on below it
    assert new[4] == lay_out(after.rows[2], 40)


def test_only_the_last_few_reviews_are_kept() -> None:
    cache = LayoutCache(size=2)
    threads = [
        cache.thread_of([Comment(i, review, None, "A", None, "x")])
        for i, review in enumerate((1, 2, 3))
    ]
    assert cache.thread_of([threads[2].comments[0]]) is threads[2]
    assert cache.thread_of([threads[0].comments[0]]) is not threads[0]  # evicted
