"""The seed text format, read from the real seed and from variations of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.importers import ImportFailed, bundled_seeds, detect_format, load_path, seeds_dir
from tui.model import ANONYMOUS

SEED = Path(__file__).parent.parent / "seeds" / "000_be53c1186d4633ab.txt"
FIRST = (
    "Theodore Twombly (Joaquin Phoenix) works at a handwritten, romantic card service for "
    "people who can’t express their feelings to a loved one. Having to write heartfelt loving "
    "messages is a life needle as Theodore is going through a sticky divorce and is struggling "
    "to move on from the loss of the love of his life. Theodore buys a new state of the art "
    "operating system and eventually falls in love with the newly bought operating system. Set "
    "in the future, Her asks many questions about human relationships with other humans and "
    "technology."
)
LAST = (
    "Her is a beautifully shot film with an emotionally resonant centre, Her is essentially "
    "about the fundamental importance of close human relationships and how in your hour of need "
    "silence of person you most care about is worth more than 10,000 empty words."
)
COMMENTS = [
    "Great review! This was one of my favorite from last year. I still can't stop thinking "
    "about it.",
    "I have nominated your site for a Liebster award. Keep up the great work",
]


def write(tmp_path: Path, text: str | bytes, name: str = "review.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_the_real_seed_reads_exactly() -> None:
    [review] = load_path(SEED)
    paragraphs = review.body.split("\n\n")
    assert review.date == "2014-03-06"
    assert len(paragraphs) == 5
    assert paragraphs[0] == FIRST
    assert paragraphs[-1] == LAST
    assert [c.body for c in review.comments] == COMMENTS
    assert all(c.author == ANONYMOUS and c.date is None for c in review.comments)
    assert all(c.source_id is None and not c.replies for c in review.comments)
    assert review.source == "seed"
    assert review.source_id is not None and review.source_id.startswith("seed:")


def test_the_sidecar_names_the_film() -> None:
    [review] = load_path(SEED)
    assert review.title == "Her"
    assert (review.film, review.year, review.director) == ("Her", 2013, "Spike Jonze")
    assert {"drama", "romance"} <= set(review.tags)
    assert review.author == ANONYMOUS


def test_without_the_sidecar_the_title_comes_from_the_text(tmp_path: Path) -> None:
    copy = tmp_path / SEED.name
    shutil.copyfile(SEED, copy)
    [review] = load_path(copy)
    assert review.title == "Theodore Twombly (Joaquin Phoenix) works at a handwritten…"
    assert "be53c" not in review.title
    assert review.film is None and review.tags == ()


def test_the_seed_file_is_detected_and_bundled() -> None:
    assert detect_format(SEED) == "seed"
    assert seeds_dir() == SEED.parent
    reviews = bundled_seeds()
    assert [r.title for r in reviews] == ["Her"]


def test_identity_survives_new_comments(tmp_path: Path) -> None:
    [before] = load_path(SEED)
    grown = SEED.read_bytes() + b"\n\n  3. A later comment.\n"
    [after] = load_path(write(tmp_path, grown))
    assert after.source_id == before.source_id
    assert [c.body for c in after.comments] == [*COMMENTS, "A later comment."]


def test_crlf_bom_and_trailing_whitespace(tmp_path: Path) -> None:
    raw = SEED.read_text(encoding="utf-8").replace("\n", "  \t\r\n")
    [review] = load_path(write(tmp_path, "\ufeff" + raw))
    [original] = load_path(SEED)
    assert review.body == original.body
    assert review.comments == original.comments
    assert review.date == "2014-03-06"


@pytest.mark.parametrize("line", ["6 March 2014", "March 6, 2014", "2014-03-06"])
def test_other_date_lines(tmp_path: Path, line: str) -> None:
    [review] = load_path(write(tmp_path, f"{line}\n\nA short text. It ends here.\n"))
    assert review.date == "2014-03-06"
    assert review.title == "A short text"
    assert review.comments == ()


def test_title_line_before_or_after_the_date(tmp_path: Path) -> None:
    body = "The first paragraph of the review.\n\nThe second one.\n"
    [before] = load_path(write(tmp_path, f"Her\n6 March 2014\n\n{body}", "a.txt"))
    [after] = load_path(write(tmp_path, f"6 March 2014\n\nHer\n\n{body}", "b.txt"))
    for review in (before, after):
        assert review.title == "Her"
        assert review.body == "The first paragraph of the review.\n\nThe second one."


def test_multiline_comments_and_a_numbered_list_in_the_body(tmp_path: Path) -> None:
    text = (
        "6 March 2014\n\nBest scenes:\n1. the beach\n2. the lift\n\nThat is all.\n\n"
        "  1. First comment\n     runs on.\n\n     And on.\n  2. Second.\n"
    )
    [review] = load_path(write(tmp_path, text))
    assert review.body == "Best scenes:\n1. the beach\n2. the lift\n\nThat is all."
    assert [c.body for c in review.comments] == ["First comment\nruns on.\n\nAnd on.", "Second."]


def test_control_characters_are_cleaned(tmp_path: Path) -> None:
    [review] = load_path(write(tmp_path, "\x1b]0;pwned\x07Evil\n6 March 2014\n\nText.\n"))
    assert review.title == "␛]0;pwned␇Evil"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\xff", "not a format"),
        (b"Just some words\n\nwith no date line.\n", "not a format"),
    ],
)
def test_unreadable_files_are_named(tmp_path: Path, content: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        load_path(write(tmp_path, content, "bad.txt"))
    assert str(caught.value).startswith("bad.txt: ")
    assert reason in str(caught.value)


def test_forced_seed_without_a_date_or_with_bad_utf8(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"^x\.txt: no date line"):
        load_path(write(tmp_path, "Words\nMore words\n", "x.txt"), "seed")
    with pytest.raises(ImportFailed, match="not valid UTF-8"):
        load_path(write(tmp_path, b"6 March 2014\n\nbad \xff byte\n", "y.txt"), "seed")


def test_a_bad_sidecar_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "6 March 2014\n\nText.\n")
    path.with_suffix(".yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"sidecar review\.yaml"):
        load_path(path)
    path.with_suffix(".yaml").write_text("!!python/object:os.system ls\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="sidecar"):
        load_path(path)
