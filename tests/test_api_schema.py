import pytest
import yaml
from django.urls import reverse
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(front_desk, login):
    response = login(front_desk).get(reverse("api-schema"))
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/staff/" in spec["paths"]
    assert "/api/v1/departments/{id}/" in spec["paths"]


def test_schema_generation_has_no_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_api_docs_are_served_without_inline_scripts(front_desk, login):
    client = login(front_desk)
    page = client.get(reverse("api-docs"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<style>" not in html
    assert "<script>" not in html
    assert "static/drf_spectacular_sidecar/swagger-ui-dist" in html
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200


def test_api_docs_require_a_login():
    from django.test import Client

    assert Client().get(reverse("api-docs")).status_code in (401, 403)
    assert Client().get(reverse("api-schema")).status_code in (401, 403)
