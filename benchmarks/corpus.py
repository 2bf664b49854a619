"""Deterministic, realistic review corpora for the benchmarks.

``python benchmarks/corpus.py --reviews 10000 --comments 100000 --big-thread 2000 --out FILE``
writes a TinyDB database exactly as the store writes one (the same tables,
serialised by ``tui.store.storage.serialise_tables``: a line per table name and per
thousand documents); ``--export`` writes our JSON export instead
(``{"reviews": [...]}`` with nested comments), ready for ``reviews import``.

The same arguments and seed always give byte-identical output. Review ids run
in date order, so the newest review has the highest id; the one review with
the big thread is chosen with ``--big-thread-at`` (``middle`` by default, so
startup shows a typical review and the big-thread benchmark opens it on purpose).

Every review body and comment body begins with a short plain ASCII sentence
(the *lede*): the startup benchmark looks for it on screen.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson

from tui.store.storage import serialise_tables

SCHEMA_VERSION = 1
DEFAULT_SEED = 20240229

# -- vocabulary ---------------------------------------------------------------------------

_WORDS = (  # noqa: SIM905 - a paragraph of words reads better than a list literal
    "film camera light shadow scene actor frame story silence music score city night "
    "river winter summer house road memory dream war love family stranger letter train "
    "window garden mirror ghost island harbour mountain desert storm voice face hands "
    "editing pacing dialogue ending opening sequence performance direction colour grain "
    "lens close-up long take montage cut script plot character mood tension rhythm "
    "quiet slow brilliant uneven tender brutal patient restless luminous bleak warm cold "
    "strange familiar careful generous sharp soft heavy light-footed ambitious modest "
    "remember watch return follow lose find carry break hold leave wait listen build "
    "almost perhaps never always quietly suddenly finally somehow rarely often still"
).split()
_UNICODE_WORDS = (  # noqa: SIM905
    "café naïve déjà-vu über façade mañana smörgåsbord crème brûlée Zürich São Paulo "
    "東京 映画 物語 静か 夜 花 사랑 영화 电影 月光 🎬 🍿 ✨ 🎞️ 👻 ❤️ — … «cinéma» „Kino“"
).split()
_LEDE_OPENERS = (
    "I went in expecting very little",
    "This is a film about waiting",
    "Some films announce themselves",
    "There is a moment near the end",
    "It took me two viewings",
    "Nobody warned me about the score",
    "The first shot lasts four minutes",
    "I have been thinking about this one",
    "Here is a quiet little miracle",
    "What a strange and lovely mess",
    "Finally caught this at the festival",
    "Great point about the lighting",
    "I disagree about the ending",
    "Thanks for writing this up",
    "Saw it again last night",
    "Not sure I buy the premise",
)
_FILM_FIRST = (
    "The Silent",
    "A Long",
    "Night of the",
    "Return to",
    "The Last",
    "Beyond the",
    "Under the",
    "Letters from the",
    "Song of the",
    "Children of the",
    "Ghosts of the",
    "Winter in the",
    "The Glass",
    "Across the",
    "Before the",
    "City of",
)
_FILM_SECOND = (
    "Harbour",
    "Summer",
    "River",
    "Mountain",
    "Stranger",
    "Garden",
    "Mirror",
    "Island",
    "Orchard",
    "Lighthouse",
    "Desert",
    "Station",
    "Forest",
    "Archive",
    "Carnival",
    "Frontier",
    "Hotel",
    "Road",
)
_UNICODE_FILMS = (
    "Amélie's Kitchen",
    "東京物語 (Tokyo Story)",
    "千と千尋 Revisited",
    "La Règle du Jeu",
    "Das Boot: Tiefe",
    "괴물 (The Host)",
    "Ça Ira 🎬",
    "Smultronstället",
    "Cidade de Deus",
    "花样年华 In the Mood",
    "Ånglaget",
    "Żywot Mateusza",
)
_TITLE_FORMS = (
    "{film}",
    "Review: {film} ({year})",
    "{film}: a second look",
    "On {film}",
    "Why {film} still matters",
    "{film} — notes from the festival",
)
_PEOPLE = (
    "Agnès Varda",
    "Akira Kurosawa",
    "Yasujirō Ozu",
    "Bong Joon-ho",
    "Wong Kar-wai",
    "Céline Sciamma",
    "Andrei Tarkovsky",
    "Chantal Akerman",
    "Pedro Almodóvar",
    "Abbas Kiarostami",
    "Jane Campion",
    "Kelly Reichardt",
    "Hirokazu Kore-eda",
    "Krzysztof Kieślowski",
    "Satyajit Ray",
    "Lucrecia Martel",
    "Apichatpong Weerasethakul",
    "Claire Denis",
    "黒澤明",
    "是枝裕和",
    "봉준호",
    "侯孝賢",
    "Chloé Zhao",
    "Ingmar Bergman",
)
_AUTHORS = (
    "marguerite",
    "filmfan42",
    "José Luis",
    "Zoë",
    "Björn Ångström",
    "anonymous coward",
    "cinephile",
    "Nguyễn Văn An",
    "山田太郎",
    "김민지",
    "O'Brien",
    "late_night_viewer",
    "Ren 🎞️",
    "Ana-María",
    "the projectionist",
    "Priya",
    "Łukasz",
    "ghost_light",
    "Søren",
    "Maëlle",
)
_TAGS = (
    "drama",
    "comedy",
    "noir",
    "documentary",
    "horror",
    "sci-fi",
    "western",
    "animation",
    "festival",
    "classic",
    "slow-cinema",
    "japan",
    "korea",
    "france",
    "rewatch",
    "essay",
    "silent",
    "musical",
    "日本映画",
    "été",
)


# -- generation ---------------------------------------------------------------------------


@dataclass
class Corpus:
    """A generated corpus: the store's tables (documents keyed by decimal id strings)."""

    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)
    big_thread_review: int | None = None
    """The id of the review that carries the big thread, if any."""

    def tables(self) -> dict[str, dict[str, Any]]:
        """The four TinyDB tables, as the store writes them."""
        return {
            "meta": {"1": {"schema_version": SCHEMA_VERSION}},
            "reviews": self.reviews,
            "comments": self.comments,
            "reads": {},
        }

    def export(self) -> dict[str, Any]:
        """Our JSON export: every review with its comments nested as a tree."""
        replies: dict[int | None, list[tuple[int, dict[str, Any]]]] = {}
        by_review: dict[int, list[tuple[int, dict[str, Any]]]] = {}
        for key, doc in self.comments.items():
            cid = int(key)
            if doc["parent_id"] is None:
                by_review.setdefault(doc["review_id"], []).append((cid, doc))
            else:
                replies.setdefault(doc["parent_id"], []).append((cid, doc))

        def node(cid: int, doc: dict[str, Any]) -> dict[str, Any]:
            # Threads are at most a few levels deep here, so recursion is safe.
            fields = ("author", "date", "body", "local", "source_id", "edited", "deleted")
            out: dict[str, Any] = {"id": cid, **{k: doc[k] for k in fields}}
            out["replies"] = [node(c, d) for c, d in replies.get(cid, [])]
            return out

        reviews = []
        for key, doc in self.reviews.items():
            rid = int(key)
            top = by_review.get(rid, [])
            reviews.append({"id": rid, **doc, "comments": [node(c, d) for c, d in top]})
        return {"reviews": reviews}


class _Writer:
    """Text generation from a seeded random source, built around a sentence pool."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(3000)]
        self.unicode_sentences = [self._sentence(unicode=True) for _ in range(400)]

    def _sentence(self, unicode: bool = False) -> str:
        rng = self.rng
        words = rng.choices(_WORDS, k=rng.randint(6, 22))
        if unicode:
            for _ in range(rng.randint(1, 3)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(_UNICODE_WORDS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice(".....!?")

    def lede(self) -> str:
        """A plain ASCII opening sentence the startup benchmark can look for on screen."""
        rng = self.rng
        return f"{rng.choice(_LEDE_OPENERS)} {rng.choice(_WORDS)} {rng.choice(_WORDS)}."

    def paragraph(self, chars: int) -> str:
        """Sentences from the pool until about ``chars`` characters."""
        rng = self.rng
        out: list[str] = []
        size = 0
        while size < chars:
            pool = self.unicode_sentences if rng.random() < 0.08 else self.sentences
            sentence = rng.choice(pool)
            if rng.random() < 0.1:
                words = sentence.split(" ")
                i = rng.randrange(len(words))
                mark = rng.choice(("*", "**", "_"))
                words[i] = f"{mark}{words[i]}{mark}"
                sentence = " ".join(words)
            out.append(sentence)
            size += len(sentence) + 1
        return " ".join(out)

    def markdown(self, chars: int) -> str:
        """A Markdown review body of about ``chars`` characters: lede, paragraphs, extras."""
        rng = self.rng
        parts = [self.lede() + " " + self.paragraph(min(chars // 4, 300))]
        size = len(parts[0])
        while size < chars:
            roll = rng.random()
            if roll < 0.08:
                block = "## " + rng.choice(("The look", "The sound", "Verdict", "Notes"))
            elif roll < 0.16:
                items = rng.choices(self.sentences, k=rng.randint(2, 5))
                block = "\n".join(f"- {item}" for item in items)
            elif roll < 0.21:
                block = "> " + rng.choice(self.sentences)
            elif roll < 0.25:
                block = f"See [the trailer](https://example.com/t/{rng.randrange(10**6)})."
            else:
                block = self.paragraph(rng.randint(200, 700))
            parts.append(block)
            size += len(block) + 2
        return "\n\n".join(parts)

    def comment(self) -> str:
        """A comment body: mostly short, sometimes a few paragraphs."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.62:
            chars = rng.randint(0, 40)
        elif roll < 0.94:
            chars = rng.randint(40, 200)
        else:
            chars = rng.randint(200, 900)
        text = self.lede()
        if chars:
            text += " " + self.paragraph(chars)
        if chars > 600:
            text += "\n\n" + self.paragraph(chars // 3)
        return text


def _body_length(rng: random.Random) -> int:
    """Review body lengths: ~1.3 KB on average, a long tail of essays."""
    roll = rng.random()
    if roll < 0.002:
        return rng.randint(30_000, 60_000)  # the odd very long essay
    if roll < 0.05:
        return rng.randint(3_000, 6_000)
    return max(200, int(rng.gauss(800, 300)))


def _iso(moment: datetime, with_time: bool) -> str:
    return moment.isoformat(timespec="seconds") if with_time else moment.date().isoformat()


def _big_thread_position(at: str, reviews: int) -> int:
    """The review id (1 = oldest, ``reviews`` = newest) that gets the big thread."""
    if at == "newest":
        return reviews
    if at == "oldest":
        return 1
    if at == "middle":
        return max(1, (reviews + 1) // 2)
    position = int(at)
    if not 1 <= position <= reviews:
        raise ValueError(f"--big-thread-at {at}: there are only {reviews} reviews")
    return position


def generate(
    reviews: int = 10_000,
    comments: int = 100_000,
    big_thread: int = 2_000,
    *,
    big_thread_at: str = "middle",
    max_depth: int = 6,
    seed: int = DEFAULT_SEED,
) -> Corpus:
    """Build a corpus; the same arguments always give the same corpus.

    ``big_thread`` of the ``comments`` go to one review, threaded up to
    ``max_depth`` levels below the top-level comments; the rest spread over
    the other reviews with a long-tailed distribution (many with none).
    """
    if reviews < 1:
        raise ValueError("need at least one review")
    big_thread = min(big_thread, comments)
    rng = random.Random(seed)
    writer = _Writer(rng)
    corpus = Corpus()

    zone = timezone(timedelta(hours=1))
    start = datetime(2006, 1, 1, tzinfo=zone)
    span = (datetime(2024, 12, 31, tzinfo=zone) - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(reviews))
    films = [f"{a} {b}" for a in _FILM_FIRST for b in _FILM_SECOND]
    for number, moment in enumerate(moments, start=1):
        unicode_film = rng.random() < 0.07
        film = rng.choice(_UNICODE_FILMS if unicode_film else films)
        year = rng.randint(1920, moment.year)
        title = rng.choice(_TITLE_FORMS).format(film=film, year=year)
        corpus.reviews[str(number)] = {
            "title": title,
            # The newest review always has a time, so it sorts first even on a shared day.
            "date": _iso(moment, with_time=number == reviews or rng.random() < 0.6),
            "author": rng.choice(_AUTHORS),
            "body": writer.markdown(_body_length(rng)),
            "tags": sorted(set(rng.choices(_TAGS, k=rng.randint(0, 4)))),
            "film": film,
            "year": year,
            "director": rng.choice(_PEOPLE) if rng.random() < 0.9 else None,
            "rating": rng.randint(1, 10) / 2 if rng.random() < 0.85 else None,
            "source": rng.choice(("blogger", "wordpress", "markdown", "feed")),
            "source_id": f"post-{number:06d}-{rng.randrange(16**8):08x}",
        }

    # How many comments each review gets: long-tailed, the big thread on its own.
    counts = [0] * (reviews + 1)
    big = _big_thread_position(big_thread_at, reviews) if big_thread else None
    if big is not None:
        counts[big] = big_thread
        corpus.big_thread_review = big
    others = [r for r in range(1, reviews + 1) if r != big]
    if others:
        # A quarter of the reviews get no comments; the others a capped Pareto share.
        weights = [min(rng.paretovariate(1.2), 60.0) * (rng.random() < 0.75) for _ in others]
        if others[-1] == reviews:
            # The reader opens on the newest review: give it a thread worth showing.
            weights[-1] = max(weights[-1], 20.0)
        if not any(weights):
            weights = [1.0] * len(others)
        for r in rng.choices(others, weights=weights, k=comments - big_thread):
            counts[r] += 1

    # Each comment: a date after its review's, a parent among earlier comments of the
    # review (or none), depth capped. Ids are given afterwards in date order, so a reply
    # always has a higher id than its parent, as in a real blog.
    # (date, sequence, review id, parent's index in drafts, depth)
    drafts: list[tuple[datetime, int, int, int | None, int]] = []
    for rid in range(1, reviews + 1):
        n = counts[rid]
        if not n:
            continue
        review_moment = moments[rid - 1]
        first = len(drafts)
        t = review_moment
        depths: list[int] = []
        for k in range(n):
            t = t + timedelta(seconds=rng.expovariate(1 / 20_000))
            parent: int | None = None
            depth = 0
            if k and rng.random() > 0.3:
                # Replies mostly answer the latest comments, which builds deep chains.
                back = min(k, 1 + int(rng.expovariate(1 / 6)))
                candidate = k - back
                if depths[candidate] < max_depth:
                    parent, depth = first + candidate, depths[candidate] + 1
            depths.append(depth)
            drafts.append((t, len(drafts), rid, parent, depth))
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i][0], i))
    ids = [0] * len(drafts)
    for new_id, index in enumerate(order, start=1):
        ids[index] = new_id
    for index in order:
        t, _seq, rid, parent, _depth = drafts[index]
        local = rng.random() < 0.005
        corpus.comments[str(ids[index])] = {
            "review_id": rid,
            "parent_id": None if parent is None else ids[parent],
            "author": "me" if local else rng.choice(_AUTHORS),
            "date": None if rng.random() < 0.01 else _iso(t, with_time=True),
            "body": writer.comment(),
            "local": local,
            "source_id": f"local:{rng.randrange(16**32):032x}"
            if local
            else f"c-{ids[index]}-{rng.randrange(16**6):06x}",
            "edited": None,
            "deleted": None,
        }
    return corpus


def serialise(corpus: Corpus, export: bool = False) -> bytes:
    """The bytes of the database file (or of the export) for ``corpus``."""
    if export:
        return orjson.dumps(corpus.export())
    return b"".join(serialise_tables(corpus.tables()))


def write(path: Path, corpus: Corpus, export: bool = False) -> int:
    """Write ``corpus`` to ``path`` (through a temp file and a rename); returns the size."""
    data = serialise(corpus, export)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    """Generate a corpus file from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--big-thread", type=int, default=2_000, help="comments on one review")
    parser.add_argument(
        "--big-thread-at",
        default="middle",
        help="which review has the big thread: newest, middle, oldest or a review id",
    )
    parser.add_argument("--max-depth", type=int, default=6, help="deepest reply level")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--export", action="store_true", help="write the JSON export instead")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    corpus = generate(
        args.reviews,
        args.comments,
        args.big_thread,
        big_thread_at=args.big_thread_at,
        max_depth=args.max_depth,
        seed=args.seed,
    )
    size = write(args.out, corpus, args.export)
    took = time.perf_counter() - began
    kind = "export" if args.export else "database"
    print(
        f"wrote {kind} {args.out}: {len(corpus.reviews)} reviews, {len(corpus.comments)} comments "
        f"(big thread on review {corpus.big_thread_review}), {size / 1e6:.1f} MB in {took:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
