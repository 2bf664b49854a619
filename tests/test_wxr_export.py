"""``reviews export --format wordpress``: a WXR 1.2 file our importer reads back identically.

"Identically" is defined in ``wxr_compare``: every review field and every comment's
author, date, text, threading and ownership. The file itself is checked as XML 1.0
(stdlib parser, no raw control characters, CDATA never cut short) and arbitrary text
in titles, bodies and names is pushed through it by Hypothesis.
"""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_in_process, run_reviews
from cpu_audit import over_budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_counts import examples
from wxr_data import ME, comparable_reviews, rich_reviews, store_with_replies

from tui.exporters.wordpress import cdata, to_wxr, wordpress_dates, xml_text
from tui.importers import load_bytes, load_path
from tui.model import ParsedComment
from tui.store import Store
from tui.store.sources import SourceUpdate
from tui.text import clean, one_line

WP = "{http://wordpress.org/export/1.2/}"


def test_round_trip_gives_the_same_reviews(tmp_path: Path) -> None:
    source = store_with_replies(tmp_path / "a.json")
    exported = source.export()
    wxr = to_wxr(exported, author=ME)
    copy = Store(tmp_path / "b.json")
    copy.import_reviews(load_bytes(wxr, "export.xml", "wordpress"))
    expected = comparable_reviews(exported, author=ME)
    assert comparable_reviews(copy.export()) == expected
    # What is compared is really there: the deleted reply's reply hangs from its grandparent.
    her = next(r for r in expected if r["title"] == "Her")
    rows = {row[4]: row for row in her["comments"]}
    assert "I will delete this" not in rows
    assert rows["A reply under the deleted one"][1] == rows["My first reply, edited ]]> <b>"][0]
    assert rows["My first reply, edited ]]> <b>"][2] == ME  # the configured author
    assert all(row[5] for row in her["comments"] if row[4].startswith(("My", "A reply")))
    tom = next(r for r in expected if r["source"] == "blogger")
    assert len(tom["comments"]) == 32 and tom["date"] == "2021-05-01T21:30:00+02:00"
    source.close()
    copy.close()


def test_importing_the_export_into_its_own_database_changes_nothing(tmp_path: Path) -> None:
    store = store_with_replies(tmp_path / "a.json")
    before = store.export()
    report = store.import_reviews(load_bytes(to_wxr(before, author=ME), "x.xml", "wordpress"))
    assert (report.added_reviews, report.added_comments, report.updated_reviews) == (0, 0, 0)
    assert store.export() == before
    store.close()


def test_the_file_is_wxr_1_2_as_wordpress_writes_it(tmp_path: Path) -> None:
    store = store_with_replies(tmp_path / "a.json")
    root = ET.fromstring(to_wxr(store.export(), author=ME, site="https://blog.example/"))
    store.close()
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert channel.findtext(f"{WP}base_site_url") == "https://blog.example"
    items = channel.findall("item")
    assert len(items) == 4
    for item in items:
        assert item.findtext(f"{WP}post_type") == "post"
        assert item.findtext(f"{WP}status") == "publish"
        ids = {c.findtext(f"{WP}comment_id") for c in item.findall(f"{WP}comment")}
        for comment in item.findall(f"{WP}comment"):
            assert comment.findtext(f"{WP}comment_approved") == "1"
            parent = comment.findtext(f"{WP}comment_parent")
            assert parent == "0" or parent in ids  # threaded under an exported comment
    her = next(i for i in items if i.findtext("title") == "Her")
    content = her.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    assert "<em>love</em>" in content  # the Markdown rendered as HTML for the blog
    tom = next(i for i in items if "Tom" in (i.findtext("title") or ""))
    body = tom.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    assert "<script>" not in body and "&lt;script&gt;" in body  # raw HTML stays text
    assert tom.findtext(f"{WP}post_date") == "2021-05-01 21:30:00"
    assert tom.findtext(f"{WP}post_date_gmt") == "2021-05-01 19:30:00"
    assert [c.text for c in tom.findall("category")] == ["Animation", "café", "C++"]


def test_dates_as_wordpress_keeps_them() -> None:
    assert wordpress_dates("2014-03-06") == (
        "2014-03-06 00:00:00",
        "2014-03-06 00:00:00",
        "Thu, 06 Mar 2014 00:00:00 +0000",
    )
    assert wordpress_dates("2020-01-01T01:00:00+03:00")[:2] == (
        "2020-01-01 01:00:00",
        "2019-12-31 22:00:00",
    )
    assert wordpress_dates(None) == ("0000-00-00 00:00:00", "0000-00-00 00:00:00", "")
    assert wordpress_dates("sexta, 3 de maio")[2] == ""


def test_cdata_is_split_on_its_end_marker_and_holds_no_raw_controls() -> None:
    text = "a]]>b]]]]>c\x00\x1b[31m\x85\ufffe\ud800"
    wrapped = cdata(text)
    assert wrapped.count("<![CDATA[") == 3  # two "]]>": three sections
    element = ET.fromstring(f"<x>{wrapped}</x>")
    assert element.text == xml_text(text) == "a]]>b]]]]>c␀␛[31m\ufffd\ufffd\ufffd"


# --- arbitrary text ------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=80) | st.sampled_from(
    [
        "]]>",
        "<![CDATA[x]]>",
        "Uncategorized",
        "&amp;",
        "<b>x</b>",
        "\r\n",
        "\\",
        "\x00",
        "\ufffe",
        "[bold]",
    ]
)


def _expected_line(text: str, empty: str) -> str:
    return one_line(xml_text(text)) or empty


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, body=TEXT, author=TEXT, commenter=TEXT, comment=TEXT, tag=TEXT)
def test_arbitrary_text_round_trips(
    title: str, body: str, author: str, commenter: str, comment: str, tag: str
) -> None:
    export: dict[str, Any] = {
        "reviews": [
            {
                "id": 1,
                "title": title,
                "date": "2020-02-02",
                "author": author,
                "body": body,
                "tags": [tag],
                "source": "test",
                "source_id": "test:1",
                "comments": [
                    {
                        "id": 7,
                        "author": commenter,
                        "date": None,
                        "body": comment,
                        "local": False,
                        "source_id": "test:c",
                        "replies": [
                            {"id": 8, "author": "x", "date": None, "body": "mine", "local": True}
                            | {"source_id": "local:1", "replies": []}
                        ],
                    }
                ],
            }
        ]
    }
    wxr = to_wxr(export, author=author)
    assert not any(b < 0x20 and b not in b"\t\n" for b in wxr)  # no raw control bytes
    (review,) = load_bytes(wxr, "x.xml", "wordpress")
    assert review.title == _expected_line(title, "Untitled review")
    assert review.author == _expected_line(author, "Anonymous")
    assert review.body == xml_text(body)
    expected_tag = _expected_line(tag, "")
    assert review.tags == ((expected_tag,) if expected_tag else ())
    top = review.comments
    if xml_text(comment):
        (first,) = top
        assert first.author == _expected_line(commenter, "Anonymous")
        assert first.body == clean(xml_text(comment))
        assert [r.author for r in first.replies] == [_expected_line(author, "Anonymous")]
    else:  # a comment with no text is not a comment: its reply moves up, never lost
        assert [c.body for c in top] == ["mine"]


# --- the command ---------------------------------------------------------------------------


@over_budget
def test_cli_writes_a_private_file_that_imports_back(tmp_path: Path) -> None:
    db = Path(os.environ["REVIEWS_DB"])
    store_with_replies(db).close()
    out = tmp_path / "blog.xml"
    done = run_reviews("export", "--format", "wordpress", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"wrote 4 reviews to {out} (WordPress WXR)"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [r.title for r in load_path(out)][:1] == ["Her"]  # detected as WordPress
    again = run_in_process("import", str(out))  # the export above is the child
    assert again.returncode == 0, again.stderr
    store = Store(db)
    assert len(store.export()["reviews"]) == 4  # nothing doubled
    store.close()


def test_cli_exports_one_followed_source(tmp_path: Path) -> None:
    db = Path(os.environ["REVIEWS_DB"])
    store = store_with_replies(db)
    source = store.add_source("feed", "https://blog.example/feed", title="Blog", site="")
    posts = {"test:her": {}, "t:undated": {}}
    store.apply_sync([], [SourceUpdate(source.id, {"state": {"posts": posts}})])
    store.close()
    out = tmp_path / "one.xml"
    done = run_in_process(
        "export", "--format", "wordpress", "--source", str(source.id), "--output", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert sorted(r.title for r in load_path(out)) == ["Her", "Undated"]
    missing = run_in_process("export", "--format", "wordpress", "--source", "nope", "-o", str(out))
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and missing.stderr.startswith("reviews: ")
    assert "nope" in missing.stderr and "Traceback" not in missing.stderr
    wrong = run_in_process("export", "--source", "1")
    assert wrong.returncode == 1 and "--source" in wrong.stderr


def test_cli_refuses_an_unwritable_output_in_one_line(tmp_path: Path) -> None:
    Store(Path(os.environ["REVIEWS_DB"]), seed=rich_reviews).close()
    target = tmp_path / "no-such-folder" / "x.xml"
    done = run_in_process("export", "--format", "wordpress", "--output", str(target))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "x.xml" in done.stderr, done.stderr
    assert not target.exists()


@pytest.mark.parametrize("fmt", ["wordpress"])
def test_cli_writes_to_stdout_without_output(fmt: str) -> None:
    Store(Path(os.environ["REVIEWS_DB"]), seed=rich_reviews).close()
    done = run_in_process("export", "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert len(load_bytes(done.stdout.encode(), "stdout", "wordpress")) == 4


@over_budget
def test_a_thread_deeper_than_the_recursion_limit_keeps_every_parent() -> None:
    depth = 5000
    node: dict[str, Any] = {}
    top = node
    for level in range(1, depth + 1):
        node.update(id=level, author=f"R{level}", date=None, body=f"level {level}")
        node.update(local=False, source_id=f"t:{level}", replies=[])
        if level < depth:
            child: dict[str, Any] = {}
            node["replies"].append(child)
            node = child
    export = {"reviews": [{"id": 1, "title": "Deep", "date": "2020-01-01", "author": "A"}]}
    export["reviews"][0] |= {"body": "x", "source_id": "t:deep", "comments": [top]}
    (review,) = load_bytes(to_wxr(export, author=ME), "deep.xml", "wordpress")
    rows = comparable_reviews({"reviews": [{**export["reviews"][0], "comments": [top]}]})
    copy = {
        "reviews": [
            {
                "title": review.title,
                "source_id": review.source_id,
                "comments": [_as_mapping(c) for c in review.comments],
            }
        ]
    }
    assert comparable_reviews(copy)[0]["comments"] == rows[0]["comments"]
    assert len(rows[0]["comments"]) == depth


def _as_mapping(comment: ParsedComment) -> dict[str, Any]:
    """A parsed comment tree as export mappings, built with a stack (it may be deep)."""
    out: dict[str, Any] = {}
    stack = [(comment, out)]
    while stack:
        node, target = stack.pop()
        target.update(author=node.author, date=node.date, body=node.body, local=node.local)
        target.update(source_id=node.source_id, url=node.url, replies=[])
        for reply in node.replies:
            child: dict[str, Any] = {}
            target["replies"].append(child)
            stack.append((reply, child))
    return out


def test_authors_whose_logins_would_clash_keep_their_names() -> None:
    names = ["Zoë", "Zoe", "zoe", "李", "Ana María", ""]
    export = {
        "reviews": [
            {"id": n, "title": f"T{n}", "date": "2020-01-01", "author": name, "body": "b"}
            | {"source_id": f"t:{n}", "comments": []}
            for n, name in enumerate(names, start=1)
        ]
    }
    root = ET.fromstring(to_wxr(export, author=ME))
    logins = [a.findtext(f"{WP}author_login") for a in root.iter(f"{WP}author")]
    assert len(logins) == len(set(logins)) == 6 and all(logins)
    parsed = load_bytes(to_wxr(export, author=ME), "a.xml", "wordpress")
    assert [r.author for r in parsed] == ["Zoë", "Zoe", "zoe", "李", "Ana María", "Anonymous"]


def test_an_empty_database_gives_an_empty_but_valid_file() -> None:
    wxr = to_wxr({"reviews": []}, author=ME)
    assert ET.fromstring(wxr).findtext(f"channel/{WP}wxr_version") == "1.2"
    assert load_bytes(wxr, "empty.xml", "wordpress") == []
