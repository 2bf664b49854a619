"""Every import format on realistic samples, and the hostile files each must refuse."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tui.importers import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    ImportFailed,
    detect_format,
    feed_url,
    iter_sources,
    load_bytes,
    load_path,
)
from tui.importers.dates import iso_date, utc_date
from tui.importers.threads import FlatComment, build_thread
from tui.model import ANONYMOUS, ParsedComment, ParsedReview

SAMPLES = Path(__file__).parent.parent / "data" / "samples"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def by_title(reviews: list[ParsedReview]) -> dict[str, ParsedReview]:
    return {r.title: r for r in reviews}


def thread_of(comments: tuple[ParsedComment, ...]) -> list[Any]:
    """(author, body) pairs with replies nested, to compare threads at a glance."""
    return [(c.author, c.body, thread_of(c.replies)) for c in comments]


# -- detection and the registry ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("blogger-export.xml", "blogger"),
        ("wordpress-export.xml", "wordpress"),
        ("feed-rss.xml", "feed"),
        ("feed-atom.xml", "feed"),
        ("export.json", "json"),
        ("2019-11-02-parasite.md", "markdown"),
        ("2016-01-20-arrival.md", "markdown"),
    ],
)
def test_formats_are_detected_from_content(tmp_path: Path, name: str, fmt: str) -> None:
    assert fmt in FORMATS
    # A misleading extension changes nothing: the content decides.
    copy = write(tmp_path, Path(name).stem + ".txt", (SAMPLES / name).read_bytes())
    assert detect_format(copy) == fmt
    assert load_path(copy) == load_path(SAMPLES / name, fmt)


def test_unknown_content_and_unknown_format_names(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.xml", "<html><body>hi</body></html>")
    with pytest.raises(ImportFailed, match=r"^notes\.xml: not a format reviews can read"):
        load_path(path)
    with pytest.raises(ImportFailed, match="unknown format 'docx'"):
        load_path(path, "docx")
    with pytest.raises(ImportFailed, match="not a format"):
        load_path(write(tmp_path, "other.json", '{"posts": []}'))
    with pytest.raises(ImportFailed, match="is a folder"):
        load_path(tmp_path)
    with pytest.raises(ImportFailed, match="cannot read it"):
        load_path(tmp_path / "missing.txt")


def test_iter_sources_expands_folders_sorted_without_hidden_or_sidecars(tmp_path: Path) -> None:
    for name in ["b.txt", "b.yaml", "a.md", ".hidden.md", "sub/c.xml", ".git/x.md", "d.yml"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    single = tmp_path / ".hidden.md"
    found = list(iter_sources([tmp_path, single]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.md",
        "b.txt",
        "sub/c.xml",
        ".hidden.md",  # named explicitly: taken as given
    ]


def test_error_messages_are_clean(tmp_path: Path) -> None:
    path = write(tmp_path, "evil\x1b[31m.txt", b"\x00\x01")
    with pytest.raises(ImportFailed) as caught:
        load_path(path)
    assert str(caught.value).startswith("evil␛[31m.txt: ")


# -- Blogger ------------------------------------------------------------------


def test_blogger_posts_comments_and_skipped_entries() -> None:
    reviews = by_title(load_path(SAMPLES / "blogger-export.xml"))
    assert set(reviews) == {
        "Her — love in the age of operating systems",
        "Spirited Away (千と千尋の神隠し) on the big screen again",
    }  # settings, template, page and the draft are skipped
    her = reviews["Her — love in the age of operating systems"]
    assert her.date == "2014-03-06T19:42:00+00:00"
    assert her.author == "Clara Whitfield"
    assert her.tags == ("Spike Jonze", "drama", "science fiction")
    assert her.source == "blogger"
    assert (
        her.source_id
        == "blogger:tag:blogger.com,1999:blog-7391735202719120488.post-5530204893417392016"
    )
    assert "other people’s love letters" in her.body  # &rsquo; decoded
    assert "*Samantha*" in her.body
    assert "### The performances" in her.body
    assert "[Scarlett Johansson](https://en.wikipedia.org/wiki/Scarlett_Johansson)" in her.body
    assert "- Score: Arcade Fire & Owen Pallett" in her.body
    assert "Poster: Theodore in a red shirt" in her.body  # an image becomes its alt text
    assert "_gaq" not in her.body and "stats.example.net" not in her.body
    assert thread_of(her.comments) == [  # oldest first; the reply under its parent
        (
            "Zoë Ångström",
            "I have nominated your site for a Liebster award. Keep up the great work ★",
            [],
        ),
        (
            ANONYMOUS,
            "Great review! This was one of my favourites from last year. "
            "I still can't stop thinking about it.",
            [
                (
                    "Clara Whitfield",
                    "Thank you! It stayed with me too — especially the **beach** scene.",
                    [],
                )
            ],
        ),
    ]
    spirited = reviews["Spirited Away (千と千尋の神隠し) on the big screen again"]
    assert spirited.body == (
        "Chihiro's bathhouse is as strange and as kind as I remembered.\n\n"
        "No-Face still frightens me a little."
    )  # <br /><br /> made a paragraph; the iframe is gone
    assert spirited.date == "2014-02-12T08:15:00+01:00"


# -- WordPress ----------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_wordpress_posts_and_approved_comments(tmp_path: Path, version: str) -> None:
    text = (SAMPLES / "wordpress-export.xml").read_text(encoding="utf-8")
    path = write(tmp_path, "wp.xml", text.replace("export/1.2/", f"export/{version}/"))
    assert detect_format(path) == "wordpress"
    reviews = by_title(load_path(path))
    assert set(reviews) == {
        "Portrait of a Lady on Fire: the gaze, returned",
        "Paddington 2 is a perfect film",
    }  # the page, the draft and the attachment are skipped
    portrait = reviews["Portrait of a Lady on Fire: the gaze, returned"]
    assert portrait.author == "Marta Reyes"  # the display name, not the login
    assert portrait.date == "2020-03-06T18:30:00+00:00"
    assert portrait.tags == ("Drama", "Céline Sciamma", "romance")
    assert (
        portrait.source_id == "wordpress:https://thebackrow.example.com/?p=412@2020-03-06T18:30:00"
    )
    assert portrait.aliases == ("wordpress:https://thebackrow.example.com/?p=412",)
    assert "wp:" not in portrait.body and "document.write" not in portrait.body
    assert portrait.body.startswith("Céline Sciamma’s film is a love story told almost entirely")
    assert "Marianne painting Héloïse" in portrait.body
    assert "## Why it works" in portrait.body and "**that** Vivaldi" in portrait.body
    assert thread_of(portrait.comments) == [
        (
            "Jonas",
            "The last shot — the orchestra, her face — I held my breath.\n\n"
            "Best film of the year for me.",
            [
                (
                    "Marta Reyes",
                    "Same here. Page 28 of *Le Livre de poche* edition of the script says "
                    "it was one take.",
                    [],
                )
            ],
        ),
        ("Anaïs", "Il faut le voir au cinéma. 🎨", []),
    ]  # no spam, no comment awaiting moderation, no pingback, no trackback
    assert portrait.comments[1].date == "2020-03-07T11:40:00+00:00"  # from comment_date_gmt
    assert portrait.comments[0].source_id == (
        "wordpress:https://thebackrow.example.com/?p=412#comment-88"
    )
    paddington = reviews["Paddington 2 is a perfect film"]
    assert paddington.tags == ("Family",)  # "Uncategorized" is no tag
    assert paddington.body == (
        "Marmalade, prison laundry and Hugh Grant having the time of his life.\n\n"
        "If you are kind and polite, the world will be right."
    )


# -- Markdown -----------------------------------------------------------------


def test_markdown_front_matter_and_nested_comments() -> None:
    [parasite] = load_path(SAMPLES / "2019-11-02-parasite.md")
    assert parasite.title == "Parasite: everybody in the house has a plan"
    assert parasite.date == "2019-11-02T21:40:00+00:00"
    assert (parasite.film, parasite.year, parasite.director, parasite.rating) == (
        "Parasite (기생충)",
        2019,
        "Bong Joon-ho",
        5.0,
    )
    assert parasite.tags == ("thriller", "satire", "Bong Joon-ho")
    assert parasite.body.startswith("# Parasite\n\nThe Kims live in a semi-basement")
    assert thread_of(parasite.comments) == [
        (
            "Hana",
            "The peach scene! I will never look at a peach the same way.\n\n"
            "Also: *that* staircase.",
            [
                (
                    "Dev Patel-Okafor",
                    "Ha — the staircases are the whole film, really.",
                    [("Hana", "Down, down, down.", [])],
                )
            ],
        ),
        (ANONYMOUS, "Saw it twice & liked it more the second time.", []),
    ]
    assert parasite.comments[0].date == "2019-11-03T08:12:00+09:00"


def test_markdown_title_from_heading_date_and_identity_from_name() -> None:
    [arrival] = load_path(SAMPLES / "2016-01-20-arrival.md")
    assert arrival.title == "Arrival — a film about grief, disguised as first contact"
    assert arrival.body.startswith("Amy Adams plays a linguist")  # the heading is not repeated
    assert arrival.tags == ("science fiction", "drama")
    assert arrival.date == "2016-01-20"
    assert arrival.source_id == "markdown:2016-01-20-arrival"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: [unclosed\ndate: 2014-03-06\n---\nBody\n", "bad YAML front matter"),
        ("---\n- a list\n- not keys\n---\nBody\n", "not a mapping"),
        ("---\ntitle: x\ndate: 2014-03-06\nBody\n", "no closing --- line"),
        ("---\n!!python/object/apply:os.system [echo pwned]\n---\nBody\n", "bad YAML"),
        ("---\ntitle: x\ndate: 2014-03-06\nyear: soon\n---\nBody\n", "year 'soon' is not a number"),
        ("---\ntitle: x\ndate: 2014-03-06\ncomments: [just text]\n---\nB\n", "not a mapping"),
    ],
)
def test_bad_front_matter_is_reported(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        load_path(write(tmp_path, "bad.md", text))
    assert str(caught.value).startswith("bad.md: ")
    assert reason in str(caught.value)


def test_markdown_without_front_matter_or_utf8(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="no front matter"):
        load_path(write(tmp_path, "plain.md", "# Just a heading\n"), "markdown")
    with pytest.raises(ImportFailed, match="not valid UTF-8"):
        load_path(write(tmp_path, "latin.md", b"---\ntitle: Am\xe9lie\n---\nx\n"))


def test_yaml_alias_bombs_are_refused_quickly(tmp_path: Path) -> None:
    lines = ["---", "title: bomb", "date: 2014-03-06", "l0: &l0 {body: x}"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} {{body: x, replies: [{', '.join([f'*l{i - 1}'] * 10)}]}}")
    lines += ["comments: [*l8]", "---", "text"]
    started = time.perf_counter()
    with pytest.raises(ImportFailed, match="YAML aliases are refused"):
        load_path(write(tmp_path, "bomb.md", "\n".join(lines)))
    with pytest.raises(ImportFailed, match="YAML aliases are refused"):
        load_path(
            write(
                tmp_path,
                "loop.md",
                "---\ndate: 2014-03-06\ncomments: &x [{body: a, replies: *x}]\n---\nt\n",
            )
        )
    assert time.perf_counter() - started < 1


# -- feeds --------------------------------------------------------------------


def test_rss_feed_with_a_comment_item() -> None:
    reviews = by_title(load_path(SAMPLES / "feed-rss.xml"))
    assert set(reviews) == {"Past Lives – what could have been", "The Zone of Interest"}
    past = reviews["Past Lives – what could have been"]
    assert past.author == "Ines Kowalczyk"
    assert past.date == "2024-03-11T19:30:00+00:00"
    assert past.tags == ("Drama", "Celine Song")
    assert past.source == "feed"
    assert "*the* scene of the year — two minutes" in past.body
    assert "pixel.gif" not in past.body
    assert thread_of(past.comments) == [("Min-jun", "In-yun — I felt that one.", [])]
    zone = reviews["The Zone of Interest"]
    assert zone.date == "2024-02-24T12:00:00+01:00"
    assert zone.body.startswith("Jonathan Glazer keeps the horror just out of frame & lets")


def test_atom_feed_threads_replies_and_skips_orphans() -> None:
    reviews = by_title(load_path(SAMPLES / "feed-atom.xml"))
    assert set(reviews) == {"Anatomy of a Fall — the dog knows", "Killers of the Flower Moon"}
    anatomy = reviews["Anatomy of a Fall — the dog knows"]
    assert anatomy.author == "Théo Marchetti"
    assert anatomy.tags == ("courtroom", "drama")
    assert "**marriage**" in anatomy.body and "iframe" not in anatomy.body
    assert thread_of(anatomy.comments) == [
        (
            "Sofie",
            "The 50 Cent “P.I.M.P.” steel-drum cover is still in my head.",
            [("Théo Marchetti", "Same. It plays over the opening for a reason.", [])],
        )
    ]  # Lydia's reply to a post not in the file is skipped
    killers = reviews["Killers of the Flower Moon"]
    assert killers.date == "2023-10-22T09:30:00+02:00"  # no <published>: <updated>
    assert "- Robbie Robertson's last score" in killers.body


def test_a_comment_feed_alone_and_a_broken_feed(tmp_path: Path) -> None:
    comments_only = (
        '<rss version="2.0"><channel><title>Comments on: Her</title>'
        "<item><title>By Sam</title><link>https://b.example/her/#comment-1</link>"
        "<guid>https://b.example/?p=1#comment-1</guid><description>Nice.</description></item>"
        "</channel></rss>"
    )
    with pytest.raises(ImportFailed, match=r"a comment feed: .* not in this file"):
        load_path(write(tmp_path, "comments.xml", comments_only))
    with pytest.raises(ImportFailed, match="not a readable feed"):
        load_path(write(tmp_path, "broken.xml", "<rss><channel><title>x</ti"), "feed")


def test_feed_urls_are_recognised_and_parsed_from_fetched_bytes() -> None:
    # The fetching itself is tui.sources.http's (tests/test_http.py, tests/test_follow_cli.py).
    assert feed_url(Path("https://example.org/feed")) == "https://example.org/feed"
    assert feed_url(Path("feed.xml")) is None
    body = (SAMPLES / "feed-atom.xml").read_bytes()
    assert len(load_bytes(body, "https://example.org/feed")) == 2
    with pytest.raises(ImportFailed, match=r"^https://example\.org/feed: a URL must be fetched"):
        load_path("https://example.org/feed")


# -- our JSON export ----------------------------------------------------------


def test_json_export_keeps_local_replies_and_their_tombstones() -> None:
    moon, amelie = load_path(SAMPLES / "export.json")
    assert (moon.source, moon.film, moon.director) == ("blogger", "Moon", "Duncan Jones")
    assert moon.source_id == (
        "blogger:tag:blogger.com,1999:blog-7391735202719120488.post-1009283746512093847"
    )
    first = moon.comments[0]
    assert first.source_id == "hash:3f2a9c0d41e7b856" and not first.local
    mine, regretted = first.replies  # a deleted reply comes back as its tombstone
    assert mine.local and mine.source_id == "local:5b8f0a7e2c6d4e1f9a3b7c2d1e0f4a5b"
    assert mine.body == "Same — the *birthday message* scene especially."
    assert mine.date == "2024-05-01T20:14:09+01:00"
    assert mine.edited == "2024-05-01T20:20:00+01:00" and mine.deleted is None
    assert regretted.local and regretted.deleted == "2024-05-01T20:17:00+01:00"
    assert regretted.body == "A reply I thought better of."
    [kept] = amelie.comments  # deleted, answered: the tombstone still holds the answer
    assert kept.local and kept.deleted == "2024-05-02T09:05:00+01:00"
    assert thread_of(kept.replies) == [("Nino", "Too late, I saw it! 📸", [])]
    assert amelie.rating == 4.0 and amelie.year == 2001


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"reviews": [1]}', "a review is not a mapping"),
        (b'{"reviews": "many"}', 'no "reviews" list'),
        (b'{"reviews": [{"title": "x", "date": "2014-03-06"}]}', "has no body"),
        (b'{"reviews": [', "not valid JSON"),
        (b'{"reviews": ["\xff"]}', "not valid JSON"),
    ],
)
def test_bad_json_is_reported(tmp_path: Path, content: bytes, reason: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        load_path(write(tmp_path, "export.json", content), "json")
    assert reason in str(caught.value)


# -- safety ---------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = '<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY lol0 "lol">' + LAUGHS + "]>"
XXE = '<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ROOTS = {
    "blogger": (
        "feed",
        "<feed xmlns='http://www.w3.org/2005/Atom'><entry><category "
        "scheme='http://schemas.google.com/g/2005#kind' "
        "term='http://schemas.google.com/blogger/2008/kind#post'/><id>p</id>"
        "<title>&{entity};</title></entry></feed>",
    ),
    "wordpress": (
        "rss",
        "<rss xmlns:wp='http://wordpress.org/export/1.2/'><channel><item><title>&{entity};"
        "</title><wp:post_type>post</wp:post_type></item></channel></rss>",
    ),
    "feed": (
        "rss",
        "<rss version='2.0'><channel><item><title>&{entity};</title></item></channel></rss>",
    ),
}


@pytest.mark.parametrize("fmt", sorted(ROOTS))
@pytest.mark.parametrize("attack", ["laughs", "xxe"])
@pytest.mark.parametrize("forced", [False, True])
def test_xml_bombs_and_external_entities_are_refused(
    tmp_path: Path, fmt: str, attack: str, forced: bool
) -> None:
    root, document = ROOTS[fmt]
    prolog = (BILLION_LAUGHS if attack == "laughs" else XXE).replace("{root}", root)
    entity = "lol9" if attack == "laughs" else "xxe"
    path = write(tmp_path, "attack.xml", prolog + document.replace("{entity}", entity))
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as caught:
        load_path(path, fmt if forced else None)
    assert time.perf_counter() - started < 1
    assert "refused" in str(caught.value)
    assert "root:" not in str(caught.value) and "lollol" not in str(caught.value)


def test_a_broken_feed_declaring_entities_never_reaches_feedparser(tmp_path: Path) -> None:
    text = "<rss><channel><item><title>x</ti>" + XXE.replace("{root}", "rss") + "&xxe;"
    with pytest.raises(ImportFailed, match="refused"):
        load_path(write(tmp_path, "sneaky.xml", text), "feed")


def test_files_over_the_cap_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.truncate(260_000_000)  # sparse: costs nothing on disk
    assert DEFAULT_MAX_BYTES == 200_000_000

    real_open = Path.open

    class NoReading:
        """A file handle that can be measured but not read."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> NoReading:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return int(self.handle.fileno())

        def read(self, *args: object) -> bytes:
            raise AssertionError("read before the size check")

    monkeypatch.setattr(Path, "open", lambda self, *a, **k: NoReading(real_open(self, *a, **k)))
    with pytest.raises(ImportFailed) as caught:
        load_path(path)
    assert str(caught.value) == "huge.xml: 260.0 MB is over the 200 MB import limit"


def test_a_custom_cap(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "---\ndate: 2014-03-06\n---\n" + "x" * 3_000_000)
    with pytest.raises(ImportFailed, match=r"3\.0 MB is over the 2 MB import limit"):
        load_path(path, max_bytes=2_000_000)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("t.md", '---\ntitle: "Her\\e]0;pwned\\a"\ndate: 2014-03-06\n---\nBody\n'),
        (
            "t.json",
            '{"reviews": [{"title": "Her\\u001b]0;pwned\\u0007", '
            '"date": "2014-03-06", "body": "b"}]}',
        ),
        ("t.txt", "Her\x1b]0;pwned\x07\n6 March 2014\n\nBody.\n"),
        (
            "t.xml",
            '<rss version="2.0"><channel><item><title>Her&#x1b;]0;pwned</title>'
            "<description>b</description></item></channel></rss>",
        ),
    ],
)
def test_control_characters_become_visible(tmp_path: Path, name: str, content: str) -> None:
    [review] = load_path(write(tmp_path, name, content))
    assert review.title.startswith("Her␛]0;pwned")
    assert "\x1b" not in review.title and "\x07" not in review.title


# -- dates and threads ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thursday, 6 March 2014", "2014-03-06"),
        ("March 6, 2014", "2014-03-06"),
        ("2014-03-06T10:15:00.001-08:00", "2014-03-06T10:15:00-08:00"),
        ("2014-03-06T10:15:00Z", "2014-03-06T10:15:00+00:00"),
        ("Thu, 06 Mar 2014 10:00:00 +0000", "2014-03-06T10:00:00+00:00"),
        ("not a date", None),
        ("", None),
    ],
)
def test_dates_become_iso(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_threads_survive_cycles_duplicates_and_great_depth() -> None:
    def c(body: str) -> ParsedComment:
        return ParsedComment("a", None, body)

    flat = [
        FlatComment("1", None, c("one")),
        FlatComment("2", "3", c("two")),
        FlatComment("3", "2", c("three")),  # a cycle: nobody reaches it from the top
        FlatComment("1", None, c("again")),  # a repeated id keeps the first
        FlatComment("4", "4", c("self")),
    ]
    assert thread_of(build_thread(flat)) == [
        ("a", "one", []),
        ("a", "self", []),
        ("a", "two", [("a", "three", [])]),  # the cycle, cut at its first member
    ]
    deep = [FlatComment(str(i), str(i - 1) if i else None, c(str(i))) for i in range(5000)]
    node = build_thread(deep)[0]
    depth = 1
    while node.replies:
        node, depth = node.replies[0], depth + 1
    assert depth == 5000


@pytest.mark.parametrize(
    "text",
    [
        "2020-01-01 10:00:00",
        " 2020-01-01T10:00:00 ",
        "2020-01-01x10:00:00",
        "0999-12-31 23:59:59",
        "2020-W01-1 10:00:00",
        "2020-01-01T100000.1",
        "2020-01-01 10:00",
        "2020-01-01T10:00:00Z",
        "2020-01-01T10:00:00+02:00",
        "0000-00-00 00:00:00",
        "2020-02-30 10:00:00",
        "2020-01-01 24:00:00",
    ],
)
def test_a_wordpress_gmt_date_reads_as_the_datetime_parser_reads_it(text: str) -> None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        assert utc_date(text) is None
        return
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    assert utc_date(text) == value.isoformat(timespec="seconds")
