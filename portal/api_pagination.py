from rest_framework.pagination import CursorPagination


class KeysetCursorPagination(CursorPagination):
    """Cursor pages over an indexed, unique ordering: no COUNT, no OFFSET.

    A view names its ordering in ``cursor_ordering`` (default: the primary key).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", ("id",))
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
