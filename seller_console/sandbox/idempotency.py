"""The idempotency store: the first result of a mutating request, replayed for its key.

Semantics (after Stripe's): the first *successful* (2xx) result for an ``Idempotency-Key``
is kept with a fingerprint of the request (method, path and the JSON body in canonical
form). The same key with the same fingerprint gets that result again, status and body,
without acting twice; the same key with another fingerprint is refused
(``IdempotencyKeyReusedError`` -> 422 ``idempotency_key_reused``). Errors are not kept, so a
request that failed validation or hit a fault can be retried with its key. Keys expire
``ttl_s`` (24 h) after their first use, measured on the sandbox clock.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from seller_console.sandbox.errors import SandboxError

DAY_S = 24 * 3600.0
MAX_KEY_LENGTH = 255


class IdempotencyKeyReusedError(SandboxError):
    """The key was first used for another request."""


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    body: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class _Entry:
    fingerprint: str
    response: StoredResponse
    stored_at: float


def _canonical(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def fingerprint(method: str, path: str, body: object) -> str:
    """A digest of what the request asks for; JSON key order and blanks do not matter."""
    canonical = json.dumps(_canonical(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


class IdempotencyStore:
    """Key -> first result, for ``ttl_s`` seconds of sandbox time. Not thread-safe:
    the sandbox uses it from its event loop only, with no await between lookup and save."""

    def __init__(self, ttl_s: float = DAY_S) -> None:
        self._ttl = ttl_s
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def _purge(self, now: float) -> None:
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if now - entry.stored_at < self._ttl:
                break
            del self._entries[key]

    def lookup(self, key: str, print_: str, now: float) -> StoredResponse | None:
        """The stored result for ``key``, None when the key is new (or expired).

        Raises ``IdempotencyKeyReusedError`` when the key was used for another request.
        """
        self._purge(now)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.fingerprint != print_:
            raise IdempotencyKeyReusedError(key)
        return entry.response

    def save(self, key: str, print_: str, response: StoredResponse, now: float) -> None:
        self._purge(now)
        self._entries[key] = _Entry(print_, response, now)
        self._entries.move_to_end(key)
