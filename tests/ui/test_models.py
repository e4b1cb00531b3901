"""Every item model passes qtmodeltester, loaded, filtered and sorted."""

from __future__ import annotations

from PySide6.QtCore import Qt

from seller_console.importers import ImportOptions
from seller_console.ui.models.problems_model import ProblemsTableModel

from .test_main_window import start


def test_catalog_model(console, run, qtmodeltester):
    start(console, run)
    model = console.catalog_vm.model
    qtmodeltester.check(model)
    console.catalog_vm.set_filter("serum", None, True)
    qtmodeltester.check(model)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    console.catalog_vm.set_filter("nothing matches this", None, False)
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_rundown_model(console, run, qtmodeltester):
    start(console, run)
    model = console.rundown_vm.model
    qtmodeltester.check(model)
    vm = console.rundown_vm
    vm.move([vm.rundown[0].id], 5)
    vm.remove([vm.rundown[1].id])
    qtmodeltester.check(model)


def test_problems_model(qtmodeltester, tmp_path, qapp):
    from seller_console.importers import import_catalog

    path = tmp_path / "bad.csv"
    path.write_text("Handle,Title,Variant SKU,Variant Price\na,A,A1,x\nb,B,A1,2\nc,,C1,3\n")
    report = import_catalog(path, ImportOptions(currency="USD")).report
    model = ProblemsTableModel(report)
    assert model.rowCount() == len(report.rejected) + len(report.warnings) >= 3
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    rows = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert rows == sorted(rows, key=lambda v: int(v or 0), reverse=True)
    qtmodeltester.check(model)
