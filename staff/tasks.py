from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="staff.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired sessions (safe to run any number of times)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="staff.send_password_reset_email", acks_late=True)
def send_password_reset_email(user_id: int, base_url: str) -> bool:
    """Send the reset link; a user who vanished or lost their e-mail gets nothing."""
    from .emails import password_reset_send
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    password_reset_send(user=user, base_url=base_url)
    return True
