"""The prepare flow, driven as a user would: search, add, reorder, edit, undo, save."""

from __future__ import annotations

import json
import multiprocessing
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from seller_console.app import Console
from seller_console.domain.rundown import ProductSnapshot
from seller_console.importers import ImportOptions
from seller_console.paths import resources_dir
from seller_console.services.catalog_import import PROCESS_MIN_BYTES
from seller_console.services.demo import demo_catalog_path, demo_import_options
from seller_console.ui.actions import SPECS
from seller_console.ui.docks.rundown_dock import RundownDock
from seller_console.ui.main_window import FRAME_ALLOWANCE, LAYOUT_VERSION
from seller_console.ui.models.catalog_model import Col

from .conftest import Runner, answer_message_box, close_console


def start(console: Console, run: Runner) -> None:
    run(console.start())


def test_start_opens_the_demo_catalog_and_sample_rundown(console, run):
    start(console, run)
    catalogs = console.catalog_vm.catalogs
    assert len(catalogs) == 1
    brands = catalogs[0].brands()
    assert len(brands) == 3
    assert 50 <= len(catalogs[0].products) <= 70
    assert len(console.rundown_vm.rundown) == 8
    assert console.rundown_vm.issues == []  # the sample show is ready for air
    assert not console.rundown_vm.dirty


def test_whole_prepare_flow(console, run, qtbot, tmp_path):
    start(console, run)
    window, dock, rundown = console.window, console.window.catalog_dock, console.rundown_vm
    run(window.new_plan())
    assert len(rundown.rundown) == 0

    qtbot.keyClicks(dock.search, "candle")
    model = console.catalog_vm.model
    assert 0 < model.rowCount() < model.total_rows()
    assert all(
        "candle" in model.data(model.index(r, Col.TITLE)).casefold()
        for r in range(model.rowCount())
    )
    dock.table.setFocus()
    dock.select_row(0)
    qtbot.keyClick(dock.table, Qt.Key.Key_Return)  # Enter adds the selection
    assert len(rundown.rundown) == 1

    dock.search.clear()
    dock.in_stock.setChecked(True)
    mime = model.mimeData([model.index(r, 1) for r in (1, 2, 3)])  # drag three rows ...
    rundown.model.dropMimeData(
        mime, Qt.DropAction.CopyAction, 0, 0, rundown.model.index(-1, -1)
    )  # ... onto the top
    assert len(rundown.rundown) == 4
    first_added = rundown.rundown[0].id
    assert rundown.rundown[3].product.title.casefold().count("candle") == 1

    rdock = window.rundown_dock
    rdock.select_ids([first_added])
    qtbot.keyClick(rdock.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert rundown.rundown.index_of(first_added) == 1

    rdock.select_ids([first_added])
    rdock.duration.setText("2:45")
    rdock.duration.editingFinished.emit()
    assert rundown.rundown.item(first_added).planned_seconds == 165
    assert rundown.rundown.planned_starts()[2] == rundown.rundown[0].planned_seconds + 165

    rdock.live_price.setText("9.99")
    rdock.live_price.editingFinished.emit()
    assert str(rundown.rundown.item(first_added).price) == "9.99 USD"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rundown.rundown.item(first_added).live_price is None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rundown.rundown.item(first_added).planned_seconds == 120
    qtbot.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier,
    )
    assert rundown.rundown.item(first_added).planned_seconds == 165

    rdock.select_ids([rundown.rundown[3].id])
    qtbot.keyClick(rdock.table, Qt.Key.Key_Delete)
    assert len(rundown.rundown) == 3
    assert rundown.dirty

    path = tmp_path / "friday.showplan.json"
    assert run(rundown.save(path))
    assert not rundown.dirty
    assert not console.paths.autosave_file.exists()
    saved = [(i.id, i.planned_seconds) for i in rundown.rundown.items]
    run(window.new_plan())
    assert run(rundown.open(path))
    assert [(i.id, i.planned_seconds) for i in rundown.rundown.items] == saved


def test_edits_are_refused_with_a_reason_not_a_crash(console, run):
    start(console, run)
    rdock = console.window.rundown_dock
    item = console.rundown_vm.rundown[0]
    rdock.select_ids([item.id])
    rdock.duration.setText("1:75")
    rdock.duration.editingFinished.emit()
    assert "60 or more" in rdock.duration_error.text()
    assert rdock.duration.property("invalid") is True  # highlighted
    rdock.live_price.setText("12.345")
    rdock.live_price.editingFinished.emit()
    assert "USD has 2 decimals" in rdock.price_error.text()
    assert rdock.live_price.property("invalid") is True
    assert "60 or more" in rdock.duration_error.text()  # each field keeps its own message
    assert console.rundown_vm.rundown.item(item.id) == item
    rdock.duration.setText("1:15")  # fixed: its message and its mark go
    rdock.duration.editingFinished.emit()
    assert console.rundown_vm.rundown.item(item.id).planned_seconds == 75
    assert rdock.duration_error.text() == ""
    assert not rdock.duration.property("invalid")
    assert "USD has 2 decimals" in rdock.price_error.text()  # still there, still typed
    assert rdock.live_price.text() == "12.345"


def test_preflight_lists_problems_and_jumps_to_the_item(console, run):
    start(console, run)
    vm = console.rundown_vm
    item = vm.rundown[2]
    vm.edit(item.id, "cap", stock_cap=0)
    messages = [i.message for i in vm.issues]
    assert any(m.endswith("no stock") and m.startswith("#3 ") for m in messages)
    dock = console.window.preflight_dock
    assert dock.list.count() == len(vm.issues)
    assert "1 to fix" in dock.windowTitle()
    dock.list.itemActivated.emit(dock.list.item(0))
    selected = console.window.rundown_dock.selected_ids()
    assert selected == [item.id]


def test_autosave_is_offered_back_after_a_crash(console, run, qtbot, qapp, app_paths):
    start(console, run)
    vm = console.rundown_vm
    vm.remove([vm.rundown[0].id])
    with qtbot.waitSignal(vm.autosaved, timeout=5000):
        pass
    expected = [i.id for i in vm.rundown.items]
    # A second console on the same folders is the app started again after a crash.
    again = Console(qapp, app_paths)
    try:
        task = run.loop.create_task(again.start())
        answer_message_box(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(task.done, timeout=10_000)
        task.result()
        assert [i.id for i in again.rundown_vm.rundown.items] == expected
        assert again.rundown_vm.dirty  # recovered work is not saved yet
    finally:
        close_console(again, run)


def test_rich_text_in_a_catalog_is_shown_literally_everywhere(console, run, tmp_path):
    evil = "<b>x</b><img src=https://attacker.example/p.png>"
    path = tmp_path / "evil.csv"
    path.write_text(
        f'Handle,Title,Vendor,Variant SKU,Variant Price\nevil,"{evil}","<i>Brand</i>",E1,5.00\n'
    )
    assert run(console.window.open_catalog(path, ImportOptions(currency="USD")))
    window, model = console.window, console.catalog_vm.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, Col.SKU)) == "E1")
    assert model.data(model.index(row, Col.TITLE)) == evil
    tooltip = model.data(model.index(row, Col.TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip
    assert "&lt;b&gt;x&lt;/b&gt;" in tooltip
    window.catalog_dock.select_row(row)
    assert window.card.title.text() == evil
    assert window.card.brand.text() == "<i>Brand</i>"
    for label in window.card.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    window._add_rows([row])
    rmodel = console.rundown_vm.model
    last = rmodel.rowCount() - 1
    assert rmodel.data(rmodel.index(last, 2)) == evil
    window.rundown_dock.select_ids([console.rundown_vm.rundown[last].id])
    assert window.rundown_dock.item_title.text() == evil
    assert window.rundown_dock.item_title.textFormat() == Qt.TextFormat.PlainText
    assert any(evil in i.message for i in console.rundown_vm.issues)  # no image


def test_import_failure_is_a_message_and_keeps_what_was_loaded(console, run, qtbot, tmp_path):
    start(console, run)
    bad = tmp_path / "notes.csv"
    bad.write_bytes(b"just\x00some\x00words\n")
    with qtbot.waitSignal(console.catalog_vm.import_failed) as failed:
        assert not run(console.window.open_catalog(bad, ImportOptions(currency="USD")))
    assert "binary file" in failed.args[0]
    assert len(console.catalog_vm.catalogs) == 1
    answer_message_box(qtbot, QMessageBox.StandardButton.Ok)


def test_import_can_be_cancelled(console, run, tmp_path):
    rows = "".join(f"h{i},Title {i},S{i},1.00\n" for i in range(400_000))
    path = tmp_path / "big.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\n" + rows)
    vm = console.catalog_vm
    task = vm.open_catalog(path, ImportOptions(currency="USD"))
    run.qtbot.waitUntil(lambda: vm.busy, timeout=5000)
    assert console.window.catalog_dock.import_bar.isVisibleTo(console.window.catalog_dock)
    console.window.catalog_dock.cancel.click()
    run.qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False
    assert vm.catalogs == []
    message = console.window.statusBar().currentMessage()
    assert message == f"Import of {path.name} cancelled: the catalogs are as they were"


def test_a_big_catalog_imports_in_its_own_process_and_shows(console, run, tmp_path):
    rows = "".join(f"h{i},Title {i},S{i},{i % 50 + 1}.25\n" for i in range(40_000))
    path = tmp_path / "big.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\n" + rows + "h1,,S1,x\n")
    assert path.stat().st_size >= PROCESS_MIN_BYTES  # so the worker process imports it
    vm = console.catalog_vm
    progress: list[float] = []
    vm.import_progressed.connect(progress.append)
    assert run(vm.import_catalog(path, ImportOptions(currency="USD")))
    assert progress
    assert vm.last_report is not None
    assert vm.last_report.rows_rejected == 1
    model = vm.model
    assert model.total_rows() == 40_000
    vm.set_filter("title 39999", None, False)
    assert model.rowCount() == 1
    assert model.data(model.index(0, Col.PRICE)) == "50.25 USD"
    catalog, ref = model.ref(0)
    assert ref.variant.sku == "S39999"
    assert catalog.variant(ref.variant.id) == ref


def test_importing_an_open_file_again_reads_it_again_in_its_place(console, run, tmp_path):
    # QA imported one file twice: every product was listed twice, and twice in File >
    # Close catalog. The second reading (an updated file, often) replaces the first.
    path = tmp_path / "brand.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\nh1,Tee,S1,10.00\n")
    vm = console.catalog_vm
    assert run(vm.import_catalog(path, ImportOptions(currency="USD")))
    path.write_text("Handle,Title,Variant SKU,Variant Price\nh1,Tee,S1,12.00\nh2,Cap,S2,5.00\n")
    assert run(vm.import_catalog(path, ImportOptions(currency="USD")))
    assert vm.paths == [path]
    assert vm.model.total_rows() == 2
    assert vm.model.data(vm.model.index(0, Col.PRICE)) == "12.00 USD"


def test_the_import_s_counts_are_said_in_good_english(console, run, tmp_path):
    # QA: a one-product catalog was "Imported meta.csv: 1 products, 1 variants, ..."
    path = tmp_path / "one.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\nh1,Tee,S1,10.00\n")
    assert run(console.catalog_vm.import_catalog(path, ImportOptions(currency="USD")))
    message = console.window.statusBar().currentMessage()
    assert "one.csv: 1 product, 1 variant, 0 rows rejected" in message, message


def test_closing_the_window_ends_a_running_import_at_once(console, run, tmp_path):
    rows = "".join(f"h{i},Title {i},S{i},1.00\n" for i in range(400_000))
    path = tmp_path / "big.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\n" + rows)
    vm = console.catalog_vm
    task = vm.open_catalog(path, ImportOptions(currency="USD"))
    run.qtbot.waitUntil(lambda: vm.busy, timeout=5000)
    run.qtbot.wait(300)  # the worker process is reading the file
    run(console.close())
    assert task.done()
    assert vm.catalogs == []

    def worker_gone() -> bool:
        return not [
            p for p in multiprocessing.active_children() if p.name == "seller-console-import"
        ]

    # Cancel is answered within half a second; reading the file to its end takes seconds.
    run.qtbot.waitUntil(worker_gone, timeout=1500)


def test_several_catalogs_and_filters(console, run, tmp_path):
    start(console, run)
    other = tmp_path / "other.tsv"
    other.write_text(
        "id\ttitle\tprice\tavailability\tbrand\n"
        "X1\tZebra mug\t5.00 EUR\tin stock\tZooCo\n"
        "X2\tZebra cup\t4.00 EUR\tout of stock\tZooCo\n"
    )
    assert run(console.window.open_catalog(other, ImportOptions(currency="USD")))
    dock, model = console.window.catalog_dock, console.catalog_vm.model
    assert len(console.catalog_vm.catalogs) == 2
    assert dock.brand.findText("ZooCo") > 0
    dock.brand.setCurrentText("ZooCo")
    assert model.rowCount() == 2
    dock.in_stock.setChecked(True)
    assert model.rowCount() == 1
    assert "2 catalogs" in dock.count.text()
    model.sort(Col.PRICE, Qt.SortOrder.DescendingOrder)
    dock.brand.setCurrentIndex(0)
    dock.in_stock.setChecked(False)
    prices = [model.data(model.index(r, Col.PRICE)).split() for r in range(model.rowCount())]
    currencies = [c for _, c in prices]
    assert currencies == sorted(currencies, reverse=True)  # grouped by currency
    usd = [Decimal(a) for a, c in prices if c == "USD"]
    assert usd == sorted(usd, reverse=True)
    assert prices[-2:] == [["5.00", "EUR"], ["4.00", "EUR"]]


def test_a_narrow_catalog_keeps_the_brand(console, run, qtbot):
    """QA: after a show at 1366x768 the catalog got ~490 px and hid its Brand column
    while Commission (on the product card) stayed; now commission gives way first."""
    start(console, run)
    window, table = console.window, console.window.catalog_dock.table
    window.resize(1366, 768)

    def shown() -> set[Col]:
        return {c for c in Col if not table.isColumnHidden(c)}

    dock = window.catalog_dock
    window.resizeDocks([dock], [518], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == 518)
    assert 480 <= table.viewport().width() < 500  # as QA saw it
    assert shown() == {Col.IMAGE, Col.TITLE, Col.SKU, Col.PRICE, Col.STOCK, Col.BRAND}
    window.resizeDocks([dock], [960], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == 960)
    assert shown() == set(Col)  # room for every column, the title wide


def test_layout_is_versioned_and_fits_small_screens(qtbot, console, run, app_paths):
    window = console.window
    qtbot.waitUntil(lambda: bool(window.live_docks))  # made just after the first paint
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366
    assert hint.height() <= 768
    window.catalog_dock.hide()
    window.save_layout()
    settings = QSettings(str(app_paths.window_state_file), QSettings.Format.IniFormat)
    assert settings.value("layout/version") == str(LAYOUT_VERSION)
    window.reset_layout()
    assert window.catalog_dock.isVisible()
    assert {d.objectName() for d in window.docks} == {
        "catalog_dock",
        "rundown_dock",
        "preflight_dock",
        "sales_feed_dock",
        "totals_dock",
        "pin_windows_dock",
        "sales_chart_dock",
        "stock_dock",
        "audience_dock",
    }
    assert not window.feed_dock.isVisible()  # the live panels appear when the show starts


def test_help_lists_every_shortcut(console):
    rows = console.window.shortcut_rows()
    listed = {text for _, text in rows}
    for spec in SPECS.values():
        if spec.keys:
            assert spec.text.replace("&", "").rstrip("…") in listed


@pytest.mark.realdata
def test_a_real_shared_catalog_imports_through_the_dialog_path(console, run, shared_catalogs):
    path = shared_catalogs / "shopify" / "shopifypartners_apparel.csv"
    assert run(console.window.open_catalog(path, ImportOptions(currency="USD")), 60_000)
    assert console.catalog_vm.model.rowCount() > 0


def test_demo_files_exist():
    assert demo_catalog_path(resources_dir()).is_file()
    assert demo_import_options().currency == "USD"
    assert isinstance(QApplication, type)
    assert Path(resources_dir(), "demo", "images").is_dir()


def test_dragging_within_the_rundown_reorders_and_undoes(console, run):
    start(console, run)
    vm = console.rundown_vm
    model = vm.model
    before = [i.id for i in vm.rundown.items]
    mime = model.mimeData([model.index(0, 0), model.index(1, 0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 5, 0, model.index(-1, -1))
    after = [i.id for i in vm.rundown.items]
    assert after == before[2:5] + before[:2] + before[5:]
    assert model.data(model.index(0, 1)) == "0:00"  # starts are recomputed
    vm.undo_stack.undo()
    assert [i.id for i in vm.rundown.items] == before


def test_import_report_dialog_sorts_and_exports_csv(console, run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Handle,Title,Variant SKU,Variant Price\na,A,A1,x\nb,<b>B</b>,A1,2\nc,,C1,3\n")
    assert run(console.window.open_catalog(bad, ImportOptions(currency="USD")))
    report = console.catalog_vm.last_report
    assert report is not None
    dialog = console.window.show_report(report)
    try:
        assert dialog.model.rowCount() == len(report.rejected) + len(report.warnings)
        target = tmp_path / "problems.csv"
        dialog.export_chosen.emit(target)
        status = console.window.statusBar()
        run.qtbot.waitUntil(lambda: "exported" in status.currentMessage(), timeout=5000)
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "Kind,Row,Line,Column,Problem"
        assert any("the first row of product 'c' has no title" in line for line in lines)
    finally:
        dialog.close()
        dialog.deleteLater()


def test_past_shows_with_a_damaged_database_say_so_instead_of_a_bug_dialog(console, run, app_paths):
    database = app_paths.show_database
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    messages: list[str] = []
    console.window.statusBar().messageChanged.connect(messages.append)
    run(console.window.show_past_shows(), 30_000)
    assert any(m.startswith("Could not read the past shows:") for m in messages)


def test_talking_points_are_committed_on_row_change_and_focus_change(console, run, qtbot):
    run(console.start(offer_unfinished=False))
    dock, vm = console.window.rundown_dock, console.rundown_vm
    first, second = vm.rundown.items[0].id, vm.rundown.items[1].id
    dock.select_ids([first])
    dock.talking_points.setPlainText("Say the price twice")
    dock.select_ids([second])  # at once: well within the typing pause
    assert next(i for i in vm.rundown.items if i.id == first).talking_points == (
        "Say the price twice"
    )
    assert dock.talking_points.toPlainText() == vm.rundown.items[1].talking_points
    dock.talking_points.setFocus()
    dock.talking_points.setPlainText("Show the label")
    dock.duration.setFocus()  # focus leaves the editor
    qtbot.waitUntil(lambda: not dock.talking_points.hasFocus(), timeout=2000)
    assert next(i for i in vm.rundown.items if i.id == second).talking_points == "Show the label"


def test_a_refused_rundown_edit_is_said_in_sentence_case(console, run, qtbot):
    run(console.start(offer_unfinished=False))
    vm = console.rundown_vm
    messages: list[str] = []
    console.window.statusBar().messageChanged.connect(messages.append)
    assert not vm.edit(vm.rundown.items[0].id, "Change stock cap", stock_cap=-1)
    assert messages[-1] == "Change stock cap: a stock cap cannot be negative"


def test_on_air_the_rundown_editor_gives_way_on_a_short_dock(console, qtbot):
    dock = RundownDock(console.rundown_vm)
    qtbot.addWidget(dock)
    dock.resize(400, 360)  # the rundown beside the stage at 1366x768
    dock.show()
    assert dock.editor.isVisible()  # preparing: always there
    dock.set_live(True)
    assert not dock.editor.isVisible()
    dock.resize(400, 620)  # a tall screen: room for both
    qtbot.waitUntil(dock.editor.isVisible, timeout=2000)
    dock.set_live(False)
    dock.resize(400, 360)
    qtbot.wait(20)
    assert dock.editor.isVisible()


def test_the_stage_is_built_after_the_first_paint_hidden_until_on_air(console, qtbot):
    window = console.window
    assert window.findChild(QWidget, "live_stage") is None  # not on the first paint's path
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "live_stage") is not None, timeout=5000)
    stage = window.findChild(QWidget, "live_stage")
    assert stage is window.stage  # built once, in the window
    assert not stage.isVisibleTo(window)
    assert window.card.isVisible()  # going live swaps them (test_live_show)


def test_the_first_window_fits_the_screen_with_its_title_bar(console):
    available = console.window.screen().availableGeometry()
    assert console.window.height() <= available.height() - FRAME_ALLOWANCE.height()


def test_copy_links_from_the_rundown_and_the_catalog_and_the_plan_keeps_them(
    console, run, qtbot, tmp_path
):
    """On the demo platform (our Live Commerce API, which mints links) "Copy all links for
    this show" puts every rundown product's link on the clipboard, title then link, and the
    saved plan carries them; "Copy affiliate link" on a catalog product copies its own."""
    start(console, run)
    window, rundown = console.window, console.rundown_vm
    clipboard = QApplication.clipboard()
    clipboard.clear()
    before = [i.affiliate_link for i in rundown.rundown.items]
    window.rundown_dock.copy_all_links.trigger()
    qtbot.waitUntil(lambda: clipboard.text().count("\n") == 8, timeout=30_000)
    lines = clipboard.text().splitlines()
    items = rundown.rundown.items
    assert [line.split("\t")[0] for line in lines] == [i.product.display_title for i in items]
    urls = [line.split("\t")[1] for line in lines]
    assert all(url.startswith("https://live.example.invalid/a/AFF") for url in urls)
    assert len(set(urls)) == 8
    qtbot.waitUntil(lambda: [i.affiliate_link for i in rundown.rundown.items] == urls)
    assert "Copied 8 affiliate links" in window.statusBar().currentMessage()
    # keeping the eight links is one undo step: one Ctrl+Z takes them all back, one redo
    # brings them all again
    undo = rundown.undo_stack
    assert undo.undoText() == "Affiliate links"
    undo.undo()
    assert [i.affiliate_link for i in rundown.rundown.items] == before
    assert before != urls
    undo.redo()
    assert [i.affiliate_link for i in rundown.rundown.items] == urls

    path = tmp_path / "linked.showplan.json"
    assert run(rundown.save(path))
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [item["affiliate_link"] for item in saved["items"]] == urls

    # the plan's own links are copied again as they are: no new link is minted
    clipboard.clear()
    window.rundown_dock.select_ids([items[2].id])
    window.rundown_dock.copy_link.trigger()
    qtbot.waitUntil(lambda: clipboard.text() != "", timeout=10_000)
    assert clipboard.text() == lines[2] + "\n"

    clipboard.clear()
    window.catalog_dock.select_row(0)
    window.catalog_dock.copy_link.trigger()
    qtbot.waitUntil(lambda: clipboard.text() != "", timeout=30_000)
    title, url = clipboard.text().rstrip("\n").split("\t")
    catalog, ref = console.catalog_vm.model.ref(0)
    assert title == ProductSnapshot.of(ref, catalog.name).display_title
    assert url.startswith("https://live.example.invalid/a/AFF")
    assert url not in urls


def test_a_live_panel_shown_while_preparing_is_back_in_its_place_at_the_next_start(
    qtbot, qapp, console, run, app_paths
):
    window = console.window
    qtbot.waitUntil(lambda: bool(window.live_docks))  # made just after the first paint
    window.stock_dock.show()  # View > Stock, while preparing: behind the pre-flight
    assert window.preflight_dock in window.tabifiedDockWidgets(window.stock_dock)
    window.save_layout()  # as quitting does
    again = Console(qapp, app_paths)
    try:
        again.window.show()
        shown = again.window
        qtbot.waitUntil(lambda: bool(shown.live_docks))
        qtbot.waitUntil(  # once the restored panel has been laid out
            lambda: shown.preflight_dock in shown.tabifiedDockWidgets(shown.stock_dock)
        )
        assert shown.stock_dock.isVisible()
        assert shown.dockWidgetArea(shown.stock_dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert not shown.feed_dock.isVisible()  # the others stay hidden until a show
        assert not shown.totals_dock.isVisible()
    finally:
        close_console(again, run)


def test_end_show_on_tiktok_does_not_say_that_buying_stops():
    # QA: End show asked "Viewers can no longer buy once it ends" on the practice TikTok,
    # whose LIVE sold on for 40 s after it (only the creator ends a LIVE, in TikTok)
    from datetime import UTC, datetime

    from seller_console.domain.show_records import PlatformAccount, ShowRecord
    from seller_console.ui.main_window import end_question

    def show(platform: str) -> ShowRecord:
        now = datetime.now(UTC)
        return ShowRecord("s1", "room", "Night", now, owner=PlatformAccount(platform, "me"))

    on_tiktok = end_question(show("tiktok"))
    assert "no longer buy" not in on_tiktok
    assert "LIVE goes on" in on_tiktok
    assert "not counted in this show" in on_tiktok
    assert "no longer buy" in end_question(show("livecommerce"))
