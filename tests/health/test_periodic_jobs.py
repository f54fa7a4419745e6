"""Every beat job has a name in each language, and the admin shows it in the reader's."""

import pytest
from django.urls import reverse
from django.utils.translation import override
from django_celery_beat.models import PeriodicTask

from health.jobs import JOB_NAMES, job_label

pytestmark = pytest.mark.django_db


def test_every_job_the_migrations_schedule_is_named_in_chinese():
    scheduled = set(PeriodicTask.objects.values_list("name", flat=True))
    with override("en"):
        named = {str(name) for name in JOB_NAMES}
    assert scheduled and scheduled <= named, scheduled - named
    with override("zh-hans"):
        for name in scheduled:
            label = job_label(name)
            assert label != name and not label.isascii(), name


def test_the_chinese_admin_lists_jobs_by_their_chinese_names(administrator, login):
    # given a manager reading Chinese
    client = login(administrator)
    # when
    html = client.get(reverse("admin:django_celery_beat_periodictask_changelist")
                      ).content.decode()
    # then: names and the task filter in Chinese
    assert "后台任务进程心跳" in html and "检查工单升级" in html
    assert "worker heartbeat" not in html
    assert "Task Name" not in html and "以 任务" in html


def test_the_english_admin_keeps_the_english_names(administrator, login):
    administrator.language = "en"
    administrator.save(update_fields=["language"])
    html = login(administrator).get(
        reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "worker heartbeat" in html and "后台任务进程心跳" not in html
    assert "By task" in html


def test_a_name_someone_typed_reads_as_typed():
    with override("zh-hans"):
        assert job_label("每晚备份") == "每晚备份"
