import asyncio
from pathlib import Path

import pytest

from seller_console.domain.rundown import ShowPlan
from seller_console.importers import ImportCancelledError, ImportOptions, import_catalog
from seller_console.paths import resources_dir
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
