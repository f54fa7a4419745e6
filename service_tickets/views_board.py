"""The dispatcher board, "my tickets", the ticket list (with saved filters) and its export."""

from datetime import UTC, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Prefetch, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.pagination import KeysetPage, keyset_page

from .choices import OPEN_STATUSES, Status
from .forms import BOARD_FILTERS, SavedFilterForm, TicketFilterForm
from .models import SavedFilter, Ticket
from .rows import row_values, ticket_rows
from .selectors import ticket_list_for_user

# The board's columns, in the order a ticket usually moves through them.
BOARD_COLUMNS = [Status.NEW, Status.REOPENED, Status.DISPATCHED, Status.ACCEPTED,
                 Status.IN_PROGRESS, Status.ON_HOLD, Status.DONE]
CARDS_PER_COLUMN = 12
# A column counts its tickets up to this many and then shows "999+": counting a backlog of
# tens of thousands on every refresh costs more than the rest of the board.
COUNT_CAP = 999
MY_PAGE_SIZE = 20
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
# Joined: few, small tables. The room and the person are read by primary key in one query
# each instead: every join more costs the planner milliseconds on every list query.
_CARD_RELATED = ("category__parent", "estate", "assignee")
_CARD_PREFETCH = ("room", "party")


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _query_without(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _clean_query(query: str, *, page: str) -> str:
    """Only the filter fields of ``page``, re-encoded: what a saved filter may hold."""
    allowed = BOARD_FILTERS if page == SavedFilter.Page.BOARD else \
        tuple(TicketFilterForm.base_fields)
    params = QueryDict(query, mutable=True)
    kept = QueryDict(mutable=True)
    for name in allowed:
        values = [v for v in params.getlist(name) if v]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def _saved_context(request: HttpRequest, page: str, save_form=None) -> dict:
    user = request.user
    return {
        "saved_filters": list(SavedFilter.objects.filter(owner=user, page=page)
                              .only("id", "name", "query")),
        "save_form": save_form or SavedFilterForm(owner=user, page=page),
        "saved_url": _page_url(page, ""),
        "can_save_filter": user.has_perm("service_tickets.add_savedfilter"),
        "can_delete_filter": user.has_perm("service_tickets.delete_savedfilter"),
    }


# --- The ticket list -----------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def ticket_list(request: HttpRequest) -> HttpResponse:
    """The filtered, keyset-paged list of the tickets the user may see; a POST saves the
    filter in use (the page's query string) under a name."""
    _require(request, "service_tickets.view_ticket")
    if request.method == "POST":
        return _save_filter(request, SavedFilter.Page.LIST, _list_page)
    return _list_page(request, request.GET)


def _list_page(request: HttpRequest, params: QueryDict, *, save_form=None,
               status: int = 200) -> HttpResponse:
    filters = TicketFilterForm(params or None, user=request.user)
    now = timezone.now()
    visible = ticket_list_for_user(user=request.user)
    page = KeysetPage(items=[], next_cursor=None, previous_cursor=None)
    if not filters.is_bound or filters.is_valid():
        number = filters.exact_number() if filters.is_bound else ""
        if number and save_form is None:
            found = visible.filter(number=number).values_list("pk", flat=True).first()
            if found:
                return redirect("tickets:detail", pk=found)
        qs = filters.apply(visible, user=request.user, now=now)
        page = keyset_page(row_values(qs), fields=["-created_at", "-id"],
                           cursor=params.get("cursor"))
        page.items = ticket_rows(page.items, now=now,
                                 paths=filters.fields["category"].paths)
    query = _query_without(params, "cursor")
    filters.load_choices()
    return render(request, "service_tickets/ticket_list.html", {
        "page": page, "filters": filters, "filter_query": query, "now": now,
        **_saved_context(request, SavedFilter.Page.LIST, save_form),
    }, status=status)


# --- The dispatcher board ------------------------------------------------------------------

def _most_urgent(qs) -> list[dict]:
    """The values (``rows.VALUES``) of each board column's most urgent tickets in ``qs``:
    at most ``CARDS_PER_COLUMN`` a column, soonest resolution due first (tickets without a
    due time last). On PostgreSQL one statement walks the (status, resolve_due, id) index
    once per column (a lateral join over the columns' states); elsewhere (SQLite, the
    embedded set-up) one bounded query per column."""
    order = (F("resolve_due").asc(nulls_last=True), "id")
    if connection.vendor != "postgresql":
        ids = [pk for status in BOARD_COLUMNS for pk in qs.filter(status=status).order_by(
            *order).values_list("id", flat=True)[:CARDS_PER_COLUMN]]
        return list(row_values(Ticket.objects.filter(pk__in=ids)))
    column = row_values(qs.filter(status=RawSQL("board_column.status", ())).order_by(*order))
    sql, params = column[:CARDS_PER_COLUMN].query.sql_with_params()
    names = list(column.query.values_select)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT card.* FROM unnest(%s::varchar[]) AS board_column(status) "  # noqa: S608
            f"CROSS JOIN LATERAL ({sql}) AS card", [list(BOARD_COLUMNS), *params])
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _column_counts(qs) -> dict[str, int]:
    """How many tickets of ``qs`` each column holds, counted up to ``COUNT_CAP + 1`` (more
    means "999+"): on PostgreSQL one statement reads at most that many index entries per
    column; elsewhere one grouped count."""
    if connection.vendor != "postgresql":
        counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
        return {status: min(n, COUNT_CAP + 1) for status, n in counts.items()}
    column = qs.filter(status=RawSQL("board_column.status", ())).order_by().values("id")
    sql, params = column[:COUNT_CAP + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT board_column.status, (SELECT count(*) FROM "  # noqa: S608
            f"({sql}) AS capped) FROM unnest(%s::varchar[]) AS board_column(status)",
            [*params, list(BOARD_COLUMNS)])
        return dict(cursor.fetchall())


def _board_columns(qs, *, now, paths: dict[int, str]) -> list[dict]:
    """Each column's count (capped) and its most urgent cards: two statements."""
    counts = _column_counts(qs)
    cards = ticket_rows(_most_urgent(qs), now=now, people=False, paths=paths)
    by_status: dict[str, list] = {s: [] for s in BOARD_COLUMNS}
    for card in sorted(cards, key=lambda t: (t.resolve_due is None, t.resolve_due or now,
                                             t.created_at, t.pk)):
        by_status.setdefault(card.status, []).append(card)
    return [{"status": s, "label": Status(s).label, "count": min(counts.get(s, 0), COUNT_CAP),
             "capped": counts.get(s, 0) > COUNT_CAP, "cards": by_status[s]}
            for s in BOARD_COLUMNS]


@require_http_methods(["GET", "POST"])
def board(request: HttpRequest) -> HttpResponse:
    """Open tickets by state for dispatchers; refreshed every minute by htmx. A POST saves
    the filter in use under a name."""
    _require(request, "service_tickets.change_ticket")
    if request.method == "POST":
        return _save_filter(request, SavedFilter.Page.BOARD, _board_page)
    return _board_page(request, request.GET)


def _board_page(request: HttpRequest, params: QueryDict, *, save_form=None,
                status: int = 200) -> HttpResponse:
    filters = TicketFilterForm(params or None, user=request.user, board=True)
    now = timezone.now()
    columns = []
    if not filters.is_bound or filters.is_valid():
        qs = filters.apply(ticket_list_for_user(user=request.user), user=request.user,
                           now=now, statuses=BOARD_COLUMNS)
        columns = _board_columns(qs, now=now, paths=filters.fields["category"].paths)
    query = _clean_query(params.urlencode(), page=SavedFilter.Page.BOARD)
    list_url = reverse("tickets:list")
    for column in columns:
        column["more_url"] = f"{list_url}?status={column['status']}" + \
            (f"&{query}" if query else "")
    context = {"filters": filters, "columns": columns, "filter_query": query, "now": now}
    if request.headers.get("HX-Request") and save_form is None:
        return render(request, "service_tickets/partials/board_columns.html", context)
    filters.load_choices()
    return render(request, "service_tickets/board.html", {
        **context, **_saved_context(request, SavedFilter.Page.BOARD, save_form),
    }, status=status)


# --- My tickets ----------------------------------------------------------------------------

@require_GET
def my_tickets(request: HttpRequest) -> HttpResponse:
    """Tickets assigned to the user or that they help with: open ones first, soonest due
    first, then the rest newest first. Built for a phone."""
    _require(request, "service_tickets.view_ticket")
    user = request.user
    helped = Ticket.helpers.through.objects.filter(user=user).values("ticket_id")
    # A union the database resolves from two indexes, instead of an OR across a join.
    mine = Ticket.objects.filter(assignee=user).order_by().values("id").union(helped)
    is_open = {"status__in": OPEN_STATUSES}
    qs = (ticket_list_for_user(user=user).filter(pk__in=mine)
          .select_related(*_CARD_RELATED).prefetch_related(*_CARD_PREFETCH)
          .annotate(open_rank=Case(When(**is_open, then=Value(0)), default=Value(1),
                                   output_field=IntegerField()),
                    due_sort=Case(When(**is_open, then=Coalesce("resolve_due",
                                                                 Value(_FAR_FUTURE))),
                                  default=Value(_FAR_FUTURE), output_field=DateTimeField())))
    show_phone = user.has_perm("owners.view_party")
    if show_phone:
        from owners.models import Phone

        qs = qs.prefetch_related(Prefetch("party__phones", to_attr="primary_phones",
                                          queryset=Phone.objects.filter(is_primary=True)))
    page = keyset_page(qs, fields=["open_rank", "due_sort", "-created_at", "-id"],
                       cursor=request.GET.get("cursor"), size=MY_PAGE_SIZE)
    now = timezone.now()
    for ticket in page.items:
        ticket.is_open = ticket.status in OPEN_STATUSES
        ticket.overdue = ticket.is_breached(now)
        ticket.at_risk = not ticket.overdue and ticket.is_at_risk(now)
        phones = getattr(ticket.party, "primary_phones", None) if ticket.party_id else None
        ticket.phone = phones[0] if phones else None
    return render(request, "service_tickets/my_tickets.html", {
        "page": page, "filter_query": "", "show_phone": show_phone, "now": now})


# --- Saved filters -------------------------------------------------------------------------

def _save_filter(request: HttpRequest, page: str, render_page) -> HttpResponse:
    """Keep the page's filter under a name; a taken name is refused on the page itself,
    which shows the same filters and keeps what was typed."""
    _require(request, "service_tickets.add_savedfilter")
    form = SavedFilterForm(request.POST, owner=request.user, page=page)
    query = _clean_query(request.GET.urlencode(), page=page)
    if form.is_valid():
        try:
            with transaction.atomic():
                SavedFilter.objects.create(owner=request.user, page=page,
                                           name=form.cleaned_data["name"], query=query[:500])
        except IntegrityError:  # the same name saved a moment ago, in another tab
            form.add_error("name", form.duplicate_error(form.cleaned_data["name"]))
    if not form.is_valid():
        return render_page(request, request.GET, save_form=form, status=400)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
    return redirect(_page_url(page, query))


@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "service_tickets.delete_savedfilter")
    saved = SavedFilter.objects.filter(owner=request.user, pk=pk).first()
    if saved is None:
        raise Http404
    saved.delete()
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(_page_url(saved.page, ""))


def _page_url(page: str, query: str) -> str:
    url = reverse("tickets:board" if page == SavedFilter.Page.BOARD else "tickets:list")
    return f"{url}?{query}" if query else url


# --- Export --------------------------------------------------------------------------------

@require_POST
def ticket_export(request: HttpRequest) -> HttpResponse:
    """Export the list as filtered, written by the worker; the file arrives in the inbox."""
    _require(request, "service_tickets.view_ticket")
    from .exports import ticket_export_request

    query = _clean_query(request.POST.get("query", ""), page=SavedFilter.Page.LIST)
    filters = TicketFilterForm(QueryDict(query), user=request.user)
    if not filters.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
    else:
        ticket_export_request(user=request.user, query=query)
        messages.info(request, _("The export is being prepared; a message with the file "
                                 "will arrive in your inbox."))
    return redirect(_page_url(SavedFilter.Page.LIST, query))


urlpatterns = [
    path("", ticket_list, name="list"),
    path("board/", board, name="board"),
    path("my/", my_tickets, name="my"),
    path("export/", ticket_export, name="export"),
    path("filters/<int:pk>/delete/", filter_delete, name="filter_delete"),
]
