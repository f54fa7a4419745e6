from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from .inputs import has_control_characters
from .pagination import model_field

BAD_CURSOR_MESSAGE = _("This page link cannot be read: start again from the first page.")


class KeysetCursorPagination(CursorPagination):
    """Cursor pages over an indexed, unique ordering: no COUNT, no OFFSET.

    A view names its ordering in ``cursor_ordering`` (default: the primary key). A cursor
    that cannot be read, or whose position does not fit the first sort field (forged: text
    for a number, a NUL), answers 400 rather than failing in the database.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", ("id",))
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self._refused() from None
        if cursor is None or cursor.position is None:
            return cursor
        if has_control_characters(cursor.position):
            raise self._refused()
        field = model_field(self._model, self.ordering[0].lstrip("-"))
        if field is not None:
            try:
                field.run_validators(field.to_python(cursor.position))
            except (DjangoValidationError, ValueError, TypeError, OverflowError):
                raise self._refused() from None
        return cursor

    def _refused(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [BAD_CURSOR_MESSAGE]})
