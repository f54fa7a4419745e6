"""Demo schedules around today: the desk's weekly meeting, the manager's monthly quality
review, site visits and follow-up calls linked to open tickets, a fire drill, tasks (some
done, one overdue) and memos."""

import random
from datetime import timedelta

from django.utils import timezone

from staff.models import User

from .models import Event, Memo
from .services import event_create
from .tasklists import task_create, task_set_status


def seed(*, stdout, rng: random.Random) -> None:
    people = {u.username: u for u in User.objects.filter(
        username__in=["frontdesk", "dispatcher", "manager", "technician", "security",
                      "safety"])}
    if Event.objects.exists() or len(people) < 6:
        return
    desk, dispatcher, manager = people["frontdesk"], people["dispatcher"], people["manager"]
    technician, security, safety = people["technician"], people["security"], people["safety"]
    colleagues = list(User.objects.filter(username__startswith="staff",
                                          department=desk.department).order_by("id")[:3])
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())

    def at(day: int, hour: int, minute: int = 0):
        return today + timedelta(days=day, hours=hour, minutes=minute)

    # Recurring meetings that began weeks ago, so past weeks are not empty either.
    event_create(by=manager, kind="meeting", title="客服部周例会", place="三楼会议室",
                 start=monday - timedelta(weeks=8) + timedelta(hours=9),
                 end=monday - timedelta(weeks=8) + timedelta(hours=10),
                 rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=34",
                 attendees=[desk, dispatcher, *colleagues], confirm_conflicts=True)
    first = today.replace(day=1) - timedelta(days=1)
    first = first.replace(day=1)
    event_create(by=manager, kind="meeting", title="月度服务质量分析会",
                 place="总经理办公室", notes="议程：上月工单及时率、回访满意度、重复投诉房屋",
                 start=first + timedelta(days=4, hours=14), end=first + timedelta(days=4, hours=16),
                 rrule="FREQ=MONTHLY;BYMONTHDAY=5;COUNT=12",
                 attendees=[dispatcher, desk, technician], confirm_conflicts=True)
    event_create(by=security, kind="activity", title="冬季消防演练", place="翠苑花园中心广场",
                 notes="演练内容：灭火器使用、疏散引导、微型消防站出动",
                 start=at(3, 14), end=at(3, 16, 30), attendees=[safety, dispatcher],
                 confirm_conflicts=True)
    event_create(by=safety, kind="visit", title="年底安全生产大检查", place="钱江商务中心配电房",
                 start=at(5, 9, 30), end=at(5, 11, 30), attendees=[manager],
                 confirm_conflicts=True)
    event_create(by=manager, kind="meeting", title="业委会季度沟通会", place="翠苑花园业委会办公室",
                 start=at(-6, 19), end=at(-6, 20, 30), attendees=[desk],
                 confirm_conflicts=True)
    visits, calls = _ticket_events(desk=desk, dispatcher=dispatcher, technician=technician,
                                   at=at, rng=rng)
    task_create(by=manager, title="整理本月投诉台账", assignee=desk, priority="high",
                due_at=at(3, 17))
    task_create(by=dispatcher, title="核对电梯维保记录", assignee=technician,
                due_at=at(1, 12))
    task_create(by=manager, title="准备年度服务质量报告", assignee=dispatcher, priority="high",
                due_at=at(10, 17), notes="附各小区满意度和首次修复率")
    overdue = task_create(by=dispatcher, title="补录上周巡查发现的问题", assignee=technician,
                          due_at=at(-2, 17))
    task_set_status(task=overdue, by=technician, status="in_progress",
                    expected_version=overdue.version)
    done = task_create(by=desk, title="更新停水通知的来电答复口径", assignee=desk,
                       due_at=at(-1, 12))
    task_set_status(task=done, by=desk, status="done", expected_version=done.version)
    Memo.objects.create(owner=desk, text="3栋水箱清洗期间来电统一答复：预计下午6点恢复供水。",
                        pinned=True)
    Memo.objects.create(owner=desk, text="周五前把业主委员会会议纪要发给经理。",
                        day=(today + timedelta(days=2)).date())
    Memo.objects.create(owner=technician, text="5栋地下室水泵房钥匙在工程部值班室第二个抽屉。",
                        pinned=True)
    Memo.objects.create(owner=dispatcher, text="本周电梯维保单位联系人：孙工 13857112345。")
    stdout.write(f"scheduling: {Event.objects.count()} events ({visits} visits and {calls} "
                 f"follow-up calls for open tickets), 5 tasks and 4 memos")


def _ticket_events(*, desk, dispatcher, technician, at, rng: random.Random) -> tuple[int, int]:
    """Visits on the technician's accepted tickets and the desk's follow-up calls of done
    ones, tomorrow and the day after, one slot each."""
    from service_tickets.models import Ticket

    visits = list(Ticket.objects.filter(assignee=technician, status__in=["accepted", "on_hold"])
                  .select_related("room", "party").order_by("created_at")[:4])
    for index, ticket in enumerate(visits):
        start = at(1 + index // 2, 10 + 4 * (index % 2))
        event_create(by=dispatcher, kind="visit", title=f"上门：{ticket.description[:20]}",
                     place=str(ticket.room.code if ticket.room else ticket.estate),
                     start=start, end=start + timedelta(hours=1), attendees=[technician],
                     ticket=ticket, room=ticket.room, party=ticket.party,
                     confirm_conflicts=True)
    calls = list(Ticket.objects.filter(status="done", party__isnull=False)
                 .select_related("party", "room").order_by("follow_up_due")[:4])
    for index, ticket in enumerate(calls):
        start = at(0, 15, 15 * index + rng.choice([0, 5]))
        event_create(by=desk, kind="call", title=f"回访：{ticket.party.name}", start=start,
                     end=start + timedelta(minutes=10), ticket=ticket, party=ticket.party,
                     room=ticket.room, confirm_conflicts=True)
    return len(visits), len(calls)
