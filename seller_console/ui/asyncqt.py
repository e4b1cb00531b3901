"""Glue between Qt and asyncio: owned tasks, awaited dialogs.

Every task the UI starts belongs to a ``TaskScope`` that keeps a strong reference,
reports failures to the excepthook, and cancels and awaits what is left at shutdown.
Dialogs are opened with ``open()`` and awaited through their ``finished`` signal; a
modal ``exec()`` inside a coroutine would re-enter the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    import asyncio  # imported where it is used: it loads after the window's first paint

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskScope:
    """Owns the UI's tasks: named ones replace their predecessor (search, refresh)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._named: dict[str, asyncio.Task[Any]] = {}

    def start(self, coro: Coroutine[Any, Any, T], name: str | None = None) -> asyncio.Task[T]:
        import asyncio

        if name is not None:
            previous = self._named.pop(name, None)
            if previous is not None:
                previous.cancel()
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        if name is not None:
            self._named[name] = task
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        name = task.get_name()
        if self._named.get(name) is task:
            del self._named[name]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        """Cancel every task and wait for them to end."""
        import asyncio

        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


async def run_dialog(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally and wait for its result without a nested loop.

    The caller reads what it needs from the dialog and then ``deleteLater()``s it.
    """
    import asyncio

    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not done.done():
            done.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await done
    finally:
        with contextlib.suppress(RuntimeError):  # the dialog went with its window
            dialog.finished.disconnect(finished)
