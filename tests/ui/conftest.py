"""UI tests: a qasync loop per test on pytest-qt's QApplication, and the app's own Console.

The loop is marked as already running (Qt's loop is driven by qtbot's waits), so the
coroutines the window starts run while a test waits; it is unset after each test, so
plain asyncio tests elsewhere in the run are not affected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication, QMessageBox

from seller_console.app import Console
from seller_console.paths import AppPaths
from seller_console.settings import Profile, ProfileKind, Settings, save_settings, settings_file
from seller_console.ui.errors import route_qt_messages

T = TypeVar("T")


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    route_qt_messages()
    loop = qasync.QEventLoop(qapp, already_running=True)
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="test-worker")
    loop.set_default_executor(executor)
    try:
        yield loop
    finally:
        asyncio.events._set_running_loop(None)
        executor.shutdown(wait=True, cancel_futures=True)


class Runner:
    """Runs a coroutine on the qasync loop while qtbot keeps Qt's loop turning."""

    def __init__(self, qtbot: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.qtbot = qtbot
        self.loop = loop

    def __call__(self, coro: Coroutine[Any, Any, T], timeout_ms: int = 15_000) -> T:
        task = self.loop.create_task(coro)
        self.qtbot.waitUntil(task.done, timeout=timeout_ms)
        return task.result()


@pytest.fixture
def run(qtbot: Any, qloop: asyncio.AbstractEventLoop) -> Runner:
    return Runner(qtbot, qloop)


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    root = tmp_path / "home"
    return AppPaths(root / "config", root / "data", root / "cache")


def shown(
    qapp: QApplication, run: Runner, app_paths: AppPaths, *, start: bool = False, **options: Any
) -> Iterator[Console]:
    """A fixture's console: the window shown (and the app started when ``start``),
    closed as the app closes. ``options`` go to ``Console``."""
    made = Console(qapp, app_paths, **options)
    made.window.show()
    try:
        if start:
            run(made.start())
        yield made
    finally:
        close_console(made, run)


@pytest.fixture
def console(qtbot: Any, qapp: QApplication, run: Runner, app_paths: AppPaths) -> Iterator[Console]:
    yield from shown(qapp, run, app_paths)


@pytest.fixture
def shopee_console(qapp: QApplication, run: Runner, app_paths: AppPaths) -> Iterator[Console]:
    """The window with the practice Shopee chosen in Show > Platform."""
    save_settings(
        settings_file(app_paths.config_dir), Settings(Profile(ProfileKind.SHOPEE_PRACTICE))
    )
    yield from shown(qapp, run, app_paths)


def close_console(console: Console, run: Runner) -> None:
    """Close as the app does after the user confirmed, then tear down in the app's order."""
    console.window._may_close = True
    console.window.close()
    run(console.close())
    console.window.deleteLater()


def answer_message_box(qtbot: Any, button: QMessageBox.StandardButton) -> None:
    """Click ``button`` on the message box the window opened (window-modal, not exec())."""

    def box() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: box() is not None, timeout=5000)
    found = box()
    assert found is not None
    found.button(button).click()
