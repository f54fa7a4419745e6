import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(name="health.worker_heartbeat")
def worker_heartbeat() -> str:
    """Record that a worker ran a task now; run every minute by the scheduler."""
    worker = socket.gethostname()
    worker_heartbeat_record(worker=worker)
    return worker
