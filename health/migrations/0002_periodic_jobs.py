from django.db import migrations

# name -> (task, every N seconds or None, crontab (minute, hour) or None)
JOBS = {
    "worker heartbeat": ("health.worker_heartbeat", 60, None),
    "clear expired sessions": ("staff.clear_expired_sessions", None, ("30", "3")),
}


def create_jobs(apps, schema_editor):
    """Schedules live in the database so managers can change them in admin."""
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    for name, (task, every, cron) in JOBS.items():
        if periodic_task.objects.filter(name=name).exists():
            continue
        schedule = {}
        if every:
            schedule["interval"], _ = interval_model.objects.get_or_create(
                every=every, period="seconds")
        else:
            minute, hour = cron
            schedule["crontab"], _ = crontab_model.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*",
                month_of_year="*", timezone="Asia/Shanghai")
        periodic_task.objects.create(name=name, task=task, **schedule)


def remove_jobs(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=list(JOBS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, remove_jobs)]
