"""The main window: docks with stable names, menus from one action table, files by drop.

It lays out and binds. What an action does lives in the view-models (and, below them, in
services and the domain); the window only asks the user (file dialogs, confirmations)
and routes the answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QKeyCombination, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from seller_console.domain.catalog import Product, VariantRef
from seller_console.domain.errors import DomainError
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.rundown import ProductSnapshot, RundownItem, Severity, ShowPlan
from seller_console.domain.storage_port import StorageError
from seller_console.importers import ImportOptions, ImportReport
from seller_console.importers.show_plan import SUFFIX
from seller_console.services.commission_rates import RateError, parse_percent
from seller_console.services.plan_store import Recovery
from seller_console.settings import (
    MAX_RECENT,
    CatalogFile,
    Profile,
    SettingsError,
    Theme,
    Workspace,
    load_workspace,
    save_workspace,
)
from seller_console.ui.actions import LIVE_ONLY, SPECS, VIEW_KEYS, ActionId, key_sequences
from seller_console.ui.asyncqt import TaskScope, run_dialog
from seller_console.ui.dialogs.export import file_stem
from seller_console.ui.docks.catalog_dock import CatalogDock
from seller_console.ui.docks.preflight_dock import PreflightDock
from seller_console.ui.docks.rundown_dock import RundownDock
from seller_console.ui.numbers import count_text
from seller_console.ui.theme import apply_theme
from seller_console.ui.thumbnails import ThumbnailCache
from seller_console.ui.viewmodels.catalog_vm import CatalogViewModel
from seller_console.ui.viewmodels.rundown_vm import RundownViewModel
from seller_console.ui.widgets.connection_badge import ConnectionBadge
from seller_console.ui.widgets.cue_banner import CueBanner
from seller_console.ui.widgets.product_card import ProductCard
from seller_console.ui.widgets.text import plain_label

# The dialogs and the host view are imported where they are opened, and what only a show
# on air needs where it is used (start-up time).
if TYPE_CHECKING:
    import asyncio  # imported where it is used: it loads after the window's first paint

    from seller_console.domain.ledger import LedgerSnapshot
    from seller_console.domain.on_air import ObsBadge
    from seller_console.domain.show_records import ShowRecord
    from seller_console.services.live_session import LiveState
    from seller_console.services.live_show import PublishResult
    from seller_console.services.reports import ShowReport
    from seller_console.ui.dialogs.import_report import ImportReportDialog
    from seller_console.ui.dialogs.show_report import ShowReportDialog
    from seller_console.ui.host_view import HostView
    from seller_console.ui.viewmodels.live_vm import LiveViewModel
    from seller_console.ui.widgets.live_stage import LiveStageWidget

log = logging.getLogger(__name__)
THEME_KEY = "view/theme"  # View > Theme, in the window's state file
LAYOUT_VERSION = 4  # 3: the audience dock; 4: a prepare and a live layout per screen size
FRAME_ALLOWANCE = QSize(16, 48)  # a window manager's borders and title bar
PLAN_FILTER = f"Show plans (*{SUFFIX} *.json)"
CATALOG_FILTER = "Catalogs (*.csv *.tsv *.txt *.xml);;All files (*)"


class MainWindow(QMainWindow):
    closed = Signal()  # the user confirmed closing; the app may shut down
    first_painted = Signal()  # just after the window's first paint

    def __init__(
        self,
        catalog_vm: CatalogViewModel,
        rundown_vm: RundownViewModel,
        live: Callable[[], LiveViewModel],
        tasks: TaskScope,
        card_images: ThumbnailCache,
        state_file: Path,
        workspace_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.catalog_vm = catalog_vm
        self.rundown_vm = rundown_vm
        self.tasks = tasks
        self._settings = QSettings(str(state_file), QSettings.Format.IniFormat)
        self._may_close = False
        self.host_view: HostView | None = None
        self._currency = "USD"
        self.setAcceptDrops(True)
        # the work reopened at the next start (None: nothing is remembered, e.g. a test)
        self._workspace_file = workspace_file
        self.workspace = Workspace()
        self._saving: asyncio.Task[None] | None = None
        self._save_again = False
        # While the work is reopened at start: the reports with rejected rows, said once
        # when every catalog is back (no dialog at every start for rows already seen).
        self._reopened_rejects: list[ImportReport] | None = None
        self._mode = "prepare"  # the layout the docks are in: "prepare" or "live"

        # The live side (its view-model, the live session's types, the engine's process
        # handle) is made just after the first paint, or at once when needed sooner.
        self._make_live = live
        self._live_vm: LiveViewModel | None = None
        self.card = ProductCard(card_images)
        self._card_images = card_images
        self._stage: LiveStageWidget | None = None  # built after the first paint
        self._painted = False
        # The card while preparing, the stage on air. Not a QStackedWidget: a hidden page
        # must not hold the docks to its minimum width.
        center = QWidget()
        self._center_layout = center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addWidget(self.card)
        self.cue = CueBanner()
        center_layout.addWidget(self.cue)
        self.setCentralWidget(center)
        self.catalog_dock = CatalogDock(catalog_vm)
        self.rundown_dock = RundownDock(rundown_vm)
        self.preflight_dock = PreflightDock()
        self.live_docks: list[QDockWidget] = []  # made with the live side (_add_live_docks)
        self.docks: list[QDockWidget] = [self.catalog_dock, self.rundown_dock, self.preflight_dock]
        self.badge = ConnectionBadge()
        self.actions_by_id: dict[ActionId, QAction] = {}
        self._build_actions()
        self._build_menus()
        self._default_layout()
        self._default_state = self.saveState(LAYOUT_VERSION)  # the live docks: see _add_live_docks
        self._restore_layout()

        self._build_commission_actions()
        self.catalog_dock.add_requested.connect(self._add_rows)
        self.catalog_dock.link_requested.connect(self._copy_catalog_links)
        self.rundown_dock.links_requested.connect(self._copy_rundown_links)
        self.catalog_dock.current_changed.connect(self._show_catalog_row)
        rundown_vm.model.variants_dropped.connect(
            lambda keys, row: rundown_vm.add(catalog_vm.resolve(keys), row)
        )
        rundown_vm.model.items_dropped.connect(rundown_vm.move)
        rundown_vm.preflight_changed.connect(self.preflight_dock.show_issues)
        rundown_vm.file_changed.connect(self._update_title)
        rundown_vm.failed.connect(self._show_message)
        self.preflight_dock.item_activated.connect(self._focus_item)
        rundown_vm.platform_check = lambda items: self.live_vm.platform_preflight(items)
        rundown_vm.platform_check_changed.connect(self.preflight_dock.show_platform_check)
        self.preflight_dock.check_requested.connect(rundown_vm.check_platform)
        self.preflight_dock.remove_requested.connect(lambda item_id: rundown_vm.remove([item_id]))
        self.preflight_dock.sku_given.connect(rundown_vm.set_sku)
        self.preflight_dock.commission_given.connect(rundown_vm.set_commission)
        catalog_vm.import_finished.connect(self._import_finished)
        catalog_vm.catalogs_changed.connect(self._catalogs_changed)
        rundown_vm.file_changed.connect(self._plan_file_changed)
        rundown_vm.loaded.connect(self.prepare_next_show)  # a plan for the next show
        catalog_vm.import_failed.connect(self._import_failed)
        catalog_vm.import_cancelled.connect(
            lambda name: self._show_message(
                f"Import of {name} cancelled: the catalogs are as they were"
            )
        )
        self.statusBar().addPermanentWidget(self.badge)
        self.obs_badge = plain_label()
        self.obs_badge.setObjectName("obs_badge")
        self.obs_badge.hide()  # shown once OBS control is on
        self.statusBar().addPermanentWidget(self.obs_badge)
        self._obs_follow: asyncio.Task[None] | None = None
        self.statusBar().showMessage("Ready")
        self._update_title()
        self._phase_changed("idle")  # no show before the live side is made

    # ------------------------------------------------------------ actions and menus
    def _build_actions(self) -> None:
        handlers: dict[ActionId, Callable[[], object]] = {
            ActionId.OPEN_CATALOG: lambda: self.tasks.start(self.choose_catalog()),
            ActionId.CLOSE_CATALOGS: self._close_catalogs,
            ActionId.NEW_PLAN: lambda: self.tasks.start(self.new_plan()),
            ActionId.OPEN_PLAN: lambda: self.tasks.start(self.choose_plan()),
            ActionId.SAVE_PLAN: lambda: self.tasks.start(self.save_plan()),
            ActionId.SAVE_PLAN_AS: lambda: self.tasks.start(self.save_plan(choose=True)),
            ActionId.IMPORT_REPORT: self.show_last_report,
            ActionId.QUIT: self.close,
            ActionId.UNDO: self.rundown_vm.undo_stack.undo,
            ActionId.REDO: self.rundown_vm.undo_stack.redo,
            ActionId.FIND: self._focus_search,
            ActionId.ADD_TO_RUNDOWN: self.catalog_dock.table.add_requested.emit,
            ActionId.REMOVE_FROM_RUNDOWN: self.rundown_dock.remove_selected,
            ActionId.MOVE_UP: lambda: self.rundown_dock.move_selected(-1),
            ActionId.MOVE_DOWN: lambda: self.rundown_dock.move_selected(+1),
            ActionId.FOCUS_CATALOG: lambda: self._raise(self.catalog_dock, self.catalog_dock.table),
            ActionId.FOCUS_RUNDOWN: lambda: self._raise(self.rundown_dock, self.rundown_dock.table),
            ActionId.PREFLIGHT: lambda: self._raise(self.preflight_dock, self.preflight_dock.list),
            ActionId.RESET_LAYOUT: self.reset_layout,
            ActionId.GO_LIVE: lambda: self.tasks.start(self.go_live(), name="go-live-ui"),
            ActionId.TAKE: lambda: self.live_vm.take(),
            ActionId.UNDO_TAKE: self.undo_take,
            ActionId.ARM_NEXT: lambda: self.live_vm.arm_step(+1),
            ActionId.ARM_PREVIOUS: lambda: self.live_vm.arm_step(-1),
            **{ActionId[f"ARM_{n}"]: partial(self._arm_index, n - 1) for n in range(1, 10)},
            ActionId.END_SHOW: lambda: self.tasks.start(self.end_show(), name="end-show-ui"),
            ActionId.PREPARE_NEXT: self.prepare_next_show,
            ActionId.PLATFORM: self.choose_platform,
            ActionId.PAST_SHOWS: lambda: self.tasks.start(self.show_past_shows()),
            ActionId.RESUME_UNFINISHED: lambda: self.tasks.start(
                self.offer_unfinished_shows(asked=True), name="resume-unfinished"
            ),
            ActionId.HOST_VIEW: self.show_host_view,
            ActionId.COPY_OVERLAY_URL: lambda: self.tasks.start(self.copy_overlay_url()),
            ActionId.OBS: lambda: self.tasks.start(self.choose_obs(), name="obs"),
            ActionId.SHORTCUTS: self.show_shortcuts,
        }
        for action_id, spec in SPECS.items():
            action = QAction(spec.text, self)
            action.setObjectName(f"action_{action_id.value}")
            action.setShortcuts(key_sequences(spec))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            handler = handlers[action_id]
            action.triggered.connect(lambda _checked=False, h=handler: h())
            self.actions_by_id[action_id] = action
            self.addAction(action)
        stack = self.rundown_vm.undo_stack
        undo, redo = self.actions_by_id[ActionId.UNDO], self.actions_by_id[ActionId.REDO]
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        undo.setEnabled(False)
        redo.setEnabled(False)

    def _undo_text(self, text: str) -> None:
        self.actions_by_id[ActionId.UNDO].setText(f"&Undo {text}".strip())

    def _redo_text(self, text: str) -> None:
        self.actions_by_id[ActionId.REDO].setText(f"&Redo {text}".strip())

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _build_menus(self) -> None:
        a = self.actions_by_id
        menus: dict[str, list[ActionId | None]] = {
            "&File": [
                ActionId.OPEN_CATALOG,
                ActionId.CLOSE_CATALOGS,
                ActionId.IMPORT_REPORT,
                None,
                ActionId.NEW_PLAN,
                ActionId.OPEN_PLAN,
                ActionId.SAVE_PLAN,
                ActionId.SAVE_PLAN_AS,
                None,
                ActionId.QUIT,
            ],
            "&Edit": [
                ActionId.UNDO,
                ActionId.REDO,
                None,
                ActionId.FIND,
                ActionId.ADD_TO_RUNDOWN,
                ActionId.REMOVE_FROM_RUNDOWN,
                ActionId.MOVE_UP,
                ActionId.MOVE_DOWN,
            ],
            "&Show": [
                ActionId.GO_LIVE,
                ActionId.TAKE,
                ActionId.UNDO_TAKE,
                ActionId.ARM_NEXT,
                ActionId.ARM_PREVIOUS,
                None,
                *(ActionId[f"ARM_{n}"] for n in range(1, 10)),
                None,
                ActionId.END_SHOW,
                ActionId.PREPARE_NEXT,
                None,
                ActionId.RESUME_UNFINISHED,
                ActionId.PAST_SHOWS,
                ActionId.PLATFORM,
                None,
                ActionId.COPY_OVERLAY_URL,
                ActionId.OBS,
            ],
            "&View": [
                ActionId.FOCUS_CATALOG,
                ActionId.FOCUS_RUNDOWN,
                ActionId.PREFLIGHT,
                None,
                ActionId.RESET_LAYOUT,
                ActionId.HOST_VIEW,
            ],
            "&Help": [ActionId.SHORTCUTS],
        }
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.close_catalog_menu = QMenu("Close &catalog", self)
        self.close_catalog_menu.setObjectName("close_catalog_menu")
        self.close_catalog_menu.aboutToShow.connect(self.fill_close_catalog_menu)
        for title, ids in menus.items():
            menu = self.menuBar().addMenu(title)
            file_menu = menu if title == "&File" else None
            for action_id in ids:
                if action_id is None:
                    menu.addSeparator()
                else:
                    menu.addAction(a[action_id])
            if title == "&View":
                menu.addMenu(self._theme_menu())
                menu.addSeparator()
                self._view_menu = menu  # the live docks' toggles join it with them
                for dock in self.docks:
                    menu.addAction(dock.toggleViewAction())
            if file_menu is not None:  # after Open catalog: the recent files, one catalog
                close_all = a[ActionId.CLOSE_CATALOGS]
                file_menu.insertMenu(close_all, self.recent_menu)
                file_menu.insertMenu(close_all, self.close_catalog_menu)

    def _theme_menu(self) -> QMenu:
        """View > Theme: System / Light / Dark, kept with the window's state and applied
        at once (and at the next start)."""
        menu = QMenu("&Theme", self)
        menu.setObjectName("theme_menu")
        group = QActionGroup(menu)
        saved = Theme.parse(self._settings.value(THEME_KEY))
        self.theme_actions: dict[Theme, QAction] = {}
        for theme, text in (
            (Theme.SYSTEM, "&System"),
            (Theme.LIGHT, "&Light"),
            (Theme.DARK, "&Dark"),
        ):
            action = menu.addAction(text)
            action.setObjectName(f"theme_{theme.value}")
            action.setCheckable(True)
            action.setChecked(theme is saved)
            action.setActionGroup(group)
            action.triggered.connect(lambda _c=False, t=theme: self.set_theme(t))
            self.theme_actions[theme] = action
        if saved is not Theme.SYSTEM:  # the system's is the application's from its start
            apply_theme(_application(), saved)
        return menu

    def set_theme(self, theme: Theme) -> None:
        self.theme_actions[theme].setChecked(True)
        self._settings.setValue(THEME_KEY, theme.value)
        self._settings.sync()
        apply_theme(_application(), theme)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for spec in SPECS.values():
            keys = ", ".join(k.toString(k.SequenceFormat.NativeText) for k in key_sequences(spec))
            if keys:
                rows.append((keys, spec.text.replace("&", "").rstrip("…")))
        return rows + list(VIEW_KEYS)

    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QTableWidget, QTableWidgetItem  # ~1.5 ms at start-up

        dialog = QDialog(self)
        dialog.setObjectName("shortcuts_dialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Keys", "Does"])
        for r, (keys, text) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(text))
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnToContents(0)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        dialog.resize(520, 560)
        dialog.open()

    # ------------------------------------------------------------ layout
    def _default_layout(self) -> None:
        area = Qt.DockWidgetArea
        self.addDockWidget(area.LeftDockWidgetArea, self.catalog_dock)
        self.addDockWidget(area.RightDockWidgetArea, self.rundown_dock)
        self.addDockWidget(area.RightDockWidgetArea, self.preflight_dock)
        self.splitDockWidget(self.rundown_dock, self.preflight_dock, Qt.Orientation.Vertical)
        self.catalog_dock.raise_()
        self.preflight_dock.raise_()
        # The first size fits the screen with the title bar (a 1366x768 laptop included);
        # the layout's minimum is smaller than that, so nothing is off screen.
        available = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(
            min(1600, available.width() - FRAME_ALLOWANCE.width()),
            min(960, available.height() - FRAME_ALLOWANCE.height()),
        )
        self._sized = False

    def _add_live_docks(self) -> None:
        """The live panels, made with the live side (they are hidden while preparing): as
        the restored layout has them (restored again, now with every dock: the same sizes
        as a restore with all of them), else in their default places."""
        from seller_console.ui.docks.audience_dock import AudienceDock
        from seller_console.ui.docks.live_docks import (
            PinWindowsDock,
            SalesChartDock,
            SalesFeedDock,
            StockDock,
            TotalsDock,
        )

        self.feed_dock = SalesFeedDock(self._title_of)
        self.totals_dock = TotalsDock()
        self.pins_dock = PinWindowsDock(self._title_of)
        self.chart_dock = SalesChartDock(self._title_of)
        self.stock_dock = StockDock()
        self.audience_dock = AudienceDock()
        self.live_docks = [
            self.feed_dock,
            self.totals_dock,
            self.pins_dock,
            self.chart_dock,
            self.stock_dock,
            self.audience_dock,
        ]
        self.docks += self.live_docks
        for dock in self.live_docks:
            self._view_menu.addAction(dock.toggleViewAction())
        self._place_live_docks()
        saved = self._saved_state(self._mode) if self._restored else None
        if saved is not None:
            self.restoreState(saved, LAYOUT_VERSION)

    def _place_live_docks(self) -> None:
        """The live docks' default places, hidden: the feed behind the catalog, the stock
        and the audience behind the pre-flight, the others along the bottom."""
        area = Qt.DockWidgetArea
        for dock in self.live_docks:  # hidden first: shown ones would stretch the window
            dock.hide()
            dock.setFloating(False)
        self.tabifyDockWidget(self.catalog_dock, self.feed_dock)
        self.tabifyDockWidget(self.preflight_dock, self.stock_dock)
        self.tabifyDockWidget(self.stock_dock, self.audience_dock)
        self.addDockWidget(area.BottomDockWidgetArea, self.totals_dock)
        self.addDockWidget(area.BottomDockWidgetArea, self.pins_dock)
        self.addDockWidget(area.BottomDockWidgetArea, self.chart_dock)
        self.catalog_dock.raise_()
        self.preflight_dock.raise_()

    def _restore_default(self) -> None:
        """The default layout: the prepare docks' as first laid out, the live docks (once
        made) in their default places."""
        self.restoreState(self._default_state, LAYOUT_VERSION)
        if self.live_docks:
            self._place_live_docks()

    def apply_default_sizes(self) -> None:
        """Share the width between the docks; needs the window's real size, so after show."""
        width, height = self.width(), self.height()
        self.resizeDocks(
            [self.catalog_dock, self.rundown_dock],
            [int(width * 0.50), int(width * 0.31)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.rundown_dock, self.preflight_dock],
            [int(height * 0.66), int(height * 0.24)],
            Qt.Orientation.Vertical,
        )

    def apply_live_sizes(self) -> None:
        """The live layout's shares: the stage in the middle, the feed and the rundown wide
        enough for their product columns, the bottom panels a third of the height."""
        width, height = self.width(), self.height()
        self.resizeDocks(
            [self.feed_dock, self.rundown_dock],
            [int(width * 0.28), int(width * 0.25)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks(
            [self.totals_dock, self.pins_dock, self.chart_dock],
            [int(width * 0.40), int(width * 0.37), int(width * 0.23)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.totals_dock], [int(height * 0.26)], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.rundown_dock, self.preflight_dock],
            [int(height * 0.45), int(height * 0.13)],
            Qt.Orientation.Vertical,
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            if not self._restored:  # once the first layout pass has placed the docks
                QTimer.singleShot(0, self.apply_default_sizes)

    def _layout_key(self, what: str) -> str:
        """Where a layout is kept: per screen size (a laptop's and a studio screen's
        layouts differ), then ``geometry``, ``prepare`` or ``live``."""
        size = self.screen().availableGeometry().size()
        return f"layout/{size.width()}x{size.height()}/{what}"

    def _saved_state(self, mode: str) -> QByteArray | None:
        if self._settings.value("layout/version") != str(LAYOUT_VERSION):
            return None
        state = self._settings.value(self._layout_key(mode))
        return state if isinstance(state, QByteArray) else None

    def _restore_layout(self) -> None:
        """At start: the prepare layout saved for this screen size (a show being resumed
        switches to the live one)."""
        self._restored = False
        geometry = self._settings.value(self._layout_key("geometry"))
        state = self._saved_state("prepare")
        if isinstance(geometry, QByteArray) and state is not None:
            self._restored = self.restoreGeometry(geometry) and self.restoreState(
                state, LAYOUT_VERSION
            )

    def save_layout(self) -> None:
        """Keep the window's size and the layout of the mode it is in, for this screen size."""
        self._settings.setValue("layout/version", str(LAYOUT_VERSION))
        self._settings.setValue(self._layout_key("geometry"), self.saveGeometry())
        self._settings.setValue(self._layout_key(self._mode), self.saveState(LAYOUT_VERSION))
        self._settings.sync()

    def _switch_layout(self, mode: str) -> None:
        """Leave the current mode's layout (kept for next time) for ``mode``'s: the one
        saved for this screen size, else the default."""
        if mode == self._mode:
            return
        self.save_layout()
        self._mode = mode
        saved = self._saved_state(mode)
        if saved is not None and self.restoreState(saved, LAYOUT_VERSION):
            return
        if mode == "live":
            self._show_live_docks()
            QTimer.singleShot(0, self.apply_live_sizes)  # once the docks have been placed
        else:
            self._restore_default()
            self.apply_default_sizes()

    def reset_layout(self) -> None:
        """The default layout of the mode the window is in: during (or after) a show, the
        live panels stay up with the live layout's shares."""
        for dock in self.docks:
            dock.setFloating(False)
            dock.show()
        self._restore_default()
        if self._stage is not None and self._stage.isVisibleTo(self):
            self._show_live_docks()
            QTimer.singleShot(0, self._live_layout)
        else:
            self.apply_default_sizes()

    def _live_layout(self) -> None:
        """Once the restored state has been laid out: the live tabs up, the live shares."""
        self._show_live_docks()
        self.apply_live_sizes()

    def _show_live_docks(self) -> None:
        for dock in self.live_docks:
            dock.show()
        self.feed_dock.raise_()
        self.stock_dock.raise_()

    def _raise(self, dock: QDockWidget, focus: QWidget) -> None:
        dock.show()
        dock.raise_()
        focus.setFocus()

    def _focus_search(self) -> None:
        self._raise(self.catalog_dock, self.catalog_dock.search)
        self.catalog_dock.search.selectAll()

    def _update_title(self) -> None:
        vm = self.rundown_vm
        self.setWindowTitle(f"{vm.title}{' *' if vm.dirty else ''} — Seller Console")

    # ------------------------------------------------------------ catalog
    def _add_rows(self, rows: list[int]) -> None:
        model = self.catalog_vm.model
        self.rundown_vm.add([model.ref(r) for r in rows])

    def _show_catalog_row(self, row: int) -> None:
        self.card.show_ref(self.catalog_vm.model.ref(row)[1] if row >= 0 else None)

    def _close_catalogs(self) -> None:
        while self.catalog_vm.catalogs:
            self.catalog_vm.close_catalog(0)
        self.card.show_ref(None)

    async def choose_catalog(self) -> None:
        dialog = QFileDialog(self, "Open catalog", "", CATALOG_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        names = dialog.selectedFiles()
        dialog.deleteLater()
        for name in names if accepted else []:
            await self.open_catalog(Path(name))

    async def open_catalog(self, path: Path, options: ImportOptions | None = None) -> bool:
        if options is None:
            from seller_console.ui.dialogs.import_options import ImportOptionsDialog

            ask = ImportOptionsDialog(path, self._currency, self)
            await run_dialog(ask)
            chosen, ask_result = ask.options, ask.result()
            ask.deleteLater()
            if ask_result != QDialog.DialogCode.Accepted or chosen is None:
                return False
            options = chosen
            self._currency = options.currency or self._currency
        if options.format == "generic" and not options.column_map:
            mapped = await self._map_columns(path, options, None)
            if mapped is None:
                return False
            options = mapped
        opened = await self.catalog_vm.open_catalog(path, options, offer_mapping=True)
        unrecognised = self.catalog_vm.unrecognised.pop(path, None)
        if unrecognised is not None:
            mapped = await self._map_columns(path, options, unrecognised)
            if mapped is None:
                return False
            options = mapped
            opened = await self.catalog_vm.open_catalog(path, options)
        if opened:
            entry = CatalogFile(
                str(path.absolute()),
                options.format,
                options.currency,
                options.commission_rate,
                options.brand,
                tuple(options.column_map.items()),
            )
            self._remember(self.workspace.with_catalog(entry))
            await self._apply_rates(path)
        return opened

    async def _map_columns(
        self, path: Path, options: ImportOptions, unrecognised: str | None
    ) -> ImportOptions | None:
        """``options`` as a generic CSV import with the column mapping the user confirmed
        (remembered for files with the same header); None when they cancel, or when the
        file cannot be read as a table (which is said)."""
        import asyncio
        from dataclasses import replace

        from seller_console.importers import CatalogImportError, guess_column_map, preview_table
        from seller_console.ui.dialogs.column_map import ColumnMapDialog, intro_text

        try:
            preview = await asyncio.to_thread(preview_table, path)
        except CatalogImportError as exc:
            self._import_failed(f"Cannot import {exc}")
            return None
        remembered = self.workspace.column_map(preview.signature)
        dialog = ColumnMapDialog(
            path.name,
            preview,
            guess_column_map(preview.header) if remembered is None else remembered,
            intro_text(path.name, unrecognised is not None, remembered is not None),
            self,
        )
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        mapping = dialog.mapping()
        dialog.deleteLater()
        if not accepted:
            return None
        self._remember(self.workspace.with_column_map(preview.signature, mapping))
        return replace(options, format="generic", column_map=mapping)

    # ------------------------------------------------------------ the work remembered
    async def reopen_work(self, *, open_plan: bool = True) -> bool:
        """Reopen the catalogs and the plan that were open when the app last stopped;
        False on a first run (nothing remembered). Files that are gone leave the recent
        lists, and the status bar says which."""
        import asyncio

        if self._workspace_file is None:
            return False
        loaded, warning = await asyncio.to_thread(load_workspace, self._workspace_file)
        if loaded is None:
            return False
        kept, gone = await asyncio.to_thread(loaded.without_missing, _is_file)
        self._remember(kept)
        rejects: list[ImportReport] = []
        self._reopened_rejects = rejects
        try:
            for entry in reversed(kept.catalogs):  # the oldest first: the order they had
                path = Path(entry.path)
                if entry.open and await self.catalog_vm.import_catalog(path, _options(entry)):
                    await self._apply_rates(path)
        finally:
            self._reopened_rejects = None
        if open_plan and kept.plan is not None:
            await self.rundown_vm.open(Path(kept.plan))
        notes = [warning] if warning else []
        if rejects:
            self.catalog_vm.last_report = rejects[-1]  # what Ctrl+R shows
            said = ", ".join(f"{r.path.name} ({_count(r.rows_rejected, 'row')})" for r in rejects)
            notes.append(
                f"Reopened with rows rejected: {said}; Ctrl+R shows "
                f"{rejects[-1].path.name}'s report"
            )
        if gone:
            names = ", ".join(Path(g).name for g in gone)
            notes.append(f"Not found, so taken off the recent files: {names}")
        if notes:
            self.statusBar().showMessage(". ".join(notes), 15000)
        return True

    def _remember(self, workspace: Workspace) -> None:
        """Keep ``workspace`` and write it in the background, one write at a time."""
        if workspace == self.workspace:
            return
        self.workspace = workspace
        if self._workspace_file is None:
            return
        if self._saving is not None and not self._saving.done():
            self._save_again = True
            return
        self._saving = self.tasks.start(self._save_workspace(), name="workspace")

    async def _save_workspace(self) -> None:
        import asyncio

        assert self._workspace_file is not None
        while True:
            self._save_again = False
            try:
                await asyncio.to_thread(save_workspace, self._workspace_file, self.workspace)
            except OSError as exc:
                self._show_message(f"Could not keep the recent files: {exc.strerror}")
            if not self._save_again:
                return

    def _catalogs_changed(self) -> None:
        self._remember(self.workspace.with_open({str(p.absolute()) for p in self.catalog_vm.paths}))

    def _plan_file_changed(self) -> None:
        path = self.rundown_vm.path
        self._remember(self.workspace.with_plan(None if path is None else str(path.absolute())))

    def fill_recent_menu(self) -> None:
        """File > Open recent: the catalogs, then the plans, the newest first."""
        menu = self.recent_menu
        menu.clear()
        for entry in self.workspace.catalogs[:MAX_RECENT]:
            action = menu.addAction(f"{Path(entry.path).name}  (catalog)")
            action.setToolTip(entry.path)
            action.triggered.connect(
                lambda _c=False, e=entry: self.tasks.start(self._open_recent_catalog(e))
            )
        if self.workspace.catalogs and self.workspace.plans:
            menu.addSeparator()
        for plan in self.workspace.plans:
            action = menu.addAction(f"{Path(plan).name}  (plan)")
            action.setToolTip(plan)
            action.triggered.connect(
                lambda _c=False, p=plan: self.tasks.start(self._open_recent_plan(p))
            )
        if menu.isEmpty():
            menu.addAction("No recent files").setEnabled(False)

    def _gone(self, path: str) -> bool:
        """Whether a recent file is gone; if so it leaves the list, and the user is told."""
        if _is_file(path):
            return False
        kept, _gone = self.workspace.without_missing(lambda p: p != path)
        self._remember(kept)
        self._show_message(f"{Path(path).name} is no longer there ({path}): taken off the list")
        return True

    async def _open_recent_catalog(self, entry: CatalogFile) -> bool:
        if self._gone(entry.path):
            return False
        if entry.path in {str(p.absolute()) for p in self.catalog_vm.paths}:
            self._show_message(f"{Path(entry.path).name} is already open.")
            return False
        return await self.open_catalog(Path(entry.path), _options(entry))

    async def _open_recent_plan(self, path: str) -> bool:
        if self._gone(path) or not await self._confirm_discard("opening another plan"):
            return False
        return await self.rundown_vm.open(Path(path))

    # ------------------------------------------------------------ commission set by hand
    def _build_commission_actions(self) -> None:
        """Right-click a catalog row: set the commission for its product or its brand, or
        take the one set by hand off (the catalog file's applies again)."""
        table = self.catalog_dock.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        ask, back = self.ask_commission, self.file_commission
        for name, per_brand, text, act in (
            ("action_commission_product", False, "Set commission for this product…", ask),
            ("action_commission_brand", True, "Set commission for this brand…", ask),
            (
                "action_file_commission_product",
                False,
                "Use the file's commission for this product",
                back,
            ),
            (
                "action_file_commission_brand",
                True,
                "Use the file's commission for this brand",
                back,
            ),
        ):
            action = QAction(text, table)
            action.setObjectName(name)
            action.triggered.connect(
                lambda _c=False, b=per_brand, f=act: self.tasks.start(f(per_brand=b))
            )
            table.addAction(action)

    def _current_catalog_row(self) -> tuple[Path, VariantRef] | None:
        """The current catalog row's file and variant (None, and a message, without one)."""
        row = self.catalog_dock.table.currentIndex().row()
        if row < 0:
            self._show_message("Commission: choose a product in the catalog first.")
            return None
        catalog, ref = self.catalog_vm.model.ref(row)
        return self.catalog_vm.paths[self.catalog_vm.catalogs.index(catalog)], ref

    async def file_commission(self, *, per_brand: bool) -> bool:
        """Take the rate set by hand off the current catalog row's product (or brand)."""
        current = self._current_catalog_row()
        if current is None:
            return False
        path, ref = current
        return await self.set_commission(path, ref.product, "", per_brand=per_brand)

    async def ask_commission(self, *, per_brand: bool) -> bool:
        """Ask for the rate of the current catalog row's product (or brand), then set it."""
        current = self._current_catalog_row()
        if current is None:
            return False
        path, ref = current
        subject = f"the brand {ref.product.brand}" if per_brand else ref.product.title
        rate = ref.variant.commission_rate
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Set commission")
        dialog.setLabelText(
            f"Commission for {subject}, in % (the catalog file's is replaced;"
            " empty: the file's applies again):"
        )
        dialog.setTextValue("" if rate is None else _percent(rate))
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        text = dialog.textValue()
        dialog.deleteLater()
        if not accepted:
            return False
        return await self.set_commission(path, ref.product, text, per_brand=per_brand)

    async def set_commission(
        self, path: Path, product: Product, text: str, *, per_brand: bool
    ) -> bool:
        """Set a rate typed in % for ``product`` (or its brand) in the catalog from
        ``path``: kept with the catalog's entry, applied to the open catalog and to the
        rundown's items. An empty ``text`` takes the rate set by hand off: the file's
        applies again (one undo step on the rundown, as setting one)."""
        if path not in self.catalog_vm.paths:
            self._show_message(f"Commission not set: {path.name} is no longer open.")
            return False
        catalog = self.catalog_vm.catalogs[self.catalog_vm.paths.index(path)]
        try:
            rate = parse_percent(text) if text.strip() else None
            workspace = self.workspace.with_rate(
                str(path.absolute()),
                product.brand if per_brand else None,
                None if per_brand else product.id,
                rate,
            )
        except (RateError, SettingsError) as exc:
            self._show_message(f"Commission not set: {exc}")
            return False
        self._remember(workspace)
        entry = workspace.catalog(str(path.absolute()))
        assert entry is not None
        what = f"the brand {product.brand}" if per_brand else product.title
        if rate is None:
            await self.catalog_vm.set_rates(path, entry.rate_for)
            if path not in self.catalog_vm.paths:
                return False  # closed meanwhile: the workspace keeps the change
            rated = self.catalog_vm.catalogs[self.catalog_vm.paths.index(path)]
            changed = self.rundown_vm.use_catalog_rates(
                rated, product.brand if per_brand else None, None if per_brand else product.id
            )
            hand = entry.rate_for(product.brand, product.id) if not per_brand else None
            applies = "the catalog file's" if hand is None else f"the brand's {_percent(hand)} %"
            self._show_message(
                f"Commission for {what}: {applies} applies; "
                f"{_count(changed, 'rundown item')} updated"
            )
            return True
        await self._apply_rates(path)
        changed = self.rundown_vm.set_rates(catalog.name, entry.rate_for)
        self._show_message(
            f"Commission for {what}: {_percent(rate)} %; {_count(changed, 'rundown item')} updated"
        )
        return True

    async def _apply_rates(self, path: Path) -> None:
        """The rates set by hand for the catalog from ``path``, on the open catalog."""
        entry = self.workspace.catalog(str(path.absolute()))
        if entry is not None and (entry.brand_rates or entry.product_rates):
            await self.catalog_vm.set_rates(path, entry.rate_for)

    def fill_close_catalog_menu(self) -> None:
        """File > Close catalog: one of the open catalogs."""
        menu = self.close_catalog_menu
        menu.clear()
        for index, (catalog, path) in enumerate(
            zip(self.catalog_vm.catalogs, self.catalog_vm.paths, strict=True)
        ):
            action = menu.addAction(f"{catalog.name}  ({path.name})")
            action.setToolTip(str(path))
            action.triggered.connect(lambda _c=False, i=index: self.close_catalog(i))
        if menu.isEmpty():
            menu.addAction("No catalog is open").setEnabled(False)

    def close_catalog(self, index: int) -> None:
        """Close one catalog; the rundown keeps its products (a plan needs no catalog)."""
        name = self.catalog_vm.catalogs[index].name
        self.catalog_vm.close_catalog(index)
        self.card.show_ref(None)
        self._show_message(f"Closed the catalog {name}")

    def _import_finished(self, report: ImportReport) -> None:
        self.statusBar().showMessage(
            f"Imported {report.path.name}: {_count(report.products, 'product')}, "
            f"{_count(report.variants, 'variant')}, "
            f"{_count(report.rows_rejected, 'row')} rejected, "
            f"{_count(len(report.warnings), 'warning')}  (Ctrl+R shows the report)",
            15000,
        )
        if not report.rejected:
            return
        if self._reopened_rejects is not None:  # said by reopen_work, once
            self._reopened_rejects.append(report)
        else:
            self.show_report(report)

    def _import_failed(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Catalog not imported", message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def show_last_report(self) -> None:
        if self.catalog_vm.last_report is not None:
            self.show_report(self.catalog_vm.last_report)

    def show_report(
        self, report: ImportReport, counts: Sequence[str] | None = None
    ) -> ImportReportDialog:
        from seller_console.ui.dialogs.import_report import ImportReportDialog, export_problems

        dialog = ImportReportDialog(report, self, counts)
        dialog.export_chosen.connect(
            lambda path: self.tasks.start(
                self._export("Problems", path, lambda p: export_problems(p, dialog.model))
            )
        )
        dialog.open()
        return dialog

    async def _export(self, what: str, path: Path, write: Callable[[Path], None]) -> None:
        """Write an export off the GUI thread; a failure is a message, not a crash."""
        import asyncio

        try:
            await asyncio.to_thread(write, path)
        except OSError as exc:
            self._show_message(f"Cannot export to {path.name}: {exc.strerror}")
            return
        self._show_message(f"{what} exported to {path}")

    # ------------------------------------------------------------ plans
    async def _confirm_discard(self, doing: str) -> bool:
        """True when there is nothing unsaved, or the user saved or chose to discard it."""
        if not self.rundown_vm.dirty:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved show plan",
            f"The show plan has changes that are not saved. Save them before {doing}?",
            parent=self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        await run_dialog(box)
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()
        if answer == buttons.Save:
            return await self.save_plan()
        if answer == buttons.Discard:
            await self.rundown_vm.discard_autosave()
            return True
        return False

    async def new_plan(self) -> None:
        if await self._confirm_discard("starting a new plan"):
            self.rundown_vm.load(ShowPlan("Untitled show", ()), None)

    async def choose_plan(self) -> None:
        if not await self._confirm_discard("opening another plan"):
            return
        dialog = QFileDialog(self, "Open show plan", "", PLAN_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        names = dialog.selectedFiles()
        dialog.deleteLater()
        if accepted and names:
            await self.rundown_vm.open(Path(names[0]))

    async def save_plan(self, choose: bool = False) -> bool:
        vm = self.rundown_vm
        if vm.path is None or choose:
            dialog = plan_save_dialog(self, vm.title, vm.path)
            accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
            names = dialog.selectedFiles()
            dialog.deleteLater()
            if not accepted or not names:
                return False
            name = names[0]
            target = Path(name if name.endswith(".json") else name + SUFFIX)
            saved = await vm.save(target)
        else:
            saved = await vm.save()
        if saved and vm.path is not None:
            self.statusBar().showMessage(f"Saved {vm.path}", 8000)
        return saved

    async def offer_recovery(self, recovery: Recovery) -> bool:
        """Ask whether to reopen the autosaved plan a crash left behind."""
        when = recovery.saved_at.astimezone().strftime("%H:%M:%S on %d %b")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Recover show plan",
            f"Seller Console did not close cleanly. A show plan "
            f"\u201c{recovery.plan.title}\u201d with {len(recovery.plan.items)} "
            f"items was autosaved at {when}. Recover it?",
            parent=self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.Discard)
        box.setDefaultButton(buttons.Yes)
        await run_dialog(box)
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()
        if answer == buttons.Yes:
            self.rundown_vm.recover(recovery)
            return True
        await self.rundown_vm.discard_autosave()
        return False

    def _focus_item(self, item_id: str) -> None:
        self._raise(self.rundown_dock, self.rundown_dock.table)
        self.rundown_dock.select_ids([item_id])

    # ------------------------------------------------------------ live
    @property
    def live_vm(self) -> LiveViewModel:
        """The live side: made just after the first paint, or at once when needed sooner."""
        if self._live_vm is None:
            self._live_vm = self._make_live()
            self._add_live_docks()
            self._bind_live()
        return self._live_vm

    def _title_of(self, product_id: str) -> str:
        return self.live_vm.title_of(product_id)

    def _arm_index(self, index: int) -> None:
        self.live_vm.arm_index(index)

    def _bind_live(self) -> None:
        vm = self.live_vm
        self.audience_dock.show_state(vm.state)
        vm.phase_changed.connect(self._phase_changed)
        vm.show_changed.connect(self.feed_dock.clear)
        vm.orders_arrived.connect(self.feed_dock.add_orders)
        vm.ledger_changed.connect(self._ledger_changed)
        vm.metrics_changed.connect(self._metrics_changed)
        vm.phase_changed.connect(self._pins_follow_phase)
        vm.stock_warnings_changed.connect(self.stock_dock.show_warnings)
        vm.connection_changed.connect(self.badge.show_state)
        vm.obs_badge_changed.connect(self._obs_badge_changed)
        vm.cue_changed.connect(self.cue.show_cue)
        vm.audience_changed.connect(self.audience_dock.show_state)
        self.cue.confirmed.connect(vm.take)
        vm.take_needs_confirmation.connect(self._confirm_take)
        vm.undo_needs_confirmation.connect(self._confirm_undo)
        vm.progressed.connect(self._publish_progress)
        vm.published.connect(self._published)
        vm.report_ready.connect(self.show_show_report)
        vm.conflict_found.connect(self._conflict_found)
        vm.failed.connect(self._show_message)
        self.rundown_vm.changed.connect(self._rundown_changed)
        self._phase_changed(vm.phase)

    @property
    def stage(self) -> LiveStageWidget:
        """The on-air page in place of the card: built just after the first paint (its
        module and first build cost ~15 ms of start-up), or at once when needed sooner."""
        return self._build_stage()

    def _build_stage(self) -> LiveStageWidget:
        if self._stage is None:
            from seller_console.ui.widgets.live_stage import LiveStageWidget

            vm = self.live_vm
            stage = self._stage = LiveStageWidget(self._card_images)
            stage.hide()  # before it joins the shown window: hidden until on air
            self._center_layout.addWidget(stage)
            vm.stage_changed.connect(stage.show_stage)
            stage.take_requested.connect(vm.take)
            stage.undo_requested.connect(self.undo_take)
            stage.retry_requested.connect(vm.retry_pin)
            stage.auto_advance_toggled.connect(vm.set_auto_advance)
        return self._stage

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:  # what the window can do without comes after its first paint
            self._painted = True
            QTimer.singleShot(0, self, self._build_stage)  # and the live side it binds to
            QTimer.singleShot(0, self, self.first_painted.emit)

    def _phase_changed(self, phase: str) -> None:
        on_air = phase in ("live", "ending")
        for action_id in LIVE_ONLY:
            self.actions_by_id[action_id].setEnabled(on_air)
        self.actions_by_id[ActionId.GO_LIVE].setEnabled(phase in ("idle", "ended"))
        self.actions_by_id[ActionId.PLATFORM].setEnabled(phase in ("idle", "ended"))
        self.actions_by_id[ActionId.RESUME_UNFINISHED].setEnabled(phase in ("idle", "ended"))
        self.badge.setVisible(phase != "idle")  # the link matters once a show is on
        if phase != "idle":
            self.follow_obs()
        if phase in ("live", "ended"):
            self.card.hide()
            self.stage.show()
            self._switch_layout("live")
            self.stage.setFocus()
        elif phase == "idle":
            self._prepare_layout()
        self.actions_by_id[ActionId.PREPARE_NEXT].setEnabled(phase == "ended")
        self.rundown_dock.set_live(phase in ("live", "ending"))
        self._update_title()

    def prepare_next_show(self) -> None:
        """After a show ended, back to preparing: the card and the prepare layout. The
        ended show stays as it was in the session (Past shows lists it, with its report)
        until the next Go live; only the window stops showing it."""
        if self._live_vm is None or self._live_vm.phase != "ended":
            return  # nothing ended on screen (and never during a show)
        self._prepare_layout()
        self.badge.hide()
        self.actions_by_id[ActionId.PREPARE_NEXT].setEnabled(False)

    def _prepare_layout(self) -> None:
        if self._stage is not None:
            self._stage.hide()
        self.card.show()
        self._switch_layout("prepare")

    def _ledger_changed(self, snapshot: LedgerSnapshot) -> None:
        self.totals_dock.show_snapshot(snapshot)
        self._show_pins(snapshot)
        self.chart_dock.show_snapshot(snapshot)

    def _metrics_changed(self, state: LiveState) -> None:
        from seller_console.domain.platform_port import SalesKind  # the live side: after paint

        self.totals_dock.show_metrics(state.metrics_total)
        self.pins_dock.show_metrics(state.metrics, datetime.now(UTC))
        caps = state.capabilities
        known = caps is None or caps.sales is not SalesKind.METRICS_ONLY
        self.chart_dock.set_orders_known(known)
        self.feed_dock.set_orders_known(known)

    def _show_pins(self, snapshot: LedgerSnapshot) -> None:
        show = self.live_vm.state.show
        ended = show.ended_at if show is not None else None
        self.pins_dock.show_snapshot(snapshot, datetime.now(UTC), ended)

    def _pins_follow_phase(self, _phase: str) -> None:
        """The show's end closes the pin still on air, whether or not an order follows."""
        snapshot = self.live_vm.state.ledger
        if snapshot is not None:
            self._show_pins(snapshot)

    def _rundown_changed(self) -> None:
        if self.live_vm.is_live:
            self.live_vm.update_items(self.rundown_vm.rundown.items)

    async def go_live(self) -> bool:
        """One click: publish the rundown, start the session, put the stage up."""
        from seller_console.services.live_show import place_text, plan_policy

        await self.rundown_vm.ensure_platform_checked()
        plan = self.rundown_vm.plan()
        blockers = [i for i in self.rundown_vm.issues if i.severity is Severity.BLOCKER]
        if blockers and not await self._ask(
            "Go live with problems?",
            f"The pre-flight check found {len(blockers)} problem"
            f"{'s' if len(blockers) != 1 else ''} that would hurt on air, starting with: "
            f"{blockers[0].message}. Go live anyway?",
        ):
            return False
        try:
            unfinished = await self.live_vm.unfinished_here()
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not go live: {_user_text(exc)}")
            return False
        for show in unfinished:
            choice = await self._choose(
                "A show is still on air",
                f"{show.title!r} went live at {_started(show)} on {place_text(show.owner)} "
                "and was never ended. Resume it, end it first and then go live, or go live "
                "anew (a second show on the same account)?",
                ("Resume it", "End it, then go live", "Go live anew"),
            )
            if choice is None:
                return False
            if choice == 0:
                return await self.live_vm.resume(show.id)
            if choice == 1 and await self.live_vm.end_unfinished(show.id) is None:
                return False  # it could not be ended: the reason is in the status bar
        self.statusBar().showMessage("Going live: publishing the rundown to the showcase…")
        return await self.live_vm.go_live(plan, plan_policy(plan))

    def _publish_progress(self, done: int, total: int) -> None:
        self.statusBar().showMessage(f"Publishing to the showcase: {done} of {total}")

    def _published(self, result: PublishResult) -> None:
        self.statusBar().showMessage(
            f"Published {len(result.published)} products; {len(result.failed)} refused", 8000
        )
        if result.failed:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Some products were not published",
                f"{len(result.failed)} products could not be put in the showcase and are "
                "not in the show's bag.",
                parent=self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setDetailedText("\n".join(f"{title}: {why}" for title, why in result.failed))
            box.open()

    def _conflict_found(self, text: str) -> None:
        """Shown plainly, with the fix one click away: pin what the rundown says is live."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Pin conflict", text, parent=self)
        box.setObjectName("pin_conflict")
        box.setTextFormat(Qt.TextFormat.PlainText)
        repin = box.addButton("Pin ours again", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep the platform's", QMessageBox.ButtonRole.RejectRole)
        repin.clicked.connect(self.live_vm.retry_pin)
        box.finished.connect(box.deleteLater)
        box.open()

    def _confirm_take(self, reason: str) -> None:
        self.tasks.start(self._take_if_confirmed(reason), name="confirm-take")

    async def _take_if_confirmed(self, reason: str) -> None:
        if await self._ask("Take this product?", reason):
            self.live_vm.take(confirmed=True)

    def undo_take(self) -> None:
        """Ctrl+U, the stage's Undo (``LiveViewModel.undo_take``)."""
        self.live_vm.undo_take()

    def _confirm_undo(self, question: str) -> None:
        self.tasks.start(self._undo_if_confirmed(question), name="confirm-undo")

    async def _undo_if_confirmed(self, question: str) -> None:
        if await self._ask("Undo the take?", question):
            self.live_vm.undo_take(confirmed=True)

    async def end_show(self) -> None:
        if await self._ask("End the show?", end_question(self.live_vm.state.show)):
            await self.live_vm.end_show()

    def show_show_report(self, report: ShowReport) -> ShowReportDialog:
        from seller_console.services.reports import write_csv
        from seller_console.ui.dialogs.show_report import ShowReportDialog

        dialog = ShowReportDialog(report, self)
        dialog.export_chosen.connect(
            lambda path: self.tasks.start(
                self._export("Report", path, lambda p: write_csv(report, p))
            )
        )
        dialog.refresh_requested.connect(
            lambda show_id: self.tasks.start(self._refresh_report(dialog, show_id))
        )
        dialog.orders_import_requested.connect(
            lambda show_id, path: self.tasks.start(self._import_orders(dialog, show_id, path))
        )
        dialog.open()
        return dialog

    async def _import_orders(self, dialog: ShowReportDialog, show_id: str, path: Path) -> None:
        """A manual-pins show's orders export, then the new report (and its bad rows)."""
        try:
            outcome = await self.live_vm.import_orders(show_id, path)
            report = await self.live_vm.report(show_id)
        except (PlatformError, StorageError, DomainError) as exc:
            dialog.refresh_failed(f"Could not import the orders: {_user_text(exc)}")
            return
        dialog.close()
        self.show_show_report(report)
        self._show_message(outcome.summary())
        if outcome.report.rejected or outcome.report.warnings:
            from seller_console.ui.dialogs.import_report import orders_counts

            self.show_report(outcome.report, orders_counts(outcome))

    async def _refresh_report(self, dialog: ShowReportDialog, show_id: str) -> None:
        """Read a past show's orders again from its platform, then show the new report."""
        try:
            outcome = await self.live_vm.refresh(show_id)
            report = await self.live_vm.report(show_id)
        except (PlatformError, StorageError, DomainError) as exc:
            dialog.refresh_failed(f"Could not refresh the show: {_user_text(exc)}")
            return
        dialog.close()
        self.show_show_report(report)
        self._show_message(outcome.summary())

    async def show_past_shows(self) -> None:
        # said at once: the first time, each show's totals are made from its orders
        self.statusBar().showMessage("Reading the past shows…")
        try:
            shows = await self.live_vm.show_summaries()
        except (PlatformError, StorageError, DomainError) as exc:  # e.g. a damaged database
            self._show_message(f"Could not read the past shows: {_user_text(exc)}")
            return
        self.statusBar().clearMessage()
        from seller_console.ui.dialogs.past_shows import PastShowsDialog

        dialog = PastShowsDialog(shows, self)
        dialog.report_requested.connect(
            lambda show_id: self.tasks.start(self._open_past_report(show_id))
        )
        dialog.open()

    async def _open_past_report(self, show_id: str) -> None:
        try:
            report = await self.live_vm.report(show_id)
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not open the show's report: {_user_text(exc)}")
            return
        self.show_show_report(report)

    def show_host_view(self) -> HostView:
        """The host's window: full screen on another screen when there is one."""
        view = self.host_view
        if view is None:
            from seller_console.ui.host_view import HostView

            view = self.host_view = HostView()
            self.live_vm.on_air_changed.connect(view.on_state)
            view.key_pressed.connect(self._host_key)
            if (now := self.live_vm.on_air) is not None:  # opened mid-show: what is on now
                view.on_state(now)
        screens = QGuiApplication.screens()
        here = self.screen()
        others = [s for s in screens if s is not here]
        if others:
            view.show_on(others[0])
        else:
            view.resize(self.size())
            view.show()
        return view

    def _host_key(self, key: int, modifiers: int) -> None:
        """A key pressed in the host view does what it does in this window; Escape closes
        the host view."""
        if key == Qt.Key.Key_Escape and self.host_view is not None:
            self.host_view.close()
            return
        pressed = QKeySequence(QKeyCombination(Qt.KeyboardModifier(modifiers), Qt.Key(key)))
        for action in self.actions_by_id.values():
            if action.isEnabled() and any(
                pressed.matches(k) is QKeySequence.SequenceMatch.ExactMatch
                for k in action.shortcuts()
            ):
                action.trigger()
                return

    def _copy_catalog_links(self, rows: list[int]) -> None:
        model = self.catalog_vm.model
        items = [
            RundownItem.new(ProductSnapshot.of(ref, c.name)) for c, ref in map(model.ref, rows)
        ]
        self.tasks.start(self.copy_links(items, keep=False), name="copy-links")

    def _copy_rundown_links(self, item_ids: list[str]) -> None:
        items = [self.rundown_vm.rundown.item(item_id) for item_id in item_ids]
        self.tasks.start(self.copy_links(items, keep=True), name="copy-links")

    async def copy_links(self, items: list[RundownItem], *, keep: bool) -> None:
        """Copy the items' affiliate links (title, tab, link; one a line). ``keep``: rundown
        items keep theirs, so the saved plan carries them."""
        from seller_console.services.affiliate_links import links_text

        if not items:
            return
        try:
            links = await self.live_vm.affiliate_links(items)
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not get the affiliate links: {_user_text(exc)}")
            return
        QGuiApplication.clipboard().setText(links_text(links))
        if keep:  # one undo step for them all
            self.rundown_vm.set_links({link.item_id: link.url for link in links if link.url})
        missing = [link for link in links if link.url is None]
        copied = len(links) - len(missing)
        text = f"Copied {_count(copied, 'affiliate link')}"
        if missing:
            text += f"; none for {missing[0].title}: {missing[0].problem}"
            if len(missing) > 1:
                text += f" (and {_count(len(missing) - 1, 'other product')})"
        self._show_message(text)

    async def copy_overlay_url(self) -> None:
        url = await self.live_vm.overlay_url()
        if url is None:
            self._show_message("The product overlay could not start: see the log.")
            return
        QGuiApplication.clipboard().setText(url)
        self._show_message(f"Copied the overlay's address for a browser source: {url}")

    async def choose_obs(self) -> None:
        """Show > OBS…: the settings page; on OK the engine reconnects with them."""
        vm = self.live_vm
        try:
            current = await vm.obs_settings()
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not read the OBS settings: {_user_text(exc)}")
            return
        from seller_console.ui.dialogs.obs_dialog import ObsDialog

        dialog = ObsDialog(current, vm.secrets, self.tasks, self)
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        chosen, password, notice = dialog.settings, dialog.password, dialog.notice
        dialog.deleteLater()
        if not accepted:
            return
        try:
            await vm.use_obs(chosen, password)
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not apply the OBS settings: {_user_text(exc)}")
            return
        self.follow_obs()
        state = "on" if chosen.enabled else "off"
        self._show_message(f"OBS control is {state}. {notice or ''}".strip())

    def follow_obs(self) -> None:
        """Keep the OBS badge up to date (once the live engine runs)."""
        if self._obs_follow is None or self._obs_follow.done():
            self._obs_follow = self.tasks.start(self.live_vm.follow_obs(), name="obs-badge")

    def _obs_badge_changed(self, badge: ObsBadge) -> None:
        from seller_console.domain.on_air import ObsLinkState

        self.obs_badge.setText(badge.text)
        self.obs_badge.setToolTip(badge.text)
        self.obs_badge.setVisible(badge.state is not ObsLinkState.OFF)

    def choose_platform(self) -> None:
        self.tasks.start(self._choose_platform(), name="platform")

    async def _choose_platform(self) -> None:
        vm = self.live_vm
        from seller_console.ui.dialogs.profiles_dialog import ProfilesDialog

        dialog = ProfilesDialog(
            vm.profile,
            vm.secrets,
            vm.test_connection,
            self.tasks,
            self,
            sign_in=vm.sign_in,
            browser=vm,
        )
        accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
        chosen = dialog.profile
        dialog.deleteLater()
        if accepted:
            try:
                await vm.use_profile(chosen)
            except (PlatformError, StorageError, DomainError) as exc:
                self._show_message(f"Could not switch the platform: {_user_text(exc)}")
                return
            self._show_message(f"Platform: {_profile_name(chosen)} (from the next show on)")
            self.rundown_vm.forget_platform_check()
            await self.offer_unfinished_shows()  # the platform may open now (a key entered)

    async def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Yes | buttons.No)
        box.setDefaultButton(buttons.Yes)
        await run_dialog(box)
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()
        self.activateWindow()  # the stage keys (Space, arrows) need the window active again
        return answer == buttons.Yes

    # ------------------------------------------------------------ drop and close
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.tasks.start(self._open_dropped(paths))

    async def _open_dropped(self, paths: list[Path]) -> None:
        for path in paths:
            if path.name.endswith(".json"):
                if await self._confirm_discard("opening another plan"):
                    await self.rundown_vm.open(path)
            else:
                await self.open_catalog(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            self.save_layout()
            if self._workspace_file is not None:  # the last word, whatever is in flight
                try:
                    save_workspace(self._workspace_file, self.workspace)
                except OSError as exc:
                    log.warning("could not keep the recent files: %s", exc)
            if self.host_view is not None:
                self.host_view.close()
            event.accept()
            self.closed.emit()
            return
        event.ignore()
        self.tasks.start(self._close_when_confirmed(), name="close")

    async def _close_when_confirmed(self) -> None:
        from seller_console.services.live_session import ShowPhase

        if not await self._confirm_discard("quitting"):
            return
        if self.live_vm.phase in (ShowPhase.LIVE, ShowPhase.ENDING):
            there = (
                # the app runs a practice platform itself: it stops with the app
                "leave it on air, paused until the app starts again (this practice "
                "platform runs in the app: nothing sells meanwhile), when it is offered "
                "back to resume or end?"
                if self.live_vm.profile.kind.embedded
                else "leave it running there (the app offers it back at the next start, "
                "to resume or end)?"
            )
            choice = await self._choose(
                "Quit while live?",
                f"The show is still live. End it on the platform now, or {there}",
                ("End the show", "Leave it running"),
            )
            if choice == 0:
                if await self.live_vm.end_show() is None:
                    return  # it could not be ended: the reason is in the status bar
            elif choice == 1:
                await self.live_vm.leave_running()
            else:
                return
        self._may_close = True
        self.close()

    async def offer_unfinished_shows(self, *, asked: bool = False) -> None:
        """A show a crash or a quit left on air: resume it, end it now, or decide later.
        At start, after a platform change, and from Show > Resume unfinished show…
        (``asked``: say so when there is none). The list is read from the show database
        alone; resuming or ending opens the platform the show ran on."""
        from seller_console.domain.show_records import ShowStatus
        from seller_console.services.live_show import place_text

        if self.live_vm.is_live:
            return
        try:
            unfinished = await self.live_vm.unfinished_shows()
        except (PlatformError, StorageError, DomainError) as exc:
            self._show_message(f"Could not look for unfinished shows: {_user_text(exc)}")
            return
        self.follow_obs()  # the live engine runs now
        if asked and not unfinished:
            self._show_message("No show was left on air: there is nothing to resume.")
        for show in unfinished:
            if show.status is ShowStatus.ENDING:  # ended on the platform: only finish it
                self._show_message(f"Finishing {show.title!r}: fetching its last orders…")
                await self.live_vm.end_unfinished(show.id)
                continue
            choice = await self._choose(
                "A show was left on air",
                f"{show.title!r} went live at {_started(show)} on {place_text(show.owner)} "
                "and was never ended. Resume it (reconnect and carry on where it stopped), "
                "or end it now (fetch what the platform has and write the report)?",
                ("Resume", "End it now"),
            )
            if choice == 0:
                await self.live_vm.resume(show.id)
                return
            if choice == 1:
                await self.live_vm.end_unfinished(show.id)

    async def _choose(self, title: str, text: str, options: tuple[str, ...]) -> int | None:
        """Choices and Cancel (or Later); the index chosen, None for Cancel."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(buttons[0])
        await run_dialog(box)
        clicked = box.clickedButton()
        box.deleteLater()
        self.activateWindow()
        return next((n for n, b in enumerate(buttons) if b is clicked), None)


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def _percent(rate: Decimal) -> str:
    """0.125 -> "12.5"."""
    return format((rate * 100).normalize(), "f")


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _options(entry: CatalogFile) -> ImportOptions:
    """The import options a catalog was opened with, to open it again the same way."""
    return ImportOptions(
        format=entry.format,
        currency=entry.currency,
        commission_rate=entry.commission_rate,
        brand=entry.brand,
        column_map=dict(entry.column_map),
    )


def _started(show: ShowRecord) -> str:
    """When a show went live, in local time."""
    return f"{(show.started_at or show.created_at).astimezone():%Y-%m-%d %H:%M}"


def _user_text(exc: BaseException) -> str:
    text = getattr(exc, "user_message", None)
    return text if isinstance(text, str) and text else str(exc)


def _profile_name(profile: Profile) -> str:
    return profile.display_name


def end_question(show: ShowRecord | None) -> str:
    """What End show asks. TikTok has no call that ends a LIVE (the creator ends it in
    TikTok), so there viewers can still buy after End show, and what they buy then is not
    the show's: said so, not that buying stops."""
    if show is not None and show.owner.platform == "tiktok":
        return (
            "End the show in the console now? Your TikTok LIVE goes on, and viewers can "
            "still buy, until you end it in LIVE Studio or the TikTok app; what sells from "
            "now on is not counted in this show."
        )
    return "End the live session now? Viewers can no longer buy once it ends."


def _count(n: int, noun: str) -> str:
    return f"{count_text(n)} {noun}{'' if n == 1 else 's'}"


def plan_save_dialog(parent: QWidget, title: str, path: Path | None) -> QFileDialog:
    """Where a plan is saved: its own file again, else the home folder (the app's working
    folder may be the bundle's, or ``/``) under a name made from the show's title."""
    default = path or Path.home() / f"{file_stem(title, 'show')}{SUFFIX}"
    dialog = QFileDialog(parent, "Save show plan", str(default), PLAN_FILTER)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog
