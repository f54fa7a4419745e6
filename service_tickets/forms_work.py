"""Forms of the work done on a ticket beyond its state, and of the event search."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from owners.forms import limit_choices_to_scope
from owners.models import Party, Room
from portal import inputs

from .choices import EventKind
from .dispatching import dispatch_candidates, people_who_may_see
from .models import Ticket, TicketMaterial

NOTE_KINDS = [(EventKind.COMMENT, EventKind.COMMENT.label), (EventKind.CALL, EventKind.CALL.label),
              (EventKind.VISIT, EventKind.VISIT.label)]


def territory_members(ticket: Ticket):
    """Whom a helper may be: active members of the ticket's territory."""
    if ticket.territory_id is None:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(is_active=True, territories=ticket.territory_id)
            .order_by("full_name", "pk"))


class CandidateChoiceField(forms.ModelChoiceField):
    """A dispatch candidate, labelled with why they are suggested."""

    def label_from_instance(self, obj) -> str:
        return candidate_label(obj)


def candidate_label(user) -> str:
    """“王师傅 · skilled · 3 open”: what the dispatcher weighs, in one line."""
    parts = [user.display_name]
    if getattr(user, "skilled", False):
        parts.append(str(_("skilled")))
    parts.append(str(_("%(count)s open")) % {"count": getattr(user, "open_load", 0)})
    return " · ".join(parts)


class ChaseForm(forms.Form):
    note = forms.CharField(label=_("What the owner said"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    raise_priority = forms.BooleanField(label=_("Raise the priority one step"),
                                        required=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PeopleForm(forms.Form):
    """Helpers (members of the territory who work alongside the assignee) and watchers
    (people kept informed), set together under the ticket's version."""

    helpers = forms.ModelMultipleChoiceField(label=_("Helpers"), required=False,
                                             queryset=get_user_model().objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    watchers = forms.ModelMultipleChoiceField(label=_("Watchers"), required=False,
                                              queryset=get_user_model().objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        # The current helpers too (e.g. left over from a re-drawn territory): a list that
        # did not show them would drop them unseen on saving.
        self.fields["helpers"].queryset = (territory_members(ticket)
                                           | ticket.helpers.all()).distinct()
        self.fields["watchers"].queryset = people_who_may_see(ticket)


class TeamDispatchForm(forms.Form):
    """Dispatch to one person with helpers from the same territory."""

    to = CandidateChoiceField(label=_("Dispatch to"), queryset=get_user_model().objects.none())
    helpers = forms.ModelMultipleChoiceField(label=_("Helpers"), required=False,
                                             queryset=get_user_model().objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = dispatch_candidates(ticket)
        # The current helpers too (e.g. left over from a re-drawn territory): a list that
        # did not show them would drop them unseen on saving.
        self.fields["helpers"].queryset = (territory_members(ticket)
                                           | ticket.helpers.all()).distinct()

    def clean(self):
        cleaned = super().clean()
        to, helpers = cleaned.get("to"), cleaned.get("helpers") or []
        if to is not None:
            cleaned["helpers"] = [h for h in helpers if h.pk != to.pk]
        return cleaned


class MaterialForm(forms.ModelForm):
    class Meta:
        model = TicketMaterial
        fields = ["name", "quantity", "unit", "unit_price", "charged"]
        # "unit" alone reads as a building's unit (单元) in Chinese.
        labels = {"unit": _("Unit of measure")}
        widgets = {"quantity": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
                   "unit_price": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = False
        self.fields["unit_price"].required = False

    def clean_unit_price(self):
        return self.cleaned_data.get("unit_price") or Decimal("0")


class LabourForm(forms.Form):
    minutes = forms.IntegerField(label=_("Labour (minutes)"), min_value=1, max_value=24 * 60)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("Photo or file"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NOTE_KINDS, initial=EventKind.COMMENT)
    note = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EventSearchForm(forms.Form):
    """Events across tickets: of a person, a room, a member of staff, a kind, a time."""

    person = forms.CharField(label=_("Person"), required=False, max_length=60,
                             help_text=_("Name, phone or its last four digits"))
    party = forms.ModelChoiceField(queryset=Party.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    room = forms.CharField(label=_("Room"), required=False, max_length=60,
                           help_text=_("e.g. 3-2-1201"))
    room_id = forms.ModelChoiceField(queryset=Room.objects.select_related("estate"),
                                     required=False, widget=forms.HiddenInput)
    actor = forms.ModelChoiceField(label=_("Staff"), required=False, empty_label=_("All"),
                                   queryset=get_user_model().objects.filter(is_active=True)
                                   .order_by("full_name", "pk"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *EventKind.choices])
    date_from = inputs.DateField(label=_("From"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    date_to = inputs.DateField(label=_("Until"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A person or room outside the user's patch is not a choice: no name is shown.
        limit_choices_to_scope(self, user=user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
