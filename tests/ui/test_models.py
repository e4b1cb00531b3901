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


def test_a_sorted_catalog_table_stays_sorted_as_the_search_changes(qapp, tmp_path):
    from seller_console.importers import import_catalog
    from seller_console.ui.asyncqt import TaskScope
    from seller_console.ui.models.catalog_model import CatalogTableModel, Col, build_columns
    from seller_console.ui.thumbnails import ThumbnailCache

    class NoImages:
        async def fetch(self, url: str) -> bytes | None:
            return None

    parts = []
    for name, vendor in (("one.csv", "Acme"), ("two.csv", "Zed")):
        path = tmp_path / name
        rows = "".join(
            f"{vendor}-{i},{'Red' if i % 3 else 'Blue'} mug {i},{vendor},{vendor}-{i},"
            f"{(i * 37) % 50 + 1}.{i % 100:02d}\n"
            for i in range(60)
        )
        path.write_text("Handle,Title,Vendor,Variant SKU,Variant Price\n" + rows)
        parts.append(build_columns(import_catalog(path, ImportOptions(currency="USD")).catalog))
    model = CatalogTableModel(ThumbnailCache(NoImages(), TaskScope()))

    def shown() -> list[tuple[str, str]]:
        return [
            (model.data(model.index(r, Col.PRICE)), model.data(model.index(r, Col.TITLE)))
            for r in range(model.rowCount())
        ]

    def expected(query: str, brand: str | None, descending: bool) -> list[tuple[str, str]]:
        rows = [
            (part.text(Col.PRICE, i), part.text(Col.TITLE, i))
            for part in model_parts
            for i in range(len(part.brands))
            if all(w in part.text(Col.TITLE, i).lower() for w in query.split())
            and brand in (None, part.text(Col.BRAND, i))
        ]
        # by amount, equal amounts in file order (a stable sort)
        return sorted(rows, key=lambda r: float(r[0].split()[0]), reverse=descending)

    for model_parts in ([parts[0]], parts):
        model.set_catalogs(model_parts)
        model.sort(Col.PRICE, Qt.SortOrder.AscendingOrder)
        steps: list[tuple[str, str | None]] = [("", None), ("r", None), ("re", None)]
        steps += [("red mug 1", None), ("red", None)]
        steps += [("", None), ("blue", "Zed"), ("", None)]
        for query, brand in steps:
            model.set_filter(query, brand, False)
            assert shown() == expected(query, brand, False), (query, brand)
        model.sort(Col.PRICE, Qt.SortOrder.DescendingOrder)
        for query, brand in steps:
            model.set_filter(query, brand, False)
            assert [p for p, _ in shown()] == [p for p, _ in expected(query, brand, True)]
