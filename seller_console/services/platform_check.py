"""Pre-flight on the profile's platform: which rundown items it can sell, and at what price.

Runs where the platform adapter lives (the live engine's process), never on the window's
thread. It reads only: an adapter that declares ``Capabilities.matches_products`` answers
``match_products``; one that publishes whatever Go live sends (the Live Commerce API, the
manual profile) has nothing to match. The rules that turn the answer into issues a host
reads are ``domain.rundown.preflight``'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import PlatformAdapter, ShowcaseProduct, product_matcher
from seller_console.domain.rundown import CheckStatus, PlatformFindings, RundownItem
from seller_console.domain.showcase import showcase_product

PLATFORM_NAMES = {
    "shopee": "Shopee",
    "tiktok": "TikTok Shop",
    "livecommerce": "the Live Commerce API",
    "manual": "the platform",
}


def platform_name(platform: str) -> str:
    """The platform, in a host's words."""
    return PLATFORM_NAMES.get(platform, platform)


def unreachable(platform: str, why: str) -> PlatformFindings:
    return PlatformFindings(platform_name(platform), CheckStatus.UNREACHABLE, detail=why)


def products_to_check(items: Sequence[RundownItem]) -> list[ShowcaseProduct]:
    """The items' showcase products, once each; items without a price or a SKU are left to
    the offline rules, which already say what is missing."""
    products: dict[str, ShowcaseProduct] = {}
    for item in items:
        if item.price is None or not item.product.sku.strip():
            continue
        product = showcase_product(item)
        products.setdefault(product.id, product)
    return list(products.values())


async def check_on_platform(
    adapter: PlatformAdapter, items: Sequence[RundownItem]
) -> PlatformFindings:
    """Ask ``adapter`` about every item; a platform that cannot be reached is a finding
    (``CheckStatus.UNREACHABLE`` with its reason), never an exception."""
    name = platform_name(adapter.platform)
    matcher = product_matcher(adapter)
    if matcher is None:
        return PlatformFindings(
            name,
            CheckStatus.NOT_NEEDED,
            detail=f"{name} takes the products as Go live publishes them: nothing to match.",
        )
    products = products_to_check(items)
    try:
        account = await adapter.me()
        matches = await matcher.match_products(products) if products else []
    except PlatformError as exc:
        return unreachable(adapter.platform, exc.user_message)
    return PlatformFindings(
        name, CheckStatus.CHECKED, currency=account.default_currency.code, matches=tuple(matches)
    )
