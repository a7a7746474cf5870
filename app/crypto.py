"""Encryption of secret values at rest: Fernet tokens under a rotating list of keys.

`TASKMILL_ENCRYPTION_KEYS` lists the keys newest first. New values are encrypted with the
first key; any listed key decrypts, so rotation is: prepend a new key, run
`taskmill rotate-keys` (re-encrypts every secret with it), then drop the old key.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.errors import TaskmillError
from config import Settings


class UndecryptableSecret(TaskmillError):
    """A stored secret was encrypted with a key that is no longer configured."""

    status = 500
    code = "undecryptable_secret"


class SecretBox:
    """Encrypts and decrypts strings with a MultiFernet over the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            # Never say more: the token is the only thing we could show, and it is useless.
            raise UndecryptableSecret("a secret cannot be decrypted with the configured "
                                      "TASKMILL_ENCRYPTION_KEYS") from None

    def rotate(self, token: str) -> str:
        """The same plaintext, re-encrypted with the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise UndecryptableSecret("a secret cannot be decrypted with the configured "
                                      "TASKMILL_ENCRYPTION_KEYS") from None


@lru_cache(maxsize=4)
def _box_for(keys: tuple[str, ...]) -> SecretBox:
    return SecretBox(list(keys))


def secret_box(settings: Settings) -> SecretBox:
    """The process's SecretBox for `settings` (built once per distinct key list)."""
    return _box_for(tuple(settings.resolved_encryption_keys()))
