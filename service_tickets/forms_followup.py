"""Forms of follow-ups (回访), complaint handling, the owner's rating and the reports."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import inputs
from portal.widgets import SearchSelect
from staff.models import Department

from .choices import (
    QUALITY_DIMENSIONS,
    FollowUpMethod,
    FollowUpOutcome,
    Responsibility,
    Severity,
)
from .forms import StaffChoiceField
from .models import Ticket

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class ButtonRadios(forms.RadioSelect):
    """Choices as a row of buttons (drawn by ``followup/button_radios.html``):
    Bootstrap's btn-check keeps real radios, so arrow keys and screen readers work, and a
    row of 1–5 stays on one line on a phone."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "btn-check", "autocomplete": "off", **(attrs or {})},
                         choices)


def _score_field(label, *, required=False, blank_label=None):
    return forms.TypedChoiceField(
        label=label, required=required, coerce=int, empty_value=None,
        choices=([] if required else [("", blank_label or _("not asked"))]) + SCORES,
        widget=ButtonRadios)


class FollowUpForm(forms.Form):
    """What the owner said when followed up, scored overall and on ten dimensions."""

    method = forms.ChoiceField(label=_("Method"), choices=FollowUpMethod.choices,
                               initial=FollowUpMethod.CALL, widget=ButtonRadios)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices,
                                widget=ButtonRadios)
    overall = _score_field(_("Overall rating"), blank_label=_("none"))
    comments = forms.CharField(label=_("Comments"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when the owner is unsatisfied"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "followup_%s")  # unique ids on the ticket page
        super().__init__(*args, **kwargs)
        for name, label in QUALITY_DIMENSIONS:
            self.fields[name] = _score_field(label)
        # The version goes last so the visible fields keep their order.
        self.fields["version"] = self.fields.pop("version")

    def dimension_fields(self) -> list:
        return [self[name] for name, _label in QUALITY_DIMENSIONS]

    def dimensions_touched(self) -> bool:
        """Open the scores section again when the user typed into it."""
        return self.is_bound and any(
            self.data.get(name) or self.errors.get(name) for name, _label in QUALITY_DIMENSIONS)

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != FollowUpOutcome.NOT_REACHED and cleaned.get("overall") is None \
                and "overall" not in self.errors:
            self.add_error("overall", _("Give the owner's overall rating (1–5)."))
        if outcome == FollowUpOutcome.UNSATISFIED and not cleaned.get("comments", "").strip() \
                and "comments" not in self.errors:
            self.add_error("comments", _("Write down what the owner is unhappy about."))
        return cleaned

    def scores(self) -> dict:
        return {name: self.cleaned_data.get(name) for name, _label in QUALITY_DIMENSIONS}


class ComplaintForm(forms.Form):
    """Whom a complaint is about, how serious it is, who was found responsible, the remedy,
    and whether the complainant has had the reply owed."""

    complained_department = forms.ModelChoiceField(
        label=_("Department complained about"), required=False,
        queryset=Department.objects.order_by("name"))
    complained_staff = StaffChoiceField(
        label=_("Staff member complained about"), required=False,
        queryset=get_user_model().objects.none(),
        widget=SearchSelect(search_url="staff:picker",
                            placeholder=_("Type a colleague's name")))
    complained_other = forms.CharField(label=_("Other party complained about"),
                                       required=False, max_length=100,
                                       help_text=_("e.g. a contractor"))
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", "—"), *Severity.choices])
    responsibility = forms.ChoiceField(label=_("Responsibility"), required=False,
                                       choices=Responsibility.choices)
    remedy = forms.CharField(label=_("Remedy"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    replied = forms.BooleanField(label=_("Reply given to the complainant"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("initial", {
            "complained_department": ticket.complained_department_id,
            "complained_staff": ticket.complained_staff_id,
            "complained_other": ticket.complained_other, "severity": ticket.severity,
            "responsibility": ticket.responsibility, "remedy": ticket.remedy,
            "version": ticket.version})
        kwargs.setdefault("auto_id", "complaint_%s")
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["complained_staff"].queryset = get_user_model().objects.filter(
            Q(is_active=True) | Q(pk=ticket.complained_staff_id)).select_related(
            "department").order_by("full_name", "pk")
        if ticket.replied_at is not None:
            del self.fields["replied"]

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data.pop("replied", None)
        return data


class OwnerRatingForm(forms.Form):
    rating = _score_field(_("Owner's own rating"), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rating_%s")
        super().__init__(*args, **kwargs)


class ReportPeriodForm(forms.Form):
    """The month of the report, as the browser's month picker sends it (2026-11)."""

    month = inputs.MonthField(label=_("Month"), required=False,
                             widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def month_start(self):
        if self.is_valid() and self.cleaned_data.get("month"):
            return self.cleaned_data["month"].replace(day=1)
        return timezone.localdate().replace(day=1)
