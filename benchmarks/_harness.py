"""What every benchmark shares: corpora, fresh child processes, medians, ratios, the table.

A benchmark measures each figure over several fresh processes, running the
candidate (our app) and its floor (the least any app could do) alternately,
and prints one table row per figure: the median, the floor's median, their
ratio and whether the target is met. ``--json FILE`` also writes the rows,
which ``run_all.py`` gathers into one table.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CORPORA = Path(os.environ.get("REVIEWS_BENCH_CORPORA", BENCH_DIR / ".corpora"))
"""Where generated corpora are cached (``$REVIEWS_BENCH_CORPORA`` overrides)."""
PYTHON = sys.executable


# -- corpus sizes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How big a corpus to benchmark on."""

    reviews: int = 10_000
    comments: int = 100_000
    big_thread: int = 2_000
    big_thread_at: str = "middle"

    def label(self) -> str:
        """A short description for table headings."""
        return (
            f"{self.reviews:,} reviews, {self.comments:,} comments, "
            f"{self.big_thread:,} on one ({self.big_thread_at})"
        )

    def scaled(self, factor: float) -> Sizes:
        """The same shape of corpus, ``factor`` times as big."""
        return Sizes(
            max(2, round(self.reviews * factor)),
            max(1, round(self.comments * factor)),
            max(1, round(self.big_thread * factor)),
            self.big_thread_at,
        )


FULL = Sizes()
QUICK = Sizes(500, 5_000, 300)
TINY = Sizes(50, 300, 100)


def corpus_file(sizes: Sizes) -> Path:
    """A database file of ``sizes``, generated once and cached under ``benchmarks/.corpora``.

    The cache key includes the generator's source, so editing it regenerates.
    """
    sys.path.insert(0, str(BENCH_DIR))
    import corpus

    source = Path(corpus.__file__).read_bytes()
    key = hashlib.sha1(source + repr(sizes).encode()).hexdigest()[:10]
    path = CORPORA / (
        f"db-{sizes.reviews}r-{sizes.comments}c-{sizes.big_thread}b-{sizes.big_thread_at}-{key}.json"
    )
    if not path.exists():
        CORPORA.mkdir(parents=True, exist_ok=True)
        data = corpus.generate(
            sizes.reviews, sizes.comments, sizes.big_thread, big_thread_at=sizes.big_thread_at
        )
        corpus.write(path, data)
    return path


@dataclass(frozen=True)
class Facts:
    """What a benchmark needs to know about a corpus to recognise it on screen."""

    path: Path
    megabytes: float
    order: list[int]
    """Review ids newest first (date desc, then id desc), as the sidebar lists them."""
    titles: dict[int, str]
    ledes: dict[int, str]
    """Review id -> the plain first sentence of its body."""
    comment_ledes: dict[int, list[str]]
    """Review id -> the first sentences of its top-level comments, in id order."""
    comment_counts: dict[int, int]
    big_thread: int | None

    @property
    def newest(self) -> int:
        """The review the reader opens on."""
        return self.order[0]


def lede(body: str) -> str:
    """The first sentence of a generated body (it is plain ASCII by construction)."""
    first = body.split("\n", 1)[0]
    end = first.find(".")
    return first[: end + 1] if end >= 0 else first[:40]


def facts(path: Path) -> Facts:
    """Read ``path`` and work out the newest review, ledes and the big thread."""
    raw = path.read_bytes()
    tables = orjson.loads(raw)
    reviews = {int(k): v for k, v in tables["reviews"].items()}
    order = sorted(reviews, key=lambda r: (reviews[r]["date"], r), reverse=True)
    counts: dict[int, int] = dict.fromkeys(reviews, 0)
    tops: dict[int, list[tuple[int, str]]] = {}
    for key, doc in tables["comments"].items():
        rid = doc["review_id"]
        if rid in counts:
            counts[rid] += 1
        if doc["parent_id"] is None:
            tops.setdefault(rid, []).append((int(key), lede(doc["body"])))
    big = max(counts, key=lambda r: counts[r]) if counts else None
    return Facts(
        path=path,
        megabytes=len(raw) / 1e6,
        order=order,
        titles={r: doc["title"] for r, doc in reviews.items()},
        ledes={r: lede(doc["body"]) for r, doc in reviews.items()},
        comment_ledes={r: [text for _, text in sorted(items)] for r, items in tops.items()},
        comment_counts=counts,
        big_thread=big,
    )


# -- scratch space and child processes --------------------------------------------------------


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A temporary directory on the same disk as real databases, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="reviews-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def copy_into(directory: Path, source: Path, name: str = "reviews.json") -> Path:
    """A private copy of a corpus: benchmarks may write to it (replies, read marks)."""
    target = directory / name
    shutil.copyfile(source, target)
    return target


def child_env(directory: Path) -> dict[str, str]:
    """The environment of every measured process: no animations, no user config."""
    env = dict(os.environ)
    env.update(
        TEXTUAL_ANIMATIONS="none",
        REVIEWS_CONFIG=str(directory / "no-config.yaml"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("TEXTUAL", None)  # no devtools
    env.pop("REVIEWS_DEBUG", None)
    return env


class ChildError(RuntimeError):
    """A measured child process failed; the message holds the tail of its stderr."""


def run_child(script: str, args: Sequence[str], directory: Path, timeout: float = 600) -> Any:
    """Run ``benchmarks/<script> --child ...`` in a fresh process; return its JSON result."""
    result = directory / f"result-{os.getpid()}-{len(list(directory.iterdir()))}.json"
    command = [PYTHON, str(BENCH_DIR / script), "--child", "--result", str(result), *args]
    proc = subprocess.run(
        command,
        env=child_env(directory),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0 or not result.exists():
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise ChildError(f"{script} {' '.join(args)} exited {proc.returncode}:\n{tail}")
    data = json.loads(result.read_text())
    result.unlink()
    return data


def write_result(path: Path, data: Any) -> None:
    """What a child hands back to its parent."""
    path.write_text(json.dumps(data))


def reader_and_floor(
    script: str, extra: Sequence[str], runs: int, directory: Path
) -> dict[str, list[Any]]:
    """Run ``script`` as a child for the reader and for the floor app, interleaved."""

    def run(subject: str) -> Any:
        return run_child(script, ["--subject", subject, *extra], directory)

    return interleave(runs, {"reader": lambda: run("reader"), "floor": lambda: run("floor")})


def interleave(runs: int, subjects: dict[str, Callable[[], Any]]) -> dict[str, list[Any]]:
    """Run every subject ``runs`` times, alternating, reversing the order each round.

    Alternating spreads the noise of a shared machine evenly over candidate and
    floor; reversing the order cancels any first-or-second-in-a-round bias.
    """
    out: dict[str, list[Any]] = {name: [] for name in subjects}
    names = list(subjects)
    for round_no in range(runs):
        for name in names if round_no % 2 == 0 else reversed(names):
            out[name].append(subjects[name]())
    return out


# -- statistics and the table -------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation, NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Figure:
    """One row of a benchmark's table: a median over fresh runs, against a floor and a target.

    ``limit`` applies to the ratio when ``ratio_target`` is true, else to the median.
    """

    name: str
    samples: list[float]
    unit: str = "ms"
    floor: list[float] = field(default_factory=list)
    limit: float | None = None
    ratio_target: bool = False
    note: str = ""

    @property
    def value(self) -> float:
        """The median of the candidate's samples."""
        return median(self.samples)

    @property
    def floor_value(self) -> float:
        """The median of the floor's samples (NaN without a floor)."""
        return median(self.floor)

    @property
    def ratio(self) -> float:
        """Candidate over floor (NaN without a floor)."""
        if not self.floor or not self.floor_value:
            return math.nan
        return self.value / self.floor_value

    @property
    def target(self) -> str:
        """The target as people read it."""
        if self.limit is None:
            return ""
        return f"<= {self.limit:g}x" if self.ratio_target else f"<= {self.limit:g} {self.unit}"

    @property
    def passed(self) -> bool | None:
        """Whether the target is met; ``None`` when there is no target."""
        if self.limit is None:
            return None
        measured = self.ratio if self.ratio_target else self.value
        return bool(measured <= self.limit)

    def row(self) -> dict[str, Any]:
        """The figure as plain data (for ``--json``)."""
        data = asdict(self)
        data.update(
            value=self.value,
            floor_value=self.floor_value,
            ratio=self.ratio,
            target=self.target,
            passed=self.passed,
        )
        return data

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Figure:
        """A figure back from ``row()``."""
        names = ("name", "samples", "unit", "floor", "limit", "ratio_target", "note")
        return cls(**{k: row[k] for k in names})


def _number(value: float, unit: str) -> str:
    if math.isnan(value):
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "ms/MB" or unit == "s/MB":
        return f"{value:.2f} {unit}"
    return f"{value:.1f} {unit}"


def table(figures: Sequence[Figure], title: str = "") -> str:
    """A Markdown table of figures: median, floor, ratio, target, pass/fail, runs."""
    lines = []
    if title:
        lines += [f"### {title}", ""]
    lines += [
        "| figure | median | floor | ratio | target | result | samples |",
        "|---|---:|---:|---:|---|---|---:|",
    ]
    for fig in figures:
        ratio = "-" if math.isnan(fig.ratio) else f"{fig.ratio:.2f}x"
        result = {True: "pass", False: "FAIL", None: ""}[fig.passed]
        name = fig.name + (f" ({fig.note})" if fig.note else "")
        lines.append(
            f"| {name} | {_number(fig.value, fig.unit)} | {_number(fig.floor_value, fig.unit)} "
            f"| {ratio} | {fig.target} | {result} | {len(fig.samples)} |"
        )
    return "\n".join(lines)


# -- the command line every benchmark shares ---------------------------------------------------


def parser(description: str, *, runs: int = 5, quick_runs: int = 2) -> argparse.ArgumentParser:
    """The shared options: sizes, ``--quick``, ``--runs``, ``--corpus``, ``--json``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small corpus and few runs")
    p.add_argument("--runs", type=int, default=None, help=f"fresh runs (default {runs})")
    p.add_argument("--reviews", type=int, default=None)
    p.add_argument("--comments", type=int, default=None)
    p.add_argument("--big-thread", type=int, default=None)
    p.add_argument("--big-thread-at", default=None, help="newest, middle, oldest or an id")
    p.add_argument("--corpus", type=Path, default=None, help="an existing database to use")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--subject", default="reader", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, default=None, help=argparse.SUPPRESS)
    p.set_defaults(default_runs=runs, quick_runs=quick_runs)
    return p


def sizes_of(args: argparse.Namespace) -> Sizes:
    """The corpus sizes the options ask for (``--quick`` for the small preset)."""
    base = QUICK if args.quick else FULL
    return Sizes(
        args.reviews if args.reviews is not None else base.reviews,
        args.comments if args.comments is not None else base.comments,
        args.big_thread if args.big_thread is not None else base.big_thread,
        args.big_thread_at or base.big_thread_at,
    )


def runs_of(args: argparse.Namespace) -> int:
    """How many fresh runs of each subject."""
    if args.runs is not None:
        return max(1, int(args.runs))
    return int(args.quick_runs if args.quick else args.default_runs)


def corpus_of(args: argparse.Namespace) -> Path:
    """The corpus to measure: ``--corpus`` as given, else a generated one."""
    return args.corpus if args.corpus is not None else corpus_file(sizes_of(args))


def emit(title: str, figures: Sequence[Figure], args: argparse.Namespace, corpus: Path) -> None:
    """Print the table (and write ``--json``)."""
    size = corpus.stat().st_size / 1e6
    heading = f"{title} — {corpus.name} ({size:.1f} MB), medians of {runs_of(args)} fresh runs"
    print(table(figures, heading))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nmachine load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} cores")
    print(flush=True)
    if args.json is not None:
        payload = {
            "title": title,
            "corpus_mb": size,
            "load": os.getloadavg(),
            "figures": [f.row() for f in figures],
        }
        args.json.write_text(json.dumps(payload, indent=1))
