"""Local storage: SQLite in WAL mode behind one writer thread. The only home of sqlite3
(besides the sandbox's own store).

    db = await Database.open(path)            # pragmas, migrations
    store = ShowStore(db)                     # shows, rundown, pins, orders, cursor, journal
    ...
    await db.close()
"""

from seller_console.storage.db import SYNCHRONOUS, Database
from seller_console.storage.errors import StorageBug, StorageKnownError
from seller_console.storage.show_store import ShowStore

__all__ = ["SYNCHRONOUS", "Database", "ShowStore", "StorageBug", "StorageKnownError"]
