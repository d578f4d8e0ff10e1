"""Password and secret hashing: argon2id for passwords, keyed SHA-256 for short-lived codes and tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from passlib.hash import argon2

from cabinet import settings

# Light argon2id parameters keep sign-in well under a second on two cores.
_hasher = argon2.using(type="ID", rounds=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        _hasher.verify(password, _DUMMY_HASH)  # same cost whether or not there is a hash
        return False
    return _hasher.verify(password, password_hash)


def keyed_hash(value: str) -> str:
    """For session tokens and one-time codes: fast to check, useless without the server's key."""
    return hmac.new(settings.get().secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def new_code(digits: int = 6) -> str:
    return f"{secrets.randbelow(10**digits):0{digits}d}"


_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")
