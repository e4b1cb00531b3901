"""Helpers for the practice Shopee tests: a keychain seeded from its credentials, an adapter
pointed at it, and raw calls signed here with hmac (independently of the client)."""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal
from typing import Any, TypeVar

import httpx

from seller_console.domain.money import Money
from seller_console.domain.platform_port import ShowcaseProduct
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.shopee import KeychainEntries, ShopeeAdapter, ShopeeConfig
from seller_console.platform.shopee.tokens import TokenSet, save_tokens
from seller_console.sandbox.shopee import RunningShopee
from tests.fakes import MemorySecrets

T = TypeVar("T")
ENTRIES = KeychainEntries("shopee/partner_key", "shopee/user", "shopee/shop")


def product(pid: str, sku: str, price: str) -> ShowcaseProduct:
    return ShowcaseProduct(
        id=pid,
        sku=sku,
        title=pid.title(),
        brand="Acme",
        price=Money.of(price, "SGD"),
        commission_rate=Decimal("0.1"),
    )


async def seeded_store(shopee: RunningShopee) -> MemorySecrets:
    """A keychain holding the practice Shopee's partner key and first token sets, with the
    expiry its ``expire_in`` gives (counted from now, a little after they were issued)."""
    c = shopee.credentials
    store = MemorySecrets()
    now = time.time()
    expire_in = int(str(c["expire_in"]))
    user = TokenSet.granted(str(c["access_token"]), str(c["refresh_token"]), expire_in, now=now)
    shop = TokenSet.granted(
        str(c["shop_access_token"]), str(c["shop_refresh_token"]), expire_in, now=now
    )
    await store.save(ENTRIES.partner_key, str(c["partner_key"]))
    await save_tokens(store, ENTRIES.user_tokens, user)
    await save_tokens(store, ENTRIES.shop_tokens, shop)
    return store


def make_adapter(shopee: RunningShopee, store: MemorySecrets, **config: Any) -> ShopeeAdapter:
    c = shopee.config
    settings = ShopeeConfig(
        partner_id=c.partner_id,
        user_id=c.user_id,
        shop_id=c.shop_id,
        region="SG",
        host=shopee.base_url,
        **config,
    )
    retrier = Retrier(RetryPolicy(base_delay_s=0.1, max_delay_s=1.0))
    return ShopeeAdapter(settings, store, ENTRIES, retrier=retrier)


class Raw:
    """Calls to the practice Shopee signed by hand from the documented formula."""

    def __init__(self, shopee: RunningShopee) -> None:
        self.shopee = shopee
        self.http = httpx.Client(base_url=shopee.base_url, timeout=5)

    def close(self) -> None:
        self.http.close()

    def query(
        self,
        path: str,
        token: str | None = None,
        *,
        user: bool = True,
        timestamp: int | None = None,
        key: str | None = None,
    ) -> dict[str, str]:
        c = self.shopee.config
        ts = int(time.time()) if timestamp is None else timestamp
        base = f"{c.partner_id}{path}{ts}"
        q = {"partner_id": str(c.partner_id), "timestamp": str(ts)}
        if token is not None:
            owner = c.user_id if user else c.shop_id
            base += f"{token}{owner}"
            q["access_token"] = token
            q["user_id" if user else "shop_id"] = str(owner)
        secret = key or self.shopee.partner_key
        q["sign"] = hmac.new(secret.encode(), base.encode(), hashlib.sha256).hexdigest()
        return q

    def post(self, path: str, body: dict[str, Any], token: str | None = None, **kw: Any) -> Any:
        response = self.http.post(path, params=self.query(path, token, **kw), json=body)
        return response.json()

    def get(self, path: str, params: dict[str, Any], token: str, **kw: Any) -> Any:
        response = self.http.get(path, params={**params, **self.query(path, token, **kw)})
        return response.json()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.shopee.partner_key}"}
        response = self.http.request(method, path, json=body, headers=headers)
        response.raise_for_status()
        return response.json()
