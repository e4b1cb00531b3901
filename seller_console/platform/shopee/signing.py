"""Shopee's request signing, as the Open Platform's doc JSON defines it.

Every call carries ``partner_id``, ``timestamp`` and ``sign`` in its query string, and
``sign`` is the lower-case hex HMAC-SHA256 of a base string, keyed with the partner key.
The base string depends on the API's type (the ``api_type`` of its doc):

- Public (the auth calls): ``partner_id + api path + timestamp``;
- Shop (``v2.product.*``): ``partner_id + api path + timestamp + access_token + shop_id``;
- User (``v2.livestream.*``): ``partner_id + api path + timestamp + access_token + user_id``.

``timestamp`` is Unix seconds and expires after 5 minutes.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from urllib.parse import urlencode

AUTH_PARTNER_PATH = "/api/v2/shop/auth_partner"
"""The authorization page a seller opens to authorize the app (Shopee's "Authorization and
Authentication" guide): query ``partner_id, timestamp, sign, redirect``, signed as a Public
call; the browser comes back to ``redirect`` with ``code`` (one use, 10 minutes) and the
``shop_id`` (or ``main_account_id``) that was authorized."""


class ApiLevel(enum.Enum):
    """Whose token signs a call, and which id goes into the base string and the query."""

    PUBLIC = "public"
    SHOP = "shop"
    USER = "user"

    @property
    def id_param(self) -> str | None:
        """The query parameter that names the authorizing id (None for public calls)."""
        return {ApiLevel.PUBLIC: None, ApiLevel.SHOP: "shop_id", ApiLevel.USER: "user_id"}[self]


def base_string(
    partner_id: int,
    path: str,
    timestamp: int,
    *,
    access_token: str | None = None,
    owner_id: int | None = None,
) -> str:
    """The text that is signed. ``access_token`` and ``owner_id`` (the shop or user id) are
    given together for shop and user calls and left out for public ones."""
    if (access_token is None) != (owner_id is None):
        raise ValueError("access_token and owner_id go together")
    text = f"{partner_id}{path}{timestamp}"
    if access_token is not None:
        text += f"{access_token}{owner_id}"
    return text


def sign(partner_key: str, base: str) -> str:
    """``hex(HMAC-SHA256(partner_key, base))``."""
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def signed_query(
    level: ApiLevel,
    *,
    partner_id: int,
    partner_key: str,
    path: str,
    timestamp: int,
    access_token: str | None = None,
    owner_id: int | None = None,
) -> dict[str, str]:
    """The common query parameters of one call at ``level``, ``sign`` included."""
    if level is ApiLevel.PUBLIC:
        base = base_string(partner_id, path, timestamp)
        query = {"partner_id": str(partner_id), "timestamp": str(timestamp)}
    else:
        if access_token is None or owner_id is None:
            raise ValueError(f"a {level.value} call needs an access token and its id")
        base = base_string(
            partner_id, path, timestamp, access_token=access_token, owner_id=owner_id
        )
        query = {
            "partner_id": str(partner_id),
            "timestamp": str(timestamp),
            "access_token": access_token,
            str(level.id_param): str(owner_id),
        }
    query["sign"] = sign(partner_key, base)
    return query


def auth_link(
    host: str, *, partner_id: int, partner_key: str, redirect: str, timestamp: int
) -> str:
    """The authorization link for the seller's browser (valid 5 minutes: its timestamp)."""
    query = signed_query(
        ApiLevel.PUBLIC,
        partner_id=partner_id,
        partner_key=partner_key,
        path=AUTH_PARTNER_PATH,
        timestamp=timestamp,
    )
    query["redirect"] = redirect
    return f"{host.rstrip('/')}{AUTH_PARTNER_PATH}?{urlencode(query)}"
