"""Demo departments and staff: one login per role, plus colleagues to fill the directory."""

import random

from faker import Faker

from .choices import Role
from .models import Department, User
from .roles import ADMIN_ROLES, role_group

DEMO_PASSWORD = "wuye-demo-2026"  # noqa: S105 - documented demo-only password

DEPARTMENTS = [
    ("general-office", "总经理办公室", "0571-88001000"),
    ("customer-service", "客户服务中心", "0571-88001001"),
    ("engineering", "工程维修部", "0571-88001002"),
    ("security", "秩序维护部", "0571-88001003"),
    ("safety", "安全管理部", "0571-88001004"),
    ("finance", "财务部", "0571-88001005"),
    ("it", "信息技术部", "0571-88001006"),
]

# username, full name, department code, job title, role
LOGINS = [
    ("frontdesk", "王丽娜", "customer-service", "客服专员", Role.FRONT_DESK),
    ("dispatcher", "陈建国", "customer-service", "派单员", Role.DISPATCHER),
    ("technician", "李师傅", "engineering", "水电维修工", Role.SERVICE_STAFF),
    ("manager", "张明华", "general-office", "项目经理", Role.MANAGER),
    ("security", "赵志强", "security", "保安主管", Role.SECURITY_SUPERVISOR),
    ("safety", "刘安平", "safety", "安全员", Role.SAFETY_OFFICER),
    ("admin", "周信息", "it", "系统管理员", Role.ADMINISTRATOR),
]

EXTRA_STAFF = [
    ("customer-service", "客服专员", Role.FRONT_DESK),
    ("engineering", "维修工", Role.SERVICE_STAFF),
    ("security", "保安员", Role.SERVICE_STAFF),
]


def seed(*, stdout, rng: random.Random) -> None:
    departments = {}
    for code, name, phone in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "phone": phone})

    for username, full_name, dept, title, role in LOGINS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "department": departments[dept],
                "job_title": title,
                "mobile": f"1380571{rng.randint(0, 9999):04d}",
                "email": f"{username}@example.com",
                "is_staff": role in ADMIN_ROLES,
                "is_superuser": role == Role.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(role_group(role))

    heads = {"general-office": "manager", "customer-service": "dispatcher",
             "engineering": "technician", "security": "security", "safety": "safety",
             "it": "admin"}
    for code, username in heads.items():
        Department.objects.filter(code=code, head__isnull=True).update(
            head=User.objects.get(username=username))

    fake = Faker("zh_CN")
    fake.seed_instance(rng.randint(0, 10**6))
    for index in range(24):
        dept, title, role = EXTRA_STAFF[index % len(EXTRA_STAFF)]
        username = f"staff{index + 1:03d}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": fake.name(),
                "department": departments[dept],
                "job_title": title,
                "mobile": fake.phone_number(),
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(role_group(role))
    stdout.write(f"staff: {len(LOGINS)} logins (password {DEMO_PASSWORD}), "
                 f"{User.objects.count()} staff in {Department.objects.count()} departments")
