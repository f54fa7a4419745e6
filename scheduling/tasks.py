from celery import shared_task


@shared_task(name="scheduling.send_event_email", acks_late=True)
def send_event_email(kind: str, event_id: int, user_ids: list[int]) -> int:
    """E-mail the people an event was offered to, changed for or cancelled for; safe to
    run twice (see ``services.event_email_send``)."""
    from .services import event_email_send

    return event_email_send(kind=kind, event_id=event_id, user_ids=user_ids)


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
