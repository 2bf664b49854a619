"""The quick path for plain paragraphs gives exactly what the importer's converter gives."""

from __future__ import annotations

import sys

from cpu_audit import over_budget
from hypothesis import given, settings
from hypothesis import strategies as st
from property_counts import examples

from tui.importers.bodies import ODD_SPACES, plain_line, plain_markdown
from tui.importers.html import autop, converted_markdown, html_to_markdown
from tui.importers.shortcodes import wordpress_shortcodes

CHAR = st.sampled_from([*"abcXYZ019 .,;:!?'\"()/-+#=%$@éßж日", "\u2019", "\ue000"])
ENCODED = st.one_of(
    CHAR,
    CHAR.map(lambda c: f"&#{ord(c)};"),
    CHAR.map(lambda c: f"&#x{ord(c):x};"),
    st.sampled_from(["&#8217;", "&#8230;", "&#38;", "&#60;", "&#42;", "&#160;", "&#x5f;"]),
    st.sampled_from(["&amp;", "&eacute;", "&#0;", "&#150;", "&#99999999;", "&", "  ", "\t"]),
    st.sampled_from(["\u2003", "\u3000", "\x85", "&#x2028;", "&#12288;"]),
)
TEXT = st.lists(ENCODED, max_size=40).map("".join)


@over_budget
@settings(max_examples=examples(500), deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.sampled_from(["", "\n", " \n "]))
def test_plain_paragraphs_match_the_converter(paragraphs: list[str], gap: str) -> None:
    html = gap.join(f"<p>{p}</p>" for p in paragraphs)
    quick = plain_markdown(html)
    if quick is not None:  # None: left to the converter (a "<", "*", "&" or odd space)
        assert quick == converted_markdown(html)


def test_wordpress_comments_take_the_quick_path() -> None:
    html = "<p>I&#8217;m back: rewatched it &#8230; still great!</p>\n<p>Second thought.</p>\n"
    assert (
        plain_markdown(html) == "I\u2019m back: rewatched it \u2026 still great!\n\nSecond thought."
    )
    assert plain_markdown(html) == converted_markdown(html) == html_to_markdown(html)


def test_anything_else_is_left_to_the_converter() -> None:
    for html in [
        "<p>a\nb</p>",
        "<p>a\u00a0b</p>",
        "<p>a <u>b</u></p>",
        "<p>a &amp; b</p>",
        "<p>*not* emphasis</p>",
        "text",
        "",
    ]:
        assert plain_markdown(html) is None


def test_odd_spaces_are_every_space_but_the_plain_one() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {" "}
    listed = {chr(c) for c in range(ord("\u2000"), ord("\u200a") + 1)}
    listed |= set(ODD_SPACES.replace("\u2000-\u200a", ""))
    assert listed == spaces


def test_paragraph_spacing_and_references() -> None:
    html = "<p>  a   b &#38;c  </p> <p>d&#x2019;e</p><p>   </p>"
    assert plain_markdown(html) is None  # "&#38;" is an "&": the converter's to judge
    html = "<p>  a   b &#233;c  </p> <p>d&#x2019;e</p><p>   </p>"
    assert plain_markdown(html) == "a b \u00e9c\n\nd\u2019e" == converted_markdown(html)
    assert plain_markdown("<p>caf&eacute;</p>") is None  # named references: the converter


WORDS = st.lists(
    st.sampled_from([*"ab Z9.,'\"!?", "  ", "\u2019", "&#8217;", "*", "_"]), max_size=8
)
HREF = st.sampled_from(
    [
        "https://x.org",
        "http://x.org/a_b?q=1#f",
        "https://x.org/(a)",
        "javascript:alert(1)",
        "/relative",
        "https://x.org/a b",
        "ab",
    ]
)
SPAN = st.one_of(
    WORDS.map("".join),
    st.tuples(st.sampled_from(["em", "strong", "b", "i", "u", "span"]), WORDS.map("".join)).map(
        lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"
    ),
    st.tuples(HREF, WORDS.map("".join), st.sampled_from(['"', "'"])).map(
        lambda t: f"<a href={t[2]}{t[0]}{t[2]}>{t[1] or t[0]}</a>"
    ),
    st.sampled_from(
        ["<em><b>x</b></em>", "<br>", "<em>", "</a>", '<a href="https://x.org" title="t">x</a>']
    ),
)
PARAGRAPH = st.lists(SPAN, max_size=5).map(lambda spans: "<p>" + "".join(spans) + "</p>")


@over_budget
@settings(max_examples=examples(500), deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=3), st.sampled_from(["", "\n", "\n\n"]))
def test_paragraphs_with_emphasis_and_links_match_the_converter(
    paragraphs: list[str], gap: str
) -> None:
    html = gap.join(paragraphs)
    quick = plain_markdown(html)
    if quick is not None:
        assert quick == converted_markdown(html)


def test_emphasis_and_web_links_take_the_quick_path() -> None:
    html = (
        "<p>Review 5: the <em>film</em> is <strong>long</strong> and <i>worth</i> "
        "<b>it</b>.</p>\n\n<p>See <a href='https://x.org/a_b?q=1'>this</a>.</p>"
    )
    expected = (
        "Review 5: the *film* is **long** and *worth* **it**.\n\nSee [this](https://x.org/a_b?q=1)."
    )
    assert plain_markdown(html) == expected == converted_markdown(html)
    for html in [
        "<p>a <em> b</em></p>",  # the converter moves the space outside the marks
        "<p><em></em>a</p>",
        "<p><em><b>x</b></em></p>",
        "<p><a href='https://x.org'>https://x.org</a></p>",  # written as <https://x.org>
        "<p><a href='javascript:x()'>x</a></p>",
        '<p><a href="https://x.org" title="t">x</a></p>',
    ]:
        assert plain_markdown(html) is None, html


@settings(max_examples=examples(500), deadline=None)
@given(TEXT)
def test_a_plain_line_reads_as_wordpress_reads_it(text: str) -> None:
    quick = plain_line(text)
    if quick is not None:  # None: a tag, entity, break or odd character: the full path
        html = autop(wordpress_shortcodes(text))
        full = plain_markdown(html)
        assert quick == (converted_markdown(html) if full is None else full)
        assert quick == html_to_markdown(text, wordpress=True)


def test_comments_of_one_plain_line_take_the_quick_path() -> None:
    assert plain_line("  Loved it,  truly. ") == "Loved it, truly."
    for text in ["a\nb", "a &amp; b", "[caption]x[/caption]", "*x*", "a\u00a0b", " ", ""]:
        assert plain_line(text) is None
