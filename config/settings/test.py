"""Tests: real PostgreSQL and Redis on loopback by default, fast password hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wuye_crm")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Tests clear the cache between them; in the broker's database that lost queued tasks.
os.environ.setdefault("REDIS_CACHE_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:2525")
# Test-only keys (a Fernet key is 32 url-safe base64-encoded bytes).
os.environ.setdefault("PII_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWtleS1mb3ItcGlpLWVuY3J5cHRpb24=")
os.environ.setdefault("PII_HASH_KEY", "test-only-hash-key")

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Query-count tests compare requests: each reads its permissions (tests/staff/test_backends.py
# turns the cache on).
PERMISSIONS_CACHE_SECONDS = 0
CALENDAR_CACHE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # pg_trgm needs a UTF-8 character type to index Chinese text.
    DATABASES["default"]["TEST"] = {
        "TEMPLATE": "template0", "CHARSET": "UTF8",
        # Several suites on one machine each need a database of their own.
        "NAME": os.environ.get("TEST_DATABASE_NAME", "test_wuye_crm"),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
