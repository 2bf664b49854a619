"""Search finds what the reader shows: Markdown bodies and comments as their words."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_corpus import needs_corpus
from test_comment_text import theme_unit_test_comments

from tui.comment_text import comment_lines
from tui.model import ParsedComment, ParsedReview
from tui.store import Store
from tui.store.words import RULE, searchable
from tui.text import clean


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("plain words, 3/5 & done", "plain words, 3/5 & done"),
        (
            'See [the site](https://x.example/ "t") and **this**.',
            "See the site (https://x.example/) and this.",
        ),
        ("[https://x.example/](https://x.example/)", "https://x.example/"),
        ("[**bold** link](https://x.example/)", "bold link (https://x.example/)"),
        ("![a still](https://x.example/s.png) and ![](s.png)", "[image: a still] and [image]"),
        ("<https://auto.example/x>", "https://auto.example/x"),
        ("I *loved* it, __really__, ~~not~~ `code`", "I loved it, really, not code"),
        ("***both*** and _em_ but snake_case_name", "both and em but snake_case_name"),
        ("\\*not em\\* don\\'t a\\_b", "*not em* don't a_b"),
        ("&amp; &copy; &#39; &nosuch", "& © ' &nosuch"),
        (
            "# Title\n> quoted\n> > deeper\n- item\n    - nested\n12. twelfth",
            "Title\nquoted\ndeeper\nitem\nnested\ntwelfth",
        ),
        ("line\\\nbreak", "line\nbreak"),
        ("a\n\n---\n\nb", f"a\n\n{RULE}\n\nb"),
        ("```\n\\_/ | *as is*\n```\n*after*", "\\_/ | *as is*\n\nafter"),
        ("Name | Score |\n--- | --- |\n| Her | 5 |", "Name | Score\n\nHer | 5"),
    ],
)
def test_markdown_becomes_its_words(markdown: str, words: str) -> None:
    assert searchable(markdown) == words


def _spaced(text: str) -> str:
    return " ".join(text.split())


@needs_corpus
def test_the_words_are_those_the_thread_shows() -> None:
    """Every comment of the theme unit test (headings, quotes, nested lists, tables, code,
    a poem in a fenced block) reads the same to search as in the thread."""

    bodies = [clean(b) for b in theme_unit_test_comments()]
    assert len(bodies) > 20
    for body in bodies:
        shown = _spaced(" ".join(text for _lead, _hang, text, _role in comment_lines(body)))
        found = _spaced(searchable(body))
        assert found == shown, body


def seed() -> list[ParsedReview]:
    comment = ParsedComment(
        "Ann", "2024-01-02", "**Loved** it, see [the trailer](https://t.example/)", "c1"
    )
    body = "A *quiet* film. See [the site](https://films.example/her) for more."
    return [ParsedReview("Her", "2024-01-01", body, source_id="her", comments=(comment,))]


def test_search_finds_the_words_on_screen_and_shows_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "reviews.json", seed=seed)
    try:
        (body,) = store.search("QUIET FILM. SEE THE SITE")
        assert body.where == "body"
        assert body.snippet == "A quiet film. See the site (https://films.example/her) for more."
        assert body.snippet[body.start : body.end] == "quiet film. See the site"
        (comment,) = store.search("loved it, see the trailer")
        assert comment.where == "comment"
        assert comment.snippet == "Loved it, see the trailer (https://t.example/)"
        assert store.search("films.example/her")  # the address is shown, so found
        assert store.search("**loved") == []  # the marks are not shown
        # A reply written here is shown as typed, and found so, before and after a rebuild.
        review_id = body.review_id
        store.add_reply(review_id, None, "me", "I *really* mean it")
        assert [h.snippet for h in store.search("*really*")] == ["I *really* mean it"]
        store.close()
        store = Store(tmp_path / "reviews.json")
        assert [h.snippet for h in store.search("*really*")] == ["I *really* mean it"]
        assert store.search("really mean") == []
    finally:
        store.close()
