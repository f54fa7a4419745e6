"""Production: HTTPS only, strict cookies, no debug. Everything else comes from base."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = False

# A .env left over from local development must never make production run on its keys.
if SECRET_KEY.startswith("insecure-") or not env.list("PII_ENCRYPTION_KEYS", default=[]) \
        or not env.str("PII_HASH_KEY", default=""):
    raise ImproperlyConfigured(
        "Production needs its own SECRET_KEY, PII_ENCRYPTION_KEYS and PII_HASH_KEY.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("BEHIND_HTTPS_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
