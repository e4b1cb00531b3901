"""The overlay page for a browser source (OBS, Streamlabs, any app that has one), served on
127.0.0.1 at ``/overlay/<token>`` with a random token; every other path is a 404.

- ``/overlay/<token>``: the page (``resources/overlay/``: plain HTML, CSS and JS).
- ``/overlay/<token>/state.json``: the snapshot a page starts from, with the states
  published within the stream delay so a reloaded page shows what viewers see.
- ``/overlay/<token>/events``: SSE, one message per published state (``id:`` = version).
- ``/overlay/<token>/image/<key>``: a product image from the state, fetched through the
  console's image loader (its cache, size limit and type check). A browser source cannot
  reach the demo catalog's images at all, and remote shops may be slow or refuse
  hot-linking; one local origin also lets the page forbid every other one (CSP).
- ``POST /overlay/<token>/ack``: the page says which version it applied, and when
  (``applied_versions`` / ``wait_applied``): the self-test's "shown within one second".

``on_state`` is thread-safe and returns at once: the server runs uvicorn on its own thread
with its own asyncio loop, like the sandbox.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from seller_console.broadcast.images import ImageLoader, image_key, image_type
from seller_console.domain.on_air import OnAirState, on_air_json
from seller_console.files import write_atomic
from seller_console.paths import resources_dir
from seller_console.served import ServedApp, ServerStartError

log = logging.getLogger(__name__)

KEEPALIVE_S: Final = 15.0
MAX_DELAY_S: Final = 120.0
MAX_QUEUED: Final = 256  # a page this far behind is cut off; it reconnects from a snapshot
MAX_ACKS: Final = 2000
MAX_HISTORY: Final = 2000
MAX_IMAGES: Final = 32
MAX_ACK_BYTES: Final = 1024
_ASSETS: Final = {
    "overlay.js": "text/javascript; charset=utf-8",
    "overlay.css": "text/css; charset=utf-8",
}
_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class OverlayStartError(Exception):
    """The overlay server could not listen or start; the message says why."""


@dataclass(frozen=True, slots=True)
class Ack:
    """A page applied ``version``: at ``applied_ms`` by the page's clock (epoch ms), and the
    server heard of it at ``received_ms``."""

    version: int
    applied_ms: float
    received_ms: float


def _sse(message: dict[str, object], version: int) -> bytes:
    return f"id: {version}\nevent: state\ndata: {json.dumps(message)}\n\n".encode()


class OverlayServer:
    """The overlay server. ``delay_s``: the stream delay the page waits before it shows a
    state (a page's ``?delay=`` overrides it). ``images``: the console's image loader,
    awaited on ``image_loop`` (the app's loop; None: the server's own)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        delay_s: float = 0.0,
        images: ImageLoader | None = None,
        image_loop: asyncio.AbstractEventLoop | None = None,
        assets_dir: Path | None = None,
        token: str | None = None,
    ) -> None:
        self.token = token or secrets.token_urlsafe(24)
        self._assets = assets_dir or resources_dir() / "overlay"
        self._images = images
        self._image_loop = image_loop
        self._image_urls: OrderedDict[str, str] = OrderedDict()
        self._image_cache: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._delay_s = 0.0
        self.set_delay(delay_s)
        self._history: deque[tuple[float, int, dict[str, object]]] = deque()
        self._version = -1
        self._queues: set[asyncio.Queue[bytes | None]] = set()
        self._acks: OrderedDict[int, Ack] = OrderedDict()
        self._ack_changed = threading.Condition(self._lock)
        try:
            self._served = ServedApp(self._app(), host, port, what="overlay-server", lifespan="off")
        except ServerStartError as exc:
            raise OverlayStartError(str(exc)) from exc
        self.host = host
        self.port: int = self._served.port

    # ------------------------------------------------------------------ public
    @property
    def url(self) -> str:
        """The page's address, for a browser source (``?theme=``, ``&scale=`` ... may follow)."""
        return f"http://{self.host}:{self.port}/overlay/{self.token}"

    def start(self) -> OverlayServer:
        try:
            self._served.start()
        except ServerStartError as exc:
            raise OverlayStartError(f"the overlay server did not start: {exc}") from exc
        return self

    def stop(self) -> None:
        """Ends open event streams, stops the server and waits for its thread. Idempotent."""
        loop = self._served.loop
        if self._served.running and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fan_out, None)
        self._served.stop()

    def set_delay(self, seconds: float) -> None:
        """The stream delay for pages that do not set their own (from their next message)."""
        if not 0 <= seconds <= MAX_DELAY_S:
            raise ValueError(f"the stream delay must be between 0 and {MAX_DELAY_S:g} s")
        self._delay_s = float(seconds)

    def on_state(self, state: OnAirState) -> None:
        """Publishes ``state`` to every page. A version not above the last one is ignored."""
        now = time.time()
        with self._lock:
            if state.version <= self._version:
                log.debug("overlay: version %d ignored (have %d)", state.version, self._version)
                return
            self._version = state.version
            payload = self._page_state(state)
            self._history.append((now, state.version, payload))
            self._trim(now)
            message = self._message(now, state.version, payload)
        loop = self._served.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fan_out, _sse(message, state.version))

    def applied_versions(self) -> dict[int, Ack]:
        with self._lock:
            return dict(self._acks)

    def wait_applied(self, version: int, timeout: float) -> Ack | None:
        """Blocks until a page acknowledged ``version`` (or a later one); None on timeout."""
        deadline = time.monotonic() + timeout
        with self._ack_changed:
            while True:
                ack = self._acks.get(version)
                if ack is not None:
                    return ack
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._ack_changed.wait(left)

    def __enter__(self) -> OverlayServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ state
    def _page_state(self, state: OnAirState) -> dict[str, object]:
        payload = on_air_json(state)
        for key in ("live", "next_up"):
            card = payload[key]
            if isinstance(card, dict):
                url = card["image_url"]
                card["image_src"] = self._register_image(url) if isinstance(url, str) else None
        return payload

    def _register_image(self, url: str) -> str | None:
        if not url or self._images is None:
            return None
        key = image_key(url)
        self._image_urls[key] = url
        self._image_urls.move_to_end(key)
        while len(self._image_urls) > 4 * MAX_IMAGES:
            self._image_urls.popitem(last=False)
        return f"image/{key}"

    def _trim(self, now: float) -> None:
        # Keep the newest state older than the longest delay (what viewers of the most
        # delayed page see now) and all after it.
        horizon = now - MAX_DELAY_S
        while len(self._history) > 1 and (
            self._history[1][0] <= horizon or len(self._history) > MAX_HISTORY
        ):
            self._history.popleft()

    def _message(
        self, published: float, version: int, payload: dict[str, object]
    ) -> dict[str, object]:
        return {
            "version": version,
            "published_ms": round(published * 1000, 3),
            "server_ms": round(time.time() * 1000, 3),
            "delay_s": self._delay_s,
            "state": payload,
        }

    def _snapshot(self, delay_s: float | None) -> dict[str, object]:
        now = time.time()
        with self._lock:
            entries = list(self._history)
            delay = self._delay_s if delay_s is None else delay_s
        due = [i for i, (at, _, _) in enumerate(entries) if at <= now - delay]
        first = due[-1] if due else 0
        return {
            "server_ms": round(now * 1000, 3),
            "delay_s": delay,
            "states": [
                {"version": v, "published_ms": round(at * 1000, 3), "state": p}
                for at, v, p in entries[first:]
            ],
        }

    def _fan_out(self, chunk: bytes | None) -> None:
        for queue in list(self._queues):
            if chunk is not None and queue.qsize() >= MAX_QUEUED:
                self._queues.discard(queue)
                queue.put_nowait(None)
                continue
            queue.put_nowait(chunk)

    # ------------------------------------------------------------------ HTTP
    def _check(self, request: Request) -> None:
        token = request.path_params.get("token", "")
        if not hmac.compare_digest(str(token).encode(), self.token.encode()):
            raise HTTPException(404)

    async def _page(self, request: Request) -> Response:
        self._check(request)
        html = await asyncio.to_thread((self._assets / "index.html").read_text, "utf-8")
        return Response(
            html.replace("__BASE__", f"/overlay/{self.token}/"),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"},
        )

    async def _asset(self, request: Request) -> Response:
        self._check(request)
        name = request.path_params["name"]
        kind = _ASSETS.get(name)
        if kind is None:
            raise HTTPException(404)
        body = await asyncio.to_thread((self._assets / name).read_bytes)
        return Response(body, media_type=kind, headers={"Cache-Control": "no-store"})

    async def _state(self, request: Request) -> Response:
        self._check(request)
        delay: float | None = None
        text = request.query_params.get("delay")
        if text is not None:
            try:
                delay = min(MAX_DELAY_S, max(0.0, float(text)))
            except ValueError as exc:
                raise HTTPException(400, "delay must be a number of seconds") from exc
        return JSONResponse(self._snapshot(delay), headers={"Cache-Control": "no-store"})

    async def _events(self, request: Request) -> Response:
        self._check(request)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._queues.add(queue)

        async def stream() -> AsyncIterator[bytes]:
            try:
                yield b"retry: 1000\n\n"
                while True:
                    try:
                        chunk = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    if chunk is None:
                        return
                    yield chunk
            finally:
                self._queues.discard(queue)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _ack(self, request: Request) -> Response:
        self._check(request)
        body = await request.body()
        if len(body) > MAX_ACK_BYTES:
            raise HTTPException(413)
        try:
            data = json.loads(body)
            version, applied = data["version"], data["applied_ms"]
            if not isinstance(version, int) or not isinstance(applied, int | float):
                raise TypeError
        except (ValueError, KeyError, TypeError) as exc:
            raise HTTPException(400, "expected {version: int, applied_ms: number}") from exc
        with self._ack_changed:
            if version not in self._acks:
                self._acks[version] = Ack(version, float(applied), time.time() * 1000)
                while len(self._acks) > MAX_ACKS:
                    self._acks.popitem(last=False)
                self._ack_changed.notify_all()
        return Response(status_code=204)

    async def _image(self, request: Request) -> Response:
        self._check(request)
        key = request.path_params["key"]
        with self._lock:
            url = self._image_urls.get(key)
            cached = self._image_cache.get(key)
        if cached is None:
            if url is None or self._images is None:
                raise HTTPException(404)
            data = await self._load_image(url)
            kind = None if data is None else image_type(data)
            if data is None or kind is None:
                raise HTTPException(404)
            cached = (data, kind)
            with self._lock:
                self._image_cache[key] = cached
                while len(self._image_cache) > MAX_IMAGES:
                    self._image_cache.popitem(last=False)
        return Response(cached[0], media_type=cached[1], headers={"Cache-Control": "max-age=3600"})

    async def _load_image(self, url: str) -> bytes | None:
        assert self._images is not None
        try:
            if self._image_loop is None:
                return await self._images(url)
            future = asyncio.run_coroutine_threadsafe(self._images(url), self._image_loop)
            return await asyncio.wrap_future(future)
        except Exception:  # an image that cannot be had leaves the card without one
            log.info("overlay: no image for %s", url, exc_info=True)
            return None

    def _app(self) -> Starlette:
        base = "/overlay/{token}"
        return Starlette(
            routes=[
                Route(base, self._page),
                Route(base + "/state.json", self._state),
                Route(base + "/events", self._events),
                Route(base + "/ack", self._ack, methods=["POST"]),
                Route(base + "/image/{key}", self._image),
                Route(base + "/{name}", self._asset),
            ]
        )


def start_overlay_server(
    *,
    delay_s: float = 0.0,
    images: ImageLoader | None = None,
    image_loop: asyncio.AbstractEventLoop | None = None,
    port: int = 0,
    port_file: Path | None = None,
    token: str | None = None,
) -> OverlayServer:
    """An overlay server on 127.0.0.1 (a free port unless ``port``), started and serving.

    A browser source keeps the address it was given, so a console that restarts (the next
    night, a crash mid-show) serves the page there again: ``port_file`` keeps the port, and
    ``token`` is the page's token from before (the caller keeps it in the keychain; one that
    is not what ``token_urlsafe`` makes is not used). Only when another program holds that
    port does the port change; with no port kept, or no token, a new one is made.
    """
    if token is not None and _TOKEN.fullmatch(token) is None:
        token = None
    if port_file is not None and not port:
        port = _kept_port(port_file)
    try:
        server = OverlayServer(
            port=port, token=token, delay_s=delay_s, images=images, image_loop=image_loop
        )
    except OverlayStartError:
        if port_file is None or port == 0:
            raise
        log.warning("the overlay's port %d is taken: its address moves to another", port)
        server = OverlayServer(token=token, delay_s=delay_s, images=images, image_loop=image_loop)
    if port_file is not None:
        try:
            write_atomic(port_file, json.dumps({"port": server.port}))
        except OSError as exc:  # the overlay works; its port just is not kept for next time
            log.warning("the overlay's port could not be kept: %s", exc)
    return server.start()


_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _kept_port(path: Path) -> int:
    """The port kept in ``path``, or 0 (any free one) when there is none that is usable."""
    try:
        kept = json.loads(path.read_bytes()[:4096])
    except (OSError, ValueError):
        return 0
    port = kept.get("port") if isinstance(kept, dict) else None
    return port if isinstance(port, int) and 0 < port < 65536 else 0
