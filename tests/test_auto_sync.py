"""The reader syncs the followed blogs by itself (``sync_every``), quietly, and sends the
replies that wait: the config setting, the schedule, and the real app against the local
fixture blog, with no key pressed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from blog_server import FixtureBlog
from conftest import USERS_SYNC_EVERY
from cpu_audit import over_budget
from pilot_helpers import ready, settle, sidebar_lines, until
from test_sync_ui import _followed

import tui.config
from tui.app import ReviewsApp
from tui.config import Config, ConfigError, load_config
from tui.sources import schedule
from tui.sources.schedule import Plan, every_text, next_sync, plan, schedule_line
from tui.store import Source

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
EVERY = 0.5
"""``sync_every`` in the pilot tests: a look every quarter of a second."""


def test_the_users_default_is_every_30_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert USERS_SYNC_EVERY == 30 * 60
    monkeypatch.setattr(tui.config, "SYNC_EVERY", USERS_SYNC_EVERY)  # conftest's undone
    assert Config().sync_every == 1800
    assert load_config(tmp_path / "missing.yaml").sync_every == 1800
    written = tmp_path / "config.yaml"
    written.write_text("author: Ann\n", encoding="utf-8")
    assert load_config(written).sync_every == 1800


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30m", 1800),
        ("2h", 7200),
        ("1d", 86400),
        ("90s", 90),
        ("1.5h", 5400),
        ("15 min", 900),
        ("45", 2700),  # a bare number is minutes
        ("off", None),  # YAML reads it as false
        ("never", None),
        ("'off'", None),
        ("0", None),
    ],
)
def test_sync_every_takes_durations_and_off(tmp_path: Path, text: str, seconds: float) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"sync_every: {text}\n", encoding="utf-8")
    assert load_config(path).sync_every == seconds


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("30s", "at least 1m"),
        ("soon", "a duration such as 30m, 2h or 1d, or off"),
        ("[30]", "a duration such as"),
        ("-5", "a duration such as"),
        ("true", "a duration such as"),
        (".inf", "a duration such as"),
        (".nan", "a duration such as"),
    ],
)
def test_a_bad_sync_every_is_one_clear_line(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"sync_every: {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: 'sync_every' must be ") and why in message
    assert "\n" not in message


def source(last_sync: str | None, id: int = 1) -> Source:
    return Source(id=id, kind="feed", url=f"https://b{id}.example/feed/", last_sync=last_sync)


def test_the_blogs_are_due_every_after_the_oldest_sync() -> None:
    recent = source((NOW - timedelta(minutes=5)).isoformat(), 1)
    old = source((NOW - timedelta(minutes=40)).isoformat(), 2)
    assert plan([], False, 1800, NOW) is Plan.NOTHING
    assert plan([], True, 1800, NOW) is Plan.SEND  # a reply waits, though no blog is due
    assert plan([recent], False, 1800, NOW) is Plan.NOTHING
    assert plan([recent], True, 1800, NOW) is Plan.SEND
    assert plan([recent, old], False, 1800, NOW) is Plan.SYNC
    assert next_sync([recent, old], 1800) == NOW - timedelta(minutes=10)
    assert next_sync([recent], 1800) == NOW + timedelta(minutes=25)
    assert next_sync([], 1800) is None


@pytest.mark.parametrize("last_sync", [None, "", "not a time"])
def test_a_blog_never_synced_is_due_at_once(last_sync: str | None) -> None:
    fresh = source(NOW.isoformat(), 1)
    assert plan([fresh, source(last_sync, 2)], False, 86400, NOW) is Plan.SYNC


def test_a_blog_never_synced_is_due_in_any_time_zone() -> None:
    """West or east of Greenwich, "due since forever" is due."""
    for hours in (-10, 0, 2, 14):
        now = NOW.astimezone(timezone(timedelta(hours=hours)))
        assert plan([source(None)], False, 1800, now) is Plan.SYNC
        assert schedule_line([source(None)], 1800, now).endswith("next: within a minute")


def test_a_time_without_its_zone_is_taken_as_local() -> None:
    local = (datetime.now() - timedelta(minutes=1)).replace(microsecond=0)
    due = next_sync([source(local.isoformat())], 600)
    assert due is not None and due.tzinfo is not None
    assert plan([source(local.isoformat())], False, 600, datetime.now().astimezone()) is (
        Plan.NOTHING
    )


def test_the_schedule_reads_as_people_say_it() -> None:
    assert [every_text(s) for s in (1800, 7200, 86400, 90, 60, 5400)] == [
        "30 min",
        "2 h",
        "1 d",
        "90 s",
        "1 min",
        "90 min",
    ]
    assert schedule_line([], None, NOW) == (
        "The reader syncs only on R (sync_every: off in config.yaml)"
    )
    assert schedule_line([], 1800, NOW) == "The reader syncs by itself every 30 min"
    at = source((NOW - timedelta(minutes=10)).isoformat())
    assert schedule_line([at], 1800, NOW) == (
        "The reader syncs by itself every 30 min; next: about 18:20"
    )
    assert schedule_line([source(None)], 1800, NOW).endswith("next: within a minute")


def said_by(app: ReviewsApp) -> list[str]:
    """Every notification the app shows from now on, as text."""
    said: list[str] = []
    shown = app.notify

    def notify(message: str, **options: Any) -> None:
        said.append(str(message))
        shown(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return said


@over_budget
async def test_the_reader_syncs_by_itself_and_says_only_what_is_new(
    tmp_path: Path, blog: FixtureBlog
) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    app = ReviewsApp(db, Config(author="tester", sync_every=EVERY))
    said = said_by(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        blog.add_post("arrival", "Arrival", "Louise learns a language.")
        blog.publish()
        await until(
            pilot, lambda: any("Arrival" in line for line in sidebar_lines(app)), "Arrival"
        )  # no key pressed
        await until(pilot, lambda: bool(said), "the sync's notification")
        assert said == ["1 source synced: 1 new review, 0 new comments"]

        # Looks that bring nothing say nothing, and leave the header as it was.
        asked = len(blog.server.hits_of("/feed/"))
        await until(pilot, lambda: len(blog.server.hits_of("/feed/")) >= asked + 2, "2 more")
        await until(pilot, lambda: not app.syncing.running, "the look's end")
        assert said == ["1 source synced: 1 new review, 0 new comments"]
        assert app.sub_title == ""

        # A blog that starts failing is said once, not at every look.
        blog.server.set("/feed/", status=503)
        await until(pilot, lambda: len(said) == 2, "the failure's notification")
        assert "1 source failed (S shows why)" in said[1]
        asked = len(blog.server.hits_of("/feed/"))
        await until(pilot, lambda: len(blog.server.hits_of("/feed/")) >= asked + 2, "2 more")
        await until(pilot, lambda: not app.syncing.running, "the look's end")
        assert len(said) == 2


async def test_r_during_a_look_runs_after_it(tmp_path: Path, blog: FixtureBlog) -> None:
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    blog.server.routes["/feed/"].delay = 0.6  # a slow blog: R comes while the look pulls
    app = ReviewsApp(db, Config(author="tester", sync_every=EVERY))
    said = said_by(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: app.syncing.looking, "a look")
        asked = len(blog.server.hits_of("/feed/"))
        await pilot.press("R")
        assert app.sub_title.startswith("syncing")
        await until(pilot, lambda: any(s.startswith("1 source synced") for s in said), "R's")
        assert len(blog.server.hits_of("/feed/")) >= asked + 1
        assert not any("Already syncing" in s for s in said)


@over_budget
async def test_no_look_on_a_read_only_database_or_with_sync_every_off(
    tmp_path: Path, blog: FixtureBlog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schedule, "FIRST_LOOK", 0.05)
    db = tmp_path / "reviews.json"
    _followed(db, blog)
    asked = len(blog.server.hits_of("/feed/"))
    app = ReviewsApp(db, Config(author="tester", sync_every=None))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause(0.5)
        assert not app.syncing.running
    assert len(blog.server.hits_of("/feed/")) == asked
    db.chmod(0o400)
    app = ReviewsApp(db, Config(author="tester", sync_every=EVERY))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
    assert len(blog.server.hits_of("/feed/")) == asked


def test_the_outbox_says_where_to_read_why_a_reply_failed() -> None:
    """The command line points to ``reviews outbox``; the reader to the thread, which
    shows each reply's state (a command is no help inside the reader)."""
    from tui.sources.outbox import SendReport

    report = SendReport(sent=1, failed=1, refusals=["reply 4: comments are closed"])
    assert report.summary() == "outbox: 1 sent, 1 failed (see reviews outbox)"
    assert report.notice() == (
        "Outbox: 1 sent, 1 failed (the thread says why). reply 4: comments are closed"
    )
