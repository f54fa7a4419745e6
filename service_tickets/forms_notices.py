"""Forms of the notices page and of the calls the desk answers from a notice."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from owners.forms import limit_choices_to_scope
from owners.models import Building, Estate, Party, Room
from portal import inputs

from .choices import NoticeKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class NoticeForm(forms.Form):
    """Post a notice: the buildings offered are those of the chosen estate only."""

    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices,
                             initial=NoticeKind.WATER)
    title = forms.CharField(label=_("Title"), max_length=120,
                            widget=forms.TextInput(attrs={"placeholder": _(
                                "e.g. Building 3: water off for tank cleaning")}))
    body = forms.CharField(label=_("Details"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What the desk tells callers: why, what to do, "
                                       "whom to call"))
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.all())
    buildings = forms.ModelMultipleChoiceField(
        label=_("Buildings"), required=False, queryset=Building.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: the whole estate"))
    starts_at = inputs.DateTimeField(label=pgettext_lazy("notice", "From"),
                                     widget=_LocalDateTimeInput(),
                                     input_formats=[DATETIME_FORMAT])
    ends_at = inputs.DateTimeField(label=pgettext_lazy("notice", "Until"), required=False,
                                   widget=_LocalDateTimeInput(),
                                   input_formats=[DATETIME_FORMAT],
                                   help_text=_("Empty: until withdrawn"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"starts_at": timezone.localtime().replace(
            second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings_of(self._estate_id())

    def _estate_id(self) -> int | None:
        value = (self.data.get(self.add_prefix("estate")) if self.is_bound
                 else self.initial.get("estate"))
        value = getattr(value, "pk", value)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The notice must end after it starts."))
        return cleaned


def buildings_of(estate_id: int | None):
    """The buildings a notice of the estate may name (none until an estate is chosen)."""
    if estate_id is None:
        return Building.objects.none()
    return Building.objects.filter(estate_id=estate_id).select_related("estate") \
        .order_by("number", "id")


class NoticeFilterForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), required=False,
                                    queryset=Estate.objects.all(),
                                    empty_label=_("All estates"))


class NoticeCallForm(forms.Form):
    """Who asked about the notice (both optional: an anonymous caller still counts)."""

    party = forms.ModelChoiceField(queryset=Party.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False,
                                  widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices_to_scope(self, user=user)
