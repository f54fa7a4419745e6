"""Follow-ups (回访), complaint handling and the service-quality reports."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.pagination import keyset_page

from . import charts, followups, services
from .choices import Status, TicketType
from .forms import refuse_keeping_input
from .forms_followup import ComplaintForm, FollowUpForm, OwnerRatingForm, ReportPeriodForm
from .models import Ticket
from .selectors import ticket_get_for_user, ticket_list_for_user

DUE_SOON = timedelta(days=1)  # a follow-up due within a day is marked as due soon


def _complaint_panel(ticket: Ticket, now) -> dict:
    return {"reply_overdue": bool(ticket.reply_due and ticket.replied_at is None
                                  and ticket.reply_due < now)}


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    """What this part adds to the ticket page's context (all under ``followup``)."""
    user = request.user
    now = timezone.now()
    part: dict = {"required": services.follow_up_required(ticket), "now": now}
    if user.has_perm("service_tickets.view_followup"):
        part["history"] = list(ticket.follow_ups.select_related("recorded_by"))
    if ticket.status == Status.DONE and user.has_perm("service_tickets.add_followup"):
        part["form"] = FollowUpForm(initial={"version": ticket.version})
    if ticket.type == TicketType.COMPLAINT:
        part["complaint"] = _complaint_panel(ticket, now)
        if user.has_perm("service_tickets.change_ticket"):
            part["complaint_form"] = ComplaintForm(ticket=ticket)
    if ticket.status in followups.RATING_STATUSES and followups.may_record_owner_rating(
            ticket, user):
        part["rating_form"] = OwnerRatingForm(initial={"version": ticket.version,
                                                       "rating": ticket.owner_rating})
    return {"followup": part}


@require_http_methods(["GET", "POST"])
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a follow-up of a done ticket; its outcome closes or reopens the ticket."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("service_tickets.add_followup"):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None, initial={"version": ticket.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up = followups.follow_up_record(
                ticket_id=ticket.pk, by=request.user, method=data["method"],
                outcome=data["outcome"], overall=data["overall"], scores=form.scores(),
                comments=data["comments"], expected_version=data["version"])
        except ValidationError as exc:
            refuse_keeping_input(form, exc, ticket)
        else:
            messages.success(request, _("%(number)s: follow-up recorded (%(outcome)s).") % {
                "number": ticket.number, "outcome": follow_up.get_outcome_display()})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "service_tickets/followup/follow_up_form.html",
                  {"ticket": ticket, "form": form},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def complaint_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Update a complaint's handling: whom it is about, severity, finding, remedy, reply."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    if ticket.type != TicketType.COMPLAINT:
        raise Http404
    if not request.user.has_perm("service_tickets.change_ticket"):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(
                ticket_id=ticket.pk, by=request.user,
                expected_version=form.cleaned_data["version"],
                replied=form.cleaned_data.get("replied", False), **form.changes())
        except ValidationError as exc:
            refuse_keeping_input(form, exc, ticket)
        else:
            messages.success(request, _("%(number)s: complaint handling saved.") % {
                "number": ticket.number})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "service_tickets/followup/complaint_form.html", {
        "ticket": ticket, "form": form, "complaint": _complaint_panel(ticket, timezone.now())},
        status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def owner_rating(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner's own rating of the work, entered by the assignee or a dispatcher."""
    ticket = ticket_get_for_user(user=request.user, pk=pk)
    if not followups.may_record_owner_rating(ticket, request.user):
        raise PermissionDenied
    form = OwnerRatingForm(request.POST or None, initial={"version": ticket.version,
                                                          "rating": ticket.owner_rating})
    if request.method == "POST" and form.is_valid():
        try:
            followups.owner_rating_record(ticket_id=ticket.pk, by=request.user,
                                          rating=form.cleaned_data["rating"],
                                          expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            refuse_keeping_input(form, exc, ticket)
        else:
            messages.success(request, _("%(number)s: the owner's rating is recorded.") % {
                "number": ticket.number})
            return redirect("tickets:detail", pk=ticket.pk)
    return render(request, "service_tickets/followup/owner_rating_form.html",
                  {"ticket": ticket, "form": form}, status=400 if form.is_bound else 200)


@require_GET
def follow_ups_due(request: HttpRequest) -> HttpResponse:
    """Every done ticket awaiting its follow-up, soonest due first (the overdue at the top);
    complaints whose reply is late. Service staff see their territories only."""
    if not request.user.has_perm("service_tickets.view_ticket"):
        raise PermissionDenied
    now = timezone.now()
    scoped = ticket_list_for_user(user=request.user).select_related("category__parent", "room",
                                                                    "party")
    due = keyset_page(followups.awaiting_follow_up(scoped),
                      fields=["awaiting_due", "id"], cursor=request.GET.get("cursor"))
    replies = keyset_page(followups.replies_overdue(scoped, now=now),
                          fields=["reply_due", "id"], cursor=request.GET.get("rcursor"))
    return render(request, "service_tickets/followup/follow_ups_due.html", {
        "due": due, "replies": replies, "now": now, "soon": now + DUE_SOON,
        "cursor": request.GET.get("cursor", ""), "rcursor": request.GET.get("rcursor", "")})


def _month_links(start) -> dict:
    previous = (start - timedelta(days=1)).replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return {"previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}"}


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The month's service quality: first-time fixes, repeat complaints, satisfaction and
    the times to accept and resolve, all aggregated by the database."""
    user = request.user
    if not (user.has_perm("service_tickets.view_followup")
            and user.has_perm("service_tickets.view_all_tickets")):
        raise PermissionDenied
    period = ReportPeriodForm(request.GET or None)
    month = period.month_start()
    start, end = followups.month_bounds(month.year, month.month)
    report = followups.quality_report(start=start, end=end)
    counts = followups.daily_counts(Ticket.objects.all(), start=start, end=end)
    times = [{**row, "accept_text": followups.duration_text(row["accept"]),
              "resolve_text": followups.duration_text(row["resolve"])}
             for row in report.times_by_category]
    return render(request, "service_tickets/reports/service_report.html", {
        "period": period, "month": month, "report": report, "links": _month_links(month),
        "times_by_category": times,
        "accept_text": followups.duration_text(report.times["accept"]),
        "resolve_text": followups.duration_text(report.times["resolve"]),
        "first_time_rate": followups.percent_text(report.first_time_rate),
        "satisfied_share": followups.percent_text(report.satisfied_share),
        "unsatisfied_share": followups.percent_text(report.unsatisfied_share),
        "overall": followups.one_decimal(report.satisfaction["overall"]),
        "charts": {
            "daily": charts.daily_chart(
                chart_id="chart-daily", title=_("Tickets logged and closed per day"),
                counts=counts, days=charts.days_between(start.date(), end.date())),
            "dimensions": charts.dimensions_chart(report),
            "times": charts.times_chart(report.times_by_category),
        },
    }, status=400 if period.errors else 200)  # this month's report, and why


urlpatterns = [
    path("follow-ups/", follow_ups_due, name="follow_ups"),
    path("reports/", reports, name="reports"),
    path("<int:pk>/follow-up/", follow_up_record, name="follow_up_record"),
    path("<int:pk>/complaint/", complaint_update, name="complaint_update"),
    path("<int:pk>/owner-rating/", owner_rating, name="owner_rating"),
]
