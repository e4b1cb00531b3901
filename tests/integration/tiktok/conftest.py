"""A practice TikTok on a loopback port, and an adapter signed in to it."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence

import pytest

from seller_console.domain.platform_port import ShowcaseProduct
from seller_console.platform._retry import Retrier, RetryPolicy
from seller_console.platform.tiktok import TikTokConfig, TikTokShopAdapter
from seller_console.sandbox.tiktok import PracticeConfig, RunningTikTok, start_practice_tiktok
from tests.fakes import MemorySecrets


@pytest.fixture
def tiktok() -> Iterator[RunningTikTok]:
    config = PracticeConfig(seed=7, rate=6.0, settle_after_s=3.0, refund_rate=0.3, access_ttl_s=20)
    with start_practice_tiktok(config) as running:
        yield running


def make_adapter(
    tiktok: RunningTikTok, secrets: MemorySecrets | None = None, *, shop_cipher: str | None = None
) -> TikTokShopAdapter:
    """An adapter whose keychain holds the practice app secret and a fresh token set;
    ``shop_cipher`` None: the practice shop's."""
    store = secrets or MemorySecrets()
    store.secrets["tiktok:secret"] = tiktok.app_secret
    store.secrets.setdefault("tiktok:tokens", json.dumps(tiktok.world.issue_tokens()))
    fast = RetryPolicy(max_attempts=12, max_elapsed_s=20, base_delay_s=0.01, max_delay_s=0.2)
    return TikTokShopAdapter(
        TikTokConfig(
            app_key=tiktok.app_key,
            api_base=tiktok.base_url,
            auth_base=tiktok.base_url,
            shop_cipher=shop_cipher or tiktok.config.shop_cipher,
            tracking_code="GLOW10",
            refresh_margin_s=2.0,
            poll_interval_s=0.3,
        ),
        store,
        app_secret_entry="tiktok:secret",
        token_entry="tiktok:tokens",
        retrier=Retrier(fast, rng=random.Random(3)),
        poll_reconnect=Retrier(
            RetryPolicy(max_attempts=10**6, max_elapsed_s=float("inf"), base_delay_s=0.01),
            rng=random.Random(4),
        ),
    )


async def on_air(
    adapter: TikTokShopAdapter,
    tiktok: RunningTikTok,
    products: Sequence[ShowcaseProduct],
    title: str,
    *,
    start: bool = True,
) -> str:
    """A LIVE the creator scheduled and started in TikTok, ``products`` published and in its
    bag, the console's session on it (started, unless ``start`` is False); its room id."""
    await adapter.upsert_products(products)
    room_id = tiktok.world.schedule_live(title)
    await adapter.create_session(title)
    await adapter.set_bag(room_id, [p.id for p in products])
    tiktok.world.go_live()
    if start:
        await adapter.start_session(room_id)
    return room_id
