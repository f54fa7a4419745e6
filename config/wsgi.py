import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are configured by now)

if settings.BENCH_BASELINE_VIEW:
    from portal.benchmark import with_plain_baseline

    application = with_plain_baseline(application)
