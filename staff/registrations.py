"""What the staff app adds to the web shell: the directory, its search, a dashboard card."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal import dashboard, navigation, search

from .models import User
from .selectors import staff_quick_search


def _search_staff(user, query: str, limit: int) -> list[search.SearchHit]:
    rows = staff_quick_search(user=user, query=query, limit=limit)
    directory = reverse("staff:directory")
    return [
        search.SearchHit(
            kind=_("Colleague"),
            label=row.display_name,
            detail=" · ".join(filter(None, [row.department.name if row.department else "",
                                            row.job_title, row.mobile])),
            url=f"{directory}?{urlencode({'q': row.username})}",
            icon="person-badge",
        )
        for row in rows
    ]


def _staff_card(user) -> dashboard.Card | None:
    if not user.has_perm("staff.view_user"):
        return None
    figures = User.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        departments=Count("department", distinct=True, filter=Q(is_active=True)),
    )
    directory = reverse("staff:directory")
    return dashboard.Card(
        title=_("Staff"),
        icon="people",
        order=500,
        figures=[
            dashboard.Figure(label=_("Active staff"), value=figures["active"], url=directory),
            dashboard.Figure(label=_("Departments with staff"), value=figures["departments"]),
        ],
    )


navigation.register(
    navigation.NavItem(key="staff-directory", label=_("Staff directory"),
                       url_name="staff:directory", icon="person-lines-fill", order=800,
                       visible=lambda user: user.has_perm("staff.view_user"))
)
search.register("staff", _search_staff)
dashboard.register("staff", _staff_card)
