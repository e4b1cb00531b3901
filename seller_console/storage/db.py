"""Opening the database, its pragmas and migrations, and the one writer.

Durability: WAL with ``synchronous=FULL`` (``SYNCHRONOUS``). With WAL, NORMAL is already
safe against an app crash or ``kill -9`` (a committed transaction is in the WAL file the
OS holds), but a power loss or OS crash can roll back the last transactions. For the
stream that would only mean replaying events (the cursor rolls back with the orders it
covers). The action journal is different: a user intent that vanished after a power loss
is a pin or an end-of-show that silently never happens. FULL fsyncs the WAL on every
commit; the cost is one fsync per batch, and because the writer takes whatever queued up
while the last commit synced, a slower disk makes batches bigger rather than ingest slower.

One writer: every statement runs on one thread (a single-thread executor) that owns the
connection, so writes never contend and no call blocks the caller's event loop. Reads go
through the same thread; a show's reads are small (a list of shows, one show's orders at
start and for its report).

Migrations are keyed on ``PRAGMA user_version``: migration N takes the schema from version
N-1 to N in one transaction. A database with a newer version than this app knows is
refused with a known error instead of being misread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final, TypeVar

from seller_console.domain.storage_port import StorageError, StorageErrorKind
from seller_console.storage.errors import StorageBug, StorageKnownError, translate
from seller_console.storage.schema import MIGRATIONS

T = TypeVar("T")

SYNCHRONOUS: Final = "FULL"
"""``PRAGMA synchronous`` for the app's database; see the module docstring for why."""
_SYNCHRONOUS_VALUE: Final = {"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}
BUSY_TIMEOUT_MS: Final = 5000


def connect(
    path: Path | str, *, migrations: Sequence[Sequence[str]] = MIGRATIONS
) -> sqlite3.Connection:
    """A connection with the app's pragmas, its schema migrated. Raises ``StorageError``."""
    try:
        conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, cached_statements=256
        )
    except sqlite3.Error as exc:
        raise translate(exc, "opening the app's data") from exc
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal" and str(path) != ":memory:":
            raise StorageKnownError(
                "The app's data file cannot use write-ahead logging (is it on a network "
                "drive?). Move the app's data folder to a local disk.",
                StorageErrorKind.CANNOT_OPEN,
            )
        conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=OFF")  # a table rebuilt by a migration never cascades
        migrate(conn, migrations)
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, "opening the app's data") from exc
    except StorageError:
        conn.close()
        raise
    return conn


def synchronous_setting(conn: sqlite3.Connection) -> str:
    """The connection's ``synchronous`` setting, by name."""
    value = int(conn.execute("PRAGMA synchronous").fetchone()[0])
    return next(name for name, number in _SYNCHRONOUS_VALUE.items() if number == value)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> int:
    """Brings the schema to ``len(migrations)``; the version it had before."""
    before = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if before > len(migrations):
        raise StorageKnownError(
            f"The app's data was written by a newer version of the app (schema {before}, "
            f"this version knows {len(migrations)}). Update the app to open it.",
            StorageErrorKind.TOO_NEW,
        )
    for version in range(before + 1, len(migrations) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migrations[version - 1]:
                conn.execute(statement)
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
            if broken is not None:
                raise StorageBug(f"migration {version} broke a reference: {tuple(broken)}")
            conn.execute(f"PRAGMA user_version={version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return before


def transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """``work`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


class Database:
    """The app's database: one connection owned by one writer thread.

    Open with ``await Database.open(path)``; close with ``await db.close()``. ``write``
    runs a function in one transaction on the writer thread; ``read`` runs one there too.
    Both raise ``StorageKnownError`` or ``StorageBug``, never ``sqlite3.Error``.
    """

    def __init__(self, executor: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        self._executor = executor
        self._conn = conn
        self._closed = False

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storage-writer")
        loop = asyncio.get_running_loop()
        try:
            conn = await loop.run_in_executor(executor, connect, path)
        except BaseException:
            executor.shutdown(wait=True)
            raise
        return cls(executor, conn)

    @property
    def synchronous(self) -> str:
        return synchronous_setting(self._conn)

    def _run(self, work: Callable[[sqlite3.Connection], T], what: str, write: bool) -> T:
        if self._closed:
            raise StorageBug(f"The app's data was used after it was closed ({what}).")
        try:
            return transaction(self._conn, work) if write else work(self._conn)
        except sqlite3.Error as exc:
            raise translate(exc, what) from exc

    async def write(self, work: Callable[[sqlite3.Connection], T], what: str) -> T:
        """Run ``work(conn)`` in one transaction on the writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, work, what, True)

    async def read(self, work: Callable[[sqlite3.Connection], T], what: str) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, work, what, False)

    async def close(self) -> None:
        """Waits for queued work, then closes the connection and the writer thread."""
        if self._closed:
            return
        loop = asyncio.get_running_loop()

        def shut() -> None:
            self._closed = True
            self._conn.close()

        await loop.run_in_executor(self._executor, shut)
        self._executor.shutdown(wait=True)
