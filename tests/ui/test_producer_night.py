"""A producer's night (issue 16): edits are never lost, the editor never shows stale text,
the app reopens the work it had, the show has a title of its own, one catalog closes,
and the window starts in the prepare layout."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from seller_console.app import Console
from seller_console.importers import ImportOptions
from seller_console.importers.show_plan import load_plan
from seller_console.services.live_show import plan_policy
from seller_console.settings import (
    MAX_RECENT,
    CatalogFile,
    Workspace,
    save_workspace,
    workspace_file,
)
from seller_console.ui.dialogs.import_report import ImportReportDialog

from .conftest import Runner, answer_message_box, close_console

SECOND_CATALOG = (
    "id\ttitle\tprice\tavailability\tbrand\n"
    "TEA-1\tSmoky Lapsang Tea\t12.50 USD\tin stock\tKettle & Co\n"
    "TEA-2\tJasmine Pearls\t18.00 USD\tin stock\tKettle & Co\n"
)


def _second_catalog(folder: Path) -> Path:
    path = folder / "teas.tsv"
    path.write_text(SECOND_CATALOG, encoding="utf-8")
    return path


def _started(console: Console, run: Runner) -> None:
    run(console.start(offer_unfinished=False))


def _item(console: Console, item_id: str):
    return console.rundown_vm.rundown.item(item_id)


# ---------------------------------------------------------------- the rundown editor
def test_every_field_typed_is_committed_when_the_row_changes(console, run, qtbot):
    _started(console, run)
    dock, vm = console.window.rundown_dock, console.rundown_vm
    first, second, third = (i.id for i in vm.rundown.items[:3])
    dock.select_ids([first])
    dock.duration.selectAll()
    qtbot.keyClicks(dock.duration, "3:10")
    dock.live_price.clear()
    qtbot.keyClicks(dock.live_price, "7.50")
    dock.stock_cap.setValue(12)
    dock.select_ids([second])  # no focus change, no Enter: the row changes at once
    edited = _item(console, first)
    assert edited.planned_seconds == 190
    assert str(edited.live_price) == "7.50 USD"
    assert edited.stock_cap == 12
    # the editor shows the row the user went to, not the one edited
    assert dock.selected_ids() == [second]
    assert dock.duration.text() != "3:10"
    assert dock.stock_cap.value() != 12 or _item(console, second).stock_cap == 12

    messages: list[str] = []
    console.window.statusBar().messageChanged.connect(messages.append)
    dock.duration.selectAll()
    qtbot.keyClicks(dock.duration, "9:99")  # not a duration: refused, and said so
    dock.select_ids([third])
    assert _item(console, second).planned_seconds == vm.rundown.items[1].planned_seconds
    assert any("#2 " in m and "duration not changed" in m for m in messages)
    assert dock.selected_ids() == [third]


def test_an_editor_with_nothing_selected_is_cleared_and_disabled(console, run, qtbot):
    _started(console, run)
    dock = console.window.rundown_dock
    item = console.rundown_vm.rundown[0]
    dock.select_ids([item.id])
    assert dock.editor.isEnabled()
    assert dock.talking_points.toPlainText() == item.talking_points != ""
    selection = dock.table.selectionModel()
    # Ctrl+click on the selected row: nothing is selected, the current row stays
    selection.select(
        dock.vm.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Deselect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert selection.currentIndex().isValid()
    assert not dock.editor.isEnabled()
    assert dock.duration.text() == ""
    assert dock.talking_points.toPlainText() == ""
    assert dock.live_price.text() == ""
    assert "Select an item" in dock.item_title.text()
    dock.select_ids([item.id])
    assert dock.editor.isEnabled()
    assert dock.talking_points.toPlainText() == item.talking_points


def test_typing_in_a_field_keeps_the_focus_when_an_edit_lands(console, run, qtbot):
    _started(console, run)
    dock = console.window.rundown_dock
    item = console.rundown_vm.rundown[0]
    dock.select_ids([item.id])
    console.window.activateWindow()
    dock.duration.setFocus()
    qtbot.waitUntil(dock.duration.hasFocus, timeout=2000)
    dock.duration.selectAll()
    qtbot.keyClicks(dock.duration, "2:05")
    qtbot.keyClick(dock.duration, Qt.Key.Key_Return)
    assert _item(console, item.id).planned_seconds == 125
    assert dock.duration.hasFocus()  # the refresh after the edit did not take it away
    assert dock.editor.isEnabled()


def test_ctrl_end_then_enter_adds_the_row_the_card_shows(console, run, qtbot):
    _started(console, run)
    window, dock = console.window, console.window.catalog_dock
    run(window.new_plan())
    dock.table.setFocus()
    dock.select_row(0)
    qtbot.keyClick(dock.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = dock.vm.model.rowCount() - 1
    assert dock.table.currentIndex().row() == last
    shown = window.card.title.text()
    qtbot.keyClick(dock.table, Qt.Key.Key_Return)
    added = console.rundown_vm.rundown.items
    assert len(added) == 1
    _catalog, ref = dock.vm.model.ref(last)
    assert added[0].product.variant_id == ref.variant.id
    assert ref.product.title in shown


# ---------------------------------------------------------------- the show's title
def test_the_show_title_is_a_field_saved_in_the_plan_not_the_file_name(
    console, run, qtbot, tmp_path
):
    _started(console, run)
    dock, vm = console.window.rundown_dock, console.rundown_vm
    assert dock.show_title.text() == "Demo show"
    dock.show_title.selectAll()
    qtbot.keyClicks(dock.show_title, "Friday glow night")
    qtbot.keyClick(dock.show_title, Qt.Key.Key_Return)
    assert vm.title == "Friday glow night"
    assert vm.dirty
    assert "Friday glow night" in console.window.windowTitle()
    path = tmp_path / "fri-17.showplan.json"
    assert run(vm.save(path))
    assert vm.title == "Friday glow night"  # not "fri-17"
    assert load_plan(path).title == "Friday glow night"

    dock.show_title.clear()
    qtbot.keyClick(dock.show_title, Qt.Key.Key_Return)
    assert "needs a title" in dock.title_error.text()
    assert dock.show_title.property("invalid") is True
    assert vm.title == "Friday glow night"
    dock.show_title.setText("x" * 300)
    dock.show_title.editingFinished.emit()
    assert "at most 200 characters" in dock.title_error.text()

    dock.show_title.setText("Saturday")
    dock.show_title.editingFinished.emit()
    assert vm.title == "Saturday"
    assert dock.title_error.text() == ""
    vm.undo_stack.undo()
    assert vm.title == "Friday glow night"
    assert dock.show_title.text() == "Friday glow night"


# ---------------------------------------------------------------- catalogs
def test_one_catalog_closes_and_the_brand_filter_says_what_it_hides(console, run, tmp_path):
    _started(console, run)
    window, dock = console.window, console.window.catalog_dock
    teas = _second_catalog(tmp_path)
    assert run(window.open_catalog(teas, ImportOptions(currency="USD")))
    assert len(console.catalog_vm.catalogs) == 2

    dock.brand.setCurrentText("Kettle & Co")
    dock.search.setText("serum")  # a word only the demo catalog's products have
    assert console.catalog_vm.model.rowCount() == 0
    assert "No Kettle & Co variant matches" in dock.count.text()
    assert "All brands" in dock.count.text()
    dock.search.setText("jasmine")
    assert "No " not in dock.count.text()

    window.fill_close_catalog_menu()
    names = [a.text() for a in window.close_catalog_menu.actions()]
    assert any("teas.tsv" in n for n in names)
    demo_action = next(a for a in window.close_catalog_menu.actions() if "teas" not in a.text())
    demo_action.trigger()
    assert [p.name for p in console.catalog_vm.paths] == ["teas.tsv"]
    assert console.catalog_vm.model.brands() == ["Kettle & Co"]
    assert len(console.rundown_vm.rundown) == 8  # the plan keeps its products


# ---------------------------------------------------------------- the work remembered
def _opened(qapp, app_paths, run: Runner) -> Console:
    made = Console(qapp, app_paths)
    made.window.show()
    _started(made, run)
    return made


def test_the_app_reopens_its_catalogs_and_plan_and_lists_recent_files(
    run, qtbot, qapp, app_paths, tmp_path
):
    console = _opened(qapp, app_paths, run)
    window = console.window
    teas = _second_catalog(tmp_path)
    assert run(window.open_catalog(teas, ImportOptions(currency="USD", brand="Kettle & Co")))
    plan = tmp_path / "tuesday.showplan.json"
    console.rundown_vm.set_title("Tuesday teas")
    assert run(window.rundown_vm.save(plan))
    close_console(console, run)  # quit

    again = _opened(qapp, app_paths, run)
    try:
        assert [p.name for p in again.catalog_vm.paths] == ["catalog.csv", "teas.tsv"]
        assert again.rundown_vm.path == plan.absolute()
        assert again.rundown_vm.title == "Tuesday teas"
        assert not again.rundown_vm.dirty
        again.window.fill_recent_menu()
        texts = [a.text() for a in again.window.recent_menu.actions() if not a.isSeparator()]
        assert texts[:2] == ["teas.tsv  (catalog)", "catalog.csv  (catalog)"]
        assert texts[2:] == ["tuesday.showplan.json  (plan)"]
        teas_action = again.window.recent_menu.actions()[0]
        teas_action.trigger()  # already open: said, not opened twice
        run(_settle())
        assert len(again.catalog_vm.paths) == 2
        assert "already open" in again.window.statusBar().currentMessage()
        # a catalog closed here stays closed at the next start, and stays in the list
        again.window.close_catalog(1)
    finally:
        close_console(again, run)

    teas.unlink()  # gone meanwhile: taken off the list, with a message
    third = _opened(qapp, app_paths, run)
    try:
        assert [p.name for p in third.catalog_vm.paths] == ["catalog.csv"]
        assert "teas.tsv" in third.window.statusBar().currentMessage()
        third.window.fill_recent_menu()
        texts = [a.text() for a in third.window.recent_menu.actions()]
        assert not any("teas" in t for t in texts)
    finally:
        close_console(third, run)
    saved = json.loads(workspace_file(app_paths.config_dir).read_text(encoding="utf-8"))
    assert [Path(c["path"]).name for c in saved["catalogs"]] == ["catalog.csv"]


def test_every_open_catalog_reopens_however_many_brands_are_open(
    run, qtbot, qapp, app_paths, tmp_path
):
    """A seller with more brands open than Open recent lists: the oldest open catalog (the
    first one opened) is still open after a restart, with the rate set by hand on it."""
    console = _opened(qapp, app_paths, run)
    window = console.window
    first = console.catalog_vm.paths[0]
    product = console.catalog_vm.catalogs[0].products[0]
    assert run(window.set_commission(first, product, "31", per_brand=True))
    brands = []
    for n in range(MAX_RECENT):
        path = tmp_path / f"brand{n}.tsv"
        path.write_text(SECOND_CATALOG.replace("TEA-", f"B{n}-"), encoding="utf-8")
        assert run(window.open_catalog(path, ImportOptions(currency="USD")))
        brands.append(path.name)
    open_now = [p.name for p in console.catalog_vm.paths]
    assert len(open_now) == MAX_RECENT + 1
    assert run(console.rundown_vm.save(tmp_path / "brands.showplan.json"))  # nothing to recover
    close_console(console, run)  # quit

    again = _opened(qapp, app_paths, run)
    try:
        assert [p.name for p in again.catalog_vm.paths] == open_now
        kept = again.window.workspace.catalog(str(first.absolute()))
        assert kept is not None
        assert kept.rate_for(product.brand, product.id) == Decimal("0.31")
        again.window.fill_recent_menu()
        texts = [a.text() for a in again.window.recent_menu.actions() if not a.isSeparator()]
        assert texts == [
            *(f"{name}  (catalog)" for name in reversed(brands)),  # the newest ten
            "brands.showplan.json  (plan)",
        ]
    finally:
        close_console(again, run)


def test_a_catalog_reopened_at_start_says_its_rejected_rows_without_a_dialog(
    run, qtbot, qapp, app_paths, tmp_path
):
    """Its report opened when the seller imported it; at every start after, the rows it
    rejects are said in the status bar, not by a dialog to close each time."""
    console = _opened(qapp, app_paths, run)
    messy = tmp_path / "messy.csv"
    messy.write_text(
        "Handle,Title,Variant SKU,Variant Price\ngood,Good,G1,5.00\nbad,Bad,B1,twelve\n",
        encoding="utf-8",
    )
    assert run(console.window.open_catalog(messy, ImportOptions(currency="USD")))
    assert [d.isVisible() for d in console.window.findChildren(ImportReportDialog)] == [True]
    assert run(console.rundown_vm.save(tmp_path / "messy.showplan.json"))  # nothing to recover
    close_console(console, run)  # quit

    again = _opened(qapp, app_paths, run)
    try:
        assert "messy.csv" in [p.name for p in again.catalog_vm.paths]
        assert not again.window.findChildren(ImportReportDialog)
        message = again.window.statusBar().currentMessage()
        assert "rows rejected: messy.csv (1 row)" in message
        assert "Ctrl+R shows messy.csv's report" in message
        last = again.catalog_vm.last_report
        assert last is not None
        assert last.path.name == "messy.csv"
    finally:
        close_console(again, run)


def test_a_recent_file_that_is_gone_leaves_the_list_when_chosen(console, run, tmp_path):
    _started(console, run)
    window = console.window
    missing = tmp_path / "gone.showplan.json"
    window.workspace = window.workspace.with_plan(str(missing))
    window.fill_recent_menu()
    action = next(a for a in window.recent_menu.actions() if "gone" in a.text())
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    action.trigger()
    run(_settle())
    assert any("gone.showplan.json is no longer there" in m for m in messages)
    assert str(missing) not in window.workspace.plans


async def _settle() -> None:
    await asyncio.sleep(0.05)


def test_recent_lists_are_bounded_and_the_newest_first():
    workspace = Workspace()
    for n in range(MAX_RECENT + 5):
        workspace = workspace.with_plan(f"/plans/{n}.showplan.json")
        workspace = workspace.with_catalog(CatalogFile(f"/catalogs/{n}.csv", open=False))
    assert len(workspace.plans) == MAX_RECENT == len(workspace.catalogs)
    assert workspace.plans[0] == f"/plans/{MAX_RECENT + 4}.showplan.json"
    again = workspace.with_plan("/plans/7.showplan.json")
    assert again.plans[0] == "/plans/7.showplan.json"
    assert len(again.plans) == MAX_RECENT
    # open catalogs are all kept; once closed, those past the newest ten drop off
    opened = Workspace()
    for n in range(MAX_RECENT + 5):
        opened = opened.with_catalog(CatalogFile(f"/catalogs/{n}.csv"))
    assert len(opened.catalogs) == MAX_RECENT + 5
    closed = opened.with_open({"/catalogs/0.csv"})
    assert [c.path for c in closed.catalogs] == [
        *(c.path for c in opened.catalogs[:MAX_RECENT]),
        "/catalogs/0.csv",
    ]


def test_a_recovered_plan_keeps_its_file(console, run, qtbot, qapp, app_paths, tmp_path):
    _started(console, run)
    vm = console.rundown_vm
    plan = tmp_path / "saturday.showplan.json"
    assert run(vm.save(plan))
    vm.remove([vm.rundown[0].id])
    with qtbot.waitSignal(vm.autosaved, timeout=5000):
        pass
    expected = [i.id for i in vm.rundown.items]
    again = Console(qapp, app_paths)  # the app started again after a crash
    try:
        task = run.loop.create_task(again.start(offer_unfinished=False))
        answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(task.done, timeout=10_000)
        task.result()
        assert [i.id for i in again.rundown_vm.rundown.items] == expected
        assert again.rundown_vm.path == plan.absolute()
        assert again.rundown_vm.dirty
        assert run(again.rundown_vm.save())  # Save writes to the plan's own file
        assert [i.id for i in load_plan(plan).items] == expected
    finally:
        close_console(again, run)


# ---------------------------------------------------------------- layouts
def test_the_app_starts_in_the_prepare_layout_after_quitting_on_air(run, qapp, app_paths):
    console = _opened(qapp, app_paths, run)
    window = console.window
    window._phase_changed("live")  # the window as the live view-model puts it on air
    assert window.feed_dock.isVisibleTo(window)
    window.feed_dock.hide()  # the producer's own live layout ...
    close_console(console, run)  # ... quit on air
    screen = qapp.primaryScreen().availableGeometry()
    kept = QSettings(str(app_paths.window_state_file), QSettings.Format.IniFormat)
    size = f"{screen.width()}x{screen.height()}"
    # both layouts kept for this screen size (another size has its own)
    assert {f"{size}/prepare", f"{size}/live", f"{size}/geometry"} <= {
        k.removeprefix("layout/") for k in kept.allKeys()
    }

    again = _opened(qapp, app_paths, run)
    try:
        window = again.window
        assert not window.stage.isVisibleTo(window)
        assert window.catalog_dock.isVisibleTo(window)
        assert not window.catalog_dock.visibleRegion().isEmpty()  # its tab is up
        for dock in window.live_docks:
            assert not dock.isVisibleTo(window), dock.objectName()
        window._phase_changed("live")  # a show resumed: the live layout kept for this screen
        assert window.stage.isVisibleTo(window)
        assert not window.feed_dock.isVisibleTo(window)  # as the producer left it
        assert window.totals_dock.isVisibleTo(window)
        window.reset_layout()  # the default of the mode it is in: every live panel
        for dock in window.live_docks:
            assert dock.isVisibleTo(window), dock.objectName()
    finally:
        close_console(again, run)


# ---------------------------------------------------------------- commission set by hand
def _row_of(console: Console, product_id: str) -> int:
    model = console.catalog_vm.model
    return next(r for r in range(model.rowCount()) if model.ref(r)[1].product.id == product_id)


def test_commission_is_set_per_product_and_per_brand_without_importing_again(
    run, qtbot, qapp, app_paths, tmp_path
):
    console = _opened(qapp, app_paths, run)
    try:
        window, vm = console.window, console.rundown_vm
        first = vm.rundown.items[0].product
        row = _row_of(console, first.product_id)
        window.catalog_dock.select_row(row)
        # the table's context menu: "Set commission for this product…", typed in %
        action = window.catalog_dock.table.findChild(QAction, "action_commission_product")
        assert action is not None
        action.trigger()
        qtbot.waitUntil(lambda: _input_dialog() is not None, timeout=5000)
        dialog = _input_dialog()
        assert dialog is not None
        assert first.commission_rate is not None
        assert dialog.textValue() == str(first.commission_rate * 100).split(".")[0]  # the file's
        dialog.setTextValue("17.5 %")
        dialog.accept()
        qtbot.waitUntil(
            lambda: vm.rundown.items[0].product.commission_rate == Decimal("0.175"), timeout=5000
        )
        _catalog, ref = console.catalog_vm.model.ref(_row_of(console, first.product_id))
        catalog = console.catalog_vm.paths[0]
        assert ref.variant.commission_rate == Decimal("0.175")  # the table and card too
        # still on that product, so the next menu action or Enter needs no click (QA)
        assert window.catalog_dock.table.currentIndex().row() == _row_of(console, first.product_id)
        assert vm.dirty  # the plan carries its items' rates

        others_before = {
            i.id: i.product.commission_rate
            for i in vm.rundown.items
            if i.product.brand != first.brand
        }
        assert run(window.set_commission(catalog, ref.product, "12", per_brand=True))
        for item in vm.rundown.items:
            rate = item.product.commission_rate
            if item.product.product_id == first.product_id:
                assert rate == Decimal("0.175")  # its own rate wins over the brand's
            elif item.product.brand == first.brand:
                assert rate == Decimal("0.12")
            else:
                assert rate == others_before[item.id]  # other brands keep theirs
        # the ledger's terms at Go live come from the plan: the rates set here
        policy = plan_policy(vm.plan())
        rates = {t.rate for t in policy.products.values() if t.brand == first.brand}
        assert rates == {Decimal("0.175"), Decimal("0.12")}

        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        assert not run(window.set_commission(catalog, ref.product, "150", per_brand=False))
        assert any("not between 0 % and 100 %" in m for m in messages)
        assert not run(window.set_commission(catalog, ref.product, "ten", per_brand=False))
        assert any("'ten' is not a rate" in m for m in messages)
        assert vm.rundown.items[0].product.commission_rate == Decimal("0.175")
        assert run(vm.save(tmp_path / "rates.showplan.json"))
    finally:
        close_console(console, run)

    again = _opened(qapp, app_paths, run)  # kept with the catalog: there at the next start
    try:
        _catalog, ref = again.catalog_vm.model.ref(_row_of(again, first.product_id))
        assert ref.variant.commission_rate == Decimal("0.175")
        brand_rows = [
            again.catalog_vm.model.ref(r)[1]
            for r in range(again.catalog_vm.model.rowCount())
            if again.catalog_vm.model.ref(r)[1].product.brand == first.brand
            and again.catalog_vm.model.ref(r)[1].product.id != first.product_id
        ]
        assert brand_rows
        assert all(r.variant.commission_rate == Decimal("0.12") for r in brand_rows)
    finally:
        close_console(again, run)


def test_a_commission_set_by_hand_can_be_taken_off_back_to_the_files_rate(
    run, qtbot, qapp, app_paths, tmp_path
):
    console = _opened(qapp, app_paths, run)
    try:
        window, vm = console.window, console.rundown_vm
        first = vm.rundown.items[0].product
        file_rates = {i.id: i.product.commission_rate for i in vm.rundown.items}
        brand_items = [i.id for i in vm.rundown.items if i.product.brand == first.brand]
        assert len(brand_items) > 1
        path = console.catalog_vm.paths[0]
        _catalog, ref = console.catalog_vm.model.ref(_row_of(console, first.product_id))
        file_rate = ref.variant.commission_rate
        assert file_rate not in (Decimal("0.175"), Decimal("0.12"))
        assert run(window.set_commission(path, ref.product, "17.5", per_brand=False))
        assert run(window.set_commission(path, ref.product, "12", per_brand=True))

        def rate(item_id: str) -> Decimal | None:
            return next(i for i in vm.rundown.items if i.id == item_id).product.commission_rate

        # the context menu: "Use the file's commission for this product"; its brand's rate
        # set by hand applies then
        window.catalog_dock.select_row(_row_of(console, first.product_id))
        action = window.catalog_dock.table.findChild(QAction, "action_file_commission_product")
        assert action is not None
        action.trigger()
        first_id = vm.rundown.items[0].id
        qtbot.waitUntil(lambda: rate(first_id) == Decimal("0.12"), timeout=5000)
        assert "the brand's 12 % applies" in window.statusBar().currentMessage()

        # ... and for the brand: every item of the brand has the file's rate again, in the
        # rundown, the catalog table and the workspace (one undo step on the rundown)
        window.catalog_dock.select_row(_row_of(console, first.product_id))
        brand = window.catalog_dock.table.findChild(QAction, "action_file_commission_brand")
        assert brand is not None
        brand.trigger()
        qtbot.waitUntil(lambda: rate(first_id) == file_rates[first_id], timeout=5000)
        assert {i: rate(i) for i in brand_items} == {i: file_rates[i] for i in brand_items}
        assert "the catalog file's applies" in window.statusBar().currentMessage()
        _catalog, ref = console.catalog_vm.model.ref(_row_of(console, first.product_id))
        assert ref.variant.commission_rate == file_rate
        entry = window.workspace.catalog(str(path.absolute()))
        assert entry is not None
        assert entry.brand_rates == ()
        assert entry.product_rates == ()
        assert vm.undo_stack.undoText() == "Use the file's commission"
        vm.undo_stack.undo()
        assert all(rate(i) == Decimal("0.12") for i in brand_items)
        vm.undo_stack.redo()
        assert all(rate(i) == file_rates[i] for i in brand_items)

        # an empty entry in "Set commission…" does the same
        assert run(window.set_commission(path, ref.product, "20", per_brand=False))
        assert rate(first_id) == Decimal("0.2")
        assert run(window.set_commission(path, ref.product, "  ", per_brand=False))
        assert rate(first_id) == file_rates[first_id]
        assert run(vm.save(tmp_path / "file-rates.showplan.json"))
    finally:
        close_console(console, run)

    again = _opened(qapp, app_paths, run)  # taken off for good: the next start has the file's
    try:
        _catalog, ref = again.catalog_vm.model.ref(_row_of(again, first.product_id))
        assert ref.variant.commission_rate == file_rate
    finally:
        close_console(again, run)


def _input_dialog() -> QInputDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QInputDialog) and widget.isVisible():
            return widget
    return None


def test_the_self_test_neither_reopens_nor_changes_the_recent_files(run, qapp, app_paths):
    remembered = Workspace(plans=("/shows/mine.showplan.json",))
    path = workspace_file(app_paths.config_dir)
    save_workspace(path, remembered)
    before = path.read_bytes()
    console = Console(qapp, app_paths, remember=False)  # as app.py makes it for --self-test
    console.window.show()
    try:
        _started(console, run)
        assert len(console.rundown_vm.rundown) == 8  # the demo show, not the user's work
    finally:
        close_console(console, run)
    assert path.read_bytes() == before


def test_a_field_is_committed_when_the_focus_leaves_it(console, run, qtbot):
    _started(console, run)
    dock = console.window.rundown_dock
    item = console.rundown_vm.rundown[1]
    dock.select_ids([item.id])
    console.window.activateWindow()
    dock.duration.setFocus()
    qtbot.waitUntil(dock.duration.hasFocus, timeout=2000)
    dock.duration.selectAll()
    qtbot.keyClicks(dock.duration, "4:20")
    dock.live_price.setFocus()  # Tab, or a click elsewhere in the window
    qtbot.waitUntil(lambda: _item(console, item.id).planned_seconds == 260, timeout=2000)
    dock.live_price.selectAll()
    qtbot.keyClicks(dock.live_price, "abc")
    dock.talking_points.setFocus()
    qtbot.waitUntil(dock.price_error.isVisible, timeout=2000)
    assert dock.price_error.text().startswith("Live price:")
    assert _item(console, item.id).live_price is None
