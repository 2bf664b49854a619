"""Real export and feed files written by other projects, read from ``../shared/corpus``.

The files are third-party and never copied into this repository; when the folder
is not beside the checkout these tests are skipped. Each file is imported into a
new database and its counts checked against the table in the corpus README,
which were counted from the files themselves, not by our importers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_runner import run_reviews
from shared_corpus import CORPUS, needs_corpus
from shared_corpus import HERE as CORPUS_HERE

from tui.importers import ImportFailed, iter_sources, load_path
from tui.model import ParsedReview, thread
from tui.store import Store

pytestmark = needs_corpus
DISQUS_PAGE = "http://example.org/"
"""The permalink the Disqus sample's thread names: the review it is imported onto."""


@dataclass(frozen=True)
class Expected:
    """One row of the corpus README's table."""

    name: str
    outcome: str
    reviews: int
    comments: int
    depth: int


def expected_rows() -> list[Expected]:
    if not CORPUS_HERE:
        return []
    rows = []
    for line in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`(.+)`", cells[0]) if len(cells) >= 5 else None
        if match is None:
            continue
        numbers = [int(cell) if cell.isdigit() else 0 for cell in cells[2:5]]
        rows.append(Expected(match[1], cells[1], *numbers))
    return rows


ROWS = expected_rows()


def test_the_table_lists_every_file_in_the_corpus() -> None:
    listed = {row.name for row in ROWS}
    present = {
        path.relative_to(CORPUS).as_posix()
        for path in iter_sources([CORPUS])
        if path.name != "README.md"
    }
    assert present <= listed


def _imported(tmp_path: Path, reviews: list[ParsedReview]) -> tuple[int, int, int, list[str]]:
    """Reviews, comments stored, deepest reply level and orphans, in a new database (for
    Disqus, one holding the review its thread belongs to, as the table counts it)."""
    store = Store(tmp_path / "db.json")
    try:
        if any(r.source == "disqus" for r in reviews):
            store.import_reviews(
                [ParsedReview(title="Page", date="2013-10-10", body="x", url=DISQUS_PAGE)]
            )
        report = store.import_reviews(reviews)
        comments = [c for r in store.reviews() for c in store.comments(r.id)]
        depth = max((row.depth for row in thread(comments)), default=-1) + 1
        orphans = [link for link, _ in report.orphans]
        return len(store.reviews()), len(comments), depth, orphans
    finally:
        store.close()


BIG = {"feed/rss-parser-giantbomb-podcast.rss"}
"""The corpus's big files (1.6 MB: ~1 s of CPU to parse and import), ``slow`` by size
(tests/test_markers.py): the inner loop checks every other file of the table."""


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=row.name, marks=[pytest.mark.slow] if row.name in BIG else [])
        for row in ROWS
    ],
)
def test_each_file_imports_as_the_table_says(tmp_path: Path, row: Expected) -> None:
    path = CORPUS / row.name
    if not path.is_file():
        pytest.skip(f"{row.name} is kept back from this copy of the corpus")
    try:
        parsed = load_path(path)
    except ImportFailed as error:
        assert row.outcome in {"error", "error-or-import", "no-review"}, str(error)
        assert str(error).startswith(f"{path.name}: ")
        assert "\n" not in str(error) and "None" not in str(error)
        return
    if row.outcome == "no-review":
        assert parsed == []
        return
    assert row.outcome in {"import", "error-or-import"}, f"{row.name} should be refused"
    reviews, comments, depth, orphans = _imported(tmp_path, parsed)
    assert (reviews, comments) == (row.reviews, row.comments)
    if row.name.startswith("disqus/"):
        # This row counts levels of replies (a comment and its reply: 1), the others
        # levels of comments (a lone comment: 1; WordPress's 10-deep thread: 10).
        assert (depth - 1, len(orphans)) == (row.depth, 1)
    elif row.depth:
        assert depth == row.depth


@pytest.mark.slow
def test_the_whole_corpus_in_one_command_then_again_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    first = run_reviews("import", "--db", str(db), str(CORPUS))
    assert first.returncode in {0, 1}, first.stderr
    assert "Traceback" not in first.stderr
    refused = [line for line in first.stderr.splitlines() if line.startswith("skipped ")]
    refusing = {row.name.rsplit("/", 1)[-1] for row in ROWS if row.outcome != "import"}
    refusing.add("README.md")
    assert {line.split(":")[0].removeprefix("skipped ") for line in refused} <= refusing
    expected = sum(row.reviews for row in ROWS if row.outcome == "import")
    assert "nothing to import" not in first.stdout
    added = int(re.search(r"reviews: (\d+) added", first.stdout)[1])  # type: ignore[index]
    # Two WordPress test exports hold the same post of one blog (http://localhost,
    # post 1, published the same second): it is one review, the last file's version.
    assert expected - 1 <= added <= expected
    before = db.read_bytes()
    second = run_reviews("import", "--db", str(db), str(CORPUS))
    assert second.returncode == first.returncode
    assert "reviews: 0 added, 0 updated" in second.stdout
    assert "comments: 0 added" in second.stdout
    assert db.read_bytes() == before
