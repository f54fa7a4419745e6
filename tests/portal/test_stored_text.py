"""Text the system stores as a message id with arguments, shown in the reader's language."""

import datetime as dt

from django.utils.translation import gettext_noop, override

from portal.stored_text import choice, is_message, message, moment, recognise, text, text_in
from service_tickets.choices import DispatchMode, FollowUpMethod, FollowUpOutcome, Status


def test_a_message_reads_in_the_active_language_with_its_choice_labels():
    # given
    stored = message(gettext_noop("Dispatched automatically (%(mode)s)"),
                     mode=choice(DispatchMode, DispatchMode.ROUND_ROBIN))
    # when / then
    assert text_in("zh-hans", stored) == "已派单：自动派单（片区内轮流）"
    assert text_in("en", stored) == (
        "Dispatched automatically (Automatic, in turn within the territory)")


def test_plain_arguments_read_as_given_in_every_language():
    stored = message(gettext_noop("Unsatisfied follow-up: %(comments)s"), comments="水管还漏")
    assert text_in("zh-hans", stored) == "回访不满意：水管还漏"
    assert text_in("en", stored) == "Unsatisfied follow-up: 水管还漏"


def test_nested_messages_and_times_follow_the_reader():
    # given: a cancelled private event at 09:30 Shanghai time
    start = dt.datetime(2026, 12, 1, 1, 30, tzinfo=dt.UTC)
    inner = message(gettext_noop("%(kind)s: %(title)s (%(when)s)"), kind="会议",
                    title=message(gettext_noop("private")), when=moment(start))
    stored = message(gettext_noop("%(event)s — cancelled"), event=inner)
    # when
    chinese, english = text_in("zh-hans", stored), text_in("en", stored)
    # then
    assert chinese.startswith("会议：私人（") and chinese.endswith("已取消")
    assert "09:30" in chinese
    assert english.startswith("会议: private (") and english.endswith("— cancelled")
    assert "9:30" in english


def test_a_lone_choice_is_a_message_too():
    stored = choice(Status, Status.DONE)
    assert is_message(stored)
    assert text_in("en", stored) == "Done, awaiting follow-up"
    assert text_in("zh-hans", stored) not in ("", "Done, awaiting follow-up")


def test_rows_without_a_message_show_their_old_text():
    assert text(None, "旧的说明") == "旧的说明"
    assert text({}, "旧的说明") == "旧的说明"
    assert text({"args": {}}, "旧的说明") == "旧的说明"


def test_an_unknown_choice_shows_its_stored_value():
    stored = message(gettext_noop("Unsatisfied follow-up: %(comments)s"),
                     comments={"choice": "nowhere.module:Missing", "value": "x"})
    assert text_in("en", stored) == "Unsatisfied follow-up: x"
    stale = message(gettext_noop("Unsatisfied follow-up: %(comments)s"),
                    comments=choice(Status, "retired"))
    assert text_in("en", stale) == "Unsatisfied follow-up: retired"


def test_a_missing_argument_falls_back_to_the_text_kept():
    stored = {"id": "Unsatisfied follow-up: %(comments)s", "args": {"other": 1}}
    assert text(stored, "当时的文字") == "当时的文字"


def test_old_chinese_or_english_text_is_read_back_as_its_message():
    candidates = {"%(outcome)s · %(method)s · %(comments)s": {
        "outcome": FollowUpOutcome, "method": FollowUpMethod}}
    with override("zh-hans"):
        old = (f"{FollowUpOutcome.UNSATISFIED.label} · {FollowUpMethod.CALL.label}"
               " · 还在滴水 · 明天再来")
    # when
    found = recognise(old, candidates)
    # then: the labels become choices again, what was typed stays as typed
    assert found["args"]["outcome"] == choice(FollowUpOutcome, FollowUpOutcome.UNSATISFIED)
    assert found["args"]["comments"] == "还在滴水 · 明天再来"
    with override("en"):
        labels = f"{FollowUpOutcome.UNSATISFIED.label} · {FollowUpMethod.CALL.label}"
        assert text(found) == f"{labels} · 还在滴水 · 明天再来"
    assert labels == "Unsatisfied · Phone call"  # read in English, not as it was stored
    assert recognise("Closed after a satisfied follow-up",
                     {"Closed after a satisfied follow-up": {}}) == message(
        "Closed after a satisfied follow-up")
    assert recognise("业主说了别的", candidates) is None


def test_text_written_with_an_older_wording_is_still_read_back():
    # given: the catalogue was reworded after the row was written
    msgid = "Unsatisfied follow-up: %(comments)s"
    old = "回访结果不满意，原因：水管还漏"
    assert recognise(old, {msgid: {}}) is None
    # when the migration names the wording of the time
    found = recognise(old, {msgid: {}}, written={msgid: "回访结果不满意，原因：%(comments)s"})
    # then
    assert found == message(msgid, comments="水管还漏")
    assert text_in("en", found) == "Unsatisfied follow-up: 水管还漏"
