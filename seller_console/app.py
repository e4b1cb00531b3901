"""The composition root: QApplication, the qasync loop, services, the window; start-up and shutdown.

The only module that imports every layer, each where it composes it: the window's stack
inside ``main``'s window path and ``Console``, so the command-line tools never load it,
and the window's start-up loads it with the collector paused (``_StartCollector``).
The window is shown and painted before asyncio and qasync are loaded; the qasync loop
starts just after its first paint, and everything that awaits runs on it.
Shutdown runs in one order every time: the window's state is saved, every task is
cancelled and awaited, the HTTP client is closed, then the worker threads are joined, so
the process ends with exit code 0 and no warnings.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import seller_console

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QApplication

    from seller_console.domain.platform_port import SecretSaved
    from seller_console.paths import AppPaths
    from seller_console.services.live_process import LiveProcess
    from seller_console.ui.errors import ErrorReporter
    from seller_console.ui.main_window import MainWindow
    from seller_console.ui.viewmodels.live_vm import LiveViewModel

log = logging.getLogger(__name__)
SCREENSHOT_IMAGE_WAIT_S = 5.0
SCREENSHOT_SIZE = (1440, 860)
VERSION_DELAY_S = 0.5  # after the first paint


class _EngineSecrets:
    """The app's ``SecretStore`` as the window's dialogs use it: the live engine's, where
    the platform calls read their secrets (the OS keychain; without one, the engine's
    memory for this run only). One store for the run: a partner key typed in the window
    signs the engine's sign-in link."""

    def __init__(self, engine: LiveProcess) -> None:
        self._engine = engine

    async def load(self, account: str) -> str | None:
        result: str | None = await self._engine.request("secret_load", account)
        return result

    async def save(self, account: str, secret: str) -> SecretSaved:
        result: SecretSaved = await self._engine.request("secret_save", account, secret)
        return result

    async def delete(self, account: str) -> None:
        await self._engine.request("secret_delete", account)


class Console:
    """Everything the window needs, built in one place and torn down in one order."""

    def __init__(
        self,
        app: QApplication,
        paths: AppPaths,
        sandbox_rate: float | None = None,
        *,
        remember: bool = True,
    ) -> None:
        """``sandbox_rate``: the embedded practice platform's orders a second while a
        product is pinned (None: the demo's, ``live_link.DEMO_RATE``). ``remember``:
        reopen the last work at start and keep what is opened (not for the self-test,
        which must neither use nor change the user's recent files)."""
        from seller_console.paths import resources_dir
        from seller_console.platform.images import DEMO_HOST, ImageFetcher
        from seller_console.services.plan_store import PlanStore
        from seller_console.settings import load_settings, settings_file, workspace_file
        from seller_console.ui.asyncqt import TaskScope
        from seller_console.ui.main_window import MainWindow
        from seller_console.ui.thumbnails import ThumbnailCache
        from seller_console.ui.viewmodels.catalog_vm import CatalogViewModel
        from seller_console.ui.viewmodels.rundown_vm import RundownViewModel
        from seller_console.ui.widgets.product_card import CARD_IMAGE

        self.app = app
        self.paths = paths
        self.tasks = TaskScope()
        # No HTTP client yet: it is made on the first download (httpx loads after the first
        # paint, and not at all for the demo's bundled images); start-up time.
        self.images = fetcher = ImageFetcher(
            None, paths.image_cache_dir, {DEMO_HOST: resources_dir() / "demo"}
        )
        self.thumbnails = ThumbnailCache(fetcher, self.tasks)
        self.card_images = ThumbnailCache(fetcher, self.tasks, CARD_IMAGE, capacity=200)
        self.catalog_vm = CatalogViewModel(self.tasks, self.thumbnails)
        self.rundown_vm = RundownViewModel(self.tasks, PlanStore(paths.autosave_file))
        self._settings_path = settings_file(paths.config_dir)
        self._settings, self.settings_warning = load_settings(self._settings_path)
        self._sandbox_rate = sandbox_rate
        self.window = MainWindow(
            self.catalog_vm,
            self.rundown_vm,
            self._make_live,  # just after the first paint
            self.tasks,
            self.card_images,
            paths.window_state_file,
            workspace_file(paths.config_dir) if remember else None,
        )

    @property
    def live_vm(self) -> LiveViewModel:
        return self.window.live_vm

    def _make_live(self) -> LiveViewModel:
        """The live side: the live show runs in the live engine's process, started on
        first use; the window holds its view-model."""
        from seller_console import live_engine
        from seller_console.live_link import DEMO_RATE
        from seller_console.services.live_process import LiveProcess
        from seller_console.ui.viewmodels.live_vm import LiveViewModel

        paths, settings, rate = self.paths, self._settings, self._sandbox_rate
        engine = LiveProcess(
            live_engine.serve,
            live_engine.EngineConfig(
                paths.show_database,
                settings,
                self._settings_path,
                paths.log_folder,
                paths.image_cache_dir,
                DEMO_RATE if rate is None else rate,
            ),
        )
        return LiveViewModel(self.tasks, engine, settings.profile, _EngineSecrets(engine))

    async def start(self, *, offer_unfinished: bool = True) -> None:
        """Reopen work a crash left behind, and the catalogs and plan open at the last
        quit (the first time: the demo catalog and sample show); then offer back a show
        that was left on air."""
        from seller_console.paths import resources_dir
        from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan

        recovery = await self.rundown_vm.find_recovery()
        recovered = recovery is not None and await self.window.offer_recovery(recovery)
        demo = demo_catalog_path(resources_dir())
        if not await self.window.reopen_work(open_plan=not recovered):
            await self.window.open_catalog(demo, demo_import_options())
        opened = [p.absolute() for p in self.catalog_vm.paths]
        if demo.absolute() in opened and not recovered and self.rundown_vm.path is None:
            catalog = self.catalog_vm.catalogs[opened.index(demo.absolute())]
            self.rundown_vm.load(sample_plan(catalog), None)
        if self.catalog_vm.model.rowCount():
            self.window.catalog_dock.select_row(0)
        if self.settings_warning:
            self.window.statusBar().showMessage(self.settings_warning, 15000)
        if len(self.rundown_vm.rundown):
            self.window.rundown_dock.select_ids([self.rundown_vm.rundown[0].id])
        if offer_unfinished:
            await self.window.offer_unfinished_shows()

    async def screenshot(self, target: Path) -> None:
        """Wait (bounded) for the visible images, then render the window to ``target``."""
        import asyncio

        import qasync

        loop = asyncio.get_running_loop()
        deadline = loop.time() + SCREENSHOT_IMAGE_WAIT_S
        await asyncio.sleep(0.1)  # the first paint asks for the visible images
        while (self.thumbnails.loading or self.card_images.loading) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)  # let the coalesced repaint land
        # Rendering may dispatch posted events: do it from the Qt loop, outside any task.
        saved = await qasync.asyncWrap(lambda: self.window.grab().save(str(target)))
        if not saved:
            raise OSError(f"cannot write {target}")

    async def close(self) -> None:
        self.catalog_vm.cancel_import()  # a big import's worker ends at once, not at its end
        await self.rundown_vm.flush()
        await self.tasks.close()
        await self.live_vm.close()  # the live session, the platform and the show database
        await self.images.aclose()


class _StartCollector:
    """The cyclic garbage collector, paused while the window starts: nearly everything
    made before the first paint (modules, classes, widgets) lives as long as the app, so
    the passes the collector would make over it then (~10 ms, some 60 of them) are wasted
    on the path to the window. Just after the first paint what exists is frozen out of
    its reach (``gc.freeze``, no pass: later full passes skip it too) and it runs again.
    The ~600 objects start-up leaves in garbage cycles stay frozen with the rest, a fixed
    amount, until the end of a show unfreezes everything (``LiveViewModel``)."""

    def __init__(self) -> None:
        self._paused = False

    def pause(self) -> None:
        if gc.isenabled():
            gc.disable()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            gc.freeze()
            gc.enable()


def _show_window(app: QApplication, args: argparse.Namespace, paths: AppPaths) -> Console:
    """Make the window and show it, before asyncio and qasync are loaded (~25 ms with
    ssl, socket and concurrent.futures): nothing here needs a running loop, and the
    window's first paint needs none of it. Its coroutines start once the loop runs
    (``run_window``)."""
    rate = None
    if args.self_test:
        from seller_console.selftest import SELF_TEST_RATE  # deferred: start-up time

        rate = SELF_TEST_RATE
    console = Console(app, paths, rate, remember=not args.self_test)
    if args.screenshot is not None:
        console.window.resize(*SCREENSHOT_SIZE)
    console.window.show()
    return console


def _wait_for_first_paint(window: MainWindow) -> None:
    """Let Qt paint ``window`` (a nested Qt loop until its ``first_painted``, or, for a
    window the system does not paint at once, ``VERSION_DELAY_S``). The user's input
    meanwhile (a close request from the window manager too) waits for the app's loop: the
    window's handlers start tasks, which need it."""
    from PySide6.QtCore import QEventLoop, QTimer

    waiting = QEventLoop()
    window.first_painted.connect(waiting.quit)
    QTimer.singleShot(int(VERSION_DELAY_S * 1000), waiting, waiting.quit)  # gone with it
    waiting.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    window.first_painted.disconnect(waiting.quit)


async def run_window(console: Console, args: argparse.Namespace, reporter: ErrorReporter) -> int:
    """The shown window's life on the qasync loop: its work reopened (or the self-test,
    or a screenshot), then, once it is closed, the shutdown in its one order."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="seller-console")
    loop.set_default_executor(executor)
    reporter.watch(loop)
    closed = asyncio.Event()
    console.window.closed.connect(closed.set)
    console.app.aboutToQuit.connect(closed.set)
    # The version is read from the package metadata (~50 ms) once the window is up:
    # nothing needs it before.
    loop.call_later(VERSION_DELAY_S, _set_version, console.app)
    try:
        if args.self_test:
            return await _self_test(console, args)
        await console.start()
        if args.screenshot is not None:
            await console.screenshot(args.screenshot)
            say(f"screenshot: {args.screenshot}")
            return 0
        await closed.wait()
        return 0
    finally:
        console.window.save_layout()
        await console.close()
        executor.shutdown(wait=True, cancel_futures=True)


def _set_version(app: QApplication) -> None:
    app.setApplicationVersion(seller_console.__version__)


def say(line: str) -> None:
    """One line for whoever started us; a windowed Windows build has no stdout (the exit
    code still tells)."""
    if sys.stdout is not None:
        print(line, flush=True)


async def _self_test(console: Console, args: argparse.Namespace) -> int:
    import asyncio

    # Deferred: only --self-test needs it (its module alone cost ~30 ms); start-up time.
    from seller_console.selftest import (
        SELF_TEST_SECONDS,
        Broadcast,
        SelfTestError,
        run_self_test,
    )

    broadcast = Broadcast(args.overlay, args.obs, args.obs_password, args.obs_scene)
    try:
        line = await asyncio.wait_for(
            run_self_test(console, screenshot=args.screenshot, broadcast=broadcast, say=say),
            SELF_TEST_SECONDS,
        )
    except SelfTestError as exc:
        say(f"self-test: FAILED: {exc}")
        return 1
    except TimeoutError:
        say(f"self-test: FAILED: not done within {SELF_TEST_SECONDS:.0f} s")
        return 1
    say(line)
    return 0


def _platform_self_test(args: argparse.Namespace) -> int:
    # Deferred: only this self-test needs the platform adapters; start-up time.
    from seller_console import platform_selftest
    from seller_console.broadcast_check import Broadcast
    from seller_console.paths import AppPaths, configure_logging

    configure_logging(AppPaths.default().log_folder, "seller-console-self-test.log")
    broadcast = Broadcast(args.overlay, args.obs, args.obs_password, args.obs_scene)
    options = platform_selftest.Options(
        args.platform, args.base_url, args.credentials, args.catalog, args.manual_pins, broadcast
    )
    return platform_selftest.main(options)


def shows_refresh(wanted: str, paths: AppPaths, out: TextIO, err: TextIO) -> int:
    """``shows refresh ID``: read a past show's orders again from the platform of the chosen
    profile (``Show > Platform``; its keys from the keychain), print what moved and the
    report. Exit code 2 when the show, its platform or the database cannot be reached."""
    import asyncio

    from seller_console import shows_cli
    from seller_console.domain.errors import DomainError
    from seller_console.domain.platform_errors import PlatformError
    from seller_console.domain.storage_port import StorageError
    from seller_console.live_link import LiveLink
    from seller_console.settings import load_settings, settings_file

    if not paths.show_database.is_file():
        print(f"no show database at {paths.show_database}", file=err)
        return 2
    settings_path = settings_file(paths.config_dir)
    settings, warning = load_settings(settings_path)
    if warning:
        print(warning, file=err)

    async def go() -> int:
        link = LiveLink(paths.show_database, settings, settings_path, None)
        try:
            reports = await link.open_reports()
            show_id = await shows_cli.show_id_of(reports, wanted)
            if show_id is None:
                print(f"no show {wanted!r} (or more than one starts so)", file=err)
                return 2
            outcome = await link.refresh_show(show_id)
            out.write(outcome.summary() + "\n")
            shows_cli.print_report(await reports.report(show_id), out)
            return 0
        except (DomainError, PlatformError, StorageError) as exc:
            reason = getattr(exc, "user_message", None) or str(exc)
            print(f"cannot refresh the show: {reason}", file=err)
            return 2
        finally:
            await link.close()

    return asyncio.run(go())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    collector = _StartCollector()
    collector.pause()  # from the first import on the window's path to its first paint
    try:
        return _main(argv, collector)
    finally:
        collector.resume()


def _main(argv: list[str], collector: _StartCollector) -> int:
    from seller_console.cli import (
        broadcast_self_test_problem,
        build_parser,
        platform_self_test_problem,
    )
    from seller_console.paths import AppPaths, configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None or (args.self_test and args.platform is not None):
        collector.resume()  # the paused collector is for the window's start only
    if args.command == "shows" and args.shows_command == "refresh":  # opens the platform
        return shows_refresh(args.show, AppPaths.default(), sys.stdout, sys.stderr)
    if args.command is not None:  # command-line tools need no window
        from seller_console.cli import main as cli_main

        return cli_main(argv)
    problem = platform_self_test_problem(args) or broadcast_self_test_problem(args)
    if problem is not None:
        parser.error(problem)
    if args.self_test and args.platform is not None:  # no window, no Qt application
        return _platform_self_test(args)
    if args.self_test:  # headless; its show is kept like any other, so runs build a history
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    paths = AppPaths.default()
    configure_logging(paths.log_folder, "seller-console.log")
    return _window_main(args, paths, collector.resume)


def _window_main(args: argparse.Namespace, paths: AppPaths, painted: Callable[[], None]) -> int:
    """``painted``: called once the window has painted for the first time."""
    from PySide6.QtWidgets import QApplication

    from seller_console.ui.errors import ErrorReporter, route_qt_messages
    from seller_console.ui.theme import follow_system

    if QApplication.instance() is None:
        from seller_console.ui.display import display_problem

        problem = display_problem()  # Qt would abort, often naming the wrong library
        if problem is not None:  # the log's stderr handler says it to the user, once
            log.error("%s", problem)
            return 1
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Seller Console")
    app.setQuitOnLastWindowClosed(False)  # shutdown waits for async cleanup
    follow_system(app)
    reporter = ErrorReporter()
    reporter.install()
    route_qt_messages()
    console = _show_window(app, args, paths)
    reporter.set_window(console.window)
    _wait_for_first_paint(console.window)
    painted()
    import qasync  # with asyncio: after the first paint (see _show_window)

    result: int = qasync.run(run_window(console, args, reporter))
    return result
