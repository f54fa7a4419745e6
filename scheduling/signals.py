"""Saved or deleted events, answers and changed occurrences drop the cached calendars of
the people concerned (``calendar_cache``), whichever way they were written: services,
admin or shell. Rows written in bulk (``bulk_create``, ``update``) send no signals; the
services that write them tell ``calendar_cache`` themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar_cache
from .models import Attendance, Event, EventException


def _people_of(event_id: int, organizer_id: int | None) -> list[int]:
    return [organizer_id, *Attendance.objects.filter(event_id=event_id)
            .values_list("user_id", flat=True)]


@receiver(post_save, sender=Event, dispatch_uid="scheduling.calendar_event_saved")
@receiver(post_delete, sender=Event, dispatch_uid="scheduling.calendar_event_deleted")
def _event_changed(sender, instance, **kwargs):
    calendar_cache.forget(_people_of(instance.pk, instance.organizer_id))


@receiver(post_save, sender=Attendance, dispatch_uid="scheduling.calendar_answer_saved")
@receiver(post_delete, sender=Attendance, dispatch_uid="scheduling.calendar_answer_deleted")
def _attendance_changed(sender, instance, **kwargs):
    calendar_cache.forget([instance.user_id])


@receiver(post_save, sender=EventException,
          dispatch_uid="scheduling.calendar_occurrence_saved")
@receiver(post_delete, sender=EventException,
          dispatch_uid="scheduling.calendar_occurrence_deleted")
def _occurrence_changed(sender, instance, **kwargs):
    organizer = Event.objects.filter(pk=instance.event_id).values_list(
        "organizer_id", flat=True).first()
    calendar_cache.forget(_people_of(instance.event_id, organizer))
