from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task(name="owners.run_list_export", acks_late=True)
def run_list_export(export_id: int) -> bool:
    """Write one requested list export (claimed, so a second run does nothing)."""
    from .exports import list_export_run

    return list_export_run(export_id=export_id)


@shared_task(name="owners.run_pending_exports")
def run_pending_exports() -> int:
    """Pick up exports whose message never reached a worker (the database is the truth)."""
    from .models import ListExport

    stale = timezone.now() - timedelta(minutes=1)
    # A worker that died while writing leaves its row running: hand it out again.
    ListExport.objects.filter(status=ListExport.Status.RUNNING,
                              updated_at__lt=timezone.now() - timedelta(minutes=30)) \
        .update(status=ListExport.Status.PENDING, updated_at=timezone.now())
    ids = list(ListExport.objects.filter(status=ListExport.Status.PENDING,
                                         created_at__lt=stale)
               .order_by("created_at").values_list("pk", flat=True)[:20])
    for export_id in ids:
        run_list_export(export_id)
    return len(ids)
