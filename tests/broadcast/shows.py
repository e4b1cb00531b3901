"""A small show for the broadcast tests: rundown items from the demo catalog's images, and
the ``OnAirState`` sequence a producer makes with takes, an undo and stock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from seller_console.domain.money import Money
from seller_console.domain.on_air import OnAirState, on_air_state
from seller_console.domain.rundown import ProductSnapshot, RundownItem
from tests.support import REPO_ROOT

DEMO_IMAGES = REPO_ROOT / "resources" / "demo" / "images"
IMAGE_HOST = "https://demo.seller-console.invalid/images/"
T0 = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)


def item(
    key: str,
    title: str,
    price: str,
    *,
    catalog: str | None = None,
    variant: str = "",
    stock: int | None = 40,
    minutes: int = 2,
    points: str = "",
    currency: str = "EUR",
    image: str = "",
) -> RundownItem:
    snapshot = ProductSnapshot(
        product_id=f"p-{key}",
        variant_id=f"v-{key}",
        sku=key.upper(),
        title=title,
        variant_title=variant,
        brand="Mossmere",
        price=Money.of(catalog or price, currency),
        compare_at_price=None,
        image_url=IMAGE_HOST + image if image else "",
        stock=stock,
        commission_rate=Decimal("0.15"),
        catalog="demo",
    )
    live = Money.of(price, currency) if catalog else None
    return RundownItem(
        id=f"item-{key}",
        product=snapshot,
        planned_seconds=minutes * 60,
        talking_points=points,
        live_price=live,
    )


SERUM = item(
    "serum",
    "Bakuchiol Night Serum",
    "24.90",
    catalog="34.00",
    variant="30 ml",
    stock=50,
    points="Gentle retinol alternative\nSafe in pregnancy\nUse 3 drops at night",
    image="bakuchiol-night-serum.png",
)
FLASH_SERUM = SERUM.edited(flash_price=Money.of("19.90", "EUR"), flash_seconds=300)
KNIFE = item(
    "knife",
    "8-inch Chef's Knife",
    "59.00",
    catalog="79.00",
    stock=12,
    image="8-inch-chef-s-knife.png",
)
BOARD = item(
    "board",
    "Acacia Wood Cutting Board",
    "1234.50",
    stock=None,
    image="acacia-wood-cutting-board.png",
)


async def demo_images(url: str) -> bytes | None:
    """The console's image loader for the demo catalog: its images from ``resources/``."""
    if not url.startswith(IMAGE_HOST):
        return None
    path = DEMO_IMAGES / url.removeprefix(IMAGE_HOST)
    return path.read_bytes() if path.is_file() else None


def state(
    version: int,
    live: RundownItem | None,
    next_up: RundownItem | None = None,
    *,
    at: datetime = T0,
    taken_at: datetime | None = None,
    stock_left: int | None = None,
    units_sold: int = 0,
    flash_seconds: int | None = None,
    platform: str = "livecommerce",
    comments: tuple[str, ...] = (),
) -> OnAirState:
    taken = taken_at if taken_at is not None else (at if live is not None else None)
    flash_end = None
    if flash_seconds is not None and taken is not None:
        flash_end = taken + timedelta(seconds=flash_seconds)
    return on_air_state(
        show_id="show-1",
        version=version,
        live=live,
        next_up=next_up,
        platform=platform,
        now=at,
        taken_at=taken,
        stock_left=stock_left,
        units_sold=units_sold,
        flash_ends_at=flash_end,
        comments=comments,
    )


def after(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def image_path(name: str) -> Path:
    return DEMO_IMAGES / name
