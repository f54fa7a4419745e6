"""The benchmark's second yardstick: the trivial view behind Django's default middleware."""

import pytest
from django.test import RequestFactory
from django.urls import path

from portal.benchmark import DJANGO_DEFAULT_MIDDLEWARE, PLAIN_PATH, with_plain_baseline
from portal.views import bench_plain

urlpatterns = [path(PLAIN_PATH.strip("/") + "/", bench_plain)]


def _get(application, path: str):
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    status = []
    body = b"".join(application(environ, lambda s, headers, *a: status.append((s, headers))))
    return status[0][0], dict(status[0][1]), body


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_plain_path_is_served_by_django_default_middleware_only():
    # Given the project's application wrapped for the benchmark
    seen = []

    def ours(environ, start_response):
        seen.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"ours"]

    application = with_plain_baseline(ours)
    # When the plain path is asked for
    status, headers, body = _get(application, PLAIN_PATH)
    # Then plain Django answers (no sign-in demanded, none of our headers), ours never sees it
    assert status == "200 OK"
    assert body == b"anonymous"
    assert "Content-Security-Policy" not in headers
    assert headers["X-Frame-Options"] == "DENY"
    assert seen == []
    # And every other path still goes to the project's own stack
    assert _get(application, "/bench/baseline/")[2] == b"ours"
    assert seen == ["/bench/baseline/"]


def test_the_default_middleware_is_what_startproject_writes():
    assert "staff.middleware.LoginRequiredMiddleware" not in DJANGO_DEFAULT_MIDDLEWARE
    assert DJANGO_DEFAULT_MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    assert len(DJANGO_DEFAULT_MIDDLEWARE) == 7
