"""Per-session event logs and the text/event-stream writer with its fault knobs.

Each session has one ``EventLog``: events get ids 1, 2, 3 ... that only grow; the last
``retention`` events are kept for replay. ``stream`` writes a connection's bytes:

- it starts after ``Last-Event-ID`` (no header: from the start of the session);
- an id that is no longer held (older than the oldest kept, or unknown, e.g. newer than the
  newest) gets one ``event: resync-required`` block whose ``id:`` is the newest id, and the
  stream goes on from there: the client rebuilds from ``GET .../orders`` meanwhile;
- a ``: keep-alive`` comment opens the stream and fills every silence of ``keepalive_s``;
- events are written in batches (one chunk per batch) so thousands a second stay cheap.

Faults (``SandboxFaults``): duplicates repeat a block at once; a reordered window is sent
shuffled *without* ``id:`` lines and followed by an id-only block carrying the window's
highest id, so ``Last-Event-ID`` never runs ahead of an undelivered event; a drop ends the
response after a random count of events, half the time in the middle of a block.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from seller_console.sandbox.config import SandboxFaults
from seller_console.sandbox.errors import invalid
from seller_console.sandbox.wire import is_ascii_number

KEEPALIVE = b": keep-alive\n\n"
MAX_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    type: str
    data: bytes  # the JSON payload

    def block(self) -> bytes:
        return b"id: %d\nevent: %s\ndata: %s\n\n" % (self.id, self.type.encode(), self.data)

    def block_without_id(self) -> bytes:
        return b"event: %s\ndata: %s\n\n" % (self.type.encode(), self.data)


def cursor_block(event_id: int) -> bytes:
    """An id-only block: moves the client's cursor, carries no data."""
    return b"id: %d\n\n" % event_id


def encode(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


class EventLog:
    """One session's events. Used from the sandbox's event loop only."""

    def __init__(self, retention: int, last_id: int = 0) -> None:
        self._retention = retention
        self._events: list[Event] = []
        self._first_id = last_id + 1  # id of _events[0]
        self._last_id = last_id
        self._changed = asyncio.Event()
        self.closed = False

    @property
    def last_id(self) -> int:
        return self._last_id

    @property
    def oldest_id(self) -> int:
        """The oldest id still held (``last_id + 1`` when none is held)."""
        return self._first_id

    def append(self, type_: str, data: object) -> Event:
        self._last_id += 1
        event = Event(self._last_id, type_, encode(data))
        self._events.append(event)
        if len(self._events) >= 2 * self._retention:
            cut = len(self._events) - self._retention
            del self._events[:cut]
            self._first_id += cut
        self._wake()
        return event

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def close(self) -> None:
        """Ends every stream of this log (server shutdown)."""
        self.closed = True
        self._wake()

    def can_resume(self, after: int) -> bool:
        return self._first_id - 1 <= after <= self._last_id

    def since(self, after: int, limit: int = MAX_BATCH) -> list[Event] | None:
        """Events with ids above ``after``; None when some of them are no longer held."""
        if not self.can_resume(after):
            return None
        start = after + 1 - self._first_id
        return self._events[start : start + limit]

    async def wait(self, after: int, timeout: float) -> bool:
        """Waits until an event above ``after`` exists (True) or ``timeout`` passes."""
        if self._last_id > after or self.closed:
            return True
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            return False
        return True


MAX_LAST_EVENT_ID_CHARS = 256


def parse_last_event_id(header: str | None) -> int | None:
    """The numeric cursor of a ``Last-Event-ID`` header; -1 for an id we never issued
    (printable ASCII that is not one of our numbers: the client gets ``resync-required``).
    A header that no SSE client could have got as an id (not printable ASCII, or longer
    than ``MAX_LAST_EVENT_ID_CHARS``) is a 422 ``invalid_last_event_id``."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    if len(text) > MAX_LAST_EVENT_ID_CHARS or not all(" " <= c <= "~" for c in text):
        raise invalid(
            f"Last-Event-ID must be 1 to {MAX_LAST_EVENT_ID_CHARS} printable ASCII characters",
            "invalid_last_event_id",
        )
    return int(text) if is_ascii_number(text, 18) else -1


def resync_block(log: EventLog, session_id: str, after: int) -> bytes:
    data = {
        "session_id": session_id,
        "reason": "last_event_id_not_retained",
        "last_event_id": after,
        "oldest_retained_id": log.oldest_id,
        "resume_id": log.last_id,
    }
    return b"id: %d\nevent: resync-required\ndata: %s\n\n" % (log.last_id, encode(data))


class _Writer:
    """Turns batches of events into bytes, applying the stream faults of one connection."""

    def __init__(self, faults: Callable[[], SandboxFaults], rng: random.Random) -> None:
        self._faults = faults
        self._rng = rng
        self._left: int | None = None
        self.cut = False

    def _blocks(self, events: list[Event]) -> list[tuple[bytes, bool]]:
        """(block, counts-as-an-event) pairs for ``events`` under the current faults."""
        faults = self._faults()
        window = faults.reorder_window
        out: list[tuple[bytes, bool]] = []
        if window > 1:
            for start in range(0, len(events), window):
                part = events[start : start + window]
                blocks = [e.block_without_id() for e in part]
                self._rng.shuffle(blocks)
                out.extend((b, True) for b in self._duplicated(blocks, faults))
                out.append((cursor_block(part[-1].id), False))
        else:
            out.extend((b, True) for b in self._duplicated([e.block() for e in events], faults))
        return out

    def _duplicated(self, blocks: list[bytes], faults: SandboxFaults) -> list[bytes]:
        if faults.duplicate_rate <= 0:
            return blocks
        out: list[bytes] = []
        for block in blocks:
            out.append(block)
            if self._rng.random() < faults.duplicate_rate:
                out.append(block)
        return out

    def write(self, events: list[Event]) -> bytes:
        """The bytes for ``events``; sets ``cut`` when the connection must end after them."""
        drop = self._faults().drop_every
        if drop is None:
            self._left = None
        elif self._left is None:
            self._left = self._rng.randint(*drop)
        chunk = bytearray()
        for block, counts in self._blocks(events):
            if counts and self._left is not None:
                if self._left <= 0:
                    if self._rng.random() < 0.5:
                        chunk += block[: self._rng.randint(1, len(block) - 1)]
                    self.cut = True
                    return bytes(chunk)
                self._left -= 1
            chunk += block
        return bytes(chunk)


async def stream(
    log: EventLog,
    session_id: str,
    last_event_id: int | None,
    *,
    faults: Callable[[], SandboxFaults],
    rng: random.Random,
    keepalive_s: float,
) -> AsyncIterator[bytes]:
    """The body of one ``GET .../events`` response."""
    writer = _Writer(faults, rng)
    yield KEEPALIVE
    cursor = 0 if last_event_id is None else last_event_id
    while not log.closed:
        batch = log.since(cursor)
        if batch is None:
            yield resync_block(log, session_id, cursor)
            cursor = log.last_id
            continue
        if not batch:
            if not await log.wait(cursor, keepalive_s):
                yield KEEPALIVE
            continue
        chunk = writer.write(batch)
        if chunk:
            yield chunk
        if writer.cut:
            return
        cursor = batch[-1].id
