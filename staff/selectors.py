from django.db.models import Q, QuerySet

from portal.search import prefix_range

from .models import Department, User


def staff_directory_for_user(*, user, query: str = "") -> QuerySet[User]:
    """Active colleagues the user may look up, optimised for the directory list."""
    if not user.has_perm("staff.view_user"):
        return User.objects.none()
    qs = User.objects.filter(is_active=True).select_related("department")
    query = query.strip()
    if query:
        condition = (
            Q(full_name__icontains=query)
            | Q(username__icontains=query)
            | Q(job_title__icontains=query)
            | Q(department__name__icontains=query)
        )
        if query.isdigit():
            condition |= Q(mobile__endswith=query) if len(query) <= 4 else Q(mobile=query)
        qs = qs.filter(condition)
    return qs


def departments_for_user(*, user) -> QuerySet[Department]:
    if not user.has_perm("staff.view_department"):
        return Department.objects.none()
    return Department.objects.select_related("head", "parent")


def staff_quick_search(*, user, query: str, limit: int) -> QuerySet[User]:
    """Colleagues for the top bar's suggestions: name or username prefix, phone or its tail.

    Prefix matches keep suggestions cheap on every keystroke; the directory page offers
    the broader contains-search.
    """
    if not user.has_perm("staff.view_user"):
        return User.objects.none()
    return staff_prefix_search(query=query, limit=limit)


def staff_prefix_search(*, query: str, limit: int) -> QuerySet[User]:
    """Active colleagues whose name or username starts with ``query``, or whose mobile is
    ``query`` or ends with it (four digits or fewer), by name.

    No permission check: the caller decides who may look colleagues up (the top bar asks
    for ``staff.view_user``; choosing whom to invite needs only the calendar).
    """
    query = query.strip()
    qs = User.objects.filter(is_active=True).select_related("department")
    if not query:
        return qs.none()
    if query.isdigit():
        condition = Q(mobile__endswith=query) if len(query) <= 4 else Q(mobile=query)
    else:
        condition = (Q(**prefix_range("full_name", query))
                     | Q(**prefix_range("username", query.lower())))
    return qs.filter(condition).order_by("full_name", "id")[:limit]
