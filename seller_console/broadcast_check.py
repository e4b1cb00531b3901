"""What both self-tests check on the stream's side, without Qt: the product overlay's event
stream, followed by a plain HTTP/SSE client of its own over loopback (``OverlayWatcher``),
which every take must reach within ``OVERLAY_WITHIN_S``; and an OBS read back on a
connection of its own (``broadcast.obs_probe.ObsProbe``), which must show each take's card
within ``OBS_WITHIN_S``. ``seller-console --self-test`` (the window) and ``--self-test
--platform`` (``platform_selftest``) both use them.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from seller_console.broadcast.obs_probe import ObsCardReading, ObsProbe, ObsProbeError
from seller_console.platform.sse import SSEDecoder

OVERLAY_WITHIN_S = 1.0
"""A take must reach the overlay's event stream this soon."""
OBS_WITHIN_S = 3.0
"""A take must be read back from OBS this soon (OBS runs a batch on its next frame)."""
OBS_SOURCES = "Seller Console"


class SelfTestError(Exception):
    """What failed, in one line."""


@dataclass(frozen=True, slots=True)
class Broadcast:
    """What else the self-test checks: the overlay page's stream; an OBS (its address,
    the password as read from the file, the scene)."""

    overlay: bool = False
    obs_url: str | None = None
    obs_password: str = field(default="", repr=False)
    obs_scene: str = "Scene"


NO_BROADCAST = Broadcast()


class OverlayWatcher:
    """The overlay page's event stream, read by a plain HTTP client over loopback on a
    thread of its own (the page's snapshot first, as the page loads it): when each
    product reached it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host, self._port, self._path = parts.hostname or "", parts.port or 80, parts.path
        self._lock = threading.Lock()
        self._arrivals: list[tuple[float, str | None]] = []  # (monotonic, live item id)
        self._conn: http.client.HTTPConnection | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.error: str | None = None

    def start(self) -> None:
        snapshot = http.client.HTTPConnection(self._host, self._port, timeout=5)
        try:
            snapshot.request("GET", f"{self._path}/state.json")
            answer = snapshot.getresponse()
            body = answer.read()
        except OSError as exc:
            raise SelfTestError(f"the overlay's page does not answer: {exc}") from exc
        finally:
            snapshot.close()
        if answer.status != 200 or "states" not in json.loads(body):
            raise SelfTestError(f"the overlay's snapshot answered HTTP {answer.status}")
        self._conn = conn = http.client.HTTPConnection(self._host, self._port, timeout=30)
        conn.request("GET", f"{self._path}/events", headers={"Accept": "text/event-stream"})
        response = conn.getresponse()
        if response.status != 200:
            raise SelfTestError(f"the overlay's event stream answered HTTP {response.status}")
        self._thread = threading.Thread(
            target=self._read, args=(response,), name="overlay-watcher", daemon=True
        )
        self._thread.start()

    def _read(self, response: http.client.HTTPResponse) -> None:
        decoder = SSEDecoder()
        try:
            while chunk := response.read1(65536):
                now = time.monotonic()
                for event in decoder.feed(chunk):
                    if event.event != "state" or event.data is None:
                        continue
                    live = json.loads(event.data)["state"]["live"]
                    with self._lock:
                        self._arrivals.append((now, live["item_id"] if live else None))
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:
            if not self._stopping.is_set():
                self.error = f"the overlay's event stream failed: {exc}"

    def arrived(self, item_id: str, since: float) -> float | None:
        """When the stream first showed ``item_id`` live at or after ``since``."""
        with self._lock:
            return next((t for t, i in self._arrivals if t >= since and i == item_id), None)

    def stop(self) -> None:
        """Ends the stream: its socket is shut (the reader sees its end), then closed."""
        self._stopping.set()
        conn, self._conn = self._conn, None
        if conn is not None and conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(5)
        if conn is not None:
            conn.close()


async def overlay_showed(watcher: OverlayWatcher, item_id: str, pressed: float, n: int) -> None:
    deadline = pressed + OVERLAY_WITHIN_S
    while (at := watcher.arrived(item_id, pressed)) is None and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    if watcher.error is not None:
        raise SelfTestError(watcher.error)
    if at is None or at > deadline:
        raise SelfTestError(f"take {n} did not reach the overlay within {OVERLAY_WITHIN_S:g} s")


async def obs_showed(probe: ObsProbe, title: str) -> bool:
    """Whether OBS shows the card of ``title`` within ``OBS_WITHIN_S`` (the browser
    source shows the overlay page, which follows every take: it must be shown)."""
    deadline = time.monotonic() + OBS_WITHIN_S
    while time.monotonic() < deadline:
        try:
            reading = await probe.read()
        except ObsProbeError as exc:
            raise SelfTestError(f"OBS: {exc}") from exc
        if reading is not None and _shows(reading, title):
            return True
        await asyncio.sleep(0.1)
    return False


def _shows(reading: ObsCardReading, title: str) -> bool:
    return reading.shown and (reading.mode == "browser" or reading.text == title)
