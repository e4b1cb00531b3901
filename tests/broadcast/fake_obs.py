"""A protocol-level fake obs-websocket v5 server on 127.0.0.1, written from obs-websocket's
``docs/generated/protocol.md`` (not from our client):

- Hello (op 0) with an authentication challenge and salt; Identify (op 1) is checked:
  ``rpcVersion`` 1 and the auth string ``b64(sha256(b64(sha256(password + salt)) +
  challenge))``, else the connection is closed with 4009 AuthenticationFailed (4010 for
  another RPC version, 4007 NotIdentified for anything sent before Identify);
- Identified (op 2); Request (op 6) -> RequestResponse (op 7); RequestBatch (op 8) ->
  RequestBatchResponse (op 9), serially, honouring ``haltOnFailure``;
- Event (op 5) for the subscribed intents only (Inputs 1<<3, SceneItems 1<<7):
  ``InputSettingsChanged`` (from 5.4 on) and ``SceneItemEnableStateChanged`` (only when the
  state changes, as OBS does);
- both subprotocols: ``obswebsocket.json`` (text) and ``obswebsocket.msgpack`` (binary).

The requests this console uses are implemented over a small scene model; any other is
answered 204 UnknownRequestType. Everything received after Identify is kept in
``received`` for the tests.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

import msgpack
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

Json = dict[str, Any]

SUCCESS = 100
MISSING_FIELD = 300
UNKNOWN_REQUEST = 204
NOT_FOUND = 600
ALREADY_EXISTS = 601
INVALID_KIND = 605
INTENT_INPUTS = 1 << 3
INTENT_SCENE_ITEMS = 1 << 7
DEFAULT_SUBSCRIPTIONS = 0x7FF  # EventSubscription::All (not the high-volume ones)

DEBIAN_KINDS = (
    "text_ft2_source_v2",
    "image_source",
    "color_source_v3",
    "slideshow",
    "ffmpeg_source",
    "xshm_input",
    "pulse_input_capture",
)
WINDOWS_KINDS = ("browser_source", "text_gdiplus_v3", "image_source", "color_source_v3")


def auth_string(password: str, salt: str, challenge: str) -> str:
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


class _Fail(Exception):
    def __init__(self, code: int, comment: str) -> None:
        super().__init__(comment)
        self.code = code
        self.comment = comment


@dataclass
class SceneItem:
    item_id: int
    source: str
    enabled: bool
    transform: Json = field(default_factory=dict)


@dataclass(eq=False)
class _Client:
    ws: ServerConnection
    binary: bool
    subscriptions: int = DEFAULT_SUBSCRIPTIONS


class FakeObs:
    def __init__(
        self,
        password: str | None = "obs-pass",
        kinds: tuple[str, ...] = DEBIAN_KINDS,
        websocket_version: str = "5.5.0",
        scene: str = "Scene",
    ) -> None:
        self.password = password
        self.kinds = kinds
        self.websocket_version = websocket_version
        self.inputs: dict[str, Json] = {}  # name -> {"kind", "settings"}
        self.scenes: dict[str, list[SceneItem]] = {scene: []}
        self.received: list[Json] = []  # {"op": .., "d": ..} after Identify
        self.auth_failures = 0
        self.identified = 0
        self.silent_events = False  # True: never send events (an OBS that drops them)
        self._next_item = 1
        self._clients: set[_Client] = set()
        self._server: Server | None = None
        self.port = 0

    # ------------------------------------------------------------------ running
    async def start(self, port: int = 0) -> FakeObs:
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            port,
            subprotocols=["obswebsocket.json", "obswebsocket.msgpack"],  # type: ignore[list-item]
        )
        self.port = self._server.sockets[0].getsockname()[1] if port == 0 else port
        return self

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def drop_clients(self) -> None:
        """Closes every connection as OBS does when it quits (1001 going away)."""
        for client in list(self._clients):
            await client.ws.close(1001, "OBS is shutting down")

    def requests(self, op: int | None = None) -> list[Json]:
        return [m for m in self.received if op is None or m["op"] == op]

    def item(self, source: str, scene: str = "Scene") -> SceneItem:
        return next(i for i in self.scenes[scene] if i.source == source)

    # ------------------------------------------------------------------ wire
    async def _send(self, client: _Client, op: int, data: Json) -> None:
        message = {"op": op, "d": data}
        await client.ws.send(msgpack.packb(message) if client.binary else json.dumps(message))

    def _decode(self, client: _Client, raw: str | bytes) -> Json:
        if client.binary != isinstance(raw, bytes):
            raise _Fail(4002, "MessageDecodeError: wrong frame type for the subprotocol")
        message = msgpack.unpackb(raw) if isinstance(raw, bytes) else json.loads(raw)
        if not isinstance(message, dict) or "op" not in message:
            raise _Fail(4002, "MessageDecodeError")
        return message

    async def _handle(self, ws: ServerConnection) -> None:
        client = _Client(ws, binary=ws.subprotocol == "obswebsocket.msgpack")
        salt = base64.b64encode(secrets.token_bytes(32)).decode()
        challenge = base64.b64encode(secrets.token_bytes(32)).decode()
        hello: Json = {
            "obsStudioVersion": "30.2.0",
            "obsWebSocketVersion": self.websocket_version,
            "rpcVersion": 1,
        }
        if self.password is not None:
            hello["authentication"] = {"challenge": challenge, "salt": salt}
        try:
            await self._send(client, 0, hello)
            message = self._decode(client, await ws.recv())
            if message["op"] != 1:
                await ws.close(4007, "NotIdentified")
                return
            data = message.get("d") or {}
            if data.get("rpcVersion") != 1:
                await ws.close(4010, "UnsupportedRpcVersion")
                return
            if self.password is not None and data.get("authentication") != auth_string(
                self.password, salt, challenge
            ):
                self.auth_failures += 1
                await ws.close(4009, "Authentication failed.")
                return
            client.subscriptions = int(data.get("eventSubscriptions", DEFAULT_SUBSCRIPTIONS))
            await self._send(client, 2, {"negotiatedRpcVersion": 1})
            self.identified += 1
            self._clients.add(client)
            async for raw in ws:
                message = self._decode(client, raw)
                self.received.append(message)
                await self._dispatch(client, message)
        except _Fail as exc:
            await ws.close(exc.code, exc.comment)
        except ConnectionClosed:
            pass
        finally:
            self._clients.discard(client)

    async def _dispatch(self, client: _Client, message: Json) -> None:
        op, data = message["op"], message.get("d") or {}
        if op == 6:
            result = await self._run(data)
            await self._send(client, 7, {**result, "requestId": data["requestId"]})
        elif op == 8:
            results = []
            for request in data.get("requests", []):
                result = await self._run(request)
                results.append(result)
                if data.get("haltOnFailure") and not result["requestStatus"]["result"]:
                    break
            await self._send(client, 9, {"requestId": data["requestId"], "results": results})
        elif op == 3:
            client.subscriptions = int(data.get("eventSubscriptions", DEFAULT_SUBSCRIPTIONS))
            await self._send(client, 2, {"negotiatedRpcVersion": 1})
        else:
            raise _Fail(4004, "UnknownOpCode")

    async def _emit(self, event_type: str, intent: int, data: Json) -> None:
        if self.silent_events:
            return
        for client in list(self._clients):
            if client.subscriptions & intent:
                payload = {"eventType": event_type, "eventIntent": intent, "eventData": data}
                with contextlib.suppress(ConnectionClosed):
                    await self._send(client, 5, payload)

    # ------------------------------------------------------------------ requests
    async def _run(self, request: Json) -> Json:
        kind = request.get("requestType", "")
        data = request.get("requestData") or {}
        handler = getattr(self, f"_r_{kind}", None)
        reply: Json = {"requestType": kind}
        if handler is None:
            reply["requestStatus"] = {
                "result": False,
                "code": UNKNOWN_REQUEST,
                "comment": "Your request type is not valid.",
            }
            return reply
        try:
            response = await handler(data)
        except _Fail as exc:
            reply["requestStatus"] = {"result": False, "code": exc.code, "comment": exc.comment}
            return reply
        reply["requestStatus"] = {"result": True, "code": SUCCESS}
        if response is not None:
            reply["responseData"] = response
        return reply

    @staticmethod
    def _field(data: Json, name: str) -> Any:
        if name not in data:
            raise _Fail(MISSING_FIELD, f"Your request is missing the `{name}` field.")
        return data[name]

    def _input(self, data: Json) -> Json:
        name = self._field(data, "inputName")
        if name not in self.inputs:
            raise _Fail(NOT_FOUND, "No source was found by the name of `inputName`.")
        return self.inputs[name]

    def _scene(self, data: Json) -> list[SceneItem]:
        name = self._field(data, "sceneName")
        if name not in self.scenes:
            raise _Fail(NOT_FOUND, "No source was found by the name of `sceneName`.")
        return self.scenes[name]

    def _scene_item(self, data: Json) -> SceneItem:
        items = self._scene(data)
        item_id = self._field(data, "sceneItemId")
        for item in items:
            if item.item_id == item_id:
                return item
        raise _Fail(NOT_FOUND, "No scene items were found in the specified scene.")

    def _add_item(self, scene: list[SceneItem], source: str, enabled: bool) -> SceneItem:
        item = SceneItem(self._next_item, source, enabled)
        self._next_item += 1
        scene.append(item)
        return item

    async def _r_GetVersion(self, data: Json) -> Json:
        return {"obsWebSocketVersion": self.websocket_version, "rpcVersion": 1}

    async def _r_GetInputKindList(self, data: Json) -> Json:
        return {"inputKinds": list(self.kinds)}

    async def _r_GetInputSettings(self, data: Json) -> Json:
        found = self._input(data)
        return {"inputSettings": dict(found["settings"]), "inputKind": found["kind"]}

    async def _r_SetInputSettings(self, data: Json) -> None:
        found = self._input(data)
        settings = self._field(data, "inputSettings")
        if data.get("overlay", True):
            found["settings"] = {**found["settings"], **settings}
        else:
            found["settings"] = dict(settings)
        if self._at_least(5, 4):
            await self._emit(
                "InputSettingsChanged",
                INTENT_INPUTS,
                {"inputName": data["inputName"], "inputSettings": dict(found["settings"])},
            )

    async def _r_CreateInput(self, data: Json) -> Json:
        scene = self._scene(data)
        name = self._field(data, "inputName")
        kind = self._field(data, "inputKind")
        if name in self.inputs:
            raise _Fail(ALREADY_EXISTS, "A source already exists by that input name.")
        if kind not in self.kinds:
            raise _Fail(INVALID_KIND, "Your specified input kind is not supported by OBS.")
        self.inputs[name] = {"kind": kind, "settings": dict(data.get("inputSettings") or {})}
        item = self._add_item(scene, name, bool(data.get("sceneItemEnabled", True)))
        return {"inputUuid": f"uuid-{name}", "sceneItemId": item.item_id}

    async def _r_GetSceneItemId(self, data: Json) -> Json:
        scene = self._scene(data)
        source = self._field(data, "sourceName")
        for item in scene:
            if item.source == source:
                return {"sceneItemId": item.item_id}
        raise _Fail(NOT_FOUND, "No scene items were found in the specified scene.")

    async def _r_CreateSceneItem(self, data: Json) -> Json:
        scene = self._scene(data)
        source = self._field(data, "sourceName")
        if source not in self.inputs:
            raise _Fail(NOT_FOUND, "No source was found by the name of `sourceName`.")
        item = self._add_item(scene, source, bool(data.get("sceneItemEnabled", True)))
        return {"sceneItemId": item.item_id}

    async def _r_SetSceneItemEnabled(self, data: Json) -> None:
        item = self._scene_item(data)
        enabled = self._field(data, "sceneItemEnabled")
        if item.enabled != enabled:
            item.enabled = enabled
            await self._emit(
                "SceneItemEnableStateChanged",
                INTENT_SCENE_ITEMS,
                {
                    "sceneName": data["sceneName"],
                    "sceneItemId": item.item_id,
                    "sceneItemEnabled": enabled,
                },
            )

    async def _r_GetSceneItemEnabled(self, data: Json) -> Json:
        return {"sceneItemEnabled": self._scene_item(data).enabled}

    async def _r_SetSceneItemTransform(self, data: Json) -> None:
        item = self._scene_item(data)
        item.transform.update(self._field(data, "sceneItemTransform"))

    def _at_least(self, major: int, minor: int) -> bool:
        parts = [int(p) for p in self.websocket_version.split(".")[:2]]
        return (parts[0], parts[1]) >= (major, minor)


class ObsInThread:
    """The fake OBS on its own loop and thread (the self-test is a blocking subprocess)."""

    def __init__(self, fake: FakeObs) -> None:
        self.fake = fake
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> FakeObs:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self._loop).result(10)
        return self.fake

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    """Polls ``predicate()`` until true (bounded); fails the test on timeout."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
