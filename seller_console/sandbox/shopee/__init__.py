"""A practice Shopee: Shopee Open Platform's livestream, product and token-refresh calls, in
Shopee's own dialect (paths, signed query, envelope, error names), with a seeded audience
and fault knobs. Built from Shopee's doc JSON, never from our client.

    from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee

    with start_shopee(ShopeeSandboxConfig(seed=1, token_ttl_s=20)) as shopee:
        shopee.base_url, shopee.credentials

or from a shell: ``seller-console-sandbox --dialect shopee``.
"""

from seller_console.sandbox.shopee.app import RunningShopee, start_shopee
from seller_console.sandbox.shopee.config import (
    SandboxItem,
    SandboxModel,
    ShopeeFaults,
    ShopeeSandboxConfig,
    items_from_json,
    items_from_products,
)

__all__ = [
    "RunningShopee",
    "SandboxItem",
    "SandboxModel",
    "ShopeeFaults",
    "ShopeeSandboxConfig",
    "items_from_json",
    "items_from_products",
    "start_shopee",
]
