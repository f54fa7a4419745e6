"""E-mails to staff, each rendered from a subject / text / HTML template triplet."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import User


def send_templated(*, name: str, to: list[str], context: dict, language: str) -> None:
    context = {"product_name": settings.PRODUCT_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}-subject.txt", context).strip()
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def password_reset_send(*, user: User, base_url: str) -> None:
    """E-mail ``user`` a one-time link to choose a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url.rstrip("/") + reverse("staff:password_reset_confirm",
                                          kwargs={"uidb64": uid, "token": token})
    send_templated(
        name="password-reset",
        to=[user.email],
        context={"user": user, "link": link, "base_url": base_url},
        language=user.language,
    )
