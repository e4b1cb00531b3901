"""Pre-flight on a platform, over loopback: the practice Shopee and the practice TikTok
answer which rundown items they sell (a SKU missing from the shop, a product priced
differently), and pre-flight says so in a host's words. Nothing is published by asking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seller_console.domain.money import Money
from seller_console.domain.rundown import (
    CheckStatus,
    Fix,
    PlatformFindings,
    ProductSnapshot,
    RundownItem,
    Severity,
    preflight,
)
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from seller_console.sandbox.tiktok import PracticeConfig, RunningTikTok, start_practice_tiktok
from seller_console.services.platform_check import check_on_platform
from tests.integration.shopee.support import Raw, make_adapter, seeded_store
from tests.integration.tiktok.conftest import make_adapter as tiktok_adapter
from tests.support import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]


def planned(n: int, sku: str, price: str, currency: str) -> RundownItem:
    snapshot = ProductSnapshot(
        product_id=f"p{n}",
        variant_id=f"v{n}",
        sku=sku,
        title=f"Product {sku}",
        variant_title="",
        brand="Acme",
        price=Money.of(price, currency),
        compare_at_price=None,
        image_url="https://img.example/p.png",
        stock=20,
        commission_rate=Decimal("0.1"),
        catalog="brand.csv",
    )
    return RundownItem(f"item-{n}", snapshot, 90)


def messages(items: list[RundownItem], findings: PlatformFindings) -> dict[str, list[str]]:
    said: dict[str, list[str]] = {}
    for issue in preflight(items, platform=findings):
        said.setdefault(issue.item_id or "show", []).append(issue.message)
        if issue.item_id is not None and "has no product" in issue.message:
            assert (issue.severity, issue.fix) == (Severity.BLOCKER, Fix.REMOVE_ITEM)
    return said


def test_practice_shopee_names_the_missing_sku_and_the_other_price() -> None:
    items = [
        planned(1, "SER-30", "24.90", "SGD"),
        planned(2, "CRM-50", "30.00", "SGD"),  # the shop sells it at 32
        planned(3, "TINT-CORAL", "12.50", "SGD"),  # a model's SKU
        planned(4, "NOPE-404", "5.00", "SGD"),  # not in the shop
    ]

    async def check() -> PlatformFindings:
        adapter = make_adapter(shopee, await seeded_store(shopee))
        try:
            return await check_on_platform(adapter, items)
        finally:
            await adapter.aclose()

    with start_shopee(ShopeeSandboxConfig(seed=5)) as shopee:
        raw = Raw(shopee)
        try:
            findings = run(check(), timeout=30)
            stats = raw.control("GET", "/_sandbox/stats")
        finally:
            raw.close()
    assert stats["bad_signatures"] == 0
    assert (findings.platform, findings.status, findings.currency) == (
        "Shopee",
        CheckStatus.CHECKED,
        "SGD",
    )
    said = messages(items, findings)
    assert said == {
        "item-2": [
            "#2 Product CRM-50: Shopee sells it at 32.00 SGD, not the planned 30.00 SGD: "
            "viewers pay Shopee's price"
        ],
        "item-4": [
            "#4 Product NOPE-404: Shopee has no product with SKU NOPE-404, so it cannot be "
            f"shown or sold. No item or model of Shopee shop {shopee.config.shop_id} has "
            "SKU NOPE-404."
        ],
    }


def test_practice_shopee_out_of_reach_is_said_plainly() -> None:
    with start_shopee(ShopeeSandboxConfig(seed=5)) as shopee:

        async def seeded() -> object:
            return await seeded_store(shopee)

        store = run(seeded(), timeout=10)
    # the practice Shopee has stopped: its port refuses the connection

    async def check() -> PlatformFindings:
        adapter = make_adapter(shopee, store)  # type: ignore[arg-type]
        try:
            return await check_on_platform(adapter, [planned(1, "SER-30", "24.90", "SGD")])
        finally:
            await adapter.aclose()

    findings = run(check(), timeout=40)
    assert findings.status is CheckStatus.UNREACHABLE
    [issue] = preflight([planned(1, "SER-30", "24.90", "SGD")], platform=findings)
    assert issue.message.startswith("Shopee could not be reached, so the products were not")
    assert issue.item_id is None


def test_practice_tiktok_names_the_missing_sku_and_the_other_price() -> None:
    items = [
        planned(1, "SER-30", "24.90", "USD"),
        planned(2, "LIP-3", "16.00", "USD"),  # TikTok sells it at 18.00
        planned(3, "CANDLE-9", "9.00", "USD"),  # TikTok has no such SKU
    ]

    async def check(tiktok: RunningTikTok) -> PlatformFindings:
        async with tiktok_adapter(tiktok) as adapter:
            return await check_on_platform(adapter, items)

    with start_practice_tiktok(PracticeConfig(seed=7)) as tiktok:
        showcase_before = list(tiktok.world.showcase)
        findings = run(check(tiktok), timeout=30)
        showcase_after = list(tiktok.world.showcase)
        bad_signatures = tiktok.world.stats.bad_signatures
    assert (findings.platform, findings.status) == ("TikTok Shop", CheckStatus.CHECKED)
    said = messages(items, findings)
    assert said == {
        "item-2": [
            "#2 Product LIP-3: TikTok Shop sells it at 18.00 USD, not the planned 16.00 USD: "
            "viewers pay TikTok Shop's price"
        ],
        "item-3": [
            "#3 Product CANDLE-9: TikTok Shop has no product with SKU CANDLE-9, so it cannot "
            "be shown or sold. No TikTok product you can sell has seller SKU 'CANDLE-9' or "
            "product id 'v3'."
        ],
    }
    assert showcase_after == showcase_before  # asking added nothing to the showcase
    assert bad_signatures == 0
