"""Fixtures for the broadcast tests: the overlay server and a real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from seller_console.broadcast.overlay_server import OverlayServer, start_overlay_server
from tests.broadcast.browser import NO_CHROMIUM, chromium, find_chromium
from tests.broadcast.shows import demo_images


@pytest.fixture
def overlay() -> Iterator[OverlayServer]:
    server = start_overlay_server(images=demo_images)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        pytest.skip(NO_CHROMIUM)
    with chromium() as b:
        yield b
