"""Writes about staff: language choice, password changes, demo accounts."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from audit.services import audit_record

from .models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Remember the user's language for every later session and device."""
    if user.language == language:
        return
    old = user.language
    user.language = language
    user.save(update_fields=["language", "updated_at"])
    audit_record(actor=user, action="staff.language_changed", target=user,
                 details={"from": old, "to": language})


@transaction.atomic
def user_change_password(*, request, user: User, new_password: str) -> None:
    """Set a new password and keep this session signed in; other sessions end."""
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    update_session_auth_hash(request, user)
    audit_record(actor=user, action="auth.password_changed", target=user)
