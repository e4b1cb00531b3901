"""The small interfaces services and the UI need from the outer layers; app.py fills them."""

from __future__ import annotations

from typing import Protocol


class ImageSource(Protocol):
    async def fetch(self, url: str) -> bytes | None:
        """The image's bytes, from a cache or the network; None when it cannot be had."""
        ...
