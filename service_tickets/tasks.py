from celery import shared_task


@shared_task(name="service_tickets.scan_escalations")
def scan_escalations() -> int:
    """Run every minute by the scheduler; safe to run any number of times."""
    from .escalation import escalations_scan

    return escalations_scan()


@shared_task(name="service_tickets.send_escalation_email", acks_late=True)
def send_escalation_email(escalation_id: int) -> int:
    from .escalation import escalation_notify

    return escalation_notify(escalation_id=escalation_id)
