"""Thumbnails: decoded on the GUI thread, as the raster format their bytes name.

A worker thread decoding with ``QImage.loadFromData`` (PySide keeps the GIL through it)
deadlocked the suite: probing for a format, Qt's SVG reader waited for Qt's connection
lock while the GUI thread held it and waited for the GIL."""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageWriter

from seller_console.ui import thumbnails
from seller_console.ui.asyncqt import TaskScope
from seller_console.ui.thumbnails import ThumbnailCache, decode, image_format

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>'
GIF = (  # one pixel: Qt reads GIF but does not write it
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def encoded(fmt: str) -> bytes:
    image = QImage(80, 40, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert QImageWriter(buffer, QByteArray(fmt.encode())).write(image)
    buffer.close()
    return bytes(data.data())


def test_raster_images_decode_by_the_format_they_name_and_nothing_else(qapp):
    for fmt in ("PNG", "JPEG", "BMP", "WEBP"):
        data = encoded(fmt)
        assert image_format(data) == fmt
        image = decode(data, QSize(40, 40))
        assert image is not None, fmt
        assert image.size() == QSize(40, 20)  # the aspect kept
    assert image_format(GIF) == "GIF"
    gif = decode(GIF, QSize(40, 40))
    assert gif is not None
    assert gif.size() == QSize(40, 40)
    assert image_format(SVG) is None
    assert decode(SVG, QSize(40, 40)) is None  # an SVG from a catalog is not parsed
    assert decode(b"\x89PNG\r\n\x1a\nnot really", QSize(40, 40)) is None
    assert decode(b"", QSize(40, 40)) is None


class OneImage:
    def __init__(self, data: bytes) -> None:
        self.data = data

    async def fetch(self, url: str) -> bytes | None:
        await asyncio.sleep(0)
        return self.data


def test_the_cache_decodes_on_the_gui_thread(qapp, qtbot, run, monkeypatch):
    threads: list[threading.Thread] = []
    real = thumbnails.decode

    def watched(data: bytes, size: QSize) -> QImage | None:
        threads.append(threading.current_thread())
        return real(data, size)

    monkeypatch.setattr(thumbnails, "decode", watched)
    cache = ThumbnailCache(OneImage(encoded("PNG")), TaskScope())

    async def load() -> None:
        cache.image("https://cdn.example/a.png")
        while cache.loading:
            await asyncio.sleep(0.01)

    run(load())
    assert cache.cached("https://cdn.example/a.png") is not None
    assert threads == [threading.main_thread()]
