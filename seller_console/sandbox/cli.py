"""``seller-console-sandbox``: run a sandbox platform alone until Ctrl-C.

``--dialect`` picks the platform it speaks: ``livecommerce`` (the Live Commerce API, the
default) or ``shopee`` (a practice Shopee Open Platform). A dialect is one entry of
``DIALECTS``: a function from the parsed arguments to the server and the lines to print.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType

from seller_console.sandbox.config import SandboxConfig, SandboxFaults
from seller_console.sandbox.errors import SandboxError
from seller_console.sandbox.server import RunningSandbox, ServedApp
from seller_console.sandbox.shopee import (
    RunningShopee,
    ShopeeFaults,
    ShopeeSandboxConfig,
    items_from_json,
)
from seller_console.sandbox.tiktok.cli import tiktok_lines, tiktok_practice


def _pair(text: str) -> tuple[int, int]:
    low, _, high = text.partition(",")
    try:
        return (int(low), int(high or low))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected N or LOW,HIGH") from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="seller-console-sandbox",
        description="A sandbox platform with a simulated audience and fault knobs, on "
        "127.0.0.1 by default: the Live Commerce API, a practice Shopee or a practice TikTok.",
    )
    p.add_argument(
        "--dialect",
        choices=sorted(DIALECTS),
        default="livecommerce",
        help="the platform to speak (default livecommerce)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (0: pick a free one)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a host other than loopback (prints a warning)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the simulated audience")
    p.add_argument("--key", help="API key (default: a random one per start)")
    p.add_argument(
        "--rate",
        type=float,
        default=2.0,
        help="orders per second of a live session with a pin (default 2)",
    )
    p.add_argument("--time-scale", type=float, default=1.0, help="sandbox clock speed-up")
    p.add_argument("--state", type=Path, help="SQLite file that keeps state across restarts")
    p.add_argument(
        "--token-ttl",
        type=float,
        help="access token lifetime, s (shopee and tiktok; their own default: 4 h, 7 days)",
    )
    shopee = p.add_argument_group("shopee dialect")
    shopee.add_argument(
        "--items", type=Path, help="JSON list of the shop's items (default: a demo shop)"
    )
    shopee.add_argument("--partner-key", help="partner key (default: a random one per start)")
    tiktok = p.add_argument_group("tiktok dialect")
    tiktok.add_argument("--settle-after", type=float, default=600.0, help="orders settle after, s")
    tiktok.add_argument("--refuse-pins", action="store_true", help="refuse pin calls (403)")
    faults = p.add_argument_group("fault knobs (all off by default; also PUT /_sandbox/faults)")
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of calls -> 503")
    faults.add_argument(
        "--rate-limit-every", type=int, help="every Nth call opens a 429/error_rate_limit burst"
    )
    faults.add_argument("--retry-after", type=int, default=1, help="burst length, seconds")
    faults.add_argument("--latency-ms", type=int, default=0, help="added to every call")
    faults.add_argument(
        "--drop-every",
        type=_pair,
        metavar="N|LOW,HIGH",
        help="cut each event stream after N (or LOW..HIGH) events",
    )
    faults.add_argument("--duplicate-rate", type=float, default=0.0, help="events sent twice")
    faults.add_argument("--reorder-window", type=int, default=0, help="shuffle events in windows")
    faults.add_argument(
        "--lost-response-rate",
        type=float,
        default=0.0,
        help="share of mutations done whose answer is replaced by a 500",
    )
    return p


def config_from(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        seed=args.seed,
        api_key=args.key,
        rate=args.rate,
        time_scale=args.time_scale,
        state_path=args.state,
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        faults=SandboxFaults(
            error_rate=args.error_rate,
            rate_limit_burst_every=args.rate_limit_every,
            retry_after_s=args.retry_after,
            latency_ms=args.latency_ms,
            drop_every=args.drop_every,
            duplicate_rate=args.duplicate_rate,
            reorder_window=args.reorder_window,
            lost_response_rate=args.lost_response_rate,
        ),
    )


def _livecommerce(args: argparse.Namespace) -> tuple[ServedApp, list[str]]:
    sandbox = RunningSandbox(config_from(args))
    return sandbox, [f"API key: {sandbox.api_key}"]


def shopee_config_from(args: argparse.Namespace) -> ShopeeSandboxConfig:
    config = ShopeeSandboxConfig(
        seed=args.seed,
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        partner_key=args.partner_key,
        token_ttl_s=args.token_ttl or 4 * 3600,
        order_rate=args.rate,
        time_scale=args.time_scale,
        faults=ShopeeFaults(
            rate_limit_every=args.rate_limit_every, rate_limit_burst_s=float(args.retry_after)
        ),
    )
    return config if args.items is None else replace(config, items=items_from_json(args.items))


def _shopee(args: argparse.Namespace) -> tuple[ServedApp, list[str]]:
    shopee = RunningShopee(shopee_config_from(args))
    c = shopee.credentials
    return shopee, [
        f"Partner id: {c['partner_id']}",
        f"Partner key: {c['partner_key']}",
        f"User id: {c['user_id']}   Shop id: {c['shop_id']}",
        f"User tokens: access {c['access_token']}  refresh {c['refresh_token']}",
        f"Shop tokens: access {c['shop_access_token']}  refresh {c['shop_refresh_token']}",
        f"Access tokens expire in {c['expire_in']} s; refresh tokens work once.",
    ]


def _tiktok(args: argparse.Namespace) -> tuple[ServedApp, list[str]]:
    practice = tiktok_practice(args)
    return practice, tiktok_lines(practice)


DIALECTS: dict[str, Callable[[argparse.Namespace], tuple[ServedApp, list[str]]]] = {
    "livecommerce": _livecommerce,
    "shopee": _shopee,
    "tiktok": _tiktok,
}


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        sandbox, lines = DIALECTS[args.dialect](args)
    except SandboxError as exc:
        print(f"seller-console-sandbox: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        sandbox.start()
    except SandboxError as exc:
        print(f"seller-console-sandbox: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"Sandbox listening on {sandbox.base_url}", flush=True)
    for line in lines:
        print(line, flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    while sandbox.running and not stop.wait(0.5):
        pass
    sandbox.stop()
    print("Sandbox stopped.", flush=True)
