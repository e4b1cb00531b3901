"""The schema, as migrations: ``MIGRATIONS[n - 1]`` takes ``user_version`` n-1 to n.

Money is integer minor units beside an ISO 4217 code; times are RFC 3339 UTC text.
"""

from __future__ import annotations

from typing import Final

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE shows (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT
        )""",
        """CREATE TABLE rundown_items (
            show_id TEXT NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            title TEXT NOT NULL,
            planned_seconds INTEGER NOT NULL,
            live_price_minor INTEGER,
            live_price_currency TEXT,
            stock_cap INTEGER,
            PRIMARY KEY (show_id, position)
        )""",
        """CREATE TABLE pin_receipts (
            key TEXT PRIMARY KEY,
            show_id TEXT NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'confirmed', 'failed')),
            pin_id TEXT,
            answered_at TEXT,
            failure TEXT
        )""",
        """CREATE TABLE stream_pins (
            session_id TEXT NOT NULL,
            pin_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            pinned_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (session_id, pin_id)
        )""",
        """CREATE TABLE orders (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('paid', 'refunded', 'cancelled')),
            status_rank INTEGER NOT NULL,
            currency TEXT NOT NULL,
            total_minor INTEGER NOT NULL,
            commission_rate TEXT NOT NULL,
            commission_minor INTEGER NOT NULL,
            pin_id TEXT,
            affiliate_code TEXT,
            lines TEXT NOT NULL
        )""",
        "CREATE INDEX orders_by_session ON orders(session_id)",
        """CREATE TABLE stream_cursors (
            session_id TEXT PRIMARY KEY,
            cursor TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
        """CREATE TABLE journal (
            key TEXT PRIMARY KEY,
            show_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            outcome TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX journal_pending ON journal(show_id, status)",
    ),
)
