from django.db import migrations
from django.db.models import Q

# What this area wrote before message ids were kept, frozen here (later changes to the code
# do not change what old rows said): msgid -> {argument: choices it was a label of}.
EVENT_TITLE = "%(kind)s: %(title)s (%(when)s)"
CANCELLED = "%(event)s — cancelled"
PRIVATE = "private"
INBOX = {
    "event-invite:": ({"%(name)s invited you: %(title)s": {}},
                      {"%(when)s, %(place)s": {}}),
    "event-change:": ({"Event changed: %(title)s": {}}, {"%(when)s, %(place)s": {}}),
    "event-cancel:": ({"Event cancelled: %(title)s": {}}, {}),
    "event-answer:": ({"%(name)s answered “%(answer)s”: %(title)s": {"answer": "answer"}}, {}),
    "event:": ({"Reminder: %(title)s at %(time)s": {}}, {}),
    "task:": ({"Task due at %(time)s: %(title)s": {}}, {}),
    "task-assigned:": ({"%(name)s gave you a task: %(title)s": {}}, {}),
}

# The Chinese these rows were written in (the catalogue may be reworded later).
CHINESE = {
    '%(kind)s: %(title)s (%(when)s)': '%(kind)s：%(title)s（%(when)s）',
    '%(event)s — cancelled': '%(event)s — 已取消',
    'private': '私人',
    '%(name)s invited you: %(title)s': '%(name)s 邀请您：%(title)s',
    '%(when)s, %(place)s': '%(when)s，%(place)s',
    'Event changed: %(title)s': '日程变更：%(title)s',
    'Event cancelled: %(title)s': '日程取消：%(title)s',
    '%(name)s answered “%(answer)s”: %(title)s': '%(name)s 答复“%(answer)s”：%(title)s',
    'Reminder: %(title)s at %(time)s': '提醒：%(time)s %(title)s',
    'Task due at %(time)s: %(title)s': '任务 %(time)s 到期：%(title)s',
    '%(name)s gave you a task: %(title)s': '%(name)s 给您布置了任务：%(title)s',
}


def _event_title(old, kinds):
    from django.utils.translation import gettext, override

    from portal.stored_text import message, recognise

    cancelled = recognise(old, {CANCELLED: {}}, written=CHINESE)
    inner = recognise(cancelled["args"]["event"] if cancelled else old,
                      {EVENT_TITLE: {"kind": kinds}}, written=CHINESE)
    if inner is None:
        return None
    title = inner["args"]["title"]
    with override("en"):
        private = {CHINESE[PRIVATE], gettext(PRIVATE)}
    with override("zh-hans"):
        private.add(gettext(PRIVATE))
    if title in private:
        inner["args"]["title"] = message(PRIVATE)
    return message(CANCELLED, event=inner) if cancelled else inner


def restore_messages_of_old_rows(apps, schema_editor):
    """Old rows get the message id their text reads as (in Chinese or English); the rest
    keep their text, which is shown as it is."""
    from portal.stored_text import restore_messages
    from scheduling.choices import EventKind, Response

    activity = apps.get_model("owners", "Activity")
    pending = []
    for row in (activity.objects.filter(source="scheduling.event", message__isnull=True)
                .only("pk", "title").order_by("pk").iterator(chunk_size=2000)):
        found = _event_title(row.title, EventKind)
        if found is not None:
            row.message = found
            pending.append(row)
    activity.objects.bulk_update(pending, ["message"], batch_size=2000)
    notification = apps.get_model("inbox", "Notification")
    for prefix, (titles, bodies) in INBOX.items():
        restore_messages(notification, text_field="title", message_field="title_message",
                         where=Q(source__startswith=prefix),
                         candidates={msgid: {arg: Response for arg in args}
                                     for msgid, args in titles.items()}, written=CHINESE)
        if bodies:
            restore_messages(notification, text_field="body", message_field="body_message",
                             where=Q(source__startswith=prefix), candidates=bodies,
                             written=CHINESE)


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0003_attendance_calendar_index"),
        ("owners", "0008_activity_message_id"),
        ("inbox", "0002_notification_message_ids"),
    ]

    operations = [
        migrations.RunPython(restore_messages_of_old_rows, migrations.RunPython.noop,
                             elidable=True),
    ]
