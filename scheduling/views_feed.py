"""Reminder settings, the personal calendar feed (page and .ics), one event as .ics."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import ical, reminders

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _lead_label(minutes: int) -> str:
    if minutes == 0:
        return _("At the start")
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(n)s day before", "%(n)s days before", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s hour before", "%(n)s hours before", hours) % {"n": hours}
    return ngettext("%(n)s minute before", "%(n)s minutes before", minutes) % {"n": minutes}


LEAD_CHOICES = [0, 5, 10, 15, 30, 60, 120, 240, 1440, 2880, 10080]


class ReminderSettingForm(forms.Form):
    minutes_before = forms.TypedChoiceField(label=gettext_lazy("Remind me"), coerce=int,
                                            choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes_before"].choices = [(m, _lead_label(m)) for m in LEAD_CHOICES]


@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The user's own lead times (the default applies while they have none); a POST adds
    one."""
    _require(request, "scheduling.view_remindersetting")
    user = request.user
    form = ReminderSettingForm(request.POST or None)
    if request.method == "POST":
        _require(request, "scheduling.add_remindersetting")
        if form.is_valid():
            minutes = form.cleaned_data["minutes_before"]
            try:
                reminders.reminder_setting_add(user=user, minutes_before=minutes)
            except ValidationError as exc:
                form.add_error("minutes_before", exc)
            else:
                messages.success(request, _("Reminder added: %(lead)s.") % {
                    "lead": _lead_label(minutes)})
                return redirect("scheduling:reminders")
    settings_ = [(s, _lead_label(s.minutes_before))
                 for s in reminders.reminder_settings_for(user=user)]
    return render(request, "scheduling/feed/reminder_settings.html", {
        "settings": settings_, "form": form,
        "default_label": ", ".join(_lead_label(m) for m in reminders.DEFAULT_MINUTES),
        "may_add": user.has_perm("scheduling.add_remindersetting"),
        "may_delete": user.has_perm("scheduling.delete_remindersetting")},
        status=400 if form.is_bound and form.errors else 200)


@require_POST
def reminder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "scheduling.delete_remindersetting")
    # Someone else's reminder is never found: 404, as for any id one may not see.
    if not reminders.reminder_setting_remove(user=request.user, setting_id=pk):
        raise Http404
    messages.success(request, _("Reminder removed."))
    return redirect("scheduling:reminders")


@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """The user's private calendar address: create, replace or revoke it."""
    _require(request, "scheduling.view_event")
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            ical.feed_issue(user=user)
            messages.success(request, _("Your calendar address is ready. Any earlier one no "
                                        "longer works."))
        elif action == "revoke":
            if ical.feed_revoke(user=user):
                messages.success(request, _("Your calendar address no longer works."))
        else:
            return HttpResponse(status=400)
        return redirect("scheduling:feed")
    feed = ical.feed_for(user=user)
    url = (request.build_absolute_uri(reverse("scheduling:feed_ics", args=[feed.token]))
           if feed else "")
    return render(request, "scheduling/feed/feed_settings.html", {"feed": feed, "url": url})


@login_not_required
@never_cache
@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps read, with no login: the secret token is the key. Unknown or
    revoked tokens get 404."""
    user = ical.feed_owner(token=token)
    response = HttpResponse(ical.feed_calendar(user=user), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One event as a file for a calendar app; 404 unless the user may see its details."""
    event = ical.event_for_download(viewer=request.user, pk=pk)
    response = HttpResponse(ical.event_calendar(event=event), content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


urlpatterns = [
    path("reminders/", reminder_settings, name="reminders"),
    path("reminders/<int:pk>/delete/", reminder_delete, name="reminder_delete"),
    path("feed/", feed_settings, name="feed"),
    path("feed/<str:token>.ics", feed_ics, name="feed_ics"),
    path("events/<int:pk>.ics", event_ics, name="event_ics"),
]
