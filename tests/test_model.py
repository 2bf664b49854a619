"""The thread layout: order, depth, guides and hidden counts."""

from __future__ import annotations

from cpu_audit import over_budget

from tui.model import Comment, thread, visible_comments


def c(cid: int, parent: int | None = None, **kw: object) -> Comment:
    return Comment(
        id=cid, review_id=1, parent_id=parent, author=f"a{cid}", date=None, body=f"b{cid}", **kw
    )  # type: ignore[arg-type]


def test_thread_orders_depth_first_with_siblings_by_id() -> None:
    rows = thread([c(5, 1), c(1), c(2), c(3, 1), c(4, 3)])
    assert [(r.comment.id, r.depth) for r in rows] == [(1, 0), (3, 1), (4, 2), (5, 1), (2, 0)]


def test_thread_counts_descendants_and_marks_last_siblings() -> None:
    rows = {r.comment.id: r for r in thread([c(1), c(2, 1), c(3, 2), c(4, 1), c(5)])}
    assert rows[1].descendants == 3
    assert rows[2].descendants == 1
    assert rows[5].descendants == 0
    assert not rows[2].last_sibling and rows[4].last_sibling
    assert rows[5].last_sibling and not rows[1].last_sibling
    # Under comment 2 (not the last child of 1) the guide of level 1 continues.
    assert rows[3].guides == (True, True)


def test_orphans_are_shown_at_the_top_level_not_lost() -> None:
    rows = thread([c(1), c(2, parent=99)])
    assert [(r.comment.id, r.depth) for r in rows] == [(1, 0), (2, 0)]


@over_budget
def test_a_very_deep_thread_needs_no_recursion() -> None:
    comments = [c(1)] + [c(i, i - 1) for i in range(2, 5001)]
    rows = thread(comments)
    assert len(rows) == 5000
    assert rows[-1].depth == 4999
    assert rows[0].descendants == 4999


def test_deleted_replies_stay_only_while_they_have_live_replies() -> None:
    gone = "2026-01-01T00:00:00+00:00"
    comments = [c(1, local=True, deleted=gone), c(2, 1), c(3, local=True, deleted=gone)]
    assert [x.id for x in visible_comments(comments)] == [1, 2]
