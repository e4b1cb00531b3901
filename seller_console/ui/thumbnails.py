"""Thumbnails for item views: fetched in the background, kept in a bounded cache.

``image(url)`` answers at once: the thumbnail when it is ready, else a placeholder, and
asks for the image in the background. ``loaded`` is emitted (coalesced) when new images
are ready, so views repaint what they show. A URL that failed once (unreadable, refused,
not an image) is remembered and shows the placeholder from then on, with no new fetch.

The bytes are decoded on the GUI thread, as one of the raster formats their first bytes
name (PNG, JPEG, GIF, WebP, BMP; anything else is not an image here). PySide keeps the
GIL through ``QImage.loadFromData``, so a worker thread saved the GUI thread nothing, and
it deadlocked: probing for a format, Qt's SVG reader connects a signal (Qt's connection
lock, with the GIL held) while the GUI thread, disconnecting one, held that lock and
waited for the GIL. Naming the format also keeps an SVG from a catalog out of the parser.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter

from seller_console.ui.asyncqt import TaskScope

if TYPE_CHECKING:
    from seller_console.services.ports import ImageSource

THUMB = QSize(40, 40)


def placeholder(size: QSize = THUMB) -> QImage:
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(128, 128, 128, 60))
    painter.drawRoundedRect(2, 2, size.width() - 4, size.height() - 4, 6, 6)
    painter.end()
    return image


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


def image_format(data: bytes) -> str | None:
    """The raster format the bytes start with, or None (not an image the views show)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def decode(data: bytes, size: QSize) -> QImage | None:
    """Bytes to a scaled image, read as the format they name (see the module's note)."""
    found = image_format(data)
    image = QImage()
    if found is None or not image.loadFromData(data, found):
        return None
    return image.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class ThumbnailCache(QObject):
    loaded = Signal()

    def __init__(
        self, source: ImageSource, tasks: TaskScope, size: QSize = THUMB, capacity: int = 2000
    ) -> None:
        super().__init__()
        self._source = source
        self._tasks = tasks
        self._size = size
        self._capacity = capacity
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        self._placeholder = placeholder(size)
        self._notify = QTimer(self, singleShot=True, interval=60)
        self._notify.timeout.connect(self.loaded)

    def image(self, url: str) -> QImage:
        found = self._images.get(url)
        if found is not None:
            self._images.move_to_end(url)
            return found
        if url and url not in self._pending and url not in self._failed:
            self._pending.add(url)
            self._tasks.start(self._load(url))
        return self._placeholder

    @property
    def loading(self) -> bool:
        return bool(self._pending)

    def cached(self, url: str) -> QImage | None:
        return self._images.get(url)

    async def _load(self, url: str) -> None:
        """Fetch and decode one image. A URL that fails, in any way, is remembered for the
        cache's life and never asked for again: a repaint must not start it over (an
        unexpected error still propagates, once)."""
        image: QImage | None = None
        try:
            data = await self._source.fetch(url)
            image = decode(data, self._size) if data else None
        finally:
            self._pending.discard(url)
            if image is None:
                self._failed.add(url)
        if image is None:
            return
        self._images[url] = image
        while len(self._images) > self._capacity:
            self._images.popitem(last=False)
        if not self._notify.isActive():
            self._notify.start()
