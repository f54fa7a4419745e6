"""The Celery application, and the one way the app enqueues work.

The database is the truth for anything due: periodic scanners find due rows, so a task
that never reaches the broker is picked up by the next scan. Enqueuing therefore never
fails a request.
"""

import logging
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("wuye_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        # Broker away: the periodic scanner will find the work in the database.
        logger.warning("Could not enqueue %s; the periodic scan will pick it up", task.name,
                       exc_info=True)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` after the current transaction commits, never raising."""
    transaction.on_commit(lambda: _send(task, args, kwargs))
