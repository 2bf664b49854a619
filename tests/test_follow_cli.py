"""`reviews follow / sources / unfollow / sync / keep`, OPML in and out, and `import URL`,
run as a user runs them (a child process) against the local fixture blog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from blog_server import BlogServer, FixtureBlog
from cli_runner import run_in_process

from tui.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def _db() -> Path:
    return Path(os.environ["REVIEWS_DB"])


@pytest.mark.slow  # a child per command (~2 s of CPU): the rest run in-process
def test_follow_a_site_then_list_sync_and_unfollow(blog: FixtureBlog) -> None:
    site, feed = blog.server.url("/"), blog.server.url("/feed/")
    followed = run("follow", site)
    assert followed.returncode == 0, followed.stderr
    assert followed.stdout == (
        f"following {feed} (source 1, Matinee): 2 new reviews, 2 new comments\n"
    )
    again = run_in_process("follow", feed)  # a second child of the same command proves nothing more
    assert again.returncode == 0 and again.stdout == f"already following {feed} (source 1)\n"

    listed = run("sources")
    [line] = listed.stdout.splitlines()
    fields = line.split("\t")
    assert fields[:3] == ["1", "feed", feed] and fields[4] == "ok"
    assert fields[5] == "2 reviews, 2 comments"

    blog.add_comment(blog.posts[1], "Eve", "Moon is underrated.")
    blog.publish()
    synced = run("sync")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.splitlines() == [
        f"1 {feed}: 0 new reviews, 1 new comment",
        "synced 1 source: 0 new reviews, 1 new comment",
    ]
    assert run_in_process("sync", "1").stdout.splitlines()[0] == f"1 {feed}: unchanged"

    gone = run("unfollow", feed)
    assert (
        gone.returncode == 0
        and gone.stdout == f"unfollowed {feed} (source 1); its 2 reviews stay\n"
    )
    assert len(Store(_db()).reviews()) == 2
    missing = run_in_process("unfollow", "7")  # the command's child ran above
    assert missing.returncode == 1
    assert missing.stderr == "reviews: error: no followed source is '7' (see `reviews sources`)\n"


def test_follow_reports_each_bad_url_on_one_line_and_exits_1(
    blog: FixtureBlog, blog_server: BlogServer
) -> None:
    blog_server.set(
        "/page", "<html><head><title>No feed</title></head></html>", content_type="text/html"
    )
    result = run_in_process(
        "follow",
        blog.server.url("/feed/"),
        blog_server.url("/page"),
        "ftp://example.org/feed",
        "https://mara:secret@example.org/feed",
    )
    assert result.returncode == 1
    assert result.stdout.startswith("following ")
    errors = result.stderr.splitlines()
    assert errors == [
        f"reviews: {blog_server.url('/page')}: not a feed, and the page has no "
        '<link rel="alternate"> to an RSS or Atom feed',
        "reviews: ftp://example.org/feed: only http:// and https:// are fetched, not ftp://",
        "reviews: https://example.org/feed: a user name or password in the URL is not "
        "supported; remove it from the URL",
    ]


def test_sync_exits_1_when_a_source_fails_and_still_syncs_the_rest(
    blog: FixtureBlog, blog_server: BlogServer
) -> None:
    assert (
        run_in_process("follow", blog.server.url("/feed/"), blog.server.url("/atom/")).returncode
        == 0
    )
    blog_server.set("/atom/", status=500)
    blog.add_post("arrival", "Arrival", "Louise learns a language.")
    blog.publish()
    blog_server.set("/atom/", status=500)
    result = run_in_process("sync")
    assert result.returncode == 1
    assert result.stderr == (
        f"reviews: {blog.server.url('/atom/')}: the server answered 500 Internal Server Error\n"
    )
    assert "synced 1 source, 1 failed: 1 new review, 0 new comments" in result.stdout
    status = run_in_process("sources").stdout.splitlines()[1].split("\t")[4]
    assert status == "failed: the server answered 500 Internal Server Error"


def test_opml_round_trip(blog: FixtureBlog, tmp_path: Path) -> None:
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="Films">'
        f'<outline type="rss" text="Matinee" xmlUrl="{blog.server.url("/feed/")}"/>'
        f'<outline type="rss" text="Atom" xmlUrl="{blog.server.url("/atom/")}"/>'
        "</outline></body></opml>"
    )
    imported = run_in_process("import", str(opml))
    assert imported.returncode == 0, imported.stderr
    assert len(imported.stdout.splitlines()) == 2
    exported = run_in_process("export", "--format", "opml")
    assert exported.returncode == 0
    assert f'xmlUrl="{blog.server.url("/feed/")}"' in exported.stdout
    assert f'xmlUrl="{blog.server.url("/atom/")}"' in exported.stdout
    assert exported.stdout.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">'
    )


def test_keep_is_checked_and_shown(blog: FixtureBlog) -> None:
    run_in_process("follow", blog.server.url("/feed/"))
    assert run_in_process("keep", "1", "30d").stdout.startswith("source 1 keeps 30d")
    assert run_in_process("sources").stdout.rstrip().endswith(", keep 30d")
    bad = run_in_process("keep", "1", "lots")
    assert bad.returncode == 1
    assert bad.stderr == (
        "reviews: error: keep 'lots' is not a number of days (30d) or items (200)\n"
    )


def test_import_url_uses_the_hardened_fetcher(blog: FixtureBlog, blog_server: BlogServer) -> None:
    blog_server.set("/to-ftp", redirect="ftp://127.0.0.1/feed")
    blog_server.set("/a", redirect="/b")
    blog_server.set("/b", redirect="/a")
    ok = run_in_process("import", blog.server.url("/feed/"))
    assert ok.returncode == 0 and "reviews: 2 added" in ok.stdout
    ftp = run_in_process("import", blog_server.url("/to-ftp"))
    assert ftp.returncode == 1
    assert ftp.stderr.splitlines() == [
        f"skipped {blog_server.url('/to-ftp')}: redirected to ftp://127.0.0.1/feed, refused: "
        "only http:// and https:// are fetched, not ftp://"
    ]
    loop = run_in_process("import", blog_server.url("/a"))
    [line] = loop.stderr.splitlines()
    assert line.startswith(f"skipped {blog_server.url('/a')}: redirects in a loop")


def test_a_bad_opml_file_is_one_line(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text("<html><body>not an outline</body></html>")
    result = run_in_process("import", str(opml))
    assert result.returncode == 1
    assert result.stderr == "reviews: feeds.opml: not an OPML file (its root is not <opml>)\n"
    broken = tmp_path / "broken.opml"
    broken.write_text('<opml version="2.0"><body><outline xmlUrl="http://x/"')
    result = run_in_process("import", str(broken))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("reviews: broken.opml: not well-formed XML")


def test_follow_with_keep(blog: FixtureBlog) -> None:
    result = run_in_process("follow", "--keep", "1", blog.server.url("/feed/"))
    assert result.returncode == 0, result.stderr
    assert run_in_process("sources").stdout.rstrip().endswith(", keep 1")
    # Keep 1: the older unread post goes (the two share a date: the higher id stays).
    assert len(Store(_db()).reviews()) == 1
