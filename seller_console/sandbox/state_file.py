"""A practice platform's world kept in a JSON file, so it survives a restart of the app.

The practice Shopee and TikTok keep their world (sessions or live rooms, orders, counters)
in memory; given a ``state_path`` they load it at start, and save it while they run (when
it changed, at most every ``SAVE_EVERY_S``) and when they stop. A save writes a temporary
file beside the target and renames it over, so a crash mid-save leaves the previous state.
A file that cannot be read is kept aside (``.damaged``) and the world starts empty, so a
broken file never stops the practice platform and nothing is silently overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from seller_console.files import write_atomic

logger = logging.getLogger(__name__)

SAVE_EVERY_S = 1.0
FORMAT = 1


def restore_state(path: Path, kind: str, restore: Callable[[dict[str, Any]], None]) -> bool:
    """Hands the saved world of ``kind`` at ``path`` to ``restore``; False when there is
    none, or it is unusable (then it is renamed to ``<name>.damaged`` and the reason
    logged, and ``restore`` must leave the world as it was: it raises before changing it,
    on ``KeyError``, ``TypeError`` or ``ValueError``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except OSError as exc:
        logger.warning("The practice %s state %s cannot be read (%s)", kind, path, exc)
        return False
    try:
        doc = json.loads(text, parse_float=Decimal)
        if not isinstance(doc, dict) or doc.get("kind") != kind or doc.get("format") != FORMAT:
            raise ValueError(f"not a saved practice {kind} world")
        restore(doc["world"])
        return True
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        aside = path.with_name(path.name + ".damaged")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        logger.warning(
            "The practice %s state %s cannot be used (%s): kept as %s, starting empty",
            kind,
            path,
            exc,
            aside.name,
        )
        return False


def dump_state(kind: str, world: dict[str, Any]) -> str:
    return json.dumps({"kind": kind, "format": FORMAT, "world": world}, separators=(",", ":"))


@contextlib.asynccontextmanager
async def kept(
    path: Path | None, kind: str, snapshot: Callable[[], dict[str, Any]]
) -> AsyncIterator[None]:
    """While the server runs: save ``snapshot()`` to ``path`` whenever it changed (checked
    every ``SAVE_EVERY_S``), and once more when it stops. Nothing when ``path`` is None."""
    if path is None:
        yield
        return
    last = ""

    async def save() -> None:
        nonlocal last
        text = dump_state(kind, snapshot())
        if text != last:
            await asyncio.to_thread(write_atomic, path, text)
            last = text

    async def keep() -> None:
        while True:
            await asyncio.sleep(SAVE_EVERY_S)
            try:
                await save()
            except OSError as exc:
                logger.warning("The practice %s state could not be saved: %s", kind, exc)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:
            await save()
        except OSError as exc:
            logger.warning("The practice %s state could not be saved: %s", kind, exc)
