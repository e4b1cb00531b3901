"""OBS Studio follows the show: obs-websocket v5 through ``simpleobsws`` (MIT).

On connect it asks OBS which source kinds it has (``GetInputKindList``):
- with ``browser_source`` (and an overlay URL), one browser source shows the overlay page,
  created in the scene or pointed at the URL if it exists;
- otherwise (Debian's OBS has no browser source) a text source for the title, one for the
  price and an ``image_source`` for the product image, read from a local file.

Each published state becomes ONE ``RequestBatch`` run on one frame (``SerialFrame``): the
texts and image, then every product-card item shown or hidden. The change is confirmed by
the events OBS sends back (``InputSettingsChanged`` from obs-websocket 5.4,
``SceneItemEnableStateChanged``); what no event confirms (an unchanged item, an older OBS)
is read back (``GetInputSettings``, ``GetSceneItemEnabled``).

Nothing raises into the caller: absent, refusing or dropping OBS is reported through
``on_status`` (for the badge) and retried with the given backoff. The password is read from
the ``SecretStore`` at every connect, never kept in this object's state or logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import simpleobsws
import websockets.exceptions

from seller_console.broadcast.images import EXTENSIONS, ImageLoader, image_key, image_type
from seller_console.domain.on_air import (
    ObsBadge,
    ObsLinkState,
    OnAirCard,
    OnAirState,
    without_links,
)
from seller_console.domain.platform_port import SecretStore

log = logging.getLogger(__name__)

# obs-websocket protocol values (docs/generated/protocol.md).
EVENTS_INPUTS: Final = 1 << 3
EVENTS_SCENE_ITEMS: Final = 1 << 7
CLOSE_AUTHENTICATION_FAILED: Final = 4009
CLOSE_UNSUPPORTED_RPC_VERSION: Final = 4010
STATUS_RESOURCE_NOT_FOUND: Final = 600

BROWSER_KIND: Final = "browser_source"
IMAGE_KIND: Final = "image_source"
# Linux/macOS (FreeType 2) first, then Windows (GDI+), newest version first.
TEXT_KINDS: Final = (
    "text_ft2_source_v2",
    "text_gdiplus_v3",
    "text_gdiplus_v2",
    "text_ft2_source",
    "text_gdiplus",
)

Json = dict[str, Any]


class ObsLink(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    REFUSED = "refused"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ObsStatus:
    """What the OBS badge shows. ``reason``: why not connected, in plain words.
    ``confirmed_version``: the newest state OBS was seen to show, and ``confirmed_by``
    how (``events`` or ``read-back``)."""

    link: ObsLink
    reason: str = ""
    retry_in_s: float | None = None
    mode: str = ""  # "browser" or "text" once the sources are set up
    confirmed_version: int | None = None
    confirmed_by: str = ""


@dataclass(frozen=True, slots=True)
class ObsTarget:
    """Where and what: the obs-websocket address, the scene, the sources' name prefix,
    the overlay page (for a browser source), the canvas size and the stream delay."""

    url: str = "ws://127.0.0.1:4455"
    scene: str = "Scene"
    prefix: str = "Seller Console"
    overlay_url: str | None = None
    canvas: tuple[int, int] = (1920, 1080)
    delay_s: float = 0.0
    secret_account: str = "obs-websocket"  # noqa: S105 (the keychain entry's name)


def badge_of(status: ObsStatus) -> ObsBadge:
    """The window's badge for ``status``: connected, absent (retrying) or refused."""
    link = status.link
    if link is ObsLink.CONNECTED:
        mode = {"browser": "browser source", "text": "text sources"}.get(status.mode, "")
        return ObsBadge(ObsLinkState.CONNECTED, status.reason or mode)
    if link is ObsLink.CONNECTING:
        return ObsBadge(ObsLinkState.CONNECTING)
    if link is ObsLink.STOPPED:
        return ObsBadge(ObsLinkState.OFF)
    retry = "" if status.retry_in_s is None else f"; again in {status.retry_in_s:.0f} s"
    state = ObsLinkState.REFUSED if link is ObsLink.REFUSED else ObsLinkState.ABSENT
    return ObsBadge(state, f"{status.reason}{retry}")


class _Refused(Exception):
    """OBS answered but will not do what we need; the message is the badge's reason."""


class _Dropped(Exception):
    """The connection ended."""


@dataclass(slots=True)
class _Card:
    """The sources this control owns in OBS: input name -> scene item id."""

    mode: str
    items: dict[str, int] = field(default_factory=dict)
    title: str = ""
    price: str = ""
    image: str = ""
    enabled: dict[int, bool] = field(default_factory=dict)
    settings: dict[str, Json] = field(default_factory=dict)


class ObsControl:
    """An ``OnAirSubscriber`` that drives OBS. ``start()`` on the app's running loop,
    ``await stop()`` at shutdown. ``backoff(n)``: seconds before reconnect attempt n (1, 2 ...)."""

    def __init__(
        self,
        target: ObsTarget,
        *,
        secrets: SecretStore,
        on_status: Callable[[ObsStatus], None],
        backoff: Callable[[int], float],
        images: ImageLoader | None = None,
        image_dir: Path | None = None,
        confirm_timeout_s: float = 1.0,
        request_timeout_s: float = 5.0,
    ) -> None:
        self.target = target
        self._secrets = secrets
        self._on_status = on_status
        self._backoff = backoff
        self._images = images
        self._image_dir = image_dir
        self._confirm_timeout_s = confirm_timeout_s
        self._request_timeout_s = request_timeout_s
        self._status = ObsStatus(ObsLink.STOPPED)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self._pending: list[tuple[float, OnAirState]] = []
        self._current: OnAirState | None = None
        self._received_version = -1
        self._confirmed = asyncio.Condition()
        self._expected: dict[tuple[str, str], Any] = {}
        self._seen = asyncio.Event()

    # ------------------------------------------------------------------ public
    @property
    def status(self) -> ObsStatus:
        return self._status

    def start(self) -> None:
        """Starts connecting; call on the running loop the control lives on."""
        if self._task is None:
            self._loop = asyncio.get_running_loop()
            self._task = self._loop.create_task(self._run(), name="obs-control")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._report(ObsStatus(ObsLink.STOPPED))

    def on_state(self, state: OnAirState) -> None:
        """Takes a state from any thread; OBS shows it ``delay_s`` later."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._receive, time.monotonic(), state)

    async def wait_confirmed(self, version: int, timeout: float) -> bool:
        """Whether OBS was seen to show ``version`` (or a later state) within ``timeout``."""

        def done() -> bool:
            confirmed = self._status.confirmed_version
            return confirmed is not None and confirmed >= version

        try:
            async with self._confirmed:
                await asyncio.wait_for(self._confirmed.wait_for(done), timeout)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ state
    def _receive(self, received: float, state: OnAirState) -> None:
        if state.version <= self._received_version:
            return
        self._received_version = state.version
        self._pending.append((received + self.target.delay_s, state))
        self._wakeup.set()

    def _due(self) -> tuple[OnAirState | None, float | None]:
        """The newest state whose time has come, and seconds until the next one is due."""
        now = time.monotonic()
        while self._pending and self._pending[0][0] <= now:
            self._current = self._pending.pop(0)[1]
        wait = self._pending[0][0] - now if self._pending else None
        return self._current, wait

    def _report(self, status: ObsStatus) -> None:
        self._status = status
        try:
            self._on_status(status)
        except Exception:  # the badge's bug must not stop OBS control
            log.exception("OBS status callback failed")

    async def _confirm(self, version: int, by: str) -> None:
        self._report(
            ObsStatus(
                ObsLink.CONNECTED,
                mode=self._status.mode,
                confirmed_version=version,
                confirmed_by=by,
            )
        )
        async with self._confirmed:
            self._confirmed.notify_all()

    # ------------------------------------------------------------------ connection
    async def _run(self) -> None:
        attempt = 0
        self._report(ObsStatus(ObsLink.CONNECTING))
        while True:
            link = ObsLink.RECONNECTING
            try:
                await self._connect_and_serve()
                reason = "OBS closed the connection"
            except _Refused as exc:
                reason, link = str(exc), ObsLink.REFUSED
            except _Dropped as exc:
                reason = str(exc)
                attempt = 0  # it was up: the backoff starts again
            except (
                OSError,
                TimeoutError,
                websockets.exceptions.WebSocketException,
                simpleobsws.MessageTimeout,
                simpleobsws.NotIdentifiedError,
            ) as exc:
                reason = _plain(exc)
            except Exception as exc:  # a bug of ours: logged, and the show goes on
                log.exception("OBS control failed")
                reason = f"OBS control failed: {exc}"
            attempt += 1
            delay = max(0.0, self._backoff(attempt))
            self._report(ObsStatus(link, reason, retry_in_s=delay))
            await asyncio.sleep(delay)

    async def _connect_and_serve(self) -> None:
        try:
            password = await self._secrets.load(self.target.secret_account) or ""
        except Exception as exc:  # a keychain that is locked or absent: say so
            raise _Refused(f"cannot read the OBS password: {exc}") from exc
        client = simpleobsws.WebSocketClient(
            url=self.target.url,
            password=password,
            identification_parameters=simpleobsws.IdentificationParameters(
                eventSubscriptions=EVENTS_INPUTS | EVENTS_SCENE_ITEMS
            ),
        )
        del password
        await asyncio.wait_for(client.connect(), self._request_timeout_s)
        try:
            await self._identify(client)
            client.register_event_callback(self._on_event)
            card = await self._setup(client)
            self._report(ObsStatus(ObsLink.CONNECTED, mode=card.mode))
            await self._serve(client, card)
        finally:
            with contextlib.suppress(Exception):
                await client.disconnect()

    async def _identify(self, client: simpleobsws.WebSocketClient) -> None:
        waiting = asyncio.ensure_future(client.wait_until_identified(self._request_timeout_s))
        try:
            await asyncio.wait(
                {waiting, client.recv_task},
                timeout=self._request_timeout_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            waiting.cancel()
        if client.identified:
            return
        ws = client.ws
        code = getattr(ws, "close_code", None)
        if code == CLOSE_AUTHENTICATION_FAILED:
            raise _Refused("OBS refused the password (obs-websocket authentication failed)")
        if code == CLOSE_UNSUPPORTED_RPC_VERSION:
            raise _Refused("this OBS speaks another obs-websocket version (v5 needed)")
        raise _Dropped(f"OBS did not complete the handshake (close code {code})")

    async def _call(
        self, client: simpleobsws.WebSocketClient, request_type: str, data: Json | None = None
    ) -> simpleobsws.RequestResponse:
        return await client.call(
            simpleobsws.Request(request_type, data), timeout=self._request_timeout_s
        )

    # ------------------------------------------------------------------ setup
    async def _setup(self, client: simpleobsws.WebSocketClient) -> _Card:
        reply = await self._call(client, "GetInputKindList", {"unversioned": False})
        if not reply.ok():
            raise _Refused(f"OBS did not list its source kinds ({reply.requestStatus.code})")
        kinds = set(reply.responseData.get("inputKinds", []))
        width, height = self.target.canvas
        name = self.target.prefix
        if BROWSER_KIND in kinds and self.target.overlay_url:
            card = _Card("browser")
            settings = {"url": self.target.overlay_url, "width": width, "height": height}
            card.items[f"{name} overlay"] = await self._ensure(
                client, f"{name} overlay", BROWSER_KIND, settings, None
            )
            return card
        text_kind = next((k for k in TEXT_KINDS if k in kinds), None)
        if text_kind is None:
            raise _Refused("this OBS offers neither a browser source nor a text source")
        card = _Card("text", title=f"{name} title", price=f"{name} price")
        font = {"face": "Sans", "style": "Bold", "size": 0, "flags": 1}
        margin = round(height * 0.06)
        card.items[card.title] = await self._ensure(
            client,
            card.title,
            text_kind,
            {"text": "", "font": {**font, "size": round(height / 18)}},
            (margin, height - margin - round(height * 0.2)),
        )
        card.items[card.price] = await self._ensure(
            client,
            card.price,
            text_kind,
            {"text": "", "font": {**font, "size": round(height / 14)}},
            (margin, height - margin - round(height * 0.1)),
        )
        if IMAGE_KIND in kinds and self._images is not None and self._image_dir is not None:
            card.image = f"{name} image"
            card.items[card.image] = await self._ensure(
                client, card.image, IMAGE_KIND, {"file": ""}, (margin, margin)
            )
        return card

    async def _ensure(
        self,
        client: simpleobsws.WebSocketClient,
        input_name: str,
        kind: str,
        settings: Json,
        position: tuple[int, int] | None,
    ) -> int:
        """The scene item of ``input_name``: created (hidden) if missing, else pointed anew."""
        scene = self.target.scene
        reply = await self._call(client, "GetInputSettings", {"inputName": input_name})
        if reply.ok():
            actual = reply.responseData.get("inputKind")
            if actual != kind and not str(actual).startswith(kind.rsplit("_v", 1)[0]):
                raise _Refused(f"OBS already has a source named {input_name!r} of kind {actual}")
            if kind == BROWSER_KIND:
                await self._checked(
                    client,
                    "SetInputSettings",
                    {"inputName": input_name, "inputSettings": settings, "overlay": True},
                )
            item = await self._call(
                client, "GetSceneItemId", {"sceneName": scene, "sourceName": input_name}
            )
            if item.ok():
                return int(item.responseData["sceneItemId"])
            created = await self._checked(
                client,
                "CreateSceneItem",
                {"sceneName": scene, "sourceName": input_name, "sceneItemEnabled": False},
            )
        elif reply.requestStatus.code == STATUS_RESOURCE_NOT_FOUND:
            created = await self._checked(
                client,
                "CreateInput",
                {
                    "sceneName": scene,
                    "inputName": input_name,
                    "inputKind": kind,
                    "inputSettings": settings,
                    "sceneItemEnabled": False,
                },
            )
        else:
            raise _Refused(f"OBS cannot read {input_name!r}: {_status_text(reply)}")
        item_id = int(created["sceneItemId"])
        if position is not None:
            await self._checked(
                client,
                "SetSceneItemTransform",
                {
                    "sceneName": scene,
                    "sceneItemId": item_id,
                    "sceneItemTransform": {"positionX": position[0], "positionY": position[1]},
                },
            )
        return item_id

    async def _checked(
        self, client: simpleobsws.WebSocketClient, request_type: str, data: Json
    ) -> Json:
        reply = await self._call(client, request_type, data)
        if not reply.ok():
            raise _Refused(f"OBS refused {request_type}: {_status_text(reply)}")
        return reply.responseData or {}

    # ------------------------------------------------------------------ serving
    async def _serve(self, client: simpleobsws.WebSocketClient, card: _Card) -> None:
        shown: int | None = None
        while True:
            # Cleared before looking: a state that arrives while the last one is being
            # shown sets it again, and is shown next (never left until the next take).
            self._wakeup.clear()
            state, wait = self._due()
            if state is not None and state.version != shown:
                await self._show(client, card, state)
                shown = state.version
                continue
            woken = asyncio.ensure_future(self._wakeup.wait())
            try:
                await asyncio.wait(
                    {woken, client.recv_task}, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                woken.cancel()
            if client.recv_task.done() or not client.identified:
                raise _Dropped("OBS closed the connection")

    async def _show(
        self, client: simpleobsws.WebSocketClient, card: _Card, state: OnAirState
    ) -> None:
        live = state.live
        settings: dict[str, Json] = {}
        enabled: dict[int, bool] = {}
        if card.mode == "browser":
            enabled = dict.fromkeys(card.items.values(), live is not None)
        else:
            if live is not None:
                settings[card.title] = {"text": _title(live, state.allows_links)}
                settings[card.price] = {"text": _price(live)}
            image = await self._image_file(live.image_url) if live and card.image else None
            if image is not None:
                settings[card.image] = {"file": image}
            for name, item in card.items.items():
                enabled[item] = live is not None and (name != card.image or image is not None)
        requests = [
            simpleobsws.Request(
                "SetInputSettings", {"inputName": n, "inputSettings": s, "overlay": True}
            )
            for n, s in settings.items()
        ] + [
            simpleobsws.Request(
                "SetSceneItemEnabled",
                {"sceneName": self.target.scene, "sceneItemId": i, "sceneItemEnabled": e},
            )
            for i, e in enabled.items()
        ]
        # Events expected back: only for what changes (OBS sends none for a no-op), and
        # input settings only from obs-websocket 5.4 on. The rest is read back.
        expected: dict[tuple[str, str], Any] = {
            ("SceneItemEnableStateChanged", str(i)): e
            for i, e in enabled.items()
            if card.enabled.get(i) != e
        }
        if _has_input_settings_event(client):
            expected |= {
                ("InputSettingsChanged", n): s
                for n, s in settings.items()
                if card.settings.get(n) != s
            }
        self._expected = dict(expected)
        self._seen.clear()
        results = await client.call_batch(
            requests,
            timeout=self._request_timeout_s,
            halt_on_failure=True,
            execution_type=simpleobsws.RequestBatchExecutionType.SerialFrame,
        )
        failed = [r for r in results if not r.ok()]
        if failed:
            raise _Refused(f"OBS refused {failed[0].requestType}: {_status_text(failed[0])}")
        if len(results) != len(requests):
            raise _Refused("OBS ran only part of the product card's batch")
        card.enabled |= enabled
        card.settings |= settings
        if expected:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._seen.wait(), self._confirm_timeout_s)
        by_event = expected.keys() - self._expected.keys()
        self._expected = {}
        read_back = [("SceneItemEnableStateChanged", str(i)) for i in enabled] + [
            ("InputSettingsChanged", n) for n in settings
        ]
        read_back = [key for key in read_back if key not in by_event]
        if await self._read_back(client, read_back, enabled, settings):
            await self._confirm(state.version, "read-back" if read_back else "events")
        else:
            self._report(
                ObsStatus(
                    ObsLink.CONNECTED,
                    f"OBS did not show the change of version {state.version}",
                    mode=card.mode,
                    confirmed_version=self._status.confirmed_version,
                    confirmed_by=self._status.confirmed_by,
                )
            )

    async def _read_back(
        self,
        client: simpleobsws.WebSocketClient,
        keys: list[tuple[str, str]],
        enabled: dict[int, bool],
        settings: dict[str, Json],
    ) -> bool:
        """Whether OBS shows what was asked, for what no event confirmed."""
        for kind, key in keys:
            if kind == "SceneItemEnableStateChanged":
                item = int(key)
                reply = await self._call(
                    client,
                    "GetSceneItemEnabled",
                    {"sceneName": self.target.scene, "sceneItemId": item},
                )
                if not reply.ok() or reply.responseData.get("sceneItemEnabled") != enabled[item]:
                    log.info("OBS did not show or hide scene item %d", item)
                    return False
            else:
                reply = await self._call(client, "GetInputSettings", {"inputName": key})
                have = reply.responseData.get("inputSettings", {}) if reply.ok() else {}
                if any(have.get(k) != v for k, v in settings[key].items()):
                    log.info("OBS did not take the settings of %s", key)
                    return False
        return True

    async def _on_event(self, event_type: str, data: Json | None) -> None:
        if data is None:
            return
        if (
            event_type == "SceneItemEnableStateChanged"
            and data.get("sceneName") == self.target.scene
        ):
            key = (event_type, str(data.get("sceneItemId")))
            if key in self._expected and self._expected[key] == data.get("sceneItemEnabled"):
                del self._expected[key]
        elif event_type == "InputSettingsChanged":
            key = (event_type, str(data.get("inputName")))
            want = self._expected.get(key)
            have = data.get("inputSettings") or {}
            if want is not None and all(have.get(k) == v for k, v in want.items()):
                del self._expected[key]
        if not self._expected:
            self._seen.set()

    async def _image_file(self, url: str) -> str | None:
        """A local copy of the product image for an ``image_source``; None without one."""
        if not url or self._images is None or self._image_dir is None:
            return None
        folder = self._image_dir
        key = image_key(url)
        existing = await asyncio.to_thread(lambda: sorted(folder.glob(f"{key}.*")))
        if existing:
            return str(existing[0])
        try:
            data = await self._images(url)
        except Exception:  # the card goes on air without its picture
            log.info("OBS: no image for %s", url, exc_info=True)
            return None
        kind = None if data is None else image_type(data)
        if data is None or kind is None:
            return None
        path = folder / f"{key}.{EXTENSIONS[kind]}"

        def write() -> None:
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)

        await asyncio.to_thread(write)
        return str(path)


def _title(card: OnAirCard, links: bool) -> str:
    return card.display_title if links else without_links(card.display_title)


def _price(card: OnAirCard) -> str:
    if card.price is None:
        return ""
    if card.compare_at is None:
        return card.price.format()
    return f"{card.price.format()}  (was {card.compare_at.format()})"


def _has_input_settings_event(client: simpleobsws.WebSocketClient) -> bool:
    """``InputSettingsChanged`` exists from obs-websocket 5.4 on (OBS 30.1)."""
    hello = client.hello_message or {}
    return _version(str(hello.get("obsWebSocketVersion", "0"))) >= (5, 4)


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in text.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _status_text(reply: simpleobsws.RequestResponse) -> str:
    status = reply.requestStatus
    return f"code {status.code}" + (f", {status.comment}" if status.comment else "")


def _plain(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "OBS is not running, or obs-websocket is off (connection refused)"
    if isinstance(exc, TimeoutError | simpleobsws.MessageTimeout):
        return "OBS did not answer in time"
    return f"cannot reach OBS: {exc}"
