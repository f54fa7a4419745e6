"""Work on a ticket beyond its state: dispatch suggestions, chasing, escalation by hand,
helpers and watchers, materials, labour, photos; notices; event search; territories."""

from django.http import HttpRequest

from .models import Ticket


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    """What this part adds to the ticket page's context."""
    return {}


urlpatterns: list = []
