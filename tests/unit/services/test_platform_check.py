"""``check_on_platform`` with fake platforms: it asks only a platform that declares it can
match products, asks once per product, and turns an unreachable platform into a finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from seller_console.domain.money import Currency, Money
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.platform_port import (
    Account,
    Capabilities,
    PinKind,
    PlatformAdapter,
    ProductMatch,
    SalesKind,
    ShowcaseProduct,
)
from seller_console.domain.rundown import CheckStatus, preflight
from seller_console.services.platform_check import check_on_platform
from tests.support import run
from tests.unit.domain.test_rundown import item

MATCHING = Capabilities(
    PinKind.CONFIRMED, SalesKind.METRICS_ONLY, viewers=True, comments=True, matches_products=True
)


class Offline(PlatformError):
    kind = PlatformErrorKind.CONNECTION


class FakeShop:
    """Sells S1 at 10.00 USD and S3 at 11.00 USD; knows nothing else."""

    def __init__(self, capabilities: Capabilities = MATCHING, offline: bool = False) -> None:
        self.capabilities = capabilities
        self.platform = "shopee"
        self.offline = offline
        self.asked: list[list[ShowcaseProduct]] = []

    async def me(self) -> Account:
        if self.offline:
            raise Offline("Shopee could not be reached: connection refused")
        return Account("shop:1", "shop", "Shop", Currency.of("USD"))

    async def match_products(self, products: Sequence[ShowcaseProduct]) -> list[ProductMatch]:
        self.asked.append(list(products))
        prices = {"S1": Money.of("10.00", "USD"), "S3": Money.of("11.00", "USD")}
        return [
            ProductMatch(p.id, p.sku, f"item {p.sku}", prices[p.sku])
            if p.sku in prices
            else ProductMatch(p.id, p.sku, None, reason=f"No item has SKU {p.sku}.")
            for p in products
        ]


def test_each_product_is_asked_once_and_the_answer_becomes_issues() -> None:
    shop = FakeShop()
    one, ghost, dearer = item(1), item(2), item(3)
    no_sku = item(4)
    no_sku = no_sku.edited(product=replace(no_sku.product, sku=""))
    again = replace(one, id="again")  # the same product planned twice
    items = [one, ghost, dearer, again, no_sku]
    findings = run(check_on_platform(cast(PlatformAdapter, shop), items), timeout=5)
    assert findings.status is CheckStatus.CHECKED
    assert findings.platform == "Shopee"
    assert findings.currency == "USD"
    [asked] = shop.asked
    assert [p.sku for p in asked] == ["S1", "S2", "S3"]  # once each; no SKU: not asked
    issues = {i.item_id: i.message for i in preflight(items, platform=findings)}
    assert "Shopee has no product with SKU S2" in issues[ghost.id]
    assert "Shopee sells it at 11.00 USD, not the planned 10.00 USD" in issues[dearer.id]
    assert one.id not in issues


def test_a_platform_that_publishes_what_go_live_sends_is_not_asked() -> None:
    shop = FakeShop(replace(MATCHING, matches_products=False))
    shop.platform = "livecommerce"
    findings = run(check_on_platform(cast(PlatformAdapter, shop), [item(1)]), timeout=5)
    assert findings.status is CheckStatus.NOT_NEEDED
    assert "nothing to match" in findings.detail
    assert shop.asked == []


def test_an_unreachable_platform_is_a_finding_that_says_why() -> None:
    shop = FakeShop(offline=True)
    findings = run(check_on_platform(cast(PlatformAdapter, shop), [item(1)]), timeout=5)
    assert findings.status is CheckStatus.UNREACHABLE
    assert findings.detail == "Shopee could not be reached: connection refused"
    [issue] = preflight([item(1)], platform=findings)
    assert issue.message.startswith("Shopee could not be reached, so the products were not")
