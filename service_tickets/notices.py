"""Notices in force (停水通知…) and the calls the desk answers from them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import audit_record
from owners.models import Building
from owners.timeline import activity_record
from portal.stored_text import message

from .models import Notice, NoticeCall, Ticket

# The phases of a notice, in the order the notices page lists them.
IN_FORCE, UPCOMING, PAST = 0, 1, 2


def notices_for(*, estate_id, building_id=None, now=None) -> QuerySet[Notice]:
    """Notices in force for the estate, or for the building (and the whole estate)."""
    return (Notice.objects.in_force(now).concerning(estate_id=estate_id,
                                                     building_id=building_id)
            .select_related("estate")
            .prefetch_related(Prefetch("buildings", queryset=Building.objects.order_by("number")))
            .order_by("-starts_at", "-id"))


def notice_list(*, now=None, estate=None) -> QuerySet[Notice]:
    """Every notice with its ``phase`` (in force, upcoming, past) and the number of tickets
    linked to it, counted by the database; page it by ``phase, -starts_at, -id``."""
    now = now or timezone.now()
    tickets = (Ticket.objects.filter(notice=OuterRef("pk")).order_by()
               .values("notice").annotate(n=Count("id")).values("n"))
    qs = (Notice.objects.select_related("estate", "created_by")
          .prefetch_related(Prefetch("buildings", queryset=Building.objects.order_by("number")))
          .annotate(
              phase=Case(When(withdrawn_at__isnull=False, then=Value(PAST)),
                         When(ends_at__lte=now, then=Value(PAST)),
                         When(starts_at__gt=now, then=Value(UPCOMING)),
                         default=Value(IN_FORCE), output_field=IntegerField()),
              ticket_count=Coalesce(Subquery(tickets, output_field=IntegerField()), 0)))
    if estate is not None:
        qs = qs.filter(estate=estate)
    return qs


@transaction.atomic
def notice_create(*, by, kind: str, title: str, estate, starts_at, ends_at=None, body="",
                  buildings=()) -> Notice:
    """Post a notice for the estate, or for some of its buildings (none: the whole estate)."""
    if not by.has_perm("service_tickets.add_notice"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers post notices."))
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The notice must end after it starts.")})
    buildings = list(buildings)
    wrong = [b for b in buildings if b.estate_id != estate.pk]
    if wrong:
        raise ValidationError({"buildings": _("%(building)s is not in %(estate)s.")
                               % {"building": wrong[0], "estate": estate}})
    notice = Notice(kind=kind, title=title.strip(), body=body.strip(), estate=estate,
                    starts_at=starts_at, ends_at=ends_at, created_by=by)
    notice.full_clean()
    notice.save()
    notice.buildings.set(buildings)
    audit_record(actor=by, action="tickets.notice_created", target=notice,
                 details={"estate": estate.pk, "buildings": [b.pk for b in buildings]})
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, by) -> Notice:
    """Take a notice down before its end (the outage is over); harmless twice."""
    if not by.has_perm("service_tickets.change_notice"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers withdraw notices."))
    withdrawn = (Notice.objects.filter(pk=notice.pk, withdrawn_at__isnull=True)
                 .update(withdrawn_at=timezone.now(), updated_at=timezone.now()))
    notice.refresh_from_db(fields=["withdrawn_at", "updated_at"])
    if withdrawn:
        audit_record(actor=by, action="tickets.notice_withdrawn", target=notice)
    return notice


@transaction.atomic
def notice_call_record(*, notice: Notice, by, party=None, room=None) -> NoticeCall:
    """The desk answered a caller from the notice: counted on the notice and kept on the
    caller's timeline, with no ticket logged."""
    if not by.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied(_("Only the desk records calls."))
    if notice.withdrawn_at is not None:
        raise ValidationError(_("This notice has been withdrawn."))
    if room is not None and room.estate_id != notice.estate_id:
        raise ValidationError(_("%(room)s is not in the estate of this notice.")
                              % {"room": room})
    call = NoticeCall.objects.create(notice=notice, party=party, room=room, answered_by=by)
    Notice.objects.filter(pk=notice.pk).update(calls=F("calls") + 1)
    if party is not None or room is not None:
        activity_record(party=party, room=room, kind="call",
                        title=message(gettext_noop("Asked about the notice “%(title)s”"),
                                      title=notice.title),
                        actor=by, occurred_at=call.created_at,
                        source="service_tickets.noticecall", source_id=str(call.pk))
    return call


def concerns(notice: Notice, *, estate_id, building_id=None) -> bool:
    """Whether the notice is about the estate (and, when given, the building)."""
    if notice.estate_id != estate_id:
        return False
    if building_id is None:
        return True
    return Notice.objects.filter(pk=notice.pk).filter(
        Q(buildings__isnull=True) | Q(buildings=building_id)).exists()
