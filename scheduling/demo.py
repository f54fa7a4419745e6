"""Demo schedules: a weekly team meeting, an on-site visit, tasks and memos for the desk."""

import random
from datetime import timedelta

from django.utils import timezone

from staff.models import User

from .models import Event, Memo
from .services import event_create
from .tasklists import task_create


def seed(*, stdout, rng: random.Random) -> None:
    desk = User.objects.filter(username="frontdesk").first()
    dispatcher = User.objects.filter(username="dispatcher").first()
    manager = User.objects.filter(username="manager").first()
    technician = User.objects.filter(username="technician").first()
    if Event.objects.exists() or None in (desk, dispatcher, manager, technician):
        return
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    event_create(by=manager, kind="meeting", title="客服部周例会", place="三楼会议室",
                 start=monday + timedelta(hours=9), end=monday + timedelta(hours=10),
                 rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=26", attendees=[desk, dispatcher],
                 confirm_conflicts=True)
    tomorrow = today + timedelta(days=1)
    event_create(by=dispatcher, kind="visit", title="上门查看卫生间渗水", place="1栋2单元",
                 start=tomorrow + timedelta(hours=14), end=tomorrow + timedelta(hours=15),
                 attendees=[technician], confirm_conflicts=True)
    event_create(by=desk, kind="call", title="回访业主：厨房漏水", private=False,
                 start=today + timedelta(hours=16), end=today + timedelta(hours=16, minutes=15))
    task_create(by=manager, title="整理本月投诉台账", assignee=desk,
                due_at=today + timedelta(days=3, hours=17), priority="high")
    task_create(by=dispatcher, title="核对电梯维保记录", assignee=technician,
                due_at=today + timedelta(days=1, hours=12))
    Memo.objects.create(owner=desk, text="3栋水箱清洗期间来电统一答复：预计下午6点恢复供水。",
                        pinned=True)
    Memo.objects.create(owner=desk, text="周五前把业主委员会会议纪要发给经理。",
                        day=(today + timedelta(days=2)).date())
    stdout.write("scheduling: a weekly meeting, a visit, a call, 2 tasks and 2 memos")
