"""A spreadsheet of no known format is imported from the window by mapping its columns."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QTableWidget

from seller_console.importers import ImportOptions, TablePreview, guess_column_map
from seller_console.ui.dialogs.column_map import ColumnMapDialog, intro_text
from seller_console.ui.dialogs.import_options import ImportOptionsDialog

from .conftest import Runner

SHOTS = Path(os.environ.get("SELLER_CONSOLE_MAP_SHOTS", ""))

# A brand's own sheet as spreadsheets export it: semicolons, decimal commas, Windows-1252,
# blank lines, a title that is rich text, a row with no title and a row with a bad price.
MESSY = (
    "\r\n"
    "Code;Product Name;Cost;Price (EUR);Qty;Colour;Notes\r\n"
    "\r\n"
    "MUG-1;Stoneware mug;4,10;18,00;12;Sand;<b>bold</b>\r\n"
    "MUG-2;<i>Café</i> cup;3,00;12,50;0;Blue;\r\n"
    "MUG-3;;3,00;12,50;4;Blue;no title\r\n"
    "MUG-4;Jug;2,00;twelve;4;Red;bad price\r\n"
)


def write_messy(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(MESSY.encode("cp1252"))
    return path


def preview() -> TablePreview:
    header = ("Code", "Product Name", "Cost", "Qty", "<b>Notes</b>", "")
    rows = (("A1", "<img src=x>Mug", "4,10", "3", "n", ""),)
    return TablePreview(header, rows)


def visible_map_dialog(qtbot: Any) -> ColumnMapDialog:
    def found() -> ColumnMapDialog | None:
        return next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, ColumnMapDialog) and w.isVisible()
            ),
            None,
        )

    qtbot.waitUntil(lambda: found() is not None, timeout=10_000)
    dialog = found()
    assert dialog is not None
    return dialog


def choose(dialog: ColumnMapDialog, field: str, column: str | None) -> None:
    combo = dialog.combos[field]
    combo.setCurrentIndex(combo.findData(column))


def test_the_dialog_starts_from_a_guess_and_refuses_to_import_without_id_and_title(qtbot):
    data = preview()
    dialog = ColumnMapDialog("own.csv", data, guess_column_map(data.header), "Map it.")
    qtbot.addWidget(dialog)
    assert dialog.mapping() == {
        "id": "Code",
        "title": "Product Name",
        "price": "Cost",
        "quantity": "Qty",
    }
    assert dialog.ok.isEnabled()
    choose(dialog, "id", None)
    choose(dialog, "title", None)
    assert not dialog.ok.isEnabled()
    assert "ID / SKU and Title" in dialog.why.text()
    choose(dialog, "id", "Code")
    assert not dialog.ok.isEnabled()
    assert dialog.why.text().startswith("Choose the column for Title:")
    choose(dialog, "title", "<b>Notes</b>")
    assert dialog.ok.isEnabled()
    assert dialog.mapping()["title"] == "<b>Notes</b>"
    # the file's text is shown literally: labels plain, the preview's cells are items
    for label in dialog.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    shown = dialog.findChild(QTableWidget, "column_map_preview")
    assert shown is not None
    cell, head = shown.item(0, 1), shown.horizontalHeaderItem(4)
    assert cell is not None
    assert head is not None
    assert (cell.text(), head.text()) == ("<img src=x>Mug", "<b>Notes</b>")
    assert [dialog.combos["id"].itemText(i) for i in range(dialog.combos["id"].count())] == [
        "(not in this file)",
        "Code",
        "Product Name",
        "Cost",
        "Qty",
        "<b>Notes</b>",
    ]


def test_generic_csv_can_be_chosen_before_the_import(qtbot, tmp_path):
    dialog = ImportOptionsDialog(tmp_path / "own.csv", "EUR")
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.options is not None
    assert dialog.options.format is None
    dialog.format.setCurrentIndex(dialog.format.findData("generic"))
    dialog._accept()
    assert dialog.options.format == "generic"


def test_an_unknown_spreadsheet_is_mapped_and_imported_and_its_mapping_remembered(
    console, run: Runner, qtbot, tmp_path
):
    window, vm = console.window, console.catalog_vm
    path = write_messy(tmp_path, "brand-week48.csv")
    task = run.loop.create_task(window.open_catalog(path, ImportOptions(currency="EUR")))
    dialog = visible_map_dialog(qtbot)
    intro = dialog.findChildren(QLabel)[0].text()
    assert intro == intro_text("brand-week48.csv", unrecognised=True, remembered=False)
    assert "does not recognise brand-week48.csv" in intro
    assert "Filled in from the column names" in intro
    assert dialog.mapping() == {
        "id": "Code",
        "title": "Product Name",
        "price": "Cost",
        "quantity": "Qty",
        "color": "Colour",
    }
    choose(dialog, "price", "Price (EUR)")  # the sale price, not the brand's cost
    dialog.ok.click()
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.result() is True
    catalog = vm.catalogs[-1]
    by_sku = {row.variant.sku: row for row in catalog.rows}
    assert sorted(by_sku) == ["MUG-1", "MUG-2"]
    assert str(by_sku["MUG-1"].variant.price.amount) == "18.00"
    assert by_sku["MUG-2"].product.title == "<i>Café</i> cup"
    report = vm.last_report
    assert report is not None
    assert report.format == "generic"
    assert [p.row for p in report.rejected] == [6, 7]
    entry = window.workspace.catalog(str(path.absolute()))
    assert entry is not None
    assert entry.format == "generic"
    assert dict(entry.column_map)["price"] == "Price (EUR)"

    # next week's export, under another name, maps itself (and is still shown to confirm)
    later = write_messy(tmp_path, "brand-week49.csv")
    task = run.loop.create_task(window.open_catalog(later, ImportOptions(currency="EUR")))
    dialog = visible_map_dialog(qtbot)
    assert "as you mapped a file with these columns before" in dialog.findChildren(QLabel)[0].text()
    assert dialog.mapping()["price"] == "Price (EUR)"
    dialog.ok.click()
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.result() is True
    assert len(vm.catalogs) == 2


def test_generic_chosen_maps_even_a_known_format_and_cancel_imports_nothing(
    console, run: Runner, qtbot, tmp_path
):
    path = tmp_path / "shop.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\nmug,Mug,M1,4.00\n")
    options = ImportOptions(format="generic", currency="USD")
    task = run.loop.create_task(console.window.open_catalog(path, options))
    dialog = visible_map_dialog(qtbot)
    assert dialog.mapping() == {"id": "Variant SKU", "title": "Title", "price": "Variant Price"}
    dialog.ok.click()
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.result() is True
    assert console.catalog_vm.last_report.format == "generic"

    other = write_messy(tmp_path, "other.csv")
    task = run.loop.create_task(console.window.open_catalog(other, ImportOptions()))
    visible_map_dialog(qtbot).reject()
    qtbot.waitUntil(task.done, timeout=15_000)
    assert task.result() is False
    assert len(console.catalog_vm.catalogs) == 1
    assert not any(
        isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_without_a_mapping_offered_an_unknown_format_is_a_message_naming_both_ways(
    console, run: Runner, qtbot, tmp_path
):
    # reopening remembered work offers no dialog: the message says what to do instead
    path = write_messy(tmp_path, "own.csv")
    with qtbot.waitSignal(console.catalog_vm.import_failed) as failed:
        assert not run(console.catalog_vm.import_catalog(path, ImportOptions()))
    assert "'Generic CSV (map columns)'" in failed.args[0]
    assert "--format generic" in failed.args[0]


def test_an_unknown_format_offered_a_mapping_is_kept_by_file_for_the_caller(
    console, run: Runner, qtbot, tmp_path
):
    vm = console.catalog_vm
    one, two = write_messy(tmp_path, "one.csv"), write_messy(tmp_path, "two.csv")
    failed: list[str] = []
    vm.import_failed.connect(failed.append)
    both = [vm.open_catalog(p, ImportOptions(), offer_mapping=True) for p in (one, two)]
    qtbot.waitUntil(lambda: all(t.done() for t in both), timeout=15_000)
    assert [t.result() for t in both] == [False, False]
    assert failed == []
    assert sorted(vm.unrecognised) == [one, two]
    assert "not a catalog format" in vm.unrecognised[one]
