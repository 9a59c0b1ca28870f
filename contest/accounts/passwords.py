"""Password hashing (argon2id) and the password policy (8–128 characters, any Unicode)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile (64 MiB, t=3, p=4).
_hasher = PasswordHasher()


def configure(config: Mapping[str, Any]) -> None:
    """Use the cost parameters of ``config`` (``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST`` in
    KiB, ``ARGON2_PARALLELISM``) when it sets them — the test configuration makes hashing
    cheap; production keeps the defaults."""
    global _hasher
    keys = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")
    if not any(config.get(k) for k in keys):
        return
    _hasher = PasswordHasher(
        time_cost=int(config.get("ARGON2_TIME_COST") or 3),
        memory_cost=int(config.get("ARGON2_MEMORY_COST") or 65536),
        parallelism=int(config.get("ARGON2_PARALLELISM") or 4),
    )


def normalize(password: str) -> str:
    """NFC-normalise, so the same Vietnamese password typed on two keyboards matches."""
    return unicodedata.normalize("NFC", password)


def policy_error(password: str) -> str | None:
    """Return the policy problem with ``password`` (a message id), or None if acceptable."""
    length = len(normalize(password))
    if length < MIN_LENGTH:
        return "too_short"
    if length > MAX_LENGTH:
        return "too_long"
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(normalize(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``. Spends the same time when there is no
    hash, so that response times do not reveal which accounts exist."""
    if not stored_hash:
        _hasher.hash(normalize(password))
        return False
    try:
        return _hasher.verify(stored_hash, normalize(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
