"""The live engine: the process where the live show runs (see ``services.live_process``).

Part of the composition root: it builds the platform link (``LiveLink``: the chosen
platform, the show database, the embedded practice platform), the live session and the
product overlay's server (a subscriber of the session), then serves the window's calls
and requests from the pipe until told to stop, sending every state the session
publishes. Nothing here imports Qt; the window's process never runs the stream, the
ledger or SQLite writes of a live show.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seller_console.paths import configure_logging
from seller_console.services.live_process import Failure
from seller_console.settings import Settings

# What the engine runs is imported in its own process (``serve``): the window's process
# imports this module only for ``EngineConfig`` and ``serve``'s name (start-up time).
if TYPE_CHECKING:
    from seller_console.broadcast.overlay_server import OverlayServer
    from seller_console.domain.show_records import ShowRecord
    from seller_console.services.live_session import LiveEvent, LiveState
    from seller_console.services.reports import ShowReport

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What the window's process tells the engine it starts (picklable)."""

    database: Path
    settings: Settings
    settings_path: Path
    log_folder: Path | None
    image_cache: Path
    sandbox_rate: float


ENGINE_NICENESS = 5
"""How much the engine yields the processor to the window's process when both want it:
the window's paint comes first, the engine catches up (it keeps everything meanwhile)."""


def serve(conn: Connection, config: EngineConfig) -> None:
    """The engine process's main function."""
    if config.log_folder is not None:
        configure_logging(config.log_folder, "live-engine.log")
    if hasattr(os, "nice"):  # POSIX; Windows keeps the normal priority
        with contextlib.suppress(OSError):
            os.nice(ENGINE_NICENESS)
    try:
        asyncio.run(_Engine(conn, config).serve())
    finally:
        conn.close()


class _Engine:
    def __init__(self, conn: Connection, config: EngineConfig) -> None:
        from seller_console.live_link import LiveLink
        from seller_console.paths import resources_dir
        from seller_console.platform.images import DEMO_HOST, ImageFetcher
        from seller_console.services.live_session import LiveSession

        self._conn = conn
        self._send_lock = threading.Lock()
        self.link = LiveLink(
            config.database,
            config.settings,
            config.settings_path,
            None,  # the OS keychain, opened on first use
            sandbox_rate=config.sandbox_rate,
        )
        self.session = LiveSession(self.link)
        self.images = ImageFetcher(None, config.image_cache, {DEMO_HOST: resources_dir() / "demo"})
        self.overlay: OverlayServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        session, link = self.session, self.link
        self._handlers: dict[str, Callable[..., Any]] = {
            "go_live": session.go_live,
            "resume": session.resume,
            "end_show": session.end_show,
            "end_unfinished": session.end_unfinished,
            "leave_running": session.leave_running,
            "arm_index": session.arm_index,
            "arm_step": session.arm_step,
            "take": session.take,
            "undo_take": session.undo_take,
            "retry_pin": session.retry_pin,
            "set_auto_advance": session.set_auto_advance,
            "update_items": session.update_items,
            "unfinished_shows": link.unfinished_shows,
            "platform_orders": link.platform_orders,
            "test_connection": link.test_connection,
            "sign_in": link.sign_in,
            "use_profile": link.use_profile,
            "flush": _nothing,
            "list_shows": self._list_shows,
            "report": self._report,
            "refresh": link.refresh_show,
            "affiliate_links": link.affiliate_links,
            "import_orders": link.import_orders,
            "practice_audience": link.practice_audience,
            "practice_platform": link.practice_platform,
            "overlay_url": self._overlay_url,
        }

    def _send(self, message: tuple[object, ...]) -> None:
        with self._send_lock:
            self._conn.send(message)

    def _published(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        try:
            self._send(("state", state, events))
        except (OSError, EOFError):  # the window is gone: the loop stops on its own
            logger.info("a live state was not delivered: the window's end is closed")

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    message = self._conn.recv()
                except (EOFError, OSError):
                    message = ("stop",)
                loop.call_soon_threadsafe(inbox.put_nowait, message)
                if message[0] == "stop":
                    return

        threading.Thread(target=read, name="live-engine-inbox", daemon=True).start()
        self.session.subscribe(self._published)
        from seller_console.broadcast.overlay_server import (
            OverlayStartError,
            start_overlay_server,
        )
        from seller_console.services.on_air_feed import OnAirFeed

        try:
            self.overlay = await asyncio.to_thread(
                start_overlay_server, images=self.images.fetch, image_loop=loop
            )
            self.session.subscribe(OnAirFeed(self.overlay))
        except OverlayStartError as exc:  # the show goes on without a stream overlay
            logger.warning("no product overlay: %s", exc)
        try:
            while True:
                message = await inbox.get()
                if message[0] == "stop":
                    break
                if message[0] == "call":
                    _, name, args = message
                    self._run(None, name, args)
                elif message[0] == "request":
                    _, request_id, name, args = message
                    self._run(request_id, name, args)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.session.close()
            await self.link.close()
            if self.overlay is not None:
                await asyncio.to_thread(self.overlay.stop)
            await self.images.aclose()

    def _run(self, request_id: int | None, name: str, args: tuple[Any, ...]) -> None:
        handler = self._handlers.get(name)
        if handler is None:
            self._answer(request_id, False, Failure.of(RuntimeError(f"no such request {name}")))
            return
        if inspect.iscoroutinefunction(handler):
            task = asyncio.create_task(self._await(request_id, handler, args), name=name)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        try:
            self._answer(request_id, True, handler(*args))
        except Exception as error:
            self._failed(request_id, name, error)

    async def _await(
        self, request_id: int | None, handler: Callable[..., Any], args: tuple[Any, ...]
    ) -> None:
        try:
            self._answer(request_id, True, await handler(*args))
        except Exception as error:
            self._failed(request_id, handler.__name__, error)

    def _failed(self, request_id: int | None, name: str, error: Exception) -> None:
        failure = Failure.of(error)
        if failure.kind.value == "bug":
            logger.exception("the live engine's %s failed", name)
        self._answer(request_id, False, failure)

    def _answer(self, request_id: int | None, ok: bool, value: object) -> None:
        if request_id is None:
            return
        try:
            self._send(("reply", request_id, ok, value))
        except (OSError, EOFError):
            logger.info("reply %s not delivered: the window's end is closed", request_id)

    # ------------------------------------------------------------ requests of its own
    def _overlay_url(self) -> str | None:
        """The product overlay's page, for a browser source (None when it could not start)."""
        return None if self.overlay is None else self.overlay.url

    async def _list_shows(self) -> tuple[ShowRecord, ...]:
        return await (await self.link.open_reports()).list_shows()

    async def _report(self, show_id: str) -> ShowReport:
        return await (await self.link.open_reports()).report(show_id)


def _nothing() -> None:
    """A request that answers once everything sent before it was handled."""
