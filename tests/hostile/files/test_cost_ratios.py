"""The time class of each hostile file: 4x the input costs between 1x and 8x the time.

Quadratic handling would cost about 16x, exponential far more; each size is timed as the
best of 7 runs, with inputs big enough that the part that grows dominates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.files import corpus
from tests.hostile.files.helpers import cost_ratio

CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "price_commas": (corpus.price_commas, 150_000),
    "stock_exponent": (corpus.stock_exponents, 1_500),
    "long_digits": (corpus.long_digits, 80_000),
    "images_one_group": (corpus.images_one_group, 2_500),
    "quote_every_line": (corpus.quote_every_line, 6_000),
    "one_quote_early": (corpus.one_quote_early, 2_000),
    "short_cells": (corpus.short_cells, 20_000),
    "duplicate_ids": (corpus.duplicate_ids, 2_000),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cost_grows_linearly(tmp_path: Path, name: str) -> None:
    make, n = CASES[name]
    ratio = cost_ratio(make, n, tmp_path)
    assert 1 < ratio < 8, f"{name}: 4x the input took {ratio:.1f}x the time"
