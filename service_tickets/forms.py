import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from owners.models import Estate, Party, Room
from portal import inputs
from portal.widgets import RemembersChosen, SearchSelect
from staff.models import Department

from . import notices
from .choices import OPEN_STATUSES, Priority, Severity, Source, Status, TicketType
from .models import Category, Notice, SavedFilter, Territory, Ticket
from .models.ticket import number_sequence
from .selectors import territory_list_for_user
from .services import ticket_type_error


def category_paths() -> dict[int, str]:
    """Every category's full name (水电维修 › 漏水), from one query whatever the depth."""
    rows = {pk: (parent, name) for pk, parent, name in
            Category.objects.order_by().values_list("id", "parent_id", "name")}
    paths: dict[int, str] = {}

    def path(pk: int) -> str:
        if pk not in paths:
            parent, name = rows[pk]
            paths[pk] = f"{path(parent)} › {name}" if parent in rows else name
        return paths[pk]

    for pk in rows:
        path(pk)
    return paths


class CategorySelect(forms.Select):
    """A select whose options carry their pinyin, so the desk can filter by typing
    ``ls`` or ``loushui`` as well as 漏水."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        from pypinyin import lazy_pinyin

        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        kind = getattr(getattr(value, "instance", None), "effective_ticket_type", "")
        if kind:
            # fast_entry.js sets the ticket's type from it (投诉 → complaint).
            option["attrs"]["data-ticket-type"] = kind
        if value:
            syllables = [s for s in (p.strip().lower() for p in lazy_pinyin(str(label)))
                         if s.isascii() and s.isalnum()]
            option["attrs"]["data-search"] = " ".join(
                [str(label).lower(), "".join(syllables), "".join(s[0] for s in syllables)])
        return option


class _CategoryIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        paths = self.field.paths
        rows = list(self.queryset)
        _mark_ticket_types(rows)
        for obj in sorted(rows, key=lambda c: paths.get(c.pk, c.name)):
            yield self.choice(obj)


def _mark_ticket_types(rows: list[Category]) -> None:
    """Set ``effective_ticket_type`` on each category: its own type, else the nearest
    ancestor's among ``rows`` (what ``services.category_ticket_type`` reads, without a
    query more)."""
    by_pk = {c.pk: c for c in rows}
    for category in rows:
        node, kind = category, ""
        while node is not None and not kind:
            kind = node.ticket_type
            node = by_pk.get(node.parent_id)
        category.effective_ticket_type = kind


class StaffChoiceField(RemembersChosen, forms.ModelChoiceField):
    """A colleague, picked by searching (the page holds only the one chosen)."""

    def label_from_instance(self, obj) -> str:
        return obj.name_with_department


class CategoryChoiceField(forms.ModelChoiceField):
    """Active categories by their full name, sorted so children follow their parent."""

    widget = CategorySelect
    iterator = _CategoryIterator

    @property
    def paths(self) -> dict[int, str]:
        if getattr(self, "_paths", None) is None:
            self._paths = category_paths()
        return self._paths

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._paths = None  # each form reads the tree afresh
        return result

    def label_from_instance(self, obj) -> str:
        return self.paths.get(obj.pk, obj.name)


class FastEntryForm(forms.Form):
    """One screen for the desk: who, where, what (the person and room come from lookup),
    for complaints whom it is about, and the notice in force it is linked to, if any."""

    party = forms.ModelChoiceField(queryset=Party.objects.all(), required=False,
                                   widget=forms.HiddenInput)
    room = forms.ModelChoiceField(queryset=Room.objects.select_related("estate"),
                                  required=False, widget=forms.HiddenInput)
    notice = forms.ModelChoiceField(queryset=Notice.objects.all(), required=False,
                                    widget=forms.HiddenInput)
    estate = forms.ModelChoiceField(label=_("Public area of estate"),
                                    queryset=Estate.objects.all(), required=False,
                                    help_text=_("Only when no room is concerned"))
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices,
                             initial=TicketType.REPAIR)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.PHONE)
    category = CategoryChoiceField(label=_("Category"),
                                   queryset=Category.objects.filter(is_active=True),
                                   widget=CategorySelect(attrs={"class": "form-select",
                                                                "size": 6}))
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("Category default")), *Priority.choices])
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(
        attrs={"rows": 3}), max_length=2000)
    complained_department = forms.ModelChoiceField(
        label=_("Department complained about"), required=False,
        queryset=Department.objects.all())
    complained_staff = StaffChoiceField(
        label=_("Staff member complained about"), required=False,
        queryset=get_user_model().objects.filter(is_active=True).select_related("department")
        .order_by("full_name", "id"),
        widget=SearchSelect(search_url="staff:picker",
                            placeholder=_("Type a colleague's name")))
    complained_other = forms.CharField(label=_("Other party complained about"),
                                       required=False, max_length=100,
                                       help_text=_("e.g. a contractor"))
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", "—"), *Severity.choices])

    COMPLAINT_FIELDS = ("complained_department", "complained_staff", "complained_other",
                        "severity")

    def clean(self):
        cleaned = super().clean()
        room, estate = cleaned.get("room"), cleaned.get("estate")
        if not room and not estate:
            raise forms.ValidationError(_("Pick the person's room, or the estate of a public "
                                          "area."))
        category, kind = cleaned.get("category"), cleaned.get("type")
        if category is not None and kind:
            mismatch = ticket_type_error(category, kind)
            if mismatch:
                self.add_error("type", mismatch)
        notice = cleaned.get("notice")
        if notice is not None:
            place = ({"estate_id": room.estate_id, "building_id": room.building_id} if room
                     else {"estate_id": estate.pk})
            in_force = Notice.objects.in_force().filter(pk=notice.pk).exists()
            if not in_force or not notices.concerns(notice, **place):
                self.add_error("notice", _("The notice “%(title)s” is not in force for this "
                                           "place.") % {"title": notice.title})
        return cleaned

    def complaint(self) -> dict | None:
        """Whom a complaint is about and how serious it is (None for other types)."""
        if self.cleaned_data.get("type") != TicketType.COMPLAINT:
            return None
        return {name: self.cleaned_data.get(name) for name in self.COMPLAINT_FIELDS}


class ActForm(forms.Form):
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=500)
    to = forms.ModelChoiceField(label=_("Dispatch to"), required=False,
                                queryset=get_user_model().objects.filter(is_active=True))
    version = forms.IntegerField(widget=forms.HiddenInput)


# The fields of the ticket list the dispatcher board also filters by.
BOARD_FILTERS = ("territory", "category", "priority", "assignee")
# A complete ticket number (GD20250102-0007): typing one jumps to the ticket.
TICKET_NUMBER_RE = re.compile(r"^GD\d{8}-\d{4,}$")
# The beginning of one: the date digits (year, month, day), then the day's sequence.
_NUMBER_PREFIX_RE = re.compile(r"^GD(\d{0,7}|\d{8}(?:-\d*)?)$")
# The day's sequence alone, as the owner reads it out (0042, 42, -0042): any day's.
_NUMBER_SEQUENCE_RE = re.compile(r"^-?(\d{1,5})$")


def ticket_number_query(text: str) -> str:
    """What was typed for a ticket number, written the one way the search reads it: the
    sequence alone (``-0042``), the number or its beginning (``GD20261127-0042``,
    ``GD202611``), or ``""`` when it is not a ticket number at all."""
    q = re.sub(r"\s+", "", text).upper()
    sequence = _NUMBER_SEQUENCE_RE.match(q)
    if sequence:
        return f"-{int(sequence.group(1)):04d}"
    if re.match(r"^\d{6}", q):
        q = "GD" + q  # the date part typed without the letters
    return q if _NUMBER_PREFIX_RE.match(q) else ""


def ticket_number_filter(qs, number: str):
    """``qs`` narrowed to the tickets ``number`` (from ``ticket_number_query``) names, each
    way through an index: the sequence part's expression index (with the list's order),
    the unique number, or a prefix bounded by the indexed ``created_at`` of its days."""
    if number.startswith("-"):
        return qs.filter(Exact(number_sequence(), number[1:]))
    if TICKET_NUMBER_RE.match(number):
        return qs.filter(number=number)
    qs = qs.filter(number__startswith=number)
    # A number carries the day it was logged: bound the search by created_at, which is
    # indexed, instead of reading every number (a day's margin for time zones).
    days = _logged_days(number[2:10])
    if days == ():
        return qs.none()
    if days:
        zone = timezone.get_current_timezone()
        start, end = (datetime.combine(d, time.min, tzinfo=zone) for d in days)
        qs = qs.filter(created_at__gte=start - timedelta(days=1),
                       created_at__lt=end + timedelta(days=1))
    return qs


def _service_staff():
    from staff.choices import ROLE_GROUP_NAMES, Role

    return (get_user_model().objects.filter(
        is_active=True, groups__name=ROLE_GROUP_NAMES[Role.SERVICE_STAFF])
        .only("id", "username", "full_name", "first_name", "last_name")
        .order_by("full_name", "id"))


def category_and_descendants(category: Category) -> list[int]:
    """The ids of ``category`` and every category under it (the tree is small: one read)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def _logged_days(digits: str) -> tuple[date, date] | tuple[()] | None:
    """The days (first, after last) a number starting with these date digits was logged on;
    ``()`` when no day can match, None when too few digits to tell."""
    try:
        if len(digits) >= 8:
            first = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
            return first, first + timedelta(days=1)
        if len(digits) >= 6:
            first = date(int(digits[:4]), int(digits[4:6]), 1)
            return first, (first + timedelta(days=31)).replace(day=1)
        if len(digits) >= 4:
            year = int(digits[:4])
            return date(year, 1, 1), date(year + 1, 1, 1)
    except (ValueError, OverflowError):
        return ()
    return None


ASSIGNEE_LIST_LIMIT = 60


class TicketFilterForm(forms.Form):
    """The filters of the ticket list (and, with ``board=True``, of the dispatcher board).

    ``apply`` narrows a queryset the user may already see; the list, the board and the
    export all use it, so a filter means the same everywhere.
    """

    q = forms.CharField(label=_("Number"), required=False, max_length=30,
                        widget=forms.TextInput(attrs={"placeholder": "GD20250102-0001"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All open")), ("all", _("All")),
                                        *Status.choices])
    territory = forms.ModelChoiceField(label=_("Territory"), required=False,
                                       empty_label=_("All"),
                                       queryset=Territory.objects.only("id", "name"))
    category = CategoryChoiceField(label=_("Category"), required=False, empty_label=_("All"),
                                   queryset=Category.objects.all(),
                                   help_text=_("Includes its sub-categories"))
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("All")), *Priority.choices])
    assignee = forms.ModelChoiceField(label=_("Assignee"), required=False, empty_label=_("All"),
                                      queryset=get_user_model().objects.none())
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("All")), *TicketType.choices])
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("All")), *Source.choices])
    created_from = inputs.DateField(label=_("Logged from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    created_to = inputs.DateField(label=_("Logged until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args, user, board: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territory_list_for_user(user=user).only(
            "id", "name")
        self.fields["assignee"].queryset = self._assignee_options()
        if board:
            for name in list(self.fields):
                if name not in BOARD_FILTERS:
                    del self.fields[name]

    def _assignee_options(self):
        """Every service staff member in a small company; in a large one, the staff of the
        chosen territory (a list of hundreds helps nobody and costs every page)."""
        staff = _service_staff()
        territory = str(self.data.get("territory", "")) if self.is_bound else ""
        if territory.isdigit():
            return staff.filter(territories=territory)
        if len(staff.values_list("pk", flat=True)[:ASSIGNEE_LIST_LIMIT + 1]) \
                <= ASSIGNEE_LIST_LIMIT:
            return staff
        self.fields["assignee"].help_text = _("Choose a territory to list its staff")
        chosen = str(self.data.get("assignee", "")) if self.is_bound else ""
        return staff.filter(pk=chosen) if chosen.isdigit() else staff.none()

    def load_choices(self) -> None:
        """Read each list of options once, in one plain query, before rendering (iterating
        a model choice field counts its rows, then reads them through a server-side
        cursor: four round trips for a list of ten)."""
        for field in self.fields.values():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            rows = list(field.queryset)
            iterator = field.iterator(field)
            if isinstance(iterator, _CategoryIterator):  # sorts by the full path itself
                iterator.queryset = rows
                field.choices = [choice for choice in iterator]
                continue
            blank = [("", field.empty_label)] if field.empty_label is not None else []
            field.choices = blank + [iterator.choice(row) for row in rows]

    def clean_q(self) -> str:
        typed = self.cleaned_data["q"]
        q = ticket_number_query(typed)
        if typed.strip() and not q:
            raise forms.ValidationError(
                _("Type a ticket number, its beginning or its last digits, e.g. "
                  "GD20250102-0001, GD202501 or 0001."), code="number")
        return q

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date is before the start date."))
        return cleaned

    def exact_number(self) -> str:
        """The complete ticket number typed in the search box, if one was."""
        q = getattr(self, "cleaned_data", {}).get("q") or ""
        return q if TICKET_NUMBER_RE.match(q) else ""

    def apply(self, qs, *, user, now, statuses=None):
        """``qs`` narrowed by the valid filters; ``statuses`` replaces the status filter
        (the board shows its own columns). An unbound form filters to the open tickets."""
        cleaned = getattr(self, "cleaned_data", {})
        status = cleaned.get("status")
        if statuses is not None:
            qs = qs.filter(status__in=statuses)
        elif status == "all":
            pass
        elif status:
            qs = qs.filter(status=status)
        else:
            qs = qs.filter(status__in=OPEN_STATUSES)
        if cleaned.get("category"):
            qs = qs.filter(category__in=category_and_descendants(cleaned["category"]))
        for name in ("territory", "priority", "assignee", "type", "source"):
            if cleaned.get(name):
                qs = qs.filter(**{name: cleaned[name]})
        if cleaned.get("mine"):
            qs = qs.filter(assignee=user)
        zone = timezone.get_current_timezone()
        if cleaned.get("created_from"):
            qs = qs.filter(created_at__gte=datetime.combine(cleaned["created_from"], time.min,
                                                            tzinfo=zone))
        if cleaned.get("created_to"):
            day_after = cleaned["created_to"] + timedelta(days=1)
            qs = qs.filter(created_at__lt=datetime.combine(day_after, time.min, tzinfo=zone))
        if cleaned.get("overdue"):
            qs = qs.filter(status__in=OPEN_STATUSES, held_since__isnull=True,
                           resolve_due__lt=now)
        if cleaned.get("q"):
            qs = ticket_number_filter(qs, cleaned["q"])
        return qs


class SavedFilterForm(forms.Form):
    """Save the filter in use under a name (unique per user and page)."""

    name = forms.CharField(label=_("Name of this filter"), max_length=40)

    def __init__(self, *args, owner, page: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner, self.page = owner, page

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the filter a name."))
        if SavedFilter.objects.filter(owner=self.owner, page=self.page, name=name).exists():
            raise self.duplicate_error(name)
        return name

    @staticmethod
    def duplicate_error(name: str) -> forms.ValidationError:
        return forms.ValidationError(_("You already have a filter named “%(name)s”."),
                                     params={"name": name}, code="duplicate")


def refuse_keeping_input(form, exc, ticket: Ticket) -> None:
    """Show why the service refused, keeping what the user typed; after a stale version the
    form carries the current one, so sending it again (having seen the message and the
    ticket as it is now) is a deliberate choice, not a silent overwrite."""
    form.add_error(None, list(exc.messages))
    current = Ticket.objects.filter(pk=ticket.pk).values_list("version", flat=True).first()
    if current is not None and str(form.data.get("version")) != str(current):
        form.data = form.data.copy()
        form.data["version"] = str(current)
