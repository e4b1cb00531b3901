"""An incremental Server-Sent Events decoder (WHATWG HTML §9.2) for a stream that resumes.

It differs from a browser's in two ways that matter for never skipping an event:

- A block's ``id:`` becomes the cursor only when the block is complete (at its blank line).
  A block cut mid-stream is never yielded and never moves the cursor, so a reconnect with
  ``Last-Event-ID`` replays it.
- A block with fields but no ``data:`` is yielded too (with ``data`` None): an id-only block
  moves the cursor, and ``event: resync-required`` may carry no data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    event: str
    """The ``event:`` field, ``"message"`` when the block had none."""
    data: str | None
    """The ``data:`` lines joined with newlines; None when the block had no ``data:``."""
    last_event_id: str | None
    """The stream's cursor once this event is applied (the latest ``id:`` so far)."""
    id_in_block: bool
    """Whether this block carried its own ``id:`` line."""
    retry_ms: int | None = None


class SSEDecoder:
    """Feed it bytes as they arrive; it returns the events completed by each chunk."""

    __slots__ = (
        "_after_cr",
        "_data",
        "_event",
        "_has_fields",
        "_id",
        "_last_event_id",
        "_pending",
        "_retry",
        "_started",
    )

    def __init__(self, last_event_id: str | None = None) -> None:
        self._pending = b""
        self._after_cr = False
        self._started = False
        self._last_event_id = last_event_id
        self._reset_block()

    def _reset_block(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self._has_fields = False

    @property
    def last_event_id(self) -> str | None:
        """The cursor after the last complete block."""
        return self._last_event_id

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        if self._after_cr and chunk[:1] == b"\n":
            chunk = chunk[1:]  # the \n of a \r\n split across two chunks
        self._after_cr = chunk[-1:] == b"\r"
        buffer = self._pending + chunk if self._pending else chunk
        if not self._started:
            if len(buffer) < 3 and b"\xef\xbb\xbf".startswith(buffer):
                self._pending = buffer
                return []
            self._started = True
            if buffer.startswith(b"\xef\xbb\xbf"):
                buffer = buffer[3:]
        lines = buffer.splitlines()
        if buffer[-1:] not in (b"\n", b"\r"):
            self._pending = lines.pop() if lines else b""
        else:
            self._pending = b""
        events: list[ServerSentEvent] = []
        for raw in lines:
            if not raw:
                if self._has_fields:
                    events.append(self._dispatch())
                continue
            line = raw.decode("utf-8", errors="replace")
            if line[0] == ":":
                continue
            name, sep, value = line.partition(":")
            if sep and value[:1] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
            elif name == "event":
                self._event = value
            elif name == "id":
                if "\x00" in value:
                    continue
                self._id = value
            elif name == "retry":
                if value.isascii() and value.isdigit():
                    self._retry = int(value)
            else:
                continue
            self._has_fields = True
        return events

    def _dispatch(self) -> ServerSentEvent:
        if self._id is not None:
            self._last_event_id = self._id or None
        event = ServerSentEvent(
            event=self._event or "message",
            data="\n".join(self._data) if self._data else None,
            last_event_id=self._last_event_id,
            id_in_block=self._id is not None,
            retry_ms=self._retry,
        )
        self._reset_block()
        return event
