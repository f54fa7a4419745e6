from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .services import check_broker, check_database, check_worker


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Database and broker status for load balancers and monitoring: 200 or 503."""
    database = check_database()
    broker = check_broker()
    worker = check_worker() if database["ok"] else {"ok": False, "last_heartbeat": None}
    healthy = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if healthy else "fail",
        "database": database,
        "broker": broker,
        "worker": worker,
    }
    return JsonResponse(body, status=200 if healthy else 503)
