"""How a sandbox is set up: ``SandboxConfig`` and its fault knobs, ``SandboxFaults``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path

from seller_console.domain.net import is_this_machine
from seller_console.sandbox.errors import SandboxConfigError

MAX_LATENCY_MS = 60_000
MAX_RETRY_AFTER_S = 3_600
MAX_EVERY = 1_000_000_000
"""The largest count knob (``rate_limit_burst_every``, ``drop_every``)."""
MAX_REORDER_WINDOW = 10_000
MAX_RATE = 100_000.0
"""Orders per second: the most the simulated audience may be asked for."""
MAX_TIME_SCALE = 10_000.0
MAX_EVENT_RETENTION = 10_000_000
MAX_HEADER_TIMEOUT_S = 60.0
HEADER_TIMEOUT_S = 10.0
"""How long a connection may take to send a request's line and headers (slowloris)."""


def _in_range(name: str, value: float, low: float, high: float) -> None:
    """Refuse a knob value outside ``[low, high]`` (NaN and infinities included)."""
    if not (math.isfinite(value) and low <= value <= high):
        raise SandboxConfigError(f"{name} must be from {low:g} to {high:g}, got {value:g}")


@dataclass(frozen=True, slots=True)
class SandboxFaults:
    """Fault knobs. Every knob is off by default; they apply to ``/v1/`` calls only.

    - ``error_rate``: share (0..1) of calls answered ``503 unavailable`` (``Retry-After: 0``)
      before anything is done.
    - ``rate_limit_burst_every``: every Nth call opens a burst of ``429 rate_limited``: for
      ``retry_after_s`` seconds every call gets a 429 with ``Retry-After`` (whole seconds
      left in the burst, at least 1). None switches bursts off.
    - ``retry_after_s``: the length of a 429 burst, in (real) seconds.
    - ``latency_ms``: added before every call is handled.
    - ``drop_every``: None, or ``(low, high)``: each event-stream connection is ended after
      a random count of events in that range; half of the cuts fall inside an event block,
      at a random byte offset (the client must discard the partial block).
    - ``duplicate_rate``: share of events sent twice in a row (same id).
    - ``reorder_window``: events are sent shuffled within windows of this many events (0 or
      1: in order). Inside a shuffled window, blocks carry no ``id:`` line; an id-only block
      with the window's highest id follows the window. So ``Last-Event-ID`` only moves once
      the whole window is delivered, and a client that resumes never skips an event.
    - ``lost_response_rate``: share of successful mutating calls whose answer is lost: the
      mutation is done (and kept under its ``Idempotency-Key``), then ``500 internal_error``
      is sent instead of the result. A retry with the same key gets the first result and
      does not act twice.
    """

    error_rate: float = 0.0
    rate_limit_burst_every: int | None = None
    retry_after_s: int = 1
    latency_ms: int = 0
    drop_every: tuple[int, int] | None = None
    duplicate_rate: float = 0.0
    reorder_window: int = 0
    lost_response_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("error_rate", "duplicate_rate", "lost_response_rate"):
            _in_range(name, getattr(self, name), 0.0, 1.0)
        if self.rate_limit_burst_every is not None:
            _in_range("rate_limit_burst_every", self.rate_limit_burst_every, 1, MAX_EVERY)
        _in_range("retry_after_s", self.retry_after_s, 1, MAX_RETRY_AFTER_S)
        _in_range("latency_ms", self.latency_ms, 0, MAX_LATENCY_MS)
        _in_range("reorder_window", self.reorder_window, 0, MAX_REORDER_WINDOW)
        if self.drop_every is not None:
            low, high = self.drop_every
            if not 1 <= low <= high <= MAX_EVERY:
                raise SandboxConfigError(
                    f"drop_every must be (low, high) with 1 <= low <= high <= {MAX_EVERY}"
                )

    def to_json(self) -> dict[str, object]:
        """The JSON form served by ``GET /_sandbox/faults``."""
        return {
            "error_rate": self.error_rate,
            "rate_limit_burst_every": self.rate_limit_burst_every,
            "retry_after_s": self.retry_after_s,
            "latency_ms": self.latency_ms,
            "drop_every": list(self.drop_every) if self.drop_every is not None else None,
            "duplicate_rate": self.duplicate_rate,
            "reorder_window": self.reorder_window,
            "lost_response_rate": self.lost_response_rate,
        }

    def updated(self, data: Mapping[str, object]) -> SandboxFaults:
        """These faults with the knobs named in ``data`` changed (``PUT /_sandbox/faults``)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SandboxConfigError(f"unknown fault knobs: {', '.join(unknown)}")
        changes: dict[str, object] = {}
        for name, value in data.items():
            if name in ("error_rate", "duplicate_rate", "lost_response_rate"):
                changes[name] = _number(name, value)
            elif name == "drop_every":
                changes[name] = _pair(value)
            elif name == "rate_limit_burst_every":
                changes[name] = None if value is None else _integer(name, value)
            else:
                changes[name] = _integer(name, value)
        return replace(self, **changes)  # type: ignore[arg-type]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SandboxConfigError(f"{name} must be a number")
    return float(value)


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SandboxConfigError(f"{name} must be an integer")
    return value


def _pair(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, list | tuple) and len(value) == 2:
        return (_integer("drop_every", value[0]), _integer("drop_every", value[1]))
    raise SandboxConfigError("drop_every must be null, an integer or [low, high]")


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How to run a sandbox.

    - ``seed``: seeds every random stream of the simulation (``random.Random``, never the
      global one), so a seed gives the same audience, orders and refunds.
    - ``api_key``: the bearer key; None makes a random one (``secrets.token_urlsafe``).
    - ``rate``: orders per second (sandbox time) of a live session that has a pinned
      product; without a pin only the bag's trickle (a quarter of it) sells. 0: no orders
      until a test asks for some (``/_sandbox/audience``, ``/_sandbox/sessions/{id}/orders``).
    - ``time_scale``: how much faster than the wall clock the sandbox clock runs.
    - ``faults``: the fault knobs at start (see ``SandboxFaults``).
    - ``state_path``: an SQLite file that keeps showcase, sessions, orders and links across
      restarts; None keeps everything in memory.
    - ``host``/``port``: where to listen; port 0 picks a free port. A host other than a
      loopback address is refused unless ``allow_remote`` is set.
    - ``currency``: the account's default currency.
    - ``event_retention``: how many events per session the stream can replay; an older
      ``Last-Event-ID`` gets ``resync-required``.
    - ``keepalive_s``: the longest silence on the stream before a ``: keep-alive`` comment.
    - ``refund_rate``: share of orders refunded a little later.
    - ``header_timeout_s``: how long a connection may take to send a request's line and
      headers before it is closed (a client that stalls cannot hold a connection open).
    """

    seed: int = 0
    api_key: str | None = None
    rate: float = 0.0
    time_scale: float = 1.0
    faults: SandboxFaults = field(default_factory=SandboxFaults)
    state_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0
    allow_remote: bool = False
    currency: str = "USD"
    event_retention: int = 100_000
    keepalive_s: float = 15.0
    refund_rate: float = 0.03
    header_timeout_s: float = HEADER_TIMEOUT_S

    def __post_init__(self) -> None:
        _in_range("rate", self.rate, 0.0, MAX_RATE)
        _in_range("time_scale", self.time_scale, 1e-3, MAX_TIME_SCALE)
        if not 0 <= self.port <= 65535:
            raise SandboxConfigError(f"port {self.port} is out of range")
        if not is_this_machine(self.host) and not self.allow_remote:
            raise SandboxConfigError(
                f"refusing to listen on {self.host}: the sandbox binds loopback only "
                "unless allow_remote (--allow-remote) is set"
            )
        _in_range("event_retention", self.event_retention, 1, MAX_EVENT_RETENTION)
        if not (math.isfinite(self.keepalive_s) and 0 < self.keepalive_s <= 15):
            raise SandboxConfigError("keepalive_s must be in (0, 15] (the contract says 15 s)")
        _in_range("refund_rate", self.refund_rate, 0.0, 1.0)
        _in_range("header_timeout_s", self.header_timeout_s, 0.01, MAX_HEADER_TIMEOUT_S)
