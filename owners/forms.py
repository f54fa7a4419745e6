from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uploads.choices import FileKind
from uploads.forms import CheckedFileField
from versioning.forms import VersionedModelForm

from .choices import (
    ActivityKind,
    Gender,
    IdType,
    MoveInState,
    OccupantRelation,
    PartyKind,
    RoomStatus,
    RoomUse,
)
from .models import Building, DocumentKind, DocumentTemplate, Estate, Party, Room, Tag
from .validators import normalise_id_number, normalise_phone, normalise_plate

OWNER = "owner"


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("\n", ",").split(",")
            if part.strip()]


class PartyForm(VersionedModelForm):
    """Create or edit an owner or occupant; phones, ID and plates are checked here."""

    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    other_phones = forms.CharField(
        label=_("Other phones"), required=False,
        help_text=_("Separate several with commas, e.g. 0571-88001234 转 123"))
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, required=False,
        help_text=_("Leave empty to keep the number on record"))
    plates = forms.CharField(label=_("Licence plates"), required=False,
                             help_text=_("Separate several with commas"))
    tags = forms.ModelMultipleChoiceField(label=_("Tags"), queryset=Tag.objects.all(),
                                          required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Party
        fields = ["kind", "name", "gender", "birthday", "id_type", "uscc", "email",
                  "workplace", "emergency_name", "emergency_phone", "emergency_relation",
                  "preferred_channel", "preferred_time", "tags", "notes"]
        widgets = {"birthday": forms.DateInput(attrs={"type": "date"}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            phones = list(self.instance.phones.all())
            primary = next((p for p in phones if p.is_primary), None)
            self.fields["mobile"].initial = primary.display if primary else ""
            self.fields["other_phones"].initial = ", ".join(
                p.display for p in phones if p is not primary)
            self.fields["plates"].initial = ", ".join(
                v.plate for v in self.instance.vehicles.all())
            if self.instance.id_masked:
                self.fields["id_number"].widget.attrs["placeholder"] = self.instance.id_masked
        self.phone_list: list[str] | None = None
        self.plate_list: list[str] | None = None

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if value:
            normalise_phone(value)
        return value

    def clean_other_phones(self):
        values = _lines(self.cleaned_data["other_phones"])
        for value in values:
            normalise_phone(value)
        return values

    def clean_plates(self):
        return [normalise_plate(v) for v in _lines(self.cleaned_data["plates"])]

    def clean_emergency_phone(self):
        value = self.cleaned_data["emergency_phone"].strip()
        return normalise_phone(value).display if value else ""

    def clean(self):
        cleaned = super().clean()
        id_number = (cleaned.get("id_number") or "").strip()
        if id_number:
            id_type = cleaned.get("id_type") or IdType.RESIDENT_ID
            try:
                cleaned["id_number"] = normalise_id_number(id_type, id_number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
            cleaned["id_type"] = id_type
        if cleaned.get("kind") == PartyKind.COMPANY and not cleaned.get("uscc"):
            self.add_error("uscc", _("A company needs its unified social credit code."))
        if cleaned.get("uscc"):
            from .validators import normalise_uscc

            try:
                cleaned["uscc"] = normalise_uscc(cleaned["uscc"])
            except ValidationError as exc:
                self.add_error("uscc", exc)
        mobile = cleaned.get("mobile")
        if mobile is not None:
            self.phone_list = [p for p in [mobile, *cleaned.get("other_phones", [])] if p]
        self.plate_list = cleaned.get("plates")
        return cleaned


class HouseholdMemberForm(forms.Form):
    """Add a person living in a room (family member, tenant, ...) in one step."""

    name = forms.CharField(label=_("Name"), max_length=100)
    relation = forms.ChoiceField(
        label=_("Relation"), initial=OccupantRelation.FAMILY,
        choices=[(OWNER, _("Owner (new owner or co-owner)")), *OccupantRelation.choices])
    relation_detail = forms.CharField(label=_("Relation detail"), max_length=30,
                                      required=False, help_text=_("e.g. 配偶, 子女, 父母"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    id_type = forms.ChoiceField(label=_("ID document"), choices=IdType.choices,
                                initial=IdType.RESIDENT_ID, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    move_in_state = forms.ChoiceField(label=_("Move-in state"), choices=MoveInState.choices,
                                      initial=MoveInState.MOVED_IN)

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        if value:
            normalise_phone(value)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("id_number"):
            try:
                cleaned["id_number"] = normalise_id_number(
                    cleaned.get("id_type") or IdType.RESIDENT_ID, cleaned["id_number"])
            except ValidationError as exc:
                self.add_error("id_number", exc)
        return cleaned


class PetForm(forms.Form):
    species = forms.CharField(label=_("Species"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=30, required=False)
    breed = forms.CharField(label=_("Breed"), max_length=30, required=False)
    vaccinated_on = forms.DateField(label=_("Last vaccination"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))


class TenureEndForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (k, label) for k, label in ActivityKind.choices if k != ActivityKind.HOUSEHOLD])
    title = forms.CharField(label=_("Summary"), max_length=200)
    body = forms.CharField(label=_("Details"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


PARTY_SORTS = {"name": ["name", "id"], "newest": ["-id"]}
ROOM_SORTS = {"room": ["sort_key", "id"], "floor": ["floor", "id"]}


class PartyFilterForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.all(),
                                    required=False)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(),
                                      required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[
        ("", _("Owners and occupants")), ("owner", _("Owners")), ("occupant", _("Occupants"))])
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *PartyKind.choices])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("name", _("Name")), ("newest", _("Newest first"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _prepare_filters(self)


class RoomFilterForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.all(),
                                    required=False)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(),
                                      required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *RoomStatus.choices])
    use = forms.ChoiceField(label=_("Use"), required=False,
                            choices=[("", _("All")), *RoomUse.choices])
    occupancy = forms.ChoiceField(label=_("Residents"), required=False, choices=[
        ("", _("All")), ("no_owner", _("No current owner")),
        ("has_occupants", _("Has non-owner occupants"))])
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("room", _("Room")), ("floor", _("Floor"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _prepare_filters(self)


def _prepare_filters(form: forms.Form) -> None:
    """Bootstrap classes; the buildings of the chosen estate (choosing one re-submits)."""
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select"
    form.fields["estate"].widget.attrs["class"] = "form-select js-autosubmit"
    estate = form.data.get("estate") if form.is_bound else None
    if estate and str(estate).isdigit():
        form.fields["building"].queryset = Building.objects.filter(
            estate_id=estate).select_related("estate")
    for field in form.fields.values():
        # One plain query per list; the template writes the options out itself.
        field.widget.choices = list(iter(field.choices))


class RoomPatternForm(forms.Form):
    """Create a building's rooms from floors × rooms per floor."""

    building = forms.ModelChoiceField(label=_("Building"),
                                      queryset=Building.objects.select_related("estate"))
    units = forms.CharField(label=_("Units"), required=False,
                            help_text=_("e.g. 1,2; leave empty if the building has no units"))
    floor_from = forms.IntegerField(label=_("From floor"), initial=1, min_value=-5,
                                    max_value=200)
    floor_to = forms.IntegerField(label=_("To floor"), min_value=-5, max_value=200)
    rooms_per_floor = forms.IntegerField(label=_("Rooms per floor"), min_value=1,
                                         max_value=99)
    gross_area = forms.DecimalField(label=_("Gross area (m²)"), required=False, min_value=0,
                                    max_digits=9, decimal_places=2)
    use = forms.ChoiceField(label=_("Use"), choices=RoomUse.choices, initial=RoomUse.HOME)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("floor_from"), cleaned.get("floor_to")
        if low is not None and high is not None and low > high:
            self.add_error("floor_to", _("The floors must run upwards, 200 at most."))
        cleaned["unit_list"] = _lines(cleaned.get("units") or "")
        return cleaned


class ContactForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Primary contact"), queryset=Party.objects.none(),
                                     required=False)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = choices if choices is not None else \
            Party.objects.none()


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    name = forms.CharField(label=pgettext_lazy("document template", "Name"), max_length=100,
                           help_text=_("The same name adds a new version"))
    file = CheckedFileField(label=_("Word template (.docx)"), kind=FileKind.DOCUMENT)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class DocumentForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=DocumentTemplate.objects.filter(is_active=True))
    title = forms.CharField(label=_("Title"), max_length=200)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(),
                                  required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2,
                                min_value=0, required=False)
    start_date = forms.DateField(label=_("Start date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, party=None, **kwargs):
        super().__init__(*args, **kwargs)
        if party is not None:
            self.fields["room"].queryset = Room.objects.filter(
                Q(ownerships__party=party) | Q(occupancies__party=party)).distinct()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned
