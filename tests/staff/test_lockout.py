from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _attempt(client, password, ip="10.0.0.1"):
    return client.post(reverse("staff:login"), {"username": "frontdesk", "password": password},
                       REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_from_that_address(front_desk, password):
    client = Client()
    for _ in range(4):
        assert _attempt(client, "wrong-password-x").status_code == 200
    fifth = _attempt(client, "wrong-password-x")
    assert fifth.status_code == 429
    locked = _attempt(client, password)
    assert locked.status_code == 429
    assert "15 分钟" in locked.content.decode()


def test_four_failures_then_success_resets_the_count(front_desk, password):
    client = Client()
    for _ in range(4):
        _attempt(client, "wrong-password-x")
    assert _attempt(client, password).status_code == 302
    client.post(reverse("staff:logout"))
    for _ in range(4):
        assert _attempt(client, "wrong-password-x").status_code == 200


def test_lockout_is_per_username_and_address(front_desk, password):
    for _ in range(5):
        _attempt(Client(), "wrong-password-x", ip="10.0.0.1")
    assert _attempt(Client(), password, ip="10.0.0.2").status_code == 302


def test_lockout_ends_fifteen_minutes_after_the_last_failure(front_desk, password):
    with time_machine.travel("2026-11-27 09:00 +0800", tick=False) as clock:
        for _ in range(5):
            _attempt(Client(), "wrong-password-x")
        clock.shift(timedelta(minutes=16))
        assert _attempt(Client(), password).status_code == 302


def test_trying_again_while_locked_keeps_the_lock(front_desk, password):
    with time_machine.travel("2026-11-27 09:00 +0800", tick=False) as clock:
        for _ in range(5):
            _attempt(Client(), "wrong-password-x")
        clock.shift(timedelta(minutes=14))
        assert _attempt(Client(), password).status_code == 429
        clock.shift(timedelta(minutes=2))
        assert _attempt(Client(), password).status_code == 429


def test_api_token_endpoint_is_locked_out_too(front_desk, password):
    client = Client()
    for _ in range(5):
        client.post(reverse("api-token"), {"username": "frontdesk", "password": "nope-nope-1"},
                    REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("api-token"),
                           {"username": "frontdesk", "password": password},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "token" not in response.json()
