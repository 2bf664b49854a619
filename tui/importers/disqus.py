"""Disqus's export: the comments of a blog whose comments lived in Disqus.

::

    <disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
      <thread dsq:id="2"><link>https://blog.example.org/2014/her/</link><title>Her</title></thread>
      <post dsq:id="4">
        <message><![CDATA[<p>Lovely review.</p>]]></message>
        <createdAt>2014-03-07T10:00:00Z</createdAt>
        <isDeleted>false</isDeleted><isSpam>false</isSpam>
        <author><name>Sam</name></author>
        <thread dsq:id="2"/>
        <parent dsq:id="3"/>   <!-- only on a reply -->
      </post>
    </disqus>

A thread is a page of the blog, named by its ``<link>``; its posts are the
comments, threaded by ``<parent>``. Deleted and spam posts are skipped. Each
thread with comments becomes a ``ParsedReview`` whose ``source`` is
``disqus``: it carries only comments, and the store attaches them to the review
whose permalink matches the thread's link (``tui.store.merge``). A post whose
thread is not in the file becomes a thread of its own with no link.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from tui.importers import ImportFailed, Origin, safe_xml
from tui.importers.dates import epoch_seconds, iso_date
from tui.importers.html import html_to_markdown
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview
from tui.text import one_line

SOURCE = "disqus"
NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
_YES = frozenset({"true", "1", "yes"})


def _text(element: ET.Element, path: str) -> str:
    return one_line(safe_xml.text_of(element.find(path)))


def _ref(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else (found.get(DSQ_ID) or "").strip() or None


def _comment(post: ET.Element, post_id: str) -> ParsedComment:
    author = _text(post, f"{NS}author/{NS}name") or _text(post, f"{NS}author/{NS}username")
    return ParsedComment(
        author=author or ANONYMOUS,
        date=iso_date(_text(post, f"{NS}createdAt")),
        body=html_to_markdown(safe_xml.text_of(post.find(f"{NS}message"))),
        source_id=f"disqus:{post_id}",
    )


def _earliest(comments: list[FlatComment]) -> str:
    dated = [(t, c.comment.date or "") for c in comments if (t := epoch_seconds(c.comment.date))]
    return min(dated)[1] if dated else ""


def parse(data: bytes, origin: Origin) -> list[ParsedReview]:
    """Every Disqus thread that has comments, as a comments-only review to be placed."""
    root = safe_xml.parse(data, origin)
    if root.tag != f"{NS}disqus":
        raise ImportFailed(origin, "not a Disqus export (no <disqus> root)")
    threads: dict[str, ET.Element] = {
        thread_id: thread
        for thread in root.findall(f"{NS}thread")
        if (thread_id := (thread.get(DSQ_ID) or "").strip())
    }
    comments: dict[str, list[FlatComment]] = defaultdict(list)
    for post in root.findall(f"{NS}post"):
        post_id = (post.get(DSQ_ID) or "").strip()
        thread_ref = _ref(post, f"{NS}thread")
        hidden = any(_text(post, f"{NS}{flag}").lower() in _YES for flag in ("isDeleted", "isSpam"))
        if not post_id or thread_ref is None or hidden:
            continue
        comment = _comment(post, post_id)
        if comment.body:
            comments[thread_ref].append(FlatComment(post_id, _ref(post, f"{NS}parent"), comment))
    reviews = []
    for thread_id, flat in comments.items():
        thread = threads.get(thread_id)
        link = "" if thread is None else _text(thread, f"{NS}link")
        title = "" if thread is None else _text(thread, f"{NS}title")
        date = None if thread is None else iso_date(_text(thread, f"{NS}createdAt"))
        reviews.append(
            ParsedReview(
                title=title or link or f"Disqus thread {thread_id}",
                date=date or _earliest(flat),
                body="",
                source=SOURCE,
                source_id=f"disqus:thread-{thread_id}",
                comments=build_thread(flat),
                url=link,
            )
        )
    if not reviews:
        raise ImportFailed(origin, "no comments to import (every thread is empty)")
    return reviews
