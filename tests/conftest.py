"""Shared fixtures: every test runs with its own database, config and data directories."""

from __future__ import annotations

import asyncio
import compileall
import gc
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from blog_server import BlogServer, FixtureBlog
from hypothesis import settings
from hypothesis_tables import build_unicode_tables
from property_counts import choose_profile, inner_loop

import tui.config
from tui.config import Config
from tui.model import ParsedComment, ParsedReview

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["cpu_audit", "pytester"]
"""``--cpu-audit`` (the tests outside ``slow`` over the inner loop's CPU budget), and
pytest's own ``pytester`` (``tests/test_cpu_audit.py`` runs a small suite with it)."""

TEST_GC_THRESHOLDS = (50_000, 20, 20)
"""The collector's thresholds in a process that runs tests (``python_gc_defaults``)."""
PYTHON_GC_DEFAULTS = (700, 10, 10)
"""CPython's own thresholds, which the reader runs with."""


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package, the test helpers and the benchmarks once, before any test.

    Hundreds of tests start ``python -m tui`` or a helper script in a child process. An
    editable install ships no bytecode, and with ``PYTHONDONTWRITEBYTECODE`` set (as on
    many CI machines) no child ever writes any: every one of them compiled the whole
    package again, about 0.3 s of CPU each, 100 s over the suite. ``compileall`` writes
    ``__pycache__`` (git-ignored) only for files that changed; done by the controller
    alone, before the xdist workers start.
    """
    # pytest's rewritten test modules are cached too (it honours the flag otherwise);
    # each process writes its copy atomically, so two workers never clash.
    sys.dont_write_bytecode = False
    # A worker runs a thousand tests and a hundred apps in one heap. With CPython's
    # thresholds it made ~3,000 young and ~180 full collections, walking what every
    # earlier test left alive: ~20 % of the inner loop's CPU (measured with gc.callbacks).
    # The reader's own collection policy is tested under Python's thresholds
    # (``python_gc_defaults``); its store still collects and freezes at each load.
    gc.set_threshold(*TEST_GC_THRESHOLDS)
    share_css_parses()
    settings.load_profile(choose_profile(config.option.markexpr or ""))
    if hasattr(config, "workerinput"):
        return
    # The workers (started after this) and their children cache bytecode too: each
    # worker otherwise rewrote the asserts of ~70 plugin modules (pytest-asyncio, anyio,
    # syrupy, xdist) again, ~0.3 s of CPU a process, since no process ever kept them.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for folder in ("tui", "tests", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1, workers=1)
    # Hypothesis's Unicode tables, built here once (~2.2 s of CPU in a fresh clone) and
    # read by every worker, rather than built by each (tests/hypothesis_tables.py).
    build_unicode_tables()


def pytest_report_header(config: pytest.Config) -> str:
    """Say how many examples the property tests try (tests/property_counts.py)."""
    profile = choose_profile(config.option.markexpr or "")
    return f"property tests: Hypothesis profile {profile!r} ({settings().max_examples} examples)"


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: known only with it installed
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: for the whole suite three workers a core, at most four more than the
    cores; for the inner loop (``-m "not slow"``) two a core.

    The whole suite waits a lot: children starting, the real WordPress and HTTP servers
    answering, a pilot waiting for an idle app (with a worker a core, 230 s of CPU in
    228 s on two cores). Back to back in pairs on two cores: four workers 104.6 / 112.1 s,
    six 96.9 / 95.6 s (three 126.0 s, five 97.9 s).

    The inner loop keeps only tests under the CPU budget (``tests/cpu_audit.py``), which
    wait little, and each worker costs ~2.2 s of CPU to start and collect before any
    test runs. On two cores, alternating: four workers 22.0-22.5 s, six 23.2-24.9 s,
    three 23.1-23.5 s. Past a few spare workers a big CI machine gains little and pays
    memory. ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still wins.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    if inner_loop(config.option.markexpr or ""):
        return cores * 2
    return cores + min(cores * 2, 4)


CSS_PARSES: dict[tuple[object, ...], Any] = {}
"""Parsed rules by CSS text, where it came from and the CSS variables, for every App."""


def share_css_parses() -> None:
    """Every App parses the app's stylesheet and each widget's DEFAULT_CSS again (about a
    tenth of a pilot test's start-up): ``Stylesheet`` caches parses per instance, and
    each App has its own. Here one cache serves every App in the test process, keyed as
    Textual keys its own plus the variables the rules were parsed with (the theme's),
    so an App never gets rules parsed for another theme. The rules are only read after
    parsing (each App's own cache already hands the same list out again).
    tests/test_textual_private.py fails loudly if ``_parse_rules`` changes shape.
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    if getattr(parse_rules, "shared", False):
        return

    def shared_parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> Any:
        variables = tuple(self._variables.items())
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
        try:
            return CSS_PARSES[key]
        except KeyError:
            pass
        rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        CSS_PARSES[key] = rules
        return rules

    shared_parse_rules.shared = True  # type: ignore[attr-defined]
    shared_parse_rules.original = parse_rules  # type: ignore[attr-defined]
    Stylesheet._parse_rules = shared_parse_rules  # type: ignore[method-assign]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest work first: the tests on the one WordPress (one xdist group, run one
    after the other by a single worker), then the other ``slow`` tests, then the rest.

    ``--dist loadgroup`` hands out work in collection order; started last, the WordPress
    group alone would outlast everything else. Order within each part is kept.
    """

    def rank(item: pytest.Item) -> int:
        group = item.get_closest_marker("xdist_group")
        if group is not None and group.args == ("wordpress",):
            return 0
        return 1 if item.get_closest_marker("slow") is not None else 2

    items.sort(key=rank)


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


USERS_SYNC_EVERY = tui.config.SYNC_EVERY
"""The users' ``sync_every`` default (tests/test_auto_sync.py pins it)."""


@pytest.fixture(autouse=True)
def no_sync_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader in a test syncs only when the test says: ``Config()`` here has no
    ``sync_every``, so a pilot test that runs past the first look (5 s) never pulls a
    fixture blog it followed for something else. The tests of the reader's own syncs
    (tests/test_auto_sync.py) set ``sync_every`` themselves and pin the users' default.
    """
    monkeypatch.setattr(tui.config, "SYNC_EVERY", None)


QUICK_IDLE_STEP = 0.005
"""The step of quick_pilot_keys' idle test (Textual's is 20 ms)."""


async def _quick_idle(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """``textual._wait.wait_for_idle`` in 5 ms steps: idle once a step used under 5 % CPU."""
    start = time.monotonic()
    while True:
        cpu = time.process_time()
        await asyncio.sleep(QUICK_IDLE_STEP)
        busy = time.process_time() - cpu
        elapsed = time.monotonic() - start
        if elapsed >= max_sleep or (elapsed > min_sleep and busy < QUICK_IDLE_STEP / 20):
            return


@pytest.fixture(autouse=True)
def quick_pilot_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key ``pilot.press`` sends is followed by two waits for an idle app, in steps
    of 20 ms; typing a sentence slept about a second. Key presses here wait in 5 ms steps
    (the same 5 % rule). ``pilot.pause()`` keeps Textual's 20 ms steps: a test that asks
    for the app to be idle gets the coarser, surer test. tests/test_textual_private.py
    fails loudly if Textual stops importing ``wait_for_idle`` into textual.app.
    """
    import textual.app

    monkeypatch.setattr(textual.app, "wait_for_idle", _quick_idle)


@pytest.fixture
def python_gc_defaults() -> Iterator[None]:
    """CPython's collector thresholds for one test, as the reader runs with them
    (the tests of ``tui.idle_gc`` and ``tui.store.heap``); the test process's are put back."""
    saved = gc.get_threshold()
    gc.set_threshold(*PYTHON_GC_DEFAULTS)
    yield
    gc.set_threshold(*saved)


@pytest.fixture
def fresh_tls_context() -> Iterator[None]:
    """The TLS context is built once a process, reading the environment then
    (tui.sources.tls): forgotten before and after the test, as by a process started anew."""
    from tui.sources.tls import verifying_context

    verifying_context.cache_clear()
    yield
    verifying_context.cache_clear()


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
