"""Helpers shared by several test folders (no fixtures: those live in conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CATALOGS = REPO_ROOT.parent / "shared" / "testdata" / "catalogs"


def shared_catalog_files(folder: Path) -> list[Path]:
    """Every catalog file below ``folder`` (one subfolder per format), in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "MANIFEST.md" and not p.name.startswith(".")
    )


def run(coro: Awaitable[T], timeout: float = 60.0) -> T:
    """Run ``coro`` to the end on a fresh event loop, bounded by ``timeout`` seconds."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())
