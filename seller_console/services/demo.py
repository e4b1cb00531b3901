"""The embedded default: the bundled demo catalog and a sample rundown built from it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from seller_console.domain.catalog import Catalog
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.importers import ImportOptions

DEMO_CURRENCY = "USD"
DEMO_TITLE = "Demo show"
_SAMPLE_SECONDS = (90, 120, 60, 150, 90, 120, 60, 90)


def demo_catalog_path(resources: Path) -> Path:
    return resources / "demo" / "catalog.csv"


def demo_import_options() -> ImportOptions:
    return ImportOptions(currency=DEMO_CURRENCY, commission_rate=Decimal("0.10"))


def sample_plan(catalog: Catalog) -> ShowPlan:
    """Eight in-stock products, alternating brands, with talking points and timings."""
    by_brand: dict[str, list[ProductSnapshot]] = {}
    for product in catalog.products:
        sellable = [v for v in product.variants if v.stock is None or v.stock > 0]
        ref = catalog.variant(sellable[0].id) if sellable and product.image_urls else None
        if ref is not None:
            by_brand.setdefault(product.brand, []).append(ProductSnapshot.of(ref, catalog.name))
    picks: list[ProductSnapshot] = []
    queues = list(by_brand.values())
    while len(picks) < len(_SAMPLE_SECONDS) and any(queues):
        for queue in queues:
            if queue and len(picks) < len(_SAMPLE_SECONDS):
                picks.append(queue.pop(0))
    items = tuple(
        RundownItem.new(snapshot, seconds).edited(
            talking_points=f"Show {snapshot.title} up close. Mention who it is for."
        )
        for snapshot, seconds in zip(picks, _SAMPLE_SECONDS, strict=False)
    )
    return ShowPlan(title=DEMO_TITLE, items=items)
