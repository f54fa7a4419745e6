from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from . import dashboard, search


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cards = dashboard.cards_for(request.user)
    return render(request, "portal/home.html", {
        "cards": cards, "charts_shown": any(card.chart for card in cards)})


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    hits = search.search(user=request.user, query=query, limit=20)
    template = "portal/partials/search_suggestions.html" if request.headers.get(
        "HX-Request") else "portal/search.html"
    return render(request, template, {"query": query, "hits": hits})


@require_GET
def bench_baseline(request: HttpRequest) -> HttpResponse:
    """A trivial page behind the full middleware stack: the benchmark's yardstick."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def bench_plain(request: HttpRequest) -> HttpResponse:
    """The same page as a plain Django project serves it to a signed-in user (its session
    and user read from the database), behind Django's default middleware only
    (``portal.benchmark``)."""
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous",
                        content_type="text/plain")


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on pages that name no icon (the API, files):
    the product's icon, for everyone."""
    return redirect(static("img/favicon.svg"), permanent=True)
