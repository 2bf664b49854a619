"""Sending the outbox to the blogs: each entry exactly once, whatever happens.

For each queued entry the sender first claims it (``sending``, with an attempt id,
its pid and the time, in one write), so that a second reader or a cron ``reviews
sync`` leaves it alone. Then:

* an entry whose last attempt has an unknown outcome (``uncertain``: the process
  died mid-send, or the network dropped after the request left) is looked up on the
  blog first (``find_my_comment``: same post, parent, author and text) and adopted
  when it is there; only when it is not is it posted;
* the blog's answer is stored: ``sent`` with its id, link and status (``hold`` is
  awaiting moderation), or ``failed`` with its message (closed comments, 4xx);
* no answer (network down, 5xx): back to ``queued`` with the reason, ``uncertain``
  when a post may have left; the blog's other entries wait for the next sync.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from tui.sources.comments import anchor_of
from tui.sources.secrets import SecretStore, SecretStoreError
from tui.sources.wordpress import WordPressBlog
from tui.sources.wordpress_models import (
    BlogRejected,
    BlogUnreachable,
    Credentials,
    InsecureBlog,
    SentComment,
)
from tui.sources.wordpress_sync import client
from tui.store import NotFound, OutboxEntry, Source, Store
from tui.text import one_line

_ONE_SENDER = threading.Lock()
"""One send loop per process at a time (the reader's worker and its ``R``)."""


class _Down(Exception):  # noqa: N818  # internal signal, never shown
    """The blog did not answer: its other entries wait for the next sync."""


@dataclass
class SendReport:
    """What one pass over the outbox did."""

    sent: int = 0
    held: int = 0
    """Sent, and awaiting the blog's moderation."""
    failed: int = 0
    adopted: int = 0
    """Found on the blog after an attempt with an unknown outcome, instead of sent again."""
    waiting: int = 0
    """Left queued: the network, a login, or a parent reply that has not left yet."""
    problems: list[str] = field(default_factory=list)
    """One line per blog that could not be reached or logged in to."""
    refusals: list[str] = field(default_factory=list)
    """One line per entry the blog refused: which reply, and the blog's message."""

    @property
    def anything(self) -> bool:
        """Whether there was anything to send."""
        return bool(self.sent or self.held or self.failed or self.waiting or self.problems)

    def summary(self, where: str = "see reviews outbox") -> str:
        """One line: ``outbox: 2 sent, 1 awaiting moderation, 1 failed (where), 3 waiting``
        (``where``: where to read why a reply failed)."""
        parts = [f"{self.sent} sent"]
        if self.held:
            parts.append(f"{self.held} awaiting moderation")
        if self.failed:
            parts.append(f"{self.failed} failed ({where})")
        if self.waiting:
            parts.append(f"{self.waiting} waiting")
        return "outbox: " + ", ".join(parts)

    def notice(self) -> str:
        """The reader's notification: the summary, then each problem and refusal."""
        details = [*self.problems, *self.refusals]
        text = self.summary("the thread says why").capitalize()
        return text + ("." if not details else ". " + "; ".join(details))


def secret_key(source: Source) -> str:
    """The name a source's application password is stored under (its URL)."""
    return f"wordpress:{source.url}"


def blog_for(source: Source, secrets: SecretStore, deadline: float) -> WordPressBlog | None:
    """The logged-in client of a source, or ``None`` when it has no login."""
    api = source.state.get("api")
    if not source.user or not isinstance(api, str):
        return None
    password = secrets.load(secret_key(source))
    if not password:
        return None
    return WordPressBlog(client(deadline), api, Credentials(source.user, password))


def send_outbox(
    store: Store,
    secrets: SecretStore | None = None,
    *,
    deadline: float = 30.0,
    comment_id: int | None = None,
) -> SendReport:
    """Send every queued entry (or those of one reply) of every logged-in blog."""
    report = SendReport()
    if not _ONE_SENDER.acquire(blocking=False):
        return report  # this process is already sending: that pass takes these too
    try:
        entries = [e for e in store.outbox() if e.state in ("queued", "sending")]
        if comment_id is not None:
            entries = [e for e in entries if e.comment_id == comment_id]
        if not entries:
            return report
        secrets = secrets if secrets is not None else SecretStore()
        sources = {s.id: s for s in store.sources()}
        for source_id in sorted({e.source_id for e in entries}):
            mine = [e for e in entries if e.source_id == source_id]
            source = sources.get(source_id)
            try:
                blog = blog_for(source, secrets, deadline) if source else None
            except (SecretStoreError, InsecureBlog) as error:
                report.problems.append(one_line(str(error)))
                blog = None
            if blog is None or source is None:
                report.waiting += len(mine)
                if source is not None and not report.problems:
                    report.problems.append(
                        f"{one_line(source.url)}: not logged in; "
                        f"{len(mine)} waiting (reviews login {source.id} --user NAME)"
                    )
                continue
            try:
                for entry in mine:
                    _send_one(store, blog, entry, report)
            except _Down as down:
                report.problems.append(str(down))
                report.waiting += sum(1 for e in mine if _still_open(store, e.id))
            finally:
                blog.client.close()
        return report
    finally:
        _ONE_SENDER.release()


def _still_open(store: Store, entry_id: int) -> bool:
    try:
        return store.outbox_entry(entry_id).state in ("queued", "sending")
    except NotFound:
        return False


def _remote_parent(store: Store, parent_id: int | None) -> int | None:
    """The blog's id of the comment a reply answers (0: the post); None: not known yet."""
    if parent_id is None:
        return 0
    parent = store.comment(parent_id)
    if parent.local:
        reply = _remote_reply(store, parent_id)
        return reply.remote_id if reply is not None and reply.state == "sent" else None
    anchor = anchor_of(parent.source_id) or anchor_of(parent.url)
    return int(anchor.removeprefix("comment-")) if anchor else None


def _remote_reply(store: Store, comment_id: int) -> OutboxEntry | None:
    for entry in store.outbox():
        if entry.comment_id == comment_id and entry.op == "reply":
            return entry
    return None


def _send_one(store: Store, blog: WordPressBlog, entry: OutboxEntry, report: SendReport) -> None:
    attempt = uuid.uuid4().hex
    claimed = store.claim(entry.id, attempt)
    if claimed is None:
        return  # sent meanwhile, or another live process is sending it
    adopted = False
    try:
        sent, adopted = _attempt(store, blog, claimed)
    except BlogUnreachable as error:
        # A write that got no answer may have reached the blog: look before sending again.
        store.mark_queued(entry.id, attempt, str(error), uncertain=claimed.op == "reply")
        raise _Down(one_line(str(error))) from None
    except _Waiting as wait:
        store.mark_queued(entry.id, attempt, str(wait), uncertain=claimed.uncertain)
        report.waiting += 1
        return
    except BlogRejected as error:
        if claimed.op == "delete" and error.code == "rest_already_trashed":
            sent = SentComment(0, "", "trash")  # an earlier attempt got there
        else:
            _refused(store, entry, attempt, str(error), report)
            return
    except NotFound as error:  # the reply itself is gone from the database
        _refused(store, entry, attempt, str(error), report)
        return
    store.mark_sent(entry.id, attempt, sent.id, sent.link, sent.status, adopted=adopted)
    report.adopted += adopted
    if sent.status == "hold":
        report.held += 1
    else:
        report.sent += 1


def _refused(
    store: Store, entry: OutboxEntry, attempt: str, reason: str, report: SendReport
) -> None:
    store.mark_failed(entry.id, attempt, reason)
    report.failed += 1
    what = "reply" if entry.op == "reply" else f"{entry.op} of reply"
    report.refusals.append(f"{what} {entry.comment_id}: {one_line(reason)}")


class _Waiting(Exception):  # noqa: N818  # internal signal: left queued with this reason
    """The entry cannot be sent yet (its parent or reply has not reached the blog)."""


def _attempt(store: Store, blog: WordPressBlog, entry: OutboxEntry) -> tuple[SentComment, bool]:
    """Send one entry; the blog's answer, and whether it was found there rather than sent."""
    comment = store.comment(entry.comment_id)
    if entry.op == "reply":
        target = store.reply_target(comment.review_id)
        if target is None:
            raise _Waiting("not logged in to the blog")
        parent = _remote_parent(store, comment.parent_id)
        if parent is None:
            raise _Waiting("waits for the reply it answers to reach the blog")
        if entry.uncertain:
            found = blog.find_my_comment(target.post, parent, entry.content)
            if found is not None:
                return found, True  # the earlier attempt arrived: adopted, not sent again
        return blog.create_comment(target.post, parent, entry.content), False
    reply = _remote_reply(store, entry.comment_id)
    if reply is None or reply.state in ("failed", "cancelled"):
        raise BlogRejected(
            "the reply itself has not reached the blog; edit or retry the reply", "no_reply", None
        )
    if reply.state != "sent" or not reply.remote_id:
        raise _Waiting("waits for the reply to reach the blog")
    if entry.op == "edit":
        return blog.edit_comment(reply.remote_id, entry.content), False
    if entry.op == "delete":
        return blog.trash_comment(reply.remote_id), False
    return blog.untrash_comment(reply.remote_id), False
