"""The practice Shopee and TikTok stop selling an item at zero stock, report what is left the
way the real APIs do, keep it across a restart, and stay deterministic for a seed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from seller_console.files import write_atomic
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.shopee.config import SandboxItem, SandboxModel, ShopeeSandboxConfig
from seller_console.sandbox.shopee.world import ShopeeWorld
from seller_console.sandbox.state_file import dump_state, restore_state
from seller_console.sandbox.tiktok.world import PracticeConfig, PracticeProduct, World

SERUM = SandboxItem(800001, "Serum", "SER-30", Decimal("24.9"), "https://x.invalid/1", stock=5)
TINT = SandboxItem(
    800003,
    "Tint",
    "TINT",
    Decimal("12.5"),
    "https://x.invalid/3",
    (
        SandboxModel(900031, "TINT-ROSE", Decimal("12.5"), stock=3),
        SandboxModel(900032, "TINT-CORAL", Decimal("13.5"), stock=0),
    ),
)
BALM = SandboxItem(800004, "Balm", "BALM-100", Decimal("18.1"), "https://x.invalid/4")


def still_clock() -> SandboxClock:
    """A clock that moves only when the test advances it: the same steps every run."""
    return SandboxClock(1.0, monotonic=lambda: 0.0)


def shopee_showing(item_id: int, seed: int = 1) -> tuple[ShopeeWorld, int]:
    config = ShopeeSandboxConfig(seed=seed, items=(SERUM, TINT, BALM), order_rate=40.0)
    world = ShopeeWorld(config, still_clock())
    session = world.create("Stock show", "", "https://x.invalid/c", False)
    world.start(session, session.domain_id)
    session.bag = [800001, 800003, 800004]
    world.show(session, item_id)
    return world, session.session_id


def run_shopee(world: ShopeeWorld, seconds: int) -> None:
    for _ in range(seconds * 4):
        world.clock.advance(0.25)
        world.tick()


def test_shopee_sells_the_shown_item_up_to_its_stock_and_no_further() -> None:
    world, sid = shopee_showing(800001)
    run_shopee(world, 10)  # 40 orders a second: far past 5 units
    session = world.sessions[sid]
    assert session.items[800001].sold == 5
    assert world.stock.left((800001, 0)) == 0
    assert session.gmv == Decimal("24.9") * 5
    orders = session.orders
    run_shopee(world, 5)
    assert session.orders == orders  # nothing more sells
    assert session.items[800001].clicks > 0  # viewers still look at it


def test_shopee_sells_only_the_models_with_stock_and_untracked_items_never_stop() -> None:
    world, sid = shopee_showing(800003)
    run_shopee(world, 10)
    session = world.sessions[sid]
    assert session.items[800003].sold == 3  # TINT-ROSE's 3; TINT-CORAL had none
    assert world.stock.left((800003, 900031)) == 0
    assert world.stock.left((800003, 900032)) == 0
    assert session.gmv == Decimal("12.5") * 3
    world.show(session, 800004)
    run_shopee(world, 2)
    assert session.items[800004].sold > 10  # no stock given: not tracked
    assert world.stock.left((800004, 0)) is None


def test_shopee_stock_is_the_same_for_a_seed_and_kept_across_a_restart(tmp_path: Path) -> None:
    first, _ = shopee_showing(800003, seed=4)
    again, _ = shopee_showing(800003, seed=4)
    run_shopee(first, 10)
    run_shopee(again, 10)
    assert first.snapshot() == again.snapshot()
    path = tmp_path / "practice-shopee.json"
    write_atomic(path, dump_state("shopee", first.snapshot()))
    restarted = ShopeeWorld(first.config, still_clock())
    assert restore_state(path, "shopee", restarted.restore)
    assert restarted.stock.left((800003, 900031)) == 0
    assert restarted.stock.left((800001, 0)) == 5


PRODUCTS = (
    PracticeProduct("1729000000000000101", "Serum", "SER-30", Decimal("24.90"), stock=4),
    PracticeProduct("1729000000000000102", "Lip oil", "LIP-3", Decimal("18.00"), stock=2),
    PracticeProduct("1729000000000000103", "Roller", "JADE-1", Decimal("12.50")),
)


class Wall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def tiktok_live(bag: list[str], pinned: str, seed: int = 2) -> World:
    world = World(PracticeConfig(seed=seed, rate=40.0, products=PRODUCTS), wall=Wall())
    world.clock = still_clock()
    world.schedule_live("Stock LIVE")
    world.go_live()
    world.add_to_bag(bag)
    world.pin(pinned)
    world.tick()
    return world


def units(world: World) -> dict[str, int]:
    sold: dict[str, int] = {}
    for doc in world.order_docs():
        for sku in doc["skus"]:
            sold[sku["product_id"]] = sold.get(sku["product_id"], 0) + sku["quantity"]
    return sold


def run_tiktok(world: World, seconds: int) -> None:
    for _ in range(seconds * 4):
        world.clock.advance(0.25)
        world.tick()


def test_tiktok_sells_each_product_up_to_its_stock_and_says_out_of_stock() -> None:
    serum, lip = PRODUCTS[0].id, PRODUCTS[1].id
    world = tiktok_live([serum, lip], serum)
    run_tiktok(world, 10)
    assert units(world) == {serum: 4, lip: 2}  # every order, LIVE or VIDEO, took stock
    count = len(world.orders)
    run_tiktok(world, 5)
    assert len(world.orders) == count  # the whole bag is sold out: no order at all
    statuses = {p["id"]: p["status"]["inventory_status"] for p in world.bag()["products"]}
    assert statuses == {serum: "OUT_OF_STOCK", lip: "OUT_OF_STOCK"}
    found = world.search_products(["SER-30", "JADE-1"], 0, 10)["products"]
    inventory = {p["id"]: p["skus"][0].get("inventory") for p in found}
    assert inventory[serum] == [{"warehouse_id": "7000000000000000001", "quantity": 0}]
    assert inventory[PRODUCTS[2].id] is None  # not tracked: no inventory to report


def test_tiktok_keeps_selling_the_rest_of_the_bag_after_the_pin_sells_out() -> None:
    serum, roller = PRODUCTS[0].id, PRODUCTS[2].id
    world = tiktok_live([serum, roller], serum)
    run_tiktok(world, 10)
    sold = units(world)
    assert sold[serum] == 4
    assert sold[roller] > 4  # the bag's trickle goes on, the pin's share does not


def test_tiktok_stock_is_the_same_for_a_seed_and_kept_across_a_restart(tmp_path: Path) -> None:
    serum, lip = PRODUCTS[0].id, PRODUCTS[1].id
    first = tiktok_live([serum, lip], serum, seed=5)
    again = tiktok_live([serum, lip], serum, seed=5)
    run_tiktok(first, 10)
    run_tiktok(again, 10)
    assert [o.doc["skus"] for o in first.orders] == [o.doc["skus"] for o in again.orders]
    path = tmp_path / "practice-tiktok.json"
    write_atomic(path, dump_state("tiktok", first.snapshot()))
    restarted = World(PracticeConfig(seed=5, products=PRODUCTS), wall=Wall())
    assert restore_state(path, "tiktok", restarted.restore)
    assert restarted.stock.levels() == {serum: 0, lip: 0, PRODUCTS[2].id: None}
