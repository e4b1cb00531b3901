"""The schema, as migrations: ``MIGRATIONS[n - 1]`` takes ``user_version`` n-1 to n.

Money is integer minor units beside an ISO 4217 code; times are RFC 3339 UTC text.

Identity (migration 2): a show is ours (a random id) and belongs to one platform account
(``platform`` kind plus ``account``); the platform's session id is an attribute of the
show, never a key, because a restarted practice platform or another account can hand out
the same id again. Everything a show keeps (orders, pins seen, the stream cursor, the
journal, receipts, the rundown) is keyed by the show, and an order is unique per show.
Migrations run with foreign keys off (``storage.db.connect``) so rebuilding a table
never cascades; a foreign-key check follows them.

Settlement (migration 3): an order's ``status_rank`` is ``domain.ledger.progress`` (its
status's rank times two, plus one once the platform settled its commission), so a settled
state replaces a paid one and never the reverse; ``commission_settled`` says so; the
``lines`` JSON may carry each line's platform estimate and settled amount (minor units);
``shows.refreshed_at`` is when the show's orders were last read again from the platform.

Totals (migration 4): ``shows.totals`` keeps a show's totals as its report has them (JSON,
amounts as exact decimal text), so Past shows lists a year of shows without replaying
their orders; ``data_version`` counts the writes of its orders and metrics, and the kept
totals hold while ``totals_version`` equals it.

Platform stock (migration 5): ``platform_stock`` keeps each product's newest stock figure
from the platform (``StockUpdated``; NULL: it gives none), saved with the cursor that covers
it, so a resumed show still knows what the platform said was left.
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
    (
        # shows: the platform account it belongs to (the session id is no longer unique),
        # the plan it ran (JSON, so an unfinished show can be resumed on another day), and
        # whether its sales count in pin windows by time (no pin ids from the platform)
        """CREATE TABLE shows_v2 (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            session_id TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT,
            plan TEXT,
            by_time INTEGER NOT NULL DEFAULT 0
        )""",
        """INSERT INTO shows_v2 (id, platform, account, session_id, title, status, created_at,
                                 started_at, ended_at)
           SELECT id, 'livecommerce', '', session_id, title, status, created_at, started_at,
                  ended_at FROM shows""",
        "DROP TABLE shows",
        "ALTER TABLE shows_v2 RENAME TO shows",
        "CREATE INDEX shows_by_session ON shows(platform, account, session_id)",
        # pin receipts: a pin the operator performed in the platform's app is kept too
        """CREATE TABLE pin_receipts_v2 (
            key TEXT PRIMARY KEY,
            show_id TEXT NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            product_id TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            outcome TEXT NOT NULL
                CHECK (outcome IN ('sent', 'confirmed', 'failed', 'performed')),
            pin_id TEXT,
            answered_at TEXT,
            failure TEXT
        )""",
        "INSERT INTO pin_receipts_v2 SELECT * FROM pin_receipts",
        "DROP TABLE pin_receipts",
        "ALTER TABLE pin_receipts_v2 RENAME TO pin_receipts",
        # the rundown as planned: the showcase id the ledger keys by, the commission rate
        # (so a reopened report estimates as the live one did)
        "ALTER TABLE rundown_items ADD COLUMN showcase_id TEXT",
        "ALTER TABLE rundown_items ADD COLUMN commission_rate TEXT",
        # orders, pins seen and the cursor: keyed by the show (they were keyed by the
        # platform's ids alone, so a later show's orders could overwrite an earlier one's)
        """CREATE TABLE orders_v2 (
            show_id TEXT NOT NULL,
            id TEXT NOT NULL,
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
            lines TEXT NOT NULL,
            PRIMARY KEY (show_id, id)
        )""",
        """INSERT INTO orders_v2 SELECT s.id, o.id, o.session_id, o.created_at, o.status,
                  o.status_rank, o.currency, o.total_minor, o.commission_rate,
                  o.commission_minor, o.pin_id, o.affiliate_code, o.lines
           FROM orders o JOIN shows s ON s.session_id = o.session_id ORDER BY o.rowid""",
        "DROP TABLE orders",
        "ALTER TABLE orders_v2 RENAME TO orders",
        """CREATE TABLE stream_pins_v2 (
            show_id TEXT NOT NULL,
            pin_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            pinned_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (show_id, pin_id)
        )""",
        """INSERT INTO stream_pins_v2 SELECT s.id, p.pin_id, p.product_id, p.pinned_at, p.version
           FROM stream_pins p JOIN shows s ON s.session_id = p.session_id""",
        "DROP TABLE stream_pins",
        "ALTER TABLE stream_pins_v2 RENAME TO stream_pins",
        """CREATE TABLE stream_cursors_v2 (
            show_id TEXT PRIMARY KEY,
            cursor TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
        """INSERT INTO stream_cursors_v2 SELECT s.id, c.cursor, c.saved_at
           FROM stream_cursors c JOIN shows s ON s.session_id = c.session_id""",
        "DROP TABLE stream_cursors",
        "ALTER TABLE stream_cursors_v2 RENAME TO stream_cursors",
        # events (and orders of the orders list) that could not be applied: kept with
        # their reason, saved with the cursor that moved past them
        """CREATE TABLE rejected_events (
            show_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            event_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            raw TEXT NOT NULL,
            received_at TEXT NOT NULL,
            PRIMARY KEY (show_id, event_type, event_id, reason)
        )""",
        # a metrics-only platform's running figures, as read (JSON, amounts as text)
        """CREATE TABLE metric_reports (
            show_id TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX metric_reports_by_show ON metric_reports(show_id)",
    ),
    (
        "UPDATE orders SET status_rank = status_rank * 2",
        "ALTER TABLE orders ADD COLUMN commission_settled INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE shows ADD COLUMN refreshed_at TEXT",
    ),
    (
        "ALTER TABLE shows ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE shows ADD COLUMN totals TEXT",
        "ALTER TABLE shows ADD COLUMN totals_version INTEGER",
    ),
    (
        """CREATE TABLE platform_stock (
            show_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            stock INTEGER,
            PRIMARY KEY (show_id, product_id)
        )""",
    ),
)
