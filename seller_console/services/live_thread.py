"""The live thread: an asyncio loop of its own, where the live show runs.

The platform adapter, the event stream's decoding, the ledger and the show database's
writes all run on this loop, so a burst of thousands of orders a second never runs on
the GUI thread. Another loop (the window's) hands work over with ``run`` (await a
coroutine that runs here) and ``call`` (a plain call, fire and forget); the live side
talks back only through its subscribers, which hand states to their own thread.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
SWITCH_INTERVAL_S = 0.001


class LiveThread:
    """One thread, one loop; ``start`` once, ``stop`` once (both idempotent)."""

    def __init__(self, name: str = "live") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self.start()
        assert self._loop is not None
        return self._loop

    def start(self) -> None:
        if self._thread is not None:
            return
        ready = threading.Event()

        def main() -> None:
            # A plain selector loop: the app's event-loop policy (qasync's) would make a
            # Qt loop here, and Qt loops belong to the GUI thread.
            loop = asyncio.SelectorEventLoop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()

        # Two busy threads share one GIL: hand it over every millisecond (Python's default
        # is 5 ms), so the window's thread never waits long for its turn to paint.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._thread = threading.Thread(target=main, name=self._name, daemon=True)
        self._thread.start()
        ready.wait()

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the live loop and await its result from the caller's loop.
        Cancelling the caller cancels it there too."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return await asyncio.wrap_future(future)

    def call(self, function: Callable[..., object], *args: object) -> None:
        """Call ``function(*args)`` on the live loop, soon."""
        self.loop.call_soon_threadsafe(function, *args)

    def stop(self) -> None:
        """Stop the loop (after what is scheduled now) and join the thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = None
        self._loop = None
