"""Forms of the task pages: the whole task for whoever gives it, status and notes for
whoever does it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from owners.selectors import party_list_for_user, room_list_for_user
from portal import inputs
from service_tickets.selectors import ticket_list_for_user

from .choices import TaskPriority, TaskStatus
from .models import Task

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class TaskForm(forms.Form):
    """Give a task, or change one you gave. Owner and room links come from the page the
    task was started on (hidden here); the ticket is typed by its number."""

    title = forms.CharField(label=_("Title"), max_length=120)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None)
    due_at = inputs.DateTimeField(label=_("Due"), required=False,
                                  widget=_LocalDateTimeInput(), input_formats=[DATETIME_FORMAT])
    priority = forms.ChoiceField(label=_("Priority"), choices=TaskPriority.choices,
                                 initial=TaskPriority.NORMAL)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    ticket_number = forms.CharField(label=_("Ticket number"), required=False, max_length=20,
                                    help_text=_("Optional: the service ticket the task is "
                                                "about"))
    party = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    room = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    drop_party = forms.BooleanField(label=_("Remove the link to the owner"), required=False)
    drop_room = forms.BooleanField(label=_("Remove the link to the room"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, task: Task | None = None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if task is not None and task.pk:
            initial.update({
                "title": task.title, "assignee": task.assignee_id, "due_at": task.due_at,
                "priority": task.priority, "status": task.status, "notes": task.notes,
                "party": task.party_id,
                "room": task.room_id, "version": task.version,
                "ticket_number": task.ticket.number if task.ticket_id else ""})
        else:
            initial.setdefault("assignee", user.pk)
        super().__init__(*args, **kwargs)
        self.user, self.task = user, task
        self.fields["assignee"].queryset = (get_user_model().objects.filter(is_active=True)
                                            .order_by("full_name", "pk"))
        self.fields["party"].queryset = party_list_for_user(user=user)
        self.fields["room"].queryset = room_list_for_user(user=user)
        self.linked_party = self._linked("party")
        self.linked_room = self._linked("room")

    def _linked(self, name: str):
        """The owner or room the form links to, to show by name beside its hidden field."""
        value = self[name].value()
        if value in (None, ""):
            return None
        try:
            return self.fields[name].queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def clean_ticket_number(self):
        number = self.cleaned_data["ticket_number"].strip()
        if not number:
            return None
        ticket = ticket_list_for_user(user=self.user).filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(_("No such ticket, or you may not see it."))
        return ticket

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("drop_party"):
            cleaned["party"] = None
        if cleaned.get("drop_room"):
            cleaned["room"] = None
        if self.task is not None and self.task.pk and cleaned.get("version") is None:
            raise forms.ValidationError(_("Reload the task and edit it again."))
        return cleaned

    def task_fields(self) -> dict:
        data = self.cleaned_data
        fields = {"title": data["title"], "assignee": data["assignee"],
                  "due_at": data["due_at"], "priority": data["priority"],
                  "notes": data["notes"], "party": data["party"], "room": data["room"],
                  "ticket": data["ticket_number"]}
        if self.task is not None and self.task.pk and data.get("status"):
            fields["status"] = data["status"]
        return fields


class TaskProgressForm(forms.Form):
    """What the assignee changes: the status and the notes."""

    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, task: Task, **kwargs):
        kwargs.setdefault("initial", {"status": task.status, "notes": task.notes,
                                      "version": task.version})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            raise forms.ValidationError(_("Reload the task and edit it again."))
        return cleaned

    def task_fields(self) -> dict:
        return {"status": self.cleaned_data["status"], "notes": self.cleaned_data["notes"]}


class StatusForm(forms.Form):
    """A quick status button of the lists."""

    status = forms.ChoiceField(choices=TaskStatus.choices)
    version = forms.IntegerField()
