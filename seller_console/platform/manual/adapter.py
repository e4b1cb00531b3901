"""``ManualAdapter``: the show's bookkeeping on this machine, the pins by the operator."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from seller_console.domain.connection import LinkStatus
from seller_console.domain.events import Delivery, Pin, SessionStatus
from seller_console.domain.money import Currency
from seller_console.domain.orders import Order
from seller_console.domain.platform_port import (
    Account,
    BatchItemResult,
    Capabilities,
    IdempotencyKey,
    LinkListener,
    LiveSession,
    Page,
    PinKind,
    PinRequest,
    PlatformAdapter,
    SalesKind,
    ShowcaseProduct,
)
from seller_console.platform.errors import PlatformUnsupportedError

MANUAL_CAPABILITIES = Capabilities(
    pins=PinKind.OPERATOR_PERFORMED,
    sales=SalesKind.POLLED_ORDERS,
    viewers=False,
    comments=False,
)
IDLE_STEP_S = 3600.0
"""``events()`` has nothing to say: it sleeps in steps this long until cancelled."""
NO_PIN_API = (
    "This profile has no pin API: pin the product in the platform's own app, then press "
    "Space to confirm."
)


def _now() -> datetime:
    return datetime.now(UTC)


class ManualAdapter:
    """A platform with no API. Sessions live in this object only: a session it does not
    know (a show resumed after a restart) reads as live, since only the operator knows."""

    def __init__(self, currency: str = "USD") -> None:
        self._currency = Currency.of(currency)
        self._sessions: dict[str, LiveSession] = {}

    @property
    def platform(self) -> str:
        return "manual"

    @property
    def capabilities(self) -> Capabilities:
        return MANUAL_CAPABILITIES

    async def aclose(self) -> None:
        return None

    # ------------------------------------------------------------ setup
    async def me(self) -> Account:
        return Account("local", "manual", "No API (manual pins)", self._currency)

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        """Every product is accepted: the operator finds it in the platform's app."""
        return [BatchItemResult(product.id) for product in products]

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        """A local session whose id never repeats (a random UUID)."""
        session = LiveSession(
            f"manual-{uuid.uuid4().hex}",
            title,
            SessionStatus.SCHEDULED,
            scheduled_start=scheduled_start,
        )
        self._sessions[session.id] = session
        return session

    # ------------------------------------------------------------ the show
    async def get_session(self, session_id: str) -> LiveSession:
        known = self._sessions.get(session_id)
        if known is None:
            known = LiveSession(session_id, "", SessionStatus.LIVE)
            self._sessions[session_id] = known
        return known

    async def _update(self, session_id: str, **changes: object) -> LiveSession:
        session = replace(await self.get_session(session_id), **changes)  # type: ignore[arg-type]
        self._sessions[session_id] = session
        return session

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey
    ) -> LiveSession:
        return await self._update(session_id, status=SessionStatus.LIVE, started_at=_now())

    async def end_session(self, session_id: str, *, idempotency_key: IdempotencyKey) -> LiveSession:
        return await self._update(session_id, status=SessionStatus.ENDED, ended_at=_now())

    async def set_bag(
        self, session_id: str, product_ids: Sequence[str], *, idempotency_key: IdempotencyKey
    ) -> LiveSession:
        """The bag as planned (the operator arranges it in the platform's app)."""
        return await self._update(session_id, bag=tuple(product_ids))

    async def pin(
        self, session_id: str, request: PinRequest, *, idempotency_key: IdempotencyKey
    ) -> Pin:
        raise PlatformUnsupportedError(NO_PIN_API)

    async def unpin(self, session_id: str, *, idempotency_key: IdempotencyKey) -> None:
        raise PlatformUnsupportedError(NO_PIN_API)

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]:
        """None during the show: no platform reports them here."""
        return Page((), None)

    async def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        """Nothing ever arrives; the link reads LIVE (there is nothing to lose touch with)."""
        if on_link is not None:
            on_link(LinkStatus.LIVE, None)
        nothing: tuple[Delivery, ...] = ()
        while True:
            for delivery in nothing:
                yield delivery
            await asyncio.sleep(IDLE_STEP_S)


class OperatorPins:
    """Any adapter with its pins performed by the operator in the platform's own app
    (``--manual-pins``, or a platform whose pin call cannot be used): everything else is
    the wrapped adapter's; ``pin`` and ``unpin`` are refused as UNSUPPORTED."""

    def __init__(self, inner: PlatformAdapter) -> None:
        self.inner = inner
        self._capabilities = replace(inner.capabilities, pins=PinKind.OPERATOR_PERFORMED)

    @property
    def platform(self) -> str:
        return self.inner.platform

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def me(self) -> Account:
        return await self.inner.me()

    async def upsert_products(
        self, products: Sequence[ShowcaseProduct], *, idempotency_key: IdempotencyKey | None = None
    ) -> list[BatchItemResult]:
        return await self.inner.upsert_products(products, idempotency_key=idempotency_key)

    async def create_session(
        self,
        title: str,
        *,
        scheduled_start: datetime | None = None,
        idempotency_key: IdempotencyKey | None = None,
    ) -> LiveSession:
        return await self.inner.create_session(
            title, scheduled_start=scheduled_start, idempotency_key=idempotency_key
        )

    async def get_session(self, session_id: str) -> LiveSession:
        return await self.inner.get_session(session_id)

    async def start_session(
        self, session_id: str, *, idempotency_key: IdempotencyKey
    ) -> LiveSession:
        return await self.inner.start_session(session_id, idempotency_key=idempotency_key)

    async def end_session(self, session_id: str, *, idempotency_key: IdempotencyKey) -> LiveSession:
        return await self.inner.end_session(session_id, idempotency_key=idempotency_key)

    async def set_bag(
        self, session_id: str, product_ids: Sequence[str], *, idempotency_key: IdempotencyKey
    ) -> LiveSession:
        return await self.inner.set_bag(session_id, product_ids, idempotency_key=idempotency_key)

    async def pin(
        self, session_id: str, request: PinRequest, *, idempotency_key: IdempotencyKey
    ) -> Pin:
        raise PlatformUnsupportedError(NO_PIN_API)

    async def unpin(self, session_id: str, *, idempotency_key: IdempotencyKey) -> None:
        raise PlatformUnsupportedError(NO_PIN_API)

    async def list_orders(
        self, session_id: str, *, after: str | None = None, limit: int | None = None
    ) -> Page[Order]:
        return await self.inner.list_orders(session_id, after=after, limit=limit)

    def events(
        self, session_id: str, *, after: str | None = None, on_link: LinkListener | None = None
    ) -> AsyncGenerator[Delivery, None]:
        return self.inner.events(session_id, after=after, on_link=on_link)
