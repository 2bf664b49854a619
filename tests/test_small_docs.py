"""Documents rebuilt as key-sharing dicts: equal, same order and JSON, less memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from tui.store.packed import json_default, pack, unpack
from tui.store.small_docs import small_comment_doc, small_review_doc

LONG = "Luminous, familiar: a scene of silence — 日本, émigré, 🎬.\n\n" * 40

REVIEW_JSON = (
    b'{"title":"Her","date":"2014-03-06","author":"Ann","body":"Text","tags":["a"],'
    b'"film":null,"year":2013,"director":null,"rating":4,"source":"feed",'
    b'"source_id":"feed:1","url":"http://x/1"}'
)


COMMENT_JSON = (
    b'{"review_id":1,"parent_id":null,"author":"Ann","date":"2014-03-06T10:00:00+00:00",'
    b'"body":"Nice.","local":false,"source_id":"c:1","edited":null,"deleted":null}'
)


def traced(make: Callable[[], Any]) -> int:
    """Bytes held by what ``make`` returns, as tracemalloc counts them."""
    tracemalloc.start()
    try:
        kept = make()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    return held


@pytest.mark.parametrize(
    ("raw", "small_doc"), [(REVIEW_JSON, small_review_doc), (COMMENT_JSON, small_comment_doc)]
)
def test_small_docs_are_the_same_documents_in_less_room(
    raw: bytes, small_doc: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    doc = orjson.loads(raw)
    small = small_doc(doc)
    assert type(small) is dict
    assert small == doc
    assert list(small) == list(doc)
    assert orjson.dumps(small) == raw
    shuffled = dict(reversed(list(doc.items())))
    assert list(small_doc(shuffled)) == list(shuffled)  # its own key order
    small_bytes = traced(lambda: [small_doc(orjson.loads(raw)) for _ in range(1000)])
    plain_bytes = traced(lambda: [orjson.loads(raw) for _ in range(1000)])
    assert small_bytes < plain_bytes * 0.8


def test_comment_authors_are_shared() -> None:
    first, second = (small_comment_doc(orjson.loads(COMMENT_JSON)) for _ in range(2))
    assert first["author"] is second["author"]


def test_a_small_review_doc_takes_changes_like_any_dict() -> None:
    small = small_review_doc(orjson.loads(REVIEW_JSON))
    small["body"] = pack(LONG)
    small["extra"] = {"kept": True}
    del small["film"]
    assert unpack(small["body"]) == LONG
    assert list(small)[-1] == "extra"
    assert "film" not in small
    assert orjson.loads(orjson.dumps(small, default=json_default))["body"] == LONG


def test_a_hand_edited_doc_is_copied_plainly() -> None:
    odd = {"title": "T", "date": "2020", "body": "B", "__class__": "x", "__dict__": 1}
    for small_doc in (small_review_doc, small_comment_doc):
        copy = small_doc(odd)
        assert copy == odd
        assert copy is not odd
        assert list(copy) == list(odd)
