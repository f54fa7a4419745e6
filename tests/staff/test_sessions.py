"""Sessions: in the database (they survive a Redis restart), read through the cache."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _session_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:directory")).status_code == 200
    return sum("django_session" in q["sql"] for q in queries)


def test_a_signed_in_page_reads_its_session_without_a_query(front_desk, login):
    client = login(front_desk)
    client.get(reverse("staff:directory"))
    assert _session_queries(client) == 0


def test_a_session_outlives_the_cache(front_desk, login):
    # Given a signed-in desk whose session is written to the database
    client = login(front_desk)
    assert Session.objects.count() == 1
    # When Redis loses everything (a restart)
    cache.clear()
    # Then the desk is still signed in, the session read from the database once
    assert _session_queries(client) == 1
    assert _session_queries(client) == 0
