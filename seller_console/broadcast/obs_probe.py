"""What OBS shows of the product card, read back over a connection of its own: for the
self-test's ``--obs``, which checks after each take, independently of ``ObsControl``,
that OBS holds the taken product and shows its card.

It reads the sources ``ObsControl`` makes (named from the same prefix): the browser
source ``<prefix> overlay`` (its URL), or the text sources ``<prefix> title`` and
``<prefix> price``; and whether each one's scene item is enabled (obs-websocket v5:
``GetSceneItemId``, ``GetSceneItemEnabled``, ``GetInputSettings``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any, Final

import simpleobsws
import websockets.exceptions

from seller_console.broadcast.obs_control import STATUS_RESOURCE_NOT_FOUND

PROBE_TIMEOUT_S: Final = 5.0


class ObsProbeError(Exception):
    """OBS cannot be read back; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class ObsCardReading:
    """The card as OBS holds it: ``mode`` "browser" (``text`` is the page's URL) or
    "text" (``text`` is the title source's text, ``price`` the price source's);
    ``shown``: every one of its scene items is enabled."""

    mode: str
    text: str
    price: str
    shown: bool


class ObsProbe:
    """``async with ObsProbe(url, password, scene, prefix) as probe: await probe.read()``."""

    def __init__(self, url: str, password: str, scene: str, prefix: str) -> None:
        self._scene, self._prefix = scene, prefix
        self._client = simpleobsws.WebSocketClient(
            url=url,
            password=password,
            identification_parameters=simpleobsws.IdentificationParameters(eventSubscriptions=0),
        )

    async def __aenter__(self) -> ObsProbe:
        try:
            await asyncio.wait_for(self._client.connect(), PROBE_TIMEOUT_S)
            identified = await self._client.wait_until_identified(PROBE_TIMEOUT_S)
        except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
            raise ObsProbeError(f"cannot reach OBS at its address ({exc})") from exc
        if not identified:
            await self.__aexit__()
            raise ObsProbeError("OBS did not accept the probe's connection (password?)")
        return self

    async def __aexit__(self, *_: object) -> None:
        with contextlib.suppress(Exception):
            await self._client.disconnect()

    async def _call(self, request: str, data: dict[str, Any]) -> simpleobsws.RequestResponse:
        return await self._client.call(simpleobsws.Request(request, data), timeout=PROBE_TIMEOUT_S)

    async def _item(self, source: str) -> bool | None:
        """Whether ``source``'s scene item is enabled; None when the scene has none."""
        found = await self._call("GetSceneItemId", {"sceneName": self._scene, "sourceName": source})
        if not found.ok():
            if found.requestStatus.code == STATUS_RESOURCE_NOT_FOUND:
                return None
            raise ObsProbeError(f"OBS cannot look up {source!r} ({found.requestStatus.code})")
        item = found.responseData["sceneItemId"]
        enabled = await self._call(
            "GetSceneItemEnabled", {"sceneName": self._scene, "sceneItemId": item}
        )
        if not enabled.ok():
            raise ObsProbeError(f"OBS cannot say whether {source!r} is shown")
        return bool(enabled.responseData.get("sceneItemEnabled"))

    async def _setting(self, source: str, key: str) -> str:
        reply = await self._call("GetInputSettings", {"inputName": source})
        if not reply.ok():
            raise ObsProbeError(f"OBS cannot read the settings of {source!r}")
        value = (reply.responseData.get("inputSettings") or {}).get(key, "")
        return value if isinstance(value, str) else ""

    async def read(self) -> ObsCardReading | None:
        """The card as OBS holds it now; None when the scene has none of its sources."""
        browser = await self._item(f"{self._prefix} overlay")
        if browser is not None:
            url = await self._setting(f"{self._prefix} overlay", "url")
            return ObsCardReading("browser", url, "", browser)
        title, price = f"{self._prefix} title", f"{self._prefix} price"
        shown = [await self._item(title), await self._item(price)]
        if None in shown:
            return None
        return ObsCardReading(
            "text",
            await self._setting(title, "text"),
            await self._setting(price, "text"),
            all(shown),
        )
