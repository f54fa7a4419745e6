from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("System health")

    def ready(self) -> None:
        from . import registrations  # noqa: F401

        _name_beat_jobs_in_the_readers_language()


def _name_beat_jobs_in_the_readers_language() -> None:
    """django-celery-beat shows a job as "<name>: <schedule>" (admin titles, breadcrumbs,
    action check boxes, messages); the name is data kept in English, so show it through
    the catalogue (``health.jobs``). Only the display changes: beat runs jobs by name."""
    from django_celery_beat.models import PeriodicTask

    from .jobs import job_label

    shown = PeriodicTask.__str__
    if getattr(shown, "reads_name_through_catalogue", False):
        return

    def __str__(task) -> str:
        text = shown(task)
        return job_label(task.name) + text[len(task.name):] if text.startswith(
            task.name) else text

    __str__.reads_name_through_catalogue = True
    PeriodicTask.__str__ = __str__
