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


# --- the error answers ----------------------------------------------------------------------

def _spec(client) -> dict:
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _answers(spec, path: str, method: str) -> dict:
    return spec["paths"][f"/api/v1/{path}"][method]["responses"]


def test_the_schema_documents_the_refusals_each_operation_really_gives(front_desk, login):
    # given the schema as served
    spec = _spec(login(front_desk))
    # then it is still valid OpenAPI 3 with its error answers
    validate(spec)
    # a detail route is "not found" for what the caller may not see
    assert {"403", "404"} <= set(_answers(spec, "people/{id}/", "get"))
    assert "409" not in _answers(spec, "people/{id}/", "get")
    # a versioned update may be stale; its input may be invalid
    assert {"400", "403", "404", "409"} <= set(_answers(spec, "memos/{id}/", "put"))
    assert {"400", "404", "409"} <= set(_answers(spec, "estates/{id}/", "patch"))
    # a state change may be refused by the ticket's state; a double booking too
    assert "409" in _answers(spec, "tickets/{id}/accept/", "post")
    assert "409" in _answers(spec, "events/", "post")
    # lists refuse bad filters, and creating a plain record has no version to be stale
    assert "400" in _answers(spec, "ticket-events/", "get")
    assert "409" not in _answers(spec, "estates/", "post")
    assert "409" not in _answers(spec, "memos/{id}/", "delete")
    # the token exchange is open to all, but throttled
    assert set(_answers(spec, "auth/token/", "post")) == {"200", "400", "429"}


def test_every_refusal_in_the_schema_has_a_documented_body(front_desk, login):
    spec = _spec(login(front_desk))
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            refusals = {code: answer for code, answer in operation["responses"].items()
                        if code.startswith("4")}
            assert refusals, f"{method} {path} documents no refusal"
            for code, answer in refusals.items():
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas, f"{method} {path} {code}"


def _matches(spec, path: str, method: str, response) -> None:
    """The body of ``response`` is valid against the schema the spec documents for it."""
    import jsonschema

    answer = _answers(spec, path, method)[str(response.status_code)]
    schema = answer["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), {**schema, "components": spec["components"]})


def test_real_refusals_have_the_documented_shapes(front_desk, dispatcher, no_role_user, login):
    from scheduling.models import Memo

    # given a memo of the front desk's
    memo = Memo.objects.create(owner=front_desk, text="周五前回电")
    desk = login(front_desk)
    spec = _spec(desk)
    detail = reverse("memo-detail", args=[memo.pk])
    # 404: a colleague's memo
    not_found = login(dispatcher).get(detail)
    assert not_found.status_code == 404
    _matches(spec, "memos/{id}/", "get", not_found)
    # 403: no role at all
    forbidden = login(no_role_user).get(reverse("party-list"))
    assert forbidden.status_code == 403
    _matches(spec, "people/", "get", forbidden)
    # 400: an update without the version it read, and input that is not JSON
    invalid = desk.put(detail, {"text": "改了"}, content_type="application/json")
    assert invalid.status_code == 400 and "version" in invalid.json()
    _matches(spec, "memos/{id}/", "put", invalid)
    unreadable = desk.put(detail, "{not json", content_type="application/json")
    assert unreadable.status_code == 400
    _matches(spec, "memos/{id}/", "put", unreadable)
    # 400: a list filter with a value it does not take
    bad_filter = desk.get(reverse("ticket-event-list"), {"kind": "nonsense"})
    assert bad_filter.status_code == 400
    _matches(spec, "ticket-events/", "get", bad_filter)
    # 409: an update from a version that is no longer current
    stale = desk.put(detail, {"text": "改了", "version": memo.version + 5},
                     content_type="application/json")
    assert stale.status_code == 409
    _matches(spec, "memos/{id}/", "put", stale)


def test_a_shape_the_schema_does_not_document_fails_the_check(front_desk, login):
    # The check above must be able to fail: a bare list is not a documented 400 body.
    import jsonschema

    spec = _spec(login(front_desk))
    schema = _answers(spec, "memos/{id}/", "put")["400"]["content"]["application/json"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(["a bare message"],
                            {**schema["schema"], "components": spec["components"]})


def test_a_refusal_raised_as_a_bare_list_is_answered_under_non_field_errors():
    from rest_framework import serializers

    from portal.api_errors import exception_handler

    response = exception_handler(serializers.ValidationError(["号码已被使用"]), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["号码已被使用"]}
