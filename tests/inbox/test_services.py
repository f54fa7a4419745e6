import pytest
from django.utils.translation import gettext_lazy

from inbox.models import Notification
from inbox.services import mark_read, notify, unread_count
from tests.staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_each_title_in_the_recipients_own_language():
    # given
    zh, en = UserFactory(language="zh-hans"), UserFactory(language="en")
    # when
    offered = notify(recipients=[zh, en], title=gettext_lazy("Change password"),
                     body=lambda: str(gettext_lazy("Log out")), url="/staff/password/")
    # then
    assert offered == 2
    assert Notification.objects.get(recipient=zh).title == "修改密码"
    assert Notification.objects.get(recipient=zh).body == "退出登录"
    assert Notification.objects.get(recipient=en).title == "Change password"
    assert Notification.objects.get(recipient=en).body == "Log out"


def test_notify_gives_a_person_one_message_per_source_however_often_it_runs():
    # given
    user = UserFactory()
    notify(recipients=[user], title="工单 T1 即将超时", source="escalation:1")
    # when
    notify(recipients=[user, user], title="工单 T1 即将超时", source="escalation:1")
    notify(recipients=[user], title="工单 T2 即将超时", source="escalation:2")
    # then
    assert sorted(user.notifications.values_list("source", flat=True)) == [
        "escalation:1", "escalation:2"]


def test_messages_without_a_source_are_never_merged():
    user = UserFactory()
    notify(recipients=[user], title="通知")
    notify(recipients=[user], title="通知")
    assert user.notifications.count() == 2


def test_mark_read_touches_only_the_users_own_messages():
    # given
    me, other = UserFactory(), UserFactory()
    notify(recipients=[me, other], title="停水通知")
    theirs = other.notifications.get()
    # when
    marked = mark_read(user=me, ids=[theirs.pk, *me.notifications.values_list("pk", flat=True)])
    # then
    assert marked == 1
    assert unread_count(me) == 0
    assert unread_count(other) == 1
