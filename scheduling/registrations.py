"""What the scheduling area adds to the shell: navigation (added as its pages exist)."""

from django.utils.translation import gettext_lazy as _

from portal import navigation

navigation.register(navigation.NavItem(
    key="schedule-calendar", label=_("Calendar"), url_name="scheduling:calendar",
    icon="calendar3", order=30, visible=lambda user: user.has_perm("scheduling.view_event")))
navigation.register(navigation.NavItem(
    key="schedule-team", label=_("Team schedule"), url_name="scheduling:team",
    icon="people", order=31, visible=lambda user: user.has_perm("scheduling.view_event")))
navigation.register(navigation.NavItem(
    key="schedule-tasks", label=_("Tasks"), url_name="scheduling:tasks",
    icon="check2-square", order=32, visible=lambda user: user.has_perm("scheduling.view_task")))
navigation.register(navigation.NavItem(
    key="schedule-memos", label=_("Memos"), url_name="scheduling:memos",
    icon="journal-text", order=33, visible=lambda user: user.has_perm("scheduling.view_memo")))
navigation.register(navigation.NavItem(
    key="schedule-reminders", label=_("Reminders and subscription"),
    url_name="scheduling:reminders", icon="alarm", order=34,
    visible=lambda user: user.has_perm("scheduling.view_remindersetting")))
