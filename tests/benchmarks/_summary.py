"""The one summary line every benchmark ends with: ``bench_NAME: key=value key=value ...``.

Made for scripts and notes: keys are snake_case and carry the unit (``memory_mb``,
``search_p95_ms``, ``rows_per_s``); values are plain numbers, rounded to three significant
figures without ever dropping a digit before the point (``412346``, ``23.4``, ``1.07``);
a part that did not run adds ``skipped=REASON`` (one snake_case word) at the end.
Not a ``bench_`` module itself, so ``python -m tests.benchmarks`` does not run it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

SIGNIFICANT = 3
_WORD = re.compile(r"[a-z][a-z0-9_]*")


def _word(kind: str, text: str) -> str:
    if not _WORD.fullmatch(text):
        raise ValueError(f"summary {kind} {text!r} is not one snake_case word")
    return text


def number(value: float) -> str:
    """``value`` as the summary writes it: ints whole, floats to 3 significant figures."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"summary value {value!r} is not a number")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"summary value {value!r} is not a finite number")
    if value == 0:
        return "0"
    decimals = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def summary(name: str, figures: Mapping[str, float], *, skipped: str | None = None) -> str:
    """``bench_{name}: k=v ...`` with ``figures`` in their order, then ``skipped=REASON``.

    ``name`` is the module's name with or without its ``bench_`` prefix.
    """
    name = name.removeprefix("bench_")
    parts = [f"{_word('key', key)}={number(value)}" for key, value in figures.items()]
    if skipped is not None:
        parts.append(f"skipped={_word('reason', skipped)}")
    return " ".join([f"bench_{_word('name', name)}:", *parts])
