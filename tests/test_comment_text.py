"""Comments read as words, not as the Markdown their blog's HTML was stored as."""

from __future__ import annotations

import pytest
from shared_corpus import CORPUS, needs_corpus

from tui.comment_text import RULE, comment_lines
from tui.importers import load_path
from tui.model import Comment, ParsedComment, thread
from tui.widgets.comment_layout import lay_out

THEME_UNIT_TEST = CORPUS / "wordpress" / "wpi-theme-unit-test-data.xml"


def theme_unit_test_comments() -> list[str]:
    """Every comment body (replies too) of WordPress's theme unit test data, imported."""

    def walk(comments: tuple[ParsedComment, ...]) -> list[str]:
        return [b for c in comments for b in (c.body, *walk(c.replies))]

    return [b for review in load_path(THEME_UNIT_TEST) for b in walk(review.comments)]


def texts(body: str) -> list[str]:
    return [text for _lead, _hang, text, _role in comment_lines(body)]


def test_a_plain_comment_is_left_exactly_as_written() -> None:
    body = "Loved it!\nThe ending, though... 3/5 & worth it. #1 film of the year"
    assert comment_lines(body) == (("", "", body, "body"),)


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("I *loved* it, **really**, don\\'t you?", ["I loved it, really, don't you?"]),
        ("~~bad~~ good `code`", ["bad good code"]),
        ("first\\\nsecond  \nthird\nfourth", ["first", "second", "third", "fourth"]),
        ("# Heading\n\nText", ["Heading", "", "Text"]),
        ("&amp; &copy; &#39;", ["& © '"]),
        ("a\n\n---\n\nb", ["a", "", RULE, "", "b"]),
        (
            "x\n\n    code line\n      indented\n\ny",
            ["x", "", "    code line", "      indented", "", "y"],
        ),
        ("Name | Score\n--- | ---\nHer | 5", ["Name | Score", "Her | 5"]),
        ("Name | |\n--- | ---\nHer | 5", ["Name", "Her | 5"]),
    ],
)
def test_marks_are_dropped_and_breaks_kept(body: str, shown: list[str]) -> None:
    assert texts(body) == shown


def test_links_show_their_address_once_and_images_their_alt_text() -> None:
    body = (
        'See [the review](https://films.example/her "title"), <https://auto.example/x>, '
        "[https://same.example/](https://same.example/) and ![a still](http://x.example/s.png)."
    )
    assert texts(body) == [
        "See the review (https://films.example/her), https://auto.example/x, "
        "https://same.example/ and [image: a still]."
    ]


def test_refused_links_and_html_stay_the_characters_they_are() -> None:
    assert texts("[click](javascript:alert(1))") == ["[click](javascript:alert(1))"]
    html = "a <img src=x onerror=alert(1)> <b>b</b>"
    assert texts(html) == [html]
    assert texts("<script>alert(1)</script>") == ["<script>alert(1)</script>"]


def test_quotes_and_lists_carry_their_marks_on_each_row() -> None:
    body = (
        "> quoted *words*\n> > nested\n\n"
        "My answer:\n\n- one\n- two\n  - deeper\n\n3. three\n4. four"
    )
    assert comment_lines(body) == (
        ("> ", "> ", "quoted words", "quote"),
        (">", "", "", "body"),
        ("> > ", "> > ", "nested", "quote"),
        ("", "", "", "body"),
        ("", "", "My answer:", "body"),
        ("", "", "", "body"),
        ("• ", "  ", "one", "body"),
        ("• ", "  ", "two", "body"),
        ("  • ", "    ", "deeper", "body"),
        ("", "", "", "body"),
        ("3. ", "   ", "three", "body"),
        ("4. ", "   ", "four", "body"),
    )


def rows(body: str, width: int, *, local: bool = False) -> list[str]:
    comment = Comment(1, 1, None, "Reader", None, body, local=local)
    lines = lay_out(thread([comment])[0], width)
    return ["".join(text for text, _role in line) for line in lines[1:-1]]


def test_a_long_quoted_line_keeps_its_mark_when_wrapped() -> None:
    shown = rows("> " + "word " * 12 + "\n\n- item " + "long " * 8, 30)
    assert shown == [
        "   > word word word word word",
        "   > word word word word word",
        "   > word word",
        "   ",
        "   • item long long long long",
        "     long long long long",
    ]


def test_a_reply_written_here_is_shown_as_typed() -> None:
    """A blog shows your reply's text as typed, so the thread does too."""
    assert rows("I *really* [mean](it)", 60, local=True) == ["   I *really* [mean](it)"]
    assert rows("I *really* [mean](it)", 60) == ["   I really mean (it)"]


@needs_corpus
def test_the_theme_unit_tests_comments_read_as_words() -> None:
    """WordPress's theme unit test data: its comments' HTML, imported and shown."""
    bodies = theme_unit_test_comments()
    shown = "\n".join("\n".join(texts(body)) for body in bodies)
    assert "**" not in shown and "\\'" not in shown and "](" not in shown
    assert "no Gravatar (https://gravatar.com//) associated" in shown
    assert "[image: Albany wind-farm against the sunset, Western Australia]" in shown
    assert "> Stay hungry. Stay foolish." not in shown  # the mark is a prefix, not text
    lines = [line for body in bodies for line in comment_lines(body)]
    assert ("> ", "> ", "Stay hungry. Stay foolish.", "quote") in lines


INLINE_ONLY = [
    "I *loved* it, __really__, don\\'t you?",
    "a*b*c, 2 * 3 * 4, snake_case_word and _x_, __init__ method",
    "*a **b** c* and ***d*** ~~gone~~ `a*b*` ``x ` y``",
    'see [the site](https://x.example/ "t"), <https://auto.example/>, [https://y.example/](https://y.example/)',
    "see [![still](a.png)](http://b) and ![](z.png) and [no link] and [x]()",
    "&amp; &lt;b&gt; &copy; &#39; &nosuch; Tom & Jerry",
    "line\\\nbreak  \nand soft\nbreak",
    "see <b>bold</b> and a <img src=x onerror=alert(1)>",
]


@needs_corpus
def test_inline_marks_read_the_same_by_the_quick_path_and_by_the_parser() -> None:
    """Bodies with inline marks only skip markdown-it (~10x quicker) for the same words."""
    from tui.comment_text import _PARSER, _may_hold_blocks, _rendered, _Renderer

    corpus = theme_unit_test_comments()
    bodies = [b for b in INLINE_ONLY + corpus if not _may_hold_blocks(b)]
    assert len(bodies) > len(INLINE_ONLY)
    for body in bodies:
        assert _rendered(body, False) == tuple(_Renderer().render(_PARSER.parse(body))), body


def test_headings_quotes_and_code_are_styled_by_role() -> None:
    """The thread draws a heading bold, a quote muted and code in its own colour."""
    body = "# Verdict\n\n> you said *this*\n\n```\nx = 1\n```\n\nFine."
    roles = [(text, role) for _lead, _hang, text, role in comment_lines(body) if text]
    assert roles == [
        ("Verdict", "heading"),
        ("you said this", "quote"),
        ("    x = 1", "code"),
        ("Fine.", "body"),
    ]
    comment = Comment(1, 1, None, "Reader", None, body)
    laid = lay_out(thread([comment])[0], 60, highlight="said")
    pieces = {piece for line in laid for piece in line if piece[0].strip()}
    assert {("Verdict", "heading"), ("you ", "quote"), ("said", "match"), (" this", "quote")} <= (
        pieces
    )
