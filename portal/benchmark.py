"""What ``make bench`` measures pages against (only when ``BENCH_BASELINE_VIEW`` is on).

Two yardsticks in the same process: ``/bench/baseline/``, a trivial view behind this
project's whole middleware stack, and ``/bench/plain/``, the same view behind Django's
default middleware only (what ``startproject`` writes, with database sessions): the
cost a plain Django page pays before it starts.
"""

from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings

PLAIN_PATH = "/bench/plain/"

# The list ``django-admin startproject`` writes.
DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


class PlainDjangoHandler(WSGIHandler):
    """A WSGI handler built with Django's default middleware instead of the project's, and
    Django's default session store (the database; the middleware picks it when built)."""

    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=DJANGO_DEFAULT_MIDDLEWARE,
                               SESSION_ENGINE="django.contrib.sessions.backends.db"):
            super().load_middleware(is_async)


def with_plain_baseline(application):
    """``application``, except that the plain baseline's path goes to a plain handler."""
    plain = PlainDjangoHandler()

    def dispatch(environ, start_response):
        if environ.get("PATH_INFO") == PLAIN_PATH:
            return plain(environ, start_response)
        return application(environ, start_response)

    return dispatch
