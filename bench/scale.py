"""Scale data for the benchmark: rows in the numbers the pages must handle.

Each area adds a function here for its own tables. Bulk inserts, skipped when the rows
are already there, so a second run starts at once.
"""

import argparse
import json
import os
import random
import time
from datetime import timedelta

import django


def scale_staff(target: int) -> None:
    from faker import Faker

    from staff.models import Department, User

    existing = User.objects.count()
    if existing >= target:
        return
    fake = Faker("zh_CN")
    fake.seed_instance(7)
    departments = list(Department.objects.all())
    batch = []
    for index in range(existing, target):
        batch.append(User(
            username=f"bench{index:07d}",
            full_name=fake.name(),
            department=departments[index % len(departments)],
            job_title="维修工",
            mobile=f"139{index:08d}",
            password="!",  # unusable
        ))
        if len(batch) == 5000:
            User.objects.bulk_create(batch)
            batch = []
    User.objects.bulk_create(batch)


BENCH_ESTATE = "基准小区"


def scale_owners(*, estates: int, rooms: int, people: int) -> None:
    """``estates`` estates of 20-storey buildings, 2 units × 2 rooms a floor; one owner per
    room and the other people as family members and tenants."""
    from faker import Faker

    from owners import identity
    from owners.models import Building, Estate, Occupancy, Ownership, Party, Phone, Room, Unit
    from owners.pinyin import name_keys
    from owners.validators import mask_id_number, resident_id_check_char

    # The scale data's own rooms and people, whatever the demo data holds beside them:
    # counting every room or person would take the demo's for part of the scale.
    bench_rooms = Room.objects.filter(estate__name__startswith=BENCH_ESTATE)
    if bench_rooms.count() >= rooms:
        return
    rng = random.Random(11)
    fake = Faker("zh_CN")
    fake.seed_instance(11)
    per_estate = rooms // estates
    per_building = 20 * 2 * 2
    room_objs = []
    for e in range(estates):
        estate, _ = Estate.objects.get_or_create(name=f"{BENCH_ESTATE}{e + 1:02d}")
        for b in range(max(1, per_estate // per_building)):
            building, _ = Building.objects.get_or_create(estate=estate, number=f"B{b + 1}")
            for u in (1, 2):
                unit, _ = Unit.objects.get_or_create(building=building, number=str(u))
                for floor in range(1, 21):
                    for r in (1, 2):
                        number = f"{floor}{r:02d}"
                        room_objs.append(Room(estate=estate, building=building, unit=unit,
                                              number=number, floor=floor, gross_area=90,
                                              code=f"B{b + 1}-{u}-{number}",
                                              sort_key=Room.natural_key_for(
                                                  f"B{b + 1}-{u}-{number}")))
    Room.objects.bulk_create(room_objs, batch_size=5000, ignore_conflicts=True)
    room_ids = list(bench_rooms.values_list("id", flat=True))

    def new_party(i: int) -> Party:
        name = fake.name()
        full, initials = name_keys(name)
        first17 = (f"33{i // 1000 % 10000:04d}{1950 + i % 50}{1 + i % 12:02d}"
                   f"{1 + i % 28:02d}{i % 1000:03d}")
        number = first17 + resident_id_check_char(first17)
        return Party(name=name, name_pinyin=full, name_initials=initials,
                     id_type="resident_id", id_encrypted=identity.encrypt(number),
                     id_hash=identity.lookup_hash(number), id_masked=mask_id_number(number))

    # Each person of the scale data owns or lives in one of its rooms.
    done = (Ownership.objects.filter(room__in=bench_rooms).count()
            + Occupancy.objects.filter(room__in=bench_rooms).count())
    for start in range(done, people, 5000):
        batch = [new_party(i) for i in range(start, min(start + 5000, people))]
        Party.objects.bulk_create(batch)
        phones, ownerships, occupancies = [], [], []
        for offset, party in enumerate(batch):
            i = start + offset
            mobile = f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
            phones.append(Phone(party=party, e164=f"+86{mobile}", kind="mobile",
                                display=mobile, tail=mobile[-4:], is_primary=True))
            room_id = room_ids[i % len(room_ids)]
            if i < len(room_ids):
                ownerships.append(Ownership(room_id=room_id, party=party))
            else:
                occupancies.append(Occupancy(room_id=room_id, party=party,
                                             relation=rng.choice(["family", "tenant"])))
        Phone.objects.bulk_create(phones)
        Ownership.objects.bulk_create(ownerships)
        Occupancy.objects.bulk_create(occupancies)


# --- Service tickets -------------------------------------------------------------------
# Generated by set-based SQL (INSERT … SELECT over generate_series), a chunk of tickets and
# their events per transaction: ten million events through the ORM would take hours.

TICKET_CHUNK = 100_000
TICKET_YEARS = 3
OPEN_MEAN_AGE_DAYS = 30  # P(still open) = exp(-age / 30 d): about 3 % of three years
FAST_ENTRY_MARK = "基准快速录入"  # descriptions of tickets the fast-entry benchmark posts

# Category code: weight among tickets, and what callers say.
TICKET_CATEGORIES = {
    "leak": (25, ["卫生间天花板漏水", "厨房水管接口渗水", "楼上漏水到我家客厅", "阳台地漏反水"]),
    "water-power": (15, ["家里插座没电", "水龙头关不紧一直滴水", "热水器打不着火", "灯不亮了"]),
    "power-outage": (5, ["整层楼停电", "家里跳闸合不上", "单元楼道停电", "电表箱冒烟"]),
    "public-facility": (12, ["单元门禁坏了", "楼道灯不亮", "小区路灯不亮", "健身器材松动"]),
    "lift": (8, ["电梯困人", "电梯门关不上", "电梯异响", "电梯按钮失灵"]),
    "cleaning": (20, ["楼道垃圾没人清理", "草坪需要修剪", "地下车库有积水", "垃圾桶满了"]),
    "complaint": (15, ["投诉楼上装修噪音", "投诉保安态度差", "投诉维修师傅迟到", "投诉停车乱收费"]),
}
# Which state the open tickets (and "done", awaiting follow-up) are in: the work of the
# last two days moving, older ones mostly waiting for follow-up or for parts (on hold).
OPEN_MIX_RECENT = [("new", 0.2), ("dispatched", 0.4), ("accepted", 0.55), ("in_progress", 0.9),
                   ("on_hold", 0.95), ("reopened", 1.0)]
OPEN_MIX_OLDER = [("done", 0.6), ("on_hold", 0.78), ("in_progress", 0.92), ("accepted", 0.95),
                  ("dispatched", 0.97), ("new", 0.985), ("reopened", 1.0)]
RECENT_DAYS = 2
# The actions that brought a ticket to its state, in order.
TICKET_PATHS = {
    "new": [],
    "dispatched": ["dispatch"],
    "accepted": ["dispatch", "accept"],
    "in_progress": ["dispatch", "accept", "start"],
    "on_hold": ["dispatch", "accept", "start", "hold"],
    "done": ["dispatch", "accept", "start", "complete"],
    "closed": ["dispatch", "accept", "start", "complete", "close"],
    "cancelled": ["cancel"],
    "reopened": ["dispatch", "accept", "start", "complete", "close", "reopen"],
}
WORK_NOTES = ["已电话联系业主，约定上门时间", "师傅已到现场查看", "需更换配件，已申请领料",
              "业主来电询问进度", "已向业主说明处理方案", "现场已处理，待业主确认",
              "配件已到，安排明天上门", "已拍照留存"]
# Working-hours SLA minutes as wall-clock minutes, roughly (8 working hours in 24, weekends).
WORKING_TIME_FACTOR = 3.5


def _event_plan(events_per_ticket: int) -> list[tuple]:
    """(status, position, kind, action, from, to, actor, time key, share, note) rows: the
    events of a ticket in each state, comments spread between the state changes."""
    from service_tickets.transitions import target_of

    rows = []
    for status, path in TICKET_PATHS.items():
        if len(path) + 1 > events_per_ticket:
            raise ValueError(f"{events_per_ticket} events cannot tell a {status} ticket")
        steps = [("created", "", "", "new")]
        current = "new"
        for action in path:
            target = target_of(action, current)
            if target is None:
                raise ValueError(f"{action} is not allowed from {current}")
            steps.append(("transition", action, current, target))
            current = target
        if current != status:
            raise ValueError(f"the path of {status} ends in {current}")
        # Comments follow each step; a closed or cancelled ticket has none after its end.
        slots = len(steps) - (1 if status in ("closed", "cancelled") and path else 0)
        comments = [0] * len(steps)
        for index in range(events_per_ticket - len(steps)):
            comments[index % slots] += 1
        sequence = []
        for step, count in zip(steps, comments, strict=True):
            sequence.append(step)
            sequence += [("comment", "", "", "")] * count
        for position, (kind, action, before, after) in enumerate(sequence, start=1):
            at = {"created": "created", "comment": "comment"}.get(kind, action)
            actor = ("desk" if kind == "created" else
                     "dispatcher" if action in ("dispatch", "close", "cancel", "reopen") else
                     "assignee")
            note = WORK_NOTES[(3 * position + len(rows)) % len(WORK_NOTES)] if kind == "comment" \
                else ""
            rows.append((status, position, kind, action, before, after, actor, at,
                         (position - 0.5) / len(sequence), note))
    return rows


def _bench_territories() -> None:
    """One territory per estate that has none (seed_demo made only the demo estates'), each
    with eight service staff of the scale data."""
    from owners.models import Estate
    from service_tickets.models import Territory
    from staff.choices import Role
    from staff.models import User
    from staff.roles import role_group

    estates = list(Estate.objects.filter(territories__isnull=True).order_by("id"))
    if not estates:
        return
    group = role_group(Role.SERVICE_STAFF)
    staff = list(User.objects.filter(username__startswith="bench", is_active=True)
                 .order_by("id").values_list("id", flat=True)[: 8 * len(estates)])
    for index, estate in enumerate(estates):
        territory, _ = Territory.objects.get_or_create(name=f"{estate.name}片区")
        territory.estates.add(estate)
        members = staff[index * 8: index * 8 + 8]
        territory.members.add(*members)
        group.user_set.add(*members)


def _prepare_ticket_tables(cursor, events_per_ticket: int) -> dict:
    """Temporary lookup tables the chunks join, and the arrays they pick from."""
    from owners.models import Ownership, Room
    from service_tickets.models import Category, SlaTarget, Territory
    from staff.choices import Role
    from staff.models import User

    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    missing = set(TICKET_CATEGORIES) - set(categories)
    if missing:
        raise SystemExit(f"categories {sorted(missing)} missing: run seed_demo first")
    through = {name: getattr(Territory, name).through._meta.db_table
               for name in ("estates", "buildings", "members")}
    cursor.execute(
        f"""CREATE TEMP TABLE bench_member AS
            SELECT m.territory_id, row_number() OVER (PARTITION BY m.territory_id
                                                     ORDER BY m.user_id) AS k, m.user_id
            FROM {through['members']} m JOIN {User._meta.db_table} u ON u.id = m.user_id
            WHERE u.is_active""")  # noqa: S608 - table names from the models
    cursor.execute(
        f"""CREATE TEMP TABLE bench_room AS
            WITH owner AS (SELECT DISTINCT ON (room_id) room_id, party_id
                           FROM {Ownership._meta.db_table} ORDER BY room_id, id),
                 by_building AS (SELECT building_id, min(territory_id) AS territory_id
                                 FROM {through['buildings']} GROUP BY building_id),
                 by_estate AS (SELECT estate_id, min(territory_id) AS territory_id
                               FROM {through['estates']} GROUP BY estate_id),
                 size AS (SELECT territory_id, count(*) AS members FROM bench_member
                          GROUP BY territory_id)
            SELECT row_number() OVER (ORDER BY r.id) AS rn, r.id AS room_id, r.estate_id,
                   r.building_id, owner.party_id,
                   coalesce(bb.territory_id, be.territory_id) AS territory_id,
                   coalesce(size.members, 0) AS members
            FROM {Room._meta.db_table} r
            LEFT JOIN owner ON owner.room_id = r.id
            LEFT JOIN by_building bb ON bb.building_id = r.building_id
            LEFT JOIN by_estate be ON be.estate_id = r.estate_id
            LEFT JOIN size ON size.territory_id = coalesce(bb.territory_id, be.territory_id)
            """)  # noqa: S608 - table names from the models
    cursor.execute("CREATE UNIQUE INDEX ON bench_room (rn)")
    cursor.execute("CREATE UNIQUE INDEX ON bench_member (territory_id, k)")
    cursor.execute("""CREATE TEMP TABLE bench_category (
        category_id bigint PRIMARY KEY, default_priority text, is_complaint boolean,
        follow_up_days int)""")
    cursor.execute("""CREATE TEMP TABLE bench_text (category_id bigint, k int, text text,
        PRIMARY KEY (category_id, k))""")
    for code, (_weight, texts) in TICKET_CATEGORIES.items():
        category = categories[code]
        cursor.execute("INSERT INTO bench_category VALUES (%s, %s, %s, %s)",
                       [category.pk, category.default_priority, code == "complaint",
                        getattr(category, "follow_up_days", 3)])
        cursor.executemany("INSERT INTO bench_text VALUES (%s, %s, %s)",
                           [(category.pk, k, text) for k, text in enumerate(texts, start=1)])
    cursor.execute("""CREATE TEMP TABLE bench_sla (category_id bigint, priority text,
        accept_m float8, respond_m float8, resolve_m float8,
        PRIMARY KEY (category_id, priority))""")
    for target in SlaTarget.objects.select_related("category"):
        factor = 1 if target.category.around_the_clock else WORKING_TIME_FACTOR
        cursor.execute("INSERT INTO bench_sla VALUES (%s, %s, %s, %s, %s)",
                       [target.category_id, target.priority, target.accept_minutes * factor,
                        target.respond_minutes * factor, target.resolve_minutes * factor])
    cursor.execute("""CREATE TEMP TABLE bench_plan (status text, position int, kind text,
        action text, from_status text, to_status text, actor text, at text, share float8,
        note text)""")
    cursor.executemany("INSERT INTO bench_plan VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                       _event_plan(events_per_ticket))
    cursor.execute("ANALYZE bench_room")
    cursor.execute("ANALYZE bench_member")

    weighted = [categories[code].pk for code, (weight, _t) in TICKET_CATEGORIES.items()
                for _ in range(weight)]
    desk = list(User.objects.filter(groups__name__in=_group_names(Role.FRONT_DESK),
                                    is_active=True).order_by("id").values_list("id", flat=True))
    dispatcher = User.objects.filter(username="dispatcher").values_list("id", flat=True).first()
    staff = list(User.objects.filter(username__startswith="bench", is_active=True)
                 .order_by("id").values_list("id", flat=True)[:200])
    if not desk or dispatcher is None or not staff:
        raise SystemExit("desk users, the dispatcher or scale staff missing: run seed_demo "
                         "and scale_staff first")
    return {"categories": weighted, "desk": desk, "dispatcher": dispatcher, "staff": staff}


def _group_names(*roles) -> list[str]:
    from staff.choices import ROLE_GROUP_NAMES

    return [ROLE_GROUP_NAMES[role] for role in roles]


def _columns(cursor, table: str, provided: dict[str, str]) -> dict[str, str]:
    """``provided`` for the columns the table has, plus an empty value for any other NOT NULL
    column without a default (a field added since this was written), so generation keeps
    working as the model grows; anything else it cannot fill stops it with the column name."""
    cursor.execute("""SELECT column_name, is_nullable,
                             coalesce(column_default, identity_generation), data_type
                      FROM information_schema.columns WHERE table_name = %s
                      ORDER BY ordinal_position""", [table])
    empty = {"character varying": "''", "text": "''", "integer": "0", "smallint": "0",
             "bigint": "0", "boolean": "false", "jsonb": "'{}'::jsonb", "numeric": "0"}
    columns = {}
    for name, nullable, default, data_type in cursor.fetchall():
        if name in provided:
            columns[name] = provided[name]
        elif nullable == "NO" and default is None:
            if data_type not in empty:
                raise SystemExit(f"{table}.{name} ({data_type}) needs a value in bench/scale.py")
            columns[name] = empty[data_type]
    return columns


# One chunk of tickets: ``g`` draws the random numbers once per ticket (MATERIALIZED, so
# every column reads the same draw), ``s`` decides state and timing, ``t`` inserts the
# tickets and the final INSERT writes their events from the plan.
TICKET_CHUNK_SQL = """
WITH g AS MATERIALIZED (
    SELECT i, random() AS r_room, random() AS r_cat, random() AS r_pri, random() AS r_open,
           random() AS r_state, random() AS r_type, random() AS r_src, random() AS r_who,
           random() AS r_at, random() AS r_d1, random() AS r_d2, random() AS r_d3,
           random() AS r_d4, random() AS r_more, random() AS r_public
    FROM generate_series(%(first)s, %(last)s) AS i
), b AS MATERIALIZED (
    SELECT g.*,
           %(now)s::timestamptz - make_interval(secs => (%(total)s - g.i + g.r_at)
                                                 * %(span)s / %(total)s) AS c,
           (%(categories)s::bigint[])[1 + floor(g.r_cat * %(n_categories)s)::int] AS category_id
    FROM g
), s AS MATERIALIZED (
    SELECT b.*, cat.is_complaint, cat.follow_up_days, r.room_id, r.estate_id, r.building_id,
           r.party_id, r.territory_id,
           coalesce(m.user_id, (%(staff)s::bigint[])[1 + floor(b.r_who * %(n_staff)s)::int])
               AS worker,
           (%(desk)s::bigint[])[1 + floor(b.r_who * %(n_desk)s)::int] AS desk,
           CASE WHEN b.r_open < exp(-extract(epoch FROM %(now)s::timestamptz - b.c)
                                    / 86400.0 / %(open_days)s) THEN
                CASE WHEN b.c > %(now)s::timestamptz - interval '{recent_days} days'
                     THEN CASE {open_recent} END ELSE CASE {open_older} END END
                WHEN b.r_state < 0.06 THEN 'cancelled' ELSE 'closed' END AS status,
           CASE WHEN b.r_pri < 0.7 THEN cat.default_priority
                ELSE (ARRAY['urgent', 'high', 'normal', 'low'])[
                     1 + floor((b.r_pri - 0.7) / 0.3 * 4)::int] END AS priority
    FROM b
    JOIN bench_category cat ON cat.category_id = b.category_id
    JOIN bench_room r ON r.rn = 1 + floor(b.r_room * %(n_rooms)s)::int
    LEFT JOIN bench_member m ON m.territory_id = r.territory_id
                            AND m.k = 1 + floor(b.r_who * r.members)::int
), d AS MATERIALIZED (
    -- Minutes from creation to accepted, started, done and closed: mostly within the
    -- targets, about one in ten late, squeezed into the ticket's age when it is recent.
    SELECT s.*, sla.accept_m, sla.respond_m, sla.resolve_m,
           least(1.0, 0.9 * extract(epoch FROM %(now)s::timestamptz - s.c) / 60.0
                 / (x.d3 + 120 + 4200 * s.r_d4)) AS f,
           x.d1, x.d2, x.d3, x.d3 + 120 + 4200 * s.r_d4 AS d4
    FROM s
    LEFT JOIN bench_sla sla ON sla.category_id = s.category_id AND sla.priority = s.priority
    CROSS JOIN LATERAL (SELECT coalesce(sla.accept_m, 60) * (0.2 + 0.9 * s.r_d1) AS d1) x1
    CROSS JOIN LATERAL (SELECT x1.d1 + greatest(coalesce(sla.respond_m - sla.accept_m, 120), 5)
                               * (0.2 + 0.9 * s.r_d2) AS d2) x2
    CROSS JOIN LATERAL (SELECT x1.d1, x2.d2,
                               x2.d2 + greatest(coalesce(sla.resolve_m - sla.respond_m, 600), 10)
                               * (0.2 + 1.0 * s.r_d3) AS d3) x
), w AS MATERIALIZED (
    SELECT d.*,
           d.c + make_interval(secs => d.d1 * d.f * 60) AS t_accept,
           d.c + make_interval(secs => d.d2 * d.f * 60) AS t_start,
           d.c + make_interval(secs => d.d3 * d.f * 60) AS t_done,
           d.c + make_interval(secs => d.d4 * d.f * 60) AS t_close
    FROM d
), v AS MATERIALIZED (
    SELECT w.*,
           CASE w.status
               WHEN 'new' THEN w.c
               WHEN 'dispatched' THEN w.c + (w.t_accept - w.c) / 2
               WHEN 'cancelled' THEN w.c + (w.t_accept - w.c) / 2
               WHEN 'accepted' THEN w.t_accept
               WHEN 'in_progress' THEN w.t_start
               WHEN 'on_hold' THEN w.t_start + (w.t_done - w.t_start) / 2
               WHEN 'done' THEN w.t_done
               WHEN 'closed' THEN w.t_close
               ELSE w.t_close + (%(now)s::timestamptz - w.t_close) * (0.1 + 0.8 * w.r_more)
           END AS t_last,
           (w.status IN ('accepted', 'in_progress', 'on_hold', 'done', 'closed', 'reopened'))
               AS was_accepted,
           (w.status IN ('in_progress', 'on_hold', 'done', 'closed', 'reopened')) AS was_started
    FROM w
), t AS (
    INSERT INTO {ticket} ({columns})
    SELECT {values} FROM v
    RETURNING id, status, created_at, updated_at, accepted_at, responded_at, resolved_at,
              closed_at, held_since, assignee_id, created_by_id
)
INSERT INTO {event} (ticket_id, kind, action, from_status, to_status, actor_id, note, data,
                     created_at)
SELECT t.id, p.kind, p.action, p.from_status, p.to_status,
       CASE p.actor WHEN 'desk' THEN t.created_by_id
                    WHEN 'dispatcher' THEN %(dispatcher)s
                    ELSE coalesce(t.assignee_id, t.created_by_id) END,
       p.note, '{{}}'::jsonb,
       CASE p.at
           WHEN 'created' THEN t.created_at
           WHEN 'dispatch' THEN t.created_at + (coalesce(t.accepted_at, t.updated_at)
                                               - t.created_at) / 2
           WHEN 'accept' THEN t.accepted_at
           WHEN 'start' THEN t.responded_at
           WHEN 'hold' THEN t.held_since
           WHEN 'complete' THEN coalesce(t.resolved_at, t.responded_at
                                         + (t.updated_at - t.responded_at) * 0.3)
           WHEN 'close' THEN coalesce(t.closed_at, t.responded_at
                                      + (t.updated_at - t.responded_at) * 0.6)
           WHEN 'comment' THEN t.created_at + (
               CASE WHEN t.status IN ('closed', 'cancelled') THEN t.updated_at
                    ELSE greatest(t.updated_at, %(now)s::timestamptz - interval '1 minute')
               END - t.created_at) * p.share
           ELSE t.updated_at
       END
FROM t JOIN bench_plan p ON p.status = t.status
ORDER BY t.id, p.position
"""

TICKET_VALUES = {
    "version": "1 + (SELECT count(*) FROM bench_plan p WHERE p.status = v.status "
               "AND p.kind = 'transition')",
    "number": "'GD' || to_char(v.c AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' "
              "|| lpad(v.i::text, greatest(7, length(v.i::text)), '0')",
    "type": "CASE WHEN v.is_complaint THEN 'complaint' WHEN v.r_type < 0.85 THEN 'repair' "
            "WHEN v.r_type < 0.93 THEN 'enquiry' WHEN v.r_type < 0.97 THEN 'suggestion' "
            "WHEN v.r_type < 0.99 THEN 'other' ELSE 'praise' END",
    "source": "CASE WHEN v.r_src < 0.6 THEN 'phone' WHEN v.r_src < 0.75 THEN 'walk_in' "
              "WHEN v.r_src < 0.85 THEN 'staff' WHEN v.r_src < 0.95 THEN 'patrol' "
              "WHEN v.r_src < 0.98 THEN 'suggestion_box' ELSE 'committee' END",
    "category_id": "v.category_id",
    "priority": "v.priority",
    "status": "v.status",
    "description": "(SELECT x.text FROM bench_text x WHERE x.category_id = v.category_id "
                   "AND x.k = 1 + v.i %% 4)",
    "estate_id": "v.estate_id",
    "building_id": "v.building_id",
    "room_id": "CASE WHEN v.r_public < 0.1 THEN NULL ELSE v.room_id END",
    "party_id": "CASE WHEN v.r_public < 0.1 THEN NULL ELSE v.party_id END",
    "territory_id": "v.territory_id",
    "assignee_id": "CASE WHEN v.status IN ('new', 'cancelled') THEN NULL ELSE v.worker END",
    "created_by_id": "v.desk",
    "accept_due": "v.c + make_interval(secs => v.accept_m * 60)",
    "respond_due": "v.c + make_interval(secs => v.respond_m * 60)",
    "resolve_due": "CASE WHEN v.status = 'reopened' THEN v.t_last ELSE v.c END "
                   "+ make_interval(secs => v.resolve_m * 60)",
    "resolve_warn_at": "CASE WHEN v.status = 'reopened' THEN v.t_last ELSE v.c END "
                       "+ make_interval(secs => v.resolve_m * 45)",
    "accepted_at": "CASE WHEN v.was_accepted THEN v.t_accept END",
    "responded_at": "CASE WHEN v.was_started THEN v.t_start END",
    "resolved_at": "CASE WHEN v.status IN ('done', 'closed') THEN v.t_done END",
    "closed_at": "CASE WHEN v.status = 'closed' THEN v.t_close END",
    "held_since": "CASE WHEN v.status = 'on_hold' THEN v.t_last END",
    "labour_minutes": "CASE WHEN v.status IN ('done', 'closed') THEN 15 "
                      "+ floor(v.r_more * 120)::int ELSE 0 END",
    "chase_count": "CASE WHEN v.status NOT IN ('closed', 'cancelled') AND v.r_more < 0.2 "
                   "THEN 1 + floor(v.r_more * 10)::int ELSE 0 END",
    "last_chased_at": "CASE WHEN v.status NOT IN ('closed', 'cancelled') AND v.r_more < 0.2 "
                      "THEN v.c + (%(now)s::timestamptz - v.c) / 2 END",
    "complained_other": "''",
    "severity": "CASE WHEN v.is_complaint THEN (ARRAY['minor', 'moderate', 'serious'])["
                "1 + floor(v.r_more * 3)::int] ELSE '' END",
    "responsibility": "CASE WHEN v.is_complaint AND v.status = 'closed' THEN "
                      "(ARRAY['company', 'staff', 'contractor', 'owner', 'none'])["
                      "1 + floor(v.r_d1 * 5)::int] ELSE '' END",
    "remedy": "''",
    "reply_due": "CASE WHEN v.is_complaint THEN v.c + interval '2 days' END",
    "replied_at": "CASE WHEN v.is_complaint AND v.was_started THEN v.t_start END",
    "owner_rating": "CASE WHEN v.status = 'closed' AND v.r_d2 < 0.6 THEN "
                    "3 + floor(v.r_d3 * 3)::int END",
    "follow_up_due": "CASE WHEN v.status IN ('done', 'closed') THEN v.t_done "
                     "+ make_interval(days => v.follow_up_days) END",
    "followed_up_at": "CASE WHEN v.status = 'closed' AND v.r_d3 < 0.8 THEN v.t_close END",
    "satisfaction": "CASE WHEN v.status = 'closed' AND v.r_d3 < 0.8 THEN "
                    "3 + floor(v.r_d2 * 3)::int END",
    "reopen_count": "CASE WHEN v.status = 'reopened' OR (v.status = 'closed' "
                    "AND v.r_more > 0.98) THEN 1 ELSE 0 END",
    "created_at": "v.c",
    "updated_at": "v.t_last",
}


def _mix_sql(mix: list[tuple[str, float]]) -> str:
    """The CASE branches picking a state by the ticket's draw from cumulative shares."""
    branches = " ".join(f"WHEN b.r_state < {share} THEN '{status}'" for status, share in mix[:-1])
    return f"{branches} ELSE '{mix[-1][0]}'"


def _bench_tickets_done(cursor, table: str) -> int:
    """Tickets this generator made so far (their numbers end in seven or more digits)."""
    cursor.execute(f"SELECT count(*) FROM {table} "  # noqa: S608 - table name from the model
                   r"WHERE number ~ '^GD[0-9]{8}-[0-9]{7,}$'")
    return cursor.fetchone()[0]


def scale_tickets(target: int = 1_000_000, events_per_ticket: int = 10) -> None:
    """``target`` tickets over three years with ``events_per_ticket`` events each: about 97 %
    closed or cancelled, the rest in the open states, assigned in their territory, with SLA
    due times (many of the old open ones overdue). Skipped when they are there already."""
    from django.db import connection, transaction
    from django.utils import timezone

    from service_tickets.models import Escalation, Ticket, TicketEvent

    if target <= 0 or connection.vendor != "postgresql":
        return
    table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        if cursor.fetchone()[0] >= target:
            return
        done = _bench_tickets_done(cursor, table)
    if done >= target:
        return
    started = time.monotonic()
    _bench_territories()
    with connection.cursor() as cursor:
        lookups = _prepare_ticket_tables(cursor, events_per_ticket)
        cursor.execute("SELECT count(*) FROM bench_room")
        rooms = cursor.fetchone()[0]
        columns = _columns(cursor, table, TICKET_VALUES)
        sql = TICKET_CHUNK_SQL.format(
            ticket=table, event=TicketEvent._meta.db_table, columns=", ".join(columns),
            values=", ".join(columns.values()), recent_days=RECENT_DAYS,
            open_recent=_mix_sql(OPEN_MIX_RECENT), open_older=_mix_sql(OPEN_MIX_OLDER))
        params = {
            "total": target, "now": timezone.now(), "span": TICKET_YEARS * 365 * 86400,
            "open_days": OPEN_MEAN_AGE_DAYS, "n_rooms": rooms,
            "categories": lookups["categories"], "n_categories": len(lookups["categories"]),
            "staff": lookups["staff"], "n_staff": len(lookups["staff"]),
            "desk": lookups["desk"], "n_desk": len(lookups["desk"]),
            "dispatcher": lookups["dispatcher"],
        }
        for first in range(done + 1, target + 1, TICKET_CHUNK):
            last = min(first + TICKET_CHUNK - 1, target)
            with transaction.atomic():
                cursor.execute("SET LOCAL synchronous_commit TO off")
                cursor.execute(sql, {**params, "first": first, "last": last})
            print(f"tickets: {last:,} of {target:,} "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
        for name in ("bench_member", "bench_room", "bench_category", "bench_text",
                     "bench_sla", "bench_plan"):
            cursor.execute(f"DROP TABLE {name}")
    scale_escalation_rules(backfill=True)
    # A table of this age has been vacuumed many times: all-visible pages let counts and
    # id lists come from the indexes alone, as they would in production.
    with connection.cursor() as cursor:
        for model in (Ticket, TicketEvent, Escalation):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    print(f"tickets: {target - done:,} tickets with {events_per_ticket} events each in "
          f"{time.monotonic() - started:.0f} s", flush=True)


BENCH_RULES = [  # (trigger, level, minutes after the missed time)
    ("not_accepted", 1, 0), ("not_accepted", 2, 60),
    ("not_resolved", 1, 0), ("not_resolved", 2, 240),
]


def scale_escalation_rules(*, backfill: bool) -> None:
    """Escalation rules for every category (the dispatcher at level 1, the manager at 2). With
    ``backfill``, open tickets that missed their times over an hour ago count as escalated
    already, as they would be with the scanner running every minute; the scan measured by
    the benchmark then finds what became due since."""
    from django.db import connection
    from django.utils import timezone

    from service_tickets.choices import OPEN_STATUSES, Status
    from service_tickets.models import Escalation, EscalationRule, Ticket
    from staff.models import User

    recipients = {1: User.objects.filter(username="dispatcher").first(),
                  2: User.objects.filter(username="manager").first()}
    rules = []
    for trigger, level, delay in BENCH_RULES:
        rule, created = EscalationRule.objects.get_or_create(
            name=f"基准 {trigger} L{level}", defaults={
                "trigger": trigger, "level": level, "delay_minutes": delay})
        if created and recipients[level] is not None:
            rule.recipients.add(recipients[level])
        rules.append(rule)
    if not backfill:
        return
    before = timezone.now() - timedelta(hours=1)
    with connection.cursor() as cursor:
        for rule in rules:
            if rule.trigger == EscalationRule.Trigger.NOT_ACCEPTED:
                due, statuses = "accept_due", [Status.NEW, Status.DISPATCHED, Status.REOPENED]
                extra = ""
            else:
                due, statuses, extra = "resolve_due", OPEN_STATUSES, "AND resolved_at IS NULL"
            columns = _columns(cursor, Escalation._meta.db_table, {
                "ticket_id": "id", "rule_id": "%(rule)s", "level": "%(level)s",
                "created_at": f"{due} + %(delay)s", "notified_at": f"{due} + %(delay)s"})
            cursor.execute(
                f"""INSERT INTO {Escalation._meta.db_table} ({", ".join(columns)})
                    SELECT {", ".join(columns.values())}
                    FROM {Ticket._meta.db_table}
                    WHERE status = ANY(%(statuses)s) AND held_since IS NULL {extra}
                      AND {due} + %(delay)s <= %(before)s
                    ON CONFLICT DO NOTHING""",  # noqa: S608 - names from the models
                {"rule": rule.pk, "level": rule.level,
                 "delay": timedelta(minutes=rule.delay_minutes),
                 "statuses": [str(s) for s in statuses], "before": before})


def retire_fast_entry_tickets() -> int:
    """Cancel the tickets earlier fast-entry runs logged, so every run measures the same
    open tickets (they would pile up as new tickets on the board otherwise)."""
    from django.db import connection

    from service_tickets.models import Ticket

    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Ticket._meta.db_table}
                SET status = 'cancelled', version = version + 1, updated_at = now()
                WHERE status = 'new' AND description LIKE %s""",  # noqa: S608 - model table
            [f"{FAST_ENTRY_MARK}%"])
        retired = cursor.rowcount
        if retired and connection.vendor == "postgresql":
            # Now rather than by autovacuum in the middle of the measurements (the
            # earlier run's new rows and these updates would set it off).
            cursor.execute(f"VACUUM (ANALYZE) {Ticket._meta.db_table}")
        return retired


# --- Calendar events ---------------------------------------------------------------------
# Set-based SQL as for the tickets: a chunk of events and their attendance rows per statement.

EVENT_CHUNK = 100_000
EVENT_STAFF = 200  # whose calendars the events fill
EVENT_TEAM = 30  # the desk and colleagues of its department, side by side in the team view
EVENT_YEARS = 3  # spread over, centred on today
EVENT_RECURRING = 0.05
EVENT_MARK = "基准"  # the place of every generated event starts with this
EVENT_TITLES = ["业主上门协商", "维修回访", "部门例会", "装修巡查", "电话回访业主", "消防检查",
                "工程验收", "客户接待", "投诉处理沟通", "设备巡检", "培训", "交房陪同"]
EVENT_PLACES = ["基准一号会议室", "基准二号会议室", "基准客服中心", "基准工程部", "基准业主家中",
                "基准小区门岗"]
EVENT_KINDS = ["appointment", "meeting", "meeting", "visit", "call", "activity"]

# ``g`` draws once per event (MATERIALIZED, so every column reads the same draw) and takes
# the ids from the table's sequence, so the attendance rows know their event before it is
# written. Singles: a weekday, 08:00-17:30 local, 30-120 minutes. Recurring: weekly on the
# start's weekday (4-52 times) or daily (5-20 times), ``series_end`` the end of the last.
EVENT_CHUNK_SQL = """
WITH g AS MATERIALIZED (
    SELECT nextval(%(seq)s) AS id, i, random() AS r_day, random() AS r_time,
           random() AS r_len, random() AS r_org, random() AS r_rec, random() AS r_count,
           random() AS r_kind, random() AS r_priv, random() AS r_n, random() AS r1,
           random() AS r2, random() AS r3, random() AS r_ans, random() AS r_made
    FROM generate_series(%(first)s, %(last)s) AS i
), s AS MATERIALIZED (
    SELECT g.*,
           ((%(monday)s::date + (floor(g.r_day * %(weeks)s)::int * 7
                                + floor(g.r_time * 5)::int))::timestamp
            + make_interval(mins => 480 + 15 * (floor(g.r_len * 1000)::int %% 39)))
               AT TIME ZONE %(tz)s AS st,
           make_interval(mins => 30 + 15 * (floor(g.r_time * 1000)::int %% 7)) AS dur,
           1 + floor(g.r_org * %(n_staff)s)::int AS org_k,
           CASE WHEN g.r_rec >= %(recurring)s THEN ''
                WHEN g.r_rec < %(recurring)s * 0.8 THEN 'WEEKLY' ELSE 'DAILY' END AS freq,
           CASE WHEN g.r_rec < %(recurring)s * 0.8 THEN 4 + floor(g.r_count * 49)::int
                ELSE 5 + floor(g.r_count * 16)::int END AS n
    FROM g
), e AS (
    INSERT INTO {event} ({columns})
    SELECT {values} FROM s
    RETURNING id, start, series_end, rrule
), invited AS (
    SELECT s.id, s.st, s.org_k, x.j, x.off, s.r_ans, s.r_made
    FROM s CROSS JOIN LATERAL (VALUES (1, 1 + floor(s.r1 * 66)::int),
                                      (2, 67 + floor(s.r2 * 66)::int),
                                      (3, 133 + floor(s.r3 * 66)::int)) AS x (j, off)
    WHERE x.j <= floor(s.r_n * 4)::int
)
INSERT INTO {attendance} (event_id, user_id, response, responded_at, created_at,
                          event_start, event_until, event_repeats)
SELECT e.id, (%(staff)s::bigint[])[s.org_k], 'accepted', c.made, c.made,
       e.start, e.series_end, e.rrule <> ''
FROM e JOIN s USING (id)
CROSS JOIN LATERAL (SELECT least(s.st - make_interval(hours => 1 + floor(s.r_made * 720)::int),
                                 %(now)s::timestamptz) AS made) c
UNION ALL
SELECT v.id, (%(staff)s::bigint[])[1 + (v.org_k - 1 + v.off) %% %(n_staff)s],
       CASE WHEN r.a < 0.2 THEN 'pending' WHEN r.a < 0.8 THEN 'accepted'
            WHEN r.a < 0.9 THEN 'tentative' ELSE 'declined' END,
       CASE WHEN r.a >= 0.2 THEN least(c.made + interval '2 hours', %(now)s::timestamptz)
       END, c.made, e.start, e.series_end, e.rrule <> ''
FROM invited v JOIN e USING (id)
CROSS JOIN LATERAL (SELECT (v.r_ans * 7 + v.j * 0.37) - floor(v.r_ans * 7 + v.j * 0.37) AS a) r
CROSS JOIN LATERAL (SELECT least(v.st - make_interval(hours => 1 + floor(v.r_made * 720)::int),
                                 %(now)s::timestamptz) AS made) c
"""

EVENT_VALUES = {
    "id": "s.id",
    "version": "1",
    "kind": "(%(kinds)s::text[])[1 + floor(s.r_kind * %(n_kinds)s)::int]",
    "title": "(%(titles)s::text[])[1 + s.i %% %(n_titles)s]",
    "place": "(%(places)s::text[])[1 + s.i %% %(n_places)s]",
    "notes": "''",
    "start": "s.st",
    "end": "s.st + s.dur",
    "all_day": "false",
    "rrule": "CASE s.freq WHEN '' THEN '' WHEN 'WEEKLY' THEN 'FREQ=WEEKLY;BYDAY=' "
             "|| (ARRAY['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])["
             "extract(isodow FROM s.st AT TIME ZONE %(tz)s)::int] || ';COUNT=' || s.n "
             "ELSE 'FREQ=DAILY;COUNT=' || s.n END",
    "series_end": "s.st + s.dur + CASE s.freq WHEN '' THEN interval '0' "
                  "WHEN 'WEEKLY' THEN make_interval(days => 7 * (s.n - 1)) "
                  "ELSE make_interval(days => s.n - 1) END",
    "private": "s.r_priv < 0.05",
    "cancelled_at": "CASE WHEN s.r_priv > 0.98 THEN least(s.st, %(now)s::timestamptz) END",
    "created_at": "least(s.st - make_interval(hours => 1 + floor(s.r_made * 720)::int), "
                  "%(now)s::timestamptz)",
    "updated_at": "least(s.st - make_interval(hours => 1 + floor(s.r_made * 720)::int), "
                  "%(now)s::timestamptz)",
    "organizer_id": "(%(staff)s::bigint[])[s.org_k]",
}


def event_staff() -> list[int]:
    """The first ``EVENT_STAFF`` active users by id, with the desk ('frontdesk', whose week
    is measured) and at least ``EVENT_TEAM - 1`` colleagues of its department among them."""
    from staff.models import User

    desk = User.objects.get(username="frontdesk")
    active = User.objects.filter(is_active=True).order_by("id")
    staff = list(active.values_list("id", flat=True)[:EVENT_STAFF])
    if desk.pk not in staff:
        staff[-1] = desk.pk
    colleagues = set(active.filter(department_id=desk.department_id).exclude(pk=desk.pk)
                     .values_list("id", flat=True))
    missing = [pk for pk in sorted(colleagues) if pk not in staff][
        : max(0, EVENT_TEAM - 1 - len(colleagues.intersection(staff)))]
    others = [pk for pk in reversed(staff) if pk != desk.pk and pk not in colleagues]
    for pk, replaced in zip(missing, others, strict=False):
        staff[staff.index(replaced)] = pk
    return sorted(staff)


def _bench_events_done(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table} WHERE place LIKE %s",  # noqa: S608
                   [f"{EVENT_MARK}%"])
    return cursor.fetchone()[0]


def scale_events(target: int = 500_000) -> None:
    """``target`` calendar events of ``EVENT_STAFF`` staff over three years around today:
    about 95 % single events in working hours, the rest weekly or daily series; each with
    its organiser's accepted attendance (as ``services.event_create`` writes it) and 0-3
    invited colleagues. Skipped when they are there already."""
    from django.db import connection, transaction
    from django.utils import timezone

    from scheduling.models import Attendance, Event

    if target <= 0 or connection.vendor != "postgresql":
        return
    table = Event._meta.db_table
    with connection.cursor() as cursor:
        done = _bench_events_done(cursor, table)
    if done >= target:
        return
    started = time.monotonic()
    staff = event_staff()
    now = timezone.now()
    today = timezone.localdate()
    half = EVENT_YEARS * 365 // 2
    first_day = today - timedelta(days=half)
    monday = first_day - timedelta(days=first_day.weekday())
    with connection.cursor() as cursor:
        columns = _columns(cursor, table, EVENT_VALUES)
        sql = EVENT_CHUNK_SQL.format(event=table, attendance=Attendance._meta.db_table,
                                     columns=", ".join(f'"{c}"' for c in columns),
                                     values=", ".join(columns.values()))
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        params = {
            "seq": cursor.fetchone()[0], "now": now, "tz": str(timezone.get_current_timezone()),
            "monday": monday, "weeks": EVENT_YEARS * 52, "recurring": EVENT_RECURRING,
            "staff": staff, "n_staff": len(staff),
            "kinds": EVENT_KINDS, "n_kinds": len(EVENT_KINDS),
            "titles": EVENT_TITLES, "n_titles": len(EVENT_TITLES),
            "places": EVENT_PLACES, "n_places": len(EVENT_PLACES),
        }
        for first in range(done + 1, target + 1, EVENT_CHUNK):
            last = min(first + EVENT_CHUNK - 1, target)
            with transaction.atomic():
                cursor.execute("SET LOCAL synchronous_commit TO off")
                cursor.execute("SELECT setseed(%s)", [(first % 9973) / 9973])
                cursor.execute(sql, {**params, "first": first, "last": last})
            print(f"events: {last:,} of {target:,} "
                  f"({time.monotonic() - started:.0f} s)", flush=True)
        for model in (Event, Attendance):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    print(f"events: {target - done:,} events of {len(staff)} staff in "
          f"{time.monotonic() - started:.0f} s", flush=True)


def event_targets() -> dict:
    """The desk's busiest week, 29 colleagues of its department for the team view, a token
    for the API, and one of its events with three invited colleagues (not declined) whose
    time a new meeting of the same people must clash with."""
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from scheduling.models import Attendance, Event
    from staff.models import User

    desk = User.objects.get(username="frontdesk")
    staff = event_staff()
    colleagues = (User.objects.filter(pk__in=staff, department_id=desk.department_id,
                                      is_active=True)
                  .exclude(pk=desk.pk).order_by("id").values_list("id", flat=True))
    team = [desk.pk, *colleagues[: EVENT_TEAM - 1]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (date_trunc('week', start AT TIME ZONE %s))::date AS week, count(*)
                FROM {Event._meta.db_table} e
                WHERE cancelled_at IS NULL AND rrule = ''
                  AND e.id IN (SELECT event_id FROM {Attendance._meta.db_table}
                               WHERE user_id = %s AND response <> 'declined')
                GROUP BY 1 ORDER BY 2 DESC, 1 DESC LIMIT 1""",  # noqa: S608 - model tables
            [str(timezone.get_current_timezone()), desk.pk])
        row = cursor.fetchone()
    week = row[0] if row else timezone.localdate()
    clash = {}
    mine = Event.objects.filter(organizer=desk, rrule="", cancelled_at__isnull=True)
    in_week = mine.filter(start__date__gte=week, start__date__lt=week + timedelta(days=7))
    for event in [*in_week.prefetch_related("attendances").order_by("start"),
                  *mine.prefetch_related("attendances").order_by("-start")[:200]]:
        invited = [a.user_id for a in event.attendances.all()
                   if a.user_id != desk.pk and a.response != "declined"]
        if len(invited) >= 3:
            clash = {"start": event.start.isoformat(), "end": event.end.isoformat(),
                     "attendees": invited[:3]}
            break
    token, _ = Token.objects.get_or_create(user=desk)
    return {"week": week.isoformat(), "team": team, "token": token.key, "clash": clash}


def targets() -> dict:
    """Real values to search for and pages to open, from the scaled data."""
    from owners.models import Ownership, Phone

    ownership = Ownership.objects.filter(room__code__startswith="B").select_related(
        "party", "room").order_by("id")[1000]
    party = ownership.party
    tail = Phone.objects.filter(party=party).values_list("tail", flat=True).first()
    return {"party": party.pk, "name": party.name[:2], "initials": party.name_initials,
            "tail": tail, "room": ownership.room.code, "room_id": ownership.room_id,
            **ticket_targets(), **event_targets()}


def ticket_targets() -> dict:
    """The busiest territory, a leaf category, a ticket in progress with its events, and
    rooms with their owners for the desk to log tickets for."""
    from django.db.models import Count

    from owners.models import Ownership
    from service_tickets.choices import OPEN_STATUSES, Status
    from service_tickets.models import Category, Ticket

    busiest = (Ticket.objects.filter(status__in=OPEN_STATUSES, territory__isnull=False)
               .values("territory").annotate(n=Count("id")).order_by("-n").first())
    ticket = (Ticket.objects.filter(status=Status.IN_PROGRESS).order_by("-created_at")
              .annotate(n=Count("events")).filter(n__gte=10).values_list("id", flat=True)
              [:1])
    callers = list(Ownership.objects.filter(room__code__startswith="B").order_by("id")
                   .values_list("room_id", "party_id")[2000:2200])
    return {"territory": busiest["territory"] if busiest else None,
            "category": Category.objects.get(code="leak").pk,
            "ticket": ticket[0] if ticket else None,
            "callers": [f"{room}:{party}" for room, party in callers]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=2_000)
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--rooms", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--events-per-ticket", type=int, default=10)
    parser.add_argument("--events", type=int, default=500_000, help="calendar events")
    parser.add_argument("--targets", action="store_true", help="print targets as JSON")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    if args.targets:
        print(json.dumps(targets(), ensure_ascii=False))
        return
    scale_staff(args.staff)
    scale_owners(estates=args.estates, rooms=args.rooms, people=args.people)
    scale_tickets(args.tickets, args.events_per_ticket)
    scale_escalation_rules(backfill=False)
    scale_events(args.events)
    retired = retire_fast_entry_tickets()
    if retired:
        print(f"tickets: cancelled {retired:,} tickets of earlier fast-entry runs")

    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
