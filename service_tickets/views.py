from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import services, views_followup, views_work
from .choices import Action, Status
from .followups import duration_text
from .forms import ActForm
from .models import Ticket
from .selectors import ticket_actions_for, ticket_get_for_user
from .transitions import NEEDS_REASON


def _stages(ticket: Ticket, events) -> list[dict]:
    """Time spent in each stage, from the events (the last stage runs until now)."""
    changes = [e for e in events if e.to_status]
    stages = []
    for index, event in enumerate(changes):
        end = changes[index + 1].created_at if index + 1 < len(changes) else None
        duration = (end or timezone.now()) - event.created_at
        stages.append({"status": Status(event.to_status).label, "since": event.created_at,
                       "duration": duration, "duration_text": duration_text(duration),
                       "current": end is None})
    return stages


@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket with its stage report, SLA clocks, history and the actions open to the user."""
    return _detail_page(request, ticket_get_for_user(user=request.user, pk=pk))


def _detail_page(request: HttpRequest, ticket: Ticket, *, failed: dict | None = None,
                 status: int = 200) -> HttpResponse:
    """The ticket page; ``failed`` (action, note) keeps what was typed for a refused action."""
    events = list(ticket.events.select_related("actor"))
    now = timezone.now()
    clocks = []
    for label, due, met in [(_("Accept"), ticket.accept_due, ticket.accepted_at),
                            (_("Respond"), ticket.respond_due, ticket.responded_at),
                            (_("Resolve"), ticket.resolve_due, ticket.resolved_at)]:
        if due:
            clocks.append({"label": label, "due": due, "met": met,
                           "late": (met or now) > due and not ticket.held_since})
    work = views_work.detail_context(request, ticket)
    actions = ticket_actions_for(ticket=ticket, user=request.user,
                                 helper_ids=work["work"]["helper_ids"])
    return render(request, "service_tickets/ticket_detail.html", {
        **views_followup.detail_context(request, ticket),
        **work,
        "ticket": ticket, "events": events, "stages": _stages(ticket, events),
        "clocks": clocks, "actions": [(a, Action(a).label, a in NEEDS_REASON)
                                      for a in actions],
        "at_risk": ticket.is_at_risk(now), "breached": ticket.is_breached(now),
        "failed": failed or {},
    }, status=status)


# What the desk reads after each action: what now holds, not "<action> done".
_ACTION_DONE = {
    Action.DISPATCH: gettext_lazy("%(number)s dispatched to %(name)s."),
    Action.GRAB: gettext_lazy("You took %(number)s from the pool."),
    Action.ACCEPT: gettext_lazy("%(number)s accepted."),
    Action.DECLINE: gettext_lazy("%(number)s declined: it goes back for dispatch."),
    Action.START: gettext_lazy("%(number)s: work started."),
    Action.HOLD: gettext_lazy("%(number)s put on hold."),
    Action.RESUME: gettext_lazy("%(number)s: work resumed."),
    Action.COMPLETE: gettext_lazy("%(number)s completed."),
    Action.CLOSE: gettext_lazy("%(number)s closed."),
    Action.REOPEN: gettext_lazy("%(number)s reopened for rework."),
    Action.CANCEL: gettext_lazy("%(number)s cancelled."),
}


def action_done_message(ticket: Ticket, action: str) -> str:
    """The confirmation shown once ``action`` has moved ``ticket``."""
    assignee = ticket.assignee.display_name if ticket.assignee_id else ""
    return _ACTION_DONE[action] % {"number": ticket.number, "name": assignee}


@require_POST
def ticket_act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    if action not in Action.values:
        raise Http404
    form = ActForm(request.POST)
    # A refused action shows the page again with the reason as typed, never losing it.
    failed = {"action": action, "note": request.POST.get("note", "")[:500]}
    if not form.is_valid():
        messages.error(request, _("The action was not sent: %(errors)s") % {
            "errors": " ".join(e for errs in form.errors.values() for e in errs)})
        return _detail_page(request, ticket, failed=failed, status=400)
    try:
        ticket = services.ticket_act(ticket_id=ticket.pk, action=action, by=request.user,
                                     note=form.cleaned_data["note"], to=form.cleaned_data["to"],
                                     expected_version=form.cleaned_data["version"])
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        # Read again: the refusal may be that someone else moved the ticket meanwhile.
        return _detail_page(request, ticket_get_for_user(user=request.user, pk=pk),
                            failed=failed,
                            status=403 if isinstance(exc, PermissionDenied) else 409)
    else:
        messages.success(request, action_done_message(ticket, action))
    return redirect("tickets:detail", pk=ticket.pk)
