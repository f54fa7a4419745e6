from datetime import UTC, datetime, timedelta

import factory
from factory.django import DjangoModelFactory

from inbox.models import Notification
from tests.staff.factories import UserFactory

START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"工单提醒{n}")
    body = "请尽快处理。"
    url = "/tickets/"
    # One minute apart, so "newest first" is decided by time and not only by id.
    created_at = factory.Sequence(lambda n: START + timedelta(minutes=n))
