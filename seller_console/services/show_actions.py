"""A show's mutating platform calls as journaled intents.

Each user intent (go live, set the bag, pin, unpin, end) gets an idempotency key minted
once, is written to the journal BEFORE the platform is called, and keeps that key for
every retry and every replay after a restart or a reconnect, so the platform acts at most
once. A failure the platform may recover from (offline, timeout, 5xx, rate limited) leaves
the intent pending for ``replay_unfinished``; any other failure finishes it as failed.
Each pin leaves a receipt: sent, confirmed (with the platform's pin id) or failed, and
its round-trip latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from seller_console.domain.events import SessionStatus
from seller_console.domain.money import Money
from seller_console.domain.platform_errors import PlatformError, PlatformErrorKind
from seller_console.domain.platform_port import (
    IdempotencyKey,
    LivePlatform,
    LiveSession,
    PinRequest,
    new_idempotency_key,
)
from seller_console.domain.show_records import (
    IntentKind,
    IntentStatus,
    JournalEntry,
    PinOutcome,
    PinReceipt,
    ShowRecord,
    ShowStatus,
)
from seller_console.services.ports import JournalStore, ShowArchive

RETRYABLE = frozenset(
    {
        PlatformErrorKind.CONNECTION,
        PlatformErrorKind.TIMEOUT,
        PlatformErrorKind.SERVER,
        PlatformErrorKind.RATE_LIMITED,
    }
)
"""Failures that leave an intent pending: replaying it later may succeed."""
REFUSED = frozenset({PlatformErrorKind.FORBIDDEN, PlatformErrorKind.UNSUPPORTED})
"""A pin call the platform refuses as such (no pin API for this account or app)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ShowActions:
    """The journaled intents of one show."""

    def __init__(
        self,
        platform: LivePlatform,
        journal: JournalStore,
        archive: ShowArchive,
        show: ShowRecord,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._platform = platform
        self._journal = journal
        self._archive = archive
        self.show = show
        self._clock = clock
        self._in_flight: set[str] = set()
        self.on_replayed: Callable[[PinReceipt], None] | None = None
        """Told each pin's new receipt when a replay sent it again (the live card and its
        receipt follow what the platform said last)."""

    async def start(self) -> JournalEntry:
        return await self._intent(IntentKind.START)

    async def end(self) -> JournalEntry:
        """End the session. An END already in the journal (sent before a crash or a quit,
        perhaps carried out by the platform) is sent again with its own key rather than a
        new one. Done: the show is ENDING (its wrap-up, ``finished``, comes after)."""
        for entry in await self._journal.unfinished_intents(self.show.id):
            if entry.kind is IntentKind.END:
                return await self._perform(entry)
        return await self._intent(IntentKind.END)

    async def finished(self) -> None:
        """The show's last orders and report are kept: it is over."""
        self.show = replace(self.show, status=ShowStatus.ENDED)
        await self._archive.update_show(self.show)

    async def set_bag(self, product_ids: tuple[str, ...]) -> JournalEntry:
        return await self._intent(IntentKind.SET_BAG, product_ids=product_ids)

    async def unpin(self) -> JournalEntry:
        return await self._intent(IntentKind.UNPIN)

    async def pin(
        self, product_id: str, *, live_price: Money | None = None, stock_limit: int | None = None
    ) -> PinReceipt:
        """Pin ``product_id``; the receipt says whether the platform confirmed it (a failure
        is in the receipt, not raised). Raises ``StorageError`` when the journal fails."""
        entry = self._new(
            IntentKind.PIN, product_id=product_id, live_price=live_price, stock_limit=stock_limit
        )
        receipt = PinReceipt(entry.key, entry.show_id, product_id, entry.created_at)
        await self._journal.record_intent(entry, receipt)
        return (await self._pin(entry, receipt))[0]

    async def pinned_by_operator(self, product_id: str, at: datetime, pin_id: str) -> PinReceipt:
        """The operator confirmed pinning ``product_id`` in the platform's own app at
        ``at``: kept as a done intent with its receipt (one transaction)."""
        entry = replace(
            self._new(IntentKind.PIN, product_id=product_id),
            status=IntentStatus.DONE,
            outcome=pin_id,
        )
        receipt = PinReceipt(
            entry.key, entry.show_id, product_id, at, PinOutcome.PERFORMED, pin_id, at
        )
        await self._journal.record_intent(entry, receipt)
        return receipt

    def sending(self, key: str) -> bool:
        """The intent with ``key`` is being sent now (a pin, a replay)."""
        return key in self._in_flight

    async def pending(self, key: str) -> bool:
        """The intent with ``key`` failed in a way the platform may recover from: it is
        sent again (``replay_unfinished``). Raises ``StorageError`` only."""
        return any(e.key == key for e in await self._journal.unfinished_intents(self.show.id))

    async def pin_again(self, key: IdempotencyKey) -> PinReceipt | None:
        """Send a pending pin (one that failed in a way the platform may recover from)
        again now, with its own key: the platform pins at most once, however many times it
        is sent. None when no pin with ``key`` is pending. Raises ``StorageError`` only."""
        for entry in await self._journal.unfinished_intents(self.show.id):
            if entry.key == key and entry.kind is IntentKind.PIN and key not in self._in_flight:
                return (await self._pin(entry, None))[0]
        return None

    async def replay_unfinished(self) -> int:
        """Try every pending intent once more, oldest first, each with its own key;
        how many are still pending afterwards. Raises ``StorageError`` only."""
        left = 0
        for entry in await self._journal.unfinished_intents(self.show.id):
            if entry.key in self._in_flight:
                left += 1
                continue
            if entry.kind is IntentKind.PIN:
                receipt, status = await self._pin(entry, None)
                if self.on_replayed is not None:
                    self.on_replayed(receipt)
            else:
                status = (await self._perform(entry)).status
            left += status is IntentStatus.PENDING
        return left

    # ------------------------------------------------------------------ internals
    def _new(self, kind: IntentKind, **fields: object) -> JournalEntry:
        return JournalEntry(
            key=new_idempotency_key(),
            show_id=self.show.id,
            session_id=self.show.session_id,
            kind=kind,
            created_at=self._clock(),
            **fields,  # type: ignore[arg-type]
        )

    async def _intent(self, kind: IntentKind, **fields: object) -> JournalEntry:
        entry = self._new(kind, **fields)
        await self._journal.record_intent(entry)
        return await self._perform(entry)

    async def _perform(self, entry: JournalEntry) -> JournalEntry:
        self._in_flight.add(entry.key)
        try:
            return await self._call(entry)
        finally:
            self._in_flight.discard(entry.key)

    async def _call(self, entry: JournalEntry) -> JournalEntry:
        session, key = entry.session_id, entry.key
        try:
            if entry.kind is IntentKind.START:
                live = await self._platform.start_session(session, idempotency_key=key)
                await self._show_moved(ShowStatus.LIVE, live.started_at)
            elif entry.kind is IntentKind.END:
                live = await self._end_session(session, key)
                await self._show_moved(ShowStatus.ENDING, live.ended_at)
            elif entry.kind is IntentKind.SET_BAG:
                await self._platform.set_bag(session, entry.product_ids, idempotency_key=key)
            else:
                await self._platform.unpin(session, idempotency_key=key)
        except PlatformError as error:
            status = IntentStatus.PENDING if error.kind in RETRYABLE else IntentStatus.FAILED
            await self._journal.finish_intent(key, status, error.user_message)
            return replace(entry, status=status, outcome=error.user_message)
        await self._journal.finish_intent(key, IntentStatus.DONE, None)
        return replace(entry, status=IntentStatus.DONE)

    async def _end_session(self, session: str, key: IdempotencyKey) -> LiveSession:
        """End the session; one the platform already ended (an END carried out before the
        app died, or ended in the platform's own app) counts as ended."""
        try:
            return await self._platform.end_session(session, idempotency_key=key)
        except PlatformError as error:
            if error.kind is not PlatformErrorKind.CONFLICT:
                raise
            found = await self._platform.get_session(session)
            if found.status is not SessionStatus.ENDED:
                raise
            return found

    async def _show_moved(self, status: ShowStatus, at: datetime | None) -> None:
        when = at or self._clock()
        if status is ShowStatus.LIVE:
            self.show = replace(self.show, status=status, started_at=when)
        else:
            self.show = replace(self.show, status=status, ended_at=when)
        await self._archive.update_show(self.show)

    async def _pin(
        self, entry: JournalEntry, receipt: PinReceipt | None
    ) -> tuple[PinReceipt, IntentStatus]:
        self._in_flight.add(entry.key)
        try:
            return await self._pin_once(entry, receipt)
        finally:
            self._in_flight.discard(entry.key)

    async def _pin_once(
        self, entry: JournalEntry, receipt: PinReceipt | None
    ) -> tuple[PinReceipt, IntentStatus]:
        """One attempt; ``receipt`` is the one saved with the intent (None on a replay,
        which sends again: its receipt says when this attempt left)."""
        assert entry.product_id is not None  # a PIN intent always names its product
        if receipt is None:
            receipt = PinReceipt(entry.key, entry.show_id, entry.product_id, self._clock())
        sent_at = receipt.sent_at
        started = time.perf_counter()
        request = PinRequest(entry.product_id, entry.live_price, entry.stock_limit)
        try:
            pin = await self._platform.pin(entry.session_id, request, idempotency_key=entry.key)
        except PlatformError as error:
            answered = sent_at + timedelta(seconds=time.perf_counter() - started)
            failed = replace(
                receipt,
                outcome=PinOutcome.FAILED,
                answered_at=answered,
                failure=error.user_message,
                refused=error.kind in REFUSED,
            )
            status = IntentStatus.PENDING if error.kind in RETRYABLE else IntentStatus.FAILED
            await self._journal.finish_intent(entry.key, status, error.user_message, failed)
            return failed, status
        answered = sent_at + timedelta(seconds=time.perf_counter() - started)
        confirmed = replace(
            receipt, outcome=PinOutcome.CONFIRMED, pin_id=pin.pin_id, answered_at=answered
        )
        await self._journal.finish_intent(entry.key, IntentStatus.DONE, pin.pin_id, confirmed)
        return confirmed, IntentStatus.DONE
