"""ID numbers under PIPL: encrypted at rest, a keyed hash for exact lookup, masked on show.

Keys come from settings (``PII_ENCRYPTION_KEYS``, newest first, so keys can be rotated;
``PII_HASH_KEY`` for the lookup hash, which must never change once data exists).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PII_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode()


def lookup_hash(value: str) -> str:
    return hmac.new(settings.PII_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def derive_key(secret: str, purpose: str) -> bytes:
    """A Fernet key derived from ``secret`` (development and tests only)."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest)
