"""The one way the apps send work to the Celery worker: by the task's name, on commit.

The database is the truth for anything due: periodic scanners find due rows, so a task
that never reaches the broker is picked up by the next scan. Enqueuing therefore never
fails a request.

A task is named, not imported: the service that enqueues work does not import the tasks
module, which imports the services it adapts, so inside an app the imports point one way
(tasks → services). A name no task has is refused at once, in the code that names it.
The Celery app is the one ``config/celery.py`` makes current (``celery.current_app``),
so no app imports ``config``.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_named(name: str):
    """The registered task called ``name``. A web process imports the apps' tasks modules
    only when it first needs one (a worker imports them all when it starts)."""
    if name not in current_app.tasks:
        current_app.autodiscover_tasks(force=True)
    try:
        return current_app.tasks[name]
    except KeyError:
        raise LookupError(f"no Celery task is named {name!r}") from None


def _send(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        # Broker away: the periodic scanner will find the work in the database.
        logger.warning("Could not enqueue %s; the periodic scan will pick it up", task.name,
                       exc_info=True)


def enqueue_on_commit(name: str, *args, **kwargs) -> None:
    """Send the task called ``name`` after the current transaction commits, never
    raising (an unknown name raises ``LookupError`` here, before anything is sent)."""
    task = task_named(name)
    transaction.on_commit(lambda: _send(task, args, kwargs))
