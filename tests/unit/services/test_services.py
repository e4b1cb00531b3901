import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest

from seller_console.domain.rundown import ShowPlan
from seller_console.importers import (
    CatalogImportError,
    ImportCancelledError,
    ImportOptions,
    UnknownFormatError,
    import_catalog,
)
from seller_console.paths import resources_dir
from seller_console.services import import_worker
from seller_console.services.catalog_import import CatalogImport
from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan
from seller_console.services.plan_store import PlanStore


def write_big(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "big.csv"
    lines = "".join(f"h{i},Title {i},S{i},1.00\n" for i in range(rows))
    path.write_text("Handle,Title,Variant SKU,Variant Price\n" + lines)
    return path


def test_import_reports_progress_on_the_loop_and_finishes(tmp_path):
    path = write_big(tmp_path, 20_000)
    seen: list[float] = []

    async def go():
        job = CatalogImport(path, ImportOptions(currency="USD"), seen.append, min_interval=0)
        return await job.run()

    result = asyncio.run(asyncio.wait_for(go(), 60))
    assert result.report.variants == 20_000
    assert seen
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_import_cancel_stops_it(tmp_path):
    path = write_big(tmp_path, 50_000)

    async def go():
        job = CatalogImport(path, ImportOptions(currency="USD"))
        task = asyncio.create_task(job.run())
        job.cancel()
        return await task

    with pytest.raises(ImportCancelledError):
        asyncio.run(asyncio.wait_for(go(), 60))


def write_shopify(tmp_path: Path, products: int) -> Path:
    """A Shopify export with two variants a product, options, prices and a rejected row."""
    path = tmp_path / "shop.csv"
    head = (
        "Handle,Title,Vendor,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
        "Variant Inventory Qty\n"
    )
    rows = [
        f"h{i},Title {i},Acme,Size,S,S{i}-S,{i % 90 + 1}.50,3\n"
        f"h{i},,,,M,S{i}-M,{i % 90 + 1}.005,-1\n"
        for i in range(products)
    ]
    path.write_text(head + "".join(rows) + ",,,,,,9.99,1\n")
    return path


def test_an_import_in_its_own_process_gives_what_the_thread_gives(tmp_path):
    path = write_shopify(tmp_path, 3_000)  # more than one chunk of products
    seen: list[float] = []

    async def go():
        job = CatalogImport(path, ImportOptions(currency="USD"), seen.append, 0, in_process=True)
        return await job.run()

    result = asyncio.run(asyncio.wait_for(go(), 60))
    here = import_catalog(path, ImportOptions(currency="USD"))
    assert result.report == here.report
    assert result.report.rows_rejected == 1
    assert result.report.variants == 6_000
    assert list(result.catalog.products) == list(here.catalog.products)
    assert result.catalog.name == here.catalog.name == "Acme"
    assert result.catalog.variant("h2999#2") == here.catalog.variant("h2999#2")
    assert seen[-1] == 1.0


def test_an_import_in_its_own_process_stops_at_once_on_cancel(tmp_path):
    path = write_shopify(tmp_path, 200_000)

    async def go():
        job = CatalogImport(path, ImportOptions(currency="USD"), in_process=True)
        task = asyncio.create_task(job.run())
        await asyncio.sleep(1.0)  # the worker has started reading
        job.cancel()
        cancelled_at = time.monotonic()
        with pytest.raises(ImportCancelledError):
            await task
        return time.monotonic() - cancelled_at

    assert asyncio.run(asyncio.wait_for(go(), 60)) < 0.5


def test_a_file_the_worker_cannot_import_fails_with_its_reason(tmp_path):
    # The window offers a column mapping for an unknown format only: the worker says which.
    path = tmp_path / "notes.csv"
    path.write_text("just,some,words\n1,2,3\n")

    async def go(options):
        return await CatalogImport(path, options, in_process=True).run()

    with pytest.raises(UnknownFormatError, match="not a catalog format"):
        asyncio.run(asyncio.wait_for(go(ImportOptions()), 60))
    mapped = ImportOptions(format="generic", column_map={"id": "just", "title": "nothing"})
    with pytest.raises(CatalogImportError, match="'nothing' \\(for title\\)") as failed:
        asyncio.run(asyncio.wait_for(go(mapped), 60))
    assert not isinstance(failed.value, UnknownFormatError)


def test_autosave_recovery_and_discard(tmp_path):
    store = PlanStore(tmp_path / "data" / "autosave.showplan.json")
    plan = sample_plan(
        import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    )

    async def go():
        assert await store.recovery() is None
        await store.autosave(plan)
        found = await store.recovery()
        await store.discard_autosave()
        return found, await store.recovery()

    found, after = asyncio.run(go())
    assert found is not None
    assert found.plan == plan
    assert after is None


def test_a_damaged_autosave_is_not_offered(tmp_path):
    store = PlanStore(tmp_path / "autosave.showplan.json")
    store.autosave_file.write_text("{not json")
    assert asyncio.run(store.recovery()) is None


def test_sample_plan_alternates_brands_and_only_sellable_items():
    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    plan = sample_plan(catalog)
    assert isinstance(plan, ShowPlan)
    assert len(plan.items) == 8
    brands = [i.product.brand for i in plan.items]
    assert len(set(brands[:3])) == 3
    assert all(i.product.stock is None or i.product.stock > 0 for i in plan.items)


def test_a_worker_that_dies_fails_the_import_with_a_message(tmp_path):
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe(duplex=False)
    theirs.send(("progress", 10, 100))
    theirs.close()  # as when the worker's process is killed mid-file
    with pytest.raises(CatalogImportError, match="stopped unexpectedly"):
        import_worker._receive(ours, tmp_path / "big.csv", None, None, context.Event())
