"""How a practice Shopee is set up: ids, partner key, token lifetime, the shop's items, the
audience and the fault knobs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from seller_console.domain.net import is_this_machine
from seller_console.domain.platform_port import ShowcaseProduct
from seller_console.sandbox.errors import SandboxConfigError

ACCESS_TOKEN_TTL_S = 4 * 3600
REFRESH_TOKEN_TTL_S = 30 * 24 * 3600
TIMESTAMP_WINDOW_S = 300
MAX_BAG_ITEMS = 100


@dataclass(frozen=True, slots=True)
class SandboxModel:
    """One model (variant) of an item; ``stock`` None: not tracked (never sells out)."""

    model_id: int
    sku: str
    price: Decimal
    stock: int | None = None


@dataclass(frozen=True, slots=True)
class SandboxItem:
    """One item of the practice shop; with ``models`` its price and stock are per model.
    ``stock`` None: not tracked (never sells out)."""

    item_id: int
    name: str
    sku: str
    price: Decimal
    image_url: str
    models: tuple[SandboxModel, ...] = ()
    stock: int | None = None


def demo_items() -> tuple[SandboxItem, ...]:
    """A small shop: plain items and one with models."""
    img = "https://cf.shopee.sg/file/sandbox-item-{}"
    return (
        SandboxItem(800001, "Glow serum 30 ml", "SER-30", Decimal("24.9"), img.format(1)),
        SandboxItem(800002, "Night cream 50 ml", "CRM-50", Decimal("32"), img.format(2)),
        SandboxItem(
            800003,
            "Lip tint",
            "TINT",
            Decimal("12.5"),
            img.format(3),
            (
                SandboxModel(900031, "TINT-ROSE", Decimal("12.5")),
                SandboxModel(900032, "TINT-CORAL", Decimal("12.5")),
            ),
        ),
        SandboxItem(800004, "Cleansing balm", "BALM-100", Decimal("18.1"), img.format(4)),
    )


def default_image(item_id: int) -> str:
    """A practice item's picture when none is given: every Shopee item has one, and Go live
    takes the first planned item's as the session's cover."""
    return f"https://cf.shopee.sg/file/sandbox-item-{item_id}"


def items_from_products(
    products: Sequence[ShowcaseProduct], *, first_item_id: int = 800001
) -> tuple[SandboxItem, ...]:
    """One shop item per product, with its SKU, title, price, image and stock (what the
    console published is what the shop has)."""
    return tuple(
        SandboxItem(
            item_id=first_item_id + n,
            name=p.title,
            sku=p.sku,
            price=p.price.amount,
            image_url=p.image_url or default_image(first_item_id + n),
            stock=p.stock,
        )
        for n, p in enumerate(products)
    )


def _decimal(value: object, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise SandboxConfigError(f"{where}: {value!r} is not a price") from exc


def _stock(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SandboxConfigError(f"{where}: stock {value!r} is not a count of units")
    return value


def items_from_json(path: Path) -> tuple[SandboxItem, ...]:
    """Items from a JSON list of ``{"item_id", "name", "sku", "price", "image_url", "stock",
    "models": [{"model_id", "sku", "price", "stock"}]}`` (prices as text or numbers; ``sku``,
    ``image_url``, ``stock`` and ``models`` optional, an item without ``image_url`` gets a
    made-up picture's address, one without ``stock`` never sells out)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as exc:
        raise SandboxConfigError(f"cannot read shop items from {path}: {exc}") from exc
    if not isinstance(doc, list):
        raise SandboxConfigError(f"{path}: expected a JSON list of items")
    items = []
    for n, entry in enumerate(doc):
        where = f"{path} item {n + 1}"
        if not isinstance(entry, Mapping):
            raise SandboxConfigError(f"{where}: expected an object")
        try:
            models = tuple(
                SandboxModel(
                    int(m["model_id"]),
                    str(m["sku"]),
                    _decimal(m["price"], where),
                    _stock(m.get("stock"), where),
                )
                for m in entry.get("models", [])
            )
            item_id = int(entry["item_id"])
            items.append(
                SandboxItem(
                    item_id=item_id,
                    name=str(entry["name"]),
                    sku=str(entry.get("sku", "")),
                    price=_decimal(entry["price"], where),
                    image_url=str(entry.get("image_url") or default_image(item_id)),
                    models=models,
                    stock=_stock(entry.get("stock"), where),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SandboxConfigError(f"{where}: missing or bad field {exc}") from exc
    return tuple(items)


@dataclass(frozen=True, slots=True)
class ShopeeFaults:
    """Fault knobs (off by default; also ``PUT /_sandbox/faults``).

    - ``rate_limit_every``: every Nth signed call opens a burst of ``rate_limit_burst_s``
      seconds during which every signed call is answered ``error_rate_limit``.
    - ``token_ttl_s``: the lifetime of access tokens issued from now on (None: the
      configured one).
    """

    rate_limit_every: int | None = None
    rate_limit_burst_s: float = 1.0
    token_ttl_s: float | None = None

    def __post_init__(self) -> None:
        if self.rate_limit_every is not None and self.rate_limit_every < 1:
            raise SandboxConfigError("rate_limit_every must be at least 1 (or None)")
        if self.rate_limit_burst_s <= 0:
            raise SandboxConfigError("rate_limit_burst_s must be positive")
        if self.token_ttl_s is not None and self.token_ttl_s <= 0:
            raise SandboxConfigError("token_ttl_s must be positive")

    def updated(self, data: Mapping[str, object]) -> ShopeeFaults:
        unknown = sorted(set(data) - {"rate_limit_every", "rate_limit_burst_s", "token_ttl_s"})
        if unknown:
            raise SandboxConfigError(f"unknown fault knobs: {', '.join(unknown)}")
        changes: dict[str, object] = {}
        for name, value in data.items():
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float | Decimal)
            ):
                raise SandboxConfigError(f"{name} must be a number or null")
            if name == "rate_limit_every":
                changes[name] = None if value is None else int(value)
            elif name == "rate_limit_burst_s":
                changes[name] = 1.0 if value is None else float(value)
            else:
                changes[name] = None if value is None else float(value)
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        return {
            "rate_limit_every": self.rate_limit_every,
            "rate_limit_burst_s": self.rate_limit_burst_s,
            "token_ttl_s": self.token_ttl_s,
        }


@dataclass(frozen=True, slots=True)
class ShopeeSandboxConfig:
    """How to run a practice Shopee.

    - ``partner_id``/``partner_key``: the app's; the key is random when None.
    - ``user_id``: the streamer (livestream calls); ``shop_id``: the shop (product calls).
    - ``token_ttl_s``: access token lifetime (Shopee: 4 h); refresh tokens last 30 days and
      work once.
    - ``items``: the shop's items; ``currency`` their listing currency.
    - ``viewers``, ``order_rate``, ``comment_rate``, ``like_rate``: the seeded audience
      (per second of sandbox time; orders and comments come while an item is shown).
    """

    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0
    allow_remote: bool = False
    partner_id: int = 2001887
    partner_key: str | None = None
    user_id: int = 5001234
    shop_id: int = 322300222
    currency: str = "SGD"
    token_ttl_s: float = ACCESS_TOKEN_TTL_S
    items: tuple[SandboxItem, ...] = field(default_factory=demo_items)
    max_bag_items: int = MAX_BAG_ITEMS
    viewers: int = 150
    order_rate: float = 1.0
    comment_rate: float = 1.5
    like_rate: float = 3.0
    time_scale: float = 1.0
    faults: ShopeeFaults = field(default_factory=ShopeeFaults)
    state_path: Path | None = None
    """A JSON file that keeps the sessions across restarts (``state_file``)."""

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise SandboxConfigError(f"port {self.port} is out of range")
        if not is_this_machine(self.host) and not self.allow_remote:
            raise SandboxConfigError(
                f"refusing to listen on {self.host}: the sandbox binds loopback only "
                "unless allow_remote (--allow-remote) is set"
            )
        if self.token_ttl_s <= 0:
            raise SandboxConfigError("token_ttl_s must be positive")
        if self.time_scale <= 0:
            raise SandboxConfigError("time_scale must be positive")
        for name in ("order_rate", "comment_rate", "like_rate"):
            if getattr(self, name) < 0:
                raise SandboxConfigError(f"{name} cannot be negative")
        ids = [i.item_id for i in self.items]
        if len(set(ids)) != len(ids):
            raise SandboxConfigError("shop item ids must be unique")
