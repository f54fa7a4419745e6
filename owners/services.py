"""Writes of the owners area. Each is atomic, audited and adds to the timeline."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from portal.stored_text import choice, message

from . import identity, selectors
from .choices import ActivityKind, IdType, MoveInState, OccupantRelation
from .models import Building, Occupancy, Ownership, Party, Phone, Room, Unit, Vehicle
from .pinyin import name_keys
from .timeline import activity_record
from .validators import Phone as PhoneNumber
from .validators import (
    birth_date_from_resident_id,
    mask_id_number,
    party_clean,
)

# --- Property structure -----------------------------------------------------------------

@transaction.atomic
def rooms_bulk_create(
    *,
    building: Building,
    units: Iterable[str],
    floor_from: int,
    floor_to: int,
    rooms_per_floor: int,
    by,
    gross_area: Decimal | None = None,
    use: str = "home",
) -> int:
    """Create a building's rooms from a pattern: room ``1201`` is floor 12, room 01.

    Rooms that already exist are left alone, so the pattern can be run again after adding
    floors. Returns how many rooms were created.
    """
    if floor_from > floor_to or floor_to - floor_from > 200:
        raise ValidationError(_("The floors must run upwards, 200 at most."))
    if not 1 <= rooms_per_floor <= 99:
        raise ValidationError(_("Between 1 and 99 rooms per floor."))
    unit_objs: list[Unit | None] = [
        Unit.objects.get_or_create(building=building, number=str(n).strip())[0]
        for n in units if str(n).strip()
    ] or [None]
    existing = set(Room.objects.filter(building=building).values_list("code", flat=True))
    new = []
    for unit in unit_objs:
        for floor in range(floor_from, floor_to + 1):
            if floor == 0:
                continue
            for index in range(1, rooms_per_floor + 1):
                prefix = f"B{-floor}" if floor < 0 else str(floor)
                number = f"{prefix}{index:02d}"
                code = Room.make_code(building.number, unit.number if unit else None, number)
                if code in existing:
                    continue
                new.append(Room(estate_id=building.estate_id, building=building, unit=unit,
                                number=number, code=code, floor=floor, gross_area=gross_area,
                                sort_key=Room.natural_key_for(code),
                                use=use))
    Room.objects.bulk_create(new, batch_size=1000)
    audit_record(actor=by, action="owners.rooms_bulk_created", target=building,
                 details={"created": len(new)})
    return len(new)


def room_prepare(room: Room) -> Room:
    """Fill the derived fields of a room before it is saved by a form."""
    room.estate_id = room.building.estate_id
    room.code = Room.make_code(room.building.number, room.unit.number if room.unit else None,
                               room.number)
    return room


# --- People -----------------------------------------------------------------------------

class PartyDuplicateError(ValidationError):
    """Creating this person would likely record someone already on record; the caller
    shows ``duplicates`` and creates only once the user confirms it is someone else."""

    def __init__(self, duplicates: list):
        super().__init__(
            _("This person may already be on record: check the people listed, or confirm "
              "that this is someone else."), code="likely_duplicate")
        self.duplicates = duplicates


def party_probe(*, name: str, phones: list[PhoneNumber], id_number: str = "",
                uscc: str = "") -> selectors.PersonProbe:
    """What the duplicate finder compares: the name, the phones, the ID's lookup hash and
    the USCC (all already normalised)."""
    return selectors.PersonProbe(
        name=name.strip(), e164s=tuple(dict.fromkeys(p.e164 for p in phones)), uscc=uscc,
        id_hash=identity.lookup_hash(id_number) if id_number else "")


def _apply_id(party: Party, id_type: str, id_number: str) -> None:
    if not id_number:
        party.id_type, party.id_encrypted, party.id_hash, party.id_masked = "", "", "", ""
        return
    party.id_type = id_type
    party.id_encrypted = identity.encrypt(id_number)
    party.id_hash = identity.lookup_hash(id_number)
    party.id_masked = mask_id_number(id_number)
    if id_type == IdType.RESIDENT_ID and not party.birthday:
        party.birthday = birth_date_from_resident_id(id_number)


def _apply_phones(party: Party, phones: list[PhoneNumber]) -> None:
    keep = set()
    for position, phone in enumerate(phones):
        obj, _ = Phone.objects.update_or_create(
            party=party, e164=phone.e164, extension=phone.extension,
            defaults={"kind": phone.kind, "display": phone.display, "tail": phone.tail,
                      "is_primary": position == 0})
        keep.add(obj.pk)
    party.phones.exclude(pk__in=keep).delete()


@transaction.atomic
def party_save(
    *,
    party: Party,
    by,
    phones: list[str] | None = None,
    id_number: str | None = None,
    id_type: str | None = None,
    plates: list[str] | None = None,
    confirm_duplicate: bool = False,
) -> Party:
    """Create or update a party; ``None`` leaves a part unchanged.

    Every identifier passes ``validators.party_clean`` (errors keyed by field), whichever
    path it came by. ``id_number`` is the clear number typed by the user; it is stored
    encrypted only. A new person who is likely someone on record (``party_duplicates``)
    raises ``PartyDuplicateError`` unless the user confirmed it is someone else.
    """
    creating = party.pk is None
    values = party_clean(kind=party.kind, id_type=id_type or "", id_number=id_number or "",
                         uscc=party.uscc, phones={"phones": phones or []},
                         plates={"plates": plates or []})
    party.uscc = values.uscc
    party.name = party.name.strip()
    party.name_pinyin, party.name_initials = name_keys(party.name)
    if creating and not confirm_duplicate:
        probe = party_probe(name=party.name, phones=values.phones["phones"],
                            id_number=values.id_number, uscc=values.uscc)
        [duplicates] = selectors.party_duplicates(user=by, probes=[probe])
        if duplicates:
            raise PartyDuplicateError(duplicates)
    if id_number is not None:
        _apply_id(party, values.id_type, values.id_number)
    if creating:
        party.created_by = by if getattr(by, "is_authenticated", False) else None
    party.save()
    if phones is not None:
        _apply_phones(party, values.phones["phones"])
    if plates is not None:
        keep = [Vehicle.objects.get_or_create(party=party, plate=plate)[0].pk
                for plate in values.plates["plates"]]
        party.vehicles.exclude(pk__in=keep).delete()
    audit_record(actor=by, action="owners.party_created" if creating else "owners.party_changed",
                 target=party)
    return party


def party_id_reveal(*, party: Party, by) -> str:
    """The full ID number, for a user holding ``owners.view_full_id``; the view is audited."""
    if not by.has_perm("owners.view_full_id"):
        raise PermissionError("owners.view_full_id required")
    if not party.id_encrypted:
        return ""
    audit_record(actor=by, action="owners.id_viewed", target=party)
    return identity.decrypt(party.id_encrypted)


# --- Ownership and occupancy ------------------------------------------------------------

@transaction.atomic
def ownership_add(*, room: Room, party: Party, by, share: Decimal = Decimal(100),
                  start_date: date | None = None,
                  move_in_state: str = MoveInState.MOVED_IN) -> Ownership:
    """Record that ``party`` owns ``room`` (a new owner or a co-owner)."""
    if Ownership.objects.filter(room=room, party=party).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())).exists():
        raise ValidationError(_("%(name)s is already an owner of this room.")
                              % {"name": party.name})
    ownership = Ownership.objects.create(room=room, party=party, share=share,
                                         start_date=start_date or timezone.localdate(),
                                         move_in_state=move_in_state)
    activity_record(party=party, room=room, kind=ActivityKind.HOUSEHOLD, actor=by,
                    title=message(gettext_noop("Became an owner of %(room)s"), room=room.code),
                    source="owners.ownership", source_id=str(ownership.pk))
    audit_record(actor=by, action="owners.ownership_added", target=ownership)
    return ownership


@transaction.atomic
def occupancy_add(*, room: Room, party: Party, relation: str, by,
                  relation_detail: str = "", start_date: date | None = None,
                  move_in_state: str = MoveInState.MOVED_IN) -> Occupancy:
    """Record that ``party`` lives in or uses ``room`` (tenant, family member, ...)."""
    if Occupancy.objects.filter(room=room, party=party).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())).exists():
        raise ValidationError(_("%(name)s is already recorded in this room.")
                              % {"name": party.name})
    occupancy = Occupancy.objects.create(
        room=room, party=party, relation=relation, relation_detail=relation_detail,
        start_date=start_date or timezone.localdate(), move_in_state=move_in_state)
    title = message(gettext_noop("%(name)s (%(relation)s) added to %(room)s"),
                    name=party.name, room=room.code,
                    relation=relation_detail or choice(OccupantRelation, relation))
    activity_record(party=party, room=room, kind=ActivityKind.HOUSEHOLD, actor=by,
                    title=title, source="owners.occupancy", source_id=str(occupancy.pk))
    for owner_id in room.ownerships.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate())
    ).exclude(party=party).values_list("party_id", flat=True):
        activity_record(party=party_id_only(owner_id), room=room, kind=ActivityKind.HOUSEHOLD,
                        actor=by, title=title, source="owners.occupancy.owner",
                        source_id=f"{occupancy.pk}:{owner_id}")
    audit_record(actor=by, action="owners.occupancy_added", target=occupancy)
    return occupancy


def party_id_only(pk: int) -> Party:
    # A reference for a foreign key without loading the row.
    return Party(pk=pk)


@transaction.atomic
def tenure_end(*, tenure: Ownership | Occupancy, by, end_date: date | None = None) -> None:
    """End an ownership or occupancy (sold, moved out); the record stays as history."""
    tenure.end_date = end_date or timezone.localdate()
    if tenure.start_date and tenure.end_date < tenure.start_date:
        raise ValidationError(_("The end date is before the start date."))
    tenure.move_in_state = MoveInState.MOVED_OUT
    tenure.save(update_fields=["end_date", "move_in_state", "updated_at"])
    activity_record(party=tenure.party, room=tenure.room, kind=ActivityKind.HOUSEHOLD,
                    actor=by, title=message(gettext_noop("%(name)s left %(room)s"),
                                            name=tenure.party.name, room=tenure.room.code),
                    source=f"owners.{tenure._meta.model_name}.end", source_id=str(tenure.pk))
    audit_record(actor=by, action=f"owners.{tenure._meta.model_name}_ended", target=tenure)


@transaction.atomic
def room_set_primary_contact(*, room: Room, party: Party | None, by) -> None:
    """The primary contact must be a current owner or occupant of the room."""
    if party is not None:
        today = timezone.localdate()
        current = Q(end_date__isnull=True) | Q(end_date__gte=today)
        linked = (room.ownerships.filter(current, party=party).exists()
                  or room.occupancies.filter(current, party=party).exists())
        if not linked:
            raise ValidationError(_("The primary contact must be a current owner or occupant "
                                    "of the room."))
    room.primary_contact = party
    room.save(update_fields=["primary_contact", "updated_at"])
    audit_record(actor=by, action="owners.room_contact_set", target=room)


@transaction.atomic
def note_add(*, by, kind: str, title: str, body: str = "", party: Party | None = None,
             room: Room | None = None):
    """The front desk records a visit, call, note or feedback on the timeline."""
    return activity_record(party=party, room=room, kind=kind, title=title, body=body,
                           actor=by)


@transaction.atomic
def party_set_contact(*, party: Party, contact: Party | None, by) -> None:
    """Name whom to call about ``party``'s matters (validated by the caller's choices)."""
    if contact is not None and contact.pk == party.pk:
        raise ValidationError(_("A person cannot be their own contact."))
    party.primary_contact = contact
    party.save(update_fields=["primary_contact", "updated_at"])
    audit_record(actor=by, action="owners.party_contact_set", target=party)


@transaction.atomic
def pet_add(*, party: Party, by, species: str, name: str = "", breed: str = "",
            vaccinated_on: date | None = None):
    from .models import Pet

    pet = Pet.objects.create(party=party, species=species, name=name, breed=breed,
                             vaccinated_on=vaccinated_on)
    audit_record(actor=by, action="owners.pet_added", target=pet)
    return pet


@transaction.atomic
def pet_remove(*, party: Party, pet_pk: int, by) -> bool:
    """Remove one of ``party``'s pets; False when the party has no such pet."""
    pet = party.pets.filter(pk=pet_pk).first()
    if pet is None:
        return False
    audit_record(actor=by, action="owners.pet_removed", target=pet)
    pet.delete()
    return True
