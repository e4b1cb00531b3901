"""The platform the console talks to, and the show database: opened on first use, closed once.

Part of the composition root (it imports platform, storage and the sandbox). The profile
in settings decides the platform: by default the embedded sandbox, started inside the app
on a free loopback port, so a new user can go live in one click with no account; or a
sandbox at a URL; or the Live Commerce API, with its key from the OS keychain; or Shopee
Live or TikTok Shop, with their keys and tokens in the OS keychain; or a practice Shopee
or TikTok started inside the app (its made-up credentials kept in memory, its shop
seeded with the demo catalog's rundown products); or no API at all (manual pins).
Switching profiles never touches a show in progress: the window only allows it between
shows, and the show database is the same for every profile (each show is scoped by the
account it ran on).

The embedded sandbox keeps its state in the data folder beside the show database, so
its sessions and orders survive an app restart: an unfinished show can be resumed, and
its ids never repeat. So do the practice Shopee's sessions and the practice TikTok's live
rooms and orders (a practice show is resumed, or refreshed as its orders settle, after a
restart); their made-up credentials are new each run. All of them live in the live engine's
process (``live_engine``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.errors import DomainError
from seller_console.domain.orders import Order
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.platform_port import (
    AffiliateLink,
    PlatformAdapter,
    SecretPlace,
    SecretStore,
    ShowcaseProduct,
    new_idempotency_key,
)
from seller_console.domain.rundown import ShowPlan
from seller_console.domain.show_records import ShowRecord
from seller_console.domain.showcase import showcase_product
from seller_console.services.live_show import PRACTICE_PLACES, LiveShow, place_text
from seller_console.services.orders_import import OrdersImportOutcome, import_orders_export
from seller_console.services.reports import RefreshError, RefreshOutcome, ShowReports
from seller_console.settings import Profile, ProfileKind, Settings, save_settings

# The platform client (httpx), the sandbox (starlette, uvicorn), the show database and
# keyring are imported where first used: the window opens without them (start-up time).
if TYPE_CHECKING:
    from seller_console.platform.manual import ManualAdapter
    from seller_console.platform.shopee import ShopeeAdapter
    from seller_console.platform.shopee.tokens import TokenSet as ShopeeTokens
    from seller_console.platform.tiktok import TikTokShopAdapter
    from seller_console.sandbox.server import RunningSandbox
    from seller_console.sandbox.shopee import RunningShopee
    from seller_console.sandbox.tiktok import RunningTikTok
    from seller_console.storage import Database, ShowStore

DEMO_SEED = 7
DEMO_RATE = 3.0  # orders per second while a product is pinned: a lively demo show


PRACTICE_TRACKING_CODE = "PRACTICE"
"""The practice TikTok creator's tracking code ("Copy affiliate link" works there too)."""

SANDBOX_STATE = "sandbox.sqlite3"
"""The embedded sandbox's own state, beside the show database."""
PRACTICE_SHOPEE_STATE = "practice-shopee.json"
PRACTICE_TIKTOK_STATE = "practice-tiktok.json"
"""The practice Shopee's and TikTok's worlds (sessions, live rooms, orders), beside it too."""


async def _session_orders(client: PlatformAdapter, session_id: str) -> tuple[Order, ...]:
    """A session's orders as the platform lists them now, every page."""
    from seller_console.platform.client import LiveCommerceClient  # start-up time

    if isinstance(client, LiveCommerceClient):
        return await client.all_orders(session_id)
    orders: list[Order] = []
    cursor: str | None = None
    while True:
        page = await client.list_orders(session_id, after=cursor)
        orders.extend(page.items)
        if page.next_cursor is None or not page.items:
            return tuple(orders)
        cursor = page.next_cursor


async def _planned_products(store: ShowStore, show_id: str) -> list[ShowcaseProduct]:
    """The products of the plan a show ran, as the showcase had them (none when the plan
    was not kept or is damaged; an unpriced item is left out)."""
    from seller_console.domain.showcase import NotPublishableError
    from seller_console.importers.show_plan import ShowPlanError, loads

    text = await store.show_plan(show_id)
    if text is None:
        return []
    try:
        plan = loads(text, Path("show plan"))
    except ShowPlanError:
        return []
    products = []
    for item in plan.items:
        try:
            products.append(showcase_product(item))
        except NotPublishableError:
            continue
    return products


class _ListedOrders:
    """A platform that lists a session's orders (not by time) as an ``OrderSource``."""

    def __init__(self, client: PlatformAdapter) -> None:
        self._client = client

    async def orders_between(
        self, session_id: str, since: datetime, until: datetime
    ) -> Sequence[Order]:
        return await _session_orders(self._client, session_id)


class MissingKeyError(DomainError):
    """A profile that needs an API key has none stored."""


class WrongPlatformError(DomainError):
    """A stored show belongs to another platform account than the chosen profile's."""


class SignInInputError(PlatformError):
    """What was pasted to sign in cannot be used; the message says what is wrong."""

    kind = PlatformErrorKind.VALIDATION


MAX_PASTED_BYTES = 16 * 1024


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
        operator_pins: bool = False,
    ) -> None:
        """``operator_pins``: the operator pins in the platform's own app, whatever pin
        call the platform has (the self-test's ``--manual-pins``)."""
        self._database_path = database_path
        self.settings = settings
        self._settings_path = settings_path
        self._secrets = secrets
        self._sandbox_rate = sandbox_rate
        self._sandbox_seed = sandbox_seed
        self._operator_pins = operator_pins
        self.sandbox: RunningSandbox | None = None
        self.practice_shopee: RunningShopee | None = None
        self.practice_tiktok: RunningTikTok | None = None
        self._practice_secrets: SecretStore | None = None  # its credentials: memory only
        self.client: PlatformAdapter | None = None
        self._db: Database | None = None
        self.store: ShowStore | None = None
        self._lock = asyncio.Lock()

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

    async def open_store(self) -> ShowStore:
        """The show database alone: what was stored is read with no platform connection
        (no key needed, nothing started)."""
        async with self._lock:
            return await self._open_store()

    async def _open_store(self) -> ShowStore:
        if self._db is None or self.store is None:
            from seller_console.storage import Database, ShowStore  # start-up time

            folder = self._database_path.parent
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            self._db = await Database.open(self._database_path)
            self.store = ShowStore(self._db)
        return self.store

    async def open(self) -> tuple[PlatformAdapter, ShowStore]:
        async with self._lock:
            store = await self._open_store()
            if self.client is None:
                client = await self._connect(self.profile, None)
                if self._operator_pins:
                    from seller_console.platform.manual import OperatorPins  # start-up time

                    client = OperatorPins(client)
                self.client = client
            return self.client, store

    @property
    def where(self) -> str:
        """The platform's address, as part of a show's scope (the embedded sandbox is
        one place, whatever port it listens on today)."""
        return _where(self.profile)

    async def _connect(self, profile: Profile, key: str | None) -> PlatformAdapter:
        from seller_console.platform.client import LiveCommerceClient  # start-up time

        kind = profile.kind
        if kind is ProfileKind.MANUAL:
            return _manual(self.settings.last_currency)
        if kind is ProfileKind.SHOPEE:
            return _shopee(profile, self.secrets)
        if kind is ProfileKind.TIKTOK:
            return _tiktok(profile, self.secrets)
        if kind in (ProfileKind.SHOPEE_PRACTICE, ProfileKind.TIKTOK_PRACTICE):
            return await self._practice_adapter(kind)
        if kind is ProfileKind.SANDBOX_DEMO:
            if self.sandbox is None:
                state = self._database_path.with_name(SANDBOX_STATE)
                self.sandbox = await asyncio.to_thread(
                    _start_sandbox, self._sandbox_seed, self._sandbox_rate, state
                )
            return LiveCommerceClient(self.sandbox.base_url, self.sandbox.api_key)
        account = profile.secret_account
        assert profile.url is not None  # Profile requires one for this kind
        assert account is not None
        key = key or await self.secrets.load(account)
        if not key:
            raise MissingKeyError(
                f"no API key is stored for {profile.url}: set it in Show > Platform"
            )
        return LiveCommerceClient(profile.url, key)

    async def _practice_adapter(self, kind: ProfileKind) -> PlatformAdapter:
        """Start the practice Shopee or TikTok (once), seeded with the demo rundown's
        products, and an adapter with its credentials in a store in memory."""
        from seller_console.platform.secrets import MemorySecretStore  # start-up time

        store = self._practice_secrets = self._practice_secrets or MemorySecretStore()
        if kind is ProfileKind.SHOPEE_PRACTICE:
            if self.practice_shopee is None:
                state = self._database_path.with_name(PRACTICE_SHOPEE_STATE)
                self.practice_shopee = await asyncio.to_thread(_start_practice_shopee, state)
            return await shopee_practice_adapter(self.practice_shopee, store)
        if self.practice_tiktok is None:
            state = self._database_path.with_name(PRACTICE_TIKTOK_STATE)
            self.practice_tiktok = await asyncio.to_thread(_start_practice_tiktok, state)
        return await tiktok_practice_adapter(self.practice_tiktok, store)

    async def open_show(self, plan: ShowPlan, policy: CommissionPolicy) -> LiveShow:
        client, store = await self.open()
        if self.profile.kind is ProfileKind.TIKTOK_PRACTICE and self.practice_tiktok is not None:
            # TikTok has no call that creates or starts a LIVE: a real creator starts it in
            # TikTok LIVE Studio before pressing Go live. The practice side plays that part
            # here, before the show's create_session reads the creator's live room.
            await asyncio.to_thread(_start_practice_live, self.practice_tiktok, plan.title)
        return LiveShow(client, store, plan, policy, where=self.where)

    async def resume_show(self, show_id: str) -> LiveShow:
        """A stored, unfinished show, on the platform it ran on. Raises ``DomainError``
        when that is not the platform of the chosen profile."""
        client, store = await self.open()
        show = await store.get_show(show_id)
        await self._check_owner(client, show, "to resume or end it")
        from seller_console.platform.shopee import ShopeeAdapter  # start-up time
        from seller_console.platform.tiktok import TikTokShopAdapter

        # an adapter started since knows the plan's products by SKU only once they are
        # matched again (nothing changes on the platform): the pins and sales need it
        if isinstance(client, ShopeeAdapter):
            await client.upsert_products(await _planned_products(store, show_id))
        elif isinstance(client, TikTokShopAdapter):
            await client.resolve(await _planned_products(store, show_id))
        return await LiveShow.resume(client, store, show)

    async def _here(self, client: PlatformAdapter) -> tuple[str, str]:
        """This profile's account, as a show's owner names it."""
        return client.platform, f"{self.where} {(await client.me()).id}".strip()

    async def _check_owner(self, client: PlatformAdapter, show: ShowRecord, what: str) -> None:
        """Raises ``WrongPlatformError`` unless ``show`` ran on this profile's account."""
        if (show.owner.platform, show.owner.account) != await self._here(client):
            raise WrongPlatformError(
                f"{show.title!r} ran on {place_text(show.owner)}; choose that platform in "
                f"Show > Platform {what}"
            )

    async def refresh_show(self, show_id: str) -> RefreshOutcome:
        """Read a past show's orders again from the platform it ran on (settlements and
        refunds since), and keep what moved. Raises ``DomainError`` when the chosen profile
        is not that platform's account, or has no orders to read (manual pins)."""
        client, store = await self.open()
        show = await store.get_show(show_id)
        if self.profile.kind is ProfileKind.MANUAL or self._operator_pins:
            raise RefreshError(
                f"{show.title!r} has no platform orders to read again (manual pins): import "
                "its orders export instead"
            )
        await self._check_owner(client, show, "to refresh it")
        from seller_console.platform.shopee import ShopeeAdapter  # start-up time
        from seller_console.platform.tiktok import TikTokShopAdapter

        if isinstance(client, ShopeeAdapter):
            raise RefreshError(
                f"{show.title!r} ran on Shopee Live, which reports metrics, not orders: "
                "there is nothing to read again"
            )
        if isinstance(client, TikTokShopAdapter):
            # orders first seen now are named by our product ids, as the live ones were
            await client.resolve(await _planned_products(store, show_id))
            return await ShowReports(store).refresh(show_id, client)
        return await ShowReports(store).refresh(show_id, _ListedOrders(client))

    async def unfinished_shows(self) -> tuple[ShowRecord, ...]:
        """Shows that went live and were never wrapped up (a crash or a quit while live, or
        a crash while ending), from the show database alone: no platform is opened."""
        store = await self.open_store()
        return tuple(s for s in await store.list_shows() if s.status.unfinished)

    async def unfinished_here(self) -> tuple[ShowRecord, ...]:
        """The unfinished shows of the chosen profile's account (the platform is opened:
        Go live asks before it starts a second show on the same account)."""
        client, _store = await self.open()
        here = await self._here(client)
        return tuple(
            s for s in await self.unfinished_shows() if (s.owner.platform, s.owner.account) == here
        )

    async def import_orders(self, show_id: str, path: Path) -> OrdersImportOutcome:
        """A manual-pins show's orders from the platform's orders export (``path``)."""
        _client, store = await self.open()
        return await import_orders_export(store, show_id, path)

    async def affiliate_links(
        self, products: Sequence[ShowcaseProduct]
    ) -> list[AffiliateLink | str]:
        """The chosen platform's affiliate link for each product, or why there is none: the
        Live Commerce API mints one (the product is published to the showcase first, as Go
        live does); TikTok's is the product's page with the profile's tracking code (TikTok
        documents no minting call); the others have none."""
        client, _store = await self.open()
        from seller_console.platform.client import LiveCommerceClient  # start-up time
        from seller_console.platform.tiktok import TikTokShopAdapter

        result: list[AffiliateLink | str] = []
        if isinstance(client, TikTokShopAdapter):
            await client.resolve(products)
            for product in products:
                try:
                    result.append(client.affiliate_link(product.id))
                except PlatformError as exc:
                    result.append(exc.user_message)
            return result
        if isinstance(client, LiveCommerceClient):
            published = await client.upsert_products(products)
            for product, outcome in zip(products, published, strict=True):
                if not outcome.ok:
                    result.append(outcome.error_detail or outcome.error_code or "not published")
                    continue
                key = new_idempotency_key()
                try:
                    result.append(
                        await client.create_affiliate_link(product.id, idempotency_key=key)
                    )
                except PlatformError as exc:
                    result.append(exc.user_message)
            return result
        why = f"{self.profile.display_name} has no affiliate links the console can make"
        return [why for _product in products]

    async def platform_orders(self, show: ShowRecord) -> tuple[Order, ...]:
        """The platform's own list of a show's orders (the self-test checks against it)."""
        client, _store = await self.open()
        return await _session_orders(client, show.session_id)

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
        """Past shows' reports, from the show database alone: no platform is opened."""
        return ShowReports(await self.open_store())

    async def test_connection(self, profile: Profile, key: str | None) -> str:
        """``Connected as @handle``; raises ``PlatformError`` with the reason."""
        if profile.kind.embedded:
            return "This practice platform runs inside the app: nothing to connect to."
        if profile.kind is ProfileKind.MANUAL:
            return "No API: nothing to connect to. You pin in the platform's own app."
        client = await self._connect(profile, key)
        try:
            account = await client.me()
            detail = await _reach(client)
        finally:
            await client.aclose()
        return f"Connected as @{account.handle} ({account.display_name}){detail}"

    async def sign_in(self, profile: Profile, pasted: str) -> str:
        """Keep the profile's tokens in the keychain. Shopee: ``pasted`` is a token set as
        JSON (the code exchange for user tokens is not documented); TikTok: the creator
        authorization code, traded for tokens at the auth host. Raises ``PlatformError``."""
        if profile.kind is ProfileKind.SHOPEE:
            user, shop = shopee_token_sets(pasted)
            from seller_console.platform.shopee.tokens import save_tokens

            _key, user_entry, shop_entry = profile.shopee_entries()
            await save_tokens(self.secrets, user_entry, user)
            place = await save_tokens(self.secrets, shop_entry, shop or user)
            where = _kept_in(place)
            if shop is None:
                return (
                    f"Shopee tokens saved {where}. No shop tokens were pasted, so the "
                    "user's are used for the shop's product calls too."
                )
            return f"Shopee user and shop tokens saved {where}."
        if profile.kind is ProfileKind.TIKTOK:
            adapter = _tiktok(profile, self.secrets)
            try:
                await adapter.tokens.exchange_code(pasted.strip())
            finally:
                await adapter.aclose()
            return "Signed in to TikTok Shop: the tokens are saved."
        raise SignInInputError("This profile has no sign-in.")

    async def use_profile(self, profile: Profile) -> None:
        """Talk to another platform from the next show on, and remember the choice. Its
        key is read from ``secrets`` (where the window's dialog saved it: the keychain, or
        this store's memory for this run only)."""
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
        for practice in (self.practice_shopee, self.practice_tiktok):
            if practice is not None:
                await asyncio.to_thread(practice.stop)
        self.practice_shopee = self.practice_tiktok = None
        self._practice_secrets = None

    async def close(self) -> None:
        await self._close_platform()
        if self._db is not None:
            await self._db.close()
            self._db = None


def _kept_in(place: SecretPlace) -> str:
    if place is SecretPlace.KEYCHAIN:
        return "in the keychain"
    return "for this run only (this computer has no keychain): sign in again after a restart"


def _start_sandbox(seed: int, rate: float, state: Path) -> RunningSandbox:
    """Import (in a worker thread) and start the embedded sandbox, keeping its state."""
    from seller_console.sandbox import SandboxConfig, start_sandbox  # start-up time

    return start_sandbox(SandboxConfig(seed=seed, rate=rate, state_path=state))


def _where(profile: Profile) -> str:
    """The platform's address as part of a show's scope (an embedded platform is one place,
    whatever port it listens on today)."""
    places = {
        ProfileKind.SANDBOX_DEMO: "embedded sandbox",
        ProfileKind.SHOPEE_PRACTICE: "practice Shopee",
        ProfileKind.TIKTOK_PRACTICE: "practice TikTok",
        ProfileKind.MANUAL: "no API",
    }
    where = places.get(profile.kind)
    if where is not None:
        assert where in PRACTICE_PLACES  # named for people by ``place_text``
        return where
    return profile.url or ""


def _manual(currency: str) -> ManualAdapter:
    from seller_console.platform.manual import ManualAdapter  # start-up time

    return ManualAdapter(currency)


def _shopee(
    profile: Profile, secrets: SecretStore, *, currency: str | None = None
) -> ShopeeAdapter:
    from seller_console.platform.shopee import KeychainEntries, ShopeeAdapter, ShopeeConfig

    assert profile.url is not None
    assert profile.region is not None
    assert profile.partner_id
    assert profile.user_id
    assert profile.shop_id
    partner_key, user_tokens, shop_tokens = profile.shopee_entries()
    config = ShopeeConfig(
        partner_id=profile.partner_id,
        user_id=profile.user_id,
        shop_id=profile.shop_id,
        region=profile.region,
        host=profile.url,
        currency=currency,
        cover_image_url=profile.cover_url,
    )
    return ShopeeAdapter(config, secrets, KeychainEntries(partner_key, user_tokens, shop_tokens))


def _tiktok(profile: Profile, secrets: SecretStore, *, currency: str = "USD") -> TikTokShopAdapter:
    from seller_console.platform.tiktok import TikTokConfig, TikTokShopAdapter

    assert profile.url is not None
    assert profile.app_key is not None
    secret_entry, token_entry = profile.tiktok_entries()
    config = TikTokConfig(
        app_key=profile.app_key,
        api_base=profile.url,
        auth_base=profile.auth_url or profile.url,
        currency=currency,
        shop_cipher=profile.shop_cipher,
        tracking_code=profile.tracking_code,
    )
    return TikTokShopAdapter(
        config, secrets, app_secret_entry=secret_entry, token_entry=token_entry
    )


def shopee_token_sets(text: str) -> tuple[ShopeeTokens, ShopeeTokens | None]:
    """The user's and (when given) the shop's token sets from JSON with ``access_token``,
    ``refresh_token``, optional ``expire_in`` (Shopee's seconds) and optional
    ``shop_access_token``/``shop_refresh_token`` (other keys are ignored): what Show >
    Platform's sign-in is pasted, and the self-test's credentials file. Raises
    ``SignInInputError``."""
    from seller_console.platform.shopee.tokens import TokenSet

    if len(text.encode()) > MAX_PASTED_BYTES:
        raise SignInInputError("Token set (JSON): far longer than a token set; paste it again.")
    try:
        doc = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict):
        raise SignInInputError(
            'Token set (JSON): paste a JSON object such as {"access_token": "...", '
            '"refresh_token": "...", "expire_in": 14400}.'
        )

    def token(name: str, *, required: bool) -> str | None:
        value = doc.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
            raise SignInInputError(f"Token set (JSON): {name} must be the token's text.")
        return value

    expire_in = doc.get("expire_in")
    if expire_in is not None and (
        not isinstance(expire_in, int) or isinstance(expire_in, bool) or expire_in <= 0
    ):
        raise SignInInputError("Token set (JSON): expire_in must be a whole number of seconds.")
    now = time.time()

    def token_set(access: str, refresh: str) -> TokenSet:
        if expire_in is None:  # unknown: refreshed when Shopee first refuses it
            return TokenSet(access, refresh)
        return TokenSet.granted(access, refresh, expire_in, now=now)

    user = token_set(
        str(token("access_token", required=True)), str(token("refresh_token", required=True))
    )
    shop_access = token("shop_access_token", required=False)
    shop_refresh = token("shop_refresh_token", required=False)
    if (shop_access is None) != (shop_refresh is None):
        raise SignInInputError(
            "Token set (JSON): give both shop_access_token and shop_refresh_token, or neither."
        )
    shop = None
    if shop_access is not None and shop_refresh is not None:
        shop = token_set(shop_access, shop_refresh)
    return user, shop


async def _reach(client: PlatformAdapter) -> str:
    """A signed call beyond ``me()`` where ``me()`` alone proves nothing: Shopee's ``me()``
    is built from the profile, so its shop's items are listed; TikTok's live room is read."""
    from seller_console.platform.shopee import ShopeeAdapter
    from seller_console.platform.tiktok import TikTokShopAdapter

    if isinstance(client, ShopeeAdapter):
        items = await client.client.list_item_ids()
        return f": the shop lists {len(items)} items"
    if isinstance(client, TikTokShopAdapter):
        room = await client.live_room()
        return ": no LIVE yet" if room is None else f": LIVE {room.status.name.lower()}"
    return ""


async def shopee_practice_adapter(practice: RunningShopee, store: SecretStore) -> ShopeeAdapter:
    """An adapter for a practice Shopee, its credentials saved in ``store`` (memory)."""
    from seller_console.platform.shopee.tokens import save_tokens

    creds = practice.credentials
    c = practice.config
    profile = Profile(
        ProfileKind.SHOPEE,
        practice.base_url,
        partner_id=c.partner_id,
        user_id=c.user_id,
        shop_id=c.shop_id,
    )
    partner_key, user_tokens, shop_tokens = profile.shopee_entries()
    if await store.load(partner_key) is None:
        await store.save(partner_key, practice.partner_key)
        user, shop = shopee_token_sets(json.dumps(creds))
        await save_tokens(store, user_tokens, user)
        await save_tokens(store, shop_tokens, shop or user)
    return _shopee(profile, store, currency=c.currency)


async def tiktok_practice_adapter(practice: RunningTikTok, store: SecretStore) -> TikTokShopAdapter:
    """An adapter for a practice TikTok, its credentials saved in ``store`` (memory)."""
    from seller_console.platform.tiktok import TokenSet

    world = practice.world
    profile = Profile(
        ProfileKind.TIKTOK,
        practice.base_url,
        app_key=practice.app_key,
        shop_cipher=world.config.shop_cipher,
        tracking_code=PRACTICE_TRACKING_CODE,
    )
    adapter = _tiktok(profile, store)
    if await store.load(profile.tiktok_entries()[1]) is None:
        tokens = TokenSet.from_data(world.issue_tokens())
        await adapter.save_credentials(practice.app_secret, tokens)
    return adapter


def demo_rundown_products() -> list[ShowcaseProduct]:
    """The demo rundown's products as the showcase would list them (SKU, title, price,
    stock): what the practice platforms' shops are seeded with."""
    from seller_console.importers import import_catalog
    from seller_console.paths import resources_dir
    from seller_console.services.demo import demo_catalog_path, demo_import_options, sample_plan

    catalog = import_catalog(demo_catalog_path(resources_dir()), demo_import_options()).catalog
    return [showcase_product(item) for item in sample_plan(catalog).items]


def _start_practice_shopee(state: Path) -> RunningShopee:
    from seller_console.sandbox.shopee import (
        ShopeeSandboxConfig,
        items_from_products,
        start_shopee,
    )

    products = demo_rundown_products()
    currency = products[0].price.currency.code if products else "USD"
    return start_shopee(
        ShopeeSandboxConfig(
            currency=currency, items=items_from_products(products), state_path=state
        )
    )


def _start_practice_tiktok(state: Path) -> RunningTikTok:
    from seller_console.sandbox.tiktok import (
        PracticeConfig,
        PracticeProduct,
        start_practice_tiktok,
    )

    products = tuple(
        PracticeProduct(
            str(1_729_000_000_000_000_201 + n),
            p.title,
            p.sku,
            p.price.amount,
            p.price.currency.code,
            rate=int(p.commission_rate * 10_000),
            stock=p.stock,
        )
        for n, p in enumerate(demo_rundown_products())
    )
    return start_practice_tiktok(PracticeConfig(products=products, state_path=state))


def _start_practice_live(practice: RunningTikTok, title: str) -> None:
    """The practice TikTok's creator schedules and starts a LIVE (as in LIVE Studio)."""
    practice.world.schedule_live(title)
    practice.world.go_live()
