import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(front_desk, login):
    response = login(front_desk).get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_with_personal_data_are_not_cached(front_desk, login):
    for url in [reverse("portal:home"), reverse("staff:directory"), reverse("api-me")]:
        response = login(front_desk).get(url)
        assert "no-store" in response["Cache-Control"], url


def test_security_headers_are_set():
    response = Client().get(reverse("staff:login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_request_id_is_echoed_or_generated():
    given = Client().get(reverse("staff:login"), HTTP_X_REQUEST_ID="abc12345-proxy")
    assert given["X-Request-ID"] == "abc12345-proxy"
    made = Client().get(reverse("staff:login"), HTTP_X_REQUEST_ID="<script>")
    assert len(made["X-Request-ID"]) == 32


def test_pages_contain_no_inline_scripts_or_styles(front_desk, login):
    html = login(front_desk).get(reverse("portal:home")).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "cdn" not in html.lower()
