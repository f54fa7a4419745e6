from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .services import check_broker, check_database, check_worker, detail_checks


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """The state of the database, broker and background worker, for load balancers and
    monitoring.

    Database or broker down: ``"fail"`` and 503 (requests cannot be served). No recent
    worker heartbeat: ``"degraded"`` and 200, with the worker's ``reason`` — pages still
    work, so a load balancer keeps sending traffic, while monitoring alerts on any status
    but ``"ok"``. Other details (e.g. an unconfirmed calendar year) never change the status.
    """
    database = check_database()
    broker = check_broker()
    if database["ok"]:
        worker = check_worker()
        details = detail_checks()
    else:
        worker, details = {"ok": False, "last_heartbeat": None, "reason": "no_database"}, {}
    if not (database["ok"] and broker["ok"]):
        status, code = "fail", 503
    elif not worker["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status, "database": database, "broker": broker, "worker": worker,
            **details}
    return JsonResponse(body, status=code)
