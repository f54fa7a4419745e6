"""Timeline entries the system writes read in the reader's language; typed notes as typed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from owners.choices import OccupantRelation
from owners.models import Activity
from owners.services import note_add, occupancy_add
from tests.owners.factories import OwnershipFactory, PartyFactory

pytestmark = pytest.mark.django_db


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_household_change_reads_in_each_readers_language(front_desk, manager, login):
    # given: recorded once, by a Chinese-speaking desk
    ownership = OwnershipFactory(party__name="刘旭")
    tenant = PartyFactory(name="王芳")
    occupancy_add(room=ownership.room, party=tenant, relation=OccupantRelation.TENANT,
                  by=front_desk)
    entry = Activity.objects.get(source="owners.occupancy")
    room = ownership.room.code
    assert entry.title == f"王芳（租户）登记入住 {room}"  # the site's language, for search
    # when / then
    page = reverse("owners:party_detail", args=[tenant.pk])
    assert f"王芳（租户）登记入住 {room}" in login(front_desk).get(page).content.decode()
    english = login(speaking(manager, "en")).get(page).content.decode()
    assert f"王芳 (Tenant) added to {room}" in english


def test_typed_notes_and_old_entries_read_as_written(front_desk, login):
    party = PartyFactory()
    note_add(by=front_desk, kind="call", title="业主来电问停车", party=party)
    Activity.objects.create(party=party, kind="ticket", title="旧系统：报修 已完成",
                            occurred_at=party.created_at)
    html = login(speaking(front_desk, "en")).get(
        reverse("owners:party_detail", args=[party.pk])).content.decode()
    assert "业主来电问停车" in html and "旧系统：报修 已完成" in html


def test_the_owner_page_costs_the_same_with_3_or_30_system_entries(front_desk, login,
                                                                  django_assert_num_queries):
    ownership = OwnershipFactory()
    client = login(speaking(front_desk, "en"))
    page = reverse("owners:party_detail", args=[ownership.party.pk])

    def add(n):
        for _ in range(n):
            occupancy_add(room=ownership.room, party=PartyFactory(),
                          relation=OccupantRelation.FAMILY, by=front_desk)

    add(1)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    add(14)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(page).content.decode()
    assert html.count("(Family member) added to") >= 15


def test_old_household_entries_are_read_back_into_message_ids():
    # given: entries written in Chinese before ids were kept
    from importlib import import_module

    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import override

    party = PartyFactory()
    became = Activity.objects.create(party=party, kind="household", source="owners.ownership",
                                     occurred_at=party.created_at, title="成为 3-2-1201 的业主")
    moved = Activity.objects.create(party=party, kind="household", source="owners.occupancy",
                                    occurred_at=party.created_at,
                                    title="王芳（租户）登记入住 3-2-1201")
    # when
    state = MigrationExecutor(connection).loader.project_state(
        ("owners", "0008_activity_message_id")).apps
    import_module("owners.migrations.0008_activity_message_id").restore_titles(state, None)
    # then
    became.refresh_from_db()
    moved.refresh_from_db()
    with override("en"):
        assert became.title_text == "Became an owner of 3-2-1201"
        assert moved.title_text == "王芳 (Tenant) added to 3-2-1201"
