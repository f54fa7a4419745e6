"""The OpenAPI schema tells the whole truth about answers, errors included.

drf-spectacular documents what a view returns when it succeeds. Every operation of this
API can also be refused, and how is decided in a few shared places (the permission
classes, the selectors' 404, serializer validation, the version check), so the error
answers are added here from the same facts, once for every operation:

- 403 for every operation open only to some (roles, and anonymous callers: session
  authentication comes first, so DRF answers 403 rather than 401);
- 429 where the view is throttled (the token exchange, locked out like the login page);
- 400 for every write with a body and for every list (filters, the cursor);
- 404 for every route with an id in its path (what the user may not see is not found);
- 409 for writes on one record that name the ``version`` they read (optimistic
  concurrency) or whose view declares ``answers_conflict`` (state transitions), and for
  creations whose view declares ``answers_conflict_on_create`` (double bookings).

The bodies are those ``portal.api_errors.exception_handler`` writes.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_list_serializer
from rest_framework.permissions import AllowAny

WRITES = {"POST", "PUT", "PATCH"}

ERROR = {
    "type": "object",
    "description": "A refusal with its reason, in the caller's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

VALIDATION_ERROR = {
    "type": "object",
    "description": "Messages per input field (a query parameter for lists); messages about "
                   "the input as a whole are under `non_field_errors`.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"oneOf": [
                {"type": "string"}, {"type": "object", "additionalProperties": True}]}},
            {"type": "object", "additionalProperties": True},
        ],
    },
    "example": {"version": ["This field is required."]},
}

CONFLICT = {
    "type": "object",
    "description": "What was read has changed since (`stale_version`), the record's state "
                   "does not allow this now, or people are busy then (`conflict`, with who "
                   "and when; `blocking` when the booking may not be confirmed anyway).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "blocking": {"type": "boolean"},
        "conflicts": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "user": {"type": "integer"}, "user_name": {"type": "string"},
                "title": {"type": "string"},
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": "string", "format": "date-time"},
            },
        }},
    },
    "required": ["detail"],
}

# Invalid input is answered per field; input that cannot be read at all (malformed JSON)
# with a detail.
BAD_REQUEST = {"oneOf": [{"$ref": "#/components/schemas/ValidationError"},
                         {"$ref": "#/components/schemas/Error"}]}

ANSWERS = {
    "400": ("BadRequest", BAD_REQUEST, "The input is not valid"),
    "403": ("Error", ERROR, "Not signed in, or not allowed"),
    "404": ("Error", ERROR, "Not found, or not visible to the caller"),
    "409": ("Conflict", CONFLICT, "Changed since it was read, or refused by its state"),
    "429": ("Error", ERROR, "Too many attempts: wait and try again"),
}


class ErrorAnswersSchema(AutoSchema):
    """drf-spectacular's schema with the refusals every operation can answer."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for name, schema in (("Error", ERROR), ("ValidationError", VALIDATION_ERROR)):
            registry.register_on_missing(ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema))
        for code in self.error_codes(path):
            if code not in responses:
                name, schema, description = ANSWERS[code]
                component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA,
                                              object=name, schema=schema)
                registry.register_on_missing(component)
                responses[code] = {"description": description,
                                   "content": {"application/json": {"schema": component.ref}}}
        return operation

    def error_codes(self, path: str) -> list[str]:
        open_to_all = all(isinstance(permission, AllowAny)
                          for permission in self.view.get_permissions())
        codes = [] if open_to_all else ["403"]
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        if self.method in WRITES or (self.method == "GET" and self._is_list_view()):
            codes.append("400")
        on_one_record = "{" in path
        if on_one_record:
            codes.append("404")
        if self.method in WRITES | {"DELETE"} and self._answers_conflict(on_one_record):
            codes.append("409")
        return sorted(codes)

    def _answers_conflict(self, on_one_record: bool) -> bool:
        """Writes on one record that name the version they read, or of a view whose
        service refuses by state (``answers_conflict``); creations only where the view
        says so (``answers_conflict_on_create``: a double booking, a stale ticket)."""
        if not on_one_record:
            return getattr(self.view, "answers_conflict_on_create", False)
        return getattr(self.view, "answers_conflict", False) or (
            self.method in WRITES and self._names_version())

    def _names_version(self) -> bool:
        """The request names the version it read (a versioned, optimistic update)."""
        serializer = force_instance(self.get_request_serializer())
        if serializer is None or is_list_serializer(serializer):
            return False
        if isinstance(serializer, dict):  # {media type: serializer}
            serializer = force_instance(next(iter(serializer.values()), None))
        fields = getattr(serializer, "fields", {})
        return "version" in fields and not fields["version"].read_only
