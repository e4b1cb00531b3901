"""One show from set-up to wrap-up: showcase, session, bag, pins, ledger, report (no Qt).

``LiveShow.prepare`` publishes the rundown's products to the showcase (in batches, with
progress and per-item errors), creates the session, records the show (scoped by the
platform account it runs on) with its planned segments and its plan, and sets the bag.
``go_live`` starts the session. Pins go through the journal (``ShowActions``), so an
intent taken while offline is kept and replayed with its key. ``make_runner`` gives the
ledger's runner, which consumes the event stream until cancelled. ``end`` ends the
session. ``LiveShow.resume`` reopens a stored show that was not ended, on another day.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from seller_console.domain.commission import CommissionPolicy
from seller_console.domain.events import Pin
from seller_console.domain.platform_errors import PlatformError
from seller_console.domain.platform_port import (
    SHOWCASE_BATCH,
    IdempotencyKey,
    LinkListener,
    PinKind,
    PlatformAdapter,
    SalesKind,
    new_idempotency_key,
)
from seller_console.domain.rundown import RundownItem, ShowPlan
from seller_console.domain.show_records import (
    IntentStatus,
    PinOutcome,
    PinReceipt,
    PlannedSegment,
    PlatformAccount,
    ShowRecord,
    ShowStatus,
)
from seller_console.domain.showcase import (
    NotPublishableError,
    showcase_conflicts,
    showcase_id,
    showcase_product,
)
from seller_console.importers import show_plan
from seller_console.services.ports import ShowStorage
from seller_console.services.reports import ShowReport, ShowReports
from seller_console.services.show_actions import ShowActions
from seller_console.services.show_runner import ChangeListener, ShowRunner

PRACTICE_PLACES = {
    "embedded sandbox": "the practice platform",
    "practice Shopee": "the practice Shopee",
    "practice TikTok": "the practice TikTok",
    "no API": "no API (manual pins)",
}
"""Where a show ran, for the places inside the app (``PlatformAccount.account`` starts
with the key), and their names for people."""

PLATFORM_NAMES = {"livecommerce": "Live Commerce", "shopee": "Shopee", "tiktok": "TikTok Shop"}


def place_text(owner: PlatformAccount) -> str:
    """Where a show ran, in words for the host: "the practice platform", "Shopee at
    https://partner.shopeemobile.com" (no account ids, no internal platform names)."""
    for where, name in PRACTICE_PLACES.items():
        if owner.account == where or owner.account.startswith(f"{where} "):
            return name
    platform = PLATFORM_NAMES.get(owner.platform, owner.platform)
    url = owner.account.split(" ", 1)[0]
    return f"{platform} at {url}" if url else platform


ProgressListener = Callable[[int, int], None]
"""Told (products published so far, products to publish)."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    published: tuple[str, ...]  # showcase ids stored
    failed: tuple[tuple[str, str], ...]  # (product title, reason)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ShowNotEndedError(PlatformError):
    """The platform did not end the session; the show is still on."""


def plan_policy(plan: ShowPlan) -> CommissionPolicy:
    """Commission terms for a show: each item's own rate, keyed as the ledger sees it."""
    products = []
    for item in plan.items:
        try:
            products.append(showcase_product(item))
        except NotPublishableError:
            continue  # it is not published, so it sells nothing
    return CommissionPolicy.from_showcase(products)


class LiveShow:
    def __init__(
        self,
        platform: PlatformAdapter,
        storage: ShowStorage,
        plan: ShowPlan,
        policy: CommissionPolicy,
        *,
        where: str = "",
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        """``where`` names the platform's address for the show's scope (e.g. its URL):
        together with the platform's kind and the account ``me()`` names, it tells one
        account's shows from another's."""
        self.platform = platform
        self._storage = storage
        self.plan = plan
        self.policy = policy
        self._where = where
        self._clock = clock
        self.show: ShowRecord | None = None
        self.actions: ShowActions | None = None
        self.runner: ShowRunner | None = None

    @classmethod
    async def resume(
        cls,
        platform: PlatformAdapter,
        storage: ShowStorage,
        show: ShowRecord,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> LiveShow:
        """A stored show that was not ended, with the plan it ran. Raises ``StorageError``,
        or ``ShowPlanError`` when the show kept no readable plan."""
        text = await storage.show_plan(show.id)
        if text is None:
            raise show_plan.ShowPlanError(
                Path(show.title), "this show was saved before shows kept their plan"
            )
        plan = show_plan.loads(text, Path(show.title))
        live = cls(platform, storage, plan, plan_policy(plan), clock=clock)
        live.show = show
        live.actions = ShowActions(platform, storage, storage, show, clock=clock)
        return live

    # ------------------------------------------------------------ before air
    async def prepare(self, on_progress: ProgressListener | None = None) -> PublishResult:
        """Showcase, session, show record, bag. Raises ``PlatformError``/``StorageError``
        when the platform or storage cannot be reached; a product the platform refuses
        is reported in the result and left out of the bag."""
        items = self.plan.items
        published: list[str] = []
        failed: list[tuple[str, str]] = []
        ready = []
        # Two different products that would share one showcase id are both kept out:
        # pinning one could sell the other.
        clashing = {n for positions in showcase_conflicts(items).values() for n in positions}
        for n, item in enumerate(items):
            if n in clashing:
                failed.append(
                    (
                        item.product.display_title,
                        "another product of the rundown has the same id: fix the ids in "
                        "the catalog, or keep one of them",
                    )
                )
                continue
            try:
                ready.append((item, showcase_product(item)))
            except NotPublishableError as exc:
                failed.append((item.product.display_title, str(exc)))
        account = await self.platform.me()
        unique = {product.id: (item, product) for item, product in ready}
        batch_items = list(unique.values())
        for start in range(0, len(batch_items), SHOWCASE_BATCH):
            chunk = batch_items[start : start + SHOWCASE_BATCH]
            results = await self.platform.upsert_products(
                [product for _, product in chunk], idempotency_key=new_idempotency_key()
            )
            for (item, product), result in zip(chunk, results, strict=False):
                if result.error_code is None:
                    published.append(product.id)
                else:
                    reason = result.error_detail or result.error_code
                    failed.append((item.product.display_title, reason))
            if on_progress is not None:
                on_progress(min(start + len(chunk), len(batch_items)), len(batch_items))
        session = await self.platform.create_session(
            self.plan.title, idempotency_key=new_idempotency_key()
        )
        owner = PlatformAccount(self.platform.platform, f"{self._where} {account.id}".strip())
        caps = self.platform.capabilities
        by_time = caps.sales is not SalesKind.ORDER_STREAM or caps.pins is not PinKind.CONFIRMED
        show = ShowRecord(
            uuid.uuid4().hex,
            session.id,
            self.plan.title,
            self._clock(),
            owner=owner,
            by_time=by_time,
        )
        segments = [PlannedSegment.of(item, n) for n, item in enumerate(items)]
        await self._storage.create_show(show, segments, show_plan.dumps(self.plan))
        self.show = show
        self.actions = ShowActions(
            self.platform, self._storage, self._storage, show, clock=self._clock
        )
        await self.actions.set_bag(tuple(published))
        return PublishResult(tuple(published), tuple(failed))

    async def go_live(self) -> None:
        actions = self._require_actions()
        await actions.start()
        self.show = actions.show  # with its start: the show's clock runs from it

    # ------------------------------------------------------------ on air
    async def pin(self, item: RundownItem) -> PinReceipt:
        """Pin an item through the journal; a failure is in the receipt, not raised. A
        metrics-only platform streams no pin events: a confirmed pin's window is kept here."""
        receipt = await self._require_actions().pin(
            showcase_id(item.product.variant_id),
            live_price=item.live_price,
            stock_limit=item.stock_cap,
        )
        await self.keep_window(receipt)
        return receipt

    async def pin_again(self, key: IdempotencyKey) -> PinReceipt | None:
        """Send a pending pin again now with its own key (``ShowActions.pin_again``);
        None when no pin with ``key`` is pending."""
        receipt = await self._require_actions().pin_again(key)
        if receipt is not None:
            await self.keep_window(receipt)
        return receipt

    async def keep_window(self, receipt: PinReceipt) -> None:
        """A metrics-only platform streams no pin events: a confirmed pin's window is kept
        here (after the pin call, or after its replay)."""
        metrics_only = self.platform.capabilities.sales is SalesKind.METRICS_ONLY
        confirmed = receipt.outcome is PinOutcome.CONFIRMED
        if metrics_only and confirmed and receipt.pin_id and receipt.answered_at and self.runner:
            windows = self.runner.ledger.pin_windows()
            version = max((w.version for w in windows), default=0) + 1
            pin = Pin(receipt.pin_id, receipt.product_id, receipt.answered_at, version)
            await self.runner.pin_made(pin)

    async def unpin(self) -> None:
        await self._require_actions().unpin()

    async def pinned_by_operator(self, item: RundownItem, at: datetime, pin: Pin) -> PinReceipt:
        """The operator pinned ``item`` in the platform's app at ``at``: its receipt and its
        pin window are kept, and sales from then on count in that window."""
        receipt = await self._require_actions().pinned_by_operator(pin.product_id, at, pin.pin_id)
        if self.runner is not None:
            await self.runner.pin_made(pin)
        return receipt

    async def pins_by_operator(self) -> None:
        """From now on the operator performs the pins: sales count in windows by time."""
        show = self._require_show()
        if not show.by_time:
            self.show = replace(show, by_time=True)
            await self._storage.update_show(self.show)
            if self.actions is not None:
                self.actions.show = self.show
        if self.runner is not None:
            self.runner.ledger.attribute_by_time = True

    async def receipts(self) -> tuple[PinReceipt, ...]:
        return await self._storage.pin_receipts(self._require_show().id)

    def make_runner(self, on_change: ChangeListener, on_link: LinkListener) -> ShowRunner:
        """The ledger's runner for this show; the caller owns the task that awaits run()."""
        show = self._require_show()
        initial = {showcase_id(i.product.variant_id): i.sellable_units for i in self.plan.items}
        self.runner = ShowRunner(
            self.platform,
            self._storage,
            show.id,
            show.session_id,
            self.policy,
            initial_stock=initial,
            attribute_by_time=show.by_time,
            actions=self.actions,
            on_change=on_change,
            on_link=on_link,
        )
        return self.runner

    # ------------------------------------------------------------ wrap up
    async def end(self) -> None:
        """End the session on the platform (a journaled intent, replayed if it fails);
        nothing to do when the platform ended it already. Raises ``PlatformError`` when it
        could not be ended (the show stays on)."""
        actions = self._require_actions()
        if actions.show.status is ShowStatus.ENDING:
            return
        entry = await actions.end()
        self.show = actions.show
        if entry.status is not IntentStatus.DONE:
            raise ShowNotEndedError(entry.outcome or "the platform did not end the session")

    async def finished(self) -> ShowReport:
        """The show is wrapped up (its last orders kept): ENDED, and its report."""
        actions = self._require_actions()
        await actions.finished()
        self.show = actions.show
        return await self.report()

    async def report(self) -> ShowReport:
        """The report from the running ledger (at once), else rebuilt from storage."""
        show = self._require_show()
        ledger = self.runner.ledger if self.runner is not None else None
        return await ShowReports(self._storage).report(show.id, ledger)

    def _require_show(self) -> ShowRecord:
        if self.show is None:
            raise RuntimeError("the show is not prepared")
        return self.show

    def _require_actions(self) -> ShowActions:
        if self.actions is None:
            raise RuntimeError("the show is not prepared")
        return self.actions
