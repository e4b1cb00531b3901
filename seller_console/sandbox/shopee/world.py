"""The practice Shopee's state: tokens, the shop, live sessions and a seeded audience.

Everything here runs on the server's event loop; nothing is shared across threads except
through it. Money is ``Decimal`` throughout (prices enter only through ``Decimal``
arithmetic; the audience's rates are floats, never amounts).
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from seller_console.sandbox import audience
from seller_console.sandbox.clock import SandboxClock
from seller_console.sandbox.shopee.config import (
    REFRESH_TOKEN_TTL_S,
    SandboxItem,
    ShopeeFaults,
    ShopeeSandboxConfig,
)

COMMENT_WINDOW_S = 10.0
CODE_TTL_S = 600.0
"""An authorization code is valid for one use within 10 minutes (``get_access_token``)."""
USER = "user"
SHOP = "shop"
_PHRASES = (
    "how much is {}?",
    "love the {}",
    "is {} in stock?",
    "just bought {}!",
    "does {} ship today",
    "{} looks great",
)


class ShopeeError(Exception):
    """An error answer: the envelope's ``error`` and ``message``, and the HTTP status."""

    def __init__(self, error: str, message: str, status: int = 400) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message
        self.status = status


def data_error(message: str) -> ShopeeError:
    return ShopeeError("error_data", message)


def param_error(message: str) -> ShopeeError:
    return ShopeeError("error_param", message)


Owner = tuple[str, int]
"""Who a token is for: ``(USER, user_id)`` or ``(SHOP, shop_id)``."""
StockKey = tuple[int, int]
"""``(item_id, model_id)``; ``model_id`` 0 for an item without models."""


def stock_keys(item: SandboxItem) -> list[StockKey]:
    """Where an item's stock is kept: per model when it has models, else on the item."""
    return [(item.item_id, m.model_id) for m in item.models] or [(item.item_id, 0)]


@dataclass(slots=True)
class Grant:
    """An access or refresh token or a code: whose (the ``owners`` one authorization
    covers) and until when (wall time). ``spent``: the owners that already used a refresh
    token (it works once for each of them)."""

    owners: frozenset[Owner]
    expires_at: float
    spent: set[Owner] = field(default_factory=set)


@dataclass(slots=True)
class ItemCounters:
    clicks: int = 0
    atc: int = 0
    sold: int = 0


@dataclass(slots=True)
class Comment:
    comment_id: int
    content: str
    at: float  # sandbox seconds
    timestamp: int  # Unix seconds
    user_id: int
    username: str


@dataclass(slots=True)
class Session:
    session_id: int
    title: str
    description: str
    cover_image_url: str
    is_test: bool
    domain_id: int
    create_time: int
    status: int = 0  # 0 initial, 1 ongoing, 2 ended
    start_time: int = 0
    end_time: int = 0
    update_time: int = 0
    bag: list[int] = field(default_factory=list)
    shown: int | None = None
    gmv: Decimal = Decimal(0)
    orders: int = 0
    atc: int = 0
    ccu: int = 0
    peak_ccu: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    views: int = 0
    items: dict[int, ItemCounters] = field(default_factory=dict)
    recent_comments: deque[Comment] = field(default_factory=deque)
    all_comment_ids: list[int] = field(default_factory=list)
    show_changes: int = 0


@dataclass(slots=True)
class Counters:
    calls: int = 0
    bad_signatures: int = 0
    expired_timestamps: int = 0
    rejected_tokens: int = 0
    refreshes: int = 0
    rejected_refreshes: int = 0
    rate_limited: int = 0


class ShopeeWorld:
    def __init__(self, config: ShopeeSandboxConfig, clock: SandboxClock) -> None:
        self.config = config
        self.clock = clock
        self.faults: ShopeeFaults = config.faults
        self.partner_key = config.partner_key or secrets.token_hex(32)
        self.items: dict[int, SandboxItem] = {i.item_id: i for i in config.items}
        self.stock: audience.Stock[StockKey] = audience.Stock(
            {(i.item_id, m.model_id): m.stock for i in config.items for m in i.models}
            | {(i.item_id, 0): i.stock for i in config.items if not i.models}
        )
        self.sessions: dict[int, Session] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}
        self.codes: dict[str, Grant] = {}
        self.counters = Counters()
        self.burst_until = 0.0
        self._rng = random.Random(f"{config.seed}/shopee-audience")
        self._ids = random.Random(f"{config.seed}/shopee-ids")
        self._next_session = 600001 + self._ids.randrange(1000)
        self._next_comment = 273887001
        self._last_tick = clock.elapsed()
        self.initial = {
            USER: self.issue((USER, config.user_id)),
            SHOP: self.issue((SHOP, config.shop_id)),
        }

    # ------------------------------------------------------------ tokens
    def now(self) -> float:
        """Wall time (Unix seconds) on the sandbox clock."""
        return self.clock.now().timestamp()

    def issue(self, *owners: Owner) -> dict[str, object]:
        """A new access and refresh token for ``owners`` (one authorization may cover a
        user and a shop), as the auth answer's fields."""
        ttl = self.faults.token_ttl_s or self.config.token_ttl_s
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        now = self.now()
        self.access[access] = Grant(frozenset(owners), now + ttl)
        self.refresh[refresh] = Grant(frozenset(owners), now + REFRESH_TOKEN_TTL_S)
        return {"access_token": access, "refresh_token": refresh, "expire_in": int(ttl)}

    def check_access(self, token: str, kind: str, owner: int) -> None:
        grant = self.access.get(token)
        if grant is None or (kind, owner) not in grant.owners or grant.expires_at <= self.now():
            self.counters.rejected_tokens += 1
            raise ShopeeError(
                "invalid_acceess_token", "Invalid access_token, please have a check.", 403
            )

    def use_refresh(self, token: str, kind: str, owner: int) -> dict[str, object]:
        """Spend ``token`` for ``owner`` and issue ``owner`` a set of its own.

        Per ``v2.public.refresh_access_token``: the ids "must be refreshed separately", and a
        refresh token "can only be used once by either a shop_id or ... user_id"; per
        ``get_access_token`` the refresh token of an authorization is "valid for each shop_id
        and merchant_id respectively". So the token of an authorization that covers a user
        and a shop works once for the user and once for the shop, and each refresh answers
        a new set for the one id it names (which covers that id only)."""
        grant = self.refresh.get(token)
        who = (kind, owner)
        if (
            grant is None
            or who not in grant.owners
            or who in grant.spent
            or grant.expires_at <= self.now()
        ):
            self.counters.rejected_refreshes += 1
            if kind == SHOP:
                raise ShopeeError(
                    "error_shop_refresh_token",
                    "Your refresh token is error ,please check refresh token or shopid.",
                    403,
                )
            raise ShopeeError("refresh_token_expired", "Your refresh_token expired.", 403)
        grant.spent.add(who)
        if grant.spent == grant.owners:
            del self.refresh[token]
        self.counters.refreshes += 1
        return self.issue(who)

    def issue_code(self, *owners: Owner) -> str:
        """An authorization code for ``owners`` (what the seller's consent produces)."""
        code = secrets.token_hex(16)
        self.codes[code] = Grant(frozenset(owners), self.now() + CODE_TTL_S)
        return code

    def use_code(self, code: str) -> Grant:
        """Spend ``code`` (it works once); whose it is. Unknown, spent or old: refused."""
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires_at <= self.now():
            raise ShopeeError(
                "invalid_code", "The code is expired or used or invalid, please check the code."
            )
        return grant

    def expire_access_tokens(self) -> int:
        """Expire every access token now (the token-expiring-mid-show knob)."""
        now = self.now()
        live = [g for g in self.access.values() if g.expires_at > now]
        for grant in live:
            grant.expires_at = now
        return len(live)

    # ------------------------------------------------------------ kept across restarts
    _SCALARS = (
        "session_id",
        "title",
        "description",
        "cover_image_url",
        "is_test",
        "domain_id",
        "create_time",
        "status",
        "start_time",
        "end_time",
        "update_time",
        "shown",
        "orders",
        "atc",
        "ccu",
        "peak_ccu",
        "likes",
        "comments",
        "shares",
        "views",
        "show_changes",
    )

    def snapshot(self) -> dict[str, object]:
        """The sessions as JSON values (``state_file``); the comments of the last 10 s are
        not kept (they are gone from ``get_latest_comment_list`` by the time it is back)."""
        sessions = []
        for s in self.sessions.values():
            doc: dict[str, object] = {name: getattr(s, name) for name in self._SCALARS}
            doc["bag"] = list(s.bag)
            doc["gmv"] = str(s.gmv)
            doc["items"] = {str(k): [c.clicks, c.atc, c.sold] for k, c in s.items.items()}
            doc["comment_ids"] = list(s.all_comment_ids)
            sessions.append(doc)
        return {
            "next_session": self._next_session,
            "next_comment": self._next_comment,
            "sessions": sessions,
            "stock": [[i, m, left] for (i, m), left in self.stock.levels().items()],
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Puts saved sessions and what is left in stock back (at start, before serving);
        raises before changing anything when ``saved`` is not a snapshot. Stock of items the
        shop no longer has is dropped; a file from before stock was kept leaves it full."""
        levels = self.stock.levels()
        for item_id, model_id, left in saved.get("stock", []):
            key = (int(item_id), int(model_id))
            if key in levels:
                levels[key] = None if left is None else int(left)
        sessions: dict[int, Session] = {}
        for doc in saved["sessions"]:
            session = Session(**{name: doc[name] for name in self._SCALARS[:7]})
            for name in self._SCALARS[7:]:
                setattr(session, name, doc[name])
            session.bag = [int(i) for i in doc["bag"]]
            session.gmv = Decimal(str(doc["gmv"]))
            session.items = {
                int(k): ItemCounters(int(c[0]), int(c[1]), int(c[2]))
                for k, c in doc["items"].items()
            }
            session.all_comment_ids = [int(i) for i in doc["comment_ids"]]
            if not isinstance(doc["session_id"], int) or (
                session.shown is not None and session.shown not in self.items
            ):
                raise ValueError(f"session {session.session_id} does not fit this shop")
            sessions[session.session_id] = session
        next_session, next_comment = int(saved["next_session"]), int(saved["next_comment"])
        self.sessions = sessions
        self.stock = audience.Stock(levels)
        self._next_session = max([next_session, *(k + 1 for k in sessions)])
        self._next_comment = next_comment

    # ------------------------------------------------------------ sessions
    def session(self, session_id: object) -> Session:
        if isinstance(session_id, bool) or not isinstance(session_id, int) or session_id <= 0:
            raise param_error("Invalid session_id")
        found = self.sessions.get(session_id)
        if found is None:
            raise data_error(f"The session(session_id:{session_id}) is not exist")
        return found

    def create(self, title: str, description: str, cover: str, is_test: bool) -> Session:
        for s in self.sessions.values():
            if s.status == 1:
                raise data_error(
                    f"The last session(session_id:{s.session_id}) is still ongoing, please end "
                    "it first"
                )
        sid = self._next_session
        self._next_session += 1
        now = int(self.now())
        session = Session(
            session_id=sid,
            title=title,
            description=description,
            cover_image_url=cover,
            is_test=is_test,
            domain_id=self._ids.randrange(1, 100),
            create_time=now,
            update_time=now,
        )
        self.sessions[sid] = session
        return session

    def start(self, session: Session, domain_id: int) -> None:
        if session.status == 1:
            raise data_error(f"The session(session_id:{session.session_id}) is ongoing")
        if session.status == 2:
            raise data_error(f"The session(session_id:{session.session_id}) is ended")
        if domain_id != session.domain_id:
            raise param_error("Invalid domain_id")
        session.status = 1
        session.start_time = session.update_time = int(self.now())

    def end(self, session: Session) -> None:
        self.require_ongoing(session)
        session.status = 2
        session.shown = None
        session.end_time = session.update_time = int(self.now())

    @staticmethod
    def require_ongoing(session: Session) -> None:
        if session.status != 1:
            raise data_error(f"The session(session_id:{session.session_id}) is not ongoing")

    @staticmethod
    def require_not_ended(session: Session) -> None:
        if session.status == 2:
            raise data_error(f"The session(session_id:{session.session_id}) is ended")

    def item_price(self, item: SandboxItem) -> Decimal:
        return min((m.price for m in item.models), default=item.price)

    def show(self, session: Session, item_id: int | None) -> None:
        if session.shown != item_id:
            session.shown = item_id
            session.show_changes += 1

    # ------------------------------------------------------------ the audience
    def _count(self, expected: float) -> int:
        whole = int(expected)
        return whole + (1 if self._rng.random() < expected - whole else 0)

    def tick(self) -> None:
        now = self.clock.elapsed()
        dt = max(0.0, now - self._last_tick)
        self._last_tick = now
        if dt == 0:
            return
        cfg = self.config
        for s in self.sessions.values():
            if s.status != 1:
                continue
            target = cfg.viewers
            joins = self._count(dt * max(0.0, target - s.ccu) * 0.3 + dt * 0.5)
            leaves = min(s.ccu, self._count(dt * s.ccu * 0.02))
            s.ccu += joins - leaves
            s.views += joins
            s.peak_ccu = max(s.peak_ccu, s.ccu)
            s.likes += self._count(dt * cfg.like_rate)
            s.shares += self._count(dt * cfg.like_rate / 20)
            if s.shown is None:
                continue
            item = self.items[s.shown]
            counters = s.items.setdefault(item.item_id, ItemCounters())
            counters.clicks += self._count(dt * cfg.order_rate * 3)
            added = self._count(dt * cfg.order_rate * 1.5)
            counters.atc += added
            s.atc += added
            for _ in range(self._count(dt * cfg.order_rate)):
                if not self._order(s, item, counters):
                    break
            for _ in range(self._count(dt * cfg.comment_rate)):
                self._comment(s, item, now)
            while s.recent_comments and s.recent_comments[0].at < now - COMMENT_WINDOW_S:
                s.recent_comments.popleft()

    def _order(self, session: Session, item: SandboxItem, counters: ItemCounters) -> bool:
        """One viewer's order of the shown ``item`` (of one of its models that has stock
        left), its units taken from ``stock``; False when none of it can sell. Every order
        the practice Shopee makes is made here."""
        open_keys = [k for k in stock_keys(item) if self.stock.can_sell(k)]
        if not open_keys:
            return False
        key = open_keys[0] if len(open_keys) == 1 else self._rng.choice(open_keys)
        units = self.stock.take(self._rng, key)
        price = next((m.price for m in item.models if m.model_id == key[1]), item.price)
        session.orders += 1
        counters.sold += units
        session.gmv += price * units
        return True

    def _comment(self, session: Session, item: SandboxItem, now: float) -> None:
        viewer = self._rng.randrange(1, 5000)
        text = self._rng.choice(_PHRASES).format(item.name)
        comment = Comment(
            self._next_comment, text, now, int(self.now()), 7000000 + viewer, f"viewer{viewer}"
        )
        self._next_comment += self._rng.randrange(1, 4)
        session.recent_comments.append(comment)
        session.all_comment_ids.append(comment.comment_id)
        session.comments += 1

    def latest_comments(self, session: Session) -> list[Comment]:
        cutoff = self.clock.elapsed() - COMMENT_WINDOW_S
        return [c for c in session.recent_comments if c.at >= cutoff]
