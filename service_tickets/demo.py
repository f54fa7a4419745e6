"""Demo categories with service times, territories, escalation rules, notices and six
months of ticket history for the demo estates.

The history is replayed through the same services as the pages, each step on a clock moved
to the moment it happens (``time_machine``), so numbers, SLA clocks, events, timelines, the
audit log and inbox messages are what the product itself would have written: tickets are
dispatched, accepted, worked (some held for parts, some declined, some chased), completed
and followed up; unsatisfied owners reopen them, complaints get findings and replies.
Tickets whose next step falls after now stay where they are, so the last days are open
work in every state.
"""

import heapq
import itertools
import random
from collections.abc import Callable, Generator
from datetime import datetime, time, timedelta

from django.utils import timezone

from owners.models import Building, Estate, Occupancy, Ownership
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

HISTORY_DAYS = 183
# Tickets on a weekday, from the first day of the history to today: the desk logs more as
# owners get used to calling it (weekends are quieter, summer brings leaks).
TICKETS_PER_DAY = (2.5, 6.0)

# Category code: (weight, what callers say, what the technician writes when it is done,
# minutes of work as (shortest, longest)).
TICKET_KINDS = {
    "leak": (18, ["厨房水槽下水管漏水，柜子里都是水", "卫生间天花板渗水，楼上可能漏水",
                  "阳台地漏反水，一下雨就积水", "热水器进水管接口滴水"],
             (40, 240)),
    "water-power": (20, ["客厅灯不亮，开关没反应", "阳台水龙头关不紧，一直滴水",
                         "厨房插座没电，空气开关合不上", "马桶水箱一直流水", "热水器打不着火"],
                    (20, 150)),
    "power-outage": (5, ["整户突然停电，电表箱跳闸合不上", "单元楼道和电梯前室停电",
                         "家里一半房间没电，闻到焦味"], (30, 120)),
    "public-facility": (15, ["单元门禁刷卡没反应", "楼道声控灯坏了三天", "小区东门道闸抬不起来",
                             "儿童游乐区滑梯有螺丝松动", "地下车库B区照明灯不亮"],
                        (30, 480)),
    "lift": (8, ["2号电梯到12楼停住不开门", "电梯运行时有异响，晃得厉害",
                 "电梯按钮失灵，按了没反应", "电梯困人，里面有一位老人"], (40, 180)),
    "cleaning": (16, ["地下车库B区有垃圾没人清理", "楼道里堆了装修垃圾好几天",
                      "草坪该修剪了，蚊子很多", "垃圾房异味很大，桶都满了",
                      "大堂地面有油污，老人容易滑倒"], (20, 180)),
    "complaint": (10, ["夜班保安在岗时玩手机，访客进出不登记", "楼上装修噪音，晚上十点还在施工",
                       "维修师傅约好上午来，等了一上午没人", "车位被外来车辆长期占用，没人管",
                       "保洁阿姨态度差，说了两句就吵起来"], (60, 600)),
}
# What tenants of the office tower and shops of the shopping centre report instead.
WORKPLACE_TEXTS = {
    "leak": ["茶水间水槽下水管漏水", "空调冷凝水管滴水，地毯湿了一片", "卫生间洗手台下面渗水"],
    "water-power": ["办公室一排灯管不亮", "会议室插座没电，投影仪用不了", "茶水间净水器不出水",
                    "店铺招牌灯不亮"],
    "power-outage": ["整层办公区突然停电，电脑全黑了", "店铺跳闸，冷柜停了"],
    "complaint": ["中央空调温度太高，办公室闷热", "晚上加班时空调提前关了",
                  "商场保洁不及时，店门口有垃圾", "停车收费和合同约定的不一样"],
}
SOURCES = [("phone", 58), ("walk_in", 18), ("staff", 10), ("patrol", 8),
           ("suggestion_box", 3), ("committee", 3)]
PUBLIC_AREA = {"public-facility", "lift", "cleaning"}  # often reported for no room
CALL_NOTES = ["已电话联系业主，约定上门时间", "业主不在家，约好下班后上门", "已到现场查看",
              "需更换配件，已申请领料"]
MATERIALS = {
    "leak": [("PPR 直接头", "个", 8), ("生料带", "卷", 3), ("防水胶", "支", 35),
             ("角阀", "个", 45)],
    "water-power": [("LED 灯泡", "个", 18), ("单控开关", "个", 25), ("空气开关 C16", "个", 38),
                    ("进水阀", "套", 60)],
    "power-outage": [("空气开关 C32", "个", 55), ("电线 BV2.5", "米", 4)],
    "public-facility": [("感应灯", "个", 40), ("门禁读卡器", "台", 260), ("膨胀螺丝", "个", 2)],
}
HOLD_REASONS = ["等业主买配件", "需楼上业主配合开门检查", "配件缺货，已下单，预计两天到",
                "需物业公司审批维修费用"]
DECLINE_REASONS = ["正在处理另一单电梯困人，请改派", "今天轮休，请改派", "不是我负责的楼栋"]
CANCEL_REASONS = ["业主来电说已自行修好", "与另一张工单重复", "业主表示暂不需要上门"]
UNHAPPY = ["修完第二天又开始漏", "师傅没打招呼就走了，垃圾也没带走", "问题没解决，灯还是时亮时不亮",
           "等了三天才有人来", "收费和说好的不一样"]
PRAISE = ["师傅很专业，处理得很快", "态度很好，谢谢", "", "", "满意", "来得很及时"]
# How owners score each of the ten dimensions when satisfied: (mean, spread). Responsiveness
# and communication are where the company falls short; courtesy is its strength.
DIMENSION_MEANS = {
    "tangibles": 4.3, "reliability": 4.2, "responsiveness": 3.8, "competence": 4.4,
    "courtesy": 4.7, "credibility": 4.3, "security": 4.5, "access": 4.1,
    "communication": 3.9, "understanding": 4.2,
}
COMPLAINT_FINDINGS = [
    ("staff", "已对当班保安进行批评教育并扣罚当月绩效，加强夜班巡查", "security"),
    ("owner", "已上门劝导装修业主，承诺晚上八点后不再施工", ""),
    ("company", "维修排班疏漏，已向业主致歉并当天完成上门", "engineering"),
    ("third_party", "已联系车主挪车，外来车辆纳入黑名单管理", "security"),
    ("staff", "已约谈保洁员，调整岗位并向业主当面道歉", "customer-service"),
]


def seed(*, stdout, rng: random.Random) -> None:
    _seed_catalog(stdout=stdout)
    _seed_escalation_rules()
    _seed_history(stdout=stdout, rng=rng)


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
    estates = list(Estate.objects.order_by("id"))
    for index, estate in enumerate(estates):
        territory = Territory.objects.create(name=f"{estate.name}片区")
        territory.estates.add(estate)
        territory.members.add(*technicians[index::len(estates)])
    technician = User.objects.filter(username="technician").first()
    if technician is not None:
        Category.objects.get(code="water-power").skilled_staff.add(technician)
    stdout.write(f"service tickets: {Category.objects.count()} categories, "
                 f"{Territory.objects.count()} territories")


def _seed_escalation_rules() -> None:
    from .models import EscalationRule

    dispatcher = User.objects.filter(username="dispatcher").first()
    manager = User.objects.filter(username="manager").first()
    if EscalationRule.objects.exists() or None in (dispatcher, manager):
        return
    for level, trigger, who, delay in [(1, "not_accepted", dispatcher, 0),
                                       (2, "not_accepted", manager, 60),
                                       (1, "not_resolved", manager, 0)]:
        rule = EscalationRule.objects.create(
            name=f"{EscalationRule.Trigger(trigger).label} L{level}", trigger=trigger,
            level=level, delay_minutes=delay)
        rule.recipients.add(who)


# --- The replay ---------------------------------------------------------------------------

Life = Generator[datetime, None, None]


class _Replay:
    """Runs many lives (generators that yield the moment of their next step) in time order
    on one moved clock; a step due after ``until`` is not taken."""

    def __init__(self, until: datetime):
        self.until = until
        self.queue: list[tuple[datetime, int, Life]] = []
        self.order = itertools.count()

    def add(self, at: datetime, life: Callable[[], Life]) -> None:
        heapq.heappush(self.queue, (at, next(self.order), life()))

    def run(self) -> None:
        import time_machine

        if not self.queue:
            return
        from django.test.utils import override_settings

        # Escalations are told as they happen (so the inbox shows them then, not all at
        # once when a worker first starts), but the history sends no e-mail.
        dummy = "django.core.mail.backends.dummy.EmailBackend"
        with (override_settings(EMAIL_BACKEND=dummy),
              time_machine.travel(self.queue[0][0], tick=False) as clock):
            while self.queue:
                at, _order, life = heapq.heappop(self.queue)
                if at > self.until:
                    continue
                clock.move_to(at)
                following = next(life, None)
                if following is not None:
                    heapq.heappush(self.queue, (max(following, at + timedelta(seconds=20)),
                                                next(self.order), life))


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _on_duty(moment: datetime, rng: random.Random, *, start: int = 8, end: int = 18
             ) -> datetime:
    """``moment`` if staff are at work then, else early in the next shift."""
    local = timezone.localtime(moment)
    if start <= local.hour < end:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= end else 0)
    return _local(day, start) + timedelta(minutes=rng.randint(5, 50))


def _later(moment: datetime, rng: random.Random, low: float, high: float, *,
           duty: bool = True) -> datetime:
    """Some minutes after ``moment`` (skewed towards ``low``), in working hours if ``duty``."""
    minutes = low + (high - low) * rng.random() ** 2
    then = moment + timedelta(minutes=minutes)
    return _on_duty(then, rng) if duty else then


class _Cast:
    """Who does what in the demo company."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.desk = User.objects.get(username="frontdesk")
        self.dispatcher = User.objects.get(username="dispatcher")
        self.manager = User.objects.get(username="manager")
        self.technician = User.objects.get(username="technician")
        from staff.choices import ROLE_GROUP_NAMES, Role

        self.desks = [self.desk, self.desk, *User.objects.filter(
            groups__name=ROLE_GROUP_NAMES[Role.FRONT_DESK], username__startswith="staff")
            .order_by("id")]
        self.members: dict[int, list[User]] = {}
        for territory in Territory.objects.prefetch_related("members__department"):
            people = sorted(territory.members.all(), key=lambda u: u.pk)
            self.members[territory.pk] = people

    def logger(self) -> User:
        return self.rng.choice(self.desks)

    def worker(self, ticket, code: str, *, besides=None) -> User | None:
        people = [u for u in self.members.get(ticket.territory_id, []) if u != besides]
        if code != "cleaning":
            skilled = [u for u in people if u.department and u.department.code == "engineering"]
            people = skilled or people
        if not people:
            return None
        if self.technician in people:  # the demo login gets a full list of his own
            people = [*people, self.technician, self.technician]
        return self.rng.choice(people)


def _scores(rng: random.Random, satisfied: bool) -> dict:
    scores = {}
    for name, mean in DIMENSION_MEANS.items():
        if rng.random() < 0.15:
            continue  # not asked
        value = rng.gauss(mean if satisfied else mean - 2.0, 0.6)
        scores[name] = min(5, max(1, round(value)))
    return scores


def _seed_history(*, stdout, rng: random.Random) -> None:
    from .models import Notice, Ticket

    if Ticket.objects.exists() or Notice.objects.exists():
        return
    if not (User.objects.filter(username="frontdesk").exists()
            and Territory.objects.filter(members__username="technician").exists()):
        return
    cast = _Cast(rng)
    now = timezone.now()
    today = timezone.localdate()
    first_day = today - timedelta(days=HISTORY_DAYS)
    callers = _callers()
    if not callers:
        return
    replay = _Replay(until=now)
    notices = _plan_notices(replay, cast, rng, callers, now)
    codes, weights = zip(*[(code, kind[0]) for code, kind in TICKET_KINDS.items()],
                         strict=True)
    sources, source_weights = zip(*SOURCES, strict=True)
    estates = list(callers)
    sizes = [len(callers[e]) for e in estates]
    day = first_day
    while day <= today:
        low, high = TICKETS_PER_DAY
        rate = low + (high - low) * (day - first_day).days / HISTORY_DAYS
        rate *= 0.7 if day.weekday() >= 5 else 1.0
        if day.month in (6, 7, 8):
            rate *= 1.25  # plum rains and storms
        for _n in range(_poisson(rng, rate)):
            code = rng.choices(codes, weights)[0]
            if code == "leak" and day.month not in (6, 7, 8) and rng.random() < 0.3:
                code = "water-power"
            at = _local(day, 0) + timedelta(minutes=_minute_of_day(rng, code))
            estate = rng.choices(estates, sizes)[0]
            room, party = rng.choice(callers[estate])
            source = rng.choices(sources, source_weights)[0]
            if source == "patrol" and code not in PUBLIC_AREA:
                source = "staff"  # a patrol finds faults in public areas, not in homes
            notice = _notice_for(notices, estate, room, at, code)
            replay.add(at, _ticket_life(cast=cast, rng=random.Random(rng.random()),  # noqa: S311
                                        code=code, room=room, party=party, source=source,
                                        notice=notice))
        day += timedelta(days=1)
    replay.run()
    from .models import FollowUp

    stdout.write(f"service tickets: {Ticket.objects.count()} tickets over {HISTORY_DAYS} days, "
                 f"{Ticket.objects.filter(status='closed').count()} closed, "
                 f"{FollowUp.objects.count()} follow-ups, "
                 f"{Notice.objects.count()} notices")


def _poisson(rng: random.Random, mean: float) -> int:
    count, total = 0, rng.expovariate(1)
    while total < mean:
        count += 1
        total += rng.expovariate(1)
    return count


def _minute_of_day(rng: random.Random, code: str) -> int:
    """Calls come in from early morning to the evening, peaking after work; emergencies
    come at any hour."""
    if code in ("power-outage", "lift") and rng.random() < 0.25:
        return rng.randint(0, 24 * 60 - 1)
    hour = rng.choices(range(7, 22), [2, 6, 9, 9, 7, 4, 6, 7, 6, 5, 6, 7, 6, 4, 2])[0]
    return hour * 60 + rng.randint(0, 59)


def _callers() -> dict[int, list[tuple]]:
    """Per estate: (room, person) pairs of current owners and occupants."""
    callers: dict[int, list[tuple]] = {}
    for model in (Ownership, Occupancy):
        for tenure in (model.objects.filter(end_date__isnull=True)
                       .select_related("room__estate", "room__building", "party")
                       .order_by("pk")):
            callers.setdefault(tenure.room.estate_id, []).append((tenure.room, tenure.party))
    return callers


def _ticket_life(*, cast: _Cast, rng: random.Random, code: str, room, party, source: str,
                 notice, text: str = "") -> Callable[[], Life]:
    def life() -> Life:
        from . import followups
        from .choices import Action, FollowUpMethod, FollowUpOutcome, Status, TicketType
        from .escalation import escalate_by_hand
        from .services import (
            complaint_update,
            ticket_act,
            ticket_add_labour,
            ticket_add_material,
            ticket_chase,
            ticket_comment,
            ticket_create,
        )

        category = Category.objects.get(code=code)
        texts, work = TICKET_KINDS[code][1], TICKET_KINDS[code][2]
        if room.use != "home":
            texts = WORKPLACE_TEXTS.get(code, texts)
        complaint = code == "complaint"
        around = category.around_the_clock
        public = code in PUBLIC_AREA and (source == "patrol" or rng.random() < 0.6)
        reporter = None if source == "patrol" else party
        logger = cast.logger()
        details = {}
        if complaint:
            details = {"severity": rng.choice(["minor", "minor", "moderate", "serious"])}
        ticket = ticket_create(
            by=logger, type=TicketType.COMPLAINT if complaint else TicketType.REPAIR,
            source=source, category=category, description=text or rng.choice(texts),
            room=None if public else room, party=reporter,
            estate=room.estate if public else None, building=room.building if public else None,
            notice=notice["notice"] if notice else None, complaint=details)
        pk = ticket.pk
        now = timezone.now()
        if rng.random() < 0.04:  # cancelled before anyone went
            yield _later(now, rng, 10, 180)
            ticket_act(ticket_id=pk, action=Action.CANCEL, by=cast.dispatcher,
                       note=rng.choice(CANCEL_REASONS))
            return
        urgent = ticket.priority == "urgent"
        slow = rng.random() < 0.1  # the dispatcher is busy, or nobody picks up
        rounds = 0
        while True:
            rounds += 1
            # Dispatch (or a member takes it from the pool).
            now = timezone.now()
            if around:
                yield now + timedelta(minutes=rng.uniform(1, 6))
            else:  # the dispatcher's shift runs into the evening
                yield _on_duty(_later(now, rng, 3, 240 if slow else 35, duty=False), rng,
                               start=8, end=21)
            worker = cast.worker(ticket, code)
            if worker is None:
                return
            if category.dispatch_mode == "grab_pool" and rounds == 1:
                ticket = ticket_act(ticket_id=pk, action=Action.GRAB, by=worker)
                cast_mark_read(worker)
            else:
                ticket = ticket_act(ticket_id=pk, action=Action.DISPATCH, by=cast.dispatcher,
                                    to=worker)
                cast_mark_read(cast.dispatcher)
                if rounds == 1 and rng.random() < 0.04:
                    yield _later(timezone.now(), rng, 5, 30, duty=not around)
                    ticket_act(ticket_id=pk, action=Action.DECLINE, by=worker,
                               note=rng.choice(DECLINE_REASONS))
                    worker = cast.worker(ticket, code, besides=worker) or worker
                    yield _later(timezone.now(), rng, 2, 15, duty=not around)
                    ticket = ticket_act(ticket_id=pk, action=Action.DISPATCH,
                                        by=cast.dispatcher, to=worker)
                if slow and rounds == 1 and not around:
                    # The owner calls again; the desk chases and the dispatcher escalates.
                    yield _later(timezone.now(), rng, 60, 180)
                    ticket = ticket_chase(ticket_id=pk, by=cast.logger(),
                                          note="业主来电催促，希望尽快上门",
                                          raise_priority=not urgent and rng.random() < 0.5)
                    if rng.random() < 0.5:
                        escalate_by_hand(ticket_id=pk, by=cast.dispatcher,
                                         reason="业主多次催促，师傅迟迟未接单")
                        _tell_escalations()
                yield _later(timezone.now(), rng, 1, 300 if slow else 25, duty=not around)
                ticket = ticket_act(ticket_id=pk, action=Action.ACCEPT, by=worker)
                cast_mark_read(worker)
            # On the way; a call first for most.
            if rng.random() < 0.4:
                yield _later(timezone.now(), rng, 2, 20, duty=not around)
                ticket_comment(ticket=ticket, by=worker, kind="call",
                               note=rng.choice(CALL_NOTES))
            far = 5 if around or urgent else (240 if ticket.priority == "low" else 90)
            if not (around or urgent or complaint) and rng.random() < 0.3:
                # The owner booked a visit for another day.
                yield _on_duty(timezone.now() + timedelta(days=rng.uniform(0.8, 4)), rng)
            else:
                yield _later(timezone.now(), rng, 5, far, duty=not around)
            ticket = ticket_act(ticket_id=pk, action=Action.START, by=worker)
            if rounds == 1 and not around and rng.random() < 0.12:
                yield _later(timezone.now(), rng, 15, 60)
                ticket = ticket_act(ticket_id=pk, action=Action.HOLD, by=worker,
                                    note=rng.choice(HOLD_REASONS))
                yield _on_duty(timezone.now() + timedelta(days=rng.uniform(1, 8)), rng)
                ticket = ticket_act(ticket_id=pk, action=Action.RESUME, by=worker)
            if complaint and rounds == 1:
                yield _later(timezone.now(), rng, 120, 40 * 60)
                responsibility, remedy, department = rng.choice(COMPLAINT_FINDINGS)
                from staff.models import Department

                handler = rng.choice([cast.dispatcher, cast.manager])
                cast_mark_read(handler)
                ticket = complaint_update(
                    ticket_id=pk, by=handler,
                    expected_version=ticket.version, replied=True,
                    responsibility=responsibility, remedy=remedy,
                    complained_department=Department.objects.filter(code=department).first())
            if code == "public-facility" and rng.random() < 0.25:
                work = (24 * 60, 6 * 24 * 60)  # a contractor replaces the part
            yield _later(timezone.now(), rng, *work, duty=not around)
            if code in MATERIALS and rng.random() < 0.55:
                name, unit, price = rng.choice(MATERIALS[code])
                ticket_add_material(ticket=ticket, by=worker, name=name, unit=unit,
                                    quantity=rng.choice([1, 1, 1, 2, 3]), unit_price=price,
                                    charged=room is not None and rng.random() < 0.4)
            if not complaint and rng.random() < 0.3:
                ticket = ticket_add_labour(ticket_id=pk, by=worker,
                                           minutes=rng.choice([30, 45, 60, 90, 120]))
            ticket = ticket_act(ticket_id=pk, action=Action.COMPLETE, by=worker)
            if reporter is None:
                # Found on patrol, so nobody to call: the dispatcher checks the place.
                yield _later(timezone.now(), rng, 60, 24 * 60)
                followups.follow_up_record(
                    ticket_id=pk, by=cast.dispatcher, method=FollowUpMethod.VISIT,
                    outcome=FollowUpOutcome.SATISFIED, overall=5, comments="现场复核，已恢复正常")
                return
            # Follow-up by the desk, a day or so later; not everyone answers.
            tries = 0
            while True:
                tries += 1
                wait = rng.uniform(20 * 60, 4 * 24 * 60) if tries == 1 else 24 * 60
                yield _on_duty(timezone.now() + timedelta(minutes=wait), rng, start=9, end=18)
                reached = tries >= 3 or rng.random() > 0.08
                if not reached:
                    followups.follow_up_record(
                        ticket_id=pk, by=cast.logger(), method=FollowUpMethod.CALL,
                        outcome=FollowUpOutcome.NOT_REACHED, comments="电话无人接听")
                    continue
                happy = rng.random() < (0.9 if rounds == 1 else 0.8) or rounds >= 3
                if complaint and rounds == 1 and rng.random() < 0.15:
                    happy = False
                followups.follow_up_record(
                    ticket_id=pk, by=cast.logger(),
                    method=rng.choice([FollowUpMethod.CALL] * 4 + [FollowUpMethod.VISIT,
                                                                  FollowUpMethod.MESSAGE]),
                    outcome=FollowUpOutcome.SATISFIED if happy else FollowUpOutcome.UNSATISFIED,
                    overall=(rng.choice([4, 5, 5, 5]) if happy else rng.choice([1, 2, 2, 3])),
                    scores=_scores(rng, happy),
                    comments=rng.choice(PRAISE) if happy else rng.choice(UNHAPPY))
                break
            _tell_escalations()
            ticket = type(ticket).objects.get(pk=pk)
            if ticket.status != Status.REOPENED:
                return
            slow = False

    return life


def _tell_escalations() -> None:
    """What the worker does for each new escalation, done at once on the moved clock."""
    from .escalation import escalation_notify
    from .models import Escalation

    for pk in Escalation.objects.filter(notified_at__isnull=True).values_list("pk", flat=True):
        escalation_notify(escalation_id=pk)


def cast_mark_read(user) -> None:
    """Staff read their messages when they act on a ticket."""
    from inbox.services import mark_read

    mark_read(user=user)


# --- Notices ------------------------------------------------------------------------------

NOTICES = [
    # kind, title, body, days ago it starts, hours it lasts, building index or None
    ("water", "{building}栋二次供水水箱清洗停水",
     "因二次供水水箱清洗消毒，该楼栋暂停供水，恢复后请先放水 2 分钟。"
     "如需临时用水，可到物业服务中心领取桶装水。", 150, 10, 0),
    ("power", "配电房检修计划停电",
     "供电公司对小区配电房进行年度检修，届时全小区停电，电梯暂停运行，请提前做好准备。",
     120, 6, None),
    ("lift", "{building}栋电梯年度检验暂停使用",
     "特种设备检验所对电梯进行年度检验，检验期间该楼栋电梯暂停使用，给您带来不便敬请谅解。",
     75, 8, 1),
    ("works", "地下车库地坪翻新施工",
     "地下车库分区进行环氧地坪翻新，施工区域暂停停车，请按现场指引停放车辆。", 40, 72, None),
    ("water", "{building}栋二次供水水箱清洗停水",
     "因二次供水水箱清洗消毒，该楼栋暂停供水，恢复后请先放水 2 分钟。"
     "如需临时用水，可到物业服务中心领取桶装水。", 0, 14 * 24, 0),
]
NOTICE_TOPICS = {"water": {"leak", "water-power"}, "power": {"power-outage", "water-power"},
                 "lift": {"lift"}, "works": {"public-facility", "complaint"}}
# What callers report during a notice that needs someone to come: (category, text).
NOTICE_TICKETS = {
    "water": [("water-power", "恢复供水后水龙头出黄水，放了很久还是黄"),
              ("leak", "恢复供水后厨房水管接头开始滴水")],
    "power": [("water-power", "来电后家里空调和冰箱不工作"),
              ("power-outage", "来电后单元楼道灯还是不亮")],
    "lift": [("lift", "电梯检验后楼层显示不准，停层有高差")],
    "works": [("complaint", "车库施工噪音太大，周末早上七点就开始")],
}


def _plan_notices(replay: _Replay, cast: _Cast, rng: random.Random, callers: dict, now
                  ) -> list[dict]:
    """The notices of the period, posted two days ahead, each on one of the estates; the
    last (a water outage) is in force now, so the desk sees it at fast entry. Owners call
    while one is in force: most are answered from it, a few need someone to come."""
    from .notices import notice_call_record, notice_create

    estates = list(Estate.objects.order_by("id"))
    plans = []
    for index, (kind, title, body, days_ago, hours, building_index) in enumerate(NOTICES):
        estate = estates[index % len(estates)]
        buildings = list(Building.objects.filter(estate=estate).order_by("id"))
        building = (buildings[building_index % len(buildings)]
                    if building_index is not None and buildings else None)
        starts = (now - timedelta(hours=1) if days_ago == 0 else
                  _local(timezone.localdate() - timedelta(days=days_ago), 9))
        plan = {"kind": kind, "estate": estate.pk, "building": building,
                "starts": starts, "ends": starts + timedelta(hours=hours), "notice": None}
        plans.append(plan)

        def life(plan=plan, title=title, body=body, building=building, estate=estate) -> Life:
            plan["notice"] = notice_create(
                by=cast.desk, kind=plan["kind"], estate=estate,
                buildings=[building] if building else [],
                title=title.format(building=building.number if building else ""), body=body,
                starts_at=plan["starts"], ends_at=plan["ends"])
            yield plan["starts"]
            affected = [(room, party) for room, party in callers.get(estate.pk, [])
                        if building is None or room.building_id == building.pk]
            if not affected:
                return
            shares = sorted(rng.random() for _call in range(rng.randint(3, 6)))
            for share in shares:
                yield plan["starts"] + (plan["ends"] - plan["starts"]) * share
                room, party = rng.choice(affected)
                notice_call_record(notice=plan["notice"], by=cast.logger(), party=party,
                                   room=room)
            for code, text in NOTICE_TICKETS[plan["kind"]]:
                room, party = rng.choice(affected)
                at = _on_duty(plan["ends"] + timedelta(minutes=rng.randint(10, 240)), rng)
                replay.add(at, _ticket_life(cast=cast, rng=random.Random(rng.random()),  # noqa: S311
                                            code=code, room=room, party=party, source="phone",
                                            notice=plan, text=text))

        replay.add(starts - timedelta(days=2 if days_ago else 0, minutes=5), life)
    return plans


def _notice_for(notices: list[dict], estate_id: int, room, at: datetime, code: str):
    """The plan of the notice a ticket logged then would be linked to (its notice is
    posted by the time the ticket is logged)."""
    for plan in notices:
        if (plan["estate"] == estate_id and plan["starts"] <= at < plan["ends"]
                and code in NOTICE_TOPICS[plan["kind"]]
                and (plan["building"] is None or plan["building"].pk == room.building_id)):
            return plan
    return None
