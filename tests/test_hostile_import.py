"""Hostile files through the importers, the store and the command line: text comes out clean."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from hostile_corpus import (
    C1_CONTROLS,
    ESCAPES,
    INVALID_UTF8,
    MARKUP,
    SURROGATE_JSON,
    hostile_reviews,
)

from tui.cli import main
from tui.importers import ImportFailed, load_path
from tui.model import ParsedComment, ParsedReview
from tui.store import Store
from tui.text import is_clean


def strings(value: object) -> Iterator[str]:
    """Every string held by a parsed review or comment, nested ones included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, ParsedReview | ParsedComment):
        for field in fields(value):
            yield from strings(getattr(value, field.name))


def hostile_export(tmp_path: Path) -> dict[str, object]:
    """Our JSON export of the hostile reviews, with raw escapes put back into every text."""
    store = Store(tmp_path / "source.json", seed=hostile_reviews)
    try:
        data = store.export()
    finally:
        store.close()
    for review in data["reviews"]:
        review["title"] = ESCAPES["osc0-title"] + review["title"]
        review["body"] = "\n".join(ESCAPES.values()) + review["body"]
        review["tags"] = [*review["tags"], ESCAPES["c1-csi"]]
        for comment in review["comments"]:
            comment["author"] = ESCAPES["osc52-clipboard"] + comment["author"]
            comment["body"] = ESCAPES["dcs"] + comment["body"]
    return data


def test_a_json_export_full_of_escapes_imports_clean(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(hostile_export(tmp_path), ensure_ascii=True), encoding="utf-8")
    parsed = load_path(source)
    assert parsed and all(is_clean(text) for text in strings(parsed))
    store = Store(tmp_path / "db.json")
    try:
        store.import_reviews(parsed)
        reviews = store.reviews()
        comments = [c for r in reviews for c in store.comments(r.id)]
    finally:
        store.close()
    texts = [r.title for r in reviews] + [r.body for r in reviews] + [r.author for r in reviews]
    texts += [tag for r in reviews for tag in r.tags]
    texts += [c.body for c in comments] + [c.author for c in comments]
    assert all(is_clean(text) for text in texts)
    assert any("␛]0;PWNED-title␇" in title for title in texts)
    assert any(MARKUP["click"] in body for body in texts)  # markup is kept as the text it is


def test_lone_surrogates_in_json_are_refused_or_replaced(tmp_path: Path) -> None:
    text = json.dumps(hostile_export(tmp_path), ensure_ascii=True)
    text = text.replace('"body": "', f'"body": {SURROGATE_JSON[:-1]} ', 1)
    source = tmp_path / "surrogates.json"
    source.write_text(text, encoding="utf-8")
    try:
        parsed = load_path(source)
    except ImportFailed as error:
        assert is_clean(str(error)) and "surrogates.json" in str(error)
    else:
        assert all(is_clean(t) for t in strings(parsed))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("seed.txt", b"Thursday, 6 March 2014\n\n" + INVALID_UTF8 + b"\n\n  1. a comment\n"),
        ("post.md", b"---\ntitle: " + INVALID_UTF8 + b"\ndate: 2020-01-01\n---\nbody\n"),
        (
            "feed.xml",
            b"<?xml version='1.0' encoding='utf-8'?><rss><channel><item><title>"
            + INVALID_UTF8
            + b"</title></item></channel></rss>",
        ),
        ("export.json", b'{"reviews": [{"title": "' + INVALID_UTF8 + b'", "body": "x"}]}'),
    ],
)
def test_invalid_utf8_is_refused_or_replaced(tmp_path: Path, name: str, content: bytes) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    try:
        parsed = load_path(source)
    except ImportFailed as error:
        assert is_clean(str(error))
    else:
        assert all(is_clean(t) for t in strings(parsed))


def test_command_line_messages_are_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ("evil" + ESCAPES["osc0-title"] + "\x9b2J")
    folder.mkdir()
    bad = folder / ("bad" + ESCAPES["osc52-clipboard"] + ".txt")
    bad.write_bytes(b"Thursday, 6 March 2014\n\n" + INVALID_UTF8 + b"\n")
    db = folder / "db.json"
    assert main(["--db", str(db), "import", str(bad)]) == 1
    assert main(["--db", str(db), "where"]) == 0
    assert main(["--db", str(folder / "missing" / "x.json"), "restore", "3"]) == 1
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream
        assert not set(stream) & C1_CONTROLS
    assert "skipped bad␛]52;c;UFdORUQ=␇.txt" in err
    assert "evil␛]0;PWNED-title␇" in out
