import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from . import inputs


class NoStoreMiddleware:
    """Pages and API answers carry personal data: browsers and proxies must not keep them.

    Static files are served before this middleware by WhiteNoise and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), geolocation=(), microphone=(self)")
        return response


class BadInputMiddleware:
    """Answers 400, in the reader's language, to values no page or API route can read.

    Control characters (PostgreSQL cannot store NUL) are refused in the path, the query
    parameters and the form or JSON fields before any view runs; ``portal.inputs.BadInput``
    raised by a view (a date out of range, say) is answered the same way. Pages get an
    HTML page, the API ``{"detail": ...}`` or ``{"<field>": [...]}``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_control_characters(request):
            return bad_input_response(request, inputs.CONTROL_MESSAGE)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, inputs.BadInput):
            return bad_input_response(request, exception.message, field=exception.field)
        return None


def bad_input_response(request, message, *, field: str | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {field: [str(message)]} if field else {"detail": str(message)}
        return JsonResponse(body, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def _holds_control_characters(request) -> bool:
    if inputs.has_control_characters(request.path):
        return True
    if _any_text(request.GET.lists()):
        return True
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _any_text(request.POST.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return False  # the API's parser answers malformed JSON itself
        return _json_holds_control_characters(data)
    return False


def _any_text(lists) -> bool:
    return any(inputs.has_control_characters(key) or any(
        inputs.has_control_characters(value) for value in values) for key, values in lists)


def _json_holds_control_characters(data) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if inputs.has_control_characters(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
