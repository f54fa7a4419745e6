from django.db import migrations

NAME = "scan scheduling reminders"


def create_job(apps, schema_editor):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    if periodic_task.objects.filter(name=NAME).exists():
        return
    every, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    periodic_task.objects.create(name=NAME, task="scheduling.scan_reminders", interval=every)


def remove_job(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_job, remove_job)]
