"""Importing a catalog without blocking the caller's event loop.

A file of ``PROCESS_MIN_BYTES`` or more is imported in a worker process of its own
(``import_worker``), so the window's interpreter lock stays free while 100k rows are read;
a smaller one, which imports in milliseconds, in a worker thread, sparing the start of a
process. Either way progress is handed back to the loop's thread with
``call_soon_threadsafe`` and throttled to a few updates a second; ``cancel()`` stops it
at the next checkpoint, and a cancelled or failed import leaves nothing behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from seller_console.importers import ImportOptions, ImportResult, import_catalog

# asyncio is imported where it is used: it loads after the window's first paint.

PROCESS_MIN_BYTES = 1 << 20
"""Files this big or bigger are imported in a process of their own (about 3,000 rows)."""

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
        in_process: bool | None = None,
    ) -> None:
        """``in_process``: True or False to choose; None goes by the file's size."""
        self.path = path
        self.options = options
        self._on_progress = on_progress
        self._min_interval = min_interval
        self._cancelled = threading.Event()
        self._last_report = 0.0
        self._in_process = in_process

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    async def run(self) -> ImportResult:
        """The result; raises ``CatalogImportError`` (``ImportCancelledError`` on cancel)."""
        import asyncio

        loop = asyncio.get_running_loop()

        def progress(done: int, total: int) -> None:  # on the worker thread
            now = time.monotonic()
            if self._on_progress is None or (
                done < total and now - self._last_report < self._min_interval
            ):
                return
            self._last_report = now
            loop.call_soon_threadsafe(self._on_progress, done / total if total else 1.0)

        if self._in_process if self._in_process is not None else _big(self.path):
            # Deferred: only big files need it (multiprocessing's pipes); start-up time.
            from seller_console.services.import_worker import import_in_process

            return await asyncio.to_thread(
                import_in_process, self.path, self.options, progress, self._cancelled
            )
        return await asyncio.to_thread(
            import_catalog, self.path, self.options, progress, self._cancelled.is_set
        )


def _big(path: Path) -> bool:
    try:
        return path.stat().st_size >= PROCESS_MIN_BYTES
    except OSError:
        return False  # the import itself says what is wrong with the file
