"""TikTok Shop for creators: signing, tokens, the live room, bag, pins and affiliate orders.

Build one adapter per creator account and close it at shutdown::

    from seller_console.platform.secrets import KeyringSecretStore
    from seller_console.platform.tiktok import TikTokConfig, TikTokShopAdapter

    secrets = KeyringSecretStore()
    adapter = TikTokShopAdapter(
        TikTokConfig(app_key="...", tracking_code="..."),   # hosts default to TikTok's
        secrets,
        app_secret_entry="tiktok:<app_key>:secret",          # the app secret
        token_entry="tiktok:<app_key>:tokens",               # the token set, one JSON entry
    )
    await adapter.save_credentials(app_secret, TokenSet(...))  # once, or
    await adapter.tokens.exchange_code(auth_code)              # after the authorization link
    async with adapter:
        await adapter.upsert_products(rundown_products)      # match by SKU, add to showcase
        session = await adapter.create_session("Friday show")  # the creator's current LIVE
        await adapter.set_bag(session.id, product_ids)
        await adapter.pin(session.id, PinRequest(product_id), idempotency_key=key)

What TikTok documents, and so what this does:
- No call creates or starts a LIVE: ``create_session`` reads the creator's current live
  room (``GET /affiliate/202309/live_rooms``); start and end only read it again.
- The bag: ``GET|POST|DELETE /affiliate/202309/live_rooms/products``, ``.../products/top``;
  pins: ``.../products/{id}/pin`` and ``/unpin``, confirmed by reading back
  ``pinned_product_id``. These calls are unverified (no public report of a working call): a
  refusal raises ``PinRefusedError`` (kind FORBIDDEN) for the switch to operator pins.
- Sales: affiliate orders polled from ``POST /affiliate_creator/202410/orders/search`` and
  kept when a SKU line's ``content_type`` is LIVE and ``content_id`` this live room.
- Products: the showcase (``/affiliate_creator/202405/showcases/products``, ``/add``);
  matching by seller SKU needs the seller product search (``shop_cipher`` in the config),
  because no creator-side call returns seller SKUs.
- No affiliate-link call: ``affiliate_link`` builds the product link with the creator's
  tracking code from the config.
"""

from seller_console.platform.tiktok.adapter import (
    BagRefusedError,
    NoLiveRoomError,
    PriceDifference,
    TikTokConfig,
    TikTokShopAdapter,
    UnmatchedProductError,
    affiliate_link_for,
)
from seller_console.platform.tiktok.errors import (
    PinRefusedError,
    SignatureRejectedError,
    TokenRejectedError,
)
from seller_console.platform.tiktok.tokens import SignInNeededError, TokenManager, TokenSet
from seller_console.platform.tiktok.wire import AffiliateOrder, AffiliateStatus

__all__ = [
    "AffiliateOrder",
    "AffiliateStatus",
    "BagRefusedError",
    "NoLiveRoomError",
    "PinRefusedError",
    "PriceDifference",
    "SignInNeededError",
    "SignatureRejectedError",
    "TikTokConfig",
    "TikTokShopAdapter",
    "TokenManager",
    "TokenRejectedError",
    "TokenSet",
    "UnmatchedProductError",
    "affiliate_link_for",
]
