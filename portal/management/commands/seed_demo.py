"""Fill the database with realistic Chinese demo data, one login per role.

Each installed app of ours may provide ``<app>.demo.seed(*, stdout, rng)``; they run in
INSTALLED_APPS order. Running the command again changes nothing that already exists.
"""

import importlib
import random

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction


class Command(BaseCommand):
    help = "Load idempotent demo data (Chinese) with one login per role."

    def handle(self, *args, **options):
        rng = random.Random(20261127)  # noqa: S311 - demo data, the same every time
        # The seed runs some 100,000 queries: without DEBUG's query log (for which SQLite
        # runs one more query each, to quote the parameters) it takes a third less time.
        connection.make_debug_cursor = connection.make_cursor
        try:
            self._seed(rng)
        finally:
            del connection.make_debug_cursor
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _seed(self, rng: random.Random) -> None:
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if not str(app_config.path).startswith(str(settings.BASE_DIR)):
                    continue
                try:
                    module = importlib.import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                module.seed(stdout=self.stdout, rng=rng)
