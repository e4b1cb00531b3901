"""The sandbox's typed errors: bad configuration, and API errors sent as problem+json."""

from __future__ import annotations

from collections.abc import Mapping


class SandboxError(Exception):
    """The root of the sandbox's errors."""


class SandboxConfigError(SandboxError, ValueError):
    """A configuration or fault setting that cannot be used (raised before anything starts)."""


class SandboxStartError(SandboxError):
    """The server could not start (port taken, state file unreadable ...)."""


class ApiError(SandboxError):
    """An error answer of the API: RFC 9457 problem+json with a stable ``code``."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, f"{what}_not_found", f"no {what.replace('_', ' ')} with id {ident!r}")


def invalid(detail: str, code: str = "validation_failed") -> ApiError:
    return ApiError(422, code, detail)


def conflict(code: str, detail: str) -> ApiError:
    return ApiError(409, code, detail)
