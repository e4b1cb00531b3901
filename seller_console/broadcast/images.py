"""Product images for the stream: the console's loader, a key per URL, the type by content."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any, Final

# The console's image loader (``platform.images.ImageFetcher.fetch`` fits): the bytes of
# the image at a URL, or None when it cannot be had.
ImageLoader = Callable[[str], Coroutine[Any, Any, bytes | None]]

_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
EXTENSIONS: Final = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}


def image_key(url: str) -> str:
    """A short stable name for ``url`` (paths and file names carry it, never the URL)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def image_type(data: bytes) -> str | None:
    """The MIME type of an image by its first bytes; None when it is no image we serve."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
