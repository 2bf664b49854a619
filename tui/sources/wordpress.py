"""A typed client for a WordPress blog's REST API: pull posts and comments, send replies.

It runs on an ``httpx.Client`` handed in by the caller (the shared client with total
deadlines, size caps and redirect checks); this module adds only what the REST calls
need: the routes, basic auth with an application password, paging by
``X-WP-TotalPages``, and WordPress's error answers turned into typed errors.

Incremental pulls: posts by ``modified_after``; comments, which have no modified time in
WordPress, by ``after`` (their creation time). A comment edited or approved later than it
was written is therefore only seen by a full pull (``since=None``). Both windows start one
second before ``since`` because WordPress compares whole seconds strictly; callers upsert
by id, so the overlap costs nothing but a repeat.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from datetime import datetime

import httpx

from tui.sources.wordpress_discovery import discover, route_url
from tui.sources.wordpress_json import (
    Json,
    comment_from,
    header_int,
    html_to_text,
    ids,
    int_field,
    post_from,
    sent_from,
    server_time,
    str_field,
    window,
)
from tui.sources.wordpress_models import (
    BlogError,
    BlogPost,
    BlogRejected,
    BlogUnreachable,
    BlogUser,
    Credentials,
    InsecureBlog,
    LoginRefused,
    Progress,
    Pull,
    SentComment,
)
from tui.text import one_line

__all__ = ["WordPressBlog", "discover", "route_url"]

PER_PAGE = 100
MAX_PAGES = 10_000
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
POST_FIELDS = "id,link,title,content,date_gmt,modified_gmt,author,tags,categories"
COMMENT_FIELDS = "id,post,parent,author,author_name,date_gmt,content,link,status"
# What WordPress answers when an account may not use a search parameter or context.
_NOT_ALLOWED = frozenset({"rest_forbidden_context", "rest_forbidden_param", "rest_forbidden"})
_TAG = re.compile(r"<[^>]*>")
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "–": "-", "—": "-"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "″": '"', "…": "...", "\u00a0": " "})
_DASHES = re.compile(r"-+")


def comparable(text: str) -> str:
    """Text reduced to what survives WordPress's filters (tags, entities, curly quotes,
    dashes, whitespace), so a sent reply can be recognised in what the blog shows."""
    plain = html.unescape(_TAG.sub(" ", text)).translate(_TYPOGRAPHY).translate(_QUOTES)
    return " ".join(_DASHES.sub("-", plain).split())


class WordPressBlog:
    """One WordPress site's REST API, read anonymously or as one user."""

    def __init__(
        self, client: httpx.Client, api_root: str, credentials: Credentials | None = None
    ) -> None:
        self.client = client
        self.api_root = api_root
        self.credentials = credentials
        self._me: BlogUser | None = None
        self._authors: dict[int, str] = {}
        self._terms: dict[str, dict[int, str]] = {"tags": {}, "categories": {}}
        self.requests = 0
        """How many requests this client has sent (the ones that failed included)."""
        if credentials is not None:
            self._require_secure()

    def __repr__(self) -> str:
        user = self.credentials.user if self.credentials else None
        return f"WordPressBlog({self.api_root!r}, user={user!r})"

    # --- login ---------------------------------------------------------------------------

    def check_login(self, user: str, app_password: str) -> BlogUser:
        """The account ``user``/``app_password`` opens; :class:`LoginRefused` when refused."""
        trial = WordPressBlog(self.client, self.api_root, Credentials(user, app_password))
        return trial.me()

    def me(self) -> BlogUser:
        """The logged-in user (asked once, then remembered)."""
        if self._me is None:
            data = self._object(self._call("GET", "/wp/v2/users/me", auth=True))
            self._me = BlogUser(
                id=int_field(data, "id"), name=str_field(data, "name"), slug=str_field(data, "slug")
            )
        return self._me

    # --- pulls ---------------------------------------------------------------------------

    def pull(self, since: datetime | None = None, progress: Progress | None = None) -> Pull:
        """Posts modified and comments written at or after ``since`` (all when None).

        A pull with nothing new costs two requests: one page of each. Names of authors,
        tags and categories this client has not seen yet cost one request per kind.
        """
        post_params = [
            *window("modified_after", since),
            ("_fields", POST_FIELDS),
        ]
        comment_params = [*window("after", since), ("_fields", COMMENT_FIELDS)]
        requests_before = self.requests
        posts = self._pages("/wp/v2/posts", post_params)
        comments = self._pages("/wp/v2/comments", comment_params)
        # The first page of each comes before the rest, so the total is known from the
        # second request on (a progress bar that does not jump).
        first_posts, post_total, started = next(posts)
        first_comments, comment_total, _ = next(comments)
        total = post_total + comment_total
        # totals can grow while the pull runs; the bar never shows more done than total
        raw_posts = list(first_posts)
        found_comments = [comment_from(item) for item in first_comments]
        if progress:
            done = len(raw_posts) + len(found_comments)
            progress(done, max(done, total))
        for page, _, _ in posts:
            raw_posts.extend(page)
            if progress:
                done = len(raw_posts) + len(found_comments)
                progress(done, max(done, total))
        for page, _, _ in comments:
            found_comments.extend(comment_from(item) for item in page)
            if progress:
                done = len(raw_posts) + len(found_comments)
                progress(done, max(done, total))
        found_posts = self._posts(raw_posts)
        requests = self.requests - requests_before
        return Pull(found_posts, tuple(found_comments), started, requests)

    def _posts(self, raw: list[Json]) -> tuple[BlogPost, ...]:
        """Posts with their author, tag and category names (looked up once per blog).

        Names are asked for in batches of ids rather than embedded in each page:
        ``_embed`` makes WordPress run three sub-requests per post (8x slower pages).
        """
        self._names("/wp/v2/users", {int_field(p, "author") for p in raw}, self._authors)
        self._names("/wp/v2/tags", {i for p in raw for i in ids(p, "tags")}, self._terms["tags"])
        categories = {i for p in raw for i in ids(p, "categories")}
        self._names("/wp/v2/categories", categories, self._terms["categories"])
        return tuple(post_from(item, self._authors, self._terms) for item in raw)

    def _names(self, route: str, ids: set[int], known: dict[int, str]) -> None:
        missing = sorted(i for i in ids if i > 0 and i not in known)
        for start in range(0, len(missing), PER_PAGE):
            batch = missing[start : start + PER_PAGE]
            include = ",".join(map(str, batch))
            params: list[tuple[str, str | int]] = [
                ("include", include),
                ("per_page", PER_PAGE),
                ("_fields", "id,name"),
            ]
            try:
                items = self._list(self._call("GET", route, params))
            except BlogRejected:
                items = []  # a blog that hides its users (security plugins do) still pulls
            for item in items:
                known[int_field(item, "id")] = html_to_text(str_field(item, "name"))
            for missing_id in batch:
                known.setdefault(missing_id, "")

    def _pages(
        self, route: str, params: list[tuple[str, str | int]]
    ) -> Iterator[tuple[list[Json], int, datetime | None]]:
        """Each page of a collection: (items, total items, server time the query began)."""
        page = 1
        pages = 1
        while page <= min(pages, MAX_PAGES):
            query = [*params, ("per_page", PER_PAGE), ("page", page), ("orderby", "id")]
            try:
                response = self._call("GET", route, [*query, ("order", "asc")])
            except BlogRejected as error:
                # the collection shrank under us (deletions): the pages left are gone
                if page > 1 and error.code.endswith("_invalid_page_number"):
                    return
                raise
            items = self._list(response)
            total = header_int(response, "x-wp-total", len(items))
            pages = header_int(response, "x-wp-totalpages", 1)
            yield items, total, server_time(response)
            page += 1

    # --- replies -------------------------------------------------------------------------

    def create_comment(self, post: int, parent: int, content: str) -> SentComment:
        """Post a reply as the logged-in user; the blog's id, link and status come back.

        :class:`BlogUnreachable` means the outcome is unknown: ask :meth:`find_my_comment`
        before sending again.
        """
        body = {"post": post, "parent": parent, "content": content}
        response = self._call("POST", "/wp/v2/comments", auth=True, json=body)
        return sent_from(self._object(response))

    def edit_comment(self, comment: int, content: str) -> SentComment:
        """Replace the text of a comment (the user must be allowed to edit it)."""
        response = self._call(
            "POST", f"/wp/v2/comments/{comment}", auth=True, json={"content": content}
        )
        return sent_from(self._object(response))

    def trash_comment(self, comment: int) -> SentComment:
        """Move a comment to the blog's trash (DELETE without ``force``)."""
        return sent_from(
            self._object(self._call("DELETE", f"/wp/v2/comments/{comment}", auth=True))
        )

    def untrash_comment(self, comment: int) -> SentComment:
        """Take a comment out of the trash, back to the status it had before."""
        response = self._call(
            "POST", f"/wp/v2/comments/{comment}", auth=True, json={"status": "untrash"}
        )
        return sent_from(self._object(response))

    def find_my_comment(self, post: int, parent: int, content: str) -> SentComment | None:
        """The logged-in user's comment with this post, parent and text, held ones included.

        Asked before re-sending a reply whose last attempt has an unknown outcome. A
        moderator's search compares the raw text; an author's the text as the blog shows
        it. An account that may not list held comments at all (a subscriber) gets
        :class:`BlogRejected` (``reviews_cannot_check_held``) rather than a None that
        would let the reply be sent twice.
        """
        me = self.me().id
        where = (me, post, parent)
        wanted = comparable(content)
        common: list[tuple[str, str | int]] = [
            ("post", post),
            ("parent", parent),
            ("per_page", PER_PAGE),
            ("orderby", "id"),
            ("order", "desc"),
        ]
        mine: list[tuple[str, str | int]] = [("author", me), ("status", "all")]
        searches = ([*common, *mine, ("context", "edit")], [*common, *mine], common)
        for number, params in enumerate(searches):
            try:
                response = self._call("GET", "/wp/v2/comments", params, auth=True)
            except BlogRejected as error:
                if error.code in _NOT_ALLOWED and number < len(searches) - 1:
                    continue
                raise
            for item in self._list(response):
                if (
                    int_field(item, "author"),
                    int_field(item, "post"),
                    int_field(item, "parent"),
                ) != where:
                    continue
                text = item.get("content")
                text = text if isinstance(text, dict) else {}
                raw, shown = text.get("raw"), text.get("rendered")
                seen = raw if isinstance(raw, str) else shown if isinstance(shown, str) else ""
                if comparable(seen) == wanted:
                    return sent_from(item)
            if params is common:
                raise BlogRejected(
                    f"{self._site()}: this account may not list comments awaiting "
                    "moderation, so whether the reply arrived cannot be checked; "
                    "look on the blog before sending it again",
                    "reviews_cannot_check_held",
                    None,
                )
            return None
        return None

    # --- one request -----------------------------------------------------------------------

    def _require_secure(self) -> None:
        url = httpx.URL(self.api_root)
        if url.scheme == "https" or (url.scheme == "http" and url.host in LOCAL_HOSTS):
            return
        raise InsecureBlog(
            f"{self.api_root}: a password is only sent over https "
            "(plain http is allowed for localhost, 127.0.0.1 and ::1)"
        )

    def _call(
        self,
        method: str,
        route: str,
        params: list[tuple[str, str | int]] | None = None,
        auth: bool = False,
        json: Mapping[str, object] | None = None,
    ) -> httpx.Response:
        url = route_url(self.api_root, route, params or ())
        self.requests += 1
        basic: httpx.BasicAuth | None = None  # None: no credentials, not even the client's
        if auth:
            if self.credentials is None:
                raise LoginRefused(f"{self.api_root}: not logged in", "not_logged_in", None)
            self._require_secure()
            basic = httpx.BasicAuth(self.credentials.user, self.credentials.app_password)
        try:
            response = self.client.request(method, url, auth=basic, json=json)
        except httpx.HTTPError as error:
            reason = self._scrub(one_line(str(error))) or type(error).__name__
            raise BlogUnreachable(f"{self._site()}: {reason}") from None
        if response.is_success:
            return response
        raise self._error(response)

    def _error(self, response: httpx.Response) -> BlogError:
        code, message = "", ""
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            code = str(data.get("code") or "")
            message = self._scrub(html_to_text(str(data.get("message") or "")))
        status = response.status_code
        reason = message or f"HTTP {status} {one_line(response.reason_phrase)}".strip()
        if status >= 500:
            return BlogUnreachable(f"{self._site()}: {reason}", status=status)
        if status == 401:
            user = self.credentials.user if self.credentials else ""
            return LoginRefused(
                f"{self._site()}: the blog did not accept the application password for "
                f"{self._scrub(one_line(user))}: {reason}",
                code or "unauthorized",
                status,
            )
        return BlogRejected(reason, code or f"http_{status}", status)

    def _broken(self, response: httpx.Response) -> BlogUnreachable:
        return BlogUnreachable(
            f"{self._site()}: the answer to {response.request.method} is not what the "
            "WordPress API sends",
            status=response.status_code,
        )

    def _list(self, response: httpx.Response) -> list[Json]:
        try:
            data = response.json()
        except ValueError:
            raise self._broken(response) from None
        if not isinstance(data, list):
            raise self._broken(response)
        return [item for item in data if isinstance(item, dict)]

    def _object(self, response: httpx.Response) -> Json:
        try:
            data = response.json()
        except ValueError:
            raise self._broken(response) from None
        if not isinstance(data, dict):
            raise self._broken(response)
        return data

    def _site(self) -> str:
        url = httpx.URL(self.api_root)
        return one_line(f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}")

    def _scrub(self, text: str) -> str:
        """``text`` with the application password (spaced or not) blanked out."""
        if self.credentials is None or not self.credentials.app_password:
            return text
        secret = self.credentials.app_password
        for form in {secret, secret.replace(" ", "")}:
            if form:
                text = text.replace(form, "***")
        return text
