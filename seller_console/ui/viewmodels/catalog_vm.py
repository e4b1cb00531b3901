"""The catalog side of the window: loaded catalogs, imports with progress, search state."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from seller_console.domain.catalog import Catalog, VariantRef
from seller_console.importers import (
    CatalogImportError,
    ImportCancelledError,
    ImportOptions,
    ImportReport,
    UnknownFormatError,
)
from seller_console.services.catalog_import import CatalogImport
from seller_console.services.commission_rates import RateFor, with_rates
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.models.catalog_model import (
    CatalogColumns,
    CatalogTableModel,
    build_columns,
)
from seller_console.ui.thumbnails import ThumbnailCache

if TYPE_CHECKING:
    import asyncio  # imported where it is used: it loads after the window's first paint

log = logging.getLogger(__name__)


class CatalogViewModel(QObject):
    import_started = Signal(str)  # file name
    import_progressed = Signal(float)  # 0.0 .. 1.0
    import_finished = Signal(object)  # ImportReport
    import_failed = Signal(str)  # a message for the user
    import_cancelled = Signal(str)  # the file's name: stopped by the user, nothing changed
    import_ended = Signal()  # after finished, failed or cancelled
    catalogs_changed = Signal()

    def __init__(self, tasks: TaskScope, thumbnails: ThumbnailCache) -> None:
        super().__init__()
        self._tasks = tasks
        self.model = CatalogTableModel(thumbnails)
        self._parts: list[CatalogColumns] = []
        self._read: list[Catalog] = []  # each catalog as its file has it (rates by hand: off)
        self.paths: list[Path] = []  # the file of each catalog, in the same order
        self._running: CatalogImport | None = None
        self._queue: asyncio.Lock | None = None
        self.last_report: ImportReport | None = None
        # Why an import found no format it knows, by file, when its caller offers a column
        # mapping instead of the failure message (``offer_mapping``): the caller takes it.
        self.unrecognised: dict[Path, str] = {}

    @property
    def catalogs(self) -> list[Catalog]:
        return [p.catalog for p in self._parts]

    @property
    def busy(self) -> bool:
        return self._running is not None

    def open_catalog(
        self, path: Path, options: ImportOptions, *, offer_mapping: bool = False
    ) -> asyncio.Task[bool]:
        """Import in the background; True when the catalog was added (or, a file already
        open, read again in its place)."""
        return self._tasks.start(self.import_catalog(path, options, offer_mapping=offer_mapping))

    async def import_catalog(
        self, path: Path, options: ImportOptions, *, offer_mapping: bool = False
    ) -> bool:
        """``offer_mapping``: a file whose format is not recognised fails without a
        message, its reason in ``unrecognised[path]``, for the caller to ask for a mapping
        (kept by file: another import may start before the caller reads it)."""
        import asyncio

        if self._queue is None:
            self._queue = asyncio.Lock()
        async with self._queue:  # one import at a time; later ones wait their turn
            job = CatalogImport(path, options, self.import_progressed.emit)
            self._running = job
            self.unrecognised.pop(path, None)
            self.import_started.emit(path.name)
            try:
                result = await job.run()
                part = await asyncio.to_thread(build_columns, result.catalog)
            except ImportCancelledError:
                self.import_cancelled.emit(path.name)
                return False
            except UnknownFormatError as exc:
                if offer_mapping and options.format is None:
                    self.unrecognised[path] = exc.reason
                else:
                    self.import_failed.emit(f"Cannot import {exc}")
                return False
            except CatalogImportError as exc:
                self.import_failed.emit(f"Cannot import {exc}")
                return False
            finally:
                self._running = None
                self.import_ended.emit()
            if path in self.paths:  # the same file again: its new reading replaces the old
                index = self.paths.index(path)
                self._parts[index], self._read[index] = part, result.catalog
            else:
                self._parts.append(part)
                self._read.append(result.catalog)
                self.paths.append(path)
            self.model.set_catalogs(self._parts)
            self.last_report = result.report
            self.catalogs_changed.emit()
            self.import_finished.emit(result.report)
            return True

    async def set_rates(self, path: Path, rate_for: RateFor) -> bool:
        """Apply commission rates set by hand to the open catalog from ``path`` (a product
        with none has its file's rate); False when it is not open."""
        import asyncio

        if path not in self.paths:
            return False
        index = self.paths.index(path)
        catalog = with_rates(self._read[index], rate_for)
        if catalog is not self._parts[index].catalog:
            part = await asyncio.to_thread(build_columns, catalog)
            if path in self.paths:  # still open after the build
                self._parts[self.paths.index(path)] = part
                self.model.set_catalogs(self._parts)
                self.catalogs_changed.emit()
        return True

    def cancel_import(self) -> None:
        if self._running is not None:
            self._running.cancel()

    def close_catalog(self, index: int) -> None:
        del self._parts[index]
        del self._read[index]
        del self.paths[index]
        self.model.set_catalogs(self._parts)
        self.catalogs_changed.emit()

    def set_filter(self, query: str, brand: str | None, in_stock: bool) -> None:
        self.model.set_filter(query, brand, in_stock)

    def resolve(self, keys: list[tuple[int, str]]) -> list[tuple[Catalog, VariantRef]]:
        """Dragged (catalog index, variant id) keys back to variants; stale keys are skipped."""
        found = []
        for index, variant_id in keys:
            if 0 <= index < len(self._parts):
                catalog = self._parts[index].catalog
                ref = catalog.variant(variant_id)
                if ref is not None:
                    found.append((catalog, ref))
        return found
