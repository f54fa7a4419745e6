"""Follow-ups (回访), complaint handling and the service-quality reports."""

from django.http import HttpRequest

from .models import Ticket


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    """What this part adds to the ticket page's context."""
    return {}


urlpatterns: list = []
