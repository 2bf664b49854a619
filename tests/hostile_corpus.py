"""Hostile text for tests: markup fragments, terminal escapes, odd and huge Unicode.

Every escape sequence carries a unique payload (``PWNED-…``, ``evil.example``)
right after its introducer, so a test reading the raw bytes a terminal gets
can tell an injected sequence from anything Textual writes itself.

``hostile_reviews()`` feeds the real ``Store`` (which cleans at import);
``poison_database()`` then writes the raw sequences straight into the TinyDB
file, as a database written by anything else could hold them, so the display
side has to stand on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from tui.model import ParsedComment, ParsedReview

MARKUP: dict[str, str] = {
    "open-close": "[/",
    "auto-close": "[/]",
    "close-bold": "[/bold]",
    "bold": "[bold]loud[/bold]",
    "click": "[@click=app.quit]x[/]",
    "spaced-close": "a [/ b",
    "link": "[link=http://evil.example/]x[/link]",
    "variable": "$accent $text $foreground",
    "styled-variable": "[$accent]x[/]",
    "escaped": "\\[not a tag] \\",
    "unclosed": "[b]unclosed [i",
    "brackets": "[[x]] ]] [[",
}
"""Strings Rich or Textual would parse as console markup: crash, style or a live link."""

ESCAPES: dict[str, str] = {
    "osc0-title": "\x1b]0;PWNED-title\x07",
    "osc2-title": "\x1b]2;PWNED-title2\x1b\\",
    "osc8-link": "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "osc52-clipboard": "\x1b]52;c;UFdORUQ=\x07",
    "dcs": "\x1bP1$qPWNED-dcs\x1b\\",
    "csi-clear": "\x1b[2JPWNED-clear",
    "csi-colour": "\x1b[31mPWNED-red\x1b[0m",
    "csi-move": "\x1b[HPWNED-home",
    "c1-csi": "\x9b2JPWNED-c1csi",
    "c1-osc": "\x9d0;PWNED-c1osc\x9c",
    "c1-dcs": "\x90PWNED-c1dcs\x9c",
    "bell": "ding\x07PWNED-bell",
    "backspace-del-nul": "ab\x08\x7f\x00PWNED-bs",
    "carriage-return": "hidden\rPWNED-cr",
    "form-feed-vt": "a\x0cb\x0bc",
}
"""Terminal control sequences, each with a payload marker right after its introducer."""

INJECTED: dict[str, str] = {
    "osc0": "\x1b]0;PWNED",
    "osc2": "\x1b]2;PWNED",
    "osc8": "\x1b]8;;http://evil",
    "osc52": "\x1b]52;c;UFdORUQ",
    "dcs": "\x1bP1$q",
    "csi-clear": "\x1b[2JPWNED",
    "csi-colour": "\x1b[31mPWNED",
    "csi-home": "\x1b[HPWNED",
    "bell": "\x07PWNED",
}
"""What must never appear in the terminal's input (decoded as UTF-8)."""

C1_CONTROLS = frozenset(chr(code) for code in range(0x80, 0xA0))
"""8-bit controls: some terminals act on them; Textual itself never writes one."""

ODD: dict[str, str] = {
    "emoji": "🎬 👩‍👩‍👧‍👦 🏳️‍🌈 ❤️",
    "cjk": "映画の批評：とても良い。电影评论。영화 리뷰",
    "rtl": "مراجعة فيلم — ביקורת סרט",
    "bidi-override": "abc\u202edcba\u202c \u2066x\u2069",
    "combining": "e\u0301\u0302\u0303\u0304 Z\u0351\u0352\u0353\u0354\u0355\u0356alg\u0357o",
    "zero-width": "a\u200bb\u200cc\u200dd\ufeffe\u2060f",
    "long-word": "x" * 5000,
    "wide-long-word": "漢" * 3000,
    "tabs": "col\tcol\t\tcol",
    "blank-lines": "\n\n\n  \n\t\n",
}
"""Text that is legitimate but hard to lay out."""

MARKDOWN: dict[str, str] = {
    "html-block": "<script>alert('PWNED-html')</script>",
    "html-inline": "a <img src=x onerror=alert(1)> b <a href='javascript:alert(1)'>c</a>",
    "js-link": "[click](javascript:alert('PWNED'))",
    "file-link": "[passwd](file:///etc/passwd)",
    "data-link": "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "image": "![a film still](http://evil.example/still.png)",
    "good-link": "[the site](https://films.example/review)",
    "autolink": "<https://auto.example/x>",
}
"""Markdown that must show as text: no HTML interpreted, links shown, images as alt."""

SURROGATE_JSON = '"bad \\ud800 surrogate \\udfff end"'
"""A JSON string holding lone surrogates (a legal escape, not legal text)."""
INVALID_UTF8 = b"caf\xc3 na\xefve \xff\xfe bytes \xed\xa0\x80"
"""Bytes that are not UTF-8 (a cut sequence, stray bytes, an encoded surrogate)."""


def every_piece() -> dict[str, str]:
    """Every hostile string by name."""
    return {**MARKUP, **ESCAPES, **ODD, **MARKDOWN}


def hostile_line() -> str:
    """One short line holding every markup fragment and escape sequence."""
    return " | ".join([*MARKUP.values(), *ESCAPES.values()])


def hostile_reviews() -> list[ParsedReview]:
    """Reviews whose every field is hostile, with a thread of hostile comments."""
    pieces = every_piece()
    comments = tuple(
        ParsedComment(
            author=f"{name} {text[:40]}",
            date=None,
            body=text,
            source_id=f"hostile:{name}",
            replies=(
                ParsedComment(
                    "[/] \x1b]0;PWNED-author\x07", None, f"re: {text}", source_id=f"re:{name}"
                ),
            ),
        )
        for name, text in pieces.items()
    )
    body = "\n\n".join(f"## {name}\n\n{text}" for name, text in pieces.items())
    return [
        ParsedReview(
            title="[/] \x1b]0;PWNED-title\x07 [@click=app.quit]x[/] $accent",
            date="2020-02-02",
            body=body,
            author="[bold]\x9b2J critic",
            tags=("[/]", "\x1b[2J", "$accent"),
            film="\x1b]8;;http://evil.example/\x1b\\Film\x1b]8;;\x1b\\",
            year=2020,
            director="[/bold] \x90dcs\x9c",
            rating=4.0,
            source="test",
            source_id="hostile:1",
            comments=comments,
        ),
        ParsedReview(
            title="Odd text: " + ODD["cjk"] + " " + ODD["rtl"] + " " + ODD["emoji"],
            date="2020-01-01",
            body="\n\n".join(ODD.values()),
            author=ODD["combining"],
            tags=("映画", "🎬"),
            source="test",
            source_id="hostile:2",
            comments=(ParsedComment(ODD["zero-width"], None, ODD["long-word"], "odd:1"),),
        ),
    ]


def poison_database(path: Path) -> None:
    """Write raw hostile text into a database the Store made, bypassing its cleaning.

    Review 1 gets every escape in its title, byline and body; each of its comments
    gets raw escapes in author and body. The layout is the store's own.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = " ".join(ESCAPES.values())
    review = data["reviews"]["1"]
    review["title"] = "\x1b]0;PWNED-title\x07 " + MARKUP["click"] + " raw"
    review["author"] = "\x9b2J\x1b]2;PWNED-title2\x07 critic"
    review["film"] = ESCAPES["osc8-link"]
    review["tags"] = ["\x1b[2JPWNED-clear", "[/]"]
    review["body"] = "\n\n".join([raw, *ESCAPES.values(), *MARKUP.values(), review["body"]])
    for key, comment in data["comments"].items():
        if comment["review_id"] != 1:
            continue
        name = list(ESCAPES)[int(key) % len(ESCAPES)]
        comment["author"] = ESCAPES[name] + " author"
        comment["body"] = ESCAPES[name] + "\n" + comment["body"] + "\n" + raw
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
