"""Exports read back: JSON and Markdown folders give the same reviews and threads."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from cpu_audit import over_budget

from tui.exporters import file_name, nest_limited, to_json, to_markdown_folder
from tui.importers import iter_sources, load_path
from tui.importers.json_export import NESTING_LIMIT
from tui.model import ParsedComment, ParsedReview

SAMPLES = Path(__file__).parent.parent / "data" / "samples"


def export_of(reviews: list[ParsedReview]) -> dict[str, Any]:
    """What ``Store.export`` returns for these reviews: ids, filled identities, nested
    comments with ``edited``/``deleted``. Built with a stack: threads may be deep."""
    out = []
    next_comment = 1
    for number, review in enumerate(reviews, start=1):
        comments: list[dict[str, Any]] = []
        stack: list[tuple[ParsedComment, list[dict[str, Any]], str]] = [
            (c, comments, review.source_id or "") for c in reversed(review.comments)
        ]
        while stack:
            comment, target, parent = stack.pop()
            identity = (
                comment.source_id
                or "hash:"
                + hashlib.sha256(
                    f"{parent}|{comment.author}|{comment.date}|{comment.body}".encode()
                ).hexdigest()[:16]
            )
            replies: list[dict[str, Any]] = []
            target.append(
                {
                    "id": next_comment,
                    "author": comment.author,
                    "date": comment.date,
                    "body": comment.body,
                    "local": comment.local,
                    "source_id": identity,
                    "edited": None,
                    "deleted": None,
                    "replies": replies,
                }
            )
            next_comment += 1
            stack.extend((r, replies, identity) for r in reversed(comment.replies))
        out.append(
            {
                "id": number,
                "title": review.title,
                "date": review.date,
                "author": review.author,
                "body": review.body,
                "tags": list(review.tags),
                "film": review.film,
                "year": review.year,
                "director": review.director,
                "rating": review.rating,
                "source": review.source,
                "source_id": review.source_id or f"hash:{number}",
                "comments": comments,
            }
        )
    return {"reviews": out}


def shape(review: ParsedReview) -> tuple[Any, ...]:
    """Everything but the identities a store fills in."""

    def thread(comments: tuple[ParsedComment, ...]) -> list[Any]:
        return [(c.author, c.date, c.body, c.local, thread(c.replies)) for c in comments]

    return (
        review.title,
        review.date,
        review.body,
        review.author,
        review.tags,
        review.film,
        review.year,
        review.director,
        review.rating,
        review.source,
        thread(review.comments),
    )


def all_samples() -> list[ParsedReview]:
    reviews: list[ParsedReview] = []
    for path in iter_sources([SAMPLES]):
        reviews.extend(load_path(path))
    return reviews


def test_samples_round_trip_through_json_and_markdown(tmp_path: Path) -> None:
    parsed = all_samples()
    assert len(parsed) >= 10
    export = export_of(parsed)

    from_json = load_path(_write(tmp_path / "export.json", to_json(export)))
    written = to_markdown_folder(export, tmp_path / "md")
    from_markdown = [r for path in written for r in load_path(path)]

    assert from_markdown == from_json  # identical, identities included
    assert [shape(r) for r in from_json] == [shape(r) for r in parsed]
    for before, after in zip(parsed, from_json, strict=True):
        assert after.source_id == (before.source_id or after.source_id)


def test_the_seed_round_trips(tmp_path: Path) -> None:
    [seed] = load_path(Path(__file__).parent.parent / "seeds" / "000_be53c1186d4633ab.txt")
    [path] = to_markdown_folder(export_of([seed]), tmp_path)
    [back] = load_path(path)
    assert shape(back) == shape(seed)
    assert back.source_id == seed.source_id and back.source == "seed"
    assert path.name == "her-1.md"


def test_markdown_files_are_readable(tmp_path: Path) -> None:
    reviews = load_path(SAMPLES / "export.json")
    [moon, _amelie] = to_markdown_folder(export_of(reviews), tmp_path)
    text = moon.read_text(encoding="utf-8")
    assert moon.name == "moon-1.md"
    assert text.startswith("---\ntitle: Moon\ndate: '2009-07-20'\nauthor: Anonymous\n")
    assert "director: Duncan Jones\n" in text and "rating:" not in text  # no empty keys
    assert "comments:\n- author: Anonymous\n" in text
    assert "  replies:\n  - author: me\n" in text
    assert text.endswith(
        "---\n\nSam Bell (Sam Rockwell) is three weeks from the end of a three-year contract, "
        "alone on the far side of the Moon.\n\nMoon is a small film with a big idea, and "
        "Rockwell plays both halves of it.\n"
    )


def test_deleted_replies_travel_as_tombstones(tmp_path: Path) -> None:
    export = orjson.loads((SAMPLES / "export.json").read_bytes())
    written = to_markdown_folder(export, tmp_path)
    text = "".join(p.read_text(encoding="utf-8") for p in written)
    assert "deleted: '2024-05-01T20:17:00+01:00'" in text
    assert [r for p in written for r in load_path(p)] == load_path(SAMPLES / "export.json")


@pytest.mark.parametrize(
    "title",
    ["yes", "null", "- item", "key: value", "---", "'quoted' \"both\"", "#hash", "12", "~"],
)
def test_yaml_lookalike_text_survives(tmp_path: Path, title: str) -> None:
    review = ParsedReview(
        title=title,
        date="2014-03-06",
        body="---\nnot front matter\n---\n\n  indented line  \nend",
        source="json",
        source_id="x:1",
        comments=(ParsedComment("no", "2014-03-07", "true\n\n---", source_id="c:1"),),
    )
    [path] = to_markdown_folder(export_of([review]), tmp_path)
    [back] = load_path(path)
    assert shape(back) == shape(review)
    assert back.comments[0].body == "true\n\n---"


@over_budget
def test_deep_threads_round_trip(tmp_path: Path) -> None:
    depth = NESTING_LIMIT * 3 + 5
    node = ParsedComment("a", None, f"level {depth - 1}", source_id=f"c:{depth - 1}")
    for level in range(depth - 2, -1, -1):
        node = ParsedComment("a", None, f"level {level}", source_id=f"c:{level}", replies=(node,))
    review = ParsedReview(
        "Deep", "2014-03-06", "Body", source="json", source_id="r:1", comments=(node,)
    )
    export = export_of([review])
    from_json = load_path(_write(tmp_path / "deep.json", to_json(export)))
    [path] = to_markdown_folder(export, tmp_path / "md")
    assert load_path(path) == from_json == [review]


def test_nest_limited_lists_deep_replies_flat() -> None:
    deep = [{"source_id": "a", "replies": [{"source_id": "b", "replies": [{"source_id": "c"}]}]}]
    assert nest_limited(deep, 1, empty_replies=False) == [
        {"source_id": "a"},
        {"source_id": "b", "reply_to": "a"},
        {"source_id": "c", "reply_to": "b"},
    ]
    assert nest_limited(deep, 2) == [
        {
            "source_id": "a",
            "replies": [
                {"source_id": "b", "replies": []},
                {"source_id": "c", "reply_to": "b", "replies": []},
            ],
        }
    ]


def test_file_names_are_safe_and_unique(tmp_path: Path) -> None:
    hostile = {"title": "../../etc/passwd\x1b[2J\n", "id": "../x"}
    assert file_name(hostile, 7) == "etc-passwd-2j-x.md"
    assert file_name({"title": "Amélie", "id": 3}, 1) == "amelie-3.md"
    assert file_name({"title": "千と千尋", "id": None}, 4) == "review-4.md"
    export = {"reviews": [{**_minimal(), "title": "Same"}, {**_minimal(), "title": "Same"}]}
    written = to_markdown_folder(export, tmp_path / "out")
    assert [p.name for p in written] == ["same-1.md", "same-1-2.md"]
    assert all(p.parent == tmp_path / "out" for p in written)


def test_to_json_is_indented_utf8() -> None:
    export = {"reviews": [{**_minimal(), "title": "Amélie"}]}
    payload = to_json(export)
    assert payload.startswith(b'{\n  "reviews": [')
    assert "Amélie".encode() in payload
    assert orjson.loads(payload) == {"reviews": [{**_minimal(), "title": "Amélie", "comments": []}]}


def _minimal() -> dict[str, Any]:
    return {
        "id": 1,
        "title": "T",
        "date": "2014-03-06",
        "body": "B",
        "source": "json",
        "source_id": "x",
    }


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
