"""Links in review bodies: found as text, never opened by themselves, opened only after asking."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from cpu_audit import over_budget
from hostile_corpus import MARKDOWN
from pilot_helpers import option_texts, ready, settle
from rich.console import Console
from textual.widgets import OptionList

from tui.app import ReviewsApp
from tui.config import Config
from tui.display import literal_markdown
from tui.links import find_links, why_refused
from tui.model import ParsedReview
from tui.screens.confirm import ConfirmScreen
from tui.screens.links import LinksScreen
from tui.screens.reader import ReaderScreen

BODY = "\n\n".join(
    [
        "A review with [the site](https://films.example/review) in it.",
        MARKDOWN["js-link"],
        MARKDOWN["file-link"],
        MARKDOWN["data-link"],
        MARKDOWN["image"],
        MARKDOWN["autolink"],
        "A bare one: http://bare.example/path?q=1 and a [disguise](http://bank.example@evil.example/).",
        MARKDOWN["html-inline"],
    ]
)


def rendered(markdown: str) -> str:
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="truecolor")
    console.print(literal_markdown(markdown))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def test_links_are_found_with_their_text_and_only_http_opens() -> None:
    links = {link.text: link for link in find_links(BODY)}
    assert links["the site"].url == "https://films.example/review" and links["the site"].openable
    assert "javascript:" in links["click"].refused
    assert "file:" in links["passwd"].refused
    assert "data:" in links["data"].refused
    assert links["a film still"].image and links["a film still"].openable
    assert links["https://auto.example/x"].openable
    assert links["http://bare.example/path?q=1"].openable
    assert "disguise" in links["disguise"].refused
    (unnamed,) = find_links("![](https://films.example/still.png)")
    assert unnamed.text == "(no alt text)" and unnamed.image  # not "image  image"
    # Raw HTML is text, not a link: its javascript: href is never seen as one.
    assert not any("alert(1)" in link.url for link in links.values())


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/x", True),
        ("HTTP://EXAMPLE.COM", True),
        ("http://[::1]:8080/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("//example.com/x", False),
        ("http://", False),
        ("http://user:pw@example.com/", False),
        ("http://exa mple.com/", False),
        ("http://example.com:notaport/", False),
        ("http://\x1b]0;x\x07.example/", False),
        ("https://" + "a" * 3000 + ".example/", False),
    ],
)
def test_why_refused(url: str, ok: bool) -> None:
    assert (why_refused(url) == "") is ok


def test_international_hosts_are_shown_as_punycode() -> None:
    (link,) = find_links("[x](http://пример.example/ü)")
    assert link.url == "http://xn--e1afmkfd.example/%C3%BC" and link.openable


def test_the_body_shows_no_html_no_live_links_and_images_as_alt_text() -> None:
    output = rendered(BODY)
    assert "\x1b]8;" not in output  # no terminal hyperlink anywhere
    assert "[image: a film still]" in output and "still.png" not in output
    assert "<img src=x onerror=alert(1)>" in output  # raw HTML shown as the characters it is
    assert "the site (https://films.example/review)" in re.sub(r"\x1b\[[0-9;]*m", "", output)
    html = rendered(MARKDOWN["html-block"])
    assert "<script>alert('PWNED-html')</script>" in html
    assert "Before [image: x] after" in rendered("Before ![x](y.png) after")


def link_reviews() -> list[ParsedReview]:
    return [ParsedReview(title="Links", date="2020-01-01", body=BODY, source="t", source_id="l")]


@over_budget
async def test_o_lists_links_and_opens_only_after_asking(
    tmp_path: Path, no_browser: list[str]
) -> None:
    app = ReviewsApp(tmp_path / "db.json", Config(author="tester"), seed=link_reviews)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        screen: LinksScreen = app.screen
        texts = option_texts(screen.query_one("#link-list", OptionList))
        assert texts[0].startswith("the site\n  https://films.example/review")
        assert any("click" in t and "not opened: only http and https" in t for t in texts)

        # A refused link: enter only says why.
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and no_browser == []

        # An http link: enter asks; "n" declines; nothing opens.
        await pilot.press("up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question").render()
        assert "Open https://films.example/review in your browser?" in str(question)
        await pilot.press("n")
        await settle(pilot)
        assert no_browser == []

        # Asked again and confirmed: opened once, in a worker, with that address.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert no_browser == ["https://films.example/review"]
        assert screen.opened == ["https://films.example/review"]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
