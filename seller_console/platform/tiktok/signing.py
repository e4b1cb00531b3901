"""TikTok Shop's request signature, as TikTok's own Node SDK computes it
(``tiktok_sdk/utils/generate-sign.ts``; EcomPHP's ``Client::prepareSignature`` agrees):

1. the query parameters except ``sign`` and ``access_token``, sorted by key;
2. concatenated as ``{key}{value}``;
3. prefixed with the request's URL path;
4. followed by the raw request body, unless the request is multipart (and when there is
   no body, nothing: send no body where a call has none);
5. wrapped as ``app_secret + text + app_secret``;
6. HMAC-SHA256 keyed with the app secret, as lowercase hex.

The body is signed as bytes: the caller serializes it once, signs those bytes and sends
the same bytes, so what TikTok hashes is exactly what was signed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def string_to_sign(
    path: str, params: Mapping[str, str], body: bytes | None, *, multipart: bool = False
) -> bytes:
    """Steps 1 to 4: what is wrapped in the secret and hashed."""
    pairs = "".join(f"{key}{params[key]}" for key in sorted(params) if key not in UNSIGNED_PARAMS)
    text = f"{path}{pairs}".encode()
    if body and not multipart:
        text += body
    return text


def sign(
    path: str,
    params: Mapping[str, str],
    body: bytes | None,
    app_secret: str,
    *,
    multipart: bool = False,
) -> str:
    """The ``sign`` query parameter for a request to ``path`` with ``params`` and ``body``."""
    secret = app_secret.encode()
    wrapped = secret + string_to_sign(path, params, body, multipart=multipart) + secret
    return hmac.new(secret, wrapped, hashlib.sha256).hexdigest()
