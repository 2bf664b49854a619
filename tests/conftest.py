"""Shared fixtures: every test runs with its own database, config and data directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from blog_server import BlogServer, FixtureBlog

from tui.config import Config
from tui.model import ParsedComment, ParsedReview


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test reads or writes the user's real database, config or drafts."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("REVIEWS_DB", str(home / "data" / "reviews" / "reviews.json"))
    monkeypatch.setenv("REVIEWS_CONFIG", str(home / "config" / "reviews" / "config.yaml"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return home


@pytest.fixture(autouse=True)
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No test opens a real browser: what would be opened is recorded instead."""
    opened: list[str] = []

    def fake_open(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    return opened


def sample_reviews() -> list[ParsedReview]:
    """Two small reviews with a threaded discussion, hostile-looking text included."""
    return [
        ParsedReview(
            title="Her",
            date="2014-03-06",
            body="Theodore writes letters for others.\n\nA film about *love* and [/ machines.",
            tags=("drama", "romance"),
            film="Her",
            year=2013,
            director="Spike Jonze",
            rating=4.5,
            source="test",
            source_id="test:her",
            comments=(
                ParsedComment(
                    "Anonymous",
                    None,
                    "Great review! [bold]not bold[/] [@click=app.quit]quit[/]",
                    source_id="test:c1",
                    replies=(ParsedComment("Bob", "2014-03-07", "Agreed.", source_id="test:c2"),),
                ),
                ParsedComment("Anonymous", None, "Keep up the great work", source_id="test:c3"),
            ),
        ),
        ParsedReview(
            title="Older film",
            date="2013-01-01",
            body="An older review.",
            tags=("comedy",),
            source="test",
            source_id="test:older",
        ),
    ]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path that does not exist yet."""
    return tmp_path / "db" / "reviews.json"


@pytest.fixture
def config() -> Config:
    """A fixed author name, so tests do not depend on the login name."""
    return Config(author="tester")


@pytest.fixture
def make_app(db_path: Path, config: Config) -> Iterator[object]:
    """Build the real app on a fresh database created from ``sample_reviews``."""
    from tui.app import ReviewsApp

    def build(path: Path | None = None, cfg: Config | None = None) -> ReviewsApp:
        return ReviewsApp(path or db_path, cfg or config, seed=sample_reviews)

    yield build


@pytest.fixture
def blog_server() -> Iterator[BlogServer]:
    """A real HTTP server on 127.0.0.1 (a free port), stopped after the test."""
    server = BlogServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def blog(blog_server: BlogServer) -> FixtureBlog:
    """A WordPress-style fixture blog with two posts and a threaded discussion, published."""
    site = FixtureBlog(blog_server)
    her = site.add_post("her", "Her", "Theodore writes letters for others.")
    site.add_post("moon", "Moon", "Sam Bell is three weeks from the end.")
    first = site.add_comment(her, "Ana", "Lovely review.")
    site.add_comment(her, "Ben", "Agreed, the score too.", parent=first)
    site.publish()
    return site
