"""An ASGI app served by uvicorn on a thread of its own: the one runner of the servers the
app starts inside itself (the practice platforms of ``sandbox/``, the overlay page of
``broadcast/``). A context manager; ``start`` waits until it accepts connections, ``stop``
is idempotent.

It runs a plain asyncio loop (``loop``), whatever event-loop policy the embedding app set
(a Qt app's policy would make a Qt loop, which cannot run outside the main thread), and
listens on a socket made with ``IPPROTO_TCP`` as its protocol: asyncio sets
``TCP_NODELAY`` on an accepted connection only then, and accepted sockets copy it from the
listening one. uvicorn's own ``bind_socket()`` binds with protocol 0, so every response's
header and body writes would wait ~40 ms for the client's delayed ACK.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import Any, Self

import uvicorn

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0


class ServerStartError(Exception):
    """The server could not listen or start; the message says why."""


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket with ``TCP_NODELAY`` (see the module docstring)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class ServedApp:
    """``app`` on ``host:port`` (port 0: a free one). ``what`` names it in errors and the
    thread's name; ``uvicorn_options`` go to ``uvicorn.Config`` (a protocol, timeouts)."""

    def __init__(
        self, app: Any, host: str, port: int, *, what: str, **uvicorn_options: Any
    ) -> None:
        self._what = what
        try:
            self._socket = listen_socket(host, port)
        except OSError as exc:
            raise ServerStartError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host,
                port=self.port,
                log_config=None,
                access_log=False,
                timeout_graceful_shutdown=3,
                ws="none",
                **uvicorn_options,
            )
        )
        self.loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=what, daemon=True)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
                self.loop = runner.get_loop()
                runner.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported to the thread that waits in start()
            self._error = exc

    def start(self) -> Self:
        """Start the thread and wait until the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(f"the {self._what} did not start: {self._error!r}")
            time.sleep(0.01)
        return self

    def _before_stop(self) -> None:
        """Called on the way down while the server still runs (e.g. to end open streams)."""

    def stop(self) -> None:
        """Stops the server and waits for its thread."""
        if self._thread.is_alive():
            self._before_stop()
            self._server.should_exit = True
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_S)
        self._socket.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
