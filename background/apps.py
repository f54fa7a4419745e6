from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    """Sending work to the Celery worker; no models, no pages."""

    name = "background"
