"""Shopee Live (Shopee Open Platform ``v2.livestream``) as a ``PlatformAdapter``.

Built from Shopee's own doc JSON (``schemas/v2.livestream.*.json``,
``v2.public.refresh_access_token``, ``v2.product.get_item_list`` / ``get_item_base_info`` /
``get_model_list``): ``signing`` (HMAC-SHA256 per API type), ``errors`` (the envelope and its
errors as typed errors), ``tokens`` (the user's and the shop's token sets, refreshed before
expiry and saved before use), ``wire`` (answers as typed values; money as ``Decimal``),
``client`` (one method per call) and ``adapter`` (``ShopeeAdapter``).

Building one (the secrets live only in the ``SecretStore``, under the entry names given)::

    from seller_console.platform.shopee import KeychainEntries, ShopeeAdapter, ShopeeConfig
    from seller_console.platform.shopee.tokens import TokenSet, save_tokens

    entries = KeychainEntries(
        partner_key="shopee/123/partner_key",
        user_tokens="shopee/123/user/456",
        shop_tokens="shopee/123/shop/789",
    )
    # once, at sign-in (or from a credentials file), before the first call:
    await store.save(entries.partner_key, partner_key)
    await save_tokens(store, entries.user_tokens, TokenSet(access, refresh))       # expiry
    await save_tokens(store, entries.shop_tokens, TokenSet(shop_access, shop_refresh))  # unknown
    adapter = ShopeeAdapter(
        ShopeeConfig(partner_id=123, user_id=456, shop_id=789, region="SG"), store, entries
    )
    results = await adapter.upsert_products(products)   # SKU matching; see price_differences()
    ...
    await adapter.aclose()

``ShopeeConfig.host`` is ``https://partner.shopeemobile.com`` unless given (the practice
Shopee's URL for tests and the demo: ``seller-console-sandbox --dialect shopee``). A token
set saved without an expiry is refreshed when Shopee first refuses it.
"""

from seller_console.platform.shopee.adapter import (
    KeychainEntries,
    PriceDifference,
    ShopeeAdapter,
    ShopeeConfig,
)

__all__ = ["KeychainEntries", "PriceDifference", "ShopeeAdapter", "ShopeeConfig"]
