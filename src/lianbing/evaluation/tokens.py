"""One-time rating tokens: made with the OS's randomness, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

#: 32 bytes of randomness, URL-safe (43 characters).
TOKEN_BYTES = 32


def token_new() -> str:
    """A fresh token to put in a link; it is never stored."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the database keeps of a token (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
