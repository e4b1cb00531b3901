"""The platform the console talks to, and the show database: opened on first use, closed once.

Part of the composition root (it imports platform, storage and the sandbox). The profile
in settings decides the platform: by default the embedded sandbox, started inside the app
on a free loopback port, so a new user can go live in one click with no account; or a
sandbox at a URL; or the Live Commerce API, with its key from the OS keychain.
Switching profiles never touches a show in progress: the window only allows it between
shows, and the show database is the same for every profile (each show is scoped by the
account it ran on).

The embedded sandbox keeps its state in the data folder beside the show database, so
its sessions and orders survive an app restart: an unfinished show can be resumed, and
its ids never repeat. It lives in the live engine's process (``live_engine``).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.errors import DomainError
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import SecretStore
from seller_console.domain.rundown import ShowPlan
from seller_console.domain.show_records import ShowRecord
from seller_console.services.live_show import LiveShow
from seller_console.services.reports import ShowReports
from seller_console.settings import Profile, ProfileKind, Settings, save_settings

# The platform client (httpx), the sandbox (starlette, uvicorn), the show database and
# keyring are imported where first used: the window opens without them (start-up time).
if TYPE_CHECKING:
    from seller_console.platform.client import LiveCommerceClient
    from seller_console.sandbox.server import RunningSandbox
    from seller_console.storage import Database, ShowStore

DEMO_SEED = 7
DEMO_RATE = 3.0  # orders per second while a product is pinned: a lively demo show


SANDBOX_STATE = "sandbox.sqlite3"
"""The embedded sandbox's own state, beside the show database."""


class MissingKeyError(DomainError):
    """A profile that needs an API key has none stored."""


class WrongPlatformError(DomainError):
    """A stored show belongs to another platform account than the chosen profile's."""


class LiveLink:
    """One platform connection and one show store for the app's life."""

    def __init__(
        self,
        database_path: Path,
        settings: Settings,
        settings_path: Path,
        secrets: SecretStore | None,
        *,
        sandbox_rate: float = DEMO_RATE,
        sandbox_seed: int = DEMO_SEED,
    ) -> None:
        self._database_path = database_path
        self.settings = settings
        self._settings_path = settings_path
        self._secrets = secrets
        self._sandbox_rate = sandbox_rate
        self._sandbox_seed = sandbox_seed
        self.sandbox: RunningSandbox | None = None
        self.client: LiveCommerceClient | None = None
        self._db: Database | None = None
        self.store: ShowStore | None = None
        self._lock = asyncio.Lock()
        self._run_keys: dict[str, str] = {}  # keys the window kept for this run only

    @property
    def profile(self) -> Profile:
        return self.settings.profile

    @property
    def secrets(self) -> SecretStore:
        """The store given, else the OS keychain's, made on first use."""
        if self._secrets is None:
            from seller_console.platform.secrets import KeyringSecretStore  # start-up time

            self._secrets = KeyringSecretStore()
        return self._secrets

    async def open(self) -> tuple[LiveCommerceClient, ShowStore]:
        async with self._lock:
            if self._db is None or self.store is None:
                from seller_console.storage import Database, ShowStore  # start-up time

                folder = self._database_path.parent
                await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
                self._db = await Database.open(self._database_path)
                self.store = ShowStore(self._db)
            if self.client is None:
                self.client = await self._connect(self.profile, None)
            return self.client, self.store

    @property
    def where(self) -> str:
        """The platform's address, as part of a show's scope (the embedded sandbox is
        one place, whatever port it listens on today)."""
        if self.profile.kind is ProfileKind.SANDBOX_DEMO:
            return "embedded sandbox"
        return self.profile.url or ""

    async def _connect(self, profile: Profile, key: str | None) -> LiveCommerceClient:
        from seller_console.platform.client import LiveCommerceClient  # start-up time

        if profile.kind is ProfileKind.SANDBOX_DEMO:
            if self.sandbox is None:
                state = self._database_path.with_name(SANDBOX_STATE)
                self.sandbox = await asyncio.to_thread(
                    _start_sandbox, self._sandbox_seed, self._sandbox_rate, state
                )
            return LiveCommerceClient(self.sandbox.base_url, self.sandbox.api_key)
        account = profile.secret_account
        assert profile.url is not None  # Profile requires one for this kind
        assert account is not None
        key = key or self._run_keys.get(account) or await self.secrets.load(account)
        if not key:
            raise MissingKeyError(
                f"no API key is stored for {profile.url}: set it in Show > Platform"
            )
        return LiveCommerceClient(profile.url, key)

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow:
        client, store = await self.open()
        return LiveShow(client, store, plan, policy, where=self.where)

    async def resume_show(self, show_id: str) -> LiveShow:
        """A stored, unfinished show, on the platform it ran on. Raises ``DomainError``
        when that is not the platform of the chosen profile."""
        client, store = await self.open()
        show = await store.get_show(show_id)
        here = f"{self.where} {(await client.me()).id}".strip()
        if (show.owner.platform, show.owner.account) != (client.platform, here):
            raise WrongPlatformError(
                f"{show.title!r} ran on {show.owner}; choose that platform in Show > Platform "
                "to resume or end it"
            )
        return await LiveShow.resume(client, store, show)

    async def unfinished_shows(self) -> tuple[ShowRecord, ...]:
        """Shows that went live and were never wrapped up (a crash or a quit while live, or
        a crash while ending)."""
        _client, store = await self.open()
        return tuple(s for s in await store.list_shows() if s.status.unfinished)

    async def platform_orders(self, show: ShowRecord) -> tuple[Order, ...]:
        """The platform's own list of a show's orders (the self-test checks against it)."""
        client, _store = await self.open()
        return await client.all_orders(show.session_id)

    async def practice_platform(self) -> tuple[str, str] | None:
        """The embedded practice platform's address and key (None on other profiles)."""
        await self.open()
        sandbox = self.sandbox
        return None if sandbox is None else (sandbox.base_url, sandbox.api_key)

    async def practice_audience(self, rate: float) -> None:
        """The embedded practice platform's audience buys at ``rate`` orders a second."""
        await self.open()
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.set_audience_rate, rate)

    async def open_reports(self) -> ShowReports:
        _client, store = await self.open()
        return ShowReports(store)

    async def test_connection(self, profile: Profile, key: str | None) -> str:
        """``Connected as @handle``; raises ``PlatformError`` with the reason."""
        if profile.kind is ProfileKind.SANDBOX_DEMO:
            return "The demo sandbox runs inside the app: nothing to connect to."
        client = await self._connect(profile, key)
        try:
            account = await client.me()
        finally:
            await client.aclose()
        return f"Connected as @{account.handle} ({account.display_name})"

    async def use_profile(self, profile: Profile, key: str | None = None) -> None:
        """Talk to another platform from the next show on, and remember the choice.
        ``key``: the profile's key as the window has it (it may be kept for this run
        only, where the computer has no keychain)."""
        if key and profile.secret_account is not None:
            self._run_keys[profile.secret_account] = key
        if profile == self.profile:
            return
        async with self._lock:
            await self._close_platform()
            self.settings = replace(self.settings, profile=profile)
        await asyncio.to_thread(save_settings, self._settings_path, self.settings)

    async def _close_platform(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)
            self.sandbox = None

    async def close(self) -> None:
        await self._close_platform()
        if self._db is not None:
            await self._db.close()
            self._db = None


def _start_sandbox(seed: int, rate: float, state: Path) -> RunningSandbox:
    """Import (in a worker thread) and start the embedded sandbox, keeping its state."""
    from seller_console.sandbox import SandboxConfig, start_sandbox  # start-up time

    return start_sandbox(SandboxConfig(seed=seed, rate=rate, state_path=state))
