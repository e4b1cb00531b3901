"""Every secret's home between runs (API keys, Shopee's partner key, TikTok's app secret,
the platforms' tokens, the OBS password): the OS keychain through keyring (the only
importer of keyring), with every call off the GUI thread and under a timeout.

With no usable keychain (a headless Linux machine has none; a locked or hung one counts
too) each secret is kept in this process's memory for this run only, and ``save`` says so
in plain words. It is never written to a plaintext file. The app has one such store, in
the live engine's process, where the platform calls read it; the window saves through it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from seller_console.domain.platform_port import SecretPlace, SecretSaved

logger = logging.getLogger(__name__)

SERVICE = "seller-console"
KEYCHAIN_TIMEOUT_S = 5.0

T = TypeVar("T")


class KeychainUnavailable(Exception):
    """No usable keychain; ``user_message`` says why in words a user can act on."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def keychain_problem(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep secrets, or None when it can."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return "No system keychain is available on this computer."
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "No system keychain is available on this computer."
    return None


class KeyringSecretStore:
    """``SecretStore`` over keyring. ``backend`` defaults to keyring's chosen one."""

    def __init__(
        self,
        *,
        service: str = SERVICE,
        timeout_s: float = KEYCHAIN_TIMEOUT_S,
        backend: Callable[[], keyring.backend.KeyringBackend] = keyring.get_keyring,
    ) -> None:
        self._service = service
        self._timeout_s = timeout_s
        self._backend = backend
        self._this_run: dict[str, str] = {}

    async def _off_thread(self, call: Callable[[keyring.backend.KeyringBackend], T]) -> T:
        def run() -> T:
            backend = self._backend()
            problem = keychain_problem(backend)
            if problem is not None:
                raise KeychainUnavailable(problem)
            return call(backend)

        try:
            return await asyncio.wait_for(asyncio.to_thread(run), self._timeout_s)
        except TimeoutError as exc:
            raise KeychainUnavailable(
                f"The system keychain did not answer within {self._timeout_s:g} s "
                "(it may be locked)."
            ) from exc
        except keyring.errors.KeyringLocked as exc:
            raise KeychainUnavailable("The system keychain is locked.") from exc
        except keyring.errors.KeyringError as exc:
            raise KeychainUnavailable(
                f"The system keychain refused the request ({type(exc).__name__})."
            ) from exc

    async def load(self, account: str) -> str | None:
        """The saved secret for ``account``: this run's copy first, then the keychain."""
        if account in self._this_run:
            return self._this_run[account]
        try:
            return await self._off_thread(lambda b: b.get_password(self._service, account))
        except KeychainUnavailable as exc:
            logger.info("keychain not used for loading: %s", exc.user_message)
            return None

    async def save(self, account: str, secret: str) -> SecretSaved:
        """Keep ``secret`` in the keychain, or for this run only when there is none."""
        try:
            await self._off_thread(lambda b: b.set_password(self._service, account, secret))
        except KeychainUnavailable as exc:
            self._this_run[account] = secret
            logger.info("keychain unavailable; key kept for this run only: %s", exc.user_message)
            return SecretSaved(
                SecretPlace.THIS_RUN_ONLY,
                f"{exc.user_message} It is kept for this run only, in the app's memory "
                "(never in a file): enter it again after the app restarts.",
            )
        self._this_run.pop(account, None)
        return SecretSaved(SecretPlace.KEYCHAIN)

    async def delete(self, account: str) -> None:
        """Forget the secret everywhere it is kept; no error when there was none."""
        self._this_run.pop(account, None)
        try:
            await self._off_thread(lambda b: _delete(b, self._service, account))
        except KeychainUnavailable as exc:
            logger.info("keychain not used for deleting: %s", exc.user_message)


def _delete(backend: keyring.backend.KeyringBackend, service: str, account: str) -> None:
    try:
        backend.delete_password(service, account)
    except keyring.errors.PasswordDeleteError:
        return


class MemorySecretStore:
    """A ``SecretStore`` in this process's memory only: for practice platforms' made-up
    credentials and the command-line self-test's credentials file, never the keychain."""

    def __init__(self, secrets: dict[str, str] | None = None) -> None:
        self._secrets = dict(secrets or {})

    async def load(self, account: str) -> str | None:
        return self._secrets.get(account)

    async def save(self, account: str, secret: str) -> SecretSaved:
        self._secrets[account] = secret
        return SecretSaved(SecretPlace.THIS_RUN_ONLY)

    async def delete(self, account: str) -> None:
        self._secrets.pop(account, None)
