"""Importing a catalog without blocking the caller's event loop.

The import runs in a worker thread; progress is handed back to the loop's thread with
``call_soon_threadsafe`` and throttled to a few updates a second; ``cancel()`` stops it
at the next checkpoint, and a cancelled or failed import leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

from seller_console.importers import ImportOptions, ImportResult, import_catalog

ProgressCallback = Callable[[float], None]
"""Called on the loop's thread with the share done, 0.0 to 1.0."""


class CatalogImport:
    """One import of one file. Await ``run()``; call ``cancel()`` from the loop's thread."""

    def __init__(
        self,
        path: Path,
        options: ImportOptions,
        on_progress: ProgressCallback | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self.path = path
        self.options = options
        self._on_progress = on_progress
        self._min_interval = min_interval
        self._cancelled = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    async def run(self) -> ImportResult:
        """The result; raises ``CatalogImportError`` (``ImportCancelledError`` on cancel)."""
        loop = asyncio.get_running_loop()

        def progress(done: int, total: int) -> None:  # on the worker thread
            now = time.monotonic()
            if self._on_progress is None or (
                done < total and now - self._last_report < self._min_interval
            ):
                return
            self._last_report = now
            loop.call_soon_threadsafe(self._on_progress, done / total if total else 1.0)

        return await asyncio.to_thread(
            import_catalog, self.path, self.options, progress, self._cancelled.is_set
        )
