"""A keychain for tests that outlives a process: ``PYTHON_KEYRING_BACKEND=
tests.keyring_file.FileKeyring`` with ``SELLER_CONSOLE_TEST_KEYRING`` naming its JSON file,
so a live engine (a spawned process) and the next one see the same entries, as an OS
keychain would. Never used by the app."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend

FILE_VARIABLE = "SELLER_CONSOLE_TEST_KEYRING"


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def _path(self) -> Path:
        return Path(os.environ[FILE_VARIABLE])

    def _entries(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._entries()
        entries[f"{service}\n{username}"] = password
        self._path().write_text(json.dumps(entries))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        entries.pop(f"{service}\n{username}", None)
        self._path().write_text(json.dumps(entries))
