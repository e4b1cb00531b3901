"""The practice TikTok's and Shopee's worlds through a save and a restart: the same rooms,
sessions and orders; time spent away counts towards settlements; ids never repeat."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from seller_console.files import write_atomic
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.shopee.config import ShopeeSandboxConfig
from seller_console.sandbox.shopee.world import ShopeeWorld
from seller_console.sandbox.state_file import dump_state, restore_state
from seller_console.sandbox.tiktok.world import PracticeConfig, World


class Wall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def tiktok_with_orders(wall: Wall, settle_after_s: float) -> World:
    world = World(PracticeConfig(seed=3, rate=50.0, settle_after_s=settle_after_s), wall=wall)
    world.schedule_live("Saved LIVE")
    world.go_live()
    world.add_to_bag([p.id for p in world.config.products if p.in_showcase])
    world.pin(world.config.products[0].id)
    world.tick()
    world.clock.advance(2.0)
    world.tick()
    assert world.orders
    return world


def test_a_restarted_practice_tiktok_has_its_rooms_and_orders_and_counts_time_away(
    tmp_path: Path,
) -> None:
    wall = Wall(1_800_000_000.0)
    before = tiktok_with_orders(wall, settle_after_s=600.0)
    path = tmp_path / "practice-tiktok.json"
    write_atomic(path, dump_state("tiktok", before.snapshot()))

    wall.now += 300.0  # the app was closed for five minutes
    after = World(PracticeConfig(seed=3, settle_after_s=600.0), wall=wall)
    assert restore_state(path, "tiktok", after.restore)
    assert after.order_docs() == before.order_docs()
    assert [r.id for r in after.rooms] == [r.id for r in before.rooms]
    assert after.rooms[-1].pinned == before.rooms[-1].pinned
    after.tick()
    assert all(d["status"] == "ORDERED" for d in after.order_docs())  # 300 s of 600
    after.end_live()  # no more orders
    after.clock.advance(301.0)
    after.tick()
    assert all(d["status"] != "ORDERED" for d in after.order_docs())
    # a new LIVE and new orders never take an id the saved world used
    after.schedule_live("Next LIVE")
    assert len({r.id for r in after.rooms}) == 2
    seen = {d["id"] for d in after.order_docs()}
    after.go_live()
    after.add_to_bag([after.config.products[0].id])
    after.pin(after.config.products[0].id)
    after.clock.advance(2.0)
    after.tick()
    new = [d["id"] for d in after.order_docs() if d["id"] not in seen]
    assert new
    assert len(set(new)) == len(new)


def test_a_restarted_practice_shopee_has_its_sessions_and_figures(tmp_path: Path) -> None:
    config = ShopeeSandboxConfig(seed=4, order_rate=20.0)
    before = ShopeeWorld(config, SandboxClock())
    session = before.create("Saved show", "", "https://example.test/c.jpg", False)
    before.start(session, session.domain_id)
    before.sessions[session.session_id].bag.append(next(iter(before.items)))
    before.show(session, next(iter(before.items)))
    before.clock.advance(3.0)
    before.tick()
    assert session.orders > 0
    path = tmp_path / "practice-shopee.json"
    write_atomic(path, dump_state("shopee", before.snapshot()))

    after = ShopeeWorld(config, SandboxClock())
    assert restore_state(path, "shopee", after.restore)
    again = after.sessions[session.session_id]
    assert (again.status, again.shown, again.orders) == (1, session.shown, session.orders)
    assert again.gmv == session.gmv
    assert isinstance(again.gmv, Decimal)
    assert again.items[session.shown or 0].sold == session.items[session.shown or 0].sold
    after.end(again)  # the session is still ongoing there, so it can be ended
    other = after.create("Next show", "", "https://example.test/c.jpg", False)
    assert other.session_id > session.session_id


@pytest.mark.allow_warning_logs
@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({"kind": "tiktok", "format": 1, "world": {"rooms": []}}),
        json.dumps({"kind": "shopee", "format": 99, "world": {}}),
    ],
)
def test_an_unusable_state_file_is_kept_aside_and_the_world_starts_empty(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "practice-tiktok.json"
    path.write_text(text)
    world = World(PracticeConfig())
    assert not restore_state(path, "tiktok", world.restore)
    assert world.rooms == []
    assert world.orders == []
    assert not path.exists()
    assert (tmp_path / "practice-tiktok.json.damaged").read_text() == text
