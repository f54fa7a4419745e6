"""Demo categories with service times, and territories for the demo estates."""

import random

from owners.models import Estate
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
    if Category.objects.filter(code="water-power").exists():
        stdout.write("service tickets: demo categories already present")
        return
    for parent, name, code, priority, around, mode, minutes in CATEGORIES:
        category = Category.objects.create(
            parent=Category.objects.get(code=parent) if parent else None, name=name, code=code,
            default_priority=priority, around_the_clock=around, dispatch_mode=mode)
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
