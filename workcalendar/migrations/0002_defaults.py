import datetime

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def load_defaults(apps, schema_editor):
    """Office hours 08:30–12:00 and 13:30–17:30, and the official holidays since 2024."""
    import chinese_calendar

    period = apps.get_model("workcalendar", "WorkPeriod")
    if not period.objects.exists():
        period.objects.create(start=datetime.time(8, 30), end=datetime.time(12, 0))
        period.objects.create(start=datetime.time(13, 30), end=datetime.time(17, 30))
    day = apps.get_model("workcalendar", "CalendarDay")
    for date, name in chinese_calendar.holidays.items():
        if date.year >= 2024:
            day.objects.get_or_create(date=date, defaults={
                "kind": "holiday", "name": NAMES.get(name, name), "source": "official"})
    for date, name in chinese_calendar.workdays.items():
        if date.year >= 2024 and date.weekday() >= 5:
            day.objects.get_or_create(date=date, defaults={
                "kind": "workday", "name": NAMES.get(name, name), "source": "official"})


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
