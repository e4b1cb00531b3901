"""``seller-console --self-test --platform shopee|tiktok``: a whole show on a real (or
practice) platform, headless and without Qt.

It builds a profile from the arguments and fills a secret store in memory from the
credentials file (never the keychain), then runs the live core as the window would:
``LiveLink`` (the platform and a show database in a temporary folder) and ``LiveSession``
on one asyncio loop. It imports the catalog, plans its first products the platform
matches (the adapter's ``upsert_products`` results), goes live, takes ``PINS`` pins (each
confirmed by the platform's read-back; with ``--manual-pins`` each one cued and confirmed
by the self-test standing in for the operator, i.e. Space twice), waits for sales
(Shopee: the platform's session metrics; TikTok: affiliate orders), ends the show, builds
the report and checks it against the platform's own list. One line starts
``self-test: ok``; any failure raises ``SelfTestError`` (``self-test: FAILED: <why>``).

With ``--overlay`` it serves the product overlay as the window's live engine does (a
subscriber of the session), prints its address, and checks that every take reaches the
page's event stream within a second; with ``--obs`` it drives that OBS (OBS control, a
subscriber too, its sources created in the scene if missing) and reads each take back on
a connection of its own. The probes are the window's self-test's (``broadcast_check``);
the line gains ``overlay=N`` and ``obs=N``.

For TikTok, the creator must be LIVE (TikTok has no call that starts a LIVE). When
``--base-url`` is this machine, it is a practice TikTok, and the self-test starts its LIVE
through the practice server's control endpoint and ends it before the report (and says
so); on any other address it never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from seller_console.broadcast.obs_control import ObsStatus
from seller_console.broadcast.obs_probe import ObsProbe, ObsProbeError
from seller_console.broadcast.overlay_server import OverlayStartError, start_overlay_server
from seller_console.broadcast_check import (
    NO_BROADCAST,
    OBS_SOURCES,
    Broadcast,
    OverlayWatcher,
    SelfTestError,
    obs_showed,
    overlay_showed,
)
from seller_console.domain.errors import DomainError
from seller_console.domain.events import EventRejected
from seller_console.domain.net import is_this_machine
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import PinKind, ShowcaseProduct
from seller_console.domain.rundown import ProductSnapshot, RundownItem, ShowPlan
from seller_console.domain.show_records import PinOutcome
from seller_console.domain.showcase import NotPublishableError, showcase_product
from seller_console.domain.storage_port import StorageError
from seller_console.files import write_atomic
from seller_console.importers import CatalogImportError, ImportOptions, import_catalog
from seller_console.live_engine import obs_control
from seller_console.live_link import LiveLink, SignInInputError, shopee_token_sets
from seller_console.platform.images import ImageFetcher
from seller_console.platform.manual import OperatorPins
from seller_console.platform.secrets import MemorySecretStore
from seller_console.platform.shopee import ShopeeAdapter
from seller_console.platform.shopee.tokens import save_tokens
from seller_console.platform.tiktok import TikTokShopAdapter
from seller_console.platform.tiktok import TokenSet as TikTokTokens
from seller_console.services.live_session import (
    ActionFailed,
    LiveEvent,
    LiveSession,
    LiveState,
)
from seller_console.services.live_show import plan_policy
from seller_console.services.on_air_feed import OnAirFeed
from seller_console.services.reports import ShowReport
from seller_console.settings import (
    ObsSettings,
    Profile,
    ProfileKind,
    Settings,
    SettingsError,
)

PINS = 3
PLANNED = 4  # products planned: one more than the pins, so the last take has a next one
SECONDS_PER_PIN = 2.0
CANDIDATES = 500  # catalog variants offered to the platform's matching, at most
BUDGET_S = 150.0
SALES_WAIT_S = 40.0  # TikTok polls affiliate orders every 10 s
MAX_CREDENTIALS_BYTES = 64 * 1024
TITLE = "Seller Console self-test"
OBS_BACKOFF_MAX_S = 5.0


@dataclass(frozen=True, slots=True)
class Options:
    platform: str
    base_url: str
    credentials: Path
    catalog: Path
    manual_pins: bool = False
    broadcast: Broadcast = NO_BROADCAST


# ------------------------------------------------------------------ credentials
def _read_credentials(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_CREDENTIALS_BYTES:
            raise SelfTestError(f"{path} is too large for a credentials file")
        doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise SelfTestError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SelfTestError(f"{path} is not a JSON object ({exc})") from None
    if not isinstance(doc, dict):
        raise SelfTestError(f"{path} is not a JSON object")
    return doc


def _text(doc: dict[str, Any], name: str, path: Path, *, required: bool = True) -> str | None:
    value = doc.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SelfTestError(f"{path}: {name!r} must be a non-empty string")
    return value.strip()


def _id(doc: dict[str, Any], name: str, path: Path) -> int:
    value = doc.get(name)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise SelfTestError(f"{path}: {name!r} must be a positive whole number")
    return value


def _note(line: str, err: TextIO) -> None:
    print(f"self-test: note: {line}", file=err, flush=True)


# The credentials file's token fields and the store entries they are kept in for the run,
# the first pair the main one: (entry, access token's field, refresh token's field).
TokenFields = tuple[tuple[str, str, str], ...]


def _token_pair(secret: str | None) -> tuple[str, str] | None:
    """The access and refresh token of a set as the adapters keep it (both platforms'
    ``to_secret`` JSON has the two fields)."""
    try:
        doc = json.loads(secret) if secret is not None else None
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    access, refresh = doc.get("access_token"), doc.get("refresh_token")
    if isinstance(access, str) and isinstance(refresh, str):
        return access, refresh
    return None


async def write_back_tokens(
    path: Path, doc: dict[str, Any], fields: TokenFields, store: MemorySecretStore, err: TextIO
) -> None:
    """When the platform refreshed a token set during the run, write the new one to the
    credentials file (atomically, same fields), since a refresh token works once: the
    file's is spent, and the next run would fail on it. Says so on ``err``."""
    new = dict(doc)
    for entry, access, refresh in fields:
        pair = _token_pair(await store.load(entry))
        if pair is not None:
            new[access], new[refresh] = pair
    main = (new[fields[0][1]], new[fields[0][2]])
    for _entry, access, refresh in fields[1:]:  # a set the file left to the main one's
        if access not in doc and (new.get(access), new.get(refresh)) == main:
            new.pop(access, None)
            new.pop(refresh, None)
    if new == doc:
        return
    new.pop("expire_in", None)  # it was the old set's: the new one is refreshed when refused
    text = json.dumps(new, indent=2, default=str) + "\n"
    try:
        await asyncio.to_thread(write_atomic, path, text)
    except OSError as exc:
        _note(
            f"the platform refreshed the tokens, and they could not be written back to {path} "
            f"({exc.strerror}): its refresh token is spent, so give the file a new token set "
            "before the next run",
            err,
        )
        return
    _note(
        f"the platform refreshed the tokens (a refresh token works once): the new set is "
        f"written back to {path}",
        err,
    )


async def shopee_setup(
    options: Options, doc: dict[str, Any], store: MemorySecretStore, err: TextIO
) -> tuple[Profile, TokenFields]:
    """The Shopee profile from the arguments, its secrets put in ``store``."""
    path = options.credentials
    region = _text(doc, "region", path, required=False)
    try:
        profile = Profile(
            ProfileKind.SHOPEE,
            options.base_url,
            partner_id=_id(doc, "partner_id", path),
            user_id=_id(doc, "user_id", path),
            shop_id=_id(doc, "shop_id", path),
            region=region,
        )
    except SettingsError as exc:
        raise SelfTestError(exc.user_message) from None
    partner_key, user_entry, shop_entry = profile.shopee_entries()
    await store.save(partner_key, str(_text(doc, "partner_key", path)))
    try:  # the token fields are those Show > Platform's sign-in takes
        user, shop = shopee_token_sets(json.dumps(doc, default=str))
    except SignInInputError as exc:
        raise SelfTestError(f"{path}: {exc.user_message}") from None
    if shop is None:
        _note(
            "no shop_access_token/shop_refresh_token in the credentials file: the user's "
            "tokens are used for the shop's product calls too",
            err,
        )
    # Without an expire_in, the sets are refreshed when Shopee first refuses them.
    await save_tokens(store, user_entry, user)
    await save_tokens(store, shop_entry, shop or user)
    fields = (
        (user_entry, "access_token", "refresh_token"),
        (shop_entry, "shop_access_token", "shop_refresh_token"),
    )
    return profile, fields


async def tiktok_setup(
    options: Options, doc: dict[str, Any], store: MemorySecretStore, err: TextIO
) -> tuple[Profile, TokenFields]:
    """The TikTok profile from the arguments (``--base-url`` is the API and the token
    host), its secrets put in ``store``."""
    path = options.credentials
    try:
        profile = Profile(
            ProfileKind.TIKTOK,
            options.base_url,
            app_key=_text(doc, "app_key", path),
            shop_cipher=_text(doc, "shop_cipher", path, required=False),
        )
    except SettingsError as exc:
        raise SelfTestError(exc.user_message) from None
    if profile.shop_cipher is None:
        _note("no shop_cipher in the credentials file: products match by TikTok id only", err)
    secret_entry, token_entry = profile.tiktok_entries()
    await store.save(secret_entry, str(_text(doc, "app_secret", path)))
    # The file gives no expiry: 0 makes the first call refresh the set.
    tokens = TikTokTokens(
        str(_text(doc, "access_token", path)), 0, str(_text(doc, "refresh_token", path)), 0
    )
    await store.save(token_entry, tokens.to_secret())
    return profile, ((token_entry, "access_token", "refresh_token"),)


def practice_live(base_url: str, app_secret: str, *actions: str) -> None:
    """Schedule, start or end the practice TikTok's LIVE through its control endpoint (this
    machine only), as a creator does in TikTok LIVE Studio."""
    if not is_this_machine(urlsplit(base_url).hostname):
        raise SelfTestError("the practice LIVE can be controlled only on this machine")
    for action in actions:
        request = urllib.request.Request(  # noqa: S310 - http to this machine only
            f"{base_url.rstrip('/')}/_sandbox/live",
            data=json.dumps({"action": action, "title": TITLE}).encode(),
            headers={"Authorization": f"Bearer {app_secret}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                answer.read()
        except OSError as exc:
            raise SelfTestError(f"could not {action} the practice LIVE: {exc}") from None


# ------------------------------------------------------------------ the show
@dataclass(frozen=True, slots=True)
class Offered:
    """What the self-test offers the platform's matching: the catalog's first sellable
    variants (in stock, with a price) as rundown items with their showcase entries, and
    the counts the failure message gives."""

    items: list[tuple[RundownItem, ShowcaseProduct]]
    products: int  # in the catalog
    variants: int  # in the catalog
    capped: bool  # CANDIDATES reached: later sellable variants were not offered

    def counted(self) -> str:
        """E.g. "117 variants in stock with a price (of the catalog's 60 products, 121
        variants)"."""
        first = f"first {len(self.items)}" if self.capped else str(len(self.items))
        return (
            f"{first} variants in stock with a price (of the catalog's "
            f"{_count(self.products, 'product')}, {_count(self.variants, 'variant')})"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def candidates(path: Path, currency: str) -> Offered:
    """The catalog's sellable variants (prices without a currency in the account's), as
    rundown items with their showcase entries, in catalog order."""
    try:
        catalog = import_catalog(path, ImportOptions(currency=currency)).catalog
    except CatalogImportError as exc:
        raise SelfTestError(f"cannot import the catalog: {exc}") from None
    found: list[tuple[RundownItem, ShowcaseProduct]] = []
    capped = False
    for ref in catalog.rows:
        stock = ref.variant.stock
        if stock is not None and stock <= 0:
            continue
        item = RundownItem.new(ProductSnapshot.of(ref, catalog.name), 60)
        try:
            product = showcase_product(item)
        except NotPublishableError:
            continue
        if len(found) >= CANDIDATES:
            capped = True
            break
        found.append((item, product))
    if not found:
        raise SelfTestError(f"{path} has no product in stock with a price")
    return Offered(found, len(catalog.products), catalog.variant_count, capped)


async def plan_matched(link: LiveLink, path: Path) -> ShowPlan:
    client, _store = await link.open()
    account = await client.me()
    offered = await asyncio.to_thread(candidates, path, account.default_currency.code)
    results = await client.upsert_products([product for _, product in offered.items])
    items: list[RundownItem] = []
    seen: set[str] = set()
    for (item, product), result in zip(offered.items, results, strict=True):
        if result.ok and product.id not in seen and len(items) < PLANNED:
            items.append(item)
            seen.add(product.id)
    if len(items) < PINS:
        refused = next((r for r in results if not r.ok), None)
        why = f" (e.g. {refused.error_detail or refused.error_code})" if refused else ""
        raise SelfTestError(
            f"only {len(items)} of the {offered.counted()} match a product on the "
            f"platform{why}; {PINS} are needed"
        )
    return ShowPlan(title=TITLE, items=tuple(items))


async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Watcher:
    """The session's latest state, and the last failure it published."""

    def __init__(self) -> None:
        self.state = LiveState()
        self.failure: str | None = None

    def __call__(self, state: LiveState, events: tuple[LiveEvent, ...]) -> None:
        self.state = state
        for event in events:
            if isinstance(event, ActionFailed):
                self.failure = event.message


def _taken(watch: Watcher, item_id: str, manual: bool) -> bool:
    state = watch.state
    if not manual and state.pin_mode is PinKind.OPERATOR_PERFORMED:
        raise SelfTestError(
            f"the platform refused the pin call ({state.pin_mode_reason}); "
            "run with --manual-pins to pin by the operator"
        )
    card = state.live
    receipt = card.receipt if card is not None and card.item.id == item_id else None
    if receipt is not None and receipt.outcome is PinOutcome.FAILED:
        raise SelfTestError(f"a pin failed: {receipt.failure}")
    want = PinOutcome.PERFORMED if manual else PinOutcome.CONFIRMED
    return receipt is not None and receipt.outcome is want


async def take_pins(
    session: LiveSession, watch: Watcher, manual: bool, stream: StreamSide | None = None
) -> int:
    taken = 0
    for step in range(PINS):
        stage = watch.state.stage
        armed = stage.armed if stage is not None else None
        if armed is None:
            raise SelfTestError(f"nothing is armed for take {step + 1}")
        pressed = time.monotonic()
        session.take()  # Space
        if manual:  # the cue: pin it in the platform's app, then Space confirms
            await wait_for(lambda: watch.state.cue is not None, 10, f"cue {step + 1}")
            cue = watch.state.cue
            assert cue is not None
            if cue.bag_position != step + 1:
                raise SelfTestError(f"cue {step + 1} names bag position {cue.bag_position}")
            session.take()
        await wait_for(
            partial(_taken, watch, armed.id, manual),
            30,
            f"pin {step + 1} to be {'performed' if manual else 'confirmed'}",
        )
        if stream is not None:
            await stream.check(armed, pressed, step + 1)
        taken += 1
        await asyncio.sleep(SECONDS_PER_PIN)
    return taken


class StreamSide:
    """The overlay server and OBS control as subscribers of the session (as the live
    engine wires them for the window), and the probes that check each take reached them."""

    def __init__(self, broadcast: Broadcast, folder: Path, err: TextIO, out: TextIO) -> None:
        self.broadcast = broadcast
        self._folder = folder
        self._err = err
        self._out = out
        self.watcher: OverlayWatcher | None = None
        self.probe: ObsProbe | None = None
        self.in_overlay = 0
        self.in_obs = 0
        self._obs_said = ""

    async def start(self, session: LiveSession, outputs: contextlib.AsyncExitStack) -> None:
        b = self.broadcast
        images = ImageFetcher(None, self._folder / "images")
        outputs.push_async_callback(images.aclose)
        try:
            overlay = await asyncio.to_thread(
                start_overlay_server, images=images.fetch, image_loop=asyncio.get_running_loop()
            )
        except OverlayStartError as exc:
            raise SelfTestError(f"the product overlay did not start: {exc}") from None
        outputs.push_async_callback(asyncio.to_thread, overlay.stop)
        outputs.callback(session.subscribe(OnAirFeed(overlay)))
        if b.overlay:
            print(f"overlay: {overlay.url}", file=self._out, flush=True)
            self.watcher = OverlayWatcher(overlay.url)
            await asyncio.to_thread(self.watcher.start)
            outputs.push_async_callback(asyncio.to_thread, self.watcher.stop)
        if b.obs_url is None:
            return
        obs = ObsSettings(True, b.obs_url, b.obs_scene, OBS_SOURCES, 0.0)
        secrets = MemorySecretStore()
        await secrets.save(obs.secret_account, b.obs_password)
        control = obs_control(
            obs,
            overlay.url,
            secrets,
            self._obs_status,
            images.fetch,
            self._folder / "obs",
            max_delay_s=OBS_BACKOFF_MAX_S,
        )
        control.start()
        outputs.push_async_callback(control.stop)
        outputs.callback(session.subscribe(OnAirFeed(control)))
        self.probe = ObsProbe(obs.url, b.obs_password, obs.scene, obs.source)
        try:
            await outputs.enter_async_context(self.probe)
        except ObsProbeError as exc:
            raise SelfTestError(f"OBS: {exc}") from exc

    def _obs_status(self, status: ObsStatus) -> None:
        """Says why OBS is not reached (once per reason); the show goes on meanwhile."""
        if status.reason and status.reason != self._obs_said:
            self._obs_said = status.reason
            _note(f"OBS: {status.link.value}: {status.reason}", self._err)

    async def check(self, item: RundownItem, pressed: float, n: int) -> None:
        """Take ``n`` (of ``item``, Space pressed at ``pressed``) reached the overlay's
        stream in time, and OBS shows its card."""
        if self.watcher is not None:
            await overlay_showed(self.watcher, item.id, pressed, n)
            self.in_overlay += 1
        if self.probe is not None and await obs_showed(self.probe, item.product.display_title):
            self.in_obs += 1

    def line(self, taken: int) -> str:
        """The line's ``overlay=N obs=N``; raises when OBS missed a take."""
        parts = []
        if self.watcher is not None:
            parts.append(f"overlay={self.in_overlay}")
        if self.probe is not None:
            if self.in_obs < taken:
                raise SelfTestError(f"OBS showed {self.in_obs} of the {taken} takes")
            parts.append(f"obs={self.in_obs}")
        return "".join(f" {p}" for p in parts)


async def shopee_sales(adapter: ShopeeAdapter, session_id: str, *, wait: bool) -> str:
    """The platform's session metrics; with ``wait``, waited for until an order shows (the
    self-test's operator pins are not made in Shopee's app, so none is waited for then)."""
    deadline = time.monotonic() + (SALES_WAIT_S if wait else 0)
    while True:
        metric = await adapter.client.get_session_metric(int(session_id))
        if metric.orders > 0 or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    if wait and metric.orders == 0:
        raise SelfTestError("Shopee's session metrics show no order while products were shown")
    gmv = "n/a" if metric.gmv is None else str(metric.gmv)
    return (
        f"metrics=orders:{metric.orders},gmv:{gmv},views:{metric.views},"
        f"peak_ccu:{metric.peak_ccu},comments:{metric.comments}"
    )


def _orders_in(watch: Watcher) -> int:
    ledger = watch.state.ledger
    return sum(f.orders for f in ledger.totals.values()) if ledger is not None else 0


def tiktok_line(report: ShowReport, platform_orders: int, currency: str) -> str:
    orders = sum(f.orders for f in report.totals.values())
    if orders != platform_orders:
        raise SelfTestError(
            f"the report counts {orders} orders; TikTok's affiliate orders list has "
            f"{platform_orders}"
        )
    if not report.totals:
        return f"orders=0 gmv=0.00 commission=0.00 currency={currency}"
    figures = list(report.totals.values())  # one per currency, in the same order below
    gmv = ",".join(str(f.gross.rounded().amount) for f in figures)
    # TikTok's own figure: each order's actual commission once settled, else its estimate
    commission = ",".join(str(f.commission_reported.rounded().amount) for f in figures)
    currency = ",".join(f.currency.code for f in figures)
    return f"orders={orders} gmv={gmv} commission={commission} currency={currency}"


async def run(options: Options, err: TextIO, out: TextIO | None = None) -> str:
    """The show; the summary line. ``out`` gets the overlay's address (``--overlay``)."""
    started = time.monotonic()
    doc = await asyncio.to_thread(_read_credentials, options.credentials)
    store = MemorySecretStore()
    if options.platform == "shopee":
        profile, fields = await shopee_setup(options, doc, store, err)
    else:
        profile, fields = await tiktok_setup(options, doc, store, err)
    try:
        return await _run_on(profile, options, doc, store, started, err, out)
    finally:  # a failed run spends the file's refresh token all the same
        await write_back_tokens(options.credentials, doc, fields, store, err)


async def _run_on(
    profile: Profile,
    options: Options,
    doc: dict[str, Any],
    store: MemorySecretStore,
    started: float,
    err: TextIO,
    out: TextIO | None,
) -> str:
    end_live: Callable[[], Awaitable[None]] | None = None
    if options.platform == "tiktok" and is_this_machine(urlsplit(options.base_url).hostname):
        _note(
            "a practice TikTok on this machine: its LIVE is started (and ended) through "
            "its control endpoint, as the creator would in TikTok LIVE Studio",
            err,
        )
        secret = str(_text(doc, "app_secret", options.credentials))
        await asyncio.to_thread(practice_live, options.base_url, secret, "schedule", "start")

        async def end_live() -> None:  # the creator ends the LIVE: its audience stops
            await asyncio.to_thread(practice_live, options.base_url, secret, "end")

    with tempfile.TemporaryDirectory(prefix="seller-console-self-test-") as folder:
        link = LiveLink(
            Path(folder) / "shows.sqlite3",
            Settings(profile),
            Path(folder) / "settings.json",
            store,
            operator_pins=options.manual_pins,
        )
        try:
            stream_out = out or sys.stdout
            return await _show(link, options, started, end_live, Path(folder), err, stream_out)
        finally:
            await link.close()


async def _show(
    link: LiveLink,
    options: Options,
    started: float,
    end_live: Callable[[], Awaitable[None]] | None,
    folder: Path,
    err: TextIO,
    out: TextIO,
) -> str:
    plan = await plan_matched(link, options.catalog)
    session = LiveSession(link)
    watch = Watcher()
    session.subscribe(watch)
    b = options.broadcast
    stream = StreamSide(b, folder, err, out) if b.overlay or b.obs_url else None
    try:
        async with contextlib.AsyncExitStack() as outputs:
            if stream is not None:
                await stream.start(session, outputs)
            line = await _on_air(link, session, watch, plan, options, end_live, stream)
    finally:
        await session.close()
    return f"{line} seconds={time.monotonic() - started:.1f}"


async def _on_air(
    link: LiveLink,
    session: LiveSession,
    watch: Watcher,
    plan: ShowPlan,
    options: Options,
    end_live: Callable[[], Awaitable[None]] | None,
    stream: StreamSide | None,
) -> str:
    """The show from Go live to its report; the line without its ``seconds``."""
    if not await session.go_live(plan, plan_policy(plan)):
        raise SelfTestError(watch.failure or "going live failed")
    pins = await take_pins(session, watch, options.manual_pins, stream)
    show = watch.state.show
    client = link.client
    if show is None or client is None:
        raise SelfTestError("the show has no record")
    inner = client.inner if isinstance(client, OperatorPins) else client
    sales = ""
    if isinstance(inner, ShopeeAdapter):
        sales = await shopee_sales(inner, show.session_id, wait=not options.manual_pins)
    elif isinstance(inner, TikTokShopAdapter) and not options.manual_pins:
        await wait_for(lambda: _orders_in(watch) > 0, SALES_WAIT_S, "affiliate orders")
    if end_live is not None:  # before the report, so that no order comes after it
        await end_live()
    report = await session.end_show()
    if report is None:
        raise SelfTestError(watch.failure or "ending the show produced no report")
    _check_rejected(report.rejected)
    line = f"self-test: ok platform={options.platform} pins={pins}"
    if options.manual_pins:
        line += " pin_mode=operator"
    if isinstance(inner, TikTokShopAdapter):
        orders = len(await link.platform_orders(report.show))
        currency = (await inner.me()).default_currency.code
        line += " " + tiktok_line(report, orders, currency)
    else:
        line += f" {sales}"
    if stream is not None:
        line += stream.line(pins)
    return f"{line} report_rows={len(report.by_product)}"


def _check_rejected(rejected: tuple[EventRejected, ...]) -> None:
    if rejected:
        raise SelfTestError(f"{len(rejected)} platform events were unreadable: {rejected[0]}")


def main(options: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run it on a fresh asyncio loop; print the one line; 0 when it passed."""
    out, err = out or sys.stdout, err or sys.stderr

    async def bounded() -> str:
        return await asyncio.wait_for(run(options, err, out), BUDGET_S)

    try:
        line = asyncio.run(bounded())
    except SelfTestError as exc:
        print(f"self-test: FAILED: {exc}", file=out, flush=True)
        return 1
    except TimeoutError:
        print(f"self-test: FAILED: not done within {BUDGET_S:.0f} s", file=out, flush=True)
        return 1
    except PlatformError as exc:
        print(f"self-test: FAILED: {exc.user_message}", file=out, flush=True)
        return 1
    except (DomainError, StorageError) as exc:
        print(f"self-test: FAILED: {exc}", file=out, flush=True)
        return 1
    print(line, file=out, flush=True)
    return 0
