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
from .selectors import in_scope
from .validators import party_clean

OWNER = "owner"


def limit_choices_to_scope(form: forms.Form, *, user) -> None:
    """Cut every choice of a party, room, estate or building in ``form`` to what ``user``
    may see (``selectors.in_scope``, the rule of the detail pages): an id from outside
    the user's patch is then "not one of the choices", a form error, never a name shown."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = in_scope(queryset, user=user)


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

    def clean_other_phones(self):
        return _lines(self.cleaned_data["other_phones"])

    def clean_plates(self):
        return _lines(self.cleaned_data["plates"])

    def clean(self):
        cleaned = super().clean()
        try:
            values = party_clean(
                kind=cleaned.get("kind") or PartyKind.PERSON,
                id_type=cleaned.get("id_type") or "",
                id_number=cleaned.get("id_number") or "", uscc=cleaned.get("uscc") or "",
                phones={"mobile": [cleaned.get("mobile") or ""],
                        "other_phones": cleaned.get("other_phones") or [],
                        "emergency_phone": [cleaned.get("emergency_phone") or ""]},
                plates={"plates": cleaned.get("plates") or []})
        except ValidationError as exc:
            self.add_error(None, exc)
            return cleaned
        cleaned["uscc"] = values.uscc
        if values.id_number:
            cleaned["id_number"], cleaned["id_type"] = values.id_number, values.id_type
        emergency = values.phones["emergency_phone"]
        cleaned["emergency_phone"] = emergency[0].display if emergency else ""
        self.phone_list = [p.display for p in values.phones["mobile"]
                           + values.phones["other_phones"]]
        self.plate_list = values.plates["plates"]
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

    def clean(self):
        cleaned = super().clean()
        try:
            values = party_clean(id_type=cleaned.get("id_type") or "",
                                 id_number=cleaned.get("id_number") or "",
                                 phones={"mobile": [cleaned.get("mobile") or ""]})
        except ValidationError as exc:
            self.add_error(None, exc)
            return cleaned
        cleaned["id_number"], cleaned["id_type"] = values.id_number, values.id_type
        mobile = values.phones["mobile"]
        cleaned["mobile"] = mobile[0].display if mobile else ""
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _prepare_filters(self, user=user)


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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _prepare_filters(self, user=user)


def _prepare_filters(form: forms.Form, *, user) -> None:
    """Bootstrap classes; the buildings of the chosen estate (choosing one re-submits);
    estates and buildings only of the user's patch."""
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select"
    form.fields["estate"].widget.attrs["class"] = "form-select js-autosubmit"
    estate = form.data.get("estate") if form.is_bound else None
    if estate and str(estate).isdigit():
        form.fields["building"].queryset = Building.objects.filter(
            estate_id=estate).select_related("estate")
    limit_choices_to_scope(form, user=user)
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
