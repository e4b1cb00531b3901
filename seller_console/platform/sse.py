"""An incremental Server-Sent Events decoder (WHATWG HTML §9.2) for a stream that resumes.

It differs from a browser's in ways that matter for never skipping an event and never being
stopped by one:

- A block's ``id:`` becomes the cursor only when the block is complete (at its blank line).
  A block cut mid-stream is never yielded and never moves the cursor, so a reconnect with
  ``Last-Event-ID`` replays it.
- A block with fields but no ``data:`` is yielded too (with ``data`` None): an id-only block
  moves the cursor, and ``event: resync-required`` may carry no data.
- Its cost is linear in the bytes fed, however they are split: each chunk is scanned once,
  and the pieces of an unfinished line are joined once, when it ends.
- A block larger than ``MAX_EVENT_BYTES`` (or a single line that is) is not kept: the rest
  of it is skipped as it arrives, and at its blank line the block is yielded with ``error``
  set (``StreamEventTooLargeError``, which names the cap). Memory stays bounded.
- The cursor only ever moves to an id that is safe to send back in a ``Last-Event-ID``
  header (``is_safe_event_id``). A block with an unsafe id is yielded with ``error`` set
  (``UnsafeEventIdError``) and the cursor stays at the last safe id.

``feed`` never raises: whatever the bytes, what cannot be used is reported on the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seller_console.platform.errors import (
    StreamEventError,
    StreamEventTooLargeError,
    UnsafeEventIdError,
)

MAX_EVENT_BYTES = 1024 * 1024
"""The most bytes one block (its lines and line ends together) may hold: 1 MiB."""
MAX_EVENT_ID_CHARS = 256
"""The longest event id the cursor may take (it is sent back as a header)."""
_MAX_RETRY_DIGITS = 9
_BOM = b"\xef\xbb\xbf"


def is_safe_event_id(value: str) -> bool:
    """Whether an id can be sent back as ``Last-Event-ID``: 1 to ``MAX_EVENT_ID_CHARS``
    printable ASCII characters, no space or control character."""
    return 0 < len(value) <= MAX_EVENT_ID_CHARS and all("!" <= c <= "~" for c in value)


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    event: str
    """The ``event:`` field, ``"message"`` when the block had none."""
    data: str | None
    """The ``data:`` lines joined with newlines; None when the block had no ``data:``."""
    last_event_id: str | None
    """The stream's cursor once this event is applied (the latest safe ``id:`` so far)."""
    id: str | None = None
    """This block's own ``id:`` as sent (None when it had none); may be unsafe (see
    ``error``)."""
    retry_ms: int | None = None
    error: StreamEventError | None = field(default=None, compare=False)
    """Why this block cannot be used, when it cannot; the stream goes on past it."""

    @property
    def id_in_block(self) -> bool:
        """Whether this block carried its own ``id:`` line."""
        return self.id is not None


class SSEDecoder:
    """Feed it bytes as they arrive; it returns the events completed by each chunk."""

    __slots__ = (
        "_after_cr",
        "_data",
        "_event",
        "_has_fields",
        "_id",
        "_last_event_id",
        "_max_event_bytes",
        "_oversize",
        "_pending",
        "_pending_size",
        "_retry",
        "_size",
        "_skip_line",
        "_started",
    )

    def __init__(
        self, last_event_id: str | None = None, *, max_event_bytes: int = MAX_EVENT_BYTES
    ) -> None:
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._skip_line = False
        self._after_cr = False
        self._started = False
        self._max_event_bytes = max_event_bytes
        self._last_event_id = last_event_id
        self._reset_block()

    def _reset_block(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self._has_fields = False
        self._size = 0
        self._oversize = False

    @property
    def last_event_id(self) -> str | None:
        """The cursor after the last complete block."""
        return self._last_event_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if self._after_cr and chunk[:1] == b"\n":
            chunk = chunk[1:]  # the \n of a \r\n split across two chunks
        if not chunk:
            return []
        self._after_cr = chunk[-1:] == b"\r"
        if not self._started:
            head = b"".join(self._pending) + chunk  # at most 2 bytes were kept back
            if len(head) < 3 and _BOM.startswith(head):
                self._pending = [head]
                return []
            self._started = True
            self._pending = []
            chunk = head[3:] if head.startswith(_BOM) else head
        events: list[ServerSentEvent] = []
        for piece in chunk.splitlines(keepends=True):
            if piece[-1:] in (b"\n", b"\r"):
                self._end_line(piece.rstrip(b"\r\n"), events)
            else:
                self._grow_line(piece)
        return events

    def _grow_line(self, piece: bytes) -> None:
        """An unfinished line grows by ``piece`` (the last piece of a chunk)."""
        if self._skip_line:
            return
        if self._size + self._pending_size + len(piece) > self._max_event_bytes:
            self._overflow()
            return
        self._pending.append(piece)
        self._pending_size += len(piece)

    def _overflow(self) -> None:
        """The block is over the cap: drop what it holds and skip the line in progress."""
        self._oversize = True
        self._data = []
        self._pending = []
        self._pending_size = 0
        self._skip_line = True

    def _end_line(self, tail: bytes, events: list[ServerSentEvent]) -> None:
        if self._skip_line:
            self._skip_line = False
            return
        if self._pending:
            self._pending.append(tail)
            raw = b"".join(self._pending)
            self._pending = []
            self._pending_size = 0
        else:
            raw = tail
        if not raw:
            if self._has_fields or self._oversize:
                events.append(self._dispatch())
            else:
                self._size = 0
            return
        if self._size + len(raw) + 1 > self._max_event_bytes:
            self._overflow()
            self._skip_line = False  # this line has ended already
            return
        line = raw.decode("utf-8", errors="replace")
        if line[0] == ":":
            return  # a comment; only its own length is capped
        self._size += len(raw) + 1
        name, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if name == "data":
            if not self._oversize:
                self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\x00" in value:
                return
            self._id = value
        elif name == "retry":
            if value.isascii() and value.isdigit() and len(value) <= _MAX_RETRY_DIGITS:
                self._retry = int(value)
        else:
            return
        self._has_fields = True

    def _dispatch(self) -> ServerSentEvent:
        error: StreamEventError | None = None
        if self._oversize:
            error = StreamEventTooLargeError(self._max_event_bytes)
        block_id = self._id
        if block_id is not None:
            if not block_id:
                self._last_event_id = None  # an empty id resets the cursor (WHATWG)
            elif is_safe_event_id(block_id):
                self._last_event_id = block_id
            elif error is None:
                error = UnsafeEventIdError(block_id, MAX_EVENT_ID_CHARS)
        event = ServerSentEvent(
            event=self._event or "message",
            data="\n".join(self._data) if self._data else None,
            last_event_id=self._last_event_id,
            id=block_id,
            retry_ms=self._retry,
            error=error,
        )
        self._reset_block()
        return event
