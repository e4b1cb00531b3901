"""Helpers of the hostile network corpus: cost ratios, and a client over a mock transport."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

RATIO_LOW, RATIO_HIGH = 1.0, 8.0
"""The time class: 4x the input must cost between 1x and 8x (linear, with noise)."""


def cost_ratio(
    make: Callable[[int], T],
    work: Callable[[T], object],
    size: int,
    factor: int = 4,
    repeats: int = 7,
) -> float:
    """How much longer ``work`` takes on ``make(size * factor)`` than on ``make(size)``,
    best of ``repeats`` each; inputs are made before the clock starts. A ratio of two runs on
    the same machine, never a wall-time bound. The garbage collector is paused while the
    clock runs (its pauses depend on everything else the test run holds)."""
    small, large = make(size), make(size * factor)

    def timed(value: T) -> float:
        gc.collect()
        gc.disable()  # the collector's pauses grow with the test run's heap, not the input
        try:
            start = time.perf_counter()
            work(value)
            return time.perf_counter() - start
        finally:
            gc.enable()

    timed(small)  # warm up
    small_times, large_times = [], []
    for _ in range(repeats):  # interleaved, so both sizes see the same load on the machine
        small_times.append(timed(small))
        large_times.append(timed(large))
    return min(large_times) / min(small_times)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth
