"""Draw the app icon with QPainter (offscreen) and write resources/icons/.

``python tools/make_icon.py`` writes ``seller-console.png`` (512 px, the window icon and
Linux desktop icon), ``seller-console.ico`` (Windows: 16-256 px) and
``seller-console.icns`` (macOS: 16-1024 px). The .ico and .icns are written here as
containers of PNG images (supported since Windows Vista and macOS 10.7), so no Pillow and
no Qt image plugin beyond PNG is needed. The output is deterministic; re-run it after
changing the drawing and commit the files.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
NAME = "seller-console"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# icns OSType per pixel size (PNG payloads): 16, 32, 64 (ic12 is 32@2x), 128, 256, 512, 1024.
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"ic12",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}


def draw(size: int) -> QImage:
    """The icon at ``size`` px: a rounded tile, a shopping bag, a red 'live' dot."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    s = size / 100.0  # draw on a 100 x 100 grid
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    tile = QLinearGradient(QPointF(0, 0), QPointF(0, size))
    tile.setColorAt(0.0, QColor("#2f6fde"))
    tile.setColorAt(1.0, QColor("#1c3f91"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(tile))
    p.drawRoundedRect(QRectF(4 * s, 4 * s, 92 * s, 92 * s), 20 * s, 20 * s)
    # The bag: body, then the handle.
    p.setBrush(QColor("#ffffff"))
    body = QPainterPath()
    body.moveTo(24 * s, 38 * s)
    body.lineTo(76 * s, 38 * s)
    body.lineTo(80 * s, 82 * s)
    body.lineTo(20 * s, 82 * s)
    body.closeSubpath()
    p.drawPath(body)
    pen = QPen(QColor("#ffffff"), max(1.0, 6 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    handle = QPainterPath()
    handle.moveTo(37 * s, 40 * s)
    handle.cubicTo(37 * s, 18 * s, 63 * s, 18 * s, 63 * s, 40 * s)
    p.drawPath(handle)
    # The "live" dot, with a ring in the tile colour so it reads at 16 px.
    p.setPen(QPen(QColor("#1c3f91"), max(1.0, 4 * s)))
    p.setBrush(QColor("#ff3b4e"))
    p.drawEllipse(QPointF(72 * s, 72 * s), 15 * s, 15 * s)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("cannot encode PNG")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (one per size)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, payload = b"", b""
    for size, data in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns(pngs: dict[bytes, bytes]) -> bytes:
    """An ICNS file whose elements are PNG images."""
    body = b"".join(kind + struct.pack(">I", 8 + len(d)) + d for kind, d in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICO_SIZES) | set(ICNS_TYPES) | {512})
    pngs = {size: png_bytes(draw(size)) for size in sizes}
    (OUT / f"{NAME}.png").write_bytes(pngs[512])
    (OUT / f"{NAME}.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (OUT / f"{NAME}.icns").write_bytes(icns({t: pngs[s] for s, t in ICNS_TYPES.items()}))
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(OUT.parent.parent)}: {path.stat().st_size:,} bytes")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
