"""Running the sandbox: uvicorn in a background thread, started and stopped cleanly."""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from typing import Self

import h11
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from seller_console import served
from seller_console.domain.net import is_this_machine
from seller_console.sandbox.app import PROBLEM, Runtime, build_app, problem_body
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.config import (
    HEADER_TIMEOUT_S,
    MAX_RATE,
    SandboxConfig,
    SandboxFaults,
)
from seller_console.sandbox.errors import ApiError, SandboxStartError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


MAX_HEADER_BYTES = 16 * 1024
"""The most bytes of request line and headers h11 buffers before it answers 400."""
KEEP_ALIVE_S = 65
"""An idle keep-alive connection is closed after this long: longer than clients keep an
idle connection (the console's client, 30 s), so a client never reuses one the server is
closing at that moment (a request that would fail with "server disconnected"). A client
that stalls inside a request is cut off by the header deadline instead."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with what it lacks against a slow or malformed client:

    - a deadline for a request's line and headers (``header_timeout_s``, from the moment
      the connection opens, or from the first byte of a later request on a kept-alive one;
      an idle kept-alive connection is closed by ``timeout_keep_alive``): a client that
      sends part of a request and stalls (slowloris) is disconnected, so half-open
      connections cannot pile up until the process runs out of file descriptors and locks
      everyone out;
    - a malformed request gets the contract's problem+json 400, not uvicorn's plain text.
    """

    header_timeout_s: float = 10.0
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            log.info("closing a connection that sent no complete request in time")
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        cycle: RequestResponseCycle | None = self.cycle  # None before the first request
        if self._header_deadline is None and (cycle is None or cycle.response_complete):
            self._arm_header_deadline()  # the first bytes of a request after a keep-alive wait
        super().data_received(data)

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request's headers are complete
            self._disarm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        body = problem_body(ApiError(400, "bad_request", msg))
        headers = [
            (b"content-type", PROBLEM.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


def _protocol(header_timeout_s: float) -> type[GuardedH11Protocol]:
    return type("SandboxH11Protocol", (GuardedH11Protocol,), {"header_timeout_s": header_timeout_s})


class ServedApp(served.ServedApp):
    """A sandbox dialect's app on the app's one server runner (``seller_console.served``),
    with the guarded h11 protocol, the keep-alive and header bounds, and a warning when it
    listens beyond this machine."""

    def __init__(
        self, app: Starlette, host: str, port: int, header_timeout_s: float = HEADER_TIMEOUT_S
    ) -> None:
        try:
            super().__init__(
                app,
                host,
                port,
                what="sandbox",
                lifespan="on",
                http=_protocol(header_timeout_s),
                timeout_keep_alive=KEEP_ALIVE_S,
                h11_max_incomplete_event_size=MAX_HEADER_BYTES,
            )
        except served.ServerStartError as exc:
            raise SandboxStartError(str(exc)) from exc

    def start(self) -> Self:
        """Start the thread and wait until the server accepts connections."""
        if not is_this_machine(self.host):
            log.warning(
                "the sandbox listens on %s: anyone who can reach it and has the key can use it",
                self.host,
            )
        try:
            return super().start()
        except served.ServerStartError as exc:
            raise SandboxStartError(str(exc)) from exc


class RunningSandbox(ServedApp):
    """The Live Commerce API sandbox serving on a loopback port."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.api_key = config.api_key or secrets.token_urlsafe(24)
        self._runtime = Runtime(
            config=config,
            api_key=self.api_key,
            faults=config.faults,
            clock=SandboxClock(config.time_scale),
            fault_rng=random.Random(f"{config.seed}/faults"),
        )
        super().__init__(
            build_app(self._runtime), config.host, config.port, config.header_timeout_s
        )

    def set_faults(self, faults: SandboxFaults) -> None:
        """Changes the fault knobs at once (same as ``PUT /_sandbox/faults``)."""
        self._runtime.faults = faults

    @property
    def faults(self) -> SandboxFaults:
        return self._runtime.faults

    def set_audience_rate(self, rate: float) -> None:
        """Orders per second of a pinned live session (same as ``PUT /_sandbox/audience``)."""
        if not 0 <= rate <= MAX_RATE:
            raise ValueError(f"rate must be from 0 to {MAX_RATE:g}")
        world, loop = self._runtime.world, self._runtime.loop
        if world is None or loop is None:
            raise RuntimeError("the sandbox is not running")
        loop.call_soon_threadsafe(setattr, world, "rate", rate)

    def _before_stop(self) -> None:
        """Ends open event streams so the server can stop at once."""
        world, loop = self._runtime.world, self._runtime.loop
        if world is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(world.close_streams)


def start_sandbox(config: SandboxConfig | None = None) -> RunningSandbox:
    """Starts a sandbox on a background thread and returns once it accepts connections."""
    return RunningSandbox(config or SandboxConfig()).start()
