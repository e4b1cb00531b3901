"""Running the practice TikTok: uvicorn on a loopback socket in a background thread, like
the Live Commerce sandbox (``sandbox/server.py``, whose socket helper and timeouts it uses)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from seller_console.sandbox.config import is_loopback
from seller_console.sandbox.errors import SandboxConfigError, SandboxStartError
from seller_console.sandbox.server import START_TIMEOUT_S, STOP_TIMEOUT_S, _listen_socket
from seller_console.sandbox.tiktok.app import build_app
from seller_console.sandbox.tiktok.world import PracticeConfig, PracticeFaults, World


class RunningTikTok:
    """A practice TikTok serving on a loopback port; a context manager. The same ``base_url``
    stands for the API host and the token host."""

    def __init__(self, config: PracticeConfig, *, allow_remote: bool = False) -> None:
        if not allow_remote and not is_loopback(config.host):
            raise SandboxConfigError(
                f"refusing to listen on {config.host}: pass --allow-remote to allow it"
            )
        self.world = World(config)
        self.config = config
        try:
            self._socket: socket.socket = _listen_socket(config.host, config.port)
        except OSError as exc:
            raise SandboxStartError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
        self.host = config.host
        self.port: int = self._socket.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                build_app(self.world),
                host=config.host,
                port=self.port,
                log_config=None,
                access_log=False,
                lifespan="on",
                timeout_graceful_shutdown=3,
                ws="none",
            )
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="practice-tiktok", daemon=True)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def app_key(self) -> str:
        return self.world.app_key

    @property
    def app_secret(self) -> str:
        return self.world.app_secret

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
                runner.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported to the thread that waits in start()
            self._error = exc

    def start(self) -> RunningTikTok:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError(f"the practice TikTok did not start: {self._error!r}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.should_exit = True
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(STOP_TIMEOUT_S)
        self._socket.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # ------------------------------------------------------------ knobs for tests
    def set_faults(self, faults: PracticeFaults) -> None:
        self.world.set_faults(faults)

    def stats(self) -> dict[str, Any]:
        return self.world.stats.to_json()

    def __enter__(self) -> RunningTikTok:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_practice_tiktok(config: PracticeConfig | None = None) -> RunningTikTok:
    """Starts a practice TikTok on a background thread; returns once it accepts connections."""
    return RunningTikTok(config or PracticeConfig()).start()
