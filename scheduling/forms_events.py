"""The event form (new and edit) and the repeat rule it builds, and the small forms of the
calendar pages (choosing a team, moving an event by dragging)."""

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from owners.models import Party, Room
from portal import inputs
from portal.widgets import RemembersChosen, SearchSelect, SearchSelectMultiple
from service_tickets.models import Ticket
from staff.models import Department

from . import pickers
from .choices import EventKind

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
WEEKDAYS = [("MO", _("Mon")), ("TU", _("Tue")), ("WE", _("Wed")), ("TH", _("Thu")),
            ("FR", _("Fri")), ("SA", _("Sat")), ("SU", _("Sun"))]
WEEKDAY_CODES = [code for code, _label in WEEKDAYS]
MAX_ATTENDEES = 50
REPEAT_FIELDS = ("repeat", "weekdays", "until", "count")
MAX_COUNT = 500


class Repeat:
    NONE, DAILY, WEEKLY, MONTHLY = "", "DAILY", "WEEKLY", "MONTHLY"
    CHOICES = [(NONE, _("Does not repeat")), (DAILY, _("Every day")),
               (WEEKLY, _("Every week on the chosen days")), (MONTHLY, _("Every month"))]


class Scope:
    THIS, FOLLOWING, ALL = "this", "following", "all"
    CHOICES = [(THIS, _("This occurrence only")), (FOLLOWING, _("This and following")),
               (ALL, _("All occurrences"))]


class StaffMultipleChoiceField(RemembersChosen, forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return pickers.staff_label(obj)


class _LabelledByPicker:
    """Choices labelled as their search picker labels them (``label_from``)."""

    def __init__(self, *args, label_from, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj) -> str:
        return self.label_from(obj)


class PickedChoiceField(RemembersChosen, _LabelledByPicker, forms.ModelChoiceField):
    """One owner, room or ticket."""


class PickedMultipleChoiceField(RemembersChosen, _LabelledByPicker,
                                forms.ModelMultipleChoiceField):
    """Several owners or occupants."""


def _staff_picker(**attrs) -> SearchSelectMultiple:
    return SearchSelectMultiple(attrs=attrs, search_url="scheduling:picker_staff",
                                placeholder=_("Type a colleague's name"))


class LocalDateTimeField(inputs.DateTimeField):
    """A ``datetime-local`` input, read in the active time zone (Asia/Shanghai)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)
    input_formats = [LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def rrule_build(*, repeat: str, weekdays=(), until=None, count=None) -> str:
    """The RFC 5545 RRULE value for the form's choices (``""`` when it does not repeat).

    ``until`` is a local date: the rule runs through the end of that day, written in UTC
    as RFC 5545 asks of a rule whose start has a time zone.
    """
    if not repeat:
        return ""
    parts = [f"FREQ={repeat}"]
    if repeat == Repeat.WEEKLY and weekdays:
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAY_CODES if d in weekdays))
    if until:
        last = timezone.make_aware(datetime.combine(until, time(23, 59, 59)))
        parts.append("UNTIL=" + last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    elif count:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def rrule_parse(rule: str) -> dict:
    """The form's initial repeat fields for a stored rule (what the form can build)."""
    if not rule:
        return {"repeat": Repeat.NONE}
    values = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    initial = {"repeat": values.get("FREQ", "") if values.get("FREQ") in (
        Repeat.DAILY, Repeat.WEEKLY, Repeat.MONTHLY) else Repeat.NONE}
    if values.get("BYDAY"):
        initial["weekdays"] = [d for d in values["BYDAY"].split(",") if d in WEEKDAY_CODES]
    if values.get("COUNT", "").isdigit():
        initial["count"] = int(values["COUNT"])
    if values.get("UNTIL"):
        raw = values["UNTIL"]
        try:
            if raw.endswith("Z"):
                moment = datetime.strptime(raw, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                initial["until"] = timezone.localtime(moment).date()
            else:
                initial["until"] = datetime.strptime(raw[:8] + "+0000", "%Y%m%d%z").date()
        except ValueError:
            pass
    return initial


class EventForm(forms.Form):
    """Everything the organiser sets on an event; the view passes the cleaned values to
    ``services.event_create`` / ``event_update``."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices,
                             initial=EventKind.MEETING)
    title = forms.CharField(label=_("Title"), max_length=120)
    all_day = forms.BooleanField(label=_("All day"), required=False)
    start = LocalDateTimeField(label=_("Starts"))
    end = LocalDateTimeField(label=_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    attendees = StaffMultipleChoiceField(
        label=_("Attendees"), required=False, queryset=get_user_model().objects.none(),
        widget=_staff_picker(), help_text=_("Colleagues to invite: type a name and choose."))
    outside_participants = PickedMultipleChoiceField(
        label=_("Outside participants (owners, occupants)"), required=False,
        queryset=Party.objects.none(), label_from=pickers.party_label,
        widget=SearchSelectMultiple(search_url="scheduling:picker_parties",
                                    placeholder=_("Name, phone or plate")))
    repeat = forms.ChoiceField(label=_("Repeats"), choices=Repeat.CHOICES, required=False)
    weekdays = forms.MultipleChoiceField(label=_("On"), choices=WEEKDAYS, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    until = inputs.DateField(label=_("Until"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    count = forms.IntegerField(label=_("Or this many times"), required=False, min_value=1,
                               max_value=MAX_COUNT)
    private = forms.BooleanField(label=_("Private"), required=False,
                                 help_text=_("Others see only that you are busy."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    party = PickedChoiceField(
        label=_("Owner or occupant"), required=False, queryset=Party.objects.none(),
        label_from=pickers.party_label,
        widget=SearchSelect(search_url="scheduling:picker_parties",
                            placeholder=_("Name, phone or plate")))
    room = PickedChoiceField(
        label=_("Room"), required=False, queryset=Room.objects.none(),
        label_from=pickers.room_label,
        widget=SearchSelect(search_url="scheduling:picker_rooms",
                            placeholder=_("Room, e.g. 3-2-1201")))
    ticket = PickedChoiceField(
        label=_("Ticket"), required=False, queryset=Ticket.objects.none(),
        label_from=pickers.ticket_label,
        widget=SearchSelect(search_url="scheduling:picker_tickets",
                            placeholder=_("Ticket number, e.g. GD20250102-0007")))
    scope = forms.ChoiceField(label=_("Change"), choices=Scope.CHOICES, required=False,
                              widget=forms.RadioSelect, initial=Scope.ALL)
    occurrence_start = inputs.DateTimeField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_conflicts = forms.BooleanField(label=_("Book anyway"), required=False)

    def __init__(self, *args, user, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.event = event
        self.fields["attendees"].queryset = pickers.staff_choices()
        # Links only to what the user may see: without the right, the field is left out
        # (and an edit keeps the event's link as it is).
        if user.has_perm("owners.view_party"):
            parties = pickers.party_choices(user=user)
            self.fields["party"].queryset = parties
            self.fields["outside_participants"].queryset = parties
        else:
            del self.fields["party"], self.fields["outside_participants"]
        if user.has_perm("owners.view_room"):
            self.fields["room"].queryset = pickers.room_choices(user=user)
        else:
            del self.fields["room"]
        if user.has_perm("service_tickets.view_ticket"):
            self.fields["ticket"].queryset = pickers.ticket_choices(
                user=user, keep=event.ticket_id if event is not None else None)
        else:
            del self.fields["ticket"]
        if event is None or not event.rrule:
            del self.fields["scope"]
        if event is None:
            del self.fields["version"]
            del self.fields["occurrence_start"]
        else:
            self.fields["version"].required = True

    def clean_attendees(self):
        attendees = self.cleaned_data["attendees"]
        if len(attendees) > MAX_ATTENDEES:
            raise forms.ValidationError(
                _("Invite at most %(max)s people to one event.") % {"max": MAX_ATTENDEES})
        return attendees

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if cleaned.get("all_day"):
                start = timezone.make_aware(datetime.combine(
                    timezone.localtime(start).date(), time.min))
                end = timezone.make_aware(datetime.combine(
                    timezone.localtime(end).date() + timedelta(days=1), time.min))
                cleaned["start"], cleaned["end"] = start, end
            elif end <= start:
                self.add_error("end", _("The end must be after the start."))
        repeat = cleaned.get("repeat") or ""
        if repeat == Repeat.WEEKLY and not cleaned.get("weekdays") and start:
            cleaned["weekdays"] = [WEEKDAY_CODES[timezone.localtime(start).weekday()]]
        if repeat and cleaned.get("until") and start and (
                cleaned["until"] < timezone.localtime(start).date()):
            self.add_error("until", _("The repeat must end after the first occurrence."))
        if repeat and cleaned.get("until") and cleaned.get("count"):
            self.add_error("count", _("Give either an end date or a number of times."))
        cleaned["rrule"] = rrule_build(repeat=repeat, weekdays=cleaned.get("weekdays") or (),
                                       until=cleaned.get("until"),
                                       count=cleaned.get("count"))
        if "scope" in self.fields and not cleaned.get("scope"):
            cleaned["scope"] = Scope.ALL
        return cleaned

    def service_values(self) -> dict:
        """The cleaned input as the services' keyword arguments."""
        data = self.cleaned_data
        values = {
            "kind": data["kind"], "title": data["title"], "start": data["start"],
            "end": data["end"], "all_day": data["all_day"], "place": data["place"],
            "notes": data["notes"], "rrule": data["rrule"], "private": data["private"],
            "attendees": list(data["attendees"]),
        }
        # A link the user may not choose (its field left out) is not changed.
        for name in ("party", "room", "ticket"):
            if name in self.fields:
                values[name] = data[name]
        if "outside_participants" in self.fields:
            values["outside_participants"] = list(data["outside_participants"])
        return values


def event_initial(event, *, start=None, end=None) -> dict:
    """The form's initial values for an event (or one of its occurrences)."""
    start = start or event.start
    end = end or event.end
    if event.all_day:
        end = end - timedelta(days=1)
    return {
        "kind": event.kind, "title": event.title, "all_day": event.all_day,
        "start": timezone.localtime(start), "end": timezone.localtime(end),
        "place": event.place, "notes": event.notes, "private": event.private,
        "attendees": [a.user_id for a in event.attendances.all()],
        "outside_participants": list(event.outside_participants.values_list("pk", flat=True)),
        "party": event.party_id, "room": event.room_id, "ticket": event.ticket_id,
        "version": event.version, **rrule_parse(event.rrule),
    }


class MoveForm(forms.Form):
    """A drag in the week grid: the new start and end, and what the user saw."""

    start = inputs.DateTimeField(input_formats=[LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S",
                                                "%Y-%m-%dT%H:%M:%S%z"])
    end = inputs.DateTimeField(input_formats=[LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S",
                                              "%Y-%m-%dT%H:%M:%S%z"])
    version = forms.IntegerField()
    occurrence_start = inputs.DateTimeField(required=False, input_formats=[
         LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"])
    confirm_conflicts = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            raise forms.ValidationError(_("The end must be after the start."))
        return cleaned


class TeamForm(forms.Form):
    """Whose schedules to show side by side: a department, or chosen people."""

    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.filter(is_active=True),
                                        widget=forms.Select(attrs={"class": "form-select"}))
    users = StaffMultipleChoiceField(
        label=_("Or these colleagues"), required=False, queryset=get_user_model().objects.none(),
        widget=_staff_picker(**{"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = pickers.staff_choices()
