"""Settings behave as documented in .env.example, in fresh processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = str(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "production-grade-secret-for-the-check-0123456789",
    "ALLOWED_HOSTS": "crm.example.cn,testserver",
    "DATABASE_URL": os.environ["DATABASE_URL"],
    "REDIS_URL": os.environ["REDIS_URL"],
    "PII_ENCRYPTION_KEYS": os.environ["PII_ENCRYPTION_KEYS"],
    "PII_HASH_KEY": "production-hash-key-for-the-check",
}


def _run(code: str, settings_module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "EMAIL_URL",
                          "DJANGO_SETTINGS_MODULE", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY"}}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_missing_secret_key_fails_loudly_when_debug_is_off():
    result = _run("import django; django.setup()", "config.settings.base", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_missing_personal_data_keys_fail_loudly_when_debug_is_off():
    result = _run("import django; django.setup()", "config.settings.base", DEBUG="false",
                  SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "PII_ENCRYPTION_KEYS and PII_HASH_KEY must be set" in result.stderr


def test_the_default_database_is_an_sqlite_file_under_var():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
            "s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])")
    result = _run(code, "config.settings.base", DEBUG="true")
    assert result.returncode == 0, result.stderr
    engine, name, broker, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/db.sqlite3")
    assert broker == "filesystem://"
    assert cache.endswith("LocMemCache")


def test_check_deploy_passes_under_production_settings_with_nothing_silenced():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
             **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for module in ["base.py", "production.py"]:
        source = (Path(ROOT) / "config" / "settings" / module).read_text(encoding="utf-8")
        assert "SILENCED_SYSTEM_CHECKS" not in source


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    static = {"STATIC_ROOT": str(tmp_path / "static")}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, **PRODUCTION_ENV, **static,
             "DJANGO_SETTINGS_MODULE": "config.settings.production"},
    )
    assert collected.returncode == 0, collected.stderr
    code = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
c = Client()
plain = c.get('/login/')
r = c.get('/login/', secure=True)
cookie = r.cookies['csrftoken']
print(json.dumps({
    'redirect': plain.status_code, 'location': plain.get('Location', ''),
    'hsts': r.get('Strict-Transport-Security', ''), 'csp': r.get('Content-Security-Policy', ''),
    'nosniff': r.get('X-Content-Type-Options', ''), 'referrer': r.get('Referrer-Policy', ''),
    'cache': r.get('Cache-Control', ''), 'secure': bool(cookie['secure']),
    'httponly': bool(cookie['httponly']),
}))
"""
    result = _run(code, "config.settings.production", **PRODUCTION_ENV, **static)
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["redirect"] == 301 and headers["location"].startswith("https://")
    assert "max-age=31536000" in headers["hsts"] and "includeSubDomains" in headers["hsts"]
    assert "unsafe-inline" not in headers["csp"] and "default-src 'self'" in headers["csp"]
    assert headers["nosniff"] == "nosniff"
    assert headers["referrer"] == "same-origin"
    assert "no-store" in headers["cache"]
    assert headers["secure"] and headers["httponly"]


def test_production_refuses_development_keys_even_with_debug_in_the_environment():
    result = _run("import django; django.setup()", "config.settings.production",
                  DEBUG="true")
    assert result.returncode != 0
    assert "Production needs its own SECRET_KEY" in result.stderr
