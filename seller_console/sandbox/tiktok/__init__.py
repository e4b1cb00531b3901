"""A practice TikTok Shop (creator side) built from TikTok's documented shapes: signed
calls, expiring tokens, the live room, bag and pin rules, and affiliate orders that settle
or refund later. Start one in-process::

    from seller_console.sandbox.tiktok import PracticeConfig, start_practice_tiktok

    with start_practice_tiktok(PracticeConfig(access_ttl_s=20)) as tiktok:
        tiktok.base_url, tiktok.app_key, tiktok.app_secret, tiktok.world.issue_tokens()
        tiktok.world.schedule_live("Friday show"); tiktok.world.go_live()

or from a shell: ``seller-console-sandbox --dialect tiktok``.
"""

from seller_console.sandbox.tiktok.server import RunningTikTok, start_practice_tiktok
from seller_console.sandbox.tiktok.world import (
    PracticeConfig,
    PracticeFaults,
    PracticeProduct,
    World,
)

__all__ = [
    "PracticeConfig",
    "PracticeFaults",
    "PracticeProduct",
    "RunningTikTok",
    "World",
    "start_practice_tiktok",
]
