from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from owners.models import Estate, Party, Room

from .choices import Priority, Source, Status, TicketType
from .models import Category


class FastEntryForm(forms.Form):
    """One screen for the desk: who, where, what (the person and room come from lookup)."""

    party = forms.ModelChoiceField(queryset=Party.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False,
                                  widget=forms.HiddenInput)
    estate = forms.ModelChoiceField(label=_("Public area of estate"),
                                    queryset=Estate.objects.all(), required=False,
                                    help_text=_("Only when no room is concerned"))
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices,
                             initial=TicketType.REPAIR)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.PHONE)
    category = forms.ModelChoiceField(label=_("Category"),
                                      queryset=Category.objects.filter(is_active=True)
                                      .select_related("parent"))
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Category default")), *Priority.choices])
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(
        attrs={"rows": 3}), max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not cleaned.get("estate"):
            raise forms.ValidationError(_("Pick the person's room, or the estate of a public "
                                          "area."))
        return cleaned


class ActForm(forms.Form):
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=500)
    to = forms.ModelChoiceField(label=_("Dispatch to"), required=False,
                                queryset=get_user_model().objects.filter(is_active=True))
    version = forms.IntegerField(widget=forms.HiddenInput)


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All open")), ("all", _("All")),
                                        *Status.choices])
    category = forms.ModelChoiceField(label=_("Category"), required=False,
                                      queryset=Category.objects.select_related("parent"))
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("All")), *Priority.choices])
    mine = forms.BooleanField(label=_("Only mine"), required=False)
