"""Helpers for the hostile file tests: run ``catalog check`` as a user would, time ratios."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seller_console.cli import main
from seller_console.importers import ImportOptions, ImportResult, import_catalog
from seller_console.ui.models.catalog_model import build_columns


def check(path: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    """``seller-console catalog check PATH --json``: exit code, its JSON, its stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["catalog", "check", str(path), "--json", *extra], out, err)
    return code, json.loads(out.getvalue()), err.getvalue()


def window_import(path: Path, currency: str = "USD") -> ImportResult:
    """What the window does with a file: import it, then build its table columns."""
    result = import_catalog(path, ImportOptions(currency=currency))
    build_columns(result.catalog)
    return result


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def cost_ratio(
    make: Callable[[int], str], n: int, folder: Path, factor: int = 4, repeat: int = 7
) -> float:
    """Time to import ``make(factor * n)`` over the time for ``make(n)``: the best of
    ``repeat`` runs each, small and big runs interleaved so a busy machine slows both."""
    small = folder / "small.csv"
    big = folder / "big.csv"
    small.write_text(make(n), encoding="utf-8")
    big.write_text(make(factor * n), encoding="utf-8")
    options = ImportOptions(currency="USD")
    best_small = best_big = float("inf")
    for _ in range(repeat):
        best_small = min(best_small, _timed(lambda: import_catalog(small, options)))
        best_big = min(best_big, _timed(lambda: import_catalog(big, options)))
    return best_big / best_small
