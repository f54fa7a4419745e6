"""The Celery application. Apps reach it through ``celery`` itself (``shared_task``, and
``background.enqueue`` through ``celery.current_app``), never by importing ``config``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("wuye_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
