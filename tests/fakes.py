"""Test doubles shared by several test folders."""

from __future__ import annotations

from seller_console.domain.platform_port import SecretPlace, SecretSaved

NO_KEYCHAIN = "No system keychain is available on this computer."


class MemorySecrets:
    """An in-memory ``SecretStore``; ``keychain=False`` answers as a machine without one."""

    def __init__(self, keychain: bool = True) -> None:
        self.keychain = keychain
        self.secrets: dict[str, str] = {}
        self.saves = 0

    async def load(self, account: str) -> str | None:
        return self.secrets.get(account)

    async def save(self, account: str, secret: str) -> SecretSaved:
        self.saves += 1
        self.secrets[account] = secret
        if self.keychain:
            return SecretSaved(SecretPlace.KEYCHAIN)
        return SecretSaved(
            SecretPlace.THIS_RUN_ONLY, f"{NO_KEYCHAIN} The API key is kept for this run only."
        )

    async def delete(self, account: str) -> None:
        self.secrets.pop(account, None)
