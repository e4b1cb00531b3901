"""The practice Shopee and TikTok keep their world beside the show database, as the embedded
sandbox does: after the app (its ``LiveLink``) restarts on the same data folder, a practice
TikTok show is refreshed as its orders settle, and a practice Shopee show is resumed on its
session, with the figures it had."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from pathlib import Path

import pytest

from seller_console.domain.platform_port import PinKind
from seller_console.domain.show_records import PinOutcome
from seller_console.files import write_atomic
from seller_console.live_link import PRACTICE_SHOPEE_STATE, PRACTICE_TIKTOK_STATE, LiveLink
from seller_console.sandbox.shopee import ShopeeSandboxConfig, start_shopee
from seller_console.sandbox.state_file import dump_state
from seller_console.services.live_session import LiveSession, LiveState
from seller_console.services.reports import RefreshOutcome, ShowReport
from seller_console.settings import Profile, ProfileKind, Settings, settings_file
from tests.fakes import MemorySecrets
from tests.integration.live.test_platform_profiles import demo_plan, outcome_is, show, until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]


def _ledger_orders(state: LiveState) -> int:
    ledger = state.ledger
    return 0 if ledger is None else sum(f.orders for f in ledger.totals.values())


def new_link(tmp_path: Path, kind: ProfileKind) -> LiveLink:
    return LiveLink(
        tmp_path / "shows.sqlite3",
        Settings(Profile(kind)),
        settings_file(tmp_path),
        MemorySecrets(),
    )


def test_a_practice_tiktok_show_is_refreshed_after_a_restart(tmp_path: Path) -> None:
    ended: list[LiveState] = []

    async def creator_ends_the_live(link: LiveLink, state: LiveState) -> None:
        assert link.practice_tiktok is not None
        link.practice_tiktok.world.end_live()
        ended.append(state)

    asyncio.run(
        show(
            tmp_path,
            ProfileKind.TIKTOK_PRACTICE,
            MemorySecrets(),
            creator_ends_the_live,
            on_air_s=3.0,
        )
    )
    state = ended[0]
    assert state.show is not None
    assert state.report is not None
    before = state.report.totals["USD"]
    assert before.orders > 0
    assert before.settled_orders == 0
    assert (tmp_path / PRACTICE_TIKTOK_STATE).is_file()

    found: list[object] = []

    async def after_restart() -> None:
        assert state.show is not None
        link = new_link(tmp_path, ProfileKind.TIKTOK_PRACTICE)
        try:
            await link.open()
            assert link.practice_tiktok is not None
            world = link.practice_tiktok.world
            assert len(world.order_docs()) >= before.orders  # the same world, not an empty one
            world.clock.advance(3600)  # TikTok settles them later
            await until(lambda: all(d["status"] != "ORDERED" for d in world.order_docs()))
            found.append(await link.refresh_show(state.show.id))
            found.append(await (await link.open_reports()).report(state.show.id))
        finally:
            await link.close()

    asyncio.run(after_restart())
    outcome, report = found
    assert isinstance(outcome, RefreshOutcome)
    assert isinstance(report, ShowReport)
    usd = report.totals["USD"]
    assert usd.orders == before.orders  # no order lost or invented by the restart
    assert usd.unsettled_orders == 0
    assert usd.settled_orders + usd.refunded_orders == usd.orders
    assert outcome.settled == usd.settled_orders > 0
    assert usd.settled.amount > 0


def test_a_practice_shopee_show_is_resumed_on_its_session_after_a_restart(
    tmp_path: Path,
) -> None:
    plan = demo_plan()
    seen: dict[str, object] = {}

    async def go_live_then_quit() -> None:
        from seller_console.services.live_show import plan_policy

        link = new_link(tmp_path, ProfileKind.SHOPEE_PRACTICE)
        session = LiveSession(link)
        try:
            assert await session.go_live(plan, plan_policy(plan))
            assert session.state.pin_mode is PinKind.CONFIRMED
            session.take()
            await until(lambda: session.state.live is not None)
            assert session.state.show is not None
            seen["show"] = session.state.show.id
            assert link.practice_shopee is not None
            world = link.practice_shopee.world
            await until(lambda: any(s.orders > 0 for s in world.sessions.values()))
            (live,) = [s for s in world.sessions.values() if s.status == 1]
            seen["session"] = live.session_id
        finally:  # the app quits while live: the show is left unfinished
            await session.close()
            await link.close()
        saved = json.loads((tmp_path / PRACTICE_SHOPEE_STATE).read_text())
        (kept,) = [s for s in saved["world"]["sessions"] if s["session_id"] == seen["session"]]
        seen["gmv"], seen["orders"] = kept["gmv"], kept["orders"]

    async def resume_and_end() -> None:
        link = new_link(tmp_path, ProfileKind.SHOPEE_PRACTICE)
        session = LiveSession(link)
        try:
            unfinished = await link.unfinished_shows()  # the show database alone
            assert [s.id for s in unfinished] == [seen["show"]]
            here = await link.unfinished_here()  # the practice Shopee started: its account's
            assert [s.id for s in here] == [seen["show"]]
            assert link.practice_shopee is not None
            again = link.practice_shopee.world.sessions[int(str(seen["session"]))]
            assert again.status == 1  # still live on the practice Shopee
            assert str(again.gmv) == seen["gmv"]
            assert again.orders == seen["orders"]
            assert await session.resume(str(seen["show"]))
            session.take()  # the next item, pinned on the same session
            await until(partial(outcome_is, session, PinOutcome.CONFIRMED))
            report = await session.end_show()
            assert report is not None
            assert again.status == 2  # the resumed show ended the session it ran on
        finally:
            await session.close()
            await link.close()

    asyncio.run(go_live_then_quit())
    asyncio.run(resume_and_end())


def test_a_practice_tiktok_show_is_resumed_in_its_live_room_after_a_restart(
    tmp_path: Path,
) -> None:
    plan = demo_plan()
    seen: dict[str, object] = {}

    async def go_live_then_quit() -> None:
        from seller_console.services.live_show import plan_policy

        link = new_link(tmp_path, ProfileKind.TIKTOK_PRACTICE)
        session = LiveSession(link)
        try:
            assert await session.go_live(plan, plan_policy(plan))
            session.take()
            await until(partial(outcome_is, session, PinOutcome.CONFIRMED))
            assert session.state.show is not None
            seen["show"] = session.state.show.id
            assert link.practice_tiktok is not None
            world = link.practice_tiktok.world
            seen["room"] = world.rooms[-1].id
            await until(lambda: _ledger_orders(session.state) > 0, 30)
            seen["orders"] = _ledger_orders(session.state)
        finally:  # the app quits while live: the show is left unfinished
            await session.close()
            await link.close()

    async def resume_and_end() -> None:
        link = new_link(tmp_path, ProfileKind.TIKTOK_PRACTICE)
        session = LiveSession(link)
        try:
            assert await session.resume(str(seen["show"]))
            assert link.practice_tiktok is not None
            world = link.practice_tiktok.world
            room = world.rooms[-1]
            assert (room.id, room.status) == (seen["room"], "LIVE")  # the same LIVE, still on
            session.take()  # the next item, pinned in the same room
            await until(partial(outcome_is, session, PinOutcome.CONFIRMED))
            assert room.pinned is not None
            # the orders sold before the restart are there, and new ones come from the room
            sold = int(str(seen["orders"]))
            await until(lambda: _ledger_orders(session.state) > sold, 30)
            world.end_live()
            report = await session.end_show()
            assert report is not None
            assert report.totals["USD"].orders > sold
        finally:
            await session.close()
            await link.close()

    asyncio.run(go_live_then_quit())
    asyncio.run(resume_and_end())


@pytest.mark.allow_warning_logs
def test_a_damaged_practice_state_is_kept_aside_and_the_practice_starts_empty(
    tmp_path: Path,
) -> None:
    state = tmp_path / PRACTICE_SHOPEE_STATE
    state.write_text('{"kind": "shopee", "format": 1, "world": {"sessions": [{"title": 1}]}}')
    with start_shopee(ShopeeSandboxConfig(state_path=state)) as shopee:
        assert shopee.world.sessions == {}
    assert (tmp_path / (PRACTICE_SHOPEE_STATE + ".damaged")).is_file()
    assert json.loads(state.read_text())["world"]["sessions"] == []  # saved at stop, empty
    write_atomic(state, dump_state("tiktok", {}))  # another platform's world: not taken
    with start_shopee(ShopeeSandboxConfig(state_path=state)) as shopee:
        assert shopee.world.sessions == {}
