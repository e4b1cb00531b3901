"""OBS control against a real OBS Studio (obs-websocket 5.1 in Debian's obs-studio 29),
headless under Xvfb, on a loopback port. Skipped when ``obs`` or ``xvfb-run`` is missing
(``apt-get install --no-install-recommends obs-studio obs-plugins xvfb xauth``; see
``../shared/research/obs-headless.md``). Debian's OBS has no browser source: this drives
the text + image sources."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import simpleobsws
from PySide6.QtGui import QImage

from seller_console.broadcast.obs_control import ObsControl, ObsLink, ObsStatus, ObsTarget
from tests.broadcast.fake_obs import wait_until
from tests.broadcast.pictures import save_over_backdrop
from tests.broadcast.selftest_run import OK, self_test
from tests.broadcast.shows import KNIFE, SERUM, demo_images, state
from tests.fakes import MemorySecrets
from tests.support import REPO_ROOT

OBS = shutil.which("obs")
XVFB_RUN = shutil.which("xvfb-run")
START_TIMEOUT_S = 30
pytestmark = pytest.mark.skipif(
    OBS is None or XVFB_RUN is None,
    reason="real OBS not installed (needs obs and xvfb-run: "
    "apt-get install --no-install-recommends obs-studio obs-plugins xvfb xauth)",
)
TITLE, PRICE, IMAGE = "Seller Console title", "Seller Console price", "Seller Console image"
SCENE = "Overlay"
SAVE_DOCS = os.environ.get("SELLER_CONSOLE_DOCS_SCREENSHOTS") == "1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_config(config: Path, port: int, password: str) -> None:
    (config / "basic" / "profiles" / "CI").mkdir(parents=True)
    (config / "basic" / "scenes").mkdir(parents=True)
    (config / "global.ini").write_text(
        "[General]\nFirstRun=true\n[BasicWindow]\nPreviewEnabled=false\n"
        "[OBSWebSocket]\nFirstLoad=false\nServerEnabled=true\n"
        f"ServerPort={port}\nAuthRequired=true\nServerPassword={password}\n"
    )
    (config / "basic" / "profiles" / "CI" / "basic.ini").write_text(
        "[Video]\nBaseCX=1280\nBaseCY=720\nOutputCX=1280\nOutputCY=720\nFPSType=0\nFPSCommon=10\n"
    )
    (config / "basic" / "scenes" / "CI.json").write_text(
        '{"name":"CI","current_scene":"Overlay","current_program_scene":"Overlay",'
        '"scene_order":[{"name":"Overlay"}],"sources":[{"id":"scene","versioned_id":"scene",'
        '"name":"Overlay","settings":{"id_counter":0,"items":[]}}]}'
    )


@pytest.fixture
def real_obs(tmp_path: Path) -> Iterator[tuple[int, str]]:
    assert OBS is not None
    assert XVFB_RUN is not None
    port, password = _free_port(), secrets.token_urlsafe(16)
    home = tmp_path / "home"
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    _write_config(home / ".config" / "obs-studio", port, password)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # OBS needs X11
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_RUNTIME_DIR": str(run_dir),
        "LIBGL_ALWAYS_SOFTWARE": "1",
    }
    command = [
        XVFB_RUN, "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp",
        OBS, "--multi", "--disable-missing-files-check",
        "--collection", "CI", "--profile", "CI", "--scene", SCENE,
    ]  # fmt: skip
    with (tmp_path / "obs.log").open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = (tmp_path / "obs.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"OBS did not open its websocket port:\n{log_text}")
                time.sleep(0.1)
        yield port, password
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the whole group: xvfb-run, Xvfb, obs
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


async def _read(url: str, password: str, scene: str) -> dict[str, tuple[dict[str, Any], bool]]:
    """What OBS shows, read by a client of its own."""
    client = simpleobsws.WebSocketClient(url=url, password=password)
    await client.connect()
    try:
        assert await client.wait_until_identified(10)
        shown: dict[str, tuple[dict[str, Any], bool]] = {}
        for name in (TITLE, PRICE, IMAGE):
            settings = await client.call(
                simpleobsws.Request("GetInputSettings", {"inputName": name})
            )
            item = await client.call(
                simpleobsws.Request("GetSceneItemId", {"sceneName": scene, "sourceName": name})
            )
            enabled = await client.call(
                simpleobsws.Request(
                    "GetSceneItemEnabled",
                    {"sceneName": scene, "sceneItemId": item.responseData["sceneItemId"]},
                )
            )
            shown[name] = (
                settings.responseData["inputSettings"],
                enabled.responseData["sceneItemEnabled"],
            )
        return shown
    finally:
        await client.disconnect()


async def _scene_png(url: str, password: str) -> bytes:
    client = simpleobsws.WebSocketClient(url=url, password=password)
    await client.connect()
    try:
        assert await client.wait_until_identified(10)
        reply = await client.call(
            simpleobsws.Request(
                "GetSourceScreenshot",
                {"sourceName": SCENE, "imageFormat": "png", "imageWidth": 1280},
            )
        )
        assert reply.ok()
        return base64.b64decode(reply.responseData["imageData"].split(",", 1)[1])
    finally:
        await client.disconnect()


def _opaque_share(png: bytes) -> float:
    image = QImage.fromData(png)
    step = 8
    points = [(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)]
    opaque = sum(image.pixelColor(x, y).alpha() > 200 for x, y in points)
    return opaque / len(points)


def test_a_real_obs_follows_takes_and_undo(real_obs: tuple[int, str], tmp_path: Path) -> None:
    port, password = real_obs
    url = f"ws://127.0.0.1:{port}"

    async def go() -> None:
        keychain = MemorySecrets()
        keychain.secrets["obs-websocket"] = password
        statuses: list[ObsStatus] = []
        control = ObsControl(
            ObsTarget(url=url, scene=SCENE, canvas=(1280, 720)),
            secrets=keychain,
            on_status=statuses.append,
            backoff=lambda attempt: 0.2,
            images=demo_images,
            image_dir=tmp_path / "images",
        )
        control.start()
        try:
            await wait_until(lambda: control.status.link is ObsLink.CONNECTED, 15)
            assert control.status.mode == "text"  # Debian's OBS has no browser source
            control.on_state(state(1, SERUM, KNIFE))
            assert await control.wait_confirmed(1, 10)
            shown = await _read(url, password, SCENE)
            assert shown[TITLE][0]["text"] == "Bakuchiol Night Serum — 30 ml"
            assert shown[PRICE][0]["text"] == "24.90 EUR  (was 34.00 EUR)"
            assert Path(shown[IMAGE][0]["file"]).is_file()
            assert all(shown[n][1] is True for n in (TITLE, PRICE, IMAGE))
            picture = await _scene_png(url, password)
            if SAVE_DOCS:
                save_over_backdrop(
                    QImage.fromData(picture), REPO_ROOT / "docs" / "obs-text-sources.png"
                )
            assert _opaque_share(picture) > 0.02  # the card is drawn, the rest is clear
            control.on_state(state(2, None, KNIFE))  # undo: nothing on air
            assert await control.wait_confirmed(2, 10)
            shown = await _read(url, password, SCENE)
            assert all(shown[n][1] is False for n in (TITLE, PRICE, IMAGE))
        finally:
            await control.stop()

    asyncio.run(asyncio.wait_for(go(), 60))


def test_a_real_obs_refuses_a_wrong_password(real_obs: tuple[int, str]) -> None:
    port, _ = real_obs

    async def go() -> None:
        keychain = MemorySecrets()
        keychain.secrets["obs-websocket"] = "not-the-password"
        control = ObsControl(
            ObsTarget(url=f"ws://127.0.0.1:{port}", scene=SCENE),
            secrets=keychain,
            on_status=lambda status: None,
            backoff=lambda attempt: 5.0,
        )
        control.start()
        try:
            await wait_until(lambda: control.status.link is ObsLink.REFUSED, 15)
            assert "password" in control.status.reason
        finally:
            await control.stop()

    asyncio.run(asyncio.wait_for(go(), 30))


@pytest.mark.timeout(240)
def test_the_self_test_drives_a_real_obs(real_obs: tuple[int, str], tmp_path: Path) -> None:
    """``--self-test --obs`` on the practice platform, the engine driving this OBS and the
    self-test reading each take back from it."""
    port, password = real_obs
    secret = tmp_path / "obs-password"
    secret.write_text(password)
    result = self_test(
        tmp_path,
        "--overlay",
        "--obs",
        f"ws://127.0.0.1:{port}",
        "--obs-password-file",
        str(secret),
        "--obs-scene",
        SCENE,
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert OK.match(result.stdout.strip().splitlines()[-1])
