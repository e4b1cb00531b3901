"""OBS control against the protocol-level fake obs-websocket server, over loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from seller_console.broadcast.obs_control import (
    ObsControl,
    ObsLink,
    ObsStatus,
    ObsTarget,
    badge_of,
)
from seller_console.domain.on_air import ObsLinkState
from tests.broadcast.fake_obs import DEBIAN_KINDS, WINDOWS_KINDS, FakeObs, wait_until
from tests.broadcast.shows import KNIFE, SERUM, demo_images, image_path, state
from tests.fakes import MemorySecrets

OVERLAY_URL = "http://127.0.0.1:5555/overlay/some-token"
TITLE, PRICE, IMAGE = "Seller Console title", "Seller Console price", "Seller Console image"


@asynccontextmanager
async def controlling(
    fake: FakeObs | None,
    tmp_path: Path,
    *,
    password: str = "obs-pass",
    overlay_url: str | None = None,
    url: str | None = None,
    delay_s: float = 0.0,
) -> AsyncIterator[tuple[ObsControl, list[ObsStatus]]]:
    statuses: list[ObsStatus] = []
    secrets = MemorySecrets()
    secrets.secrets["obs-websocket"] = password
    control = ObsControl(
        ObsTarget(
            url=url or (fake.url if fake else ""),
            overlay_url=overlay_url,
            canvas=(1280, 720),
            delay_s=delay_s,
        ),
        secrets=secrets,
        on_status=statuses.append,
        backoff=lambda attempt: 0.05 * attempt,
        images=demo_images,
        image_dir=tmp_path / "obs-images",
        confirm_timeout_s=0.5,
    )
    control.start()
    try:
        yield control, statuses
    finally:
        await control.stop()
        if fake is not None:
            await fake.stop()


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


def connected(control: ObsControl) -> Callable[[], bool]:
    return lambda: control.status.link is ObsLink.CONNECTED


def test_a_wrong_password_is_refused_and_said_so(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs(password="right").start()
        async with controlling(fake, tmp_path, password="wrong") as (control, statuses):
            await wait_until(lambda: control.status.link is ObsLink.REFUSED)
            assert "password" in control.status.reason
            control.on_state(state(1, SERUM))  # the show goes on
            await asyncio.sleep(0.1)
        assert fake.auth_failures >= 1
        assert fake.received == []  # nothing was let through
        assert "right" not in repr(statuses)

    run(go)


def test_obs_absent_is_reported_and_retried(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def go() -> None:
        async with controlling(None, tmp_path, url=f"ws://127.0.0.1:{port}") as (control, seen):
            await wait_until(lambda: sum(s.link is ObsLink.RECONNECTING for s in seen) >= 2)
            assert "not running" in control.status.reason
            assert control.status.retry_in_s is not None
            control.on_state(state(1, SERUM))

    run(go)


def test_a_browser_source_is_pointed_at_the_overlay(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs(kinds=WINDOWS_KINDS).start()
        fake.inputs["Seller Console overlay"] = {
            "kind": "browser_source",
            "settings": {"url": "http://127.0.0.1:1/overlay/old", "css": "body{}"},
        }
        async with controlling(fake, tmp_path, overlay_url=OVERLAY_URL) as (control, _):
            await wait_until(connected(control))
            assert control.status.mode == "browser"
            source = fake.inputs["Seller Console overlay"]
            assert source["settings"]["url"] == OVERLAY_URL
            assert source["settings"]["css"] == "body{}"  # merged, not replaced
            shown = lambda: fake.item("Seller Console overlay").enabled  # noqa: E731
            assert not shown()  # put in the scene, hidden
            control.on_state(state(1, SERUM))
            assert await control.wait_confirmed(1, 5)
            assert shown()
            control.on_state(state(2, None))
            assert await control.wait_confirmed(2, 5)
            assert not shown()
            assert not any(n.startswith("Seller Console t") for n in fake.inputs)

    run(go)


def test_a_new_browser_source_is_created_in_the_scene(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs(kinds=WINDOWS_KINDS).start()
        async with controlling(fake, tmp_path, overlay_url=OVERLAY_URL) as (control, _):
            await wait_until(connected(control))
            source = fake.inputs["Seller Console overlay"]
            assert source["kind"] == "browser_source"
            assert source["settings"] == {"url": OVERLAY_URL, "width": 1280, "height": 720}

    run(go)


@pytest.mark.parametrize(
    ("kinds", "text_kind"),
    [
        (DEBIAN_KINDS, "text_ft2_source_v2"),
        (("image_source", "text_gdiplus_v3"), "text_gdiplus_v3"),
    ],
)
def test_without_a_browser_source_text_and_image_sources_show_the_card(
    tmp_path: Path, kinds: tuple[str, ...], text_kind: str
) -> None:
    async def go() -> None:
        fake = await FakeObs(kinds=kinds).start()
        async with controlling(fake, tmp_path, overlay_url=OVERLAY_URL) as (control, _):
            await wait_until(connected(control))
            assert control.status.mode == "text"
            assert fake.inputs[TITLE]["kind"] == text_kind
            assert fake.inputs[IMAGE]["kind"] == "image_source"
            assert not any(i.enabled for i in fake.scenes["Scene"])  # nothing on air yet
            control.on_state(state(1, SERUM, KNIFE))
            assert await control.wait_confirmed(1, 5)
            assert fake.inputs[TITLE]["settings"]["text"] == "Bakuchiol Night Serum — 30 ml"
            assert fake.inputs[PRICE]["settings"]["text"] == "24.90 EUR  (was 34.00 EUR)"
            picture = Path(fake.inputs[IMAGE]["settings"]["file"])
            assert picture.read_bytes() == image_path("bakuchiol-night-serum.png").read_bytes()
            assert all(fake.item(n).enabled for n in (TITLE, PRICE, IMAGE))
            assert fake.item(TITLE).transform["positionY"] > fake.item(IMAGE).transform["positionY"]

    run(go)


def test_take_and_undo_are_one_batch_each(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs().start()
        async with controlling(fake, tmp_path) as (control, _):
            await wait_until(connected(control))
            before = len(fake.received)
            control.on_state(state(1, KNIFE))  # take
            assert await control.wait_confirmed(1, 5)
            control.on_state(state(2, None))  # undo: nothing was live before
            assert await control.wait_confirmed(2, 5)
            sent = fake.received[before:]
            batches = [m["d"] for m in sent if m["op"] == 8]
            assert len(batches) == 2
            for batch in batches:
                assert batch["executionType"] == 1  # SerialFrame: on one frame
                assert batch["haltOnFailure"] is True
            take, undo = ([r["requestType"] for r in b["requests"]] for b in batches)
            assert take == ["SetInputSettings"] * 3 + ["SetSceneItemEnabled"] * 3
            assert undo == ["SetSceneItemEnabled"] * 3
            assert [r["requestData"]["sceneItemEnabled"] for r in batches[1]["requests"]] == [
                False
            ] * 3
            # Outside the batches only reads went out (confirmation by read-back).
            singles = {m["d"]["requestType"] for m in sent if m["op"] == 6}
            assert singles <= {"GetSceneItemEnabled", "GetInputSettings"}
            assert not any(i.enabled for i in fake.scenes["Scene"])

    run(go)


def test_changes_are_confirmed_by_the_events_obs_sends(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs(websocket_version="5.5.0").start()
        async with controlling(fake, tmp_path) as (control, _):
            await wait_until(connected(control))
            before = len(fake.received)
            control.on_state(state(1, SERUM))
            assert await control.wait_confirmed(1, 5)
            assert control.status.confirmed_by == "events"
            assert [m for m in fake.received[before:] if m["op"] == 6] == []  # no read-back

    run(go)


@pytest.mark.parametrize("why", ["obs-websocket 5.1 has no InputSettingsChanged", "no events"])
def test_what_no_event_confirms_is_read_back(tmp_path: Path, why: str) -> None:
    async def go() -> None:
        fake = await FakeObs(websocket_version="5.1.0" if "5.1" in why else "5.5.0").start()
        fake.silent_events = why == "no events"
        async with controlling(fake, tmp_path) as (control, _):
            await wait_until(connected(control))
            before = len(fake.received)
            control.on_state(state(1, SERUM))
            assert await control.wait_confirmed(1, 5)
            assert control.status.confirmed_by == "read-back"
            reads = {m["d"]["requestType"] for m in fake.received[before:] if m["op"] == 6}
            assert "GetInputSettings" in reads
            # Scene item events exist in 5.1: only an OBS that sends none is read back.
            assert ("GetSceneItemEnabled" in reads) is (why == "no events")

    run(go)


def test_a_state_obs_did_not_apply_is_not_confirmed(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs().start()
        async with controlling(fake, tmp_path) as (control, _):
            await wait_until(connected(control))
            fake.silent_events = True

            async def ignore(data: dict[str, object]) -> None:  # OBS that says yes, does nothing
                return None

            fake._r_SetSceneItemEnabled = ignore  # type: ignore[method-assign]
            control.on_state(state(1, SERUM))
            assert not await control.wait_confirmed(1, 1.5)
            assert control.status.reason == "OBS did not show the change of version 1"

    run(go)


def test_it_reconnects_after_obs_drops_and_catches_up(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs().start()
        async with controlling(fake, tmp_path) as (control, statuses):
            await wait_until(connected(control))
            control.on_state(state(1, SERUM))
            assert await control.wait_confirmed(1, 5)
            await fake.drop_clients()
            control.on_state(state(2, KNIFE))  # taken while OBS is away
            await wait_until(lambda: fake.identified == 2)
            assert any(s.link is ObsLink.RECONNECTING for s in statuses)
            assert await control.wait_confirmed(2, 5)
            assert control.status.link is ObsLink.CONNECTED
            assert fake.inputs[TITLE]["settings"]["text"] == "8-inch Chef's Knife"

    run(go)


def test_obs_shows_a_state_after_the_stream_delay(tmp_path: Path) -> None:
    async def go() -> None:
        fake = await FakeObs().start()
        async with controlling(fake, tmp_path, delay_s=0.6) as (control, _):
            await wait_until(connected(control))
            control.on_state(state(1, SERUM))
            assert not await control.wait_confirmed(1, 0.3)
            assert await control.wait_confirmed(1, 3)

    run(go)


def test_a_state_that_arrives_while_obs_shows_the_last_one_is_shown_next(
    tmp_path: Path,
) -> None:
    async def go() -> None:
        fake = FakeObs()
        fake.silent_events = True  # each change waits its confirm timeout, then reads back
        await fake.start()
        async with controlling(fake, tmp_path) as (control, _):
            await wait_until(connected(control))
            control.on_state(state(1, SERUM))
            await wait_until(lambda: bool(fake.requests(8)))  # OBS runs take 1's batch ...
            control.on_state(state(2, KNIFE))  # ... when take 2 comes
            assert await control.wait_confirmed(2, 3)  # not left until a third take
            assert fake.inputs[TITLE]["settings"]["text"] == KNIFE.product.display_title

    run(go)


def test_the_badge_says_connected_absent_or_refused() -> None:
    assert badge_of(ObsStatus(ObsLink.CONNECTED, mode="text")).text == (
        "OBS: connected (text sources)"
    )
    refused = badge_of(ObsStatus(ObsLink.REFUSED, "OBS refused the password", retry_in_s=4))
    assert refused.state is ObsLinkState.REFUSED
    assert refused.text == "OBS: refused (OBS refused the password; again in 4 s)"
    absent = badge_of(ObsStatus(ObsLink.RECONNECTING, "OBS is not running", retry_in_s=1))
    assert absent.state is ObsLinkState.ABSENT
    assert badge_of(ObsStatus(ObsLink.STOPPED)).state is ObsLinkState.OFF
