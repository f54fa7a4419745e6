from celery import shared_task


@shared_task(name="service_tickets.scan_escalations")
def scan_escalations() -> int:
    """Run every minute by the scheduler; safe to run any number of times. Also queues
    again the exports whose message was lost."""
    from .escalation import escalations_scan
    from .exports import exports_resume
    from .sla import due_times_resume

    exports_resume()
    due_times_resume()
    return escalations_scan()


@shared_task(name="service_tickets.send_escalation_email", acks_late=True)
def send_escalation_email(escalation_id: int) -> int:
    from .escalation import escalation_notify

    return escalation_notify(escalation_id=escalation_id)


@shared_task(name="service_tickets.send_escalation_emails", acks_late=True)
def send_escalation_emails(escalation_ids: list[int]) -> int:
    """Tell the people of each escalation a scan fired; each is claimed on its own, so a
    redelivered message (or a second one for the same escalation) tells nobody twice."""
    from .escalation import escalation_notify

    return sum(escalation_notify(escalation_id=pk) for pk in escalation_ids)


@shared_task(name="service_tickets.run_ticket_export", acks_late=True)
def run_ticket_export(user_id: int, query: str, token: str) -> bool:
    """Write one requested ticket export; a redelivered message does nothing."""
    from .exports import ticket_export_run

    return ticket_export_run(user_id=user_id, query=query, token=token)


@shared_task(name="service_tickets.recompute_due_times", acks_late=True)
def recompute_due_times(year: int) -> int:
    """Work the open tickets' due times out again once ``year``'s calendar is confirmed;
    running it twice changes nothing the second time."""
    from .sla import due_times_recompute

    return due_times_recompute(year=year)
