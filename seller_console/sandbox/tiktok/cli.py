"""``seller-console-sandbox --dialect tiktok``: the practice TikTok from the command line."""

from __future__ import annotations

import argparse
import json

from seller_console.sandbox.tiktok.server import RunningTikTok
from seller_console.sandbox.tiktok.world import PracticeConfig, PracticeFaults


def config_from(args: argparse.Namespace) -> PracticeConfig:
    return PracticeConfig(
        seed=args.seed,
        app_key=args.key,
        rate=args.rate,
        time_scale=args.time_scale,
        access_ttl_s=args.token_ttl or 7 * 24 * 3600.0,
        settle_after_s=args.settle_after,
        host=args.host,
        port=args.port,
        faults=PracticeFaults(
            rate_limit_every=args.rate_limit_every,
            error_rate=args.error_rate,
            refuse_pins=args.refuse_pins,
        ),
    )


def tiktok_practice(args: argparse.Namespace) -> RunningTikTok:
    """The practice TikTok the command line asks for (not started)."""
    return RunningTikTok(config_from(args), allow_remote=args.allow_remote)


def tiktok_lines(practice: RunningTikTok) -> list[str]:
    """What a developer needs to talk to it; its LIVE is scheduled, ready to start."""
    world = practice.world
    room = world.schedule_live("Practice LIVE")
    return [
        f"App key: {world.app_key}",
        f"App secret: {world.app_secret}",
        f"Tokens: {json.dumps(world.issue_tokens())}",
        f"Authorization code: {world.auth_code}",
        f'Upcoming LIVE: {room} (POST /_sandbox/live {{"action": "start"}})',
    ]
