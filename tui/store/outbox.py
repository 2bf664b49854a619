"""The outbox: replies, edits and deletes on their way to a blog, in the ``outbox`` table.

Each entry is a small state machine stored with the data, like a mail queue::

    queued -> sending -> sent (the blog's id, link and status)
                      -> failed (the blog's message; re-queued when you edit or retry)
                      -> queued (the network failed: tried again on the next sync)
    queued -> cancelled (a reply deleted before it left; undo queues it again)

Every transition is one atomic write under the store's cross-process lock.
Queuing rides on the reply's own write: ``Store.add_reply`` (and the edit, delete
and undelete of a reply) call ``_outbox_changes`` and put its documents in the
same write, so a reply is never on disk without its entry, or the other way round.

An entry in ``sending`` whose claimer (process id and host) is gone, or whose claim
is older than ``CLAIM_EXPIRY``, has an unknown outcome: it is claimed again with
``uncertain`` set, and the sender looks on the blog before posting again.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.model import Comment
from tui.store.core import StoreCore
from tui.store.errors import NotFound
from tui.store.index import StoreIndex, comment_from_doc
from tui.store.reply_targets import ReplyTarget, local_reason, target_in
from tui.store.storage import Tables, pid_alive
from tui.text import one_line

OPS = ("reply", "edit", "delete", "undelete")
CLAIM_EXPIRY = 600.0
"""Seconds after which a claim is stale even if its process still runs (a stuck sender)."""
OPEN = ("queued", "sending")
"""States that still have to reach the blog."""


@dataclass(frozen=True)
class OutboxEntry:
    """One operation for a blog and how far it got."""

    id: int
    op: str
    """``reply``, ``edit``, ``delete`` (to the blog's trash) or ``undelete``."""
    comment_id: int
    """The local reply it concerns."""
    source_id: int
    content: str
    state: str
    """``queued``, ``sending``, ``sent``, ``failed`` or ``cancelled``."""
    created: str = ""
    updated: str = ""
    attempt: str = ""
    claimer_pid: int = 0
    claimer_host: str = ""
    claimed_at: float = 0.0
    uncertain: bool = False
    """A send may have reached the blog without its answer reaching us: look first."""
    remote_id: int = 0
    link: str = ""
    status: str = ""
    """The blog's word for the comment: ``approved``, ``hold``, ``trash``, ..."""
    error: str = ""
    """The reason of the last try that did not succeed."""
    tries: int = 0
    adopted: bool = False
    """Found on the blog after an attempt whose answer was lost, instead of sent again."""

    def describe(self) -> str:
        """What the reader shows: queued, sent, awaiting moderation, failed: reason."""
        what = "" if self.op == "reply" else f"{self.op} "
        if self.state == "sent":
            if self.op == "reply" and self.status == "hold":
                return "awaiting moderation"
            if self.op == "delete":
                return "in the blog's trash"
            return f"{what}sent" if self.status != "hold" else f"{what}sent, awaiting moderation"
        if self.state == "failed":
            return f"{what}failed: {self.error}"
        if self.state == "queued" and self.error:
            return f"{what}queued (last try: {self.error})"
        return f"{what}{self.state}"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _entry(key: str, doc: Mapping[str, Any]) -> OutboxEntry:
    def num(name: str) -> int:
        value = doc.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def text(name: str) -> str:
        value = doc.get(name)
        return value if isinstance(value, str) else ""

    claimed = doc.get("claimed_at")
    return OutboxEntry(
        id=int(key),
        op=text("op"),
        comment_id=num("comment_id"),
        source_id=num("source_id"),
        content=text("content"),
        state=text("state") or "queued",
        created=text("created"),
        updated=text("updated"),
        attempt=text("attempt"),
        claimer_pid=num("claimer_pid"),
        claimer_host=text("claimer_host"),
        claimed_at=float(claimed) if isinstance(claimed, int | float) else 0.0,
        uncertain=bool(doc.get("uncertain")),
        remote_id=num("remote_id"),
        link=text("link"),
        status=text("status"),
        error=text("error"),
        tries=num("tries"),
        adopted=bool(doc.get("adopted")),
    )


def claimer_alive(entry: OutboxEntry, now: float | None = None) -> bool:
    """Whether the process that claimed ``entry`` may still be sending it."""
    now = time.time() if now is None else now
    if now - entry.claimed_at > CLAIM_EXPIRY:
        return False
    if entry.claimer_host != socket.gethostname():
        return True  # another machine's process: only the expiry tells
    return pid_alive(entry.claimer_pid)


def target_of(tables: Tables, review_source_id: str) -> ReplyTarget | None:
    """The logged-in WordPress source and post a review (by identity) belongs to."""
    return target_in(tables.get("sources") or {}, review_source_id)


WAITING = ("queued", "sending", "failed")
"""The states of an entry that has not reached its blog (``failed``: the blog refused it)."""


@dataclass(frozen=True)
class PendingEntry:
    """An entry not sent yet, or refused, with the review its reply is on."""

    entry: OutboxEntry
    review_id: int
    """0 when the reply or its review is gone."""
    title: str
    """The review's title, ``""`` when it is gone."""


class OutboxStore(StoreCore):
    """The outbox's part of ``Store`` (the table is ``outbox``)."""

    # -- reading ------------------------------------------------------------------------

    def outbox(self) -> list[OutboxEntry]:
        """Every entry, oldest first."""
        with self._reading():
            docs = self._tables().get("outbox") or {}
            return sorted((_entry(k, d) for k, d in docs.items()), key=lambda e: e.id)

    def pending_outbox(self) -> list[PendingEntry]:
        """The entries that have not reached their blog (``WAITING``), oldest first, each
        with its reply's review (what `reviews outbox` and the reader's ``O`` list)."""
        entries = [e for e in self.outbox() if e.state in WAITING]
        with self._reading() as index:
            found = []
            for entry in entries:
                comment = index.comment(entry.comment_id)
                review = index.reviews.get(comment.review_id) if comment else None
                found.append(
                    PendingEntry(entry, review.id if review else 0, review.title if review else "")
                )
            return found

    def outbox_counts(self) -> tuple[int, int]:
        """(entries waiting to be sent, entries the blog refused): the header's figures."""
        states = [e.state for e in self.outbox()]
        return sum(state in OPEN for state in states), states.count("failed")

    def outbox_entry(self, entry_id: int) -> OutboxEntry:
        """One entry; ``NotFound`` if there is none."""
        with self._reading():
            doc = (self._tables().get("outbox") or {}).get(str(entry_id))
            if doc is None:
                raise NotFound(f"there is no outbox entry {entry_id}")
            return _entry(str(entry_id), doc)

    def reply_states(self) -> dict[int, OutboxEntry]:
        """Per local reply, the entry that says where it stands (the newest that counts)."""
        shown: dict[int, OutboxEntry] = {}
        for entry in self.outbox():
            if entry.state == "cancelled":
                continue
            shown[entry.comment_id] = entry
        return shown

    def reply_target(self, review_id: int) -> ReplyTarget | None:
        """Where replies to this review are sent; ``None``: they stay local."""
        with self._reading() as index:
            review = index.reviews.get(review_id)
            if review is None:
                return None
            return target_of(self._tables(), review.source_id)

    def why_local(self, review_id: int) -> str:
        """Why a reply to this review stays in this file (``""`` when it is sent)."""
        with self._reading() as index:
            review = index.reviews.get(review_id)
            if review is None:
                return ""
            return local_reason(self._tables().get("sources") or {}, review.source_id)

    # -- the sender's transitions ---------------------------------------------------------

    def claim(self, entry_id: int, attempt: str) -> OutboxEntry | None:
        """Take an entry to send it (``sending``, with ``attempt``, our pid and the time).

        ``None`` when it is not ours to send: sent, failed, cancelled, or being sent by a
        live process. A stale ``sending`` comes back ``uncertain``: look before sending.
        """
        with self._writing() as (_index, tables):
            docs = tables.get("outbox") or {}
            doc = docs.get(str(entry_id))
            if doc is None:
                return None
            current = _entry(str(entry_id), doc)
            uncertain = current.uncertain
            if current.state == "sending":
                if claimer_alive(current):
                    return None
                uncertain = True  # its claimer died mid-send: the blog may have it
            elif current.state != "queued":
                return None
            new = {
                **doc,
                "state": "sending",
                "attempt": attempt,
                "claimer_pid": os.getpid(),
                "claimer_host": socket.gethostname(),
                "claimed_at": time.time(),
                "uncertain": uncertain,
                "tries": current.tries + 1,
                "updated": _now(),
            }
            self._put(tables, {"outbox": {str(entry_id): new}})
            return _entry(str(entry_id), new)

    def mark_uncertain(self, entry_id: int, attempt: str) -> None:
        """Record, before a request leaves, that its outcome may soon be unknown."""
        self._finish(entry_id, attempt, {"uncertain": True}, keep_state=True)

    def mark_sent(
        self,
        entry_id: int,
        attempt: str,
        remote_id: int,
        link: str,
        status: str,
        *,
        adopted: bool = False,
    ) -> OutboxEntry | None:
        """The blog took it: its id, link and status; a reply's link goes on the reply.

        ``adopted``: found on the blog after an attempt whose answer was lost.
        """
        fields = {
            "adopted": adopted,
            "state": "sent",
            "remote_id": remote_id,
            "link": one_line(link),
            "status": one_line(status),
            "error": "",
            "uncertain": False,
        }
        return self._finish(entry_id, attempt, fields)

    def mark_failed(self, entry_id: int, attempt: str, reason: str) -> OutboxEntry | None:
        """The blog said no: kept with its message until the reply is edited or retried."""
        fields = {"state": "failed", "error": one_line(reason), "uncertain": False}
        return self._finish(entry_id, attempt, fields)

    def mark_queued(
        self, entry_id: int, attempt: str, reason: str, *, uncertain: bool
    ) -> OutboxEntry | None:
        """Not sent this time (network down, waiting for its parent): tried again later."""
        fields = {"state": "queued", "error": one_line(reason), "uncertain": uncertain}
        return self._finish(entry_id, attempt, fields)

    def retry_failed(self, comment_id: int | None = None) -> int:
        """Queue failed entries again (all, or one reply's); how many."""
        with self._writing() as (_index, tables):
            docs = tables.get("outbox") or {}
            changes = {
                key: {**doc, "state": "queued", "updated": _now()}
                for key, doc in docs.items()
                if doc.get("state") == "failed"
                and (comment_id is None or doc.get("comment_id") == comment_id)
            }
            if changes:
                self._put(tables, {"outbox": changes})
            return len(changes)

    def _finish(
        self, entry_id: int, attempt: str, fields: dict[str, Any], *, keep_state: bool = False
    ) -> OutboxEntry | None:
        with self._writing() as (index, tables):
            docs = tables.get("outbox") or {}
            doc = docs.get(str(entry_id))
            if doc is None or doc.get("attempt") != attempt or doc.get("state") != "sending":
                return None  # someone else took it over: their answer counts
            new = {**doc, **fields, "updated": _now()}
            changes: dict[str, dict[str, dict[str, Any]]] = {"outbox": {str(entry_id): new}}
            if not keep_state and fields.get("state") == "sent" and doc.get("op") == "reply":
                key = index.comment_key(int(doc.get("comment_id") or 0))
                if key is not None and fields.get("link"):
                    comment = {**tables["comments"][key], "url": fields["link"]}
                    changes["comments"] = {key: comment}
            self._put(tables, changes)
            if "comments" in changes:
                ((key, comment),) = changes["comments"].items()
                index.put_comments([comment_from_doc(int(key), comment)])
            return _entry(str(entry_id), new)

    # -- queuing with the reply's own write -------------------------------------------------

    def _outbox_changes(
        self,
        index: StoreIndex,
        tables: Tables,
        comment_id: int,
        old: Comment | None,
        new: Comment,
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """The outbox documents a change of a local reply brings (``{}``: none)."""
        docs: dict[str, dict[str, Any]] = tables.get("outbox") or {}
        mine = sorted(
            ((int(k), d) for k, d in docs.items() if d.get("comment_id") == comment_id),
            key=lambda item: item[0],
        )
        reply = next((d for _k, d in mine if d.get("op") == "reply"), None)
        reply_key = next((str(k) for k, d in mine if d.get("op") == "reply"), "")
        next_id = max(map(int, docs), default=0) + 1
        stamp = _now()
        changed: dict[str, dict[str, Any]] = {}

        def add(op: str, content: str) -> None:
            changed[str(next_id)] = {
                "op": op,
                "comment_id": comment_id,
                "source_id": (reply or {}).get("source_id", 0),
                "content": content,
                "state": "queued",
                "created": stamp,
                "updated": stamp,
            }

        def pending(op: str) -> tuple[str, dict[str, Any]] | None:
            for key, doc in reversed(mine):
                if doc.get("op") == op and doc.get("state") == "queued":
                    return str(key), doc
            return None

        if old is None:
            review = index.reviews.get(new.review_id)
            target = target_of(tables, review.source_id) if review is not None else None
            if target is not None:
                changed[str(next_id)] = {
                    "op": "reply",
                    "comment_id": comment_id,
                    "source_id": target.source_id,
                    "content": new.body,
                    "state": "queued",
                    "created": stamp,
                    "updated": stamp,
                }
            return {"outbox": changed} if changed else {}
        if reply is None:
            return {}  # a reply that stayed local stays local
        unsent = reply.get("state") in {"queued", "failed", "cancelled"}
        if old.body != new.body:
            if unsent:
                state = "cancelled" if reply.get("state") == "cancelled" else "queued"
                changed[reply_key] = {**reply, "content": new.body, "state": state,
                                      "updated": stamp}  # fmt: skip
            elif (found := pending("edit")) is not None:
                changed[found[0]] = {**found[1], "content": new.body, "updated": stamp}
            else:
                add("edit", new.body)
        if old.deleted is None and new.deleted is not None:
            if unsent:
                changed[reply_key] = {**reply, **changed.get(reply_key, {}),
                                      "state": "cancelled", "updated": stamp}  # fmt: skip
            elif (found := pending("undelete")) is not None:
                changed[found[0]] = {**found[1], "state": "cancelled", "updated": stamp}
            else:
                add("delete", new.body)
        elif old.deleted is not None and new.deleted is None:
            if reply.get("state") == "cancelled":
                changed[reply_key] = {**reply, **changed.get(reply_key, {}),
                                      "state": "queued", "updated": stamp}  # fmt: skip
            elif (found := pending("delete")) is not None:
                changed[found[0]] = {**found[1], "state": "cancelled", "updated": stamp}
            else:
                add("undelete", new.body)
        return {"outbox": changed} if changed else {}


class LoginStore(StoreCore):
    """Which user a followed source is logged in as (the name only; never the password)."""

    def set_login(self, source_id: int, user: str | None, name: str | None = None) -> None:
        """Record (or with ``None`` forget) the user name a source's replies are sent as,
        and ``name``, the name the blog shows for that user (new replies to its reviews
        are stored under it)."""
        with self._writing() as (_index, tables):
            doc = (tables.get("sources") or {}).get(str(source_id))
            if doc is None:
                raise NotFound(f"there is no source {source_id}")
            shown = one_line(name) if user and name else ""
            new = {**doc, "user": one_line(user) if user else None, "name": shown or None}
            self._put(tables, {"sources": {str(source_id): new}})
