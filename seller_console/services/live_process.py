"""The live engine's process, seen from the window's: requests out, states in.

The live show (the platform adapter, stream decoding, the ledger, SQLite writes, the
embedded practice platform) runs in a process of its own (``seller_console.live_engine``),
so at thousands of orders a second it never takes the interpreter lock the window needs
to paint. This side starts it on first use (``spawn``, which also works in the frozen
app), sends calls and requests over a pipe, and hands every ``LiveState`` the engine
publishes to one listener, from a reader thread.

Messages, all pickled by ``multiprocessing``:

- to the engine: ``("call", name, args)`` (no answer), ``("request", id, name, args)``,
  ``("stop",)``;
- from it: ``("state", LiveState, events)``, ``("reply", id, True, value)`` or
  ``("reply", id, False, Failure)``.

A failure comes back as the typed error the window already handles (``PlatformError``,
``StorageError``, ``DomainError``) with its message for the user. If the engine dies (a
crash, a kill), pending requests fail with ``LiveEngineStopped``, the listener hears an
off-air state saying so, and the next request starts a new engine, which offers the
unfinished show back like any restart.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
import itertools
import logging
import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from seller_console.domain.connection import ConnectionState, LinkStatus
from seller_console.domain.errors import DomainError
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.storage_port import StorageError, StorageErrorKind
from seller_console.services.live_session import ActionFailed, LiveEvent, LiveState

logger = logging.getLogger(__name__)

StateListener = Callable[[LiveState, tuple[LiveEvent, ...]], None]
STOP_TIMEOUT_S = 15.0


class LiveEngineStopped(DomainError):
    """The live engine's process ended before it answered."""


class FailureKind(enum.Enum):
    PLATFORM = "platform"
    STORAGE = "storage"
    DOMAIN = "domain"
    BUG = "bug"


@dataclass(frozen=True, slots=True)
class Failure:
    """A request's failure, as it crosses the pipe (exceptions themselves may not)."""

    kind: FailureKind
    message: str
    detail: str = ""  # the platform's or storage's error kind, by value

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        message = getattr(error, "user_message", None) or str(error)
        if isinstance(error, PlatformError):
            return cls(FailureKind.PLATFORM, message, error.kind.value)
        if isinstance(error, StorageError):
            return cls(FailureKind.STORAGE, message, error.kind.value)
        if isinstance(error, DomainError):
            return cls(FailureKind.DOMAIN, message)
        return cls(FailureKind.BUG, f"the live engine failed: {message}")

    def error(self) -> Exception:
        if self.kind is FailureKind.PLATFORM:
            platform = PlatformError(self.message)
            platform.kind = PlatformErrorKind(self.detail)
            return platform
        if self.kind is FailureKind.STORAGE:
            return StorageError(self.message, StorageErrorKind(self.detail))
        if self.kind is FailureKind.DOMAIN:
            return DomainError(self.message)
        return RuntimeError(self.message)


class LiveProcess:
    """The engine's process: started on first use, stopped once (``stop``)."""

    def __init__(self, target: Callable[..., None], *args: object) -> None:
        """``target(connection, *args)`` runs in the new process (it must be importable)."""
        self._target = target
        self._args = args
        self.on_state: StateListener | None = None
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader: threading.Thread | None = None
        self._pending: dict[int, concurrent.futures.Future[Any]] = {}
        self._ids = itertools.count(1)
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _ensure_started(self) -> Connection:
        with self._lock:
            if self._conn is not None and self._process is not None and self._process.is_alive():
                return self._conn
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=self._target,
                args=(theirs, *self._args),
                name="seller-console-live",
                daemon=True,
            )
            process.start()
            theirs.close()
            self._conn, self._process, self._stopping = ours, process, False
            self._reader = threading.Thread(
                target=self._read, args=(ours,), name="live-engine-reader", daemon=True
            )
            self._reader.start()
            return ours

    def _send(self, message: tuple[object, ...]) -> None:
        conn = self._ensure_started()
        with self._lock:
            conn.send(message)

    def call(self, name: str, *args: object) -> None:
        """Ask the engine to do ``name(*args)``; its effect arrives as a new state."""
        try:
            self._send(("call", name, args))
        except (OSError, EOFError) as exc:  # the engine is gone: the reader says so
            logger.info("live engine call %s not sent: %s", name, exc)

    async def request(self, name: str, *args: object) -> Any:
        """``name(*args)`` in the engine, awaited: its value, or its typed failure."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        request_id = next(self._ids)
        self._pending[request_id] = future
        try:
            self._send(("request", request_id, name, args))
        except (OSError, EOFError) as exc:
            self._pending.pop(request_id, None)
            raise LiveEngineStopped(f"the live engine is not running ({exc})") from exc
        try:
            return await asyncio.wrap_future(future)
        finally:
            self._pending.pop(request_id, None)

    def _read(self, conn: Connection) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message[0] == "state":
                _, state, events = message
                if self.on_state is not None:
                    self.on_state(state, events)
            elif message[0] == "reply":
                _, request_id, ok, value = message
                future = self._pending.get(request_id)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value.error())
        self._ended()

    def _ended(self) -> None:
        for future in list(self._pending.values()):
            if not future.done():
                future.set_exception(LiveEngineStopped("the live engine stopped"))
        if not self._stopping and self.on_state is not None:
            detail = "the live engine stopped; the show is kept and can be resumed"
            logger.warning("%s", detail)
            self.on_state(
                LiveState(connection=ConnectionState(LinkStatus.OFFLINE, detail=detail)),
                (ActionFailed(f"The live show's engine stopped unexpectedly: {detail}."),),
            )

    def stop(self) -> None:
        """Ask the engine to close its show and platform, wait, and end it (bounded)."""
        process, conn, reader = self._process, self._conn, self._reader
        if process is None or conn is None:
            return
        self._stopping = True
        try:
            with self._lock:
                conn.send(("stop",))
        except (OSError, EOFError):
            pass
        process.join(STOP_TIMEOUT_S)
        if process.is_alive():
            logger.warning("the live engine did not stop in %.0f s: ended", STOP_TIMEOUT_S)
            process.kill()
            process.join()
        if reader is not None:
            reader.join(STOP_TIMEOUT_S)  # the engine's end of the pipe closed with it
        conn.close()
        self._process = self._conn = self._reader = None
