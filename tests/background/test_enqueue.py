"""Work is sent to the worker by the task's name, after the transaction commits."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction

from background.enqueue import enqueue_on_commit, task_named
from health import tasks as health_tasks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(health_tasks.worker_heartbeat, "apply_async",
                        lambda args, kwargs, **options: calls.append((args, kwargs)))
    return calls


def test_a_named_task_is_sent_with_its_arguments_once_the_transaction_commits(sent):
    # given a transaction that enqueues the heartbeat by name
    with transaction.atomic():
        enqueue_on_commit("health.worker_heartbeat", 7, reason="check")
        # then nothing is sent before the commit
        assert sent == []
    # and it is sent once after it, with its arguments
    assert sent == [((7,), {"reason": "check"})]


def test_nothing_is_sent_when_the_transaction_rolls_back(sent):
    # given a transaction that enqueues and then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit("health.worker_heartbeat")
        raise RuntimeError("refused")
    # then the task is never sent
    assert sent == []


def test_a_name_no_task_has_is_refused_at_once(sent):
    # when code names a task that does not exist
    with pytest.raises(LookupError, match=r"owners\.no_such_task"), transaction.atomic():
        enqueue_on_commit("owners.no_such_task")
    # then it is refused where it is named, and nothing is sent
    assert sent == []


def test_a_web_process_finds_a_task_whose_module_nobody_imported_yet():
    # given a fresh process that has set Django up but imported no tasks module
    code = (
        "import sys, django; django.setup()\n"
        "assert 'owners.tasks' not in sys.modules\n"
        "from background.enqueue import task_named\n"
        "print(task_named('owners.run_pending_exports').name)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    # when it asks for a task by name
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    # then the apps' tasks modules are discovered and the task is found
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "owners.run_pending_exports"


def test_the_task_found_by_name_is_the_one_its_module_registers():
    # when the heartbeat is looked up by its name
    found = task_named("health.worker_heartbeat")
    # then it is the task object itself (so tests that patch it, and eager mode, apply)
    assert found is health_tasks.worker_heartbeat._get_current_object()
