"""``python -m tests.benchmarks [NAME ...]``: run every ``bench_*.py`` module's ``main()``.

``make bench`` runs them all, in name order; ``python -m tests.benchmarks import`` runs
only ``bench_import``. Benchmarks print figures and never assert timings.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

_PREFIX = "bench_"


def available() -> list[str]:
    """The benchmark names (``import`` for ``bench_import.py``), sorted."""
    here = [str(Path(__file__).parent)]
    return sorted(
        info.name.removeprefix(_PREFIX)
        for info in pkgutil.iter_modules(here)
        if info.name.startswith(_PREFIX)
    )


def run(names: Sequence[str]) -> int:
    known = available()
    unknown = [n for n in names if n.removeprefix(_PREFIX) not in known]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    chosen = [n.removeprefix(_PREFIX) for n in names] or known
    for name in chosen:
        print(f"== {_PREFIX}{name}", flush=True)
        module = importlib.import_module(f"{__package__}.{_PREFIX}{name}")
        cast(Callable[[], None], module.main)()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
