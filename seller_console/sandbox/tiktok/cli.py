"""``seller-console-sandbox --dialect tiktok``: the practice TikTok alone, until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from seller_console.sandbox.errors import SandboxError
from seller_console.sandbox.tiktok.server import RunningTikTok
from seller_console.sandbox.tiktok.world import PracticeConfig, PracticeFaults


def config_from(args: argparse.Namespace) -> PracticeConfig:
    return PracticeConfig(
        seed=args.seed,
        app_key=args.key,
        rate=args.rate,
        time_scale=args.time_scale,
        access_ttl_s=args.token_ttl,
        settle_after_s=args.settle_after,
        host=args.host,
        port=args.port,
        faults=PracticeFaults(
            rate_limit_every=args.rate_limit_every,
            error_rate=args.error_rate,
            refuse_pins=args.refuse_pins,
        ),
    )


def main(args: argparse.Namespace) -> None:
    try:
        practice = RunningTikTok(config_from(args), allow_remote=args.allow_remote)
    except SandboxError as exc:
        print(f"seller-console-sandbox: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        practice.start()
    except SandboxError as exc:
        print(f"seller-console-sandbox: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    world = practice.world
    room = world.schedule_live("Practice LIVE")
    print(f"Practice TikTok listening on {practice.base_url}", flush=True)
    print(f"App key: {world.app_key}", flush=True)
    print(f"App secret: {world.app_secret}", flush=True)
    print(f"Tokens: {json.dumps(world.issue_tokens())}", flush=True)
    print(f"Authorization code: {world.auth_code}", flush=True)
    print(f'Upcoming LIVE: {room} (POST /_sandbox/live {{"action": "start"}})', flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    while practice.running and not stop.wait(0.5):
        pass
    practice.stop()
    print("Practice TikTok stopped.", flush=True)
