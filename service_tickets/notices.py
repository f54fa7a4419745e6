"""Notices in force (停水通知…) and the calls the desk answers from them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from owners.timeline import activity_record

from .models import Notice, NoticeCall


def notices_for(*, estate_id, building_id=None, now=None) -> QuerySet[Notice]:
    return (Notice.objects.in_force(now).concerning(estate_id=estate_id,
                                                     building_id=building_id)
            .order_by("-starts_at", "-id"))


@transaction.atomic
def notice_create(*, by, kind: str, title: str, estate, starts_at, ends_at=None, body="",
                  buildings=()) -> Notice:
    if not by.has_perm("service_tickets.add_notice"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers post notices."))
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(_("The notice must end after it starts."))
    wrong = [b for b in buildings if b.estate_id != estate.pk]
    if wrong:
        raise ValidationError(_("%(building)s is not in %(estate)s.")
                              % {"building": wrong[0], "estate": estate})
    notice = Notice(kind=kind, title=title.strip(), body=body.strip(), estate=estate,
                    starts_at=starts_at, ends_at=ends_at, created_by=by)
    notice.full_clean()
    notice.save()
    notice.buildings.set(buildings)
    return notice


def notice_withdraw(*, notice: Notice, by) -> Notice:
    if not by.has_perm("service_tickets.change_notice"):
        raise PermissionDenied(_("Only the desk, dispatchers and managers withdraw notices."))
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice.save(update_fields=["withdrawn_at", "updated_at"])
    return notice


@transaction.atomic
def notice_call_record(*, notice: Notice, by, party=None, room=None) -> NoticeCall:
    """The desk answered a caller from the notice: counted on the notice and kept on the
    caller's timeline, with no ticket logged."""
    if not by.has_perm("service_tickets.add_ticket"):
        raise PermissionDenied(_("Only the desk records calls."))
    call = NoticeCall.objects.create(notice=notice, party=party, room=room, answered_by=by)
    Notice.objects.filter(pk=notice.pk).update(calls=F("calls") + 1)
    if party is not None or room is not None:
        activity_record(party=party, room=room, kind="call",
                        title=_("Asked about the notice “%(title)s”") % {"title": notice.title},
                        actor=by, occurred_at=call.created_at,
                        source="service_tickets.noticecall", source_id=str(call.pk))
    return call
