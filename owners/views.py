from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.pagination import keyset_page

from . import panels, selectors, services
from .forms import (
    OWNER,
    PARTY_SORTS,
    ROOM_SORTS,
    HouseholdMemberForm,
    NoteForm,
    PartyFilterForm,
    PartyForm,
    PetForm,
    RoomFilterForm,
)
from .models import Party


def _with_classes(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control form-control-sm")
    return form


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@require_GET
def party_list(request: HttpRequest) -> HttpResponse:
    _require(request, "owners.view_party")
    filters = PartyFilterForm(request.GET or None, user=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.party_list_for_user(user=request.user, filters=_party_filters(cleaned))
    page = keyset_page(qs, fields=PARTY_SORTS.get(cleaned.get("sort") or "name"),
                       cursor=request.GET.get("cursor"), size=50)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "owners/party_list.html",
                  {"page": page, "filters": filters, "filter_query": query.urlencode()})


def _party_filters(cleaned: dict) -> dict:
    return {"estate": getattr(cleaned.get("estate"), "pk", None),
            "building": getattr(cleaned.get("building"), "pk", None),
            "role": cleaned.get("role"), "tag": getattr(cleaned.get("tag"), "pk", None),
            "kind": cleaned.get("kind")}


@require_GET
def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The front desk's console for one person: rooms, household, contacts, timeline."""
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    current, past = selectors.party_rooms(party=party)
    household = {t.party_id: t.party for link in current for _role, t in link.household}
    return render(request, "owners/party_detail.html", {
        "party": party,
        "household_people": list(household.values()),
        "current_rooms": current,
        "past_rooms": past,
        "activities": selectors.timeline(user=request.user, party=party),
        "documents": selectors.party_documents(party=party, user=request.user),
        "panels": panels.panels_for(party, request.user),
        "note_form": NoteForm(),
        "pet_form": _with_classes(PetForm()),
        "household_form": HouseholdMemberForm(),
        "can_edit": request.user.has_perm("owners.change_party"),
        "can_add_household": request.user.has_perm("owners.add_occupancy"),
        "can_reveal_id": request.user.has_perm("owners.view_full_id"),
    })


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        _require(request, "owners.add_party")
        party = Party()
    else:
        _require(request, "owners.change_party")
        party = selectors.party_get_for_user(user=request.user, pk=pk)
    duplicates = []
    with transaction.atomic():
        form = PartyForm(request.POST or None, instance=party)
        if request.method == "POST" and form.is_valid():
            saved = form.save(commit=False)
            try:
                services.party_save(
                    party=saved, by=request.user, phones=form.phone_list,
                    id_number=form.cleaned_data.get("id_number") or None,
                    id_type=form.cleaned_data.get("id_type"), plates=form.plate_list,
                    confirm_duplicate=request.POST.get("confirm_duplicate") == "1")
            except services.PartyDuplicateError as exc:
                duplicates = exc.duplicates
            else:
                form.save_m2m()
                messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
                return redirect("owners:party_detail", pk=saved.pk)
    return render(request, "owners/party_form.html",
                  {"form": form, "party": party, "duplicates": duplicates})


@require_POST
def party_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number to a permitted user, once, and audit it."""
    _require(request, "owners.view_full_id")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    number = services.party_id_reveal(party=party, by=request.user)
    return render(request, "owners/partials/full_id.html", {"number": number})


@require_POST
def party_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "owners.add_activity")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(by=request.user, party=party, **form.cleaned_data)
        messages.success(request, _("Added to the timeline."))
    else:
        messages.error(request, _("The note was not saved: %(errors)s") % {
            "errors": " ".join(e for errs in form.errors.values() for e in errs)})
    return redirect(reverse("owners:party_detail", args=[party.pk]) + "#timeline")


@require_POST
def household_add(request: HttpRequest, room_pk: int) -> HttpResponse:
    """Add a family member, tenant or other occupant to a room from the owner page."""
    _require(request, "owners.add_occupancy")
    room = selectors.room_get_for_user(user=request.user, pk=room_pk)
    form = HouseholdMemberForm(request.POST)
    if request.POST.get("relation") == OWNER:
        _require(request, "owners.add_ownership")
    back = request.POST.get("back") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("owners:room_detail", args=[room.pk])
    duplicates = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if request.POST.get("existing"):
                    # The desk chose the person on record the duplicate warning showed.
                    person = selectors.party_get_for_user(user=request.user,
                                                          pk=request.POST["existing"])
                else:
                    person = services.party_save(
                        party=Party(name=data["name"], gender=data.get("gender") or ""),
                        by=request.user, phones=[data["mobile"]] if data["mobile"] else [],
                        id_number=data.get("id_number") or None, id_type=data.get("id_type"),
                        confirm_duplicate=request.POST.get("confirm_duplicate") == "1")
                if data["relation"] == OWNER:
                    services.ownership_add(room=room, party=person, by=request.user,
                                           move_in_state=data["move_in_state"])
                else:
                    services.occupancy_add(room=room, party=person, relation=data["relation"],
                                           relation_detail=data["relation_detail"],
                                           move_in_state=data["move_in_state"],
                                           by=request.user)
        except services.PartyDuplicateError as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("%(name)s added to %(room)s.") % {
                "name": person.name, "room": room.code})
            return redirect(back)
    return render(request, "owners/household_form.html",
                  {"form": form, "room": room, "back": back, "duplicates": duplicates},
                  status=200 if duplicates else 400)


@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    _require(request, "owners.view_room")
    filters = RoomFilterForm(request.GET or None, user=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.room_list_for_user(user=request.user, filters={
        "estate": getattr(cleaned.get("estate"), "pk", None),
        "building": getattr(cleaned.get("building"), "pk", None),
        "use": cleaned.get("use"), "status": cleaned.get("status"),
        "occupancy": cleaned.get("occupancy")})
    page = keyset_page(qs, fields=ROOM_SORTS.get(cleaned.get("sort") or "room"),
                       cursor=request.GET.get("cursor"), size=50)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "owners/room_list.html", {
        "page": page, "filters": filters, "filter_query": query.urlencode()})


@require_GET
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_get_for_user(user=request.user, pk=pk)
    current, past = selectors.room_people(room=room)
    return render(request, "owners/room_detail.html", {
        "room": room, "current": current, "past": past,
        "activities": selectors.timeline(user=request.user, room=room),
        "household_form": HouseholdMemberForm(),
        "can_add_household": request.user.has_perm("owners.add_occupancy"),
    })


# --- Import and export ------------------------------------------------------------------

@require_GET
def party_export(request: HttpRequest) -> HttpResponse:
    """Export the filtered owner list (IDs masked unless permitted), written in the background."""
    _require(request, "owners.export_party")
    from .exports import list_export_request

    filters = PartyFilterForm(request.GET or None, user=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    list_export_request(user=request.user, kind="parties", filters=_party_filters(cleaned))
    messages.info(request, _("The export is being prepared; it appears below when ready."))
    return redirect("owners:export_list")


@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    """The user's own exports; the list refreshes itself while one is being written."""
    _require(request, "owners.export_party")
    from .models import ListExport

    exports = list(ListExport.objects.filter(user=request.user).select_related("file")[:20])
    busy = any(e.status in (ListExport.Status.PENDING, ListExport.Status.RUNNING)
               for e in exports)
    template = "owners/partials/export_rows.html" if request.headers.get("HX-Request") \
        else "owners/export_list.html"
    return render(request, template, {"exports": exports, "busy": busy})


@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    _require(request, "owners.add_party")
    from .imports import template_workbook

    response = HttpResponse(template_workbook(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("roster-template.xlsx"))
    return response


@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload → check every row → confirm (all rows, or skipping the bad ones)."""
    _require(request, "owners.add_party")
    _require(request, "owners.add_room")
    from uploads.choices import FileKind
    from uploads.selectors import stored_file_get_for_user
    from uploads.services import stored_file_create

    from .imports import roster_apply, roster_check

    context: dict = {}
    if request.method == "POST" and request.FILES.get("roster"):
        try:
            stored = stored_file_create(upload=request.FILES["roster"],
                                        kind=FileKind.SPREADSHEET, by=request.user)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            with stored.file.open("rb") as handle:
                check = roster_check(handle.read(), user=request.user)
            context.update(check=check, stored=stored)
    elif request.method == "POST" and request.POST.get("stored"):
        stored = stored_file_get_for_user(user=request.user, pk=request.POST["stored"])
        with stored.file.open("rb") as handle:
            check = roster_check(handle.read(), user=request.user)
        try:
            counts = roster_apply(
                check=check, by=request.user,
                skip_bad_rows=request.POST.get("skip_bad_rows") == "1",
                confirm_duplicates=request.POST.get("confirm_duplicates") == "1")
        except ValidationError as exc:
            context.update(check=check, stored=stored, error=" ".join(exc.messages))
        else:
            messages.success(request, _(
                "Imported: %(links)s people linked to rooms, %(people)s new people, %(rooms)s "
                "new rooms; %(unchanged)s rows were already on record, %(skipped)s skipped.")
                % counts)
            return redirect("owners:party_list")
    elif request.method == "POST":
        context["error"] = _("Choose the roster file to upload.")
    return render(request, "owners/roster_import.html", context,
                  status=400 if context.get("error") else 200)


# --- Proposals and contracts ------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    """Managers upload Word templates; each upload under a known name is a new version."""
    _require(request, "owners.view_documenttemplate")
    from .documents import PLACEHOLDERS, template_upload
    from .forms import TemplateUploadForm
    from .models import DocumentTemplate

    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require(request, "owners.add_documenttemplate")
        if form.is_valid():
            try:
                template = template_upload(
                    kind=form.cleaned_data["kind"], name=form.cleaned_data["name"],
                    upload=form.cleaned_data["file"], by=request.user,
                    notes=form.cleaned_data["notes"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("Template %(name)s saved.") % {"name": template})
                return redirect("owners:template_list")
    templates = DocumentTemplate.objects.select_related("uploaded_by", "file")
    return render(request, "owners/template_list.html", {
        "form": form, "templates": templates, "placeholders": PLACEHOLDERS},
        status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate a proposal or contract for an owner; the file is kept on their record."""
    _require(request, "owners.add_servicedocument")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    from .documents import document_generate
    from .forms import DocumentForm

    form = DocumentForm(request.POST or None, party=party)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_generate(party=party, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(number)s created.") % {"number": document.number})
            return redirect(reverse("owners:party_detail", args=[party.pk]) + "#documents")
    return render(request, "owners/document_form.html", {"form": form, "party": party},
                  status=400 if form.errors else 200)


@require_POST
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "owners.change_servicedocument")
    from .documents import document_set_status
    from .models import ServiceDocument

    document = ServiceDocument.objects.filter(pk=pk).select_related("party").first()
    if document is None:
        raise Http404
    # The owner's page decides: a document of someone outside the user's patch is unknown.
    selectors.party_get_for_user(user=request.user, pk=document.party_id)
    status = request.POST.get("status")
    if status in ServiceDocument.Status.values:
        document_set_status(document=document, status=status, by=request.user)
        messages.success(request, _("Status of %(number)s: %(status)s.") % {
            "number": document.number, "status": document.get_status_display()})
    return redirect(reverse("owners:party_detail", args=[document.party_id]) + "#documents")


# --- Structure, contacts, committees ----------------------------------------------------

@require_http_methods(["GET", "POST"])
def rooms_generate(request: HttpRequest) -> HttpResponse:
    """Managers create a building's rooms from a pattern instead of typing 600 rooms."""
    _require(request, "owners.add_room")
    from .forms import RoomPatternForm

    form = RoomPatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.rooms_bulk_create(
                building=data["building"], units=data["unit_list"],
                floor_from=data["floor_from"], floor_to=data["floor_to"],
                rooms_per_floor=data["rooms_per_floor"], gross_area=data["gross_area"],
                use=data["use"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(n)s rooms created in %(building)s.") % {
                "n": created, "building": data["building"]})
            return redirect(reverse("owners:room_list") + f"?building={data['building'].pk}"
                            f"&estate={data['building'].estate_id}")
    return render(request, "owners/rooms_generate.html", {"form": form},
                  status=400 if form.errors else 200)


@require_POST
def room_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the room's primary contact among its current owners and occupants."""
    _require(request, "owners.change_room")
    room = selectors.room_get_for_user(user=request.user, pk=pk)
    from .forms import ContactForm

    current, _past = selectors.room_people(room=room)
    form = ContactForm(request.POST, choices=Party.objects.filter(
        pk__in=[t.party_id for t in current]))
    if form.is_valid():
        services.room_set_primary_contact(room=room, party=form.cleaned_data["contact"],
                                          by=request.user)
        messages.success(request, _("Primary contact saved."))
    else:
        messages.error(request, _("Choose one of the people of this room."))
    return redirect("owners:room_detail", pk=room.pk)


@require_POST
def party_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Whom to call about an owner's matters: someone of the same household."""
    _require(request, "owners.change_party")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    from .forms import ContactForm

    current, _past = selectors.party_rooms(party=party)
    household = {t.party_id for link in current for _role, t in link.household}
    form = ContactForm(request.POST, choices=Party.objects.filter(pk__in=household))
    if form.is_valid():
        services.party_set_contact(party=party, contact=form.cleaned_data["contact"],
                                   by=request.user)
        messages.success(request, _("Primary contact saved."))
    else:
        messages.error(request, _("Choose one of the people of this household."))
    return redirect("owners:party_detail", pk=party.pk)


@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    """Owners' committees of every estate with their members and latest meetings."""
    _require(request, "owners.view_committee")
    from django.db.models import Prefetch

    from .models import Committee, CommitteeMeeting

    committees = Committee.objects.select_related("estate").prefetch_related(
        "members__party",
        Prefetch("meetings", queryset=CommitteeMeeting.objects.order_by("-held_on")))
    return render(request, "owners/committee_list.html", {"committees": committees})


@require_POST
def tenure_end(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Record that an owner sold or an occupant moved out; the record stays as history."""
    from .forms import TenureEndForm
    from .models import Occupancy, Ownership

    model = {"ownership": Ownership, "occupancy": Occupancy}.get(kind)
    if model is None:
        raise Http404
    _require(request, f"owners.change_{kind}")
    tenure = model.objects.select_related("party", "room").filter(pk=pk).first()
    if tenure is None:
        raise Http404
    selectors.room_get_for_user(user=request.user, pk=tenure.room_id)
    form = TenureEndForm(request.POST)
    if form.is_valid():
        try:
            services.tenure_end(tenure=tenure, by=request.user,
                                end_date=form.cleaned_data["end_date"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s left %(room)s") % {
                "name": tenure.party.name, "room": tenure.room.code})
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("owners:room_detail", pk=tenure.room_id)


@require_POST
def pet_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "owners.add_pet")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    from .forms import PetForm

    form = PetForm(request.POST)
    if form.is_valid():
        services.pet_add(party=party, by=request.user, **form.cleaned_data)
        messages.success(request, _("Pet added."))
    else:
        messages.error(request, _("The pet was not saved: %(errors)s") % {
            "errors": " ".join(e for errs in form.errors.values() for e in errs)})
    return redirect("owners:party_detail", pk=party.pk)


@require_POST
def pet_remove(request: HttpRequest, pk: int, pet_pk: int) -> HttpResponse:
    _require(request, "owners.delete_pet")
    party = selectors.party_get_for_user(user=request.user, pk=pk)
    if not services.pet_remove(party=party, pet_pk=pet_pk, by=request.user):
        raise Http404
    return redirect("owners:party_detail", pk=party.pk)


@require_GET
def room_export(request: HttpRequest) -> HttpResponse:
    _require(request, "owners.export_party")
    from .exports import list_export_request

    filters = RoomFilterForm(request.GET or None, user=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    list_export_request(user=request.user, kind="rooms", filters={
        "estate": getattr(cleaned.get("estate"), "pk", None),
        "building": getattr(cleaned.get("building"), "pk", None),
        "use": cleaned.get("use"), "status": cleaned.get("status"),
        "occupancy": cleaned.get("occupancy")})
    messages.info(request, _("The export is being prepared; it appears below when ready."))
    return redirect("owners:export_list")
