"""The live engine: the process where the live show runs (see ``services.live_process``).

Part of the composition root: it builds the platform link (``LiveLink``: the chosen
platform, the show database, the embedded practice platform), the live session, the
product overlay's server and OBS control (each a subscriber of the session; OBS only when
turned on in Show > OBS…), then serves the window's calls
and requests from the pipe until told to stop, sending every state the session
publishes. Nothing here imports Qt; the window's process never runs the stream, the
ledger or SQLite writes of a live show.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seller_console.domain.on_air import ObsBadge, ObsLinkState
from seller_console.domain.platform_port import SecretSaved
from seller_console.paths import configure_logging
from seller_console.services.live_process import Failure
from seller_console.settings import ObsSettings, Profile, ProfileKind, Settings, save_settings

# What the engine runs is imported in its own process (``serve``): the window's process
# imports this module only for ``EngineConfig`` and ``serve``'s name (start-up time).
if TYPE_CHECKING:
    from seller_console.broadcast.images import ImageLoader
    from seller_console.broadcast.obs_control import ObsControl, ObsStatus
    from seller_console.broadcast.overlay_server import OverlayServer
    from seller_console.domain.platform_port import SecretStore
    from seller_console.domain.rundown import PlatformFindings, RundownItem
    from seller_console.live_link import LiveLink
    from seller_console.platform.shopee.signin import ShopeeSignIn
    from seller_console.platform.tiktok.signin import TikTokSignIn
    from seller_console.services.live_session import LiveEvent, LiveState
    from seller_console.services.reports import ShowReport, ShowSummary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """What the window's process tells the engine it starts (picklable)."""

    database: Path
    settings: Settings
    settings_path: Path
    log_folder: Path | None
    image_cache: Path
    sandbox_rate: float


OVERLAY_PORT_FILE = "overlay-port.json"
"""The product overlay's port, in the data folder (see ``start_overlay_server``)."""
OVERLAY_KEYCHAIN_ENTRY = "overlay page"
"""The keychain entry of the overlay page's token: a browser source's address outlives the
console's run (without a keychain, each run makes a new one)."""
OBS_BADGE_WAIT_S = 30.0
"""How long a window's ``obs_badge`` request waits for a change before it answers anyway."""
OBS_RECONNECT_BASE_S = 1.0
OBS_RECONNECT_MAX_S = 30.0

ENGINE_NICENESS = 5
"""How much the engine yields the processor to the window's process when both want it:
the window's paint comes first, the engine catches up (it keeps everything meanwhile)."""


def serve(conn: Connection, config: EngineConfig) -> None:
    """The engine process's main function."""
    if config.log_folder is not None:
        configure_logging(config.log_folder, "live-engine.log")
    if hasattr(os, "nice"):  # POSIX; Windows keeps the normal priority
        with contextlib.suppress(OSError):
            os.nice(ENGINE_NICENESS)
    try:
        asyncio.run(_Engine(conn, config).serve())
    finally:
        conn.close()


class _Engine:
    def __init__(self, conn: Connection, config: EngineConfig) -> None:
        from seller_console.live_link import LiveLink
        from seller_console.paths import resources_dir
        from seller_console.platform.images import DEMO_HOST, ImageFetcher
        from seller_console.services.live_session import LiveSession

        self._conn = conn
        self._send_lock = threading.Lock()
        self.link = LiveLink(
            config.database,
            config.settings,
            config.settings_path,
            None,  # the OS keychain, opened on first use
            sandbox_rate=config.sandbox_rate,
        )
        self.session = LiveSession(self.link)
        self.images = ImageFetcher(None, config.image_cache, {DEMO_HOST: resources_dir() / "demo"})
        self.overlay: OverlayServer | None = None
        self._image_cache = config.image_cache
        # beside the show database: a browser source's address outlives the console's run
        self._overlay_port = config.database.with_name(OVERLAY_PORT_FILE)
        self._settings_path = config.settings_path
        self.obs: ObsControl | None = None
        self._obs_unsubscribe: Callable[[], None] | None = None
        self._obs_badge = ObsBadge(ObsLinkState.OFF)
        self._obs_seen = 0  # grows with every badge change
        self._obs_changed = asyncio.Event()
        self._obs_secrets = _RunFirst(self.link)
        self._tasks: set[asyncio.Task[None]] = set()
        self._browser_sign_in: ShopeeSignIn | TikTokSignIn | None = None
        session, link = self.session, self.link
        self._handlers: dict[str, Callable[..., Any]] = {
            "go_live": session.go_live,
            "resume": session.resume,
            "end_show": session.end_show,
            "end_unfinished": session.end_unfinished,
            "leave_running": session.leave_running,
            "arm_index": session.arm_index,
            "arm_step": session.arm_step,
            "take": session.take,
            "undo_take": session.undo_take,
            "retry_pin": session.retry_pin,
            "set_auto_advance": session.set_auto_advance,
            "update_items": session.update_items,
            "unfinished_shows": link.unfinished_shows,
            "unfinished_here": link.unfinished_here,
            "platform_orders": link.platform_orders,
            "test_connection": link.test_connection,
            "sign_in": self._sign_in,
            "sign_in_link": self._sign_in_link,
            "sign_in_redirected": self._sign_in_redirected,
            "sign_in_cancel": self._sign_in_cancel,
            "use_profile": link.use_profile,
            "flush": _nothing,
            "show_summaries": self._show_summaries,
            "report": self._report,
            "refresh": link.refresh_show,
            "affiliate_links": link.affiliate_links,
            "import_orders": link.import_orders,
            "practice_audience": link.practice_audience,
            "practice_platform": link.practice_platform,
            "overlay_url": self._overlay_url,
            "obs_settings": self._obs_settings,
            "use_obs": self._use_obs,
            "obs_badge": self._obs_badge_after,
            "platform_preflight": self._platform_preflight,
            # the app's one secret store (the window's dialogs save through it): what is
            # kept for this run only, where there is no keychain, is kept here, where the
            # platform calls read it
            "secret_load": self._secret_load,
            "secret_save": self._secret_save,
            "secret_delete": self._secret_delete,
        }

    def _send(self, message: tuple[object, ...]) -> None:
        with self._send_lock:
            self._conn.send(message)

    def _published(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        try:
            self._send(("state", state, events))
        except (OSError, EOFError):  # the window is gone: the loop stops on its own
            logger.info("a live state was not delivered: the window's end is closed")

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    message = self._conn.recv()
                except (EOFError, OSError):
                    message = ("stop",)
                loop.call_soon_threadsafe(inbox.put_nowait, message)
                if message[0] == "stop":
                    return

        threading.Thread(target=read, name="live-engine-inbox", daemon=True).start()
        self.session.subscribe(self._published)
        from seller_console.broadcast.overlay_server import (
            OverlayStartError,
            start_overlay_server,
        )
        from seller_console.services.on_air_feed import OnAirFeed

        token = await self.link.secrets.load(OVERLAY_KEYCHAIN_ENTRY)
        try:
            self.overlay = await asyncio.to_thread(
                start_overlay_server,
                images=self.images.fetch,
                image_loop=loop,
                port_file=self._overlay_port,
                token=token,
            )
            if self.overlay.token != token:
                await self.link.secrets.save(OVERLAY_KEYCHAIN_ENTRY, self.overlay.token)
            self.session.subscribe(OnAirFeed(self.overlay))
        except OverlayStartError as exc:  # the show goes on without a stream overlay
            logger.warning("no product overlay: %s", exc)
        await self._start_obs(self.link.settings.obs)
        try:
            while True:
                message = await inbox.get()
                if message[0] == "stop":
                    break
                if message[0] == "call":
                    _, name, args = message
                    self._run(None, name, args)
                elif message[0] == "request":
                    _, request_id, name, args = message
                    self._run(request_id, name, args)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._stop_obs()
            await self._sign_in_cancel()
            await self.session.close()
            await self.link.close()
            if self.overlay is not None:
                await asyncio.to_thread(self.overlay.stop)
            await self.images.aclose()

    def _run(self, request_id: int | None, name: str, args: tuple[Any, ...]) -> None:
        handler = self._handlers.get(name)
        if handler is None:
            self._answer(request_id, False, Failure.of(RuntimeError(f"no such request {name}")))
            return
        if inspect.iscoroutinefunction(handler):
            task = asyncio.create_task(self._await(request_id, handler, args), name=name)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        try:
            self._answer(request_id, True, handler(*args))
        except Exception as error:
            self._failed(request_id, name, error)

    async def _await(
        self, request_id: int | None, handler: Callable[..., Any], args: tuple[Any, ...]
    ) -> None:
        try:
            self._answer(request_id, True, await handler(*args))
        except Exception as error:
            self._failed(request_id, handler.__name__, error)

    def _failed(self, request_id: int | None, name: str, error: Exception) -> None:
        failure = Failure.of(error)
        if failure.kind.value == "bug":
            logger.exception("the live engine's %s failed", name)
        self._answer(request_id, False, failure)

    def _answer(self, request_id: int | None, ok: bool, value: object) -> None:
        if request_id is None:
            return
        try:
            self._send(("reply", request_id, ok, value))
        except (OSError, EOFError):
            logger.info("reply %s not delivered: the window's end is closed", request_id)

    # ------------------------------------------------------------ requests of its own
    def _overlay_url(self) -> str | None:
        """The product overlay's page, for a browser source (None when it could not start)."""
        return None if self.overlay is None else self.overlay.url

    # ------------------------------------------------------------ OBS control
    def _obs_settings(self) -> ObsSettings:
        return self.link.settings.obs

    async def _use_obs(
        self, obs: ObsSettings, password: str | None = None, keep: bool = True
    ) -> None:
        """Show > OBS…: keep the settings and (re)connect with them. ``password``: one for
        this run only, never saved (the self-test's; the window's is in the secret store).
        ``keep`` False (the self-test): for this run only, the settings file untouched."""
        if password is not None:
            self._obs_secrets.run_only[obs.secret_account] = password
        if keep and obs != self.link.settings.obs:
            self.link.settings = replace(self.link.settings, obs=obs)
            await asyncio.to_thread(save_settings, self._settings_path, self.link.settings)
        await self._stop_obs()
        await self._start_obs(obs)

    async def _start_obs(self, obs: ObsSettings) -> None:
        """OBS control as a subscriber of the live session; the show never waits on it."""
        if self.overlay is not None:
            self.overlay.set_delay(obs.delay_s)
        if not obs.enabled:
            return
        from seller_console.services.on_air_feed import OnAirFeed

        control = obs_control(
            obs,
            None if self.overlay is None else self.overlay.url,
            self._obs_secrets,
            self._obs_status,
            self.images.fetch,
            self._image_cache / "obs",
        )
        self.obs = control
        control.start()
        self._obs_unsubscribe = self.session.subscribe(OnAirFeed(control))

    async def _stop_obs(self) -> None:
        control, unsubscribe = self.obs, self._obs_unsubscribe
        self.obs, self._obs_unsubscribe = None, None
        if unsubscribe is not None:
            unsubscribe()
        if control is not None:
            await control.stop()
        self._set_badge(ObsBadge(ObsLinkState.OFF))

    def _obs_status(self, status: ObsStatus) -> None:
        from seller_console.broadcast.obs_control import badge_of

        self._set_badge(badge_of(status))

    def _set_badge(self, badge: ObsBadge) -> None:
        if badge != self._obs_badge:
            self._obs_badge, self._obs_seen = badge, self._obs_seen + 1
            self._obs_changed.set()

    async def _obs_badge_after(self, seen: int) -> tuple[int, ObsBadge]:
        """The OBS badge once it differs from the one numbered ``seen`` (the window asks
        again at once: a long poll), or as it is after ``OBS_BADGE_WAIT_S``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(OBS_BADGE_WAIT_S):
                while self._obs_seen == seen:
                    self._obs_changed.clear()
                    await self._obs_changed.wait()
        return self._obs_seen, self._obs_badge

    async def _platform_preflight(self, items: tuple[RundownItem, ...]) -> PlatformFindings:
        """Pre-flight on the profile's platform (``services.platform_check``); a platform
        that cannot be opened (no key, no tokens) is a finding that says why."""
        from seller_console.domain.errors import DomainError
        from seller_console.domain.platform_errors import PlatformError
        from seller_console.services.platform_check import check_on_platform, unreachable

        try:
            client, _store = await self.link.open()
        except (PlatformError, DomainError) as exc:
            why = getattr(exc, "user_message", None) or str(exc)
            kind = self.link.profile.kind.value  # e.g. "shopee", "tiktok_practice"
            platform = next((p for p in ("shopee", "tiktok") if kind.startswith(p)), "livecommerce")
            return unreachable(platform, why)
        return await check_on_platform(client, items)

    async def _sign_in(self, profile: Profile, pasted: str) -> str:
        """Shopee: a pasted authorization code or return address is exchanged for tokens
        (``ShopeeSignIn``); a pasted token set, and TikTok's code, go to ``LiveLink``."""
        if profile.kind is not ProfileKind.SHOPEE or pasted.lstrip().startswith("{"):
            return await self.link.sign_in(profile, pasted)
        signing = _shopee_sign_in(profile, self.link.secrets)
        try:
            return await signing.exchange_pasted(pasted)
        finally:
            await signing.aclose()

    async def _sign_in_link(self, profile: Profile) -> str:
        """Start a browser sign-in (Shopee, TikTok Shop): its loopback redirect listens from
        now on; the authorization link to open is returned. A new one replaces the last."""
        await self._sign_in_cancel()
        signing: ShopeeSignIn | TikTokSignIn
        if profile.kind is ProfileKind.SHOPEE:
            signing = _shopee_sign_in(profile, self.link.secrets)
        elif profile.kind is ProfileKind.TIKTOK and profile.app_key:
            from seller_console.platform.tiktok.signin import TikTokSignIn

            signing = TikTokSignIn(profile.app_key, partial(self.link.sign_in, profile))
        else:
            from seller_console.domain.errors import DomainError

            raise DomainError("This profile has no sign-in through the browser.")
        self._browser_sign_in = signing
        return await signing.start()

    async def _sign_in_redirected(self) -> str:
        """Wait (bounded) for the browser's return, then exchange its code for tokens."""
        signing = self._browser_sign_in
        if signing is None:
            from seller_console.domain.errors import DomainError

            raise DomainError("No sign-in is waiting for the browser: start it again.")
        try:
            return await signing.finish()
        finally:
            if self._browser_sign_in is signing:
                self._browser_sign_in = None
            await signing.aclose()

    async def _sign_in_cancel(self) -> None:
        signing, self._browser_sign_in = self._browser_sign_in, None
        if signing is not None:
            await signing.aclose()

    async def _secret_load(self, account: str) -> str | None:
        return await self.link.secrets.load(account)

    async def _secret_save(self, account: str, secret: str) -> SecretSaved:
        return await self.link.secrets.save(account, secret)

    async def _secret_delete(self, account: str) -> None:
        await self.link.secrets.delete(account)

    async def _show_summaries(self) -> tuple[ShowSummary, ...]:
        return await (await self.link.open_reports()).summaries()

    async def _report(self, show_id: str) -> ShowReport:
        return await (await self.link.open_reports()).report(show_id)


def obs_control(
    obs: ObsSettings,
    overlay_url: str | None,
    secrets: SecretStore,
    on_status: Callable[[ObsStatus], None],
    images: ImageLoader,
    image_dir: Path,
    max_delay_s: float = OBS_RECONNECT_MAX_S,
) -> ObsControl:
    """OBS control for ``obs``, reconnecting with the one retry policy (the live engine's
    and the platform self-test's; the self-test waits at most ``max_delay_s``)."""
    from seller_console.broadcast.obs_control import ObsControl, ObsTarget
    from seller_console.platform._retry import RetryPolicy

    policy = RetryPolicy(base_delay_s=OBS_RECONNECT_BASE_S, max_delay_s=max_delay_s)
    rng = random.Random()
    return ObsControl(
        ObsTarget(
            url=obs.url,
            scene=obs.scene,
            prefix=obs.source,
            overlay_url=overlay_url,
            delay_s=obs.delay_s,
            secret_account=obs.secret_account,
        ),
        secrets=secrets,
        on_status=on_status,
        backoff=lambda attempt: max(0.5, policy.backoff_s(attempt, rng)),
        images=images,
        image_dir=image_dir,
    )


class _RunFirst:
    """The OBS password: one passed for this run only, else the engine's secret store's.
    The window's dialog saves its password in that store; the self-test's
    (``--obs-password-file``) is read into memory only and must never reach the keychain,
    so it comes here."""

    def __init__(self, link: LiveLink) -> None:
        self._link = link
        self.run_only: dict[str, str] = {}

    async def load(self, account: str) -> str | None:
        if account in self.run_only:
            return self.run_only[account]
        return await self._link.secrets.load(account)

    async def save(self, account: str, secret: str) -> SecretSaved:
        return await self._link.secrets.save(account, secret)

    async def delete(self, account: str) -> None:
        self.run_only.pop(account, None)
        await self._link.secrets.delete(account)


def _shopee_sign_in(profile: Profile, secrets: SecretStore) -> ShopeeSignIn:
    """A sign-in for the Shopee profile the dialog shows (its ids, host and entries)."""
    from seller_console.platform.shopee import KeychainEntries
    from seller_console.platform.shopee.signin import ShopeeAccount, ShopeeSignIn

    assert profile.url is not None  # a Shopee profile has all of these (Profile checks)
    assert profile.partner_id
    assert profile.user_id
    assert profile.shop_id
    entries = KeychainEntries(*profile.shopee_entries())
    account = ShopeeAccount(
        profile.url, profile.partner_id, profile.user_id, profile.shop_id, entries
    )
    return ShopeeSignIn(account, secrets)


def _nothing() -> None:
    """A request that answers once everything sent before it was handled."""
