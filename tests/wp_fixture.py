"""A real WordPress for the tests (pytest plugin: ``pytest_plugins = ["wp_fixture"]``).

``wordpress_site`` (session) runs ``tests/wordpress/up.sh``, which starts MariaDB and
Debian's WordPress under ``php -S`` on 127.0.0.1, and yields the site's URL and its two
users' application passwords. Where that cannot run (not root, packages missing) the
tests are skipped with the reason, except under ``CI=true``, where they fail.
``wordpress`` (function) wipes and seeds the blog before each test.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
import httpx
import pytest

HERE = Path(__file__).parent / "wordpress"
UP = HERE / "up.sh"
SEED = HERE / "seed.php"
STATE = Path(os.environ.get("WP_STATE_DIR", "/var/tmp/reviews-wordpress"))
PHP = (
    *("php", "-d", "opcache.enable_cli=1"),
    *("-d", f"opcache.file_cache={STATE / 'opcache'}", "-d", "opcache.file_cache_only=1"),
)
"""PHP's command line with the opcode file cache up.sh makes (``WordPressSite.php``)."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``wordpress`` marker."""
    config.addinivalue_line("markers", "wordpress: runs against the real WordPress of up.sh")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test on the one test blog runs in one xdist worker (``--dist loadgroup``):
    each test wipes and seeds the blog, so two at once would trample each other.

    They are also ``slow``: end to end through PHP and MariaDB, one at a time, they are
    left out of the ``-m "not slow"`` inner loop (CI and ``make test`` run them).
    """
    for item in items:
        uses_blog = {"wordpress_site", "wordpress"} & set(getattr(item, "fixturenames", ()))
        if uses_blog or item.get_closest_marker("wordpress") is not None:
            item.add_marker(pytest.mark.xdist_group("wordpress"))
            item.add_marker(pytest.mark.slow)


@dataclass(frozen=True)
class WordPressSite:
    """The running test blog: its URL, an admin, an author and a subscriber."""

    url: str
    user: str
    user_id: int
    app_password: str = field(repr=False)
    reader_user: str = "reader"
    reader_user_id: int = 0
    reader_app_password: str = field(default="", repr=False)
    visitor_user: str = "visitor"
    visitor_app_password: str = field(default="", repr=False)

    def seed(self, **options: object) -> dict[str, Any]:
        """Wipe the blog and seed it (see seed.php for the options); what was made."""
        args = [f"{key}={value}" for key, value in options.items()]
        done = self.php(str(SEED), *args)
        if done.returncode != 0:
            stderr = done.stderr.decode(errors="replace").strip()
            pytest.fail(f"seed.php {' '.join(args)} failed: {stderr[-500:]}")
        made: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return made

    def php(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """Run PHP's command line on the blog's machine (``php *args``), output captured.

        Compiled WordPress comes from the opcode file cache up.sh makes (Debian leaves the
        command line's cache off): 0.08 s of CPU a seed instead of 0.22 s. The cache
        checks each file's mtime, so an edited script is compiled again.
        """
        return subprocess.run([*PHP, *args], capture_output=True, check=False)


def _cannot(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the WordPress tests must run in CI: {reason}")
    pytest.skip(reason)


def _php_server_running() -> bool:
    try:
        os.kill(int((STATE / "php.pid").read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


@pytest.fixture(scope="session")
def wordpress_server() -> Iterator[WordPressSite]:
    """Start (or reuse) the test WordPress; stop it afterwards if this run started it."""
    if os.geteuid() != 0:
        _cannot("the real WordPress needs root (tests/wordpress/up.sh writes /etc/wordpress)")
    # Under the tests' lock: a test of another run may be stopping and restarting MariaDB
    # (test_wordpress_client.stop_mariadb); two mariadbd started at once on one data
    # directory leave the loser deleting the winner's pid file.
    STATE.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(STATE / "tests.lock")):
        was_running = _php_server_running()
        done = subprocess.run(
            ["bash", str(UP)],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    if done.returncode == 2:
        _cannot(done.stderr.strip().splitlines()[-1])
    if done.returncode != 0:
        pytest.fail(f"tests/wordpress/up.sh failed: {done.stderr.strip()[-800:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    try:
        yield WordPressSite(
            url=data["url"],
            user=data["user"],
            user_id=int(data["user_id"]),
            app_password=data["app_password"],
            reader_user=data["reader_user"],
            reader_user_id=int(data["reader_user_id"]),
            reader_app_password=data["reader_app_password"],
            visitor_user=data["visitor_user"],
            visitor_app_password=data["visitor_app_password"],
        )
    finally:
        if not was_running:
            stop_in_the_background()


def stop_in_the_background() -> None:
    """Stop the WordPress this run started, in a process of its own that outlives the run.

    MariaDB takes ~3.5 s to shut down cleanly; waited for here, those were the last
    seconds of every run that started it, with no test left to run. The stop runs in a
    new session (``setsid -f``, not waited for) under ``flock`` on the tests' lock file,
    the lock ``filelock`` takes (both are ``flock(2)``), so a run starting meanwhile
    waits for it, then starts WordPress again.
    """
    subprocess.run(
        ["setsid", "-f", "flock", str(STATE / "tests.lock"), "bash", str(UP), "--stop"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def wordpress_site(wordpress_server: WordPressSite) -> Iterator[WordPressSite]:
    """The test blog, held for this test alone.

    One WordPress serves every test process on the machine (pytest-xdist workers, other
    checkouts' runs): a lock file beside its state keeps one test at a time seeding it.
    """
    with filelock.FileLock(str(STATE / "tests.lock")):
        yield wordpress_server


@pytest.fixture
def wordpress(wordpress_site: WordPressSite) -> WordPressSite:
    """The test blog wiped and seeded: 3 posts (the last closed), 4 comments each."""
    wordpress_site.seed(posts=3, comments=4, closed=1)
    return wordpress_site


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain httpx client with a timeout (the app's hardened one is built elsewhere)."""
    with httpx.Client(timeout=httpx.Timeout(30.0)) as client:
        yield client
