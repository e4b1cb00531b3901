"""Seconds per MB for ``catalog check`` on the worst case of each hostile-file class.

Each class of ``tests/hostile/files/corpus.py`` (a price of commas, ``1e1000000`` stocks,
5,000-digit numbers, one product group of many images, a quote opened on every line, one
unbalanced quote early, a file of short cells, rows sharing one id) is generated at about
``MB`` megabytes, and ``seller-console catalog check --json`` (in process, output
discarded) runs on it; the baseline is one plain ``csv.reader`` pass over a well-formed
feed of the same size (and ``plain``: ``catalog check`` on that well-formed feed, the
cost of a good file of the same size). Figures are seconds per MB, the best of ``RUNS``,
and each class's ratio to the baseline. ``BENCH_SECONDS`` (default 60) bounds the time:
below 30, one run each on 1 MB files instead of three on 4 MB. Nothing is asserted.

The last line: ``bench_hostile: <class>=<s/MB> ... plain=<s/MB> baseline=<s/MB> worst=<s/MB>``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from seller_console.cli import main as cli_main
from tests.hostile.files import corpus

SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
MB = 4.0 if SECONDS >= 30 else 1.0
RUNS = 3 if SECONDS >= 30 else 1


def _sized(make: Callable[[int], str], megabytes: float) -> str:
    """``make(n)`` with ``n`` grown until the text is about ``megabytes`` big."""
    target = int(megabytes * 1e6)
    n = 64
    text = make(n)
    while len(text) < target:
        n = max(n + 1, int(n * target / max(len(text), 1)))
        text = make(n)
    return text


def _best(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _check(path: Path) -> int:
    return cli_main(["catalog", "check", str(path), "--json"], io.StringIO(), io.StringIO())


def _csv_pass(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        for _ in csv.reader(fh, delimiter="\t"):
            pass


def main() -> None:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        base = corpus.write(folder, "baseline.tsv", _sized(corpus.plain_google, MB))
        base_mb = base.stat().st_size / 1e6
        baseline = _best(lambda: _csv_pass(base)) / base_mb
        plain = _best(lambda: _check(base)) / base_mb
        print(f"baseline csv.reader: {base_mb:.1f} MB, {baseline:.3f} s/MB")
        print(f"well-formed feed, same size: {plain:.3f} s/MB, {plain / baseline:.1f}x csv.reader")
        for name, make in corpus.WORST.items():
            suffix = "csv" if name == "long_digits" else "tsv"
            path = corpus.write(folder, f"{name}.{suffix}", _sized(make, MB))
            size = path.stat().st_size / 1e6
            code = _check(path)
            per_mb = _best(lambda p=path: _check(p)) / size  # type: ignore[misc]
            figures[name] = per_mb
            print(
                f"{name}: {size:.1f} MB, exit {code}, {per_mb:.3f} s/MB, "
                f"{per_mb / baseline:.1f}x csv.reader"
            )
    worst = max(figures.values())
    parts = " ".join(f"{name}={value:.3f}" for name, value in figures.items())
    print(f"bench_hostile: {parts} plain={plain:.3f} baseline={baseline:.3f} worst={worst:.3f}")


if __name__ == "__main__":
    main()
