"""Demo categories with service times, territories, a notice in force and tickets in every
state for the demo estates."""

import random

from owners.models import Building, Estate
from staff.models import User

from .models import Category, SlaTarget, Territory

# (parent, name, code, priority, 24×7, dispatch mode) and minutes (accept, respond, resolve)
CATEGORIES = [
    (None, "水电维修", "water-power", "normal", False, "manual", (30, 120, 480)),
    ("water-power", "漏水", "leak", "high", False, "manual", (15, 60, 240)),
    ("water-power", "停电抢修", "power-outage", "urgent", True, "manual", (5, 30, 120)),
    (None, "公共设施", "public-facility", "normal", False, "grab_pool", (60, 240, 1440)),
    ("public-facility", "电梯故障", "lift", "urgent", True, "manual", (5, 30, 240)),
    (None, "保洁绿化", "cleaning", "low", False, "grab_pool", (120, 480, 2880)),
    (None, "投诉", "complaint", "high", False, "manual", (60, 480, 2880)),
]


def seed(*, stdout, rng: random.Random) -> None:
    _seed_catalog(stdout=stdout)
    _seed_notice(stdout=stdout)
    _seed_tickets(stdout=stdout, rng=rng)


REPAIRS = [
    ("leak", "厨房水槽下水管漏水，柜子里都是水"),
    ("leak", "卫生间天花板渗水，楼上可能漏水"),
    ("water-power", "客厅灯不亮，开关没反应"),
    ("water-power", "阳台水龙头关不紧，一直滴水"),
    ("lift", "2号电梯到12楼停住不开门"),
    ("public-facility", "单元门禁刷卡没反应"),
    ("cleaning", "地下车库B区有垃圾没人清理"),
    ("public-facility", "楼道声控灯坏了三天"),
]


def _seed_tickets(*, stdout, rng: random.Random) -> None:
    """Tickets in every state for the first estate, through the same services as the pages
    (so their events, clocks and timelines are real), with escalation rules."""
    from owners.models import Ownership

    from .choices import Action, FollowUpMethod, FollowUpOutcome
    from .followups import follow_up_record
    from .models import EscalationRule, Ticket
    from .services import ticket_act, ticket_create

    desk = User.objects.filter(username="frontdesk").first()
    dispatcher = User.objects.filter(username="dispatcher").first()
    manager = User.objects.filter(username="manager").first()
    technician = User.objects.filter(username="technician").first()
    territory = Territory.objects.filter(members=technician).order_by("pk").first()
    if Ticket.objects.exists() or None in (desk, dispatcher, manager, technician, territory):
        return
    Category.objects.get(code="water-power").skilled_staff.add(technician)
    for level, trigger, who, delay in [(1, "not_accepted", dispatcher, 0),
                                       (2, "not_accepted", manager, 60),
                                       (1, "not_resolved", manager, 0)]:
        rule = EscalationRule.objects.create(
            name=f"{EscalationRule.Trigger(trigger).label} L{level}", trigger=trigger,
            level=level, delay_minutes=delay)
        rule.recipients.add(who)
    tenures = list(Ownership.objects.filter(room__estate__in=territory.estates.all())
                   .select_related("room__estate", "room__building", "party")
                   .order_by("pk")[:40])
    if not tenures:
        return
    # How far along each demo ticket gets.
    plans = (["new"] * 4 + ["dispatched"] * 3 + ["in_progress"] * 4 + ["on_hold"]
             + ["done"] * 4 + ["closed"] * 5 + ["reopened"])
    for index, plan in enumerate(plans):
        tenure = tenures[index % len(tenures)]
        code, text = REPAIRS[index % len(REPAIRS)]
        ticket = ticket_create(by=desk, type="repair", source=rng.choice(["phone", "walk_in"]),
                               category=Category.objects.get(code=code), description=text,
                               room=tenure.room, party=tenure.party)
        if plan == "new":
            continue
        steps = [(Action.DISPATCH, dispatcher, {"to": technician})]
        if plan != "dispatched":
            steps += [(Action.ACCEPT, technician, {}), (Action.START, technician, {})]
        if plan == "on_hold":
            steps.append((Action.HOLD, technician, {"note": "等业主买配件"}))
        if plan in ("done", "closed", "reopened"):
            steps.append((Action.COMPLETE, technician, {}))
        for action, actor, extra in steps:
            ticket = ticket_act(ticket_id=ticket.pk, action=action, by=actor, **extra)
        if plan in ("closed", "reopened"):
            satisfied = plan == "closed"
            follow_up_record(
                ticket_id=ticket.pk, by=desk, method=FollowUpMethod.CALL,
                outcome=FollowUpOutcome.SATISFIED if satisfied else FollowUpOutcome.UNSATISFIED,
                overall=rng.choice([4, 5]) if satisfied else 2,
                scores={"responsiveness": rng.choice([3, 4, 5]), "courtesy": 5},
                comments="" if satisfied else "修完第二天又开始漏")
    tenure = tenures[-1]
    ticket_create(by=desk, type="complaint", source="phone",
                  category=Category.objects.get(code="complaint"),
                  description="夜班保安在岗时玩手机，访客进出不登记",
                  room=tenure.room, party=tenure.party,
                  complaint={"complained_other": "夜班保安", "severity": "moderate"})
    stdout.write(f"service tickets: {Ticket.objects.count()} tickets in every state")


def _seed_notice(*, stdout) -> None:
    """A water outage in force for one building, so the desk sees it at fast entry."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import Notice
    from .notices import notice_create

    building = Building.objects.select_related("estate").order_by("estate_id", "id").first()
    desk = User.objects.filter(username="frontdesk").first()
    if Notice.objects.exists() or building is None or desk is None:
        return
    now = timezone.now()
    notice_create(
        by=desk, kind="water", estate=building.estate, buildings=[building],
        title=f"{building.number}栋二次供水水箱清洗停水",
        body="因二次供水水箱清洗消毒，该楼栋暂停供水，恢复后请先放水 2 分钟。"
             "如需临时用水，可到物业服务中心领取桶装水。",
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=14))
    stdout.write("service tickets: 1 notice in force")


def _seed_catalog(*, stdout) -> None:
    if Category.objects.filter(code="water-power").exists():
        stdout.write("service tickets: demo categories already present")
        return
    for parent, name, code, priority, around, mode, minutes in CATEGORIES:
        category = Category.objects.create(
            parent=Category.objects.get(code=parent) if parent else None, name=name, code=code,
            default_priority=priority, around_the_clock=around, dispatch_mode=mode,
            ticket_type="complaint" if code == "complaint" else "")
        for level, factor in [("urgent", 0.25), ("high", 0.5), ("normal", 1), ("low", 2)]:
            SlaTarget.objects.create(
                category=category, priority=level,
                accept_minutes=max(5, int(minutes[0] * factor)),
                respond_minutes=max(15, int(minutes[1] * factor)),
                resolve_minutes=max(60, int(minutes[2] * factor)))
    technicians = list(User.objects.filter(groups__name="维修/服务人员").order_by("id"))
    for index, estate in enumerate(Estate.objects.order_by("id")):
        territory = Territory.objects.create(name=f"{estate.name}片区")
        territory.estates.add(estate)
        territory.members.add(*technicians[index::3])
    stdout.write(f"service tickets: {Category.objects.count()} categories, "
                 f"{Territory.objects.count()} territories")
