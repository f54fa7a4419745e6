"""Messages and timeline entries written before ids were kept are read back into ids."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import override

from inbox.models import Notification
from owners.models import Activity
from scheduling.choices import Response
from tests.owners.factories import PartyFactory
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_migration():
    state = MigrationExecutor(connection).loader.project_state(
        ("scheduling", "0004_restore_message_ids")).apps
    import_module("scheduling.migrations.0004_restore_message_ids"
                  ).restore_messages_of_old_rows(state, None)


def test_old_chinese_event_entries_and_messages_read_in_english_afterwards():
    # given
    user = UserFactory()
    party = PartyFactory()
    private = Activity.objects.create(party=party, kind="event", source="scheduling.event",
                                      source_id="1", occurred_at=timezone.now(),
                                      title="会议：私人（11月27日 10:00） — 已取消")
    typed = Activity.objects.create(party=party, kind="event", source="scheduling.event",
                                    source_id="2", occurred_at=timezone.now(),
                                    title="以前手写的日程")
    with override("zh-hans"):
        accepted = str(Response.ACCEPTED.label)
    answered = Notification.objects.create(recipient=user, source="event-answer:1:2:accepted",
                                           title=f"王丽娜 答复“{accepted}”：物业例会")
    changed = Notification.objects.create(recipient=user, source="event-change:1:2",
                                          title="日程变更：物业例会", body="11月27日 10:00，三楼")
    # when
    run_migration()
    # then
    for row in (private, typed, answered, changed):
        row.refresh_from_db()
    with override("en"):
        assert private.title_text == "Meeting: private (11月27日 10:00) — cancelled"
        assert typed.message is None and typed.title_text == "以前手写的日程"
        assert changed.title_text == "Event changed: 物业例会"
        assert changed.body_text == "11月27日 10:00, 三楼"
        assert answered.title_message["args"]["answer"]["value"] == "accepted"
        assert answered.title_text == "王丽娜 answered “Accepted”: 物业例会"
