"""The WordPress REST client against a real WordPress (Debian's, started by up.sh)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from tui.sources.wordpress import WordPressBlog, comparable, discover, route_url
from tui.sources.wordpress_models import (
    BlogRejected,
    BlogUnreachable,
    Credentials,
    InsecureBlog,
    LoginRefused,
)

if TYPE_CHECKING:
    from wp_fixture import WordPressSite

UP = Path(__file__).parent / "wordpress" / "up.sh"

pytest_plugins = ["wp_fixture"]

WRONG = "abcd EFGH ijkl MNOP qrst UVWX"

wordpress_test = pytest.mark.wordpress


def blog(http: httpx.Client, site: WordPressSite, *, reader: bool = False) -> WordPressBlog:
    root = discover(http, site.url)
    assert root is not None
    if reader:
        return WordPressBlog(http, root, Credentials(site.reader_user, site.reader_app_password))
    return WordPressBlog(http, root, Credentials(site.user, site.app_password))


def stop_mariadb() -> int:
    """Stop the test site's MariaDB (started by the fixture's up.sh) and wait until it is gone."""
    from wp_fixture import STATE

    pid = int((STATE / "mysql" / "mysqld.pid").read_text().strip())
    os.kill(pid, signal.SIGTERM)
    for _ in range(1500):  # 30 s at most
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        time.sleep(0.02)
    raise AssertionError("MariaDB did not stop")


# --- without a server ----------------------------------------------------------------------


def test_route_url_plain_and_pretty_roots() -> None:
    plain = "http://127.0.0.1:8089/index.php?rest_route=/"
    assert route_url(plain, "/wp/v2/posts", [("page", 2), ("after", "2020-01-01T00:00:00Z")]) == (
        "http://127.0.0.1:8089/index.php?rest_route=/wp/v2/posts&page=2&after=2020-01-01T00:00:00Z"
    )
    pretty = "https://blog.example/wp-json/"
    assert route_url(pretty, "/wp/v2/comments/7", [("context", "edit")]) == (
        "https://blog.example/wp-json/wp/v2/comments/7?context=edit"
    )


def test_a_password_is_never_sent_over_plain_http_to_another_host(http: httpx.Client) -> None:
    with pytest.raises(InsecureBlog) as caught:
        WordPressBlog(http, "http://blog.example/wp-json/", Credentials("ann", WRONG))
    assert "https" in str(caught.value)
    assert WRONG not in str(caught.value) and WRONG not in repr(caught.value)
    for local in ("http://localhost/wp-json/", "http://[::1]:8/wp-json/", "https://b.example/"):
        WordPressBlog(http, local, Credentials("ann", WRONG))


def test_credentials_never_show_the_password() -> None:
    shown = repr(Credentials("ann", WRONG))
    assert WRONG not in shown and "ann" in shown


def test_comparable_sees_through_wordpress_typography() -> None:
    sent = 'He said "no" -- it\'s fine... <b>really</b> & truly'
    shown = (
        "<p>He said &#8220;no&#8221; &#8211; it&#8217;s fine&#8230; <b>really</b> &amp; truly</p>\n"
    )
    assert comparable(sent) == comparable(shown)


def test_unreachable_blog_is_a_typed_error_naming_the_site(http: httpx.Client) -> None:
    closed_port = "http://127.0.0.1:9/index.php?rest_route=/"
    reader = WordPressBlog(http, closed_port, Credentials("ann", WRONG))
    with pytest.raises(BlogUnreachable) as caught:
        reader.pull()
    assert "127.0.0.1:9" in str(caught.value) and WRONG not in str(caught.value)
    with pytest.raises(BlogUnreachable):
        discover(http, "http://127.0.0.1:9/")


# --- against the real WordPress ---------------------------------------------------------------


@wordpress_test
def test_discovery_from_the_link_header_and_from_the_page(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    assert discover(http, wordpress.url) == f"{wordpress.url}/index.php?rest_route=/"
    # Without the header, the <link rel="https://api.w.org/"> in the page's head is used.
    bare = f"{wordpress.url}/?reviews_no_link_header=1"
    assert "link" not in http.get(bare).headers
    assert discover(http, bare) == f"{wordpress.url}/index.php?rest_route=/"
    # A page that is not WordPress's (a static file) names no API.
    assert discover(http, f"{wordpress.url}/readme.html") is None


@wordpress_test
def test_pretty_permalinks_root_works_too(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    made = wordpress_site.seed(posts=2, comments=2, permalinks="pretty")
    try:
        root = discover(http, wordpress_site.url)
        assert root == f"{wordpress_site.url}/wp-json/"
        # /?p=ID redirects to the post's pretty address, which names the API
        old_address = f"{wordpress_site.url}/?p={made['posts'][0]}"
        assert http.get(old_address).status_code == 301
        assert discover(http, old_address) == root
        pulled = WordPressBlog(http, root).pull()
        assert len(pulled.posts) == 2 and len(pulled.comments) == 4
    finally:
        wordpress_site.seed(posts=0, comments=0)


@wordpress_test
def test_login_good_and_wrong(wordpress: WordPressSite, http: httpx.Client) -> None:
    anonymous = WordPressBlog(http, discover(http, wordpress.url) or "")
    me = anonymous.check_login(wordpress.user, wordpress.app_password)
    assert (me.id, me.slug) == (wordpress.user_id, wordpress.user)
    for user, password in ((wordpress.user, WRONG), ("nobody", wordpress.app_password)):
        with pytest.raises(LoginRefused) as caught:
            anonymous.check_login(user, password)
        error = caught.value
        assert error.status == 401
        assert "127.0.0.1" in str(error) and "\n" not in str(error)
        for shown in (str(error), repr(error), *map(str, error.args)):
            assert password not in shown and password.replace(" ", "") not in shown


@wordpress_test
def test_pull_posts_and_threaded_comments(wordpress: WordPressSite, http: httpx.Client) -> None:
    progress: list[tuple[int, int]] = []
    pulled = WordPressBlog(http, discover(http, wordpress.url) or "").pull(
        progress=lambda done, total: progress.append((done, total))
    )
    # a page of posts, a page of comments, then the names of authors, tags and categories
    assert pulled.requests == 2 + 3 and progress == [(15, 15)]
    assert [post.title for post in pulled.posts] == [
        "Review 1: “Her” &",
        "Review 2: “Her” &",
        "Review 3: “Her” &",
    ]
    first = pulled.posts[0]
    assert first.author == "admin" and first.categories == ("Reviews",)
    assert set(first.tags) == {"drama", "odd"}
    assert "<em>Her</em>" in first.content_html
    assert first.date_gmt == first.modified_gmt == "2020-01-01T01:00:00"
    assert first.link.startswith(wordpress.url)
    on_first = [c for c in pulled.comments if c.post == first.id]
    assert [c.author_name for c in on_first] == ["Reader 1", "Reader 2", "Reader 3", "Reader 4"]
    # every second comment answers the one before it
    assert [c.parent for c in on_first] == [0, on_first[0].id, 0, on_first[2].id]
    assert all(c.status == "approved" and c.link.endswith(f"#comment-{c.id}") for c in on_first)
    assert pulled.next_since is not None


@wordpress_test
def test_paging_by_total_pages(wordpress_site: WordPressSite, http: httpx.Client) -> None:
    wordpress_site.seed(posts=1, comments=250)
    progress: list[tuple[int, int]] = []
    pulled = WordPressBlog(http, discover(http, wordpress_site.url) or "").pull(
        progress=lambda done, total: progress.append((done, total))
    )
    assert len(pulled.comments) == 250 and len({c.id for c in pulled.comments}) == 250
    # posts, comments in pages of 100, 100, 50, then author, tag and category names
    assert pulled.requests == 1 + 3 + 3
    assert progress == [(101, 251), (201, 251), (251, 251)]


@wordpress_test
def test_incremental_pull_sees_only_what_changed(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    admin = blog(http, wordpress)
    full = admin.pull()
    assert full.next_since is not None
    changed = full.posts[1]
    http.post(
        route_url(admin.api_root, f"/wp/v2/posts/{changed.id}"),
        json={"title": "Review 2, revised"},
        auth=(wordpress.user, wordpress.app_password),
    ).raise_for_status()
    reply = admin.create_comment(full.posts[0].id, 0, "New since the first pull.")
    later = admin.pull(full.next_since)
    assert [post.id for post in later.posts] == [changed.id]
    assert later.posts[0].title == "Review 2, revised"
    assert [comment.id for comment in later.comments] == [reply.id]
    assert later.requests == 2
    # A pull with nothing new is two requests, and brings back at most the overlap second.
    again = admin.pull(later.next_since)
    assert again.requests == 2
    assert {p.id for p in again.posts} <= {changed.id}
    assert {c.id for c in again.comments} <= {reply.id}


@wordpress_test
def test_reply_to_post_and_to_comment_edit_trash_untrash(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    admin = blog(http, wordpress)
    pulled = admin.pull()
    post = pulled.posts[0]
    comment = next(c for c in pulled.comments if c.post == post.id)
    to_post = admin.create_comment(post.id, 0, "Thanks for reading.")
    to_comment = admin.create_comment(post.id, comment.id, "I agree, [b]mostly[/b].")
    assert to_post.status == to_comment.status == "approved"
    assert (to_comment.post, to_comment.parent) == (post.id, comment.id)
    assert to_comment.link.endswith(f"#comment-{to_comment.id}")

    shown = {c.id: c for c in admin.pull().comments}
    assert shown[to_post.id].parent == 0 and shown[to_comment.id].parent == comment.id
    assert "[b]mostly[/b]" in shown[to_comment.id].content_html

    edited = admin.edit_comment(to_comment.id, "I agree, on reflection.")
    assert (edited.id, edited.status) == (to_comment.id, "approved")
    shown = {c.id: c for c in admin.pull().comments}
    assert "on reflection" in shown[to_comment.id].content_html

    trashed = admin.trash_comment(to_comment.id)
    assert trashed.status == "trash"
    assert to_comment.id not in {c.id for c in admin.pull().comments}
    restored = admin.untrash_comment(to_comment.id)
    assert restored.status == "approved"
    assert to_comment.id in {c.id for c in admin.pull().comments}
    # trashing twice is WordPress saying no, in its own words
    admin.trash_comment(to_comment.id)
    with pytest.raises(BlogRejected) as caught:
        admin.trash_comment(to_comment.id)
    assert caught.value.status == 410 and caught.value.message


@wordpress_test
def test_moderation_holds_a_reply_and_find_my_comment_still_finds_it(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    made = wordpress_site.seed(posts=1, comments=1, moderation=1)
    reader = blog(http, wordpress_site, reader=True)
    held = reader.create_comment(made["posts"][0], 0, "Waiting for the owner's nod.")
    assert held.status == "hold"
    assert held.id not in {c.id for c in WordPressBlog(http, reader.api_root).pull().comments}
    # A fresh client (the process that sent it was killed) finds it on the blog.
    again = blog(http, wordpress_site, reader=True)
    found = again.find_my_comment(made["posts"][0], 0, "Waiting for the owner's nod.")
    assert found is not None and (found.id, found.status) == (held.id, "hold")
    assert again.find_my_comment(made["posts"][0], 0, "Something never sent.") is None


@wordpress_test
def test_closed_comments_are_rejected_with_wordpress_message(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    admin = blog(http, wordpress)
    closed = admin.pull().posts[-1]
    with pytest.raises(BlogRejected) as caught:
        admin.create_comment(closed.id, 0, "Too late?")
    error = caught.value
    assert (error.code, error.status) == ("rest_comment_closed", 403)
    assert str(error) == "Sorry, comments are closed for this item."


@wordpress_test
def test_duplicate_guard_on_is_409_and_off_lets_the_client_decide(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    made = wordpress_site.seed(posts=1, comments=0, guards="on")
    reader = blog(http, wordpress_site, reader=True)
    reader.create_comment(made["posts"][0], 0, "Said once.")
    with pytest.raises(BlogRejected) as caught:
        reader.create_comment(made["posts"][0], 0, "Said once.")
    assert (caught.value.code, caught.value.status) == ("comment_duplicate", 409)
    assert "already said that" in str(caught.value)

    made = wordpress_site.seed(posts=1, comments=0, guards="off")
    reader = blog(http, wordpress_site, reader=True)
    first = reader.create_comment(made["posts"][0], 0, "Said twice.")
    second = reader.create_comment(made["posts"][0], 0, "Said twice.")
    assert first.id != second.id


@wordpress_test
def test_find_my_comment_after_a_crash_between_post_and_answer(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    admin = blog(http, wordpress)
    pulled = admin.pull()
    post = pulled.posts[0]
    parent = next(c for c in pulled.comments if c.post == post.id)
    text = 'A reply whose answer was lost -- "quotes" and all...'
    sent = admin.create_comment(post.id, parent.id, text)  # the answer is then "lost"
    fresh = blog(http, wordpress)
    found = fresh.find_my_comment(post.id, parent.id, text)
    assert found is not None and (found.id, found.link) == (sent.id, sent.link)
    assert fresh.find_my_comment(post.id, 0, text) is None  # another parent
    assert fresh.find_my_comment(post.id, parent.id, text + " more") is None


@wordpress_test
def test_a_subscriber_is_found_among_approved_but_never_told_a_held_reply_is_missing(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    root = discover(http, wordpress_site.url) or ""
    credentials = Credentials(wordpress_site.visitor_user, wordpress_site.visitor_app_password)
    made = wordpress_site.seed(posts=1, comments=0, moderation=0)
    visitor = WordPressBlog(http, root, credentials)
    sent = visitor.create_comment(made["posts"][0], 0, "A subscriber's reply.")
    assert sent.status == "approved"
    found = WordPressBlog(http, root, credentials).find_my_comment(
        made["posts"][0], 0, "A subscriber's reply."
    )
    assert found is not None and found.id == sent.id

    made = wordpress_site.seed(posts=1, comments=0, moderation=1)
    visitor = WordPressBlog(http, root, credentials)
    assert visitor.create_comment(made["posts"][0], 0, "Held.").status == "hold"
    # A subscriber may not list held comments: "not found" would send it twice.
    with pytest.raises(BlogRejected) as caught:
        visitor.find_my_comment(made["posts"][0], 0, "Held.")
    assert caught.value.code == "reviews_cannot_check_held"


@wordpress_test
def test_database_down_mid_pull_is_unreachable_with_the_status(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    wordpress_site.seed(posts=1, comments=150)
    blog_ = WordPressBlog(http, discover(http, wordpress_site.url) or "")
    stopped: list[int] = []

    def stop_database(done: int, total: int) -> None:
        if not stopped:
            stopped.append(stop_mariadb())

    try:
        with pytest.raises(BlogUnreachable) as caught:
            blog_.pull(progress=stop_database)
        assert stopped and caught.value.status == 500
        assert str(caught.value).startswith(wordpress_site.url)
    finally:
        subprocess.run(["bash", str(UP)], check=True, capture_output=True)
    assert len(blog_.pull().comments) == 150


@wordpress_test
def test_up_sh_stops_a_mariadb_that_lost_its_pid_file_rather_than_fighting_it(
    wordpress: WordPressSite, http: httpx.Client
) -> None:
    """A stop that gave up waiting (a loaded machine) dropped the pid file of a MariaDB
    still running: the next up.sh started a second one on the same data files, which
    could not lock them, and the tests that stop the database found no pid file."""
    from wp_fixture import STATE

    pid_file = STATE / "mysql" / "mysqld.pid"
    old = int(pid_file.read_text().strip())
    pid_file.unlink()
    done = subprocess.run(["bash", str(UP)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-800:]
    assert f"stopping MariaDB {old}, which runs on" in done.stderr
    with pytest.raises(ProcessLookupError):
        os.kill(old, 0)
    assert int(pid_file.read_text().strip()) != old
    me = blog(http, wordpress).check_login(wordpress.user, wordpress.app_password)
    assert me.id == wordpress.user_id  # the blog works on the new one


@wordpress_test
def test_posts_deleted_mid_pull_end_the_paging_without_an_error(
    wordpress_site: WordPressSite, http: httpx.Client
) -> None:
    wordpress_site.seed(posts=250, comments=0)
    blog_ = WordPressBlog(http, discover(http, wordpress_site.url) or "")
    progress: list[tuple[int, int]] = []

    def wipe_after_first_pages(done: int, total: int) -> None:
        if not progress:
            wordpress_site.seed(posts=1, comments=0)  # page 2 of posts no longer exists
        progress.append((done, total))

    pulled = blog_.pull(progress=wipe_after_first_pages)
    assert len(pulled.posts) == 100 and pulled.requests == 3 + 3
    assert progress == [(100, 250)]
