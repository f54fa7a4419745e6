"""The names of the periodic (beat) jobs, in every language.

A job's name is data: django-celery-beat keeps it in ``PeriodicTask.name``, written in
English by the migration that schedules the job, and managers may rename a job in admin.
The admin shows each name through the catalogue (context "periodic task"), so a job the
code schedules reads in the manager's language, and a name someone typed reads as typed.
Every job a migration schedules is named here as well (a test checks it).
"""

from django.utils.translation import pgettext, pgettext_lazy

CONTEXT = "periodic task"

JOB_NAMES = [
    pgettext_lazy("periodic task", "worker heartbeat"),
    pgettext_lazy("periodic task", "clear expired sessions"),
    pgettext_lazy("periodic task", "scan scheduling reminders"),
    pgettext_lazy("periodic task", "run pending list exports"),
    pgettext_lazy("periodic task", "scan ticket escalations"),
]


def job_label(name: str) -> str:
    """The job's name in the active language (as stored when the catalogue has none)."""
    return pgettext(CONTEXT, name) if name else name
