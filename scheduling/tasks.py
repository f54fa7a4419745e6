from celery import shared_task

MAIL_KINDS = {"invited", "changed", "cancelled"}


@shared_task(name="scheduling.send_event_email", acks_late=True)
def send_event_email(kind: str, event_id: int, user_ids: list[int]) -> int:
    """E-mail the people an event was offered to, changed for or cancelled for, each in
    their own language; returns the e-mails sent. Each (person, event, kind, version) is
    claimed once, so a redelivered message sends nothing twice."""
    from django.db import IntegrityError, transaction

    from staff.emails import send_templated
    from staff.models import User

    from .models import Event, ReminderSent
    from .services import event_url

    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown event e-mail {kind!r}")
    event = Event.objects.select_related("organizer").filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        key = f"event-mail:{kind}:{event.pk}:v{event.version}"
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=user, key=key[:120])
        except IntegrityError:
            continue  # already sent by an earlier delivery of this message
        send_templated(name=f"event-{kind}", to=[user.email], language=user.language,
                       context={"user": user, "event": event, "url": event_url(event.pk),
                                "organiser": event.organizer})
        sent += 1
    return sent


@shared_task(name="scheduling.scan_reminders")
def scan_reminders() -> int:
    """Run every minute by the scheduler; gives the reminders that are due, once each."""
    from .reminders import reminders_scan

    return reminders_scan()


@shared_task(name="scheduling.send_reminder_email", acks_late=True)
def send_reminder_email(reminder_id: int, kind: str, object_id: int, start: str) -> bool:
    """E-mail one given reminder; a redelivered message sends nothing."""
    from .reminders import reminder_email_send

    return reminder_email_send(reminder_id=reminder_id, kind=kind, object_id=object_id,
                               start=start)
