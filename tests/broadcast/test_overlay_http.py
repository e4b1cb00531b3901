"""The overlay server over HTTP: only its token's paths answer; snapshot, acks, images."""

from __future__ import annotations

import time

import httpx
import pytest

from seller_console.broadcast.overlay_server import OverlayServer, start_overlay_server
from seller_console.domain.on_air import OnAirSubscriber
from tests.broadcast.shows import BOARD, KNIFE, SERUM, image_path, state


def test_only_the_tokens_paths_answer(overlay: OverlayServer) -> None:
    base = f"http://127.0.0.1:{overlay.port}"
    with httpx.Client(base_url=base, timeout=5) as client:
        page = client.get(f"/overlay/{overlay.token}")
        assert page.status_code == 200
        assert f"/overlay/{overlay.token}/overlay.js" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert client.get(f"/overlay/{overlay.token}/overlay.css").status_code == 200
        for path in (
            "/",
            "/overlay",
            "/overlay/wrong-token",
            "/overlay/wrong-token/state.json",
            f"/overlay/{overlay.token}x/state.json",
            f"/overlay/{overlay.token}/index.html",
            f"/overlay/{overlay.token}/../pyproject.toml",
            f"/overlay/{overlay.token}/image/0123",
        ):
            assert client.get(path).status_code == 404, path
    assert len(overlay.token) >= 32


def test_the_snapshot_holds_what_viewers_see_through_the_delay() -> None:
    server = start_overlay_server(delay_s=30)
    try:
        server.on_state(state(1, SERUM))
        server.on_state(state(2, KNIFE))
        with httpx.Client(timeout=5) as client:
            snap = client.get(server.url + "/state.json").json()
            assert snap["delay_s"] == 30
            # Nothing is 30 s old yet: the page gets both, to show each when it is due.
            assert [s["version"] for s in snap["states"]] == [1, 2]
            assert snap["states"][1]["state"]["live"]["title"] == "8-inch Chef's Knife"
            now = client.get(server.url + "/state.json?delay=0").json()
            assert [s["version"] for s in now["states"]] == [2]
            assert client.get(server.url + "/state.json?delay=soon").status_code == 400
    finally:
        server.stop()


def test_acks_record_which_version_a_page_applied(overlay: OverlayServer) -> None:
    with httpx.Client(timeout=5) as client:
        assert overlay.wait_applied(3, 0.05) is None
        sent = time.time() * 1000
        reply = client.post(overlay.url + "/ack", json={"version": 3, "applied_ms": sent})
        assert reply.status_code == 204
        ack = overlay.wait_applied(3, 1.0)
        assert ack is not None
        assert ack.applied_ms == sent
        bad_bodies: list[object] = [
            {"version": "3"},
            {"applied_ms": 1},
            [],
            {"version": 1.5, "applied_ms": 2},
        ]
        for bad in bad_bodies:
            assert client.post(overlay.url + "/ack", json=bad).status_code == 400
        assert client.post(overlay.url + "/ack", content=b"{").status_code == 400
        assert client.post(overlay.url + "/ack", content=b"x" * 5000).status_code == 413


def test_images_come_only_from_urls_in_a_published_state(overlay: OverlayServer) -> None:
    overlay.on_state(state(1, SERUM, BOARD))
    with httpx.Client(timeout=5) as client:
        snap = client.get(overlay.url + "/state.json?delay=0").json()
        live = snap["states"][-1]["state"]["live"]
        assert live["image_src"].startswith("image/")
        reply = client.get(f"{overlay.url}/{live['image_src']}")
        assert reply.status_code == 200
        assert reply.headers["content-type"] == "image/png"
        assert reply.content == image_path("bakuchiol-night-serum.png").read_bytes()


@pytest.mark.parametrize("delay", [-1, 121])
def test_a_delay_out_of_range_is_refused(overlay: OverlayServer, delay: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 120 s"):
        overlay.set_delay(delay)


def test_every_output_is_an_on_air_subscriber(overlay: OverlayServer) -> None:
    from seller_console.broadcast.obs_control import ObsControl, ObsTarget
    from tests.fakes import MemorySecrets

    control = ObsControl(
        ObsTarget(), secrets=MemorySecrets(), on_status=lambda s: None, backoff=lambda n: 1.0
    )
    outputs: list[OnAirSubscriber] = [overlay, control]  # checked by mypy
    for output in outputs:
        output.on_state(state(1, SERUM))  # an OBS control not started drops it quietly
    assert overlay.wait_applied(1, 0.01) is None


def test_the_overlays_address_survives_a_restart_of_the_console(tmp_path) -> None:
    # A browser source (OBS, Streamlabs) keeps the address it was given: a console that
    # restarts (the next night, or after a crash mid-show) must serve the same page there.
    # The live engine keeps the token in the keychain and passes it back in.
    kept = tmp_path / "overlay-port.json"
    first = start_overlay_server(port_file=kept)
    url, token = first.url, first.token
    first.stop()
    assert token not in kept.read_text()  # a file keeps the port, never the token
    again = start_overlay_server(port_file=kept, token=token)
    try:
        assert again.url == url
        again.on_state(state(1, SERUM))
        with httpx.Client(timeout=5) as client:
            assert client.get(url).status_code == 200
            assert client.get(url + "/state.json").json()["states"][0]["version"] == 1
    finally:
        again.stop()


@pytest.mark.allow_warning_logs  # the port's move is logged
def test_a_taken_port_moves_the_overlay_and_a_damaged_port_file_or_token_is_made_anew(tmp_path):
    kept = tmp_path / "overlay-port.json"
    first = start_overlay_server(port_file=kept)
    try:
        elsewhere = start_overlay_server(port_file=kept, token=first.token)  # the port is busy
        try:
            assert elsewhere.port != first.port
            assert elsewhere.token == first.token  # only the port had to change
        finally:
            elsewhere.stop()
    finally:
        first.stop()
    kept.write_text("{not json")
    fresh = start_overlay_server(port_file=kept, token="../../<script>")  # not one of ours
    try:
        assert fresh.token != "../../<script>"
        with httpx.Client(timeout=5) as client:
            assert client.get(fresh.url).status_code == 200
    finally:
        fresh.stop()
