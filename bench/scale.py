"""Scale data for the benchmark: rows in the numbers the pages must handle.

Each area adds a function here for its own tables. Bulk inserts, idempotent by count.
"""

import argparse
import os

import django


def scale_staff(target: int) -> None:
    from faker import Faker

    from staff.models import Department, User

    existing = User.objects.count()
    if existing >= target:
        return
    fake = Faker("zh_CN")
    fake.seed_instance(7)
    departments = list(Department.objects.all())
    batch = []
    for index in range(existing, target):
        batch.append(User(
            username=f"bench{index:07d}",
            full_name=fake.name(),
            department=departments[index % len(departments)],
            job_title="维修工",
            mobile=f"139{index:08d}",
            password="!",  # unusable
        ))
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    scale_staff(args.staff)

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
