from django.utils.functional import cached_property

from .models import Notification

BADGE_CAP = 99


class UnreadBadge:
    """The top bar's unread figure, read from the database on first use only, so a page
    that never shows the bell (admin, partials) pays nothing for it."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def count(self) -> int:
        # At most BADGE_CAP + 1 rows through the partial unread index: the cost stays flat
        # however much piles up unread, and the bar shows "99+" beyond that anyway. (A
        # COUNT would be as cheap, but lists promise pages without one.)
        unread = Notification.objects.filter(recipient=self._user, read_at__isnull=True)
        return len(unread.order_by().values_list("pk", flat=True)[: BADGE_CAP + 1])

    @property
    def label(self) -> str:
        return f"{BADGE_CAP}+" if self.count > BADGE_CAP else str(self.count)


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": UnreadBadge(user)}
