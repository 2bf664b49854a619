"""Disqus exports: comments join the review whose permalink matches their thread."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run_in_process

from tui.importers import ImportFailed, detect_format, load_path
from tui.model import ParsedReview
from tui.store import Store
from tui.store.permalinks import permalink_key

DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>matinee</forum><title>General</title></category>
  <thread dsq:id="10"><forum>matinee</forum>
    <link>https://www.matinee.example/2014/her/?utm=rss#disqus</link>
    <title>Her</title><createdAt>2014-03-06T20:00:00Z</createdAt></thread>
  <thread dsq:id="11"><link>http://matinee.example/2015/ex-machina</link>
    <title>Ex Machina</title></thread>
  <thread dsq:id="12"><link>http://matinee.example/empty</link>
    <title>Nobody said anything</title></thread>
  <post dsq:id="100"><message><![CDATA[<p>Lovely <b>review</b>.</p>]]></message>
    <createdAt>2014-03-07T10:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Sam</name></author><thread dsq:id="10"/></post>
  <post dsq:id="101"><message>Thank you!</message>
    <createdAt>2014-03-07T11:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Ann</name></author><thread dsq:id="10"/><parent dsq:id="100"/></post>
  <post dsq:id="102"><message>removed</message><isDeleted>true</isDeleted><isSpam>false</isSpam>
    <author><name>X</name></author><thread dsq:id="10"/></post>
  <post dsq:id="103"><message>buy pills</message><isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><name>Spam</name></author><thread dsq:id="10"/></post>
  <post dsq:id="104"><message>Cold film.</message><createdAt>2015-05-01T08:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Lee</name></author><thread dsq:id="11"/></post>
  <post dsq:id="105"><message>Where am I?</message>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Lost</name></author><thread dsq:id="999"/></post>
</disqus>
"""


def blog_review() -> ParsedReview:
    return ParsedReview(
        title="Her",
        date="2014-03-06",
        body="A letter writer.",
        source="wordpress",
        source_id="wordpress:https://matinee.example/?p=1",
        url="http://matinee.example/2014/her",
    )


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.org/a/b/?x=1#c", "example.org/a/b"),
        ("http://example.org/a/b", "example.org/a/b"),
        ("example.org/a/b/", "example.org/a/b"),
        ("http://example.org:8080/a", "example.org:8080/a"),
        ("", ""),
        ("not a url", ""),
    ],
)
def test_permalinks_are_compared_without_scheme_www_slash_query_or_fragment(
    url: str, key: str
) -> None:
    assert permalink_key(url) == key


def test_threads_with_comments_are_read_deleted_and_spam_skipped(tmp_path: Path) -> None:
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS, encoding="utf-8")
    assert detect_format(path) == "disqus"
    threads = {t.title: t for t in load_path(path)}
    assert set(threads) == {"Her", "Ex Machina", "Disqus thread 999"}
    her = threads["Her"]
    assert her.source == "disqus"
    (first,) = her.comments
    assert (first.author, first.body) == ("Sam", "Lovely **review**.")
    assert first.source_id == "disqus:100"
    assert [(r.author, r.body) for r in first.replies] == [("Ann", "Thank you!")]


def test_comments_join_the_review_with_the_same_permalink(tmp_path: Path) -> None:
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS, encoding="utf-8")
    store = Store(tmp_path / "db.json")
    store.import_reviews([blog_review()])
    report = store.import_reviews(load_path(path))
    assert (report.added_reviews, report.added_comments) == (0, 2)
    assert sorted(report.orphans) == [
        ("Disqus thread 999 (no link)", 1),
        ("http://matinee.example/2015/ex-machina", 1),
    ]
    (review,) = store.reviews()
    comments = store.comments(review.id)
    assert [(c.author, c.parent_id is None) for c in comments] == [("Sam", True), ("Ann", False)]
    again = store.import_reviews(load_path(path))
    assert (again.added_reviews, again.added_comments, again.unchanged_comments) == (0, 0, 2)
    store.close()


def test_the_blog_and_its_disqus_export_in_one_import(tmp_path: Path) -> None:
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS, encoding="utf-8")
    store = Store(tmp_path / "db.json")
    report = store.import_reviews([*load_path(path), blog_review()])
    assert (report.added_reviews, report.added_comments, len(report.orphans)) == (1, 2, 2)
    store.close()


def test_orphans_can_be_kept_as_reviews_of_their_own(tmp_path: Path) -> None:
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS, encoding="utf-8")
    store = Store(tmp_path / "db.json")
    store.import_reviews([blog_review()])
    report = store.import_reviews(load_path(path), keep_orphans=True)
    assert (report.added_reviews, report.added_comments, report.orphans) == (2, 4, ())
    kept = {r.title: r for r in store.reviews()}
    assert kept["Ex Machina"].url == "http://matinee.example/2015/ex-machina"
    assert kept["Ex Machina"].comment_count == 1
    again = store.import_reviews(load_path(path), keep_orphans=True)
    assert (again.added_reviews, again.added_comments) == (0, 0)
    store.close()


def test_an_export_of_empty_threads_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="1"><link>http://x.example/</link></thread></disqus>',
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match=r"^empty\.xml: no comments to import"):
        load_path(path)


def test_cli_reports_orphans_and_keeps_them_when_asked(tmp_path: Path) -> None:
    disqus = tmp_path / "disqus.xml"
    disqus.write_text(DISQUS, encoding="utf-8")
    blog = tmp_path / "her.md"
    blog.write_text(
        "---\ntitle: Her\ndate: 2014-03-06\nurl: https://matinee.example/2014/her/\n---\nText.\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.json"
    done = run_in_process("import", "--db", str(db), str(blog), str(disqus))
    assert done.returncode == 0, done.stderr
    orphan_lines = [line for line in done.stderr.splitlines() if "no review has" in line]
    assert len(orphan_lines) == 2
    assert any("http://matinee.example/2015/ex-machina: its 1 comment" in x for x in orphan_lines)
    assert "comments: 2 added" in done.stdout
    kept = run_in_process("import", "--db", str(db), "--keep-orphans", str(disqus))
    assert kept.returncode == 0, kept.stderr
    assert "reviews: 2 added" in kept.stdout and "no review has" not in kept.stderr
    exported = json.loads(run_in_process("export", "--db", str(db)).stdout)
    urls = {r["title"]: r["url"] for r in exported["reviews"]}
    assert urls["Her"] == "https://matinee.example/2014/her/"
