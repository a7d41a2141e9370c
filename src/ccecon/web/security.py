"""Passwords (argon2id via argon2-cffi), CSRF tokens for form posts."""

from __future__ import annotations

import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, the library's current recommended parameters
DUMMY_HASH = _hasher.hash("not a password of anyone")
"""Checked against when there is no real hash to check (unknown name, locked sign-in), so
the answer takes as long as a real check."""


def hash_password(password: str) -> str:
    """An argon2id hash (salted; parameters inside the hash string)."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True when ``password`` matches the stored hash; False for any mismatch or bad hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def new_csrf_token() -> str:
    """A random token kept in the session and echoed by every form post."""
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; False when either is missing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class LoginThrottle:
    """Failed sign-ins counted per account name and per client address, with back-off.

    After ``free`` failures in a row for a key, that key is locked for ``base_s`` seconds,
    doubling with each further failure up to ``max_s``; while locked every attempt is
    refused, right password or not. Unknown names are counted exactly like real ones, so
    the answers tell nobody which names exist. A success clears the account's count (not
    the address's: one address guessing many accounts stays slowed). Kept in memory of one
    server process, bounded to ``max_keys`` keys (the oldest forgotten first).
    """

    def __init__(
        self,
        *,
        free: int = 5,
        free_per_address: int = 20,
        base_s: float = 30.0,
        max_s: float = 900.0,
        max_keys: int = 100_000,
    ) -> None:
        self.free = free
        self.free_per_address = free_per_address
        self.base_s = base_s
        self.max_s = max_s
        self.max_keys = max_keys
        self._fails: dict[str, tuple[int, float]] = {}

    @staticmethod
    def keys(name: str, address: str | None) -> tuple[str, str]:
        """The account key and the address key of an attempt."""
        return "user:" + name.strip().casefold(), "addr:" + (address or "?")

    def _free_of(self, key: str) -> int:
        return self.free_per_address if key.startswith("addr:") else self.free

    def wait_s(self, *keys: str, now: float | None = None) -> float:
        """Seconds until an attempt with these keys is accepted again (0: now)."""
        import time

        t = time.monotonic() if now is None else now
        wait = 0.0
        for key in keys:
            count, last = self._fails.get(key, (0, 0.0))
            over = count - self._free_of(key)
            if over >= 0:
                lock = min(self.max_s, self.base_s * 2.0**over)
                wait = max(wait, last + lock - t)
        return max(wait, 0.0)

    def failed(self, *keys: str, now: float | None = None) -> None:
        """Count a failed attempt against every key."""
        import time

        t = time.monotonic() if now is None else now
        if len(self._fails) >= self.max_keys:
            for k in sorted(self._fails, key=lambda k: self._fails[k][1])[: self.max_keys // 10]:
                del self._fails[k]
        for key in keys:
            count, _ = self._fails.get(key, (0, 0.0))
            self._fails[key] = (count + 1, t)

    def succeeded(self, account_key: str) -> None:
        """Clear the account's count after a successful sign-in."""
        self._fails.pop(account_key, None)
