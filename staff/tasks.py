from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="staff.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired sessions (safe to run any number of times)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
